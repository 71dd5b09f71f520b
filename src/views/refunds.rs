//! A refund as the API shows it: with its payment as that now stands (the `refunded`
//! total and `net_amount` after it), so a `payment.refunded` event carries both.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;

use crate::billing::refunds::{self, Refund};
use crate::timestamp;
use crate::views::documents::{MoneyView, money};
use crate::views::payments::PaymentView;

/// A refund of a payment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefundView {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = 42)]
    pub payment_id: i64,
    /// The invoice its payment pays, if any.
    #[schema(example = 150)]
    pub invoice_id: Option<i64>,
    pub amount: MoneyView,
    /// ISO 4217, the payment's.
    #[schema(example = "USD")]
    pub currency: String,
    /// cash, bank_transfer, card, check or other (default: the payment's).
    #[schema(example = "bank_transfer")]
    pub payment_method: String,
    #[schema(example = "EFT refund 2025-11-02")]
    pub reference: Option<String>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-11-02T00:00:00.000Z")]
    pub refunded_at: DateTime<Utc>,
    #[schema(example = 1)]
    pub business_id: i64,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-11-02T03:39:57.825Z")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-11-02T03:39:57.825Z")]
    pub updated_at: DateTime<Utc>,
    #[schema(example = "http://localhost:3000/api/v1/payments/42/refunds/7.json")]
    pub url: String,
    /// The payment as it stands.
    pub payment: PaymentView,
}

impl RefundView {
    pub fn new(r: Refund, payment: PaymentView, public_url: &str) -> Self {
        RefundView {
            url: refund_url(public_url, r.payment_id, r.id),
            id: r.id,
            payment_id: r.payment_id,
            invoice_id: payment.invoice_id,
            amount: money(r.amount_cents, &r.currency),
            currency: r.currency,
            payment_method: r.payment_method,
            reference: r.reference,
            refunded_at: r.refunded_at,
            business_id: r.business_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
            payment,
        }
    }
}

/// `PUBLIC_URL/api/v1/payments/<payment>/refunds/<id>.json`.
pub fn refund_url(public_url: &str, payment_id: i64, id: i64) -> String {
    format!("{public_url}/api/v1/payments/{payment_id}/refunds/{id}.json")
}

/// One refund with its payment (deleted or not), read on the given connection: two
/// queries.
pub async fn show_one(
    conn: &mut PgConnection,
    public_url: &str,
    business_id: i64,
    id: i64,
) -> sqlx::Result<Option<RefundView>> {
    let Some(refund) = refunds::find(&mut *conn, business_id, id).await? else {
        return Ok(None);
    };
    let payment = crate::billing::payments::find(&mut *conn, business_id, refund.payment_id, true)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let payment = PaymentView::new(payment, public_url);
    Ok(Some(RefundView::new(refund, payment, public_url)))
}
