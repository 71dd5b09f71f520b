//! Why a business rule refused a write. The HTTP layer turns these into 404 / 422.

use crate::error::{ApiError, FieldErrors};

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    /// Fields that break the rules, each named.
    #[error("validation failed")]
    Invalid(FieldErrors),
    /// A rule about the record as a whole (a paid invoice cannot change its items).
    #[error("{0}")]
    Refused(String),
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
];

/// Check constraints that guard a rule the code checks first, should a race get past it.
const CHECK_FIELDS: &[(&str, &str, &str)] = &[(
    "invoices_paid_not_above_total",
    "amount",
    "must be less than or equal to the invoice's balance",
)];

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

impl From<BillingError> for ApiError {
    fn from(err: BillingError) -> Self {
        match err {
            BillingError::Invalid(errors) => ApiError::validation(errors),
            BillingError::Refused(message) => ApiError::unprocessable(message),
            BillingError::NotFound => crate::api::ids::record_not_found(),
            BillingError::Database(err) => ApiError::internal(err),
        }
    }
}
