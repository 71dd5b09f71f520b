//! `/api/v1/payment_terms`: the five CRUD endpoints over a business's payment terms.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::{ErrorResponse, ListMeta, ShowParams};
use crate::api::ids::{Id, record_not_found};
use crate::api::input::{Form, Obj, Patch};
use crate::api::pagination::Paginated;
use crate::api::params::ListQuery;
use crate::api::response::{created, data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::payment_terms::{self, Changes, Filter, MAX_DAYS};
use crate::error::ApiResult;
use crate::http::Json;
use crate::state::AppState;
use crate::views::payment_terms::PaymentTermView;

#[derive(Serialize, ToSchema)]
pub struct PaymentTermEnvelope {
    data: PaymentTermView,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentTermList {
    data: Vec<PaymentTermView>,
    meta: ListMeta,
}

/// The fields a create or update may send, wrapped (`{"payment_term": {...}}`) or bare.
/// On update every field is optional.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"payment_term": {"name": "Net 45", "value": 45}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct PaymentTermInput {
    /// Required on create.
    name: String,
    /// Required on create: whole days until due, 0 to 3650, as a JSON number or a
    /// numeric string.
    value: i32,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct PaymentTermListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `name`, `value` or `created_at` (the default); prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
    /// Search in the name.
    q: Option<String>,
    /// Include deleted payment terms.
    include_deleted: Option<bool>,
}

const NAME_MAX: usize = 255;

/// Reads the term fields of a body; `creating` makes `name` and `value` required.
fn read_changes(form: &mut Form, obj: &Obj, creating: bool) -> Changes {
    let name = form.string(obj, "name", NAME_MAX);
    let value = match form.integer(obj, "value") {
        Patch::Set(days) => match i32::try_from(days) {
            Ok(days) if (0..=MAX_DAYS).contains(&days) => Patch::Set(days),
            _ => {
                form.error(obj, "value", format!("must be between 0 and {MAX_DAYS}"));
                Patch::Invalid
            }
        },
        other => other.map(|_| 0),
    };
    Changes {
        name: form.not_null(obj, "name", name, creating),
        value: form.not_null(obj, "value", value, creating),
    }
}

#[utoipa::path(
    get, path = "/payment_terms", tag = "Payment terms",
    summary = "List payment terms (paginated)",
    params(PaymentTermListParams),
    responses(
        (status = 200, description = "A page of payment terms", body = PaymentTermList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<PaymentTermView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let sort = query.sort(&payment_terms::SORTS, ("created_at", false));
    let filter = Filter {
        q: query.string("q"),
        include_deleted: query.include_deleted(),
        conditions: query.ransack(crate::billing::search::PAYMENT_TERMS),
    };
    query.finish()?;
    let found = payment_terms::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let public_url = &state.config.public_url;
    let views = found.map(|p| PaymentTermView::new(p, public_url));
    Ok(Paginated::new(page, views, public_url, uri))
}

#[utoipa::path(
    post, path = "/payment_terms", tag = "Payment terms",
    summary = "Create a payment term",
    request_body(content = PaymentTermInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = PaymentTermEnvelope,
         headers(("Location" = String, description = "The new payment term's url"))),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "payment_term")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, true);
    form.finish()?;
    // On a transaction, so a keyed POST's answer commits with the term (`write::answer`).
    let mut tx = write::begin(&state).await?;
    let term =
        payment_terms::create(&mut *tx, auth.business_id, &changes, state.clock.now()).await?;
    let view = PaymentTermView::new(term, &state.config.public_url);
    write::answer(tx, created(&view.url.clone(), view)).await
}

#[utoipa::path(
    get, path = "/payment_terms/{id}", tag = "Payment terms",
    summary = "Show a payment term",
    params(("id" = i64, Path, description = "Payment term id (`89` or `89.json`)"), ShowParams),
    responses(
        (status = 200, description = "The payment term", body = PaymentTermEnvelope),
        (status = 404, description = "No such payment term in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let include_deleted = query.include_deleted();
    query.finish()?;
    let term = payment_terms::find(&state.pool, auth.business_id, id, include_deleted)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(PaymentTermView::new(term, &state.config.public_url)))
}

#[utoipa::path(
    patch, path = "/payment_terms/{id}", tag = "Payment terms",
    summary = "Update a payment term (only the fields sent)",
    params(("id" = i64, Path, description = "Payment term id")),
    request_body(content = PaymentTermInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated payment term", body = PaymentTermEnvelope),
        (status = 404, description = "No such payment term in this business", body = ErrorResponse),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Id(id): Id,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "payment_term")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, false);
    form.finish()?;
    let mut tx = write::begin(&state).await?;
    let term = payment_terms::update(&mut *tx, auth.business_id, id, &changes, state.clock.now())
        .await?
        .ok_or_else(record_not_found)?;
    tx.commit().await?;
    Ok(data(PaymentTermView::new(term, &state.config.public_url)))
}

#[utoipa::path(
    delete, path = "/payment_terms/{id}", tag = "Payment terms",
    summary = "Delete a payment term (soft: it stays on the invoices and quotes that use it)",
    params(("id" = i64, Path, description = "Payment term id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such payment term in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let mut tx = write::begin(&state).await?;
    let discarded =
        payment_terms::discard(&mut *tx, auth.business_id, id, state.clock.now()).await?;
    tx.commit().await?;
    if discarded {
        Ok(no_content())
    } else {
        Err(record_not_found())
    }
}
