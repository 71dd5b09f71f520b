//! `POST /invoices/{id}/public_link/revoke` and `…/reissue`, and the same for quotes:
//! the customer's page link of a document (`billing::links`). Each answers the document
//! as a GET shows it (`public_url` null after a revoke, the new URL after a reissue).

use axum::extract::State;
use axum::response::Response;

use crate::api::docs::{ErrorResponse, IdempotencyHeader};
use crate::api::ids::{Id, record_not_found};
use crate::api::invoices::InvoiceEnvelope;
use crate::api::quotes::QuoteEnvelope;
use crate::api::response::data;
use crate::api::write;
use crate::auth::Auth;
use crate::billing::links::{self, Change, DocKind};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::views::{invoices, quotes};

async fn run(
    state: &AppState,
    auth: &Auth,
    kind: DocKind,
    id: i64,
    change: Change,
) -> ApiResult<Response> {
    let now = state.clock.now();
    let mut tx = write::begin(state).await?;
    let outcome = links::change(
        &mut tx,
        &state.links,
        auth.business_id,
        kind,
        id,
        change,
        now,
    )
    .await?;
    write::publish(state, &mut tx, outcome, now).await?;
    let answer = match kind {
        DocKind::Invoice => {
            invoices::find_view(&mut tx, state.views(), auth.business_id, id, false)
                .await?
                .map(data)
        }
        DocKind::Quote => quotes::show_one(&mut tx, state.views(), auth.business_id, id, false)
            .await?
            .map(data),
        DocKind::CreditNote => {
            crate::views::credit_notes::show_one(&mut tx, state.views(), auth.business_id, id)
                .await?
                .map(data)
        }
    };
    write::answer(tx, answer.ok_or_else(record_not_found)?).await
}

#[utoipa::path(
    post, path = "/invoices/{id}/public_link/revoke", tag = "Invoices",
    summary = "Revoke the customer's page link: it answers 404 from now on (public_url becomes null)",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    responses(
        (status = 200, description = "The invoice", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn revoke_invoice(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    run(&state, &auth, DocKind::Invoice, id, Change::Revoke).await
}

#[utoipa::path(
    post, path = "/invoices/{id}/public_link/reissue", tag = "Invoices",
    summary = "A new customer's page link (a new public_url); the old one answers 404",
    params(("id" = i64, Path, description = "Invoice id"), IdempotencyHeader),
    responses(
        (status = 200, description = "The invoice with its new public_url", body = InvoiceEnvelope),
        (status = 404, description = "No such invoice in this business", body = ErrorResponse),
        (status = 422, description = "A draft: it has no page until it is sent", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn reissue_invoice(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    run(&state, &auth, DocKind::Invoice, id, Change::Reissue).await
}

#[utoipa::path(
    post, path = "/quotes/{id}/public_link/revoke", tag = "Quotes",
    summary = "Revoke the customer's page link: it answers 404 from now on (public_url becomes null)",
    params(("id" = i64, Path, description = "Quote id"), IdempotencyHeader),
    responses(
        (status = 200, description = "The quote", body = QuoteEnvelope),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn revoke_quote(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    run(&state, &auth, DocKind::Quote, id, Change::Revoke).await
}

#[utoipa::path(
    post, path = "/quotes/{id}/public_link/reissue", tag = "Quotes",
    summary = "A new customer's page link (a new public_url); the old one answers 404",
    params(("id" = i64, Path, description = "Quote id"), IdempotencyHeader),
    responses(
        (status = 200, description = "The quote with its new public_url", body = QuoteEnvelope),
        (status = 404, description = "No such quote in this business", body = ErrorResponse),
        (status = 422, description = "A draft: it has no page until it is sent", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn reissue_quote(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> ApiResult<Response> {
    run(&state, &auth, DocKind::Quote, id, Change::Reissue).await
}
