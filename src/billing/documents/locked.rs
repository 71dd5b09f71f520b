//! What an issued document may no longer change, and which of a request's fields would
//! change it. A field sent with the value the document already has changes nothing and
//! is accepted (clients resend the whole object they read); only a real change is named.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::Kind;
use super::content::{ContentChanges, Current, apply_tax_changes};
use super::items::{Line, apply_changes};
use crate::billing::error::{BillingError, FieldErrors};

/// Collects the locked fields a request would change.
#[derive(Debug, Default)]
pub struct Locked {
    fields: Vec<String>,
}

impl Locked {
    pub fn new() -> Locked {
        Locked::default()
    }

    /// Names `field` when the request sends a value other than the current one.
    pub fn check<T: PartialEq>(&mut self, field: &str, sent: Option<&T>, current: &T) {
        if sent.is_some_and(|sent| sent != current) {
            self.fields.push(field.to_string());
        }
    }

    /// A timestamp compares at the millisecond the API shows it with.
    pub fn check_time(&mut self, field: &str, sent: Option<DateTime<Utc>>, current: DateTime<Utc>) {
        let millis = |at: DateTime<Utc>| at.timestamp_millis();
        self.check(field, sent.map(millis).as_ref(), &millis(current));
    }

    /// Names each content field (items, document taxes, discount) the changes would
    /// alter. A change that cannot apply (an unknown item id) counts as one.
    pub fn check_content(&mut self, kind: Kind, current: &Current, changes: &ContentChanges) {
        if !changes.items.is_empty() {
            let before: Vec<Line> = current.items.iter().map(Line::from).collect();
            let same = apply_changes(&current.items, &changes.items).is_ok_and(|l| l == before);
            if !same {
                self.fields.push("items_attributes".into());
            }
        }
        if let Some(taxes) = &changes.taxes {
            let mut errors = FieldErrors::new();
            let (after, _) = apply_tax_changes(kind, &current.taxes, taxes, &mut errors);
            let before: BTreeSet<i64> = current
                .taxes
                .iter()
                .filter(|t| t.invoice_level)
                .map(|t| t.tax_id)
                .collect();
            if !errors.is_empty() || after.into_iter().collect::<BTreeSet<_>>() != before {
                self.fields.push(kind.taxes_field.into());
            }
        }
        self.check(
            "discount_type",
            changes.discount_type.as_ref(),
            &current.discount_type,
        );
        if let Some(value) = changes.discount_value {
            // A value is stored only with a type; none reads as zero.
            let kind = changes
                .discount_type
                .clone()
                .unwrap_or(current.discount_type.clone());
            let stored = |v: Option<Decimal>| kind.as_ref().map(|_| v.unwrap_or_default());
            if stored(value) != stored(current.discount_value) {
                self.fields.push("discount_value".into());
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `Ok` when nothing locked would change, else the 422 naming every such field with
    /// `why`, its message.
    pub fn into_result(self, why: &str) -> Result<(), BillingError> {
        if self.fields.is_empty() {
            return Ok(());
        }
        let mut errors = FieldErrors::new();
        for field in &self.fields {
            errors.add(field.as_str(), why);
        }
        let message = format!("{} (locked: {})", upper_first(why), self.fields.join(", "));
        Err(BillingError::Locked(message, errors))
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
