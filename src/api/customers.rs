//! `/api/v1/customers`: the five documented endpoints.

use axum::extract::{OriginalUri, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::address::{self, AddressInput};
use crate::api::docs::{ErrorResponse, ListMeta, ShowParams};
use crate::api::ids::{Id, record_not_found};
use crate::api::input::{Form, Obj, Patch, is_email};
use crate::api::pagination::Paginated;
use crate::api::params::ListQuery;
use crate::api::response::{data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::customers::{self, CUSTOMER_TYPES, Changes, Filter};
use crate::billing::profile::tax_id;
use crate::error::ApiResult;
use crate::http::Json;
use crate::state::AppState;
use crate::views::customers::CustomerView;

#[derive(Serialize, ToSchema)]
pub struct CustomerEnvelope {
    data: CustomerView,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerList {
    data: Vec<CustomerView>,
    meta: ListMeta,
}

/// The fields a create or update may send, wrapped (`{"customer": {...}}`) or bare.
/// On update every field is optional and `null` clears it.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"customer": {"name": "Texas Ins", "company": "Texas Ins",
    "customer_type": "business", "email": "procurement@texas.com", "phone": "+27675711214",
    "phone_country": "za", "currency": "ZAR", "website": "https://texas.com",
    "notes": "notesy", "tax_id": "4123456789", "address": {"line": "1 Mahem Pl", "line2": "Unit 23",
    "post_code": "5256", "city": "East London", "country": "South Africa", "country_code": "ZA"}}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct CustomerInput {
    /// Required on create unless `company` is given (then the name is the company's).
    name: Option<String>,
    company: Option<String>,
    /// `business` (the default) or `individual`.
    customer_type: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    phone_country: Option<String>,
    /// ISO 4217, any case.
    currency: Option<String>,
    website: Option<String>,
    notes: Option<String>,
    /// Tax id (VAT number): an EU VAT number (`DE123456789`) must have its country's
    /// format; any other tax id is up to 32 printable characters.
    tax_id: Option<String>,
    address: Option<AddressInput>,
    /// The same as `address` (Rails' nested attributes); `_destroy: true` removes it.
    address_attributes: Option<AddressInput>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct CustomerListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `name`, `created_at` or `updated_at`; prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
    /// Search in name, company and email.
    q: Option<String>,
    /// `business` or `individual`.
    customer_type: Option<String>,
    /// ISO 4217 code.
    currency: Option<String>,
    /// Created at or after (a date or an ISO 8601 timestamp).
    created_after: Option<String>,
    /// Created at or before (a date or an ISO 8601 timestamp).
    created_before: Option<String>,
    /// Include deleted customers.
    include_deleted: Option<bool>,
}

const NAME_MAX: usize = 255;
const TEXT_MAX: usize = 10_000;

/// Reads the customer fields of a body. On create a `name` is required, or a `company`
/// to name the customer by (Koteshen's pages create customers without `name`).
fn read_changes(form: &mut Form, obj: &Obj, creating: bool) -> Changes {
    let company = form.string(obj, "company", NAME_MAX);
    let name = match form.string(obj, "name", NAME_MAX) {
        Patch::Absent | Patch::Null if creating => match &company {
            Patch::Set(company) => Patch::Set(company.clone()),
            _ => Patch::Absent,
        },
        name => name,
    };
    let name = form.not_null(obj, "name", name, creating);
    let email = form.string(obj, "email", 254);
    if let Patch::Set(e) = &email
        && !is_email(e)
    {
        form.error(obj, "email", "is not an email address");
    }
    let currency = form.currency(obj, "currency").map(|c| c.code().to_string());
    let address = match read_address(form, obj) {
        Patch::Set(a) => Some(Some(address::read(form, &a, false))),
        Patch::Null => Some(None),
        _ => None,
    };
    Changes {
        name,
        company: company.change(),
        customer_type: form.one_of(obj, "customer_type", &CUSTOMER_TYPES).set(),
        email: email.change(),
        phone: form.string(obj, "phone", 64).change(),
        phone_country: form.string(obj, "phone_country", 8).change(),
        currency: currency.change(),
        website: form.string(obj, "website", NAME_MAX).change(),
        notes: form.string(obj, "notes", TEXT_MAX).change(),
        tax_id: tax_id(form, obj).change(),
        address,
    }
}

/// A tax id (VAT number), checked by `profile::tax_id`.
pub(crate) fn tax_id(form: &mut Form, obj: &Obj) -> Patch<String> {
    match form.string(obj, "tax_id", 64) {
        Patch::Set(id) => match tax_id::check(&id) {
            Ok(id) => Patch::Set(id),
            Err(message) => {
                form.error(obj, "tax_id", message);
                Patch::Invalid
            }
        },
        other => other,
    }
}

/// `address`, or Rails' `address_attributes` (the pages' name), which may carry the
/// address's `id` (it is updated in place either way) and `_destroy: true` (removes it).
fn read_address(form: &mut Form, obj: &Obj) -> Patch<Obj> {
    match (obj.has("address"), obj.has("address_attributes")) {
        (true, true) => {
            form.error(
                obj,
                "address_attributes",
                "give address or address_attributes, not both",
            );
            Patch::Invalid
        }
        (_, true) => match form.object(obj, "address_attributes") {
            Patch::Set(a) if form.boolean(&a, "_destroy") == Patch::Set(true) => Patch::Null,
            other => other,
        },
        _ => form.object(obj, "address"),
    }
}

#[utoipa::path(
    get, path = "/customers", tag = "Customers",
    summary = "List customers (paginated)",
    params(CustomerListParams),
    responses(
        (status = 200, description = "A page of customers", body = CustomerList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<CustomerView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let sort = query.sort(&customers::SORTS, ("created_at", false));
    let filter = Filter {
        q: query.string("q"),
        customer_type: query.one_of("customer_type", &CUSTOMER_TYPES),
        currency: query.currency("currency"),
        created_from: query.from_bound("created_after"),
        created_before: query.to_bound_exclusive("created_before"),
        include_deleted: query.include_deleted(),
        conditions: query.ransack(crate::billing::search::CUSTOMERS),
    };
    query.finish()?;
    let found = customers::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let public_url = &state.config.public_url;
    let views = found.map(|c| CustomerView::new(c, public_url));
    Ok(Paginated::new(page, views, public_url, uri))
}

#[utoipa::path(
    post, path = "/customers", tag = "Customers",
    summary = "Create a customer",
    request_body(content = CustomerInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = CustomerEnvelope,
         headers(("Location" = String, description = "The new customer's url"))),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "customer")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, true);
    form.finish()?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = customers::create(&mut tx, auth.business_id, &changes, now).await?;
    write::create(&state, tx, outcome, now).await
}

#[utoipa::path(
    get, path = "/customers/{id}", tag = "Customers",
    summary = "Show a customer",
    params(("id" = i64, Path, description = "Customer id (`13` or `13.json`)"), ShowParams),
    responses(
        (status = 200, description = "The customer", body = CustomerEnvelope),
        (status = 404, description = "No such customer in this business", body = ErrorResponse),
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
    let customer = customers::find(&state.pool, auth.business_id, id, include_deleted)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(CustomerView::new(customer, &state.config.public_url)))
}

#[utoipa::path(
    patch, path = "/customers/{id}", tag = "Customers",
    summary = "Update a customer (only the fields sent; null clears)",
    params(("id" = i64, Path, description = "Customer id")),
    request_body(content = CustomerInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated customer", body = CustomerEnvelope),
        (status = 404, description = "No such customer in this business", body = ErrorResponse),
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
    let obj = Obj::from_body(body, "customer")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, false);
    form.finish()?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = customers::update(&mut tx, auth.business_id, id, &changes, now)
        .await?
        .ok_or_else(record_not_found)?;
    write::changed_first(write::commit(&state, tx, outcome, now).await?)
}

#[utoipa::path(
    delete, path = "/customers/{id}", tag = "Customers",
    summary = "Delete a customer (soft: it stays on its invoices and quotes)",
    params(("id" = i64, Path, description = "Customer id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such customer in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = customers::discard(&mut tx, auth.business_id, id, now)
        .await?
        .ok_or_else(record_not_found)?;
    write::commit(&state, tx, outcome, now).await?;
    Ok(no_content())
}
