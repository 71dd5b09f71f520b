//! The bearer check as axum sees it: the route layer that guards `/api/v1` and the `Auth`
//! extractor handlers take. The check itself is `auth::bearer::authenticate`.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Auth;
use crate::auth::bearer::{authenticate, unauthorized};
use crate::error::ApiError;
use crate::state::AppState;

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Auth>()
            .cloned()
            .ok_or_else(|| unauthorized(false))
    }
}

/// Route layer for every protected `/api/v1` route (so unknown routes still answer 404).
pub async fn require_bearer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let checked = authenticate(
        &state.pool,
        &state.token_cache,
        &state.clock,
        req.headers(),
        req.method(),
    )
    .await;
    match checked {
        Ok(auth) => {
            let actor = auth.actor.clone();
            req.extensions_mut().insert(auth);
            // The request's writes are recorded as the token's actor (`write::begin`).
            crate::actor::acting(actor, next.run(req)).await
        }
        Err(err) => err.into_response(),
    }
}
