//! How a handler runs a domain write: open a transaction, call the billing function on
//! it, then `publish::commit` (render what changed, record its events, commit). A
//! handler that returns early with an error drops the transaction: nothing is written.

use axum::response::Response;
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

use crate::api::response::created;
use crate::billing::events::Outcome;
use crate::error::{ApiError, ApiResult};
use crate::publish::{self, Published};
use crate::state::AppState;
use crate::views::Views;

pub type Tx = Transaction<'static, Postgres>;

pub async fn begin(state: &AppState) -> ApiResult<Tx> {
    Ok(state.pool.begin().await?)
}

/// Publishes the write's outcome and commits.
pub async fn commit(
    state: &AppState,
    tx: Tx,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> ApiResult<Published> {
    let views = Views::new(&state.config.public_url);
    Ok(publish::commit(tx, views, outcome, now).await?)
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
