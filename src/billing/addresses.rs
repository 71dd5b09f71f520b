//! Addresses are rows of their own, referenced by businesses and customers.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Address fields as a request gives them: `None` keeps a field, `Some(None)` clears it.
#[derive(Debug, Default, Clone)]
pub struct AddressChanges {
    pub line: Option<Option<String>>,
    pub line2: Option<Option<String>>,
    pub post_code: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub state: Option<Option<String>>,
    pub country: Option<Option<String>>,
    /// ISO 3166-1 alpha-2, upper-case.
    pub country_code: Option<Option<String>>,
}

/// Inserts a new address row, answering its id.
pub async fn insert(
    conn: &mut PgConnection,
    a: &AddressChanges,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO addresses (line, line2, post_code, city, country, state, country_code,
             created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $7, $8, $6, $6) RETURNING id",
    )
    .bind(a.line.clone().flatten())
    .bind(a.line2.clone().flatten())
    .bind(a.post_code.clone().flatten())
    .bind(a.city.clone().flatten())
    .bind(a.country.clone().flatten())
    .bind(now)
    .bind(a.state.clone().flatten())
    .bind(a.country_code.clone().flatten())
    .fetch_one(conn)
    .await
}

/// Changes only the fields given.
pub async fn update(
    conn: &mut PgConnection,
    id: i64,
    a: &AddressChanges,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE addresses SET
            line = CASE WHEN $2 THEN $3 ELSE line END,
            line2 = CASE WHEN $4 THEN $5 ELSE line2 END,
            post_code = CASE WHEN $6 THEN $7 ELSE post_code END,
            city = CASE WHEN $8 THEN $9 ELSE city END,
            country = CASE WHEN $10 THEN $11 ELSE country END,
            updated_at = $12,
            state = CASE WHEN $13 THEN $14 ELSE state END,
            country_code = CASE WHEN $15 THEN $16 ELSE country_code END
         WHERE id = $1",
    )
    .bind(id)
    .bind(a.line.is_some())
    .bind(a.line.clone().flatten())
    .bind(a.line2.is_some())
    .bind(a.line2.clone().flatten())
    .bind(a.post_code.is_some())
    .bind(a.post_code.clone().flatten())
    .bind(a.city.is_some())
    .bind(a.city.clone().flatten())
    .bind(a.country.is_some())
    .bind(a.country.clone().flatten())
    .bind(now)
    .bind(a.state.is_some())
    .bind(a.state.clone().flatten())
    .bind(a.country_code.is_some())
    .bind(a.country_code.clone().flatten())
    .execute(conn)
    .await?;
    Ok(())
}

/// What a PATCH's `address` did to the row its owner (a business, a customer) points at.
#[must_use = "the owner's address_id may have to change and an old row be deleted"]
pub struct Applied {
    /// The owner's new `address_id` when it changes (`Some(None)`: cleared).
    pub new_id: Option<Option<i64>>,
    /// The row to delete once the owner no longer points at it.
    orphan: Option<i64>,
}

/// Applies a PATCH's `address` (`None` keeps it, `Some(None)` removes it, `Some(Some(_))`
/// changes the fields given, creating the row when there is none) to the owner whose
/// row, locked by the caller, points at `current`.
pub async fn apply(
    conn: &mut PgConnection,
    current: Option<i64>,
    change: &Option<Option<AddressChanges>>,
    now: DateTime<Utc>,
) -> sqlx::Result<Applied> {
    let mut applied = Applied {
        new_id: None,
        orphan: None,
    };
    match (change, current) {
        (Some(Some(address)), Some(existing)) => update(conn, existing, address, now).await?,
        (Some(Some(address)), None) => {
            applied.new_id = Some(Some(insert(conn, address, now).await?))
        }
        (Some(None), Some(old)) => {
            applied.new_id = Some(None);
            applied.orphan = Some(old);
        }
        _ => {}
    }
    Ok(applied)
}

impl Applied {
    /// Deletes the row the owner let go of; call after the owner's UPDATE (the foreign key).
    pub async fn remove_orphan(self, conn: &mut PgConnection) -> sqlx::Result<()> {
        if let Some(old) = self.orphan {
            sqlx::query("DELETE FROM addresses WHERE id = $1")
                .bind(old)
                .execute(conn)
                .await?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct Address {
    pub id: i64,
    pub line: Option<String>,
    pub line2: Option<String>,
    pub post_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub state: Option<String>,
    pub country_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The `address_*` columns of a LEFT JOIN; all NULL when there is no address.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct JoinedAddress {
    pub address_id: Option<i64>,
    pub address_line: Option<String>,
    pub address_line2: Option<String>,
    pub address_post_code: Option<String>,
    pub address_city: Option<String>,
    pub address_country: Option<String>,
    pub address_state: Option<String>,
    pub address_country_code: Option<String>,
    pub address_created_at: Option<DateTime<Utc>>,
    pub address_updated_at: Option<DateTime<Utc>>,
}

/// The `address_*` select list of a LEFT JOIN on `addresses a` (`JoinedAddress`'s
/// columns), for every read that embeds an address.
macro_rules! address_columns {
    () => {
        "a.id AS address_id, a.line AS address_line, a.line2 AS address_line2,
        a.post_code AS address_post_code, a.city AS address_city,
        a.country AS address_country, a.state AS address_state,
        a.country_code AS address_country_code, a.created_at AS address_created_at,
        a.updated_at AS address_updated_at"
    };
}
pub(crate) use address_columns;

impl JoinedAddress {
    pub fn into_address(self) -> Option<Address> {
        Some(Address {
            id: self.address_id?,
            line: self.address_line,
            line2: self.address_line2,
            post_code: self.address_post_code,
            city: self.address_city,
            country: self.address_country,
            state: self.address_state,
            country_code: self.address_country_code,
            created_at: self.address_created_at?,
            updated_at: self.address_updated_at?,
        })
    }
}
