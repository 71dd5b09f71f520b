//! Payment terms: how many days after issue a document is due ("Net 30"). A new business
//! starts with `DEFAULT_TERMS`. Every query is scoped to the caller's business; another
//! business's term is indistinguishable from none.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::billing::customers::like_pattern;
use crate::paging::{self, Page, PageRequest, Sort};

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 3] = [
    ("name", "p.name"),
    ("value", "p.value"),
    ("created_at", "p.created_at"),
];

/// The longest term accepted, in days (ten years).
pub const MAX_DAYS: i32 = 3650;

/// The terms every new business starts with: name and days until due.
pub const DEFAULT_TERMS: [(&str, i32); 4] = [
    ("Due on Receipt", 0),
    ("Net 7", 7),
    ("Net 15", 15),
    ("Net 30", 30),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentTerm {
    pub id: i64,
    pub business_id: i64,
    pub name: String,
    /// Whole days from issue to due, 0 to `MAX_DAYS`.
    pub value: i32,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of a `PaymentTerm`, for SELECT and RETURNING alike (table alias `p`).
macro_rules! columns {
    () => {
        "p.id, p.business_id, p.name, p.value, p.discarded_at, p.created_at, p.updated_at"
    };
}

const SELECT: &str = concat!("SELECT ", columns!(), " FROM payment_terms p");

/// Inserts `DEFAULT_TERMS` for a new business, in the caller's transaction, in one
/// statement (ids follow the order of the list).
pub async fn seed_defaults(
    conn: &mut PgConnection,
    business_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let names: Vec<&str> = DEFAULT_TERMS.iter().map(|(name, _)| *name).collect();
    let values: Vec<i32> = DEFAULT_TERMS.iter().map(|(_, days)| *days).collect();
    sqlx::query(
        "INSERT INTO payment_terms (business_id, name, value, created_at, updated_at)
         SELECT $1, d.name, d.value, $4, $4
         FROM unnest($2::text[], $3::int[]) WITH ORDINALITY AS d(name, value, ord)
         ORDER BY d.ord",
    )
    .bind(business_id)
    .bind(names)
    .bind(values)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// List filters; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: Option<String>,
    pub include_deleted: bool,
    /// Ransack's `q[…]` (`search::PAYMENT_TERMS`).
    pub conditions: crate::billing::search::Conditions,
}

fn push_where(qb: &mut QueryBuilder<Postgres>, business_id: i64, f: &Filter) {
    qb.push(" WHERE p.business_id = ").push_bind(business_id);
    if !f.include_deleted {
        qb.push(" AND p.discarded_at IS NULL");
    }
    if let Some(q) = &f.q {
        qb.push(" AND p.name ILIKE ").push_bind(like_pattern(q));
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
) -> sqlx::Result<Page<PaymentTerm>> {
    paging::fetch(
        pool,
        "SELECT count(*) FROM payment_terms p",
        SELECT,
        |qb| push_where(qb, business_id, filter),
        sort,
        "p.id",
        page,
    )
    .await
}

pub async fn find<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<PaymentTerm>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE p.id = ")
        .push_bind(id)
        .push(" AND p.business_id = ")
        .push_bind(business_id);
    if !include_deleted {
        qb.push(" AND p.discarded_at IS NULL");
    }
    qb.build_query_as().fetch_optional(executor).await
}

/// A live payment term of this business.
pub async fn find_live<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<PaymentTerm>> {
    find(executor, business_id, id, false).await
}

/// A term's fields as a request gives them: `None` keeps the current value.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub name: Option<String>,
    pub value: Option<i32>,
}

/// Inserts a term; the caller has checked that `name` and `value` are given.
pub async fn create<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    new: &Changes,
    now: DateTime<Utc>,
) -> sqlx::Result<PaymentTerm> {
    sqlx::query_as(concat!(
        "INSERT INTO payment_terms AS p (business_id, name, value, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING ",
        columns!()
    ))
    .bind(business_id)
    .bind(new.name.clone().unwrap_or_default())
    .bind(new.value.unwrap_or_default())
    .bind(now)
    .fetch_one(executor)
    .await
}

/// Applies the changes to a live term in one statement; `None` when there is no such term.
pub async fn update<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<PaymentTerm>> {
    let mut qb = QueryBuilder::<Postgres>::new("UPDATE payment_terms AS p SET updated_at = ");
    qb.push_bind(now);
    if let Some(name) = &changes.name {
        qb.push(", name = ").push_bind(name.clone());
    }
    if let Some(value) = changes.value {
        qb.push(", value = ").push_bind(value);
    }
    qb.push(" WHERE p.id = ")
        .push_bind(id)
        .push(" AND p.business_id = ")
        .push_bind(business_id)
        .push(concat!(
            " AND p.discarded_at IS NULL RETURNING ",
            columns!()
        ));
    qb.build_query_as().fetch_optional(executor).await
}

/// Soft delete: the term leaves lists and shows but stays on the documents that reference
/// it. `false` when there was no live term to discard.
pub async fn discard<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE payment_terms SET discarded_at = $3, updated_at = $3
         WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL",
    )
    .bind(id)
    .bind(business_id)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}
