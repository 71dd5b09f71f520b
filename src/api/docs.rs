//! The OpenAPI document: shared schemas, the OAuth2 security scheme, and the spec route.
//! Every handler carries its own `#[utoipa::path]`; `utoipa_axum` collects them as the
//! routes are registered, so a route cannot exist without its spec entry.

use serde::Serialize;
use utoipa::openapi::security::{AuthorizationCode, Flow, OAuth2, Scopes, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

use crate::api::pagination::Pagination;

/// Every error answer.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)] // documentation only: errors are rendered by `ApiError`
pub struct ErrorResponse {
    /// The HTTP reason phrase.
    #[schema(example = "Unprocessable Entity")]
    error: String,
    /// A sentence for people.
    #[schema(example = "Validation failed: name can't be blank")]
    message: String,
    /// On 422 only: field → messages; nested fields keyed by path
    /// (`items_attributes[2].quantity`).
    #[schema(value_type = Option<Object>, example = json!({"name": ["can't be blank"]}))]
    errors: Option<serde_json::Value>,
}

/// The `meta` of a list answer.
#[derive(Serialize, ToSchema)]
pub struct ListMeta {
    pub pagination: Pagination,
}

/// The query of every show: `?include_deleted=true`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct ShowParams {
    /// Show the record even if it was deleted.
    include_deleted: Option<bool>,
}

/// The `Idempotency-Key` header every POST accepts.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // documentation only: read by `http::idempotency`
pub struct IdempotencyHeader {
    /// Up to 255 characters. A retry with the same key and body within 24 hours answers
    /// the first response again (with `Idempotent-Replayed: true`) without repeating the
    /// work; the same key with another body answers 422, and while the first request
    /// still runs, 409.
    #[param(rename = "Idempotency-Key")]
    idempotency_key: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Koteshen API",
        description = "Customers, invoices, quotes, payments and webhooks. \
                       Money is integer minor units (`cents`) with an ISO 4217 currency.",
    ),
    modifiers(&OAuth2Scheme),
    components(schemas(ErrorResponse, ListMeta, Pagination)),
    tags(
        (name = "OAuth", description = "The authorization server: sign-in, tokens, revocation, introspection"),
        (name = "Account", description = "The caller's user and business"),
        (name = "Customers", description = "Clients and contacts"),
        (name = "Taxes", description = "Tax rates applied to invoices and quotes"),
        (name = "Products", description = "The catalogue items name with `product_id`"),
        (name = "Reports", description = "Financial summaries, as JSON or CSV"),
        (name = "Payment terms", description = "Days from issue to due"),
        (name = "Invoices", description = "Invoices with items, taxes, discounts and payments"),
        (name = "Quotes", description = "Estimates that become invoices"),
        (name = "Credit notes", description = "Corrections of issued invoices: credit notes, and the customer credit they leave"),
        (name = "Payments", description = "Payments, standalone or against an invoice"),
        (name = "Webhooks", description = "Signed, retried delivery of events to your URLs"),
        (name = "Events", description = "The business's event log, as webhooks deliver it"),
    )
)]
pub struct ApiDoc;

struct OAuth2Scheme;

impl Modify for OAuth2Scheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("oauth2", oauth2_scheme("/oauth/authorize", "/oauth/token"));
    }
}

fn oauth2_scheme(authorize_url: &str, token_url: &str) -> SecurityScheme {
    SecurityScheme::OAuth2(OAuth2::new([Flow::AuthorizationCode(
        AuthorizationCode::new(
            authorize_url,
            token_url,
            Scopes::from_iter([
                ("read", "Read (GET) access"),
                ("write", "Write (POST, PATCH, DELETE) access"),
            ]),
        ),
    )]))
}

/// Interactive docs at `/docs`: Swagger UI with its assets embedded in the binary (no
/// internet needed), reading `/api/v1/openapi.json`, its Authorize button running the
/// authorization-code flow with PKCE against this server. Register a client whose
/// redirect URI is `PUBLIC_URL/docs/oauth2-redirect.html` to use it.
pub fn swagger_ui<S: Clone + Send + Sync + 'static>(spec: serde_json::Value) -> axum::Router<S> {
    let ui = utoipa_swagger_ui::SwaggerUi::new("/docs")
        .external_url_unchecked("/api/v1/openapi.json", spec)
        .oauth(
            utoipa_swagger_ui::oauth::Config::new()
                .scopes(vec!["read".to_string(), "write".to_string()])
                .use_pkce_with_authorization_code_grant(true),
        );
    axum::Router::from(ui)
}
