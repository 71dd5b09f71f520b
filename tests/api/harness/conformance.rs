//! Every JSON answer the suite reads is checked against the OpenAPI document: a response
//! whose status the document describes must match that status's schema, and a 2xx
//! answer with a body must be described. So the typed models a client generator makes
//! from the document parse every real answer the tests see.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonschema::Validator;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

struct Spec {
    document: Value,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

static SPEC: OnceCell<Spec> = OnceCell::const_new();

/// The document every test server serves (they differ only in their URLs).
async fn spec(origin: &str) -> &'static Spec {
    SPEC.get_or_init(|| async {
        let document: Value = reqwest::get(format!("{origin}/api/v1/openapi.json"))
            .await
            .expect("the spec answers")
            .json()
            .await
            .expect("the spec is JSON");
        Spec {
            document,
            validators: Mutex::new(HashMap::new()),
        }
    })
    .await
}

/// The spec path that describes `path`: same segments, a `{param}` matching any one;
/// of several, the one with the most literal segments (`/invoices/bulk` over
/// `/invoices/{id}`).
fn template_for<'a>(document: &'a Value, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(&str, usize)> = None;
    for template in document["paths"].as_object()?.keys() {
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let matches = parts.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') {
                true
            } else {
                literal += 1;
                t == s || format!("{t}.json") == *s
            }
        });
        if matches && best.is_none_or(|(_, n)| literal > n) {
            best = Some((template, literal));
        }
    }
    best.map(|(t, _)| t)
}

fn validator(spec: &Spec, pointer: &str, schema: &Value) -> Arc<Validator> {
    let mut cache = spec.validators.lock().unwrap();
    cache
        .entry(pointer.to_string())
        .or_insert_with(|| {
            let root = json!({
                "$ref": "#/components/schemas/__answer",
                "components": {
                    "schemas": {
                        "__answer": schema,
                    }
                }
            });
            let mut root = root;
            if let Some(all) = spec.document["components"]["schemas"].as_object() {
                for (name, s) in all {
                    root["components"]["schemas"][name] = s.clone();
                }
            }
            Arc::new(
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .build(&root)
                    .unwrap_or_else(|e| panic!("the schema at {pointer} compiles: {e}")),
            )
        })
        .clone()
}

/// Checks one answer. Paths the document does not describe (an unknown route's 404)
/// and statuses it does not list are left to the status checks of schemathesis.
pub async fn check(url: &reqwest::Url, status: u16, content_type: &str, body: &Value) {
    let path = url.path();
    let origin = url.origin().ascii_serialization();
    let spec = spec(&origin).await;
    let Some(template) = template_for(&spec.document, path) else {
        return;
    };
    let media = content_type.split(';').next().unwrap_or_default().trim();
    let item = &spec.document["paths"][template];
    let status_key = status.to_string();
    let mut failures = Vec::new();
    let mut described = false;
    for method in METHODS {
        let Some(schema) = item
            .get(method)
            .and_then(|op| op["responses"].get(&status_key))
            .and_then(|r| r["content"].get(media))
            .and_then(|c| c.get("schema"))
        else {
            continue;
        };
        described = true;
        let pointer = format!("{template} {method} {status_key} {media}");
        let validator = validator(spec, &pointer, schema);
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            return;
        }
        failures.push(format!("{method}: {}", errors.join("; ")));
    }
    if described {
        panic!(
            "{status} from {path} strays from its schema in the OpenAPI document:\n{}\nbody: {body}",
            failures.join("\n")
        );
    }
    assert!(
        !(200..300).contains(&status),
        "{status} from {path} ({media}) is not described by the OpenAPI document: {body}"
    );
}

#[tokio::test]
#[should_panic(expected = "strays from its schema")]
async fn an_answer_that_strays_from_its_schema_fails_the_test() {
    let app = super::TestApp::spawn().await;
    let url = reqwest::Url::parse(&app.url("/api/v1/customers/12.json")).unwrap();
    let wrong = json!({"data": {"id": "twelve", "name": 5}});
    check(&url, 200, "application/json", &wrong).await;
}

#[tokio::test]
#[should_panic(expected = "is not described")]
async fn an_undescribed_success_fails_the_test() {
    let app = super::TestApp::spawn().await;
    let url = reqwest::Url::parse(&app.url("/api/v1/customers")).unwrap();
    check(&url, 203, "application/json", &json!({})).await;
}

#[tokio::test]
async fn a_real_answer_matches_its_schema() {
    let app = super::TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let response = app
        .authed(&tenant, reqwest::Method::GET, "/api/v1/me")
        .send()
        .await
        .unwrap();
    let url = response.url().clone();
    let body: Value = response.json().await.unwrap();
    check(&url, 200, "application/json", &body).await;
}
