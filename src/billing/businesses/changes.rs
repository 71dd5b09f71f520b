//! A change to the business profile (`PATCH /business`): the columns sent, the address
//! (inserted, updated in place or removed) and, when asked, the logo removed. One
//! transaction, the business row locked first.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::billing::addresses::{self, AddressChanges};
use crate::billing::businesses::logos;

/// The profile's fields as a request gives them: `None` keeps, `Some(None)` clears.
#[derive(Debug, Default, Clone)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub legal_name: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub tax_id: Option<Option<String>>,
    pub registration_number: Option<Option<String>>,
    /// `Some(None)` removes the address.
    pub address: Option<Option<AddressChanges>>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    /// `a4` or `letter`.
    pub paper_size: Option<String>,
    pub accent_color: Option<Option<String>>,
    pub default_notes: Option<Option<String>>,
    pub footer: Option<Option<String>>,
    pub bank_name: Option<Option<String>>,
    pub account_holder: Option<Option<String>>,
    pub iban: Option<Option<String>>,
    pub bic: Option<Option<String>>,
    pub payment_text: Option<Option<String>>,
    pub invoice_prefix: Option<String>,
    pub quote_prefix: Option<String>,
    pub credit_note_prefix: Option<String>,
    pub number_padding: Option<i32>,
    /// `logo: null`: the logo goes.
    pub remove_logo: bool,
}

/// Applies the changes to the business.
pub async fn update(
    tx: &mut PgConnection,
    business_id: i64,
    c: &ProfileChanges,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let address_id: Option<i64> =
        sqlx::query_scalar("SELECT address_id FROM businesses WHERE id = $1 FOR UPDATE")
            .bind(business_id)
            .fetch_one(&mut *tx)
            .await?;
    let address = addresses::apply(&mut *tx, address_id, &c.address, now).await?;

    let mut qb = QueryBuilder::<Postgres>::new("UPDATE businesses SET updated_at = ");
    qb.push_bind(now);
    let mut set = |column: &str, value: Option<Option<String>>| {
        if let Some(value) = value {
            qb.push(format!(", {column} = ")).push_bind(value);
        }
    };
    set("name", c.name.clone().map(Some));
    set("legal_name", c.legal_name.clone());
    set("email", c.email.clone());
    set("phone", c.phone.clone());
    set("website", c.website.clone());
    set("tax_id", c.tax_id.clone());
    set("registration_number", c.registration_number.clone());
    set("time_zone", c.time_zone.clone().map(Some));
    set("locale", c.locale.clone().map(Some));
    set("paper_size", c.paper_size.clone().map(Some));
    set("accent_color", c.accent_color.clone());
    set("default_notes", c.default_notes.clone());
    set("footer", c.footer.clone());
    set("payment_bank_name", c.bank_name.clone());
    set("payment_account_holder", c.account_holder.clone());
    set("payment_iban", c.iban.clone());
    set("payment_bic", c.bic.clone());
    set("payment_text", c.payment_text.clone());
    set("invoice_prefix", c.invoice_prefix.clone().map(Some));
    set("quote_prefix", c.quote_prefix.clone().map(Some));
    set("credit_note_prefix", c.credit_note_prefix.clone().map(Some));
    if let Some(padding) = c.number_padding {
        qb.push(", number_padding = ").push_bind(padding);
    }
    if let Some(address_id) = address.new_id {
        qb.push(", address_id = ").push_bind(address_id);
    }
    qb.push(" WHERE id = ").push_bind(business_id);
    qb.build().execute(&mut *tx).await?;

    address.remove_orphan(&mut *tx).await?;
    if c.remove_logo {
        logos::remove(&mut *tx, business_id).await?;
    }
    Ok(())
}
