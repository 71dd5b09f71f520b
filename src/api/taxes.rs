//! `/api/v1/taxes`: the five CRUD endpoints over a business's tax rates.

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
use crate::billing::taxes::{self, Changes, Filter};
use crate::error::ApiResult;
use crate::http::Json;
use crate::money::check_percent;
use crate::state::AppState;
use crate::views::taxes::TaxView;

#[derive(Serialize, ToSchema)]
pub struct TaxEnvelope {
    data: TaxView,
}

#[derive(Serialize, ToSchema)]
pub struct TaxList {
    data: Vec<TaxView>,
    meta: ListMeta,
}

/// The fields a create or update may send, wrapped (`{"tax": {...}}`) or bare. On update
/// every field is optional.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"tax": {"name": "VAT", "rate": "15.0", "is_default": true, "inclusive": false}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct TaxInput {
    /// Required on create.
    name: String,
    /// Required on create: a percentage from 0 to 100 with at most 4 decimal places, as
    /// a JSON number or a numeric string.
    #[schema(value_type = String, example = "15.0")]
    rate: String,
    /// Defaults to false.
    is_default: Option<bool>,
    /// Defaults to false. `true`: the prices of the lines it covers include this tax
    /// (consumer prices in the EU, the UK, South Africa). The tax is extracted from each
    /// line's amount after the discount: the lines carrying the same inclusive taxes
    /// together, Σ × R / (100 + R) for their combined rate R, rounded once (per document
    /// when every line carries the same inclusive taxes) and split per rate by largest
    /// remainder; their net is the rest, so net + tax =
    /// total exactly and a document with only inclusive taxes totals its prices.
    /// Exclusive taxes on the same lines are then computed on that net (Stripe's rule).
    /// Documents keep the flag as applied: changing it later reprices no invoice or quote.
    inclusive: Option<bool>,
    /// The VAT category an e-invoice states (UNCL 5305): `S` standard rated (a rate
    /// above 0), `Z` zero rated, `E` exempt, `AE` reverse charge, `K`
    /// intra-community supply, `G` export outside the EU, `O` outside the scope of VAT
    /// (all but `S` at a rate of 0). Accepted in any case. Not given: `S` or `Z` by the
    /// rate (and, on an update of an S or Z tax, it follows a new rate).
    #[schema(example = "S")]
    category: Option<String>,
    /// Why the tax is not charged (BT-120): required for `E`, `AE`, `K`, `G` and `O`
    /// unless `exemption_reason_code` is given; must be blank for `S` and `Z`. At most
    /// 1000 characters.
    #[schema(example = json!(null))]
    exemption_reason: Option<String>,
    /// The VATEX code of the reason (BT-121), e.g. `VATEX-EU-AE` (CEF's VATEX list).
    #[schema(example = json!(null))]
    exemption_reason_code: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct TaxListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 20).
    per_page: Option<i64>,
    /// `name`, `rate` or `created_at` (the default); prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort, instead of `sort`: `<field> asc|desc` (`created_at desc`); several as
    /// `s[0]=…&s[1]=…`. Ransack filters `q[<attribute>_<predicate>]=value` are taken
    /// too (see the README); an unknown one is a 422 naming it.
    s: Option<String>,
    /// Search in the name.
    q: Option<String>,
    /// Only the default taxes (`true`) or only the others (`false`).
    is_default: Option<bool>,
    /// Include deleted taxes.
    include_deleted: Option<bool>,
}

const NAME_MAX: usize = 255;

/// Reads the tax fields of a body; `creating` makes `name` and `rate` required.
fn read_changes(form: &mut Form, obj: &Obj, creating: bool) -> Changes {
    let name = form.string(obj, "name", NAME_MAX);
    let rate = form.decimal(obj, "rate", check_percent);
    let is_default = form.boolean(obj, "is_default");
    if is_default == Patch::Null {
        form.error(obj, "is_default", "must be true or false");
    }
    let inclusive = form.boolean(obj, "inclusive");
    if inclusive == Patch::Null {
        form.error(obj, "inclusive", "must be true or false");
    }
    let category = match form.string(obj, "category", 2) {
        Patch::Set(c) => {
            let upper = c.to_ascii_uppercase();
            if taxes::CATEGORIES.contains(&upper.as_str()) {
                Some(upper)
            } else {
                let allowed = taxes::CATEGORIES.join(", ");
                form.error(obj, "category", format!("must be one of {allowed}"));
                None
            }
        }
        Patch::Null => {
            form.error(obj, "category", "can't be blank");
            None
        }
        _ => None,
    };
    let exemption_reason = form
        .string(obj, "exemption_reason", taxes::EXEMPTION_REASON_MAX)
        .change();
    let exemption_reason_code = match form.string(obj, "exemption_reason_code", 30) {
        Patch::Set(code) => {
            let upper = code.to_ascii_uppercase();
            if crate::billing::codes::is_vatex_code(&upper) {
                Some(Some(upper))
            } else {
                let message = "is not a VATEX code (e.g. VATEX-EU-AE)";
                form.error(obj, "exemption_reason_code", message);
                None
            }
        }
        other => other.change(),
    };
    Changes {
        name: form.not_null(obj, "name", name, creating),
        rate: form.not_null(obj, "rate", rate, creating),
        is_default: is_default.set(),
        inclusive: inclusive.set(),
        category,
        exemption_reason,
        exemption_reason_code,
    }
}

#[utoipa::path(
    get, path = "/taxes", tag = "Taxes",
    summary = "List taxes (paginated)",
    params(TaxListParams),
    responses(
        (status = 200, description = "A page of taxes", body = TaxList),
    ),
    security(("oauth2" = ["read"]))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    OriginalUri(uri): OriginalUri,
    RawQuery(raw): RawQuery,
) -> ApiResult<Paginated<TaxView>> {
    let mut query = ListQuery::parse(raw.as_deref())?;
    let page = query.page();
    let sort = query.sort(&taxes::SORTS, ("created_at", false));
    let filter = Filter {
        q: query.string("q"),
        is_default: query.boolean("is_default"),
        include_deleted: query.include_deleted(),
        conditions: query.ransack(crate::billing::search::TAXES),
    };
    query.finish()?;
    let found = taxes::list(&state.pool, auth.business_id, &filter, sort, page).await?;
    let public_url = &state.config.public_url;
    let views = found.map(|t| TaxView::new(t, public_url));
    Ok(Paginated::new(page, views, public_url, uri))
}

#[utoipa::path(
    post, path = "/taxes", tag = "Taxes",
    summary = "Create a tax",
    request_body(content = TaxInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = TaxEnvelope,
         headers(("Location" = String, description = "The new tax's url"))),
        (status = 422, description = "Invalid fields, all named", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let obj = Obj::from_body(body, "tax")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, true);
    form.finish()?;
    // On a transaction, so a keyed POST's answer commits with the tax (`write::answer`).
    let mut tx = write::begin(&state).await?;
    let tax = taxes::create(&mut *tx, auth.business_id, &changes, state.clock.now()).await?;
    let view = TaxView::new(tax, &state.config.public_url);
    write::answer(tx, created(&view.url.clone(), view)).await
}

#[utoipa::path(
    get, path = "/taxes/{id}", tag = "Taxes",
    summary = "Show a tax",
    params(("id" = i64, Path, description = "Tax id (`1` or `1.json`)"), ShowParams),
    responses(
        (status = 200, description = "The tax", body = TaxEnvelope),
        (status = 404, description = "No such tax in this business", body = ErrorResponse),
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
    let tax = taxes::find(&state.pool, auth.business_id, id, include_deleted)
        .await?
        .ok_or_else(record_not_found)?;
    Ok(data(TaxView::new(tax, &state.config.public_url)))
}

#[utoipa::path(
    patch, path = "/taxes/{id}", tag = "Taxes",
    summary = "Update a tax (only the fields sent)",
    params(("id" = i64, Path, description = "Tax id")),
    request_body(content = TaxInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The updated tax", body = TaxEnvelope),
        (status = 404, description = "No such tax in this business", body = ErrorResponse),
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
    let obj = Obj::from_body(body, "tax")?;
    let mut form = Form::new();
    let changes = read_changes(&mut form, &obj, false);
    form.finish()?;
    let mut tx = write::begin(&state).await?;
    let tax = taxes::update(&mut tx, auth.business_id, id, &changes, state.clock.now())
        .await?
        .ok_or_else(record_not_found)?;
    tx.commit().await?;
    Ok(data(TaxView::new(tax, &state.config.public_url)))
}

#[utoipa::path(
    delete, path = "/taxes/{id}", tag = "Taxes",
    summary = "Delete a tax (soft: it stays on the invoices and quotes that use it)",
    params(("id" = i64, Path, description = "Tax id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such tax in this business", body = ErrorResponse),
    ),
    security(("oauth2" = ["write"]))
)]
pub async fn delete(State(state): State<AppState>, auth: Auth, Id(id): Id) -> ApiResult<Response> {
    let mut tx = write::begin(&state).await?;
    let discarded = taxes::discard(&mut *tx, auth.business_id, id, state.clock.now()).await?;
    tx.commit().await?;
    if discarded {
        Ok(no_content())
    } else {
        Err(record_not_found())
    }
}
