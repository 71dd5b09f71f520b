//! The taxes applied to a document, each with its name, rate and inclusive flag as
//! applied (so a tax renamed, re-rated or made inclusive later does not rewrite old
//! documents) and its amount.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{AssertSqlSafe, PgConnection};

use super::Kind;

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct TaxLine {
    pub id: i64,
    pub document_id: i64,
    pub tax_id: i64,
    pub tax_name: String,
    pub tax_rate: Decimal,
    /// Included in the prices, as applied.
    pub inclusive: bool,
    /// The VAT category and exemption reason, as applied (`taxes::CATEGORIES`).
    pub category: String,
    pub exemption_reason: Option<String>,
    pub exemption_reason_code: Option<String>,
    pub invoice_level: bool,
    pub amount_cents: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The tax record as it is now (the documents embed it as `tax`).
    pub current_name: String,
    pub current_rate: Decimal,
    pub current_inclusive: bool,
}

/// A tax as priced for a write.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedTax {
    pub tax_id: i64,
    pub name: String,
    pub rate: Decimal,
    pub inclusive: bool,
    pub category: String,
    pub exemption_reason: Option<String>,
    pub exemption_reason_code: Option<String>,
    pub invoice_level: bool,
    pub amount_cents: i64,
}

/// The tax lines of several documents, in one query.
pub async fn load(
    conn: &mut PgConnection,
    kind: Kind,
    document_ids: &[i64],
) -> sqlx::Result<Vec<TaxLine>> {
    let sql = format!(
        "SELECT l.id, l.{fk} AS document_id, l.tax_id, l.tax_name, l.tax_rate, l.inclusive,
                l.category, l.exemption_reason, l.exemption_reason_code, l.invoice_level, l.amount_cents, l.created_at, l.updated_at,
                t.name AS current_name, t.rate AS current_rate,
                t.inclusive AS current_inclusive
         FROM {table} l JOIN taxes t ON t.id = l.tax_id
         WHERE l.{fk} = ANY($1) ORDER BY l.{fk}, l.invoice_level DESC, l.id",
        fk = kind.foreign_key,
        table = kind.taxes_table,
    );
    sqlx::query_as::<_, TaxLine>(AssertSqlSafe(sql))
        .bind(document_ids)
        .fetch_all(conn)
        .await
}

/// Removes the document's tax lines but those of `tax_ids`.
async fn remove_others(
    conn: &mut PgConnection,
    kind: Kind,
    document_id: i64,
    tax_ids: &[i64],
) -> sqlx::Result<()> {
    let sql = format!(
        "DELETE FROM {table} WHERE {fk} = $1 AND NOT (tax_id = ANY($2))",
        table = kind.taxes_table,
        fk = kind.foreign_key
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(document_id)
        .bind(tax_ids)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Makes the document's tax lines equal `applied`: removed taxes go, kept ones are
/// updated in place (keeping their id), new ones are added. `new_document`: it has no
/// tax line yet, so there is nothing to remove.
pub async fn save(
    conn: &mut PgConnection,
    kind: Kind,
    document_id: i64,
    applied: &[AppliedTax],
    new_document: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let tax_ids: Vec<i64> = applied.iter().map(|t| t.tax_id).collect();
    if !new_document {
        remove_others(conn, kind, document_id, &tax_ids).await?;
    }
    if applied.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = applied.iter().map(|t| t.name.clone()).collect();
    let rates: Vec<Decimal> = applied.iter().map(|t| t.rate).collect();
    let levels: Vec<bool> = applied.iter().map(|t| t.invoice_level).collect();
    let inclusive: Vec<bool> = applied.iter().map(|t| t.inclusive).collect();
    let amounts: Vec<i64> = applied.iter().map(|t| t.amount_cents).collect();
    let categories: Vec<String> = applied.iter().map(|t| t.category.clone()).collect();
    let reasons: Vec<Option<String>> = applied.iter().map(|t| t.exemption_reason.clone()).collect();
    let codes: Vec<Option<String>> = applied
        .iter()
        .map(|t| t.exemption_reason_code.clone())
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({fk}, tax_id, tax_name, tax_rate, inclusive, invoice_level,
             amount_cents, created_at, updated_at, category, exemption_reason,
             exemption_reason_code)
         SELECT $1, u.tax_id, u.name, u.rate, u.inclusive, u.level, u.amount, $7, $7,
                u.category, u.reason, u.code
         FROM UNNEST($2::bigint[], $3::text[], $4::numeric[], $5::bool[], $6::bigint[],
                     $8::bool[], $9::text[], $10::text[], $11::text[])
              AS u(tax_id, name, rate, level, amount, inclusive, category, reason, code)
         ON CONFLICT ({fk}, tax_id) DO UPDATE SET
             tax_name = EXCLUDED.tax_name, tax_rate = EXCLUDED.tax_rate,
             inclusive = EXCLUDED.inclusive, category = EXCLUDED.category,
             exemption_reason = EXCLUDED.exemption_reason,
             exemption_reason_code = EXCLUDED.exemption_reason_code,
             invoice_level = EXCLUDED.invoice_level, amount_cents = EXCLUDED.amount_cents,
             updated_at = CASE
                 WHEN ({table}.amount_cents, {table}.invoice_level, {table}.tax_rate,
                       {table}.inclusive)
                      IS DISTINCT FROM (EXCLUDED.amount_cents, EXCLUDED.invoice_level,
                                        EXCLUDED.tax_rate, EXCLUDED.inclusive)
                 THEN EXCLUDED.updated_at ELSE {table}.updated_at END",
        table = kind.taxes_table,
        fk = kind.foreign_key
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(document_id)
        .bind(&tax_ids)
        .bind(&names)
        .bind(&rates)
        .bind(&levels)
        .bind(&amounts)
        .bind(now)
        .bind(&inclusive)
        .bind(&categories)
        .bind(&reasons)
        .bind(&codes)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
