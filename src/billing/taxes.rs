//! Taxes: the named rates a business applies to invoices and quotes. Those marked
//! `is_default` are applied to a new document that names no taxes. Every query is scoped
//! to the caller's business; another business's tax is indistinguishable from none.
//! An `inclusive` tax is included in the prices; documents keep the rate and the flag as
//! they applied them (`documents::tax_lines`), so changing a tax reprices nothing.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::billing::customers::like_pattern;
use crate::paging::{self, Page, PageRequest, Sort};

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 3] = [
    ("name", "t.name"),
    ("rate", "t.rate"),
    ("created_at", "t.created_at"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tax {
    pub id: i64,
    pub business_id: i64,
    pub name: String,
    /// A percentage, 0 to 100, at most 4 decimal places.
    pub rate: Decimal,
    pub is_default: bool,
    /// The prices of the lines it covers include it (extracted), or it is added on top.
    pub inclusive: bool,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of a `Tax`, for SELECT and RETURNING alike (table alias `t`).
macro_rules! columns {
    () => {
        "t.id, t.business_id, t.name, t.rate, t.is_default, t.inclusive, t.discarded_at,
         t.created_at, t.updated_at"
    };
}

const SELECT: &str = concat!("SELECT ", columns!(), " FROM taxes t");

/// List filters; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub q: Option<String>,
    pub is_default: Option<bool>,
    pub include_deleted: bool,
    /// Ransack's `q[…]` (`search::TAXES`).
    pub conditions: crate::billing::search::Conditions,
}

fn push_where(qb: &mut QueryBuilder<Postgres>, business_id: i64, f: &Filter) {
    qb.push(" WHERE t.business_id = ").push_bind(business_id);
    if !f.include_deleted {
        qb.push(" AND t.discarded_at IS NULL");
    }
    if let Some(q) = &f.q {
        qb.push(" AND t.name ILIKE ").push_bind(like_pattern(q));
    }
    if let Some(is_default) = f.is_default {
        qb.push(" AND t.is_default = ").push_bind(is_default);
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
) -> sqlx::Result<Page<Tax>> {
    paging::fetch(
        pool,
        "SELECT count(*) FROM taxes t",
        SELECT,
        |qb| push_where(qb, business_id, filter),
        sort,
        "t.id",
        page,
    )
    .await
}

pub async fn find<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    include_deleted: bool,
) -> sqlx::Result<Option<Tax>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE t.id = ")
        .push_bind(id)
        .push(" AND t.business_id = ")
        .push_bind(business_id);
    if !include_deleted {
        qb.push(" AND t.discarded_at IS NULL");
    }
    qb.build_query_as().fetch_optional(executor).await
}

/// Live (not discarded) taxes of the business among `ids`, in one query; ids of other
/// businesses or unknown ids are simply absent from the answer.
pub async fn find_live<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    ids: &[i64],
) -> sqlx::Result<Vec<Tax>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE t.business_id = ")
        .push_bind(business_id)
        .push(" AND t.id = ANY(")
        .push_bind(ids.to_vec())
        .push(") AND t.discarded_at IS NULL ORDER BY t.id");
    qb.build_query_as().fetch_all(executor).await
}

/// The business's live default taxes (is_default), ordered by id.
pub async fn defaults<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
) -> sqlx::Result<Vec<Tax>> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE t.business_id = ")
        .push_bind(business_id)
        .push(" AND t.is_default AND t.discarded_at IS NULL ORDER BY t.id");
    qb.build_query_as().fetch_all(executor).await
}

/// A tax's fields as a request gives them: `None` keeps the current value.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub name: Option<String>,
    pub rate: Option<Decimal>,
    pub is_default: Option<bool>,
    pub inclusive: Option<bool>,
}

/// Inserts a tax; the caller has checked that `name` and `rate` are given.
pub async fn create<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    new: &Changes,
    now: DateTime<Utc>,
) -> sqlx::Result<Tax> {
    sqlx::query_as(concat!(
        "INSERT INTO taxes AS t (business_id, name, rate, is_default, inclusive, created_at,
             updated_at)
         VALUES ($1, $2, $3, $4, $6, $5, $5) RETURNING ",
        columns!()
    ))
    .bind(business_id)
    .bind(new.name.clone().unwrap_or_default())
    .bind(new.rate.unwrap_or_default())
    .bind(new.is_default.unwrap_or(false))
    .bind(now)
    .bind(new.inclusive.unwrap_or(false))
    .fetch_one(executor)
    .await
}

/// Applies the changes to a live tax in one statement; `None` when there is no such tax.
pub async fn update<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Tax>> {
    let mut qb = QueryBuilder::<Postgres>::new("UPDATE taxes AS t SET updated_at = ");
    qb.push_bind(now);
    if let Some(name) = &changes.name {
        qb.push(", name = ").push_bind(name.clone());
    }
    if let Some(rate) = changes.rate {
        qb.push(", rate = ").push_bind(rate);
    }
    if let Some(is_default) = changes.is_default {
        qb.push(", is_default = ").push_bind(is_default);
    }
    if let Some(inclusive) = changes.inclusive {
        qb.push(", inclusive = ").push_bind(inclusive);
    }
    qb.push(" WHERE t.id = ")
        .push_bind(id)
        .push(" AND t.business_id = ")
        .push_bind(business_id)
        .push(concat!(
            " AND t.discarded_at IS NULL RETURNING ",
            columns!()
        ));
    qb.build_query_as().fetch_optional(executor).await
}

/// Soft delete: the tax leaves lists, shows and the defaults but stays on the documents
/// that reference it. `false` when there was no live tax to discard.
pub async fn discard<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE taxes SET discarded_at = $3, updated_at = $3
         WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL",
    )
    .bind(id)
    .bind(business_id)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(done.rows_affected() == 1)
}
