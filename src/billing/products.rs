//! The product catalogue: what a business sells, with the defaults an invoice, quote or
//! credit note item naming it takes (`fill_items`). An item keeps its own copy, so a
//! product changed or deleted later changes no document. A SKU names one live product of
//! the business (any case); every query is scoped to the business.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgExecutor, PgPool, Postgres, QueryBuilder};

use crate::billing::customers::like_pattern;
use crate::billing::documents::items::LineChange;
use crate::billing::error::{BillingError, FieldErrors};
use crate::billing::events::{EventType, Outcome};
use crate::billing::taxes;
use crate::money::Currency;
use crate::paging::{self, Page, PageRequest, Sort};

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 4] = [
    ("name", "p.name"),
    ("unit_price", "p.unit_price"),
    ("created_at", "p.created_at"),
    ("updated_at", "p.updated_at"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Product {
    pub id: i64,
    pub business_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub sku: Option<String>,
    pub unit_price: Decimal,
    pub currency: String,
    pub unit_code: String,
    pub tax_ids: Vec<i64>,
    pub active: bool,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT p.id, p.business_id, p.name, p.description, p.sku, p.unit_price,
    p.currency, p.unit_code, p.tax_ids, p.active, p.discarded_at, p.created_at, p.updated_at
    FROM products p";

/// List filters; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// In the name, the SKU or the description.
    pub q: Option<String>,
    pub active: Option<bool>,
    pub currency: Option<String>,
    pub include_deleted: bool,
    /// Ransack's `q[…]` (`search::PRODUCTS`).
    pub conditions: crate::billing::search::Conditions,
}

fn push_where(qb: &mut QueryBuilder<Postgres>, business_id: i64, f: &Filter) {
    qb.push(" WHERE p.business_id = ").push_bind(business_id);
    if !f.include_deleted {
        qb.push(" AND p.discarded_at IS NULL");
    }
    if let Some(q) = &f.q {
        let pattern = like_pattern(q);
        qb.push(" AND (p.name ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR p.sku ILIKE ")
            .push_bind(pattern.clone())
            .push(" OR p.description ILIKE ")
            .push_bind(pattern)
            .push(")");
    }
    if let Some(active) = f.active {
        qb.push(" AND p.active = ").push_bind(active);
    }
    if let Some(currency) = &f.currency {
        qb.push(" AND p.currency = ").push_bind(currency.clone());
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
) -> sqlx::Result<Page<Product>> {
    paging::fetch(
        pool,
        "SELECT count(*) FROM products p",
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
) -> sqlx::Result<Option<Product>> {
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

/// A product's fields as a request gives them: `None` keeps the current value,
/// `Some(None)` clears an optional one.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub sku: Option<Option<String>>,
    pub unit_price: Option<Decimal>,
    /// ISO 4217, checked.
    pub currency: Option<String>,
    pub unit_code: Option<String>,
    pub tax_ids: Option<Vec<i64>>,
    pub active: Option<bool>,
}

/// Each of `ids` must be a live tax of the business.
async fn check_taxes(
    conn: &mut PgConnection,
    business_id: i64,
    ids: &[i64],
) -> Result<(), BillingError> {
    if ids.is_empty() {
        return Ok(());
    }
    let live = taxes::find_live(&mut *conn, business_id, ids).await?;
    let mut errors = FieldErrors::new();
    for id in ids {
        if !live.iter().any(|t| t.id == *id) {
            errors.add("tax_ids", format!("tax {id} does not exist"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(BillingError::Invalid(errors))
    }
}

/// Creates a product (`product.created`); the caller has checked that `name` and
/// `unit_price` are given. Its currency defaults to the business's.
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    new: &Changes,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let tax_ids = new.tax_ids.clone().unwrap_or_default();
    check_taxes(&mut *tx, business_id, &tax_ids).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO products (business_id, name, description, sku, unit_price, currency,
             unit_code, tax_ids, active, created_at, updated_at)
         SELECT $1, $2, $3, $4, $5, coalesce($6, b.default_currency), $7, $8, $9, $10, $10
         FROM businesses b WHERE b.id = $1
         RETURNING id",
    )
    .bind(business_id)
    .bind(new.name.clone().unwrap_or_default())
    .bind(new.description.clone().flatten())
    .bind(new.sku.clone().flatten())
    .bind(new.unit_price.unwrap_or_default())
    .bind(new.currency.clone())
    .bind(new.unit_code.clone().unwrap_or_else(|| "C62".into()))
    .bind(&tax_ids)
    .bind(new.active.unwrap_or(true))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Outcome::of(EventType::ProductCreated, business_id, id))
}

/// Applies the changes to a live product (`product.updated`); `None` when there is no
/// such product.
pub async fn update(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>, BillingError> {
    if let Some(tax_ids) = &changes.tax_ids {
        check_taxes(&mut *tx, business_id, tax_ids).await?;
    }
    let mut qb = QueryBuilder::<Postgres>::new("UPDATE products SET updated_at = ");
    qb.push_bind(now);
    if let Some(name) = &changes.name {
        qb.push(", name = ").push_bind(name.clone());
    }
    if let Some(description) = &changes.description {
        qb.push(", description = ").push_bind(description.clone());
    }
    if let Some(sku) = &changes.sku {
        qb.push(", sku = ").push_bind(sku.clone());
    }
    if let Some(price) = changes.unit_price {
        qb.push(", unit_price = ").push_bind(price);
    }
    if let Some(currency) = &changes.currency {
        qb.push(", currency = ").push_bind(currency.clone());
    }
    if let Some(unit_code) = &changes.unit_code {
        qb.push(", unit_code = ").push_bind(unit_code.clone());
    }
    if let Some(tax_ids) = &changes.tax_ids {
        qb.push(", tax_ids = ").push_bind(tax_ids.clone());
    }
    if let Some(active) = changes.active {
        qb.push(", active = ").push_bind(active);
    }
    qb.push(" WHERE id = ")
        .push_bind(id)
        .push(" AND business_id = ")
        .push_bind(business_id)
        .push(" AND discarded_at IS NULL");
    let done = qb.build().execute(&mut *tx).await?;
    if done.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(Some(Outcome::of(
        EventType::ProductUpdated,
        business_id,
        id,
    )))
}

/// Soft delete (`product.deleted`): the product leaves lists and may no longer be named
/// by an item; the items that copied it keep their copy. Its SKU is free again.
pub async fn discard(
    tx: &mut PgConnection,
    business_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<Outcome>> {
    let done = sqlx::query(
        "UPDATE products SET discarded_at = $3, updated_at = $3
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
        EventType::ProductDeleted,
        business_id,
        id,
    )))
}

/// The item changes with what each named product gives filled in where the request left
/// it out: name, description, unit price (only from a product priced in the document's
/// currency), unit, taxes (its default taxes, the live ones, when it has any) and, for a
/// new item, a quantity of 1. One query for every product named. A product that is not
/// a live, active product of the business is an error on the item's `product_id`.
pub async fn fill_items(
    conn: &mut PgConnection,
    business_id: i64,
    items: &[LineChange],
    currency: Option<Currency>,
    errors: &mut FieldErrors,
) -> sqlx::Result<Vec<LineChange>> {
    let ids: Vec<i64> = items.iter().filter_map(|i| i.product_id).collect();
    if ids.is_empty() {
        return Ok(items.to_vec());
    }
    // Only the live default taxes: a deleted tax is dropped from what the item takes.
    let products: Vec<Product> = sqlx::query_as(
        "SELECT p.id, p.business_id, p.name, p.description, p.sku, p.unit_price, p.currency,
                p.unit_code,
                ARRAY(SELECT t.id FROM taxes t
                      WHERE t.id = ANY(p.tax_ids) AND t.business_id = p.business_id
                        AND t.discarded_at IS NULL ORDER BY t.id) AS tax_ids,
                p.active, p.discarded_at, p.created_at, p.updated_at
         FROM products p
         WHERE p.business_id = $1 AND p.id = ANY($2) AND p.discarded_at IS NULL",
    )
    .bind(business_id)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut filled = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(product_id) = item.product_id.filter(|_| !item.destroy) else {
            filled.push(item.clone());
            continue;
        };
        let field = format!("items_attributes[{i}].product_id");
        let Some(product) = products.iter().find(|p| p.id == product_id) else {
            errors.add(field, "does not exist");
            filled.push(item.clone());
            continue;
        };
        if !product.active {
            errors.add(field, "is not active");
        }
        let mut item = item.clone();
        item.name.get_or_insert_with(|| product.name.clone());
        if item.description.is_none() {
            item.description = Some(product.description.clone());
        }
        if item.id.is_none() {
            item.quantity.get_or_insert(Decimal::ONE);
        }
        if item.unit_price.is_none() {
            match currency {
                Some(c) if c.code() == product.currency => {
                    item.unit_price = Some(product.unit_price);
                }
                Some(c) => errors.add(
                    format!("items_attributes[{i}].product_id"),
                    format!(
                        "is priced in {}, not {}: give the item's unit_price",
                        product.currency,
                        c.code()
                    ),
                ),
                None => {}
            }
        }
        item.unit_code
            .get_or_insert_with(|| product.unit_code.clone());
        if item.tax_ids.is_none() && !product.tax_ids.is_empty() {
            item.tax_ids = Some(product.tax_ids.clone());
        }
        filled.push(item);
    }
    Ok(filled)
}
