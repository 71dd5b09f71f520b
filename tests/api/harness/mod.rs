#![allow(dead_code)] // not every test uses every helper
//! What the tests share: the server and its client (`app.rs`) over a fresh database
//! (`database.rs`); requests and their answers, each checked against the OpenAPI document
//! (`requests.rs`, `conformance.rs`); the records tests start from (`fixtures.rs`); the
//! servers mail and webhooks are sent to (`smtp_sink.rs`, `webhook_receiver.rs`); an
//! OAuth client (`oauth.rs`), the binary as a command (`cli.rs`) and a browser
//! (`browser.rs`).

pub mod app;
pub mod browser;
pub mod cli;
pub mod conformance;
pub mod database;
pub mod fixtures;
pub mod oauth;
pub mod pdf;
pub mod query_counter;
pub mod requests;
pub mod smtp_sink;
pub mod test_postgres;
pub mod webhook_receiver;

pub use app::{Tenant, TestApp, test_config};
pub use database::{DatabaseGuard, database_url};
pub use fixtures::{
    Setup, assert_settled_exactly, concurrent_payments, documented_customer, documented_invoice,
    documented_quote, event_count, invoice_due_in, invoice_of, set_invoice_status, setup,
    standalone_payment, usd,
};
pub use pdf::{flat_text, get_pdf, page_count, pdf_fonts, pdf_info, pdf_metadata, pdf_text};
pub use requests::{
    action, assert_error, assert_invalid_token, get, json, patch, post, send, show,
};
pub use smtp_sink::app_with_sink;
