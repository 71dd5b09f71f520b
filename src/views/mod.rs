//! How resources look: the one representation of each resource that API answers, event
//! payloads, emails and document formats all use. Views read what they show through the
//! domain's queries (`billing::…::find*`) and never change anything; they know nothing of
//! HTTP (`api::` wraps them in envelopes and answers).

pub mod address;
pub mod business;
pub mod credit_notes;
pub mod customers;
pub mod documents;
pub mod einvoice_ready;
pub mod events;
pub mod invoices;
pub mod me;
pub mod page;
pub mod payment_terms;
pub mod payments;
pub mod products;
pub mod profile;
pub mod quotes;
pub mod refunds;
pub mod reminders;
pub mod reports;
pub mod subscriptions;
pub mod taxes;
pub mod webhooks;

use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;

use crate::billing::events::Resource;
use crate::link_key::LinkKey;

/// `PUBLIC_URL/api/v1/<collection>/<id>.json`, the documents' `url` field.
pub fn resource_url(public_url: &str, collection: &str, id: i64) -> String {
    format!("{public_url}/api/v1/{collection}/{id}.json")
}

/// Renders resources with the server's `PUBLIC_URL` (the `url` fields) and its page
/// link key (the documents' `public_url`).
#[derive(Debug, Clone, Copy)]
pub struct Views<'s> {
    public_url: &'s str,
    links: &'s LinkKey,
}

impl<'s> Views<'s> {
    pub fn new(public_url: &'s str, links: &'s LinkKey) -> Self {
        Views { public_url, links }
    }

    /// The server's `PUBLIC_URL`.
    pub fn public_url(&self) -> &'s str {
        self.public_url
    }

    /// The customer's page of a live link's nonce (`billing::links`).
    pub fn page_url(&self, nonce: Option<&[u8]>) -> Option<String> {
        nonce.map(|nonce| self.links.page_url(self.public_url, nonce))
    }

    /// A resource as the API shows it (deleted records included), read on the given
    /// connection: inside a transaction, the state that transaction is about to commit.
    pub async fn render(
        &self,
        conn: &mut PgConnection,
        resource: Resource,
        business_id: i64,
        id: i64,
    ) -> sqlx::Result<Value> {
        let url = self.public_url;
        match resource {
            Resource::Customer => {
                let customer = crate::billing::customers::find(conn, business_id, id, true).await?;
                to_value(customer.map(|c| customers::CustomerView::new(c, url)))
            }
            Resource::Invoice => to_value(invoices::show_one(conn, *self, business_id, id).await?),
            Resource::Payment => {
                let payment = crate::billing::payments::find(conn, business_id, id, true).await?;
                to_value(payment.map(|p| payments::PaymentView::new(p, url)))
            }
            Resource::Refund => to_value(refunds::show_one(conn, url, business_id, id).await?),
            Resource::Quote => {
                to_value(quotes::show_one(conn, *self, business_id, id, true).await?)
            }
            Resource::CreditNote => {
                to_value(credit_notes::show_one(conn, *self, business_id, id).await?)
            }
            Resource::Product => {
                let product = crate::billing::products::find(conn, business_id, id, true).await?;
                to_value(product.map(|p| products::ProductView::new(p, url)))
            }
        }
    }
}

fn to_value<T: Serialize>(view: Option<T>) -> sqlx::Result<Value> {
    let view = view.ok_or(sqlx::Error::RowNotFound)?;
    serde_json::to_value(view).map_err(|err| sqlx::Error::Encode(Box::new(err)))
}
