//! Open balances per customer and currency, by days past due as of a day.

use chrono::NaiveDate;
use chrono_tz::Tz;
use sqlx::PgPool;

use super::ISSUED_INVOICE;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AgingRow {
    pub customer_id: i64,
    pub customer_name: String,
    pub currency: String,
    /// Not yet due (due today or later).
    pub current_cents: i64,
    pub days_1_30_cents: i64,
    pub days_31_60_cents: i64,
    pub days_61_90_cents: i64,
    pub over_90_cents: i64,
    pub total_cents: i64,
    /// Open invoices counted.
    pub invoice_count: i64,
}

/// Every open issued invoice's balance in its bucket: days past due are `as_of` less the
/// due date, both in `tz`. One query; customers by name.
pub async fn aging(
    pool: &PgPool,
    business_id: i64,
    as_of: NaiveDate,
    tz: Tz,
) -> sqlx::Result<Vec<AgingRow>> {
    let sql = format!(
        "SELECT i.customer_id, c.name AS customer_name, i.currency,
                coalesce(sum(i.balance_cents) FILTER (WHERE i.late <= 0), 0)::bigint AS current_cents,
                coalesce(sum(i.balance_cents) FILTER (WHERE i.late BETWEEN 1 AND 30), 0)::bigint
                    AS days_1_30_cents,
                coalesce(sum(i.balance_cents) FILTER (WHERE i.late BETWEEN 31 AND 60), 0)::bigint
                    AS days_31_60_cents,
                coalesce(sum(i.balance_cents) FILTER (WHERE i.late BETWEEN 61 AND 90), 0)::bigint
                    AS days_61_90_cents,
                coalesce(sum(i.balance_cents) FILTER (WHERE i.late > 90), 0)::bigint AS over_90_cents,
                sum(i.balance_cents)::bigint AS total_cents,
                count(*) AS invoice_count
         FROM (SELECT i.customer_id, i.currency, i.balance_cents,
                      $2::date - (i.due_at AT TIME ZONE $3)::date AS late
               FROM invoices i
               WHERE i.business_id = $1 AND {ISSUED_INVOICE} AND i.balance_cents > 0) i
         JOIN customers c ON c.id = i.customer_id AND c.business_id = $1
         GROUP BY i.customer_id, c.name, i.currency
         ORDER BY c.name, i.customer_id, i.currency"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(business_id)
        .bind(as_of)
        .bind(tz.name())
        .fetch_all(pool)
        .await
}
