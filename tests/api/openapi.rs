//! The OpenAPI document is public and describes exactly the routes the server has.

use reqwest::Method;

use crate::harness::{TestApp, json};

/// Every documented endpoint built so far: the spec must list each, and the server must
/// answer each.
const DOCUMENTED: &[(&str, &str)] = &[
    ("get", "/api/v1/me"),
    ("get", "/api/v1/customers"),
    ("post", "/api/v1/customers"),
    ("get", "/api/v1/customers/{id}"),
    ("patch", "/api/v1/customers/{id}"),
    ("delete", "/api/v1/customers/{id}"),
    ("get", "/api/v1/taxes"),
    ("post", "/api/v1/taxes"),
    ("get", "/api/v1/taxes/{id}"),
    ("patch", "/api/v1/taxes/{id}"),
    ("delete", "/api/v1/taxes/{id}"),
    ("get", "/api/v1/payment_terms"),
    ("post", "/api/v1/payment_terms"),
    ("get", "/api/v1/payment_terms/{id}"),
    ("patch", "/api/v1/payment_terms/{id}"),
    ("delete", "/api/v1/payment_terms/{id}"),
    ("get", "/api/v1/invoices"),
    ("post", "/api/v1/invoices"),
    ("get", "/api/v1/invoices/{id}"),
    ("patch", "/api/v1/invoices/{id}"),
    ("delete", "/api/v1/invoices/{id}"),
    ("patch", "/api/v1/invoices/{id}/status"),
    ("patch", "/api/v1/invoices/{id}/mark_as_paid"),
    ("patch", "/api/v1/invoices/{id}/duplicate"),
    ("post", "/api/v1/invoices/{id}/send_invoice"),
    ("post", "/api/v1/invoices/{id}/send_reminder"),
    ("post", "/api/v1/quotes/{id}/send"),
    ("get", "/api/v1/invoices/{id}/invoices_reminders"),
    ("post", "/api/v1/invoices/{id}/invoices_reminders"),
    (
        "delete",
        "/api/v1/invoices/{id}/invoices_reminders/{reminder_id}",
    ),
    ("get", "/api/v1/quotes"),
    ("post", "/api/v1/quotes"),
    ("get", "/api/v1/quotes/{id}"),
    ("patch", "/api/v1/quotes/{id}"),
    ("delete", "/api/v1/quotes/{id}"),
    ("get", "/api/v1/invoices/{id}/payments"),
    ("post", "/api/v1/invoices/{id}/payments"),
    ("get", "/api/v1/payments"),
    ("post", "/api/v1/payments"),
    ("get", "/api/v1/payments/{id}"),
    ("patch", "/api/v1/payments/{id}"),
    ("delete", "/api/v1/payments/{id}"),
    ("get", "/api/v1/webhook_endpoints"),
    ("post", "/api/v1/webhook_endpoints"),
    ("get", "/api/v1/webhook_endpoints/{id}"),
    ("patch", "/api/v1/webhook_endpoints/{id}"),
    ("delete", "/api/v1/webhook_endpoints/{id}"),
    ("post", "/api/v1/webhook_endpoints/{id}/rotate_secret"),
    ("get", "/api/v1/webhook_endpoints/{id}/deliveries"),
    ("get", "/api/v1/events"),
    ("get", "/api/v1/events/{id}"),
];

/// The authorization server's endpoints.
const OAUTH: &[(&str, &str)] = &[
    ("get", "/oauth/authorize"),
    ("post", "/oauth/authorize"),
    ("post", "/oauth/token"),
    ("post", "/oauth/revoke"),
    ("post", "/oauth/introspect"),
    ("get", "/oauth/token/info"),
    ("get", "/.well-known/oauth-authorization-server"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test]
async fn the_spec_is_public_and_lists_every_documented_endpoint() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let spec = json(response).await;
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        spec["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]["tokenUrl"],
        "http://localhost:3000/oauth/token"
    );
    assert_eq!(spec["servers"][0]["url"], "http://localhost:3000");
    for (method, path) in DOCUMENTED.iter().chain(OAUTH) {
        assert!(
            spec["paths"][path][method].is_object(),
            "{method} {path} is missing from the spec"
        );
    }
}

/// Each operation in the spec exists (it answers 401 without a token, not 404/405), and
/// each path answers 405 to every method the spec does not list for it: the router has
/// no route the spec is silent about. (Authentication comes first, so the 405 check
/// carries a token.)
#[tokio::test]
async fn the_router_and_the_spec_agree_route_for_route() {
    // One request per route and method: more than a token's minute allows.
    let app = TestApp::spawn_with(|c| {
        c.rate_limit_per_minute = 100_000;
        c.failed_bearer_per_minute = 100_000;
    })
    .await;
    let tenant = app.tenant("Flixtechs").await;
    let spec = json(app.get("/api/v1/openapi.json").await).await;
    let paths = spec["paths"].as_object().unwrap();
    assert!(!paths.is_empty());
    for (path, item) in paths {
        let concrete = path.replace("{id}", "1");
        for method in METHODS {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            if item.get(method).is_some() {
                let response = app.request(m, &concrete).send().await.unwrap();
                let status = response.status().as_u16();
                if path.starts_with("/api/v1/") {
                    assert_eq!(status, 401, "{method} {path} is in the spec but not served");
                } else {
                    assert!(
                        ![404, 405].contains(&status),
                        "{method} {path} is not served"
                    );
                }
            } else {
                let response = app.authed(&tenant, m, &concrete).send().await.unwrap();
                let status = response.status().as_u16();
                assert_eq!(status, 405, "{method} {path} is served but not in the spec");
            }
        }
    }
}

#[tokio::test]
async fn every_operation_documents_its_errors_headers_and_a_unique_id() {
    let app = TestApp::spawn().await;
    let spec = json(app.get("/api/v1/openapi.json").await).await;
    let mut ids = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap().to_string();
            assert!(ids.insert(id.clone()), "operationId {id} is not unique");
            if !path.starts_with("/api/v1/") {
                continue;
            }
            let responses = &op["responses"];
            for status in ["401", "422", "429", "500"] {
                assert!(
                    responses[status].is_object(),
                    "{method} {path} lacks {status}"
                );
            }
            let ok = responses
                .as_object()
                .unwrap()
                .iter()
                .find(|(s, _)| s.starts_with('2'))
                .map(|(_, r)| r)
                .unwrap();
            assert!(ok["headers"]["RateLimit"].is_object(), "{method} {path}");
            if method == "post" {
                let params = op["parameters"].as_array().unwrap();
                assert!(
                    params.iter().any(|p| p["name"] == "Idempotency-Key"),
                    "{method} {path}"
                );
            }
        }
    }
    let create = &spec["paths"]["/api/v1/customers"]["post"]["responses"]["201"];
    assert_eq!(create["links"]["show"]["operationId"], "customers_show");
    let per_page = spec["paths"]["/api/v1/customers"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "per_page")
        .unwrap()
        .clone();
    assert_eq!(per_page["schema"]["maximum"], 100);
}
