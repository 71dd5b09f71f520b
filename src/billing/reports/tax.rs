//! Tax charged per tax, rate and category over a period, net of credit notes.

use rust_decimal::Decimal;
use sqlx::PgPool;

use super::{ISSUED_INVOICE, Period};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxRow {
    pub currency: String,
    pub tax_id: i64,
    /// The name it was applied under (the latest, if it was renamed).
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

/// The tax lines of the period's issued invoices and credit notes, summed per currency,
/// tax, rate and category. One query.
pub async fn tax(pool: &PgPool, business_id: i64, period: Period) -> sqlx::Result<Vec<TaxRow>> {
    let sql = format!(
        "WITH lines AS (
             SELECT i.currency, l.tax_id, l.tax_name, l.tax_rate, l.category,
                    l.amount_cents AS invoiced, 0::bigint AS credited, i.id AS invoice_id,
                    l.updated_at
             FROM invoice_taxes l JOIN invoices i ON i.id = l.invoice_id
             WHERE i.business_id = $1 AND {ISSUED_INVOICE}
               AND ($2::timestamptz IS NULL OR i.issued_at >= $2)
               AND ($3::timestamptz IS NULL OR i.issued_at < $3)
             UNION ALL
             SELECT c.currency, l.tax_id, l.tax_name, l.tax_rate, l.category,
                    0, l.amount_cents, NULL, l.updated_at
             FROM credit_note_taxes l JOIN credit_notes c ON c.id = l.credit_note_id
             WHERE c.business_id = $1 AND c.discarded_at IS NULL
               AND ($2::timestamptz IS NULL OR c.issued_at >= $2)
               AND ($3::timestamptz IS NULL OR c.issued_at < $3))
         SELECT currency, tax_id, (array_agg(tax_name ORDER BY updated_at DESC))[1] AS name,
                tax_rate AS rate, category,
                sum(invoiced)::bigint AS invoiced_cents, sum(credited)::bigint AS credited_cents,
                (sum(invoiced) - sum(credited))::bigint AS net_cents,
                count(DISTINCT invoice_id) AS invoice_count
         FROM lines
         GROUP BY currency, tax_id, tax_rate, category
         ORDER BY currency, tax_rate DESC, tax_id, category"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(business_id)
        .bind(period.start)
        .bind(period.end)
        .fetch_all(pool)
        .await
}
