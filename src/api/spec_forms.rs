//! The OpenAPI side of form bodies: every operation that takes a JSON body also takes
//! the same fields as a Rails-style form (`http::form`), so each request body lists
//! `application/x-www-form-urlencoded` beside `application/json`, with the same schema
//! (nested objects and arrays as brackets: `customer[address_attributes][city]=…`,
//! `invoice[items_attributes][][name]=…`).

use serde_json::{Value, json};

pub const FORM: &str = "application/x-www-form-urlencoded";

/// Adds the form media type to every JSON request body, and says so in its 415.
pub fn accept_form_bodies(spec: &mut Value) {
    let Some(paths) = spec["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(content) = op
                .pointer_mut("/requestBody/content")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let Some(json_body) = content.get("application/json").cloned() else {
                continue;
            };
            let schema = json_body.get("schema").cloned().unwrap_or(json!({}));
            content.insert(FORM.to_string(), json!({ "schema": schema }));
            if let Some(unsupported) = op.pointer_mut("/responses/415/description") {
                *unsupported = json!("The body is neither application/json nor a form");
            }
        }
    }
}
