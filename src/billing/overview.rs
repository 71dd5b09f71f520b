//! The business at a glance (the dashboard's overview): how many customers, open and
//! overdue invoices, what was paid this month (per currency: amounts in different
//! currencies are never added), and the latest events. Two queries.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// The counts and this month's payments.
#[derive(Debug, Clone)]
pub struct Overview {
    pub business_name: String,
    pub customers: i64,
    /// Issued, not void, with a balance (overdue ones included).
    pub open_invoices: i64,
    pub overdue_invoices: i64,
    /// (currency, minor units) paid since the start of this month in the business's
    /// time zone, net of refunds, by currency.
    pub paid_this_month: Vec<(String, i64)>,
}

/// One of the latest events.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecentEvent {
    pub kind: String,
    /// The record's number (an invoice's, a quote's) or name, when it has one.
    pub label: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn overview(
    conn: &mut PgConnection,
    business_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<Overview> {
    #[derive(sqlx::FromRow)]
    struct Row {
        name: String,
        customers: i64,
        open_invoices: i64,
        overdue_invoices: i64,
        paid: sqlx::types::Json<Vec<(String, i64)>>,
    }
    let row = sqlx::query_as::<_, Row>(
        "WITH b AS (
             SELECT id, name,
                    date_trunc('month', $2 AT TIME ZONE time_zone) AT TIME ZONE time_zone
                        AS month_start
             FROM businesses WHERE id = $1
         )
         SELECT b.name,
             (SELECT count(*) FROM customers c
              WHERE c.business_id = b.id AND c.discarded_at IS NULL) AS customers,
             (SELECT count(*) FROM invoices i
              WHERE i.business_id = b.id AND i.discarded_at IS NULL
                AND i.status IN ('sent', 'viewed', 'partial', 'overdue')
                AND i.balance_cents > 0) AS open_invoices,
             (SELECT count(*) FROM invoices i
              WHERE i.business_id = b.id AND i.discarded_at IS NULL
                AND i.status = 'overdue' AND i.balance_cents > 0) AS overdue_invoices,
             (SELECT coalesce(json_agg(json_build_array(currency, cents) ORDER BY currency),
                              '[]')
              FROM (SELECT p.currency, sum(p.amount_cents - p.refunded_cents)::bigint AS cents
                    FROM payments p
                    WHERE p.business_id = b.id AND p.discarded_at IS NULL
                      AND p.paid_at >= b.month_start AND p.paid_at <= $2
                    GROUP BY p.currency) t) AS paid
         FROM b",
    )
    .bind(business_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(Overview {
        business_name: row.name,
        customers: row.customers,
        open_invoices: row.open_invoices,
        overdue_invoices: row.overdue_invoices,
        paid_this_month: row.paid.0,
    })
}

/// The business's latest `limit` events, newest first.
pub async fn recent_events(
    conn: &mut PgConnection,
    business_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<RecentEvent>> {
    sqlx::query_as::<_, RecentEvent>(
        "SELECT type AS kind, coalesce(data->>'number', data->>'name') AS label, created_at
         FROM events WHERE business_id = $1
         ORDER BY created_at DESC, seq DESC LIMIT $2",
    )
    .bind(business_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}
