//! The router with its middleware stack (the state it serves is `state::AppState`).

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::Config;
use crate::http::json::BODY_LIMIT;
use crate::http::middleware;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let (api, mut spec) = api_routes(&state);
    let (oauth, oauth_spec) = crate::oauth::router().split_for_parts();
    spec.merge(oauth_spec);
    let spec = crate::api::spec::finish(&spec, &state.config);
    let routes = Router::new()
        // `/api/v1/openapi.json` (public) and the interactive docs at `/docs`.
        .merge(crate::api::docs::swagger_ui(spec))
        .route("/healthz", get(crate::api::health::healthz))
        .route("/readyz", get(crate::api::health::readyz))
        .route("/logos/{token}/{file}", get(crate::api::logos::serve))
        .merge(api.layer(cors(&state.config)))
        .merge(oauth)
        // The customer's page: no token, no API rate limit (`public`).
        .merge(crate::public::router())
        .merge(crate::dashboard::router())
        .fallback(middleware::not_found);
    let config = state.config.clone();
    with_middleware(routes.with_state(state), &config)
}

/// The middleware stack every request passes through; public so tests can wrap their
/// own routes (a handler that panics, say) in exactly the stack the app uses.
///
/// The stack wraps the router as one service: `Router::layer` would wrap each route's
/// handlers inside their method router, before it adds `Allow` to a 405, so the JSON
/// error could not name the allowed methods.
pub fn with_middleware(routes: Router, config: &Config) -> Router {
    let request_id = HeaderName::from_static(middleware::REQUEST_ID);
    Router::new().fallback_service(routes).layer(
        // Listed outermost first.
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(middleware::request_span)
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(CompressionLayer::new())
            .layer(axum::middleware::from_fn(middleware::json_errors))
            .layer(axum::middleware::from_fn(middleware::pdf_allow))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                config.request_timeout,
            ))
            .layer(CatchPanicLayer::custom(middleware::panic_response))
            .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
            .layer(DefaultBodyLimit::max(BODY_LIMIT)),
    )
}

/// Everything under `/api/v1` that needs a token, with the OpenAPI document describing
/// it: both come from the same registrations, so no route exists without its spec entry.
/// The bearer check is a route layer, so a path that matches no route answers 404 with
/// or without a token.
pub fn api_routes(state: &AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    use crate::api::{
        batch, bulk, business, business_logo, credit_notes, customers, events, invoices, me,
        payment_terms, payments, products, public_links, quotes, refunds, reminders, reports,
        sending, subscriptions, taxes, webhook_endpoints as webhooks,
    };
    let protected = OpenApiRouter::<AppState>::new()
        .routes(routes!(me::show))
        .routes(routes!(business::show, business::update))
        .routes(routes!(business_logo::upload, business_logo::remove))
        .routes(routes!(customers::list, customers::create))
        .routes(routes!(
            customers::show,
            customers::update,
            customers::delete
        ))
        .routes(routes!(products::list, products::create))
        .routes(routes!(products::show, products::update, products::delete))
        .routes(routes!(taxes::list, taxes::create))
        .routes(routes!(taxes::show, taxes::update, taxes::delete))
        .routes(routes!(payment_terms::list, payment_terms::create))
        .routes(routes!(
            payment_terms::show,
            payment_terms::update,
            payment_terms::delete
        ))
        .routes(routes!(invoices::list, invoices::create))
        .routes(routes!(invoices::show, invoices::update, invoices::delete))
        .routes(routes!(invoices::pdf))
        .routes(routes!(invoices::set_status))
        .routes(routes!(invoices::mark_as_paid))
        .routes(routes!(bulk::bulk))
        .routes(routes!(batch::batch))
        .routes(routes!(reports::summary))
        .routes(routes!(reports::aging))
        .routes(routes!(reports::tax))
        .routes(routes!(reports::revenue))
        .routes(routes!(invoices::duplicate))
        .routes(routes!(public_links::revoke_invoice))
        .routes(routes!(public_links::reissue_invoice))
        .routes(routes!(sending::send_invoice))
        .routes(routes!(sending::send_reminder))
        .routes(routes!(sending::send_quote))
        .routes(routes!(sending::send_credit_note))
        .routes(routes!(reminders::list, reminders::create))
        .routes(routes!(reminders::delete))
        .routes(routes!(subscriptions::recurring))
        .routes(routes!(
            subscriptions::show,
            subscriptions::update,
            subscriptions::cancel
        ))
        .routes(routes!(quotes::list, quotes::create))
        .routes(routes!(quotes::show, quotes::update, quotes::delete))
        .routes(routes!(quotes::pdf))
        .routes(routes!(quotes::set_status))
        .routes(routes!(quotes::convert))
        .routes(routes!(quotes::duplicate))
        .routes(routes!(public_links::revoke_quote))
        .routes(routes!(public_links::reissue_quote))
        .routes(routes!(payments::invoice_list, payments::invoice_create))
        .routes(routes!(payments::list, payments::create))
        .routes(routes!(payments::show, payments::update, payments::delete))
        .routes(routes!(refunds::list, refunds::create))
        .routes(routes!(refunds::show))
        .routes(routes!(credit_notes::create))
        .routes(routes!(credit_notes::apply_credit))
        .routes(routes!(credit_notes::list))
        .routes(routes!(credit_notes::show))
        .routes(routes!(credit_notes::pdf))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::show, webhooks::update, webhooks::delete))
        .routes(routes!(webhooks::rotate_secret))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(events::list))
        .routes(routes!(events::show))
        // Route layers run last-added first: failed_bearer, require_bearer, per_token,
        // then idempotency, so a replay is still counted against the rate limit.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::idempotency::idempotent,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::ratelimit::per_token,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::bearer::require_bearer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::ratelimit::failed_bearer,
        ));
    OpenApiRouter::with_openapi(crate::api::docs::ApiDoc::openapi())
        .nest("/api/v1", protected)
        .split_for_parts()
}

/// CORS for `/api/v1` only (the OAuth pages must never answer cross-origin).
fn cors(config: &Config) -> CorsLayer {
    let origins = &config.cors_allowed_origins;
    let allow_origin = if origins.is_empty() {
        return CorsLayer::new();
    } else if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect::<Vec<_>>(),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::PUT,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::LOCATION,
            header::LINK,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static(crate::http::idempotency::REPLAYED_HEADER),
        ])
}
