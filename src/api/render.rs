//! Resources rendered exactly as the API shows them, for the events the domain records
//! inside its transactions (`billing::events::Render`). The domain asks for the JSON; the
//! shapes stay here, in the HTTP layer, and an event's `data` always equals what a GET of
//! the resource answers at that moment.

use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;

use crate::app::AppState;
use crate::billing::events::{Render, Rendered};

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
}

fn to_value<T: Serialize>(view: Option<T>) -> sqlx::Result<Value> {
    let view = view.ok_or(sqlx::Error::RowNotFound)?;
    serde_json::to_value(view).map_err(|err| sqlx::Error::Encode(Box::new(err)))
}

impl Render for Views<'_> {
    fn customer<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        business_id: i64,
        id: i64,
    ) -> Rendered<'a> {
        Box::pin(async move {
            let customer = crate::billing::customers::find(conn, business_id, id, true).await?;
            to_value(customer.map(|c| crate::api::customers::CustomerView::new(c, self.public_url)))
        })
    }

    fn invoice<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        business_id: i64,
        id: i64,
    ) -> Rendered<'a> {
        Box::pin(async move {
            to_value(crate::api::invoices::show_one(conn, self.public_url, business_id, id).await?)
        })
    }

    fn payment<'a>(
        &'a self,
        conn: &'a mut PgConnection,
        business_id: i64,
        id: i64,
    ) -> Rendered<'a> {
        Box::pin(async move {
            let payment = crate::billing::payments::find(conn, business_id, id, true).await?;
            to_value(payment.map(|p| crate::api::payments::PaymentView::new(p, self.public_url)))
        })
    }
}
