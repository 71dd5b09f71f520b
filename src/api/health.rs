//! Liveness and readiness probes for orchestrators and the Docker HEALTHCHECK.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

/// The process is up and answering.
pub async fn healthz() -> Response {
    axum::Json(json!({ "status": "ok" })).into_response()
}

/// The process can serve: its database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if crate::db::is_ready(&state.pool).await {
        axum::Json(json!({ "status": "ok", "database": "ok" })).into_response()
    } else {
        ApiError::unavailable().into_response()
    }
}
