//! Completes the generated OpenAPI document with what every operation shares, so the
//! handlers' annotations stay about what is theirs: the error answers the middleware and
//! extractors give (400, 401, 403, 404, 413, 415, 422, 429, 500), the rate-limit and
//! idempotency headers, unique operation ids, links from each create to its show (so
//! stateful checkers can chain them), parameter bounds, and the deployment's server and
//! OAuth URLs. Works on the JSON form: these are uniform edits over every operation.

use serde_json::{Map, Value, json};

use crate::api::params::{MAX_PAGE, MAX_PER_PAGE};
use crate::config::Config;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    })
}

/// The finished document, as served at `/api/v1/openapi.json`.
pub fn finish(spec: &utoipa::openapi::OpenApi, config: &Config) -> Value {
    let mut spec = serde_json::to_value(spec).expect("the OpenAPI document serialises");
    spec["servers"] = json!([{"url": config.public_url, "description": "This server"}]);
    let flows = &mut spec["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"];
    flows["authorizationUrl"] = json!(format!("{}/oauth/authorize", config.public_url));
    flows["tokenUrl"] = json!(format!("{}/oauth/token", config.public_url));
    flows["refreshUrl"] = json!(format!("{}/oauth/token", config.public_url));
    spec["components"]["headers"] = shared_headers();
    crate::api::pdf::document(&mut spec);
    crate::api::einvoice::document(&mut spec);
    crate::api::business_logo::document(&mut spec);

    relax_update_bodies(&mut spec);
    crate::api::spec_limits::apply(&mut spec);
    accept_wrapped_bodies(&mut spec);
    let mut show_ids: Map<String, Value> = Map::new();
    if let Some(paths) = spec["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method) {
                    complete_operation(path, method, op);
                    if method == "get" && path.ends_with("/{id}") {
                        show_ids.insert(path.clone(), op["operationId"].clone());
                    }
                }
            }
        }
        // Each create links to the show of what it made.
        for (path, item) in paths.iter_mut() {
            let show = show_ids.get(&format!("{path}/{{id}}")).cloned();
            if let (Some(show), Some(post)) = (show, item.get_mut("post"))
                && let Some(created) = post["responses"].get_mut("201")
            {
                created["links"] = json!({
                    "show": {
                        "operationId": show,
                        "parameters": {"id": "$response.body#/data/id"},
                        "description": "The record just created"
                    }
                });
            }
        }
    }
    crate::api::spec_forms::accept_form_bodies(&mut spec);
    spec
}

fn shared_headers() -> Value {
    let integer =
        |description: &str| json!({"description": description, "schema": {"type": "integer"}});
    json!({
        "RateLimit-Policy": {"description": "The token's quota: `\"token\";q=100;w=60`", "schema": {"type": "string"}},
        "RateLimit": {"description": "What is left: `\"token\";r=<remaining>;t=<seconds to reset>`", "schema": {"type": "string"}},
        "X-RateLimit-Limit": integer("Requests allowed per minute"),
        "X-RateLimit-Remaining": integer("Requests left in this minute"),
        "X-RateLimit-Reset": integer("When the window resets (epoch seconds)"),
        "Retry-After": integer("Seconds to wait before trying again"),
        "Idempotent-Replayed": {"description": "`true` when this is the stored answer to an earlier request with the same Idempotency-Key", "schema": {"type": "string", "enum": ["true"]}}
    })
}

fn header_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/headers/{name}")})
}

/// `customers_show`, `invoices_payments_invoice_create`, `oauth_token_exchange`: unique
/// across the document; an action named like its path's last segment says it once
/// (`invoices_mark_as_paid`, not `invoices_mark_as_paid_mark_as_paid`).
fn operation_id(path: &str, current: &str) -> String {
    let resource: Vec<String> = path
        .trim_start_matches("/api/v1/")
        .split('/')
        .filter(|s| !s.starts_with('{') && !s.is_empty())
        .map(|s| {
            s.trim_start_matches('.')
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect()
        })
        .collect();
    let resource = resource.join("_");
    if resource.ends_with(&format!("_{current}")) {
        resource
    } else {
        format!("{resource}_{current}")
    }
}

fn complete_operation(path: &str, method: &str, op: &mut Value) {
    let current = op["operationId"].as_str().unwrap_or(method).to_string();
    op["operationId"] = json!(operation_id(path, &current));
    if !path.starts_with("/api/v1/") {
        // The OAuth endpoints document their own RFC-shaped answers.
        let responses = op["responses"]
            .as_object_mut()
            .expect("an operation has responses");
        responses
            .entry("500".to_string())
            .or_insert_with(|| error("Something went wrong on the server"));
        return;
    }
    let secured = op.get("security").is_some();
    add_error_responses(path, method, op);
    add_success_headers(method, secured, op);
    complete_parameters(method, secured, op);
}

/// The failures every operation of its kind can answer, in the one error shape.
fn add_error_responses(path: &str, method: &str, op: &mut Value) {
    let has_body = op.get("requestBody").is_some();
    let secured = op.get("security").is_some();
    let writes = method != "get";
    let responses = op["responses"]
        .as_object_mut()
        .expect("an operation has responses");
    let mut add = |status: &str, value: Value| {
        responses.entry(status.to_string()).or_insert(value);
    };
    if method == "post" && secured {
        add(
            "400",
            error("The body is not valid JSON, or the Idempotency-Key is blank or too long"),
        );
    }
    if has_body {
        add("400", error("The body is not valid JSON"));
        add("413", error("The body is larger than 1 MiB"));
        add("415", error("The body is not application/json"));
    }
    if secured {
        add("401", error("Missing, invalid, expired or revoked token"));
    }
    if secured && writes {
        add("403", error("The token lacks the write scope"));
    }
    if path.contains('{') {
        add("404", error("No such record in this business"));
    }
    add(
        "422",
        error("Invalid fields or parameters, all named in `errors`"),
    );
    if secured {
        let mut limited = error("Over the rate limit");
        limited["headers"] = json!({"Retry-After": header_ref("Retry-After")});
        add("429", limited);
    }
    if method == "post" && secured {
        add(
            "409",
            error("A request with the same Idempotency-Key is still being processed"),
        );
    }
    add(
        "500",
        error("Something went wrong on the server (logged with the request id)"),
    );
    let mut unavailable = error("The database is out of reach for a moment: retry later");
    unavailable["headers"] = json!({"Retry-After": header_ref("Retry-After")});
    add("503", unavailable);
}

/// The rate-limit headers on a secured operation's successes (and the replay flag on
/// its POSTs).
fn add_success_headers(method: &str, secured: bool, op: &mut Value) {
    let responses = op["responses"]
        .as_object_mut()
        .expect("an operation has responses");
    for (status, response) in responses.iter_mut() {
        if !status.starts_with('2') || !secured {
            continue;
        }
        let headers = response
            .as_object_mut()
            .expect("a response is an object")
            .entry("headers")
            .or_insert_with(|| json!({}));
        for name in [
            "RateLimit-Policy",
            "RateLimit",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ] {
            headers[name] = header_ref(name);
        }
        if method == "post" {
            headers["Idempotent-Replayed"] = header_ref("Idempotent-Replayed");
        }
    }
}

/// Every parameter bounded; `Idempotency-Key` on a secured POST.
fn complete_parameters(method: &str, secured: bool, op: &mut Value) {
    let parameters = op
        .as_object_mut()
        .expect("an operation is an object")
        .entry("parameters")
        .or_insert_with(|| json!([]));
    if let Some(list) = parameters.as_array_mut() {
        for p in list.iter_mut() {
            bound_parameter(p);
        }
        if method == "post" && secured {
            list.retain(|p| p["name"] != "Idempotency-Key");
            list.push(json!({
                "name": "Idempotency-Key",
                "in": "header",
                "required": false,
                "description": "Retrying with the same key and body answers the first result instead of doing the work again (kept 24 hours)",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^\\S(.*\\S)?$"}
            }));
        }
    }
    if op["parameters"].as_array().is_some_and(Vec::is_empty) {
        op.as_object_mut().map(|o| o.remove("parameters"));
    }
}

/// A PATCH of a resource changes only the fields it sends: its body is the create body
/// with nothing required. Each such body gets an `…Update` twin without `required`.
fn relax_update_bodies(spec: &mut Value) {
    let mut twins: Map<String, Value> = Map::new();
    if let Some(paths) = spec["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            // Actions (`/status`, `/recurring`) keep their required fields.
            let is_update = path.ends_with('}') || path.ends_with("/invoices_subscription");
            let Some(patch) = item.get_mut("patch").filter(|_| is_update) else {
                continue;
            };
            let Some(schema) = json_body_schema(patch) else {
                continue;
            };
            let Some(reference) = schema["$ref"].as_str().map(str::to_string) else {
                continue;
            };
            let name = reference
                .trim_start_matches("#/components/schemas/")
                .to_string();
            let twin = format!("{name}Update");
            *schema = json!({"$ref": format!("#/components/schemas/{twin}")});
            twins.insert(name, json!(twin));
        }
    }
    let schemas = &mut spec["components"]["schemas"];
    for (name, twin) in twins {
        let mut relaxed = schemas[&name].clone();
        if let Some(object) = relaxed.as_object_mut() {
            object.remove("required");
        }
        schemas[twin.as_str().unwrap_or_default()] = relaxed;
    }
}

/// The JSON body's schema of an operation, if it has a body. (Indexing a `Value` with
/// `[]` would insert the missing keys as `null`, declaring a body-less operation's body.)
fn json_body_schema(op: &mut Value) -> Option<&mut Value> {
    op.pointer_mut("/requestBody/content/application~1json/schema")
}

/// The key a resource's body may be wrapped in (`{"customer": {…}}`), by path.
fn wrapper(path: &str) -> Option<String> {
    let segments: Vec<&str> = path
        .trim_start_matches("/api/v1/")
        .split('/')
        .filter(|s| !s.starts_with('{'))
        .collect();
    let last = *segments.last()?;
    let nested = match last {
        "payments" => Some("payment"),
        "refunds" => Some("refund"),
        "invoices_reminders" => Some("invoices_reminder"),
        "invoices_subscription" | "recurring" => Some("invoices_subscription"),
        _ => None,
    };
    let resource = nested.map(str::to_string).or_else(|| {
        let first = *segments.first()?;
        Some(match first {
            "taxes" => "tax".to_string(),
            other => other.strip_suffix('s').unwrap_or(other).to_string(),
        })
    })?;
    Some(resource)
}

/// Bodies are accepted bare or in the documents' wrapped form; say so.
fn accept_wrapped_bodies(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        let Some(key) = wrapper(path) else { continue };
        for method in ["post", "patch"] {
            let Some(op) = item.get_mut(method) else {
                continue;
            };
            let Some(schema) = json_body_schema(op) else {
                continue;
            };
            if schema.get("$ref").is_none() {
                continue;
            }
            let bare = schema.clone();
            // A bare body that has the wrapper's key is read as wrapped, so the bare
            // form is one without it.
            *schema = json!({
                "anyOf": [
                    {"allOf": [bare.clone(), {"not": {"required": [key.clone()]}}]},
                    {"type": "object", "required": [key], "properties": {key.clone(): bare}}
                ]
            });
        }
    }
}

/// Bounds the parameters every list shares, so clients and checkers know the limits.
fn bound_parameter(p: &mut Value) {
    let name = p["name"].as_str().unwrap_or_default().to_string();
    let schema = &mut p["schema"];
    match name.as_str() {
        "page" => {
            schema["minimum"] = json!(1);
            schema["maximum"] = json!(MAX_PAGE);
        }
        "per_page" => {
            schema["minimum"] = json!(1);
            schema["maximum"] = json!(MAX_PER_PAGE);
        }
        "id" => {
            schema["minimum"] = json!(1);
        }
        n if n.ends_with("_id") => {
            schema["minimum"] = json!(1);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::operation_id;

    #[test]
    fn bodies_are_wrapped_in_the_resource_name() {
        use super::wrapper;
        assert_eq!(
            wrapper("/api/v1/customers/{id}").as_deref(),
            Some("customer")
        );
        assert_eq!(wrapper("/api/v1/taxes").as_deref(), Some("tax"));
        assert_eq!(
            wrapper("/api/v1/invoices/{id}/status").as_deref(),
            Some("invoice")
        );
        assert_eq!(
            wrapper("/api/v1/invoices/{id}/payments").as_deref(),
            Some("payment")
        );
        assert_eq!(
            wrapper("/api/v1/payments/{id}/refunds").as_deref(),
            Some("refund")
        );
        assert_eq!(
            wrapper("/api/v1/invoices/{id}/recurring").as_deref(),
            Some("invoices_subscription")
        );
        assert_eq!(
            wrapper("/api/v1/webhook_endpoints").as_deref(),
            Some("webhook_endpoint")
        );
    }

    #[test]
    fn operation_ids_name_the_resource() {
        assert_eq!(
            operation_id("/api/v1/customers/{id}", "show"),
            "customers_show"
        );
        assert_eq!(
            operation_id("/api/v1/invoices/{id}/payments", "invoice_list"),
            "invoices_payments_invoice_list"
        );
        assert_eq!(
            operation_id("/api/v1/invoices/{id}/mark_as_paid", "mark_as_paid"),
            "invoices_mark_as_paid"
        );
        assert_eq!(
            operation_id("/.well-known/oauth-authorization-server", "show"),
            "well_known_oauth_authorization_server_show"
        );
    }
}
