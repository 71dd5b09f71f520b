//! Ransack query parameters, as Koteshen's pages document them for every list:
//! `q[<attribute>_<predicate>]=value` and `s=<attribute> asc|desc` (see `ListQuery::sort`).
//!
//! One parser for every list. Each list names its attributes (`billing::search`): the API
//! name, the SQL column it stands for (never taken from input) and its kind, which says
//! how a value is read (money in decimal units, dates or timestamps, choices with their
//! stored spelling) and which predicates apply. An attribute or predicate the list does
//! not know is a 422 naming the parameter, never ignored. A blank value is no condition,
//! as in Ransack (a search form's empty field).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::api::params::ListQuery;

use crate::billing::search::Pred;
use crate::billing::search::conditions::{Condition, Test, Value};
pub use crate::billing::search::{Attr, Conditions, Kind, attr};

/// Longest first, so `_not_eq` is not read as `_eq`.
const PREDICATES: [(&str, Pred); 9] = [
    ("starts_with", Pred::StartsWith),
    ("not_eq", Pred::NotEq),
    ("gteq", Pred::Gteq),
    ("lteq", Pred::Lteq),
    ("cont", Pred::Cont),
    ("eq", Pred::Eq),
    ("gt", Pred::Gt),
    ("lt", Pred::Lt),
    ("in", Pred::In),
];

const PREDICATE_NAMES: &str = "eq, not_eq, gt, lt, gteq, lteq, cont, starts_with, in";

/// Bounds on what one request may ask.
const MAX_CONDITIONS: usize = 20;
const MAX_IN_VALUES: usize = 100;
const MAX_TEXT: usize = 500;
/// Money beyond this many units is a mistake (and would overflow minor units).
const MAX_MONEY_UNITS: i64 = 1_000_000_000_000;

impl ListQuery {
    /// Reads every `q[…]` parameter against `attrs`. Problems are recorded for `finish`.
    pub fn ransack(&mut self, attrs: &'static [Attr]) -> Conditions {
        self.ransack_read = true;
        let mut conditions = Vec::new();
        let keys: Vec<(String, Vec<String>)> = self.ransack_params();
        if keys.len() > MAX_CONDITIONS {
            self.reject("q", format!("at most {MAX_CONDITIONS} conditions"));
            return Conditions::default();
        }
        for (key, values) in keys {
            match read_condition(&key, &values, attrs) {
                Ok(Some(condition)) => conditions.extend(condition),
                Ok(None) => {}
                Err(message) => self.reject(&key, message),
            }
        }
        Conditions::new(conditions)
    }
}

/// The parts of `q[status_in]` or `q[status_in][]`: ("status", In).
fn split_key(inner: &str, attrs: &'static [Attr]) -> Result<(&'static Attr, Pred), String> {
    for (suffix, pred) in PREDICATES {
        let name = inner
            .strip_suffix(suffix)
            .and_then(|rest| rest.strip_suffix('_'));
        if let Some(attr) = name.and_then(|name| attrs.iter().find(|a| a.name == name)) {
            return Ok((attr, pred));
        }
    }
    let names: Vec<&str> = attrs.iter().map(|a| a.name).collect();
    match attrs
        .iter()
        .filter(|a| inner.starts_with(&format!("{}_", a.name)))
        .max_by_key(|a| a.name.len())
    {
        Some(attr) => Err(format!(
            "has an unsupported predicate `{}` (supported: {PREDICATE_NAMES})",
            &inner[attr.name.len() + 1..]
        )),
        None => Err(format!(
            "is not a filter of this list (attributes: {}; predicates: {PREDICATE_NAMES})",
            names.join(", ")
        )),
    }
}

fn read_condition(
    key: &str,
    values: &[String],
    attrs: &'static [Attr],
) -> Result<Option<Vec<Condition>>, String> {
    let inner = key
        .strip_prefix("q[")
        .and_then(|k| k.strip_suffix("][]").or_else(|| k.strip_suffix(']')))
        .filter(|k| !k.contains('[') && !k.contains(']'))
        .ok_or_else(|| "must be of the form q[<attribute>_<predicate>]".to_string())?;
    let (attr, pred) = split_key(inner, attrs)?;
    check_predicate(attr.kind, pred)?;
    let list = key.ends_with("[]");
    if list && pred != Pred::In {
        return Err("only `_in` takes a list".into());
    }
    if !list && values.len() > 1 {
        return Err("must be given only once".into());
    }
    let mut parts: Vec<&str> = Vec::new();
    for value in values {
        if value.contains('\0') {
            return Err("must not contain NUL characters".into());
        }
        if value.chars().count() > MAX_TEXT {
            return Err(format!("must be at most {MAX_TEXT} characters"));
        }
        if pred == Pred::In {
            parts.extend(value.split(',').map(str::trim).filter(|v| !v.is_empty()));
        } else if !value.trim().is_empty() {
            parts.push(value.trim());
        }
    }
    if parts.is_empty() {
        return Ok(None);
    }
    if parts.len() > MAX_IN_VALUES {
        return Err(format!("at most {MAX_IN_VALUES} values"));
    }
    let column = attr.column;
    let one = |test| Ok(Some(vec![Condition { column, test }]));
    match attr.kind {
        Kind::Time => time_conditions(column, pred, parts[0]).map(Some),
        Kind::Money(currency) => {
            let amounts = parts
                .iter()
                .map(|p| money(p))
                .collect::<Result<Vec<_>, _>>()?;
            one(Test::Money {
                pred,
                amounts,
                currency,
            })
        }
        kind => {
            let values = parts
                .iter()
                .map(|p| scalar(kind, p))
                .collect::<Result<Vec<_>, _>>()?;
            let mut values = values.into_iter();
            let first = values.next().expect("at least one value");
            let test = match pred {
                Pred::In => Test::In(std::iter::once(first).chain(values).collect()),
                Pred::Cont | Pred::StartsWith => {
                    let Value::Text(text) = first else {
                        unreachable!("checked: text only")
                    };
                    Test::Like(like(&text, pred == Pred::Cont))
                }
                _ => Test::Compare(operator(pred), first),
            };
            one(test)
        }
    }
}

/// Which predicates make sense for a kind.
fn check_predicate(kind: Kind, pred: Pred) -> Result<(), String> {
    use Pred::*;
    let allowed: &[Pred] = match kind {
        Kind::Text => &[Eq, NotEq, Gt, Lt, Gteq, Lteq, Cont, StartsWith, In],
        Kind::Int | Kind::Money(_) | Kind::Decimal => &[Eq, NotEq, Gt, Lt, Gteq, Lteq, In],
        Kind::Choice(_) | Kind::Currency => &[Eq, NotEq, In],
        Kind::Time => &[Eq, NotEq, Gt, Lt, Gteq, Lteq],
        Kind::Bool => &[Eq, NotEq],
    };
    if allowed.contains(&pred) {
        Ok(())
    } else {
        let name = PREDICATES
            .iter()
            .find(|(_, p)| *p == pred)
            .map(|(n, _)| *n)
            .unwrap_or_default();
        Err(format!(
            "uses `{name}`, which does not apply to this attribute"
        ))
    }
}

pub(crate) fn operator(pred: Pred) -> &'static str {
    match pred {
        Pred::Eq => "=",
        Pred::NotEq => "<>",
        Pred::Gt => ">",
        Pred::Lt => "<",
        Pred::Gteq => ">=",
        Pred::Lteq => "<=",
        Pred::Cont | Pred::StartsWith | Pred::In => unreachable!("not a comparison"),
    }
}

fn scalar(kind: Kind, raw: &str) -> Result<Value, String> {
    match kind {
        Kind::Int => raw
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| format!("must be a whole number (got `{raw}`)")),
        Kind::Text => Ok(Value::Text(raw.to_string())),
        Kind::Choice(choices) => {
            let lower = raw.to_ascii_lowercase();
            choices
                .iter()
                .find(|(spelling, _)| *spelling == lower)
                .map(|(_, stored)| Value::Text((*stored).to_string()))
                .ok_or_else(|| {
                    let names: Vec<&str> = choices.iter().map(|(s, _)| *s).collect();
                    format!("must be one of {} (got `{raw}`)", names.join(", "))
                })
        }
        Kind::Currency => crate::money::Currency::parse(raw)
            .map(|c| Value::Text(c.code().to_string()))
            .map_err(|err| format!("must be a currency code: `{raw}` {err}")),
        Kind::Decimal => decimal(raw).map(Value::Decimal),
        Kind::Bool => match raw.to_ascii_lowercase().as_str() {
            "true" | "1" | "t" => Ok(Value::Bool(true)),
            "false" | "0" | "f" => Ok(Value::Bool(false)),
            _ => Err(format!("must be true or false (got `{raw}`)")),
        },
        Kind::Money(_) | Kind::Time => unreachable!("read by their own functions"),
    }
}

fn decimal(raw: &str) -> Result<Decimal, String> {
    raw.parse::<Decimal>()
        .map_err(|_| format!("must be a decimal number (got `{raw}`)"))
}

fn money(raw: &str) -> Result<Decimal, String> {
    let amount = decimal(raw)?;
    if amount.abs() > Decimal::from(MAX_MONEY_UNITS) {
        return Err(format!("must be at most {MAX_MONEY_UNITS} (got `{raw}`)"));
    }
    Ok(amount)
}

/// `%term%` or `term%`, the LIKE wildcards in the term escaped.
fn like(term: &str, anywhere: bool) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    if anywhere {
        format!("%{escaped}%")
    } else {
        format!("{escaped}%")
    }
}

/// A value stands for a span: a date for its whole UTC day (`issued_at_lteq=2025-10-31`
/// includes that day), a timestamp for its millisecond (answers show milliseconds, rows
/// keep microseconds: `created_at_eq` with a shown value finds its row), or its
/// microsecond when given that finely.
fn time_conditions(column: &'static str, pred: Pred, raw: &str) -> Result<Vec<Condition>, String> {
    let (start, end) = time_span(raw)?;
    let cmp = |op: &'static str, t: DateTime<Utc>| Condition {
        column,
        test: Test::Compare(op, Value::Time(t)),
    };
    Ok(match pred {
        Pred::Eq => vec![cmp(">=", start), cmp("<", end)],
        Pred::NotEq => vec![Condition {
            column,
            test: Test::Outside(start, end),
        }],
        Pred::Gt => vec![cmp(">=", end)],
        Pred::Gteq => vec![cmp(">=", start)],
        Pred::Lt => vec![cmp("<", start)],
        Pred::Lteq => vec![cmp("<", end)],
        _ => unreachable!("checked: comparisons only"),
    })
}

fn time_span(raw: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let start = date.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let end = date
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc());
        return match (start, end) {
            (Some(start), Some(end)) => Ok((start, end)),
            _ => Err(format!("must be a date in range (got `{raw}`)")),
        };
    }
    // A `+` in a query string arrives as a space; put the offset sign back.
    let time = DateTime::parse_from_rfc3339(&raw.replace(' ', "+"))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("must be a date (2025-10-12) or an ISO 8601 timestamp (got `{raw}`)")
        })?;
    let nanos = time.timestamp_subsec_nanos();
    let time = time - Duration::nanoseconds(i64::from(nanos % 1_000));
    let unit = if nanos % 1_000_000 == 0 {
        Duration::milliseconds(1)
    } else {
        Duration::microseconds(1)
    };
    Ok((time, time + unit))
}

#[cfg(test)]
mod tests;
