//! Taxes: the named rates a business applies to invoices and quotes. Those marked
//! `is_default` are applied to a new document that names no taxes. Every query is scoped
//! to the caller's business; another business's tax is indistinguishable from none.
//! An `inclusive` tax is included in the prices; documents keep the rate and the flag as
//! they applied them (`documents::tax_lines`), so changing a tax reprices nothing.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::billing::customers::like_pattern;
use crate::billing::error::{BillingError, FieldErrors};
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
    /// The VAT category (UNCL 5305, `CATEGORIES`): what an e-invoice says of the tax.
    pub category: String,
    /// Why a category that is not taxed is not (BT-120), and its VATEX code (BT-121).
    pub exemption_reason: Option<String>,
    pub exemption_reason_code: Option<String>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of a `Tax`, for SELECT and RETURNING alike (table alias `t`).
macro_rules! columns {
    () => {
        "t.id, t.business_id, t.name, t.rate, t.is_default, t.inclusive, t.category,
         t.exemption_reason, t.exemption_reason_code, t.discarded_at, t.created_at,
         t.updated_at"
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

/// The VAT categories of EN 16931 (UNCL 5305): standard rated, zero rated, exempt,
/// reverse charge, intra-community supply, export outside the EU, outside the scope.
pub const CATEGORIES: [&str; 7] = ["S", "Z", "E", "AE", "K", "G", "O"];

/// At most this many characters in `exemption_reason`.
pub const EXEMPTION_REASON_MAX: usize = 1000;

/// A tax's fields as a request gives them: `None` keeps the current value, `Some(None)`
/// clears an optional one.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub name: Option<String>,
    pub rate: Option<Decimal>,
    pub is_default: Option<bool>,
    pub inclusive: Option<bool>,
    pub category: Option<String>,
    pub exemption_reason: Option<Option<String>>,
    pub exemption_reason_code: Option<Option<String>>,
}

/// The rules of EN 16931 on a VAT category and its rate and exemption reason, each
/// error under the field that breaks it: standard rated (S) has a rate above 0; every
/// other category a rate of 0; S and Z (zero rated) have no exemption reason; E, AE, K,
/// G and O have a reason or a reason code (BR-S-05, BR-Z-05, BR-E-05/10, BR-AE-05/10,
/// BR-IC-05/10, BR-G-05/10, BR-O-05/10, BR-S-10, BR-Z-10).
pub fn check_category(
    category: &str,
    rate: Decimal,
    reason: Option<&str>,
    code: Option<&str>,
) -> FieldErrors {
    let mut errors = FieldErrors::new();
    match category {
        "S" => {
            if rate <= Decimal::ZERO {
                errors.add(
                    "rate",
                    "must be more than 0 for category S (standard rated)",
                );
            }
        }
        _ => {
            if !rate.is_zero() {
                errors.add("rate", format!("must be 0 for category {category}"));
            }
        }
    }
    if matches!(category, "S" | "Z") {
        for (field, value) in [
            ("exemption_reason", reason),
            ("exemption_reason_code", code),
        ] {
            if value.is_some() {
                errors.add(field, format!("must be blank for category {category}"));
            }
        }
    } else if reason.is_none() && code.is_none() {
        errors.add(
            "exemption_reason",
            format!("can't be blank for category {category} (or give exemption_reason_code)"),
        );
    }
    errors
}

/// The taxed category a rate implies when none is named: S above 0, Z at 0 (so a tax
/// created or re-rated as before categories existed stays valid).
fn by_rate(rate: Decimal) -> &'static str {
    if rate.is_zero() { "Z" } else { "S" }
}

fn checked(
    category: &str,
    rate: Decimal,
    reason: Option<&str>,
    code: Option<&str>,
) -> Result<(), BillingError> {
    let errors = check_category(category, rate, reason, code);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(BillingError::Invalid(errors))
    }
}

/// Inserts a tax; the caller has checked that `name` and `rate` are given. The category
/// (S by default) is checked with the rate and reasons (`check_category`).
pub async fn create<'e>(
    executor: impl PgExecutor<'e>,
    business_id: i64,
    new: &Changes,
    now: DateTime<Utc>,
) -> Result<Tax, BillingError> {
    let rate = new.rate.unwrap_or_default();
    let category = new.category.clone().unwrap_or_else(|| by_rate(rate).into());
    let reason = new.exemption_reason.clone().flatten();
    let code = new.exemption_reason_code.clone().flatten();
    checked(&category, rate, reason.as_deref(), code.as_deref())?;
    Ok(sqlx::query_as(concat!(
        "INSERT INTO taxes AS t (business_id, name, rate, is_default, inclusive, created_at,
             updated_at, category, exemption_reason, exemption_reason_code)
         VALUES ($1, $2, $3, $4, $6, $5, $5, $7, $8, $9) RETURNING ",
        columns!()
    ))
    .bind(business_id)
    .bind(new.name.clone().unwrap_or_default())
    .bind(new.rate.unwrap_or_default())
    .bind(new.is_default.unwrap_or(false))
    .bind(now)
    .bind(new.inclusive.unwrap_or(false))
    .bind(&category)
    .bind(reason)
    .bind(code)
    .fetch_one(executor)
    .await?)
}

/// Applies the changes to a live tax: the tax is read and locked first, so that the
/// category rules are checked on the tax as it will be; `None` when there is no such tax.
pub async fn update(
    conn: &mut sqlx::PgConnection,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Option<Tax>, BillingError> {
    let mut qb = QueryBuilder::new(SELECT);
    qb.push(" WHERE t.id = ")
        .push_bind(id)
        .push(" AND t.business_id = ")
        .push_bind(business_id)
        .push(" AND t.discarded_at IS NULL FOR UPDATE");
    let Some(tax): Option<Tax> = qb.build_query_as().fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let rate = changes.rate.unwrap_or(tax.rate);
    let category = match &changes.category {
        Some(category) => category.clone(),
        None if matches!(tax.category.as_str(), "S" | "Z") => by_rate(rate).into(),
        None => tax.category.clone(),
    };
    let reason = changes
        .exemption_reason
        .clone()
        .unwrap_or(tax.exemption_reason);
    let code = changes
        .exemption_reason_code
        .clone()
        .unwrap_or(tax.exemption_reason_code);
    checked(&category, rate, reason.as_deref(), code.as_deref())?;
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
    qb.push(", category = ")
        .push_bind(category)
        .push(", exemption_reason = ")
        .push_bind(reason)
        .push(", exemption_reason_code = ")
        .push_bind(code);
    qb.push(" WHERE t.id = ")
        .push_bind(id)
        .push(" AND t.business_id = ")
        .push_bind(business_id)
        .push(concat!(
            " AND t.discarded_at IS NULL RETURNING ",
            columns!()
        ));
    Ok(qb.build_query_as().fetch_optional(&mut *conn).await?)
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
