//! Request bodies, read leniently so that one 422 names every invalid field at once.
//!
//! Bodies come in the documented wrapped form (`{"customer": {...}}`) or bare. Numbers
//! arrive as JSON numbers or numeric strings. Unknown fields are ignored. On PATCH a field
//! that is absent stays as it is and `null` clears it: `Patch` carries that difference.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::error::{ApiError, FieldErrors};
use crate::money::{AmountError, Currency, parse_decimal};

/// A field as the request gave it.
#[derive(Debug, Clone, PartialEq)]
pub enum Patch<T> {
    /// Not in the body: leave it as it is.
    Absent,
    /// `null` (or a blank string): clear it.
    Null,
    Set(T),
    /// Present but invalid; the error is already recorded.
    Invalid,
}

impl<T> Patch<T> {
    pub fn set(self) -> Option<T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// For an update: `None` keeps the column, `Some(None)` clears it, `Some(Some(v))`
    /// sets it.
    pub fn change(self) -> Option<Option<T>> {
        match self {
            Patch::Absent | Patch::Invalid => None,
            Patch::Null => Some(None),
            Patch::Set(v) => Some(Some(v)),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Invalid => Patch::Invalid,
            Patch::Set(v) => Patch::Set(f(v)),
        }
    }
}

/// A JSON object and its path in the request (`""`, `address`, `items_attributes[2]`).
#[derive(Debug, Clone)]
pub struct Obj {
    map: Map<String, Value>,
    path: String,
}

impl Obj {
    /// The resource object of a body: `body[wrapper]` when the body is wrapped, else the
    /// body itself.
    pub fn from_body(body: Value, wrapper: &str) -> Result<Obj, ApiError> {
        let Value::Object(mut map) = body else {
            return Err(ApiError::invalid_field(
                wrapper,
                "the request body must be a JSON object",
            ));
        };
        match map.remove(wrapper) {
            Some(Value::Object(inner)) => {
                return Ok(Obj {
                    map: inner,
                    path: String::new(),
                });
            }
            // `{"customer": [..]}` is a wrapped body of the wrong shape, not a bare body
            // whose only field is unknown.
            Some(_) => return Err(ApiError::invalid_field(wrapper, "must be a JSON object")),
            None => {}
        }
        Ok(Obj {
            map,
            path: String::new(),
        })
    }

    fn key(&self, field: &str) -> String {
        if self.path.is_empty() {
            field.to_string()
        } else {
            format!("{}.{field}", self.path)
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.map.contains_key(field)
    }

    /// The name a field was given under: `theirs` (Koteshen's pages' spelling, e.g.
    /// `channel`) when only it is in the body, else `ours`; errors then name what the
    /// client sent.
    pub fn spelled(&self, ours: &'static str, theirs: &'static str) -> &'static str {
        if !self.has(ours) && self.has(theirs) {
            theirs
        } else {
            ours
        }
    }

    fn raw(&self, field: &str) -> Option<&Value> {
        self.map.get(field)
    }
}

/// Reads fields out of `Obj`s, collecting every problem.
#[derive(Debug, Default)]
pub struct Form {
    errors: FieldErrors,
}

impl Form {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, obj: &Obj, field: &str, message: impl Into<String>) {
        self.errors.add(obj.key(field), message);
    }

    pub fn has_error(&self, obj: &Obj, field: &str) -> bool {
        self.errors.contains(&obj.key(field))
    }

    /// A string, trimmed; blank reads as `Null`. (Numbers are not taken for text: the
    /// documents send numbers as strings, never the other way round.)
    pub fn string(&mut self, obj: &Obj, field: &str, max_len: usize) -> Patch<String> {
        let text = match obj.raw(field) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(Value::String(s)) => s.trim().to_string(),
            Some(_) => {
                self.error(obj, field, "must be a string");
                return Patch::Invalid;
            }
        };
        if text.is_empty() {
            Patch::Null
        } else if text.contains('\0') {
            // PostgreSQL text cannot hold NUL; refuse it here rather than fail there.
            self.error(obj, field, "must not contain NUL characters");
            Patch::Invalid
        } else if text.chars().count() > max_len {
            self.error(
                obj,
                field,
                format!("is too long (maximum is {max_len} characters)"),
            );
            Patch::Invalid
        } else {
            Patch::Set(text)
        }
    }

    /// Email addresses: a list of strings or one string; each must look like an address.
    /// At most `max` of them.
    pub fn emails(&mut self, obj: &Obj, field: &str, max: usize) -> Patch<Vec<String>> {
        let values: Vec<&Value> = match obj.raw(field) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(Value::Array(items)) => items.iter().collect(),
            Some(one) => vec![one],
        };
        if values.len() > max {
            self.error(
                obj,
                field,
                format!("is too long (maximum is {max} addresses)"),
            );
            return Patch::Invalid;
        }
        let mut addresses = Vec::with_capacity(values.len());
        for value in values {
            match value.as_str().map(str::trim) {
                Some(address) if address.len() <= 254 && is_email(address) => {
                    addresses.push(address.to_string())
                }
                Some(address) => {
                    self.error(obj, field, format!("{address:?} is not an email address"));
                    return Patch::Invalid;
                }
                None => {
                    self.error(obj, field, "must be an email address or a list of them");
                    return Patch::Invalid;
                }
            }
        }
        if addresses.is_empty() {
            Patch::Null
        } else {
            Patch::Set(addresses)
        }
    }

    /// A field that can't be cleared: on create it must be given, on update it may be
    /// left out but not set to `null` (or blank). `Some` only for a valid value.
    pub fn not_null<T>(
        &mut self,
        obj: &Obj,
        field: &str,
        value: Patch<T>,
        creating: bool,
    ) -> Option<T> {
        match value {
            Patch::Set(v) => Some(v),
            Patch::Invalid => None,
            Patch::Absent if !creating => None,
            Patch::Absent | Patch::Null => {
                self.error(obj, field, "can't be blank");
                None
            }
        }
    }

    /// A string that must be present and not blank (on create).
    pub fn required_string(&mut self, obj: &Obj, field: &str, max_len: usize) -> Option<String> {
        match self.string(obj, field, max_len) {
            Patch::Set(s) => Some(s),
            Patch::Invalid => None,
            Patch::Absent | Patch::Null => {
                self.error(obj, field, "can't be blank");
                None
            }
        }
    }

    /// One of a fixed set of values, compared case-insensitively, answered lower-case.
    pub fn one_of(&mut self, obj: &Obj, field: &str, allowed: &[&str]) -> Patch<String> {
        match self.string(obj, field, 64) {
            Patch::Set(s) => {
                let lower = s.to_ascii_lowercase();
                if allowed.contains(&lower.as_str()) {
                    Patch::Set(lower)
                } else {
                    self.error(obj, field, format!("must be one of {}", allowed.join(", ")));
                    Patch::Invalid
                }
            }
            other => other,
        }
    }

    /// A whole number, from a JSON number or a numeric string (`"1"`).
    pub fn integer(&mut self, obj: &Obj, field: &str) -> Patch<i64> {
        let parsed = match obj.raw(field) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(Value::Number(n)) => whole_number(&n.to_string()),
            Some(Value::String(s)) if s.trim().is_empty() => return Patch::Null,
            Some(Value::String(s)) => whole_number(s.trim()),
            Some(_) => None,
        };
        match parsed {
            Some(n) => Patch::Set(n),
            None => {
                self.error(obj, field, "must be a whole number");
                Patch::Invalid
            }
        }
    }

    /// An exact decimal from a JSON number or a numeric string (`"7.25"`), never through
    /// `f64`, then checked by `check` (one of the `money::check_*` limits); a blank
    /// string reads as `Null`.
    pub fn decimal(
        &mut self,
        obj: &Obj,
        field: &str,
        check: impl FnOnce(Decimal) -> Result<Decimal, AmountError>,
    ) -> Patch<Decimal> {
        let value = match obj.raw(field) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(Value::String(s)) if s.trim().is_empty() => return Patch::Null,
            Some(value) => value,
        };
        match parse_decimal(value).and_then(check) {
            Ok(d) => Patch::Set(d),
            Err(err) => {
                self.error(obj, field, err.to_string());
                Patch::Invalid
            }
        }
    }

    /// An ISO 4217 code in any case, answered as the currency.
    pub fn currency(&mut self, obj: &Obj, field: &str) -> Patch<Currency> {
        match self.string(obj, field, 16) {
            Patch::Set(code) => match Currency::parse(&code) {
                Ok(currency) => Patch::Set(currency),
                Err(err) => {
                    self.error(obj, field, err.to_string());
                    Patch::Invalid
                }
            },
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Invalid => Patch::Invalid,
        }
    }

    /// A list of record ids (`[1, "2"]`), a single id a list of one; at most `max` (`noun`
    /// names them in the error), counted before reading; repeats are dropped.
    pub fn ids(&mut self, obj: &Obj, field: &str, max: usize, noun: &str) -> Patch<Vec<i64>> {
        let values: &[Value] = match obj.raw(field) {
            None => return Patch::Absent,
            Some(Value::Null) => return Patch::Null,
            Some(Value::Array(values)) => values,
            Some(single) => std::slice::from_ref(single),
        };
        if values.len() > max {
            self.too_long(obj, field, max, noun);
            return Patch::Invalid;
        }
        let mut ids = Vec::with_capacity(values.len());
        let mut seen = HashSet::with_capacity(values.len());
        for value in values {
            let id = match value {
                Value::Number(n) => n.to_string().parse::<i64>().ok(),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            match id {
                Some(id) if id > 0 => {
                    if seen.insert(id) {
                        ids.push(id);
                    }
                }
                _ => {
                    self.error(obj, field, "must be a list of ids");
                    return Patch::Invalid;
                }
            }
        }
        Patch::Set(ids)
    }

    /// "is too long (maximum is 20 taxes)": a list over its cap.
    pub fn too_long(&mut self, obj: &Obj, field: &str, max: usize, noun: &str) {
        self.error(obj, field, format!("is too long (maximum is {max} {noun})"));
    }

    /// `true`/`false`, also as the strings `"true"`/`"false"`, `"1"`/`"0"`.
    pub fn boolean(&mut self, obj: &Obj, field: &str) -> Patch<bool> {
        match obj.raw(field) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Bool(b)) => Patch::Set(*b),
            Some(Value::String(s)) if matches!(s.trim(), "true" | "1") => Patch::Set(true),
            Some(Value::String(s)) if matches!(s.trim(), "false" | "0") => Patch::Set(false),
            Some(_) => {
                self.error(obj, field, "must be true or false");
                Patch::Invalid
            }
        }
    }

    /// An ISO 8601 timestamp, or a date meaning its midnight UTC.
    pub fn timestamp(&mut self, obj: &Obj, field: &str) -> Patch<DateTime<Utc>> {
        match self.string(obj, field, 64) {
            Patch::Set(s) => match parse_timestamp(&s) {
                Some(t) => Patch::Set(t),
                None => {
                    self.error(obj, field, "is invalid (expected an ISO 8601 date or time)");
                    Patch::Invalid
                }
            },
            Patch::Absent => Patch::Absent,
            Patch::Null => Patch::Null,
            Patch::Invalid => Patch::Invalid,
        }
    }

    /// A nested object (`address`), its fields keyed under `field.`.
    pub fn object(&mut self, obj: &Obj, field: &str) -> Patch<Obj> {
        match obj.raw(field) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Object(map)) => Patch::Set(Obj {
                map: map.clone(),
                path: obj.key(field),
            }),
            Some(_) => {
                self.error(obj, field, "must be an object");
                Patch::Invalid
            }
        }
    }

    /// A list of objects (`items_attributes`), each keyed as `field[i].`; at most `max`
    /// of them (`noun` names them in the error), counted before any is read.
    pub fn objects(&mut self, obj: &Obj, field: &str, max: usize, noun: &str) -> Patch<Vec<Obj>> {
        match obj.raw(field) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Array(items)) if items.len() > max => {
                self.too_long(obj, field, max, noun);
                Patch::Invalid
            }
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{}[{i}]", obj.key(field));
                    match item {
                        Value::Object(map) => out.push(Obj {
                            map: map.clone(),
                            path,
                        }),
                        _ => self.errors.add(path, "must be an object"),
                    }
                }
                Patch::Set(out)
            }
            Some(_) => {
                self.error(obj, field, "must be a list");
                Patch::Invalid
            }
        }
    }

    /// The raw JSON of a field, for parsers that live elsewhere (decimals).
    pub fn raw<'o>(&self, obj: &'o Obj, field: &str) -> Option<&'o Value> {
        obj.raw(field)
    }

    /// Ends reading: a 422 naming every invalid field, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        self.errors.into_result()
    }
}

/// `12`, and also `12.0`: JSON Schema (and so every generated client) counts a number
/// with a zero fraction as an integer. Read exactly, never through `f64`.
fn whole_number(s: &str) -> Option<i64> {
    if let Ok(n) = s.parse::<i64>() {
        return Some(n);
    }
    let d = Decimal::from_str_exact(s).ok()?;
    if d.fract().is_zero() {
        i64::try_from(d.trunc()).ok()
    } else {
        None
    }
}

pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// A plausible email address: one `@`, something on each side, no spaces, a dot in the
/// domain. Deliverability is the mail server's business.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrapped_and_bare_bodies_read_the_same() {
        let a = Obj::from_body(json!({"customer": {"name": "A"}}), "customer").unwrap();
        let b = Obj::from_body(json!({"name": "A"}), "customer").unwrap();
        assert!(Obj::from_body(json!({"customer": [null]}), "customer").is_err());
        assert!(Obj::from_body(json!({"customer": null}), "customer").is_err());
        let mut form = Form::new();
        assert_eq!(form.string(&a, "name", 10), Patch::Set("A".into()));
        assert_eq!(form.string(&b, "name", 10), Patch::Set("A".into()));
    }

    #[test]
    fn every_bad_field_is_named_with_its_path() {
        let body = json!({"name": 5, "n": "x", "address": {"city": []},
                          "items": [{"q": "1"}, 7]});
        let obj = Obj::from_body(body, "customer").unwrap();
        let mut form = Form::new();
        assert_eq!(form.string(&obj, "name", 10), Patch::Invalid);
        assert_eq!(form.integer(&obj, "n"), Patch::Invalid);
        assert_eq!(super::whole_number("36.0"), Some(36));
        assert_eq!(super::whole_number("-2.000"), Some(-2));
        assert_eq!(super::whole_number("36.5"), None);
        assert_eq!(super::whole_number("1e400"), None);
        let address = form.object(&obj, "address").set().unwrap();
        assert_eq!(form.string(&address, "city", 10), Patch::Invalid);
        let items = form.objects(&obj, "items", 10, "items").set().unwrap();
        assert_eq!(form.integer(&items[0], "q"), Patch::Set(1));
        assert!(form.required_string(&obj, "missing", 10).is_none());
        let err = form.finish().unwrap_err();
        let errors = err.field_errors().unwrap();
        for key in ["name", "n", "address.city", "items[1]", "missing"] {
            assert!(errors.contains(key), "{key}: {errors:?}");
        }
    }

    #[test]
    fn null_and_blank_clear_while_absent_keeps() {
        let obj = Obj::from_body(json!({"a": null, "b": "  "}), "x").unwrap();
        let mut form = Form::new();
        assert_eq!(form.string(&obj, "a", 10), Patch::Null);
        assert_eq!(form.string(&obj, "b", 10), Patch::Null);
        assert_eq!(form.string(&obj, "c", 10), Patch::Absent);
    }

    #[test]
    fn nul_characters_are_refused_not_stored() {
        let obj = Obj::from_body(json!({"name": "a\u{0}b"}), "x").unwrap();
        let mut form = Form::new();
        assert_eq!(form.string(&obj, "name", 10), Patch::Invalid);
        assert!(form.finish().is_err());
    }

    #[test]
    fn decimals_read_exactly_and_are_checked() {
        let obj = Obj::from_body(
            json!({"a": "7.25", "b": 15.5, "c": "abc", "d": 101, "e": "", "f": "1.00001"}),
            "x",
        )
        .unwrap();
        let mut form = Form::new();
        let pct = crate::money::check_percent;
        let dec = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(form.decimal(&obj, "a", pct), Patch::Set(dec("7.25")));
        assert_eq!(form.decimal(&obj, "b", pct), Patch::Set(dec("15.5")));
        assert_eq!(form.decimal(&obj, "c", pct), Patch::Invalid);
        assert_eq!(form.decimal(&obj, "d", pct), Patch::Invalid);
        assert_eq!(form.decimal(&obj, "e", pct), Patch::Null);
        assert_eq!(form.decimal(&obj, "f", pct), Patch::Invalid);
        assert_eq!(form.decimal(&obj, "g", pct), Patch::Absent);
        let err = form.finish().unwrap_err();
        let errors = err.field_errors().unwrap();
        for key in ["c", "d", "f"] {
            assert!(errors.contains(key), "{key}: {errors:?}");
        }
    }

    #[test]
    fn a_field_that_cannot_be_cleared_is_required_on_create_only() {
        let obj = Obj::from_body(json!({"n": null}), "x").unwrap();
        let mut form = Form::new();
        assert_eq!(form.not_null(&obj, "m", Patch::<i64>::Absent, false), None);
        assert!(!form.has_error(&obj, "m"));
        assert_eq!(form.not_null(&obj, "m", Patch::<i64>::Absent, true), None);
        assert!(form.has_error(&obj, "m"));
        assert_eq!(form.not_null(&obj, "n", Patch::<i64>::Null, false), None);
        assert!(form.has_error(&obj, "n"));
        assert_eq!(form.not_null(&obj, "o", Patch::Set(3), false), Some(3));
    }

    #[test]
    fn timestamps_and_dates_parse() {
        assert!(parse_timestamp("2025-10-12T10:00:00.000Z").is_some());
        assert!(parse_timestamp("2025-10-12").is_some());
        assert!(parse_timestamp("2025-10-12T10:00:00").is_some());
        assert!(parse_timestamp("12/10/2025").is_none());
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(is_email("procurement@texas.com"));
        assert!(!is_email("procurement"));
        assert!(!is_email("a b@c.com"));
        assert!(!is_email("a@b"));
    }
}
