//! One module per resource: request and response shapes, and thin handlers. The shared
//! conventions (envelopes, pagination, ids, lenient input) live beside them.

pub mod address;
pub mod aliases;
pub mod business;
pub mod business_logo;
pub mod customers;
pub mod docs;
pub mod documents;
pub mod einvoice;
pub mod events;
pub mod health;
pub mod ids;
pub mod input;
pub mod invoice_docs;
pub mod invoices;
pub mod logos;
pub mod me;
pub mod pagination;
pub mod params;
pub mod payment_terms;
pub mod payments;
pub mod pdf;
pub mod public_links;
pub mod quotes;
pub mod ransack;
pub mod refunds;
pub mod reminders;
pub mod response;
pub mod sending;
pub mod spec;
pub mod spec_forms;
pub mod spec_limits;
pub mod subscriptions;
pub mod taxes;
pub mod webhook_endpoints;
pub mod write;
