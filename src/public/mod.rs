//! The customer's page: `/p/{token}` and its forms, outside `/api/v1` (no token, no rate
//! limit of the API's). Server-rendered HTML (`views::page`), a strict CSP, nothing
//! cached or indexed. A token that opens nothing (unknown, malformed, revoked, its
//! document deleted) is always the same plain 404 page.

mod answer;
mod visit;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::billing::customer_page::{self, Answer};
use crate::billing::links::{self, Resolved};
use crate::publish;
use crate::render::RenderError;
use crate::state::AppState;
use crate::views::page::{self, Notice, PageHtml};

/// The page's routes (merged into the app beside `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/p/{token}", get(show))
        .route("/p/{token}/pdf", get(pdf))
        .route("/p/{token}/accept", post(accept))
        .route("/p/{token}/decline", post(decline))
}

/// The headers of every answer under `/p/`.
fn respond(status: StatusCode, html: &PageHtml) -> Response {
    let mut response = (status, html.body.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(csp) = HeaderValue::from_str(&html.csp()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    security_headers(headers);
    response
}

fn security_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// The one answer of every link that opens nothing.
pub fn not_found() -> Response {
    respond(StatusCode::NOT_FOUND, &page::not_found())
}

/// A failure of ours (the database out of reach, say): a plain page, logged.
fn unavailable(err: impl std::fmt::Display) -> Response {
    tracing::error!(error = %err, "the customer's page failed");
    let mut response = respond(
        StatusCode::SERVICE_UNAVAILABLE,
        &page::message("Unavailable", "Please try again in a moment."),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// The link a token opens, on a connection of the pool.
async fn resolve(state: &AppState, token: &str) -> Result<Option<Resolved>, Response> {
    let mut conn = state.pool.acquire().await.map_err(unavailable)?;
    links::resolve(&mut conn, token).await.map_err(unavailable)
}

/// The document's page with `notice` above it.
async fn render(
    state: &AppState,
    link: &Resolved,
    token: &str,
    status: StatusCode,
    notice: Notice<'_>,
) -> Response {
    let now = state.clock.now();
    let result = async {
        let mut conn = state.pool.acquire().await?;
        let views = state.views();
        page::find(
            &mut conn,
            views,
            link.kind,
            link.business_id,
            link.document_id,
            now,
        )
        .await
    }
    .await;
    match result {
        Ok(Some(doc)) => {
            let form_token = state.links.form_token(&link.token_hash);
            let html = page::render(&doc, token, &form_token, &state.config.public_url, notice);
            respond(status, &html)
        }
        Ok(None) => not_found(),
        Err(err) => unavailable(err),
    }
}

/// `GET /p/{token}` (and HEAD): the document. The first open by a person marks it
/// viewed; HEAD, prefetches and link-preview bots are served without it.
async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let link = match resolve(&state, &token).await {
        Ok(Some(link)) => link,
        Ok(None) => return not_found(),
        Err(response) => return response,
    };
    if link.viewed_at.is_none()
        && visit::is_a_person(&method, &headers)
        && let Err(err) = first_view(&state, &link).await
    {
        return unavailable(err);
    }
    render(&state, &link, &token, StatusCode::OK, Notice::None).await
}

async fn first_view(state: &AppState, link: &Resolved) -> anyhow::Result<()> {
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    crate::actor::assume(
        &mut tx,
        &crate::actor::Actor::system(crate::actor::CUSTOMER_PAGE),
    )
    .await?;
    let outcome = customer_page::first_view(&mut tx, link, now).await?;
    publish::commit(tx, state.views(), outcome, now).await?;
    Ok(())
}

/// `GET /p/{token}/pdf`: the document's PDF.
async fn pdf(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match resolve(&state, &token).await {
        Ok(Some(link)) => pdf_download(&state, &link).await,
        Ok(None) => not_found(),
        Err(response) => response,
    }
}

/// The PDF of a link's document (the same bytes the API's `/pdf` route answers): the one
/// place the page reaches the renderer.
pub async fn pdf_download(state: &AppState, link: &Resolved) -> Response {
    let rendered = match state.pool.acquire().await {
        Ok(mut conn) => {
            state
                .renderer
                .document(
                    &mut conn,
                    state.views(),
                    link.business_id,
                    link.kind,
                    link.document_id,
                )
                .await
        }
        Err(err) => return unavailable(err),
    };
    match rendered {
        Ok(Some(rendered)) => {
            let disposition = format!("inline; filename=\"{}\"", rendered.file_name);
            let mut response = rendered.bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            security_headers(headers);
            response
        }
        Ok(None) => not_found(),
        Err(RenderError::Database(err)) => unavailable(err),
        Err(err) => {
            tracing::error!(error = %err, "the customer's page could not typeset the PDF");
            respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                &page::message("Unavailable", "The PDF could not be made."),
            )
        }
    }
}

/// `POST /p/{token}/accept`.
async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    answer::handle(&state, &token, &headers, &body, Answer::Accept).await
}

/// `POST /p/{token}/decline`.
async fn decline(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    answer::handle(&state, &token, &headers, &body, Answer::Decline).await
}
