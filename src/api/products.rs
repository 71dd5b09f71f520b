//! `/api/v1/products`: the catalogue's five endpoints. An invoice, quote or recurring
//! item names one with `product_id` (`api::documents::read_items`).

use axum::extract::{OriginalUri, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::api::docs::{ErrorResponse, ListMeta, ShowParams};
use crate::api::documents::read_unit_code;
use crate::api::ids::{Id, record_not_found};
use crate::api::input::{Form, Obj, Patch};
use crate::api::pagination::Paginated;
use crate::api::params::ListQuery;
use crate::api::response::{data, no_content};
use crate::api::write;
use crate::auth::Auth;
use crate::billing::documents::MAX_TAXES;
use crate::billing::products::{self, Changes, Filter};
use crate::error::ApiResult;
use crate::http::Json;
use crate::money::check_unit_price;
use crate::state::AppState;
use crate::views::products::ProductView;

#[derive(Serialize, ToSchema)]
pub struct ProductEnvelope {
    data: ProductView,
}

#[derive(Serialize, ToSchema)]
pub struct ProductList {
    data: Vec<ProductView>,
    meta: ListMeta,
}

pub(crate) const NAME_MAX: usize = 255;
pub(crate) const DESCRIPTION_MAX: usize = 10_000;
pub(crate) const SKU_MAX: usize = 64;

/// The fields a create or update may send, wrapped (`{"product": {...}}`) or bare; on
/// update every field is optional and `null` clears an optional one.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"product": {"name": "Web hosting", "description": "Annual web hosting package",
    "sku": "HOST-12", "unit_price": "99.99", "currency": "USD", "unit_code": "C62",
    "tax_ids": [], "active": true}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct ProductInput {
    /// Required on create.
    name: String,
    description: Option<String>,
    /// Unique among the business's live products, whatever its case (422 "has already
    /// been taken").
    sku: Option<String>,
    /// Required on create: ≥ 0 with at most 4 decimals, as a JSON number or a string.
    #[schema(value_type = String, example = "99.99")]
    unit_price: String,
    /// ISO 4217; defaults to the business's currency.
    currency: Option<String>,
    /// UN/ECE Recommendation 20 (any case); `C62` (one) by default.
    unit_code: Option<String>,
    /// Default taxes (live taxes of this business) for an item that names none.
    tax_ids: Option<Vec<i64>>,
    /// Defaults to true; an inactive product may not be named by an item.
    active: Option<bool>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct ProductListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `name`, `unit_price`, `created_at` (the default) or `updated_at`; prefix `-` for
    /// descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc`; Ransack filters
    /// `q[<attribute>_<predicate>]=value` are taken too (see the README).
    s: Option<String>,
    /// Search in the name, the SKU and the description.
    q: Option<String>,
    /// Only active (`true`) or inactive (`false`) products.
    active: Option<bool>,
    /// Only products priced in this currency (ISO 4217).
    currency: Option<String>,
    /// Include deleted products.
    include_deleted: Option<bool>,
}

/// Reads the product fields of a body; `creating` makes `name` and `unit_price` required.
fn read_changes(form: &mut Form, obj: &Obj, creating: bool) -> Changes {
    let name = form.string(obj, "name", NAME_MAX);
    let unit_price = form.decimal(obj, "unit_price", check_unit_price);
    let currency = match form.currency(obj, "currency") {
        Patch::Set(c) => Some(c.code().to_string()),
        Patch::Null => {
            form.error(obj, "currency", "can't be blank");
            None
        }
        _ => None,
    };
    let unit_code = read_unit_code(form, obj);
    let active = form.boolean(obj, "active");
    if active == Patch::Null {
        form.error(obj, "active", "must be true or false");
    }
    Changes {
        name: form.not_null(obj, "name", name, creating),
        description: form.string(obj, "description", DESCRIPTION_MAX).change(),
        sku: form.string(obj, "sku", SKU_MAX).change(),
        unit_price: form.not_null(obj, "unit_price", unit_price, creating),
        currency,
        unit_code,
        tax_ids: form
            .ids(obj, "tax_ids", MAX_TAXES, "taxes")
            .change()
            .map(Option::unwrap_or_default),
        active: active.set(),
    }
}

#[utoipa::path(
    get, path = "/products", tag = "Products",
    summary = "List products (paginated)",
    params(ProductListParams),
    responses((status = 200, description = "A page of products", body = ProductList)),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<ProductView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let sort = query.sort(&products::SORTS, ("created_at", false));
    let filter = Filter {
        q: query.string("q"),
        active: query.boolean("active"),
        currency: query.currency("currency"),
        include_deleted: query.include_deleted(),
        conditions: query.ransack(crate::billing::search::PRODUCTS),
    };
    query.finish()?;
    let found = products::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let public_url = &state.config.public_url;
    let views = found.map(|p| ProductView::new(p, public_url));
    Ok(Paginated::new(page, views, public_url, uri))
}

#[utoipa::path(
    post, path = "/products", tag = "Products",
    summary = "Create a product",
    request_body(content = ProductInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = ProductEnvelope,
         headers(("Location" = String, description = "The new product's url"))),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "product")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, true);
    form.finish()?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = products::create(&mut tx, auth.business_id, &changes, now).await?;
    write::create(&state, tx, outcome, now).await
}

#[utoipa::path(
    get, path = "/products/{id}", tag = "Products",
    summary = "Show a product",
    params(("id" = i64, Path, description = "Product id (`7` or `7.json`)"), ShowParams),
    responses(
        (status = 200, description = "The product", body = ProductEnvelope),
        (status = 404, description = "No such product in this business", body = ErrorResponse),
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
    let product = products::find(&state.pool, auth.business_id, id, include_deleted)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(ProductView::new(product, &state.config.public_url)))
}

#[utoipa::path(
    patch, path = "/products/{id}", tag = "Products",
    summary = "Update a product (only the fields sent; documents keep their copies)",
    params(("id" = i64, Path, description = "Product id")),
    request_body(content = ProductInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated product", body = ProductEnvelope),
        (status = 404, description = "No such product in this business", body = ErrorResponse),
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
    let obj = Obj::from_body(body, "product")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, false);
    form.finish()?;
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = products::update(&mut tx, auth.business_id, id, &changes, now)
        .await?
        .ok_or_else(record_not_found)?;
    write::changed_first(write::commit(&state, tx, outcome, now).await?)
}

#[utoipa::path(
    delete, path = "/products/{id}", tag = "Products",
    summary = "Delete a product (soft: the items that copied it keep their copies)",
    params(("id" = i64, Path, description = "Product id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such product in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let now = state.clock.now();
    let mut tx = write::begin(&state).await?;
    let outcome = products::discard(&mut tx, auth.business_id, id, now)
        .await?
        .ok_or_else(record_not_found)?;
    write::commit(&state, tx, outcome, now).await?;
    Ok(no_content())
}

/// The input limits of the product fields for the OpenAPI document (`spec_limits`).
pub(crate) fn limits() -> Vec<(&'static str, &'static str, Value)> {
    use crate::api::spec_limits::{DECIMAL, currency, decimal, name, text};
    vec![
        ("ProductInput", "name", name(NAME_MAX as u64)),
        ("ProductInput", "description", text(DESCRIPTION_MAX as u64)),
        ("ProductInput", "sku", text(SKU_MAX as u64)),
        ("ProductInput", "unit_price", decimal(DECIMAL)),
        ("ProductInput", "currency", currency()),
        (
            "ProductInput",
            "tax_ids",
            serde_json::json!({"maxItems": MAX_TAXES, "items": {"type": "integer", "minimum": 1}}),
        ),
    ]
}
