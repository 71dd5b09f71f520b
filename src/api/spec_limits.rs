//! The limits the server enforces on input, stated in the OpenAPI document: lengths,
//! ranges, patterns and enums, so that clients, generators and fuzzers send what is
//! accepted. The values come from the constants the validation itself uses wherever
//! one exists; the rest repeat the readers' literals in `api/*` (schemathesis in CI
//! sends data generated from these limits and fails on any the server refuses).

use serde_json::{Value, json};

use crate::api::einvoice;
use crate::billing::documents::MAX_TAXES;
use crate::billing::profile::{countries, formats};
use crate::billing::{
    customers, events, invoices, payment_terms, payments, quotes, refunds, reminders, schedule,
    taxes,
};
use crate::money::Currency;
use crate::webhooks::endpoints;

const NAME_MAX: u64 = 255;
const TEXT_MAX: u64 = 10_000;
/// Decimal input: digits with up to four decimals (`"400.0"`, `"15"`), as the money
/// module reads them; JSON numbers are accepted too.
pub(crate) const DECIMAL: &str = r"^\d{1,12}(\.\d{1,4})?$"; // MAX_INTEGER_DIGITS
/// A payment: more than zero, with no more decimals than its currency has (two for most;
/// JPY none, KWD three: the server names the currency's limit).
const AMOUNT: &str = r"^([1-9]\d{0,11}(\.\d{1,2})?|0\.(0[1-9]|[1-9]\d?))$";
/// A percentage: 0 to 100 with up to four decimals.
const PERCENT: &str = r"^(100(\.0{1,4})?|\d{1,2}(\.\d{1,4})?)$";

/// What a create must send (the server answers "can't be blank" without it): required,
/// and not `null`. The `…Update` twins keep everything optional.
const REQUIRED: [(&str, &[&str]); 6] = [
    ("QuoteStatusInput", &["status"]),
    ("InvoiceInput", &["customer_id", "currency"]),
    (
        "QuoteInput",
        &[
            "customer_id",
            "currency",
            "issued_at",
            "expires_at",
            "items_attributes",
        ],
    ),
    ("PaymentInput", &["amount"]),
    ("ReminderInput", &["when"]),
    ("StatusInput", &["status"]),
];

/// Fields that are not `null` in a body: a create refuses them blank, and an update
/// either refuses `null` or reads it as "leave it" (so a client has no reason to send it).
const NOT_NULL: [(&str, &[&str]); 10] = [
    (
        "ProfileInput",
        &[
            "name",
            "time_zone",
            "locale",
            "paper_size",
            "number_padding",
        ],
    ),
    ("TaxInput", &["is_default", "rate", "name", "category"]),
    (
        "ProductInput",
        &["name", "unit_price", "currency", "active"],
    ),
    ("WebhookEndpointInput", &["enabled"]),
    ("ReminderInput", &["when"]),
    ("PaymentInput", &["paid_at", "amount", "payment_method"]),
    ("RefundInput", &["amount", "payment_method", "refunded_at"]),
    (
        "SubscriptionInput",
        &["auto_send", "starts_at", "interval", "frequency"],
    ),
    ("InvoiceInput", &["customer_id", "currency"]),
    ("QuoteInput", &["customer_id", "currency"]),
];

/// Operations whose body may be left out altogether.
const OPTIONAL_BODIES: [&str; 4] = [
    "/api/v1/invoices/{id}/send_invoice",
    "/api/v1/invoices/{id}/send_reminder",
    "/api/v1/quotes/{id}/send",
    "/api/v1/payments/{id}/refunds",
];

/// Applies every limit to the finished document.
pub fn apply(spec: &mut Value) {
    for path in OPTIONAL_BODIES {
        if let Some(body) = spec["paths"]
            .get_mut(path)
            .and_then(|item| item.get_mut("post"))
            .and_then(|op| op.get_mut("requestBody"))
        {
            body["required"] = json!(false);
        }
    }
    let schemas = &mut spec["components"]["schemas"];
    unwrap_examples(schemas);
    for (schema, fields) in NOT_NULL {
        for name in [schema.to_string(), format!("{schema}Update")] {
            for field in fields {
                if let Some(t) = schemas.pointer_mut(&format!("/{name}/properties/{field}/type"))
                    && let Some(types) = t.as_array_mut()
                {
                    types.retain(|t| t != "null");
                    if types.len() == 1 {
                        *t = types[0].clone();
                    }
                }
            }
        }
    }
    // A number can be left to the server on a create, not cleared on an update.
    for schema in ["InvoiceInputUpdate", "QuoteInputUpdate"] {
        if let Some(number) = schemas.pointer_mut(&format!("/{schema}/properties/number")) {
            merge(number, &name(64));
        }
    }
    for (schema, fields) in REQUIRED {
        if let Some(object) = schemas.get_mut(schema) {
            object["required"] = json!(fields);
        }
    }
    // Either-or requirements.
    let alternatives = [
        // An item entry names an existing item (an update) or gives a new one's fields.
        (
            "ItemInput",
            json!([{"required": ["id"]}, {"required": ["product_id"]},
                   {"required": ["name", "quantity", "unit_price"]}]),
        ),
    ];
    for (schema, any_of) in alternatives {
        if let Some(object) = schemas.get_mut(schema) {
            object["anyOf"] = any_of;
        }
    }
    for (schema, property, limits) in body_limits()
        .into_iter()
        .chain(einvoice::limits())
        .chain(crate::api::products::limits())
        .chain(crate::api::bulk::limits())
        .chain(crate::api::batch::limits())
    {
        for name in [schema.to_string(), format!("{schema}Update")] {
            if let Some(target) = schemas.pointer_mut(&format!("/{name}/properties/{property}")) {
                merge(target, &limits);
            }
        }
    }
    if let Some(paths) = spec["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(list) = item
                .pointer_mut("/get/parameters")
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            for parameter in list.iter_mut() {
                if parameter["in"] == "query" {
                    query_limits(path, parameter);
                }
            }
        }
    }
}

/// A body schema's example in the wrapped form (`{"invoice": {…}}`) shows the fields
/// themselves, so that it is an example of the schema (the wrapped form is the
/// document's `anyOf` alternative).
fn unwrap_examples(schemas: &mut Value) {
    let Some(all) = schemas.as_object_mut() else {
        return;
    };
    for (name, schema) in all.iter_mut() {
        if !name.ends_with("Input") && !name.ends_with("InputUpdate") {
            continue;
        }
        let inner = match schema.get("example").and_then(Value::as_object) {
            Some(example) if example.len() == 1 => {
                example.values().next().filter(|v| v.is_object()).cloned()
            }
            _ => None,
        };
        if let Some(inner) = inner {
            schema["example"] = inner;
        }
    }
}

/// Sets each key of `limits` on `target`; a `type` or `anyOf` replaces what was there.
fn merge(target: &mut Value, limits: &Value) {
    let (Some(target), Some(limits)) = (target.as_object_mut(), limits.as_object()) else {
        return;
    };
    if limits.contains_key("anyOf") {
        target.remove("type");
    }
    for (key, value) in limits {
        target.insert(key.clone(), value.clone());
    }
}

/// A required name: not blank, at most `max` characters.
pub(crate) fn name(max: u64) -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": max, "pattern": r"\S"})
}

pub(crate) fn text(max: u64) -> Value {
    json!({"maxLength": max})
}

fn one_of(values: &[&str]) -> Value {
    json!({"enum": values})
}

/// ISO 3166-1 alpha-2 (any case is accepted; the list is upper-case), or `null` to clear.
fn country_code() -> Value {
    let mut codes: Vec<Value> = countries::CODES.iter().map(|c| json!(c)).collect();
    codes.push(Value::Null);
    json!({"enum": codes})
}

pub(crate) fn currency() -> Value {
    json!({"enum": Currency::all_codes()})
}

pub(crate) fn decimal(pattern: &str) -> Value {
    json!({"anyOf": [
        {"type": "string", "pattern": pattern},
        {"type": "number", "minimum": 0, "exclusiveMaximum": 1_000_000_000_000u64, "multipleOf": 0.0001}
    ]})
}

/// A decimal that `null` or a blank string clears.
fn clearable_decimal(pattern: &str) -> Value {
    json!({"anyOf": [
        {"type": "string", "pattern": format!("{pattern}|^$")},
        {"type": "number", "minimum": 0, "maximum": 100},
        {"type": "null"}
    ]})
}

fn range(min: i64, max: i64) -> Value {
    json!({"minimum": min, "maximum": max})
}

fn id() -> Value {
    json!({"minimum": 1})
}

/// An ISO 8601 timestamp; blank or `null` leaves it unset (or clears it on an update).
fn timestamp() -> Value {
    json!({"anyOf": [
        {"type": "string", "format": "date-time"},
        {"type": "string", "maxLength": 0},
        {"type": "null"}
    ]})
}

/// A timestamp a create must give.
fn required_timestamp() -> Value {
    json!({"type": "string", "format": "date-time"})
}

/// `to` and `cc` share `EMAIL_MAX_RECIPIENTS` (10 by default; a left-out `to` is the
/// customer's one address): half each, so any pair the document allows is accepted.
const RECIPIENTS_EACH: u64 = 5;

fn emails() -> Value {
    json!({"maxItems": RECIPIENTS_EACH,
           "items": {"type": "string", "format": "email", "maxLength": 254}})
}

fn sorts(allowed: &[(&str, &str)]) -> Value {
    let values: Vec<String> = allowed
        .iter()
        .flat_map(|(field, _)| [field.to_string(), format!("-{field}")])
        .collect();
    json!({"enum": values})
}

/// Ransack's `s`: `field`, `field asc` or `field desc` (one; several go as `s[0]`…).
fn ransack_sorts(allowed: &[(&str, &str)]) -> Value {
    let values: Vec<String> = allowed
        .iter()
        .flat_map(|(field, _)| {
            [
                field.to_string(),
                format!("{field} asc"),
                format!("{field} desc"),
            ]
        })
        .collect();
    json!({"enum": values})
}

/// A status filter: the statuses, and the pages' spelling of one of them.
fn with_alias(statuses: &[&str], alias: &str) -> Value {
    let mut values = statuses.to_vec();
    values.push(alias);
    json!({"enum": values})
}

/// (schema, property, limits) for the request bodies; each also applies to the schema's
/// `…Update` twin.
fn body_limits() -> Vec<(&'static str, &'static str, Value)> {
    let mut event_types: Vec<&str> = events::TYPES.to_vec();
    event_types.push(endpoints::ALL_EVENTS);
    vec![
        ("CustomerInput", "name", name(NAME_MAX)),
        ("CustomerInput", "company", text(NAME_MAX)),
        (
            "CustomerInput",
            "customer_type",
            one_of(&customers::CUSTOMER_TYPES),
        ),
        ("CustomerInput", "email", text(254)),
        ("CustomerInput", "phone", text(64)),
        ("CustomerInput", "phone_country", text(8)),
        ("CustomerInput", "currency", currency()),
        ("CustomerInput", "website", text(NAME_MAX)),
        ("CustomerInput", "notes", text(TEXT_MAX)),
        ("AddressInput", "line", text(NAME_MAX)),
        ("AddressInput", "line2", text(NAME_MAX)),
        ("AddressInput", "city", text(NAME_MAX)),
        ("AddressInput", "country", text(NAME_MAX)),
        ("AddressInput", "post_code", text(32)),
        ("AddressInput", "state", text(NAME_MAX)),
        ("AddressInput", "country_code", country_code()),
        ("CustomerInput", "tax_id", text(64)),
        ("ProfileInput", "name", name(NAME_MAX)),
        ("ProfileInput", "legal_name", text(NAME_MAX)),
        ("ProfileInput", "email", text(254)),
        ("ProfileInput", "phone", text(64)),
        ("ProfileInput", "website", text(NAME_MAX)),
        ("ProfileInput", "tax_id", text(64)),
        ("ProfileInput", "registration_number", text(64)),
        ("ProfileInput", "time_zone", text(64)),
        (
            "ProfileInput",
            "locale",
            json!({"maxLength": formats::LOCALE_MAX, "pattern": r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$"}),
        ),
        ("ProfileInput", "paper_size", one_of(&["a4", "letter"])),
        (
            "ProfileInput",
            "accent_color",
            json!({"pattern": "^#[0-9A-Fa-f]{6}$"}),
        ),
        ("ProfileInput", "default_notes", text(TEXT_MAX)),
        ("ProfileInput", "footer", text(TEXT_MAX)),
        (
            "ProfileInput",
            "invoice_prefix",
            text(formats::PREFIX_MAX as u64),
        ),
        (
            "ProfileInput",
            "quote_prefix",
            text(formats::PREFIX_MAX as u64),
        ),
        (
            "ProfileInput",
            "credit_note_prefix",
            text(formats::PREFIX_MAX as u64),
        ),
        (
            "ProfileInput",
            "number_padding",
            range(*formats::PADDING.start(), *formats::PADDING.end()),
        ),
        ("PaymentInstructionsInput", "bank_name", text(NAME_MAX)),
        ("PaymentInstructionsInput", "account_holder", text(NAME_MAX)),
        ("PaymentInstructionsInput", "iban", text(64)),
        (
            "PaymentInstructionsInput",
            "bic",
            json!({"pattern": "^[A-Za-z]{6}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$"}),
        ),
        ("PaymentInstructionsInput", "text", text(TEXT_MAX)),
        ("TaxInput", "name", name(NAME_MAX)),
        ("TaxInput", "rate", decimal(PERCENT)),
        ("PaymentTermInput", "name", name(NAME_MAX)),
        (
            "PaymentTermInput",
            "value",
            range(0, i64::from(payment_terms::MAX_DAYS)),
        ),
        ("InvoiceInput", "currency", currency()),
        ("InvoiceInput", "customer_id", id()),
        // Blank asks for the next number.
        ("InvoiceInput", "number", text(64)),
        ("InvoiceInput", "issued_at", timestamp()),
        ("InvoiceInput", "due_at", timestamp()),
        ("InvoiceInput", "payment_term_id", id()),
        ("InvoiceInput", "notes", text(TEXT_MAX)),
        (
            "InvoiceInput",
            "discount_type",
            one_of(&["percent", "fixed"]),
        ),
        ("InvoiceInput", "discount_value", clearable_decimal(PERCENT)),
        (
            "InvoiceInput",
            "items_attributes",
            json!({"maxItems": crate::billing::documents::MAX_ITEMS}),
        ),
        ("QuoteInput", "currency", currency()),
        ("QuoteInput", "customer_id", id()),
        ("QuoteInput", "number", text(64)),
        ("QuoteInput", "issued_at", required_timestamp()),
        ("QuoteInput", "expires_at", required_timestamp()),
        ("QuoteInput", "notes", text(TEXT_MAX)),
        ("QuoteInput", "summary", text(TEXT_MAX)),
        ("QuoteInput", "discount_type", one_of(&["percent", "fixed"])),
        ("QuoteInput", "discount_value", clearable_decimal(PERCENT)),
        (
            "QuoteInput",
            "items_attributes",
            json!({"maxItems": crate::billing::documents::MAX_ITEMS}),
        ),
        ("ItemInput", "id", id()),
        ("ItemInput", "product_id", id()),
        ("ItemInput", "name", name(1000)),
        ("ItemInput", "description", text(TEXT_MAX)),
        ("ItemInput", "quantity", decimal(DECIMAL)),
        ("ItemInput", "unit_price", decimal(DECIMAL)),
        (
            "ItemInput",
            "tax_ids",
            json!({"maxItems": MAX_TAXES, "items": {"type": "integer", "minimum": 1}}),
        ),
        (
            "InvoiceInput",
            "invoice_taxes_attributes",
            json!({"maxItems": MAX_TAXES}),
        ),
        (
            "QuoteInput",
            "quote_taxes_attributes",
            json!({"maxItems": MAX_TAXES}),
        ),
        ("DocumentTaxInput", "tax_id", id()),
        (
            "WebhookEndpointInput",
            "enabled_events",
            json!({"maxItems": crate::api::webhook_endpoints::MAX_EVENTS}),
        ),
        // What a client may set (the current status again is a no-op); partial, paid,
        // overdue, expired and invoiced follow from payments, dates and conversion.
        // Which moves are allowed from each status is the server's to name (422).
        (
            "StatusInput",
            "status",
            one_of(&["draft", "sent", "viewed", "void", "cancelled"]),
        ),
        (
            "QuoteStatusInput",
            "status",
            one_of(&[
                "draft", "sent", "viewed", "accepted", "rejected", "declined",
            ]),
        ),
        (
            "PaymentInput",
            "amount",
            json!({"anyOf": [
                {"type": "string", "pattern": AMOUNT},
                {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1_000_000_000_000u64, "multipleOf": 0.01}
            ]}),
        ),
        ("PaymentInput", "currency", currency()),
        ("PaymentInput", "paid_at", required_timestamp()),
        ("PaymentInput", "payment_method", one_of(&payments::METHODS)),
        ("PaymentInput", "reference", text(255)),
        ("PaymentInput", "notes", text(TEXT_MAX)),
        ("PaymentInput", "customer_id", id()),
        (
            "RefundInput",
            "amount",
            json!({"anyOf": [
                {"type": "string", "pattern": AMOUNT},
                {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1_000_000_000_000u64, "multipleOf": 0.01}
            ]}),
        ),
        ("RefundInput", "payment_method", one_of(&payments::METHODS)),
        ("RefundInput", "reference", text(255)),
        ("RefundInput", "refunded_at", required_timestamp()),
        ("ReminderInput", "days", range(0, 3650)),
        ("ReminderInput", "when", one_of(&reminders::WHENS)),
        ("ReminderInput", "message", text(TEXT_MAX)),
        (
            "SubscriptionInput",
            "frequency",
            one_of(&schedule::FREQUENCIES),
        ),
        ("SubscriptionInput", "interval", range(1, 1000)),
        ("SubscriptionInput", "starts_at", required_timestamp()),
        ("SubscriptionInput", "ends_at", timestamp()),
        ("SubscriptionInput", "max_occurrences", range(1, 100_000)),
        ("SubscriptionInput", "quantity", range(1, 100_000)),
        ("SubscriptionInput", "status", one_of(&["active", "paused"])),
        (
            "WebhookEndpointInput",
            "url",
            json!({"type": "string", "pattern": crate::webhooks::address::TARGET_PATTERN, "maxLength": 2048}),
        ),
        (
            "WebhookEndpointInput",
            "enabled_events",
            json!({"minItems": 1, "items": {"type": "string", "enum": event_types}}),
        ),
        ("SendInput", "to", emails()),
        ("SendInput", "cc", emails()),
        ("SendInput", "subject", text(255)),
        ("SendInput", "message", text(TEXT_MAX)),
    ]
}

/// The list filters: dates are dates (a timestamp is accepted too), and enums come from
/// the lists the server checks against. (`q` and `event_id` are free text.)
fn query_limits(path: &str, parameter: &mut Value) {
    let name = parameter["name"].as_str().unwrap_or_default().to_string();
    let resource = path
        .trim_start_matches("/api/v1/")
        .split('/')
        .next_back()
        .unwrap_or_default();
    let schema = &mut parameter["schema"];
    let is_string = schema["type"] == "string"
        || schema["type"]
            .as_array()
            .is_some_and(|t| t.contains(&json!("string")));
    let allowed: Option<&[(&str, &str)]> = match resource {
        "customers" => Some(&customers::SORTS),
        "taxes" => Some(&taxes::SORTS),
        "products" => Some(&crate::billing::products::SORTS),
        "payment_terms" => Some(&payment_terms::SORTS),
        "invoices" => Some(&invoices::SORTS),
        "quotes" => Some(&quotes::SORTS),
        "payments" => Some(&payments::SORTS),
        "refunds" => Some(&refunds::SORTS),
        "invoices_reminders" => Some(&reminders::SORTS),
        "webhook_endpoints" => Some(&endpoints::SORTS),
        "deliveries" => Some(&crate::webhooks::deliveries::SORTS),
        "events" => Some(&events::SORTS),
        _ => None,
    };
    let limits = match name.as_str() {
        "sort" => allowed.map(sorts),
        "s" => allowed.map(ransack_sorts),
        "status" => match resource {
            "invoices" => Some(with_alias(&invoices::STATUSES, "cancelled")),
            "quotes" => Some(with_alias(&quotes::STATUSES, "declined")),
            _ => None,
        },
        "customer_type" => Some(one_of(&customers::CUSTOMER_TYPES)),
        "payment_method" => Some(one_of(&payments::METHODS)),
        "type" if resource == "events" => Some(one_of(&events::TYPES)),
        "currency" => Some(currency()),
        "from" | "to" | "as_of"
            if resource == "summary"
                || resource == "aging"
                || resource == "tax"
                || resource == "revenue" =>
        {
            Some(json!({"format": "date"}))
        }
        "interval" => Some(one_of(&crate::billing::reports::Interval::NAMES)),
        "q" => None,
        n if is_string
            && (n.ends_with("_from")
                || n.ends_with("_to")
                || n.ends_with("_after")
                || n.ends_with("_before")) =>
        {
            Some(json!({"format": "date"}))
        }
        _ => None,
    };
    if let Some(limits) = limits {
        merge(schema, &limits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_name_both_directions() {
        assert_eq!(
            sorts(&[("name", "c.name"), ("created_at", "c.created_at")]),
            json!({"enum": ["name", "-name", "created_at", "-created_at"]})
        );
    }
}
