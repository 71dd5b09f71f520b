//! What was collected per day, week or month of a period, in the business's zone.

use chrono::NaiveDate;
use chrono_tz::Tz;
use sqlx::PgPool;

use super::Period;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Day,
    Week,
    Month,
}

impl Interval {
    pub const NAMES: [&'static str; 3] = ["day", "week", "month"];

    pub fn parse(name: &str) -> Option<Interval> {
        match name {
            "day" => Some(Interval::Day),
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RevenueRow {
    /// The interval's first day (weeks start on Monday), in the business's zone.
    pub starts_on: NaiveDate,
    pub currency: String,
    /// Payments less refunds made in the interval.
    pub collected_cents: i64,
    pub payments_cents: i64,
    pub payments_count: i64,
    pub refunded_cents: i64,
}

/// Every interval from `from` to `to` for each currency the period saw money in, zeros
/// included, so the rows chart as they are. One query, over the running sums.
pub async fn revenue(
    pool: &PgPool,
    business_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
    tz: Tz,
) -> sqlx::Result<Vec<RevenueRow>> {
    if !Period::days(from, to, tz).on_slots() {
        return revenue_from_documents(pool, business_id, from, to, interval, tz).await;
    }
    let unit = interval.name();
    let moves = format!(
        "SELECT currency, date_trunc('{unit}', slot AT TIME ZONE $4)::date AS starts_on,
                sum(paid_cents) AS paid, sum(refunded_cents) AS refunded, sum(paid_count) AS n
         FROM report_slots
         WHERE business_id = $1 AND slot >= $2 AND slot < $3
         GROUP BY 1, 2
         HAVING sum(paid_count) <> 0 OR sum(refunded_count) <> 0"
    );
    query(pool, &moves, business_id, (from, to), interval, tz).await
}

/// The same from the payments and refunds themselves (bounds that are not quarter
/// hours; the tests that hold the running sums to them).
pub async fn revenue_from_documents(
    pool: &PgPool,
    business_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
    tz: Tz,
) -> sqlx::Result<Vec<RevenueRow>> {
    let unit = interval.name();
    let moves = format!(
        "SELECT p.currency, date_trunc('{unit}', p.paid_at AT TIME ZONE $4)::date AS starts_on,
                p.amount_cents AS paid, 0::bigint AS refunded, 1 AS n
         FROM payments p
         WHERE p.business_id = $1 AND p.discarded_at IS NULL
           AND p.paid_at >= $2 AND p.paid_at < $3
         UNION ALL
         SELECT r.currency, date_trunc('{unit}', r.refunded_at AT TIME ZONE $4)::date,
                0, r.amount_cents, 0
         FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
         WHERE r.business_id = $1 AND p.discarded_at IS NULL
           AND r.refunded_at >= $2 AND r.refunded_at < $3"
    );
    query(pool, &moves, business_id, (from, to), interval, tz).await
}

/// The intervals, with `moves` (currency, starts_on, paid, refunded, n) summed in them.
async fn query(
    pool: &PgPool,
    moves: &str,
    business_id: i64,
    (from, to): (NaiveDate, NaiveDate),
    interval: Interval,
    tz: Tz,
) -> sqlx::Result<Vec<RevenueRow>> {
    let period = Period::days(from, to, tz);
    let unit = interval.name();
    let sql = format!(
        "WITH moves AS ({moves}),
         slots AS (
             SELECT s::date AS starts_on
             FROM generate_series(date_trunc('{unit}', $5::date), $6::date,
                                  '1 {unit}'::interval) s)
         SELECT s.starts_on, c.currency,
                (coalesce(sum(m.paid), 0) - coalesce(sum(m.refunded), 0))::bigint AS collected_cents,
                coalesce(sum(m.paid), 0)::bigint AS payments_cents,
                coalesce(sum(m.n), 0)::bigint AS payments_count,
                coalesce(sum(m.refunded), 0)::bigint AS refunded_cents
         FROM slots s CROSS JOIN (SELECT DISTINCT currency FROM moves) c
         LEFT JOIN moves m ON m.starts_on = s.starts_on AND m.currency = c.currency
         GROUP BY s.starts_on, c.currency
         ORDER BY s.starts_on, c.currency"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(business_id)
        .bind(period.start)
        .bind(period.end)
        .bind(tz.name())
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await
}
