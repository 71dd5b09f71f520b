//! Invoiced, credited, collected, outstanding and overdue per currency, with counts.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{ISSUED_INVOICE, Period};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SummaryRow {
    pub currency: String,
    /// The totals of the invoices issued in the period.
    pub invoiced_cents: i64,
    pub invoiced_count: i64,
    /// The totals of the credit notes issued in the period.
    pub credited_cents: i64,
    pub credited_count: i64,
    /// The payments made in the period, less the refunds made in it.
    pub collected_cents: i64,
    pub collected_count: i64,
    /// What the period's invoices still owe now, and the part of it past due.
    pub outstanding_cents: i64,
    pub outstanding_count: i64,
    pub overdue_cents: i64,
    pub overdue_count: i64,
}

/// One query: the running sums' flows and the open invoices' balances per currency.
pub async fn summary(
    pool: &PgPool,
    business_id: i64,
    period: Period,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<SummaryRow>> {
    if !period.on_slots() {
        return summary_from_documents(pool, business_id, period, now).await;
    }
    let sql = format!(
        "WITH flows AS (
             SELECT currency, sum(invoiced_cents) AS invoiced, sum(invoiced_count) AS invoiced_n,
                    sum(credited_cents) AS credited, sum(credited_count) AS credited_n,
                    sum(paid_cents) - sum(refunded_cents) AS collected,
                    sum(paid_count) AS paid_n
             FROM report_slots
             WHERE business_id = $1
               AND ($2::timestamptz IS NULL OR slot >= $2)
               AND ($3::timestamptz IS NULL OR slot < $3)
             GROUP BY currency
             HAVING sum(invoiced_count) <> 0 OR sum(credited_count) <> 0
                 OR sum(paid_count) <> 0 OR sum(refunded_count) <> 0),
         -- the open invoices alone, from their partial index
         open AS (
             SELECT i.currency, count(*) AS open_n, sum(i.balance_cents) AS open,
                    count(*) FILTER (WHERE i.due_at < $4) AS late_n,
                    coalesce(sum(i.balance_cents) FILTER (WHERE i.due_at < $4), 0) AS late
             FROM invoices i
             WHERE i.business_id = $1 AND i.balance_cents > 0 AND {ISSUED_INVOICE}
               AND ($2::timestamptz IS NULL OR i.issued_at >= $2)
               AND ($3::timestamptz IS NULL OR i.issued_at < $3)
             GROUP BY i.currency)
         SELECT c.currency,
                coalesce(f.invoiced, 0)::bigint AS invoiced_cents,
                coalesce(f.invoiced_n, 0)::bigint AS invoiced_count,
                coalesce(f.credited, 0)::bigint AS credited_cents,
                coalesce(f.credited_n, 0)::bigint AS credited_count,
                coalesce(f.collected, 0)::bigint AS collected_cents,
                coalesce(f.paid_n, 0)::bigint AS collected_count,
                coalesce(o.open, 0)::bigint AS outstanding_cents,
                coalesce(o.open_n, 0) AS outstanding_count,
                coalesce(o.late, 0)::bigint AS overdue_cents,
                coalesce(o.late_n, 0) AS overdue_count
         FROM (SELECT currency FROM flows UNION SELECT currency FROM open) c
         LEFT JOIN flows f USING (currency) LEFT JOIN open o USING (currency)
         ORDER BY c.currency"
    );
    query(pool, sql, business_id, period, now).await
}

async fn query(
    pool: &PgPool,
    sql: String,
    business_id: i64,
    period: Period,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<SummaryRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(business_id)
        .bind(period.start)
        .bind(period.end)
        .bind(now)
        .fetch_all(pool)
        .await
}

/// The same figures summed from the documents themselves: for bounds that are not
/// quarter hours, and for the tests that hold the running sums to them.
pub async fn summary_from_documents(
    pool: &PgPool,
    business_id: i64,
    period: Period,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<SummaryRow>> {
    let sql = format!(
        "WITH inv AS (
             SELECT i.currency, count(*) AS n, sum(i.total_cents) AS total,
                    count(*) FILTER (WHERE i.balance_cents > 0) AS open_n,
                    coalesce(sum(i.balance_cents) FILTER (WHERE i.balance_cents > 0), 0) AS open,
                    count(*) FILTER (WHERE i.balance_cents > 0 AND i.due_at < $4) AS late_n,
                    coalesce(sum(i.balance_cents)
                             FILTER (WHERE i.balance_cents > 0 AND i.due_at < $4), 0) AS late
             FROM invoices i
             WHERE i.business_id = $1 AND {ISSUED_INVOICE}
               AND ($2::timestamptz IS NULL OR i.issued_at >= $2)
               AND ($3::timestamptz IS NULL OR i.issued_at < $3)
             GROUP BY i.currency),
         cn AS (
             SELECT c.currency, count(*) AS n, sum(c.total_cents) AS total
             FROM credit_notes c
             WHERE c.business_id = $1 AND c.discarded_at IS NULL
               AND ($2::timestamptz IS NULL OR c.issued_at >= $2)
               AND ($3::timestamptz IS NULL OR c.issued_at < $3)
             GROUP BY c.currency),
         pay AS (
             SELECT p.currency, count(*) AS n, sum(p.amount_cents) AS total
             FROM payments p
             WHERE p.business_id = $1 AND p.discarded_at IS NULL
               AND ($2::timestamptz IS NULL OR p.paid_at >= $2)
               AND ($3::timestamptz IS NULL OR p.paid_at < $3)
             GROUP BY p.currency),
         ref AS (
             SELECT r.currency, sum(r.amount_cents) AS total
             FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
             WHERE r.business_id = $1 AND p.discarded_at IS NULL
               AND ($2::timestamptz IS NULL OR r.refunded_at >= $2)
               AND ($3::timestamptz IS NULL OR r.refunded_at < $3)
             GROUP BY r.currency),
         currencies AS (
             SELECT currency FROM inv UNION SELECT currency FROM cn
             UNION SELECT currency FROM pay UNION SELECT currency FROM ref)
         SELECT c.currency,
                coalesce(inv.total, 0)::bigint AS invoiced_cents,
                coalesce(inv.n, 0) AS invoiced_count,
                coalesce(cn.total, 0)::bigint AS credited_cents,
                coalesce(cn.n, 0) AS credited_count,
                (coalesce(pay.total, 0) - coalesce(ref.total, 0))::bigint AS collected_cents,
                coalesce(pay.n, 0) AS collected_count,
                coalesce(inv.open, 0)::bigint AS outstanding_cents,
                coalesce(inv.open_n, 0) AS outstanding_count,
                coalesce(inv.late, 0)::bigint AS overdue_cents,
                coalesce(inv.late_n, 0) AS overdue_count
         FROM currencies c
         LEFT JOIN inv USING (currency) LEFT JOIN cn USING (currency)
         LEFT JOIN pay USING (currency) LEFT JOIN ref USING (currency)
         ORDER BY c.currency"
    );
    query(pool, sql, business_id, period, now).await
}
