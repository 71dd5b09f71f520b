//! How a handler runs a domain write: open a transaction, call the billing function on
//! it, publish what changed (render, record its events), make the answer on the same
//! transaction, then `answer`: the answer is stored for its `Idempotency-Key` (if the
//! POST has one) in the transaction, which then commits. So a committed write always
//! has its answer stored, and a retry replays it (`http::idempotency`). A handler that
//! returns early with an error drops the transaction: nothing is written.

use axum::response::Response;
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

use crate::api::response::created;
use crate::billing::events::Outcome;
use crate::error::{ApiError, ApiResult};
use crate::http::idempotency;
use crate::publish::{self, Published};
use crate::state::AppState;

pub type Tx = Transaction<'static, Postgres>;

/// A write's transaction, recording the request's actor (`actor::current`: the bearer
/// token's user or client) on what it changes and the events it publishes.
pub async fn begin(state: &AppState) -> ApiResult<Tx> {
    let mut tx = state.pool.begin().await?;
    crate::actor::assume(&mut tx, &crate::actor::current()).await?;
    Ok(tx)
}

/// Renders and records the write's outcome on its transaction, without committing: the
/// answer is made next, then `answer` commits.
pub async fn publish(
    state: &AppState,
    tx: &mut Tx,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> ApiResult<Published> {
    let views = state.views();
    Ok(publish::record(tx, views, outcome, now).await?)
}

/// Stores the answer for the request's `Idempotency-Key` on the transaction, commits,
/// and answers it.
pub async fn answer(mut tx: Tx, response: Response) -> ApiResult<Response> {
    let response = idempotency::store_in(&mut tx, response).await?;
    tx.commit().await?;
    idempotency::committed(true);
    Ok(response)
}

/// A create: publish, answer 201 with the new record (`created_first`), commit.
pub async fn create(
    state: &AppState,
    mut tx: Tx,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> ApiResult<Response> {
    let published = publish(state, &mut tx, outcome, now).await?;
    answer(tx, created_first(published)?).await
}

/// Publishes the write's outcome and commits, for a write whose answer is not stored
/// with it (PATCH and DELETE, which take no `Idempotency-Key`): a keyed POST that
/// commits this way has its answer stored after, and never releases its key.
pub async fn commit(
    state: &AppState,
    mut tx: Tx,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> ApiResult<Published> {
    let published = publish(state, &mut tx, outcome, now).await?;
    tx.commit().await?;
    idempotency::committed(false);
    Ok(published)
}

/// The 201 of a create: the new record as its first event shows it (what a GET answers
/// once committed), with `Location` its `url`.
pub fn created_first(published: Published) -> ApiResult<Response> {
    let value = published
        .first()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a create published no event")))?;
    let url = value["url"].as_str().unwrap_or_default().to_string();
    Ok(created(&url, value))
}

/// The 200 of a change that always announces itself: the record as its event shows it.
pub fn changed_first(published: Published) -> ApiResult<Response> {
    let value = published
        .first()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a change published no event")))?;
    Ok(crate::api::response::data(value))
}
