//! A payment as the API shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::payments::Payment;
use crate::timestamp;
use crate::views::documents::{MoneyView, money};
use crate::views::resource_url;

/// A payment as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentView {
    #[schema(example = 42)]
    pub id: i64,
    pub amount: MoneyView,
    /// What was refunded of it (`POST /payments/{id}/refunds`), at most `amount`.
    pub refunded: MoneyView,
    /// `amount` less `refunded`: what the payment counts for on its invoice.
    pub net_amount: MoneyView,
    /// ISO 4217, upper-case.
    #[schema(example = "USD")]
    pub currency: String,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub paid_at: DateTime<Utc>,
    /// cash, bank_transfer, card, check or other.
    #[schema(example = "bank_transfer")]
    pub payment_method: String,
    /// `payment_method` again, under the name Koteshen's pages give it.
    #[schema(example = "bank_transfer")]
    pub channel: String,
    #[schema(example = "EFT 2025-10-21")]
    pub reference: Option<String>,
    pub notes: Option<String>,
    #[schema(example = 150)]
    pub invoice_id: Option<i64>,
    #[schema(example = 13)]
    pub customer_id: Option<i64>,
    #[schema(example = 1)]
    pub business_id: i64,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub discarded_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-21T03:39:57.825Z")]
    pub updated_at: DateTime<Utc>,
    #[schema(example = "http://localhost:3000/api/v1/payments/42.json")]
    pub url: String,
}

impl PaymentView {
    pub fn new(p: Payment, public_url: &str) -> Self {
        PaymentView {
            url: resource_url(public_url, "payments", p.id),
            id: p.id,
            amount: money(p.amount_cents, &p.currency),
            refunded: money(p.refunded_cents, &p.currency),
            net_amount: money(p.amount_cents - p.refunded_cents, &p.currency),
            currency: p.currency,
            paid_at: p.paid_at,
            channel: p.payment_method.clone(),
            payment_method: p.payment_method,
            reference: p.reference,
            notes: p.notes,
            invoice_id: p.invoice_id,
            customer_id: p.customer_id,
            business_id: p.business_id,
            discarded_at: p.discarded_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}
