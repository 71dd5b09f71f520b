//! Why a business rule refused a write. The HTTP layer turns these into 404 / 422.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    /// Fields that break the rules, each named.
    #[error("validation failed")]
    Invalid(FieldErrors),
    /// A rule about the record as a whole (a paid invoice cannot change its items).
    #[error("{0}")]
    Refused(String),
    /// A rule about the record that refuses each field named: `message` says why (an
    /// issued invoice's number, customer and lines are fixed).
    #[error("{0}")]
    Locked(String, FieldErrors),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Database(sqlx::Error),
}

impl BillingError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        BillingError::Invalid(errors)
    }

    pub fn refused(message: impl Into<String>) -> Self {
        BillingError::Refused(message.into())
    }
}

/// Unique constraints a request can break, and the field each belongs to.
const UNIQUE_FIELDS: &[(&str, &str)] = &[
    ("invoices_number_key", "number"),
    ("quotes_number_key", "number"),
    ("credit_notes_number_key", "number"),
    ("products_sku_key", "sku"),
];

/// Check constraints that guard a rule the code checks first, should a race get past it.
const CHECK_FIELDS: &[(&str, &str, &str)] = &[
    (
        "invoices_paid_not_above_total",
        "amount",
        "must be less than or equal to the invoice's balance",
    ),
    (
        "customer_credits_not_negative",
        "amount",
        "would take back customer credit that other invoices already used",
    ),
    (
        "invoices_credited_within_total",
        "amount",
        "would credit more than the invoice's total",
    ),
    (
        "payments_refunded_within_amount",
        "amount",
        "would refund more than the payment's amount",
    ),
];

impl From<sqlx::Error> for BillingError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && db.code().as_deref() == Some("23514")
            && let Some((_, field, message)) = CHECK_FIELDS
                .iter()
                .find(|(name, _, _)| db.constraint() == Some(*name))
        {
            return BillingError::field(field, *message);
        }
        if let sqlx::Error::Database(db) = &err
            && db.code().as_deref() == Some("23505")
            && let Some((_, field)) = UNIQUE_FIELDS
                .iter()
                .find(|(name, _)| db.constraint() == Some(*name))
        {
            return BillingError::field(field, "has already been taken");
        }
        BillingError::Database(err)
    }
}

/// Field name → messages, keyed by path for nested fields (`items_attributes[2].quantity`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// The fields named, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Moves another set of errors in, each field prefixed (`items_attributes[0].`).
    pub fn merge_prefixed(&mut self, prefix: &str, other: FieldErrors) {
        for (field, messages) in other.0 {
            self.0
                .entry(format!("{prefix}{field}"))
                .or_default()
                .extend(messages);
        }
    }

    /// Each field with its messages, in field order.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.0.iter()
    }
}
