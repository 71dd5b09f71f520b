//! Resources rendered exactly as the API shows them, for the events the domain records
//! inside its transactions (`billing::events::Render`). The domain asks for the JSON; the
//! shapes stay here, in the HTTP layer, and an event's `data` always equals what a GET of
//! the resource answers at that moment.

use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;

use crate::billing::events::{Render, Rendered, Resource};
use crate::state::AppState;

/// Renders with the server's `PUBLIC_URL` (the `url` fields).
pub struct Views<'s> {
    public_url: &'s str,
}

impl<'s> Views<'s> {
    pub fn of(state: &'s AppState) -> Self {
        Views {
            public_url: &state.config.public_url,
        }
    }

    /// For background work, which has a configuration but no `AppState`.
    pub fn with_public_url(public_url: &'s str) -> Self {
        Views { public_url }
    }
}

fn to_value<T: Serialize>(view: Option<T>) -> sqlx::Result<Value> {
    let view = view.ok_or(sqlx::Error::RowNotFound)?;
    serde_json::to_value(view).map_err(|err| sqlx::Error::Encode(Box::new(err)))
}

impl Render for Views<'_> {
    fn render<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        resource: Resource,
        business_id: i64,
        id: i64,
    ) -> Rendered<'a> {
        let url = self.public_url;
        Box::pin(async move {
            match resource {
                Resource::Customer => {
                    let customer =
                        crate::billing::customers::find(conn, business_id, id, true).await?;
                    to_value(customer.map(|c| crate::api::customers::CustomerView::new(c, url)))
                }
                Resource::Invoice => {
                    to_value(crate::api::invoices::show_one(conn, url, business_id, id).await?)
                }
                Resource::Payment => {
                    let payment =
                        crate::billing::payments::find(conn, business_id, id, true).await?;
                    to_value(payment.map(|p| crate::api::payments::PaymentView::new(p, url)))
                }
                Resource::Quote => {
                    to_value(crate::api::quotes::show_one(conn, url, business_id, id, true).await?)
                }
            }
        })
    }
}
