//! `/dashboard/authorized`: the applications the signed-in user authorized
//! (`auth::grants`), and revoking one.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};

use super::pages::{AuthorizedPage, Nav};
use super::session::TokenForm;
use super::{PageResult, SignedIn, db, page};
use crate::auth::grants;
use crate::state::AppState;

const SECTION: &str = "/dashboard/authorized";

async fn render(state: &AppState, signed_in: &SignedIn, notice: Option<String>) -> PageResult {
    let session = &signed_in.0;
    let grants = grants::list(&state.pool, session.user_id, state.clock.now())
        .await
        .map_err(db)?;
    Ok(page(
        StatusCode::OK,
        &AuthorizedPage {
            nav: Some(Nav::new(session, SECTION)),
            notice,
            csrf: session.csrf_token.clone(),
            grants,
        },
    ))
}

pub async fn list(State(state): State<AppState>, signed_in: SignedIn) -> PageResult {
    render(&state, &signed_in, None).await
}

/// `POST /dashboard/authorized/{application_id}/revoke`. Revoking what was never given
/// (another business's application, a malformed id) changes nothing and says so.
pub async fn revoke(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(application_id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> PageResult {
    signed_in.check_form(&headers, &form.csrf)?;
    let revoked = match application_id.parse::<i64>() {
        Ok(id) => grants::revoke(&state.pool, signed_in.0.user_id, id, state.clock.now())
            .await
            .map_err(db)?,
        Err(_) => Vec::new(),
    };
    // The notification reaches this process's cache later; the next request must not.
    state.token_cache.evict(&revoked);
    let notice = if !revoked.is_empty() {
        "Access revoked: the application's tokens no longer work.".to_string()
    } else {
        "That application had no access to revoke.".to_string()
    };
    render(&state, &signed_in, Some(notice)).await
}
