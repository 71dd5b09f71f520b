//! "Send again": one more attempt of a delivery the business asks for (the dashboard),
//! run by the same `webhook.deliver` job with `manual` set (`deliveries` says what that
//! changes: no settled check, no retries).

use chrono::{DateTime, Utc};

use super::deliveries::{DELIVER, MAX_ATTEMPTS};

/// Queues one more attempt of a delivery the business asked to send again (the
/// dashboard): the next attempt number, judged succeeded or failed, never retried. Only
/// an event already in the endpoint's log, of the business; a second ask while one is
/// queued does nothing. Answers whether it was queued.
pub async fn resend(
    conn: &mut sqlx::PgConnection,
    business_id: i64,
    endpoint_id: i64,
    event_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let logged: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM webhook_deliveries
                        WHERE business_id = $1 AND endpoint_id = $2 AND event_id = $3)",
    )
    .bind(business_id)
    .bind(endpoint_id)
    .bind(event_id)
    .fetch_one(&mut *conn)
    .await?;
    if !logged {
        return Ok(false);
    }
    let job = crate::queue::NewJob {
        unique_key: Some(format!("webhook-resend:{event_id}:{endpoint_id}")),
        business_id: Some(business_id),
        max_attempts: MAX_ATTEMPTS * 2,
        ..crate::queue::NewJob::new(
            DELIVER,
            serde_json::json!({"business_id": business_id, "endpoint_id": endpoint_id,
                               "event_id": event_id, "manual": true}),
            now,
        )
    };
    Ok(crate::queue::enqueue(conn, job).await?.is_some())
}
