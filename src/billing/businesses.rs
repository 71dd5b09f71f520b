//! Businesses: every query on the `businesses` table. The row as the documents embed it
//! (`views::business` shapes it; emails read it through the documents' one read) and the insert
//! of a new business with a unique slug (`auth::accounts` creates it with its owner).

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};

use crate::billing::addresses::{JoinedAddress, address_columns};
use crate::billing::businesses::profile::logo_extension_sql;

pub mod changes;
pub mod logos;
pub mod profile;

/// A business row (also read back as JSON, from a query that embeds it).
#[derive(sqlx::FromRow, serde::Deserialize)]
pub(crate) struct BusinessRow {
    pub(crate) id: i64,
    pub(crate) user_id: Option<i64>,
    pub(crate) name: String,
    pub(crate) slug: String,
    pub(crate) phone: Option<String>,
    pub(crate) phone_country: Option<String>,
    pub(crate) default_currency: String,
    pub(crate) time_zone: String,
    /// The logo's path under the public URL, when the business has one.
    pub(crate) logo_path: Option<String>,
    /// What an e-invoice's readiness asks of the seller (`einvoice::readiness`); the
    /// documents do not show them (the profile does).
    pub(crate) tax_id: Option<String>,
    pub(crate) registration_number: Option<String>,
    pub(crate) discarded_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub(crate) address: JoinedAddress,
}

/// One query: the business joined with its address, and its logo's path
/// (`/logos/{token}/{digest}.{ext}`, made absolute by the view).
macro_rules! select_business {
    () => {
        concat!(
            "SELECT b.id, b.user_id, b.name, b.slug, b.phone,
                b.phone_country, b.default_currency, b.time_zone, b.tax_id,
                b.registration_number, b.discarded_at,
                b.created_at, b.updated_at,
                (SELECT '/logos/' || b.public_token || '/' || l.digest || '.' || ",
            logo_extension_sql!(),
            " FROM business_logos l WHERE l.business_id = b.id) AS logo_path, ",
            address_columns!(),
            " FROM businesses b LEFT JOIN addresses a ON a.id = b.address_id"
        )
    };
}

/// The select list and join of a business read (`WHERE b.id = …` to follow).
pub(crate) const SELECT_BUSINESS: &str = select_business!();

/// The business with its address.
pub(crate) async fn find<'e>(
    executor: impl PgExecutor<'e>,
    id: i64,
) -> sqlx::Result<Option<BusinessRow>> {
    sqlx::query_as::<_, BusinessRow>(concat!(select_business!(), " WHERE b.id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await
}

/// Turns a business name into a URL slug, made unique with a numeric suffix if needed.
fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "business".into()
    } else {
        slug
    }
}

/// Inserts a business named `name` (trimmed) with a slug no other business has,
/// answering its id. Run it in the transaction that creates its owner.
pub async fn insert(conn: &mut PgConnection, name: &str, now: DateTime<Utc>) -> sqlx::Result<i64> {
    let base = slugify(name);
    // Unique slug: the base, else the base with the lowest free numeric suffix.
    let taken: Vec<String> =
        sqlx::query_scalar("SELECT slug FROM businesses WHERE slug = $1 OR slug LIKE $1 || '-%'")
            .bind(&base)
            .fetch_all(&mut *conn)
            .await?;
    let slug = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|s| !taken.contains(s))
        .expect("an unbounded range has a free slug");

    sqlx::query_scalar(
        "INSERT INTO businesses (name, slug, created_at, updated_at) VALUES ($1, $2, $3, $3)
         RETURNING id",
    )
    .bind(name.trim())
    .bind(&slug)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
}

/// Makes `user_id` the business's owner (once the user exists).
pub async fn set_owner(
    conn: &mut PgConnection,
    business_id: i64,
    user_id: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE businesses SET user_id = $1 WHERE id = $2")
        .bind(user_id)
        .bind(business_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_lowercase_words_joined_by_dashes() {
        assert_eq!(slugify("Flixtechs"), "flixtechs");
        assert_eq!(slugify("  Acme & Sons, Ltd. "), "acme-sons-ltd");
        assert_eq!(slugify("!!!"), "business");
    }
}
