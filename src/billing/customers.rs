//! Customers: the people and companies a business bills. Every query is scoped to the
//! caller's business; another business's customer is indistinguishable from none.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::billing::addresses::{self, Address, AddressChanges, address_columns};
use crate::billing::events::{EventType, Outcome};
use crate::billing::search::Conditions;
use crate::paging::{self, Page, PageRequest, Sort};

pub const CUSTOMER_TYPES: [&str; 2] = ["business", "individual"];

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 3] = [
    ("name", "c.name"),
    ("created_at", "c.created_at"),
    ("updated_at", "c.updated_at"),
];

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: i64,
    pub business_id: i64,
    pub name: String,
    pub company: Option<String>,
    pub customer_type: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_country: Option<String>,
    pub currency: Option<String>,
    pub website: Option<String>,
    pub notes: Option<String>,
    pub tax_id: Option<String>,
    pub address: Option<Address>,
    /// Credit from credit notes, per currency (`billing::credit_notes`); none at 0.
    pub credit_balances: Vec<CreditBalance>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A customer's credit balance in one currency, in its minor units.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CreditBalance {
    pub currency: String,
    pub cents: i64,
}

/// The select list and join that every customer read shares.
pub(crate) const SELECT: &str = concat!(
    "SELECT c.id, c.business_id, c.name, c.company, c.customer_type, c.email,
        c.phone, c.phone_country, c.currency, c.website, c.notes, c.tax_id, c.discarded_at,
        c.created_at, c.updated_at,
        (SELECT coalesce(json_agg(json_build_object('currency', cc.currency,
                                                    'cents', cc.balance_cents)
                                  ORDER BY cc.currency), '[]'::json)
         FROM customer_credits cc
         WHERE cc.customer_id = c.id AND cc.balance_cents > 0) AS credit_balances, ",
    address_columns!(),
    " FROM customers c LEFT JOIN addresses a ON a.id = c.address_id"
);

/// A customer row (also read back as JSON, from a query that embeds it).
#[derive(Clone, sqlx::FromRow, serde::Deserialize)]
pub(crate) struct Row {
    id: i64,
    business_id: i64,
    name: String,
    company: Option<String>,
    customer_type: String,
    email: Option<String>,
    phone: Option<String>,
    phone_country: Option<String>,
    currency: Option<String>,
    website: Option<String>,
    notes: Option<String>,
    tax_id: Option<String>,
    credit_balances: sqlx::types::Json<Vec<CreditBalance>>,
    discarded_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[sqlx(flatten)]
    #[serde(flatten)]
    address: addresses::JoinedAddress,
}

impl Row {
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

impl From<Row> for Customer {
    fn from(r: Row) -> Self {
        Customer {
            id: r.id,
            business_id: r.business_id,
            name: r.name,
            company: r.company,
            customer_type: r.customer_type,
            email: r.email,
            phone: r.phone,
            phone_country: r.phone_country,
            currency: r.currency,
            website: r.website,
            notes: r.notes,
            tax_id: r.tax_id,
            address: r.address.into_address(),
            credit_balances: r.credit_balances.0,
            discarded_at: r.discarded_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// List filters; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: Option<String>,
    pub customer_type: Option<String>,
    pub currency: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub created_before: Option<DateTime<Utc>>,
    pub include_deleted: bool,
    /// Ransack's `q[…]` (`search::CUSTOMERS`).
    pub conditions: Conditions,
}

/// Escapes LIKE wildcards so a search for `50%` finds "50%", not everything.
pub fn like_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn push_where(qb: &mut QueryBuilder<Postgres>, business_id: i64, f: &Filter) {
    qb.push(" WHERE c.business_id = ").push_bind(business_id);
    if !f.include_deleted {
        qb.push(" AND c.discarded_at IS NULL");
    }
    if let Some(q) = &f.q {
        // Same expression as customers_search_idx, so the trigram index serves it.
        qb.push(
            " AND (coalesce(c.name, '') || ' ' || coalesce(c.company, '') || ' ' || \
             coalesce(c.email, '')) ILIKE ",
        )
        .push_bind(like_pattern(q));
    }
    if let Some(t) = &f.customer_type {
        qb.push(" AND c.customer_type = ").push_bind(t.clone());
    }
    if let Some(c) = &f.currency {
        qb.push(" AND c.currency = ").push_bind(c.clone());
    }
    if let Some(from) = f.created_from {
        qb.push(" AND c.created_at >= ").push_bind(from);
    }
    if let Some(before) = f.created_before {
        qb.push(" AND c.created_at < ").push_bind(before);
    }
    f.conditions.push(qb);
}

/// One page and the total count: two queries whatever the page size.
pub async fn list(
    pool: &PgPool,
    business_id: i64,
    filter: &Filter,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<Customer>> {
    let rows: Page<Row> = paging::fetch(
        pool,
        "SELECT count(*) FROM customers c",
        SELECT,
        |qb| push_where(qb, business_id, filter),
        sort,
        "c.id",
        page,
    )
    .await?;
    Ok(rows.map(Customer::from))
}

pub async fn find<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<Customer>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE c.id = ")
        .push_bind(id)
        .push(" AND c.business_id = ")
        .push_bind(business_id);
    if !include_deleted {
        qb.push(" AND c.discarded_at IS NULL");
    }
    let row: Option<Row> = qb.build_query_as().fetch_optional(executor).await?;
    Ok(row.map(Customer::from))
}

/// A customer's fields as a request gives them: `None` keeps, `Some(None)` clears.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub name: Option<String>,
    pub company: Option<Option<String>>,
    pub customer_type: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub phone_country: Option<Option<String>>,
    pub currency: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    pub tax_id: Option<Option<String>>,
    /// `Some(None)` removes the address.
    pub address: Option<Option<AddressChanges>>,
}

/// Creates a customer (`customer.created`).
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    new: &Changes,
    now: DateTime<Utc>,
) -> sqlx::Result<Outcome> {
    let address_id = match &new.address {
        Some(Some(address)) => Some(addresses::insert(&mut *tx, address, now).await?),
        _ => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO customers (business_id, name, company, customer_type, email, phone,
             phone_country, currency, website, notes, address_id, created_at, updated_at, tax_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
         RETURNING id",
    )
    .bind(business_id)
    .bind(new.name.clone().unwrap_or_default())
    .bind(new.company.clone().flatten())
    .bind(
        new.customer_type
            .clone()
            .unwrap_or_else(|| "business".into()),
    )
    .bind(new.email.clone().flatten())
    .bind(new.phone.clone().flatten())
    .bind(new.phone_country.clone().flatten())
    .bind(new.currency.clone().flatten())
    .bind(new.website.clone().flatten())
    .bind(new.notes.clone().flatten())
    .bind(address_id)
    .bind(now)
    .bind(new.tax_id.clone().flatten())
    .fetch_one(&mut *tx)
    .await?;
    Ok(Outcome::of(EventType::CustomerCreated, business_id, id))
}

/// Applies the changes to a live customer (`customer.updated`); `None` when there is no
/// such customer.
pub async fn update(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Outcome>> {
    let Some(address_id) = lock(&mut *tx, business_id, id).await? else {
        return Ok(None);
    };
    let address = addresses::apply(&mut *tx, address_id, &changes.address, now).await?;

    let mut qb = QueryBuilder::<Postgres>::new("UPDATE customers SET updated_at = ");
    qb.push_bind(now);
    let mut set = |column: &str, value: Option<Option<String>>| {
        if let Some(value) = value {
            qb.push(format!(", {column} = ")).push_bind(value);
        }
    };
    set("name", changes.name.clone().map(Some));
    set("company", changes.company.clone());
    set("customer_type", changes.customer_type.clone().map(Some));
    set("email", changes.email.clone());
    set("phone", changes.phone.clone());
    set("phone_country", changes.phone_country.clone());
    set("currency", changes.currency.clone());
    set("website", changes.website.clone());
    set("notes", changes.notes.clone());
    set("tax_id", changes.tax_id.clone());
    if let Some(address_id) = address.new_id {
        qb.push(", address_id = ").push_bind(address_id);
    }
    qb.push(" WHERE id = ").push_bind(id);
    qb.build().execute(&mut *tx).await?;

    address.remove_orphan(&mut *tx).await?;
    Ok(Some(Outcome::of(
        EventType::CustomerUpdated,
        business_id,
        id,
    )))
}

/// Locks a live customer row for the rest of the transaction; answers its address id,
/// or `None` when the customer does not exist here.
async fn lock(
    conn: &mut PgConnection,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<Option<i64>>> {
    sqlx::query_scalar(
        "SELECT address_id FROM customers
         WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL FOR UPDATE",
    )
    .bind(id)
    .bind(business_id)
    .fetch_optional(conn)
    .await
}

/// Soft delete: the customer disappears from lists and shows but stays on the documents
/// that reference it. `None` when there was no live customer to discard.
pub async fn discard(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Outcome>> {
    let done = sqlx::query(
        "UPDATE customers SET discarded_at = $3, updated_at = $3
         WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL",
    )
    .bind(id)
    .bind(business_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(Some(Outcome::of(
        EventType::CustomerDeleted,
        business_id,
        id,
    )))
}
