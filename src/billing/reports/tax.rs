//! Tax charged per tax, rate and category over a period, net of credit notes.

use rust_decimal::Decimal;
use sqlx::PgPool;

use super::{ISSUED_INVOICE, Period};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxRow {
    pub currency: String,
    pub tax_id: i64,
    /// The name it was applied under on the period's latest document (a tax renamed in
    /// the period shows its new name).
    pub name: String,
    /// As applied: a tax whose rate changed has a row per rate.
    pub rate: Decimal,
    pub category: String,
    pub invoiced_cents: i64,
    pub credited_cents: i64,
    /// Invoiced less credited: what a VAT return declares.
    pub net_cents: i64,
    /// Issued invoices that charged it in the period.
    pub invoice_count: i64,
}

/// The period's running sums per currency, tax, rate and category, each named from its
/// latest line. One query.
pub async fn tax(pool: &PgPool, business_id: i64, period: Period) -> sqlx::Result<Vec<TaxRow>> {
    if !period.on_slots() {
        return tax_from_documents(pool, business_id, period).await;
    }
    let latest = |table: &str, src: u8| {
        format!(
            "(SELECT l.tax_name, l.counted_at, {src} AS src, l.id FROM {table} l
              WHERE l.business_id = $1 AND l.tax_id = s.tax_id AND l.tax_rate = s.tax_rate
                AND l.category = s.category AND l.currency = s.currency
                AND l.counted_at IS NOT NULL
                AND ($2::timestamptz IS NULL OR l.counted_at >= $2)
                AND ($3::timestamptz IS NULL OR l.counted_at < $3)
              ORDER BY l.counted_at DESC, l.id DESC LIMIT 1)"
        )
    };
    let (invoice_line, credit_line) = (latest("invoice_taxes", 0), latest("credit_note_taxes", 1));
    let sql = format!(
        "WITH sums AS (
             SELECT currency, tax_id, tax_rate, category, sum(invoiced_cents) AS invoiced,
                    sum(credited_cents) AS credited, sum(invoice_count) AS n
             FROM report_tax_slots
             WHERE business_id = $1
               AND ($2::timestamptz IS NULL OR slot >= $2)
               AND ($3::timestamptz IS NULL OR slot < $3)
             GROUP BY currency, tax_id, tax_rate, category
             HAVING sum(invoice_count) <> 0 OR sum(credited_count) <> 0)
         SELECT s.currency, s.tax_id, named.tax_name AS name, s.tax_rate AS rate, s.category,
                s.invoiced::bigint AS invoiced_cents, s.credited::bigint AS credited_cents,
                (s.invoiced - s.credited)::bigint AS net_cents, s.n::bigint AS invoice_count
         FROM sums s
         CROSS JOIN LATERAL (
             SELECT tax_name FROM ({invoice_line} UNION ALL {credit_line}) l
             ORDER BY counted_at DESC, src, id DESC LIMIT 1) named
         ORDER BY s.currency, s.tax_rate DESC, s.tax_id, s.category"
    );
    query(pool, sql, business_id, period).await
}

async fn query(
    pool: &PgPool,
    sql: String,
    business_id: i64,
    period: Period,
) -> sqlx::Result<Vec<TaxRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(business_id)
        .bind(period.start)
        .bind(period.end)
        .fetch_all(pool)
        .await
}

/// The same from the tax lines of the period's issued invoices and credit notes (bounds
/// that are not quarter hours; the tests that hold the running sums to them).
pub async fn tax_from_documents(
    pool: &PgPool,
    business_id: i64,
    period: Period,
) -> sqlx::Result<Vec<TaxRow>> {
    let sql = format!(
        "WITH lines AS (
             SELECT i.currency, l.tax_id, l.tax_name, l.tax_rate, l.category,
                    l.amount_cents AS invoiced, 0::bigint AS credited, i.id AS invoice_id,
                    i.issued_at AS at, 0 AS src, l.id
             FROM invoice_taxes l JOIN invoices i ON i.id = l.invoice_id
             WHERE i.business_id = $1 AND {ISSUED_INVOICE}
               AND ($2::timestamptz IS NULL OR i.issued_at >= $2)
               AND ($3::timestamptz IS NULL OR i.issued_at < $3)
             UNION ALL
             SELECT c.currency, l.tax_id, l.tax_name, l.tax_rate, l.category,
                    0, l.amount_cents, NULL, c.issued_at, 1, l.id
             FROM credit_note_taxes l JOIN credit_notes c ON c.id = l.credit_note_id
             WHERE c.business_id = $1 AND c.discarded_at IS NULL
               AND ($2::timestamptz IS NULL OR c.issued_at >= $2)
               AND ($3::timestamptz IS NULL OR c.issued_at < $3))
         SELECT currency, tax_id, (array_agg(tax_name ORDER BY at DESC, src, id DESC))[1] AS name,
                tax_rate AS rate, category,
                sum(invoiced)::bigint AS invoiced_cents, sum(credited)::bigint AS credited_cents,
                (sum(invoiced) - sum(credited))::bigint AS net_cents,
                count(DISTINCT invoice_id) AS invoice_count
         FROM lines
         GROUP BY currency, tax_id, tax_rate, category
         ORDER BY currency, tax_rate DESC, tax_id, category"
    );
    query(pool, sql, business_id, period).await
}
