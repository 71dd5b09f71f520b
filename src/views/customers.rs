//! A customer as the API shows it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::customers::Customer;
use crate::timestamp;
use crate::views::address::CustomerAddressView;
use crate::views::documents::{MoneyView, money};
use crate::views::resource_url;

/// A customer as the documents show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerView {
    #[schema(example = 13)]
    pub id: i64,
    #[schema(example = "Texas Ins")]
    pub name: String,
    #[schema(example = "Texas Ins")]
    pub company: Option<String>,
    #[schema(example = "business")]
    pub customer_type: String,
    #[schema(example = "procurement@texas.com")]
    pub email: Option<String>,
    #[schema(example = "+27675711214")]
    pub phone: Option<String>,
    #[schema(example = "za")]
    pub phone_country: Option<String>,
    /// ISO 4217, upper-case.
    #[schema(example = "ZAR")]
    pub currency: Option<String>,
    #[schema(example = "https://texas.com")]
    pub website: Option<String>,
    #[schema(example = "notesy")]
    pub notes: Option<String>,
    /// The customer's tax id (VAT number): an EU VAT number is checked for its
    /// country's format and kept compact and upper-case.
    #[schema(example = "DE123456789")]
    pub tax_id: Option<String>,
    #[schema(example = 1)]
    pub business_id: i64,
    pub address: Option<CustomerAddressView>,
    /// What credit notes left to the customer's credit (a paid invoice credited), per
    /// currency, for refunds or later invoices (`POST /invoices/{id}/apply_credit`);
    /// empty when there is none.
    pub credit_balances: Vec<MoneyView>,
    #[serde(serialize_with = "timestamp::serialize_option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub discarded_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:00:37.057Z")]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "timestamp::serialize")]
    #[schema(value_type = String, format = DateTime, example = "2025-10-12T19:09:27.293Z")]
    pub updated_at: chrono::DateTime<chrono::Utc>,
    #[schema(example = "http://localhost:3000/api/v1/customers/13.json")]
    pub url: String,
}

impl CustomerView {
    pub fn new(c: Customer, public_url: &str) -> Self {
        CustomerView {
            url: resource_url(public_url, "customers", c.id),
            id: c.id,
            name: c.name,
            company: c.company,
            customer_type: c.customer_type,
            email: c.email,
            phone: c.phone,
            phone_country: c.phone_country,
            currency: c.currency,
            website: c.website,
            notes: c.notes,
            tax_id: c.tax_id,
            business_id: c.business_id,
            address: c.address.map(CustomerAddressView::from),
            credit_balances: c
                .credit_balances
                .iter()
                .map(|b| money(b.cents, &b.currency))
                .collect(),
            discarded_at: c.discarded_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}
