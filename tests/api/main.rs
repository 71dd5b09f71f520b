//! Integration tests: each test starts the real server on an ephemeral port against a
//! fresh PostgreSQL database and talks HTTP to it; what tests share is in `harness/`.
//!
//! A route's tests are found from the route: `/api/v1/<resource>/{id}/<action>` is tested
//! in `<resource>/<action>.rs` (`create`, `list`, `update`, `delete`, `status`, …); an
//! invoice's payments, reminders and subscription have the folders `payments/`,
//! `reminders/` and `subscriptions/`. A `round_trip.rs` takes one record through create,
//! show, list, update and delete; an `events.rs` checks the events changes record.
//! Another business's records (`tenancy.rs`) and what a list or a show costs in queries
//! (`query_count.rs`) are one table each over every resource. The other files are named
//! for what they test across routes.

mod harness;

// One folder per resource.
mod business;
mod credit_notes;
mod customers;
mod einvoice;
mod events;
mod invoices;
mod payment_terms;
mod payments;
pub(crate) mod pdf;
mod products;
pub(crate) mod public_page;
mod quotes;
mod reminders;
mod reports;
mod subscriptions;
mod taxes;
mod webhook_endpoints;

// Every resource at once.
mod pages;
mod query_count;
mod ransack;
mod tenancy;
mod validation;

// The server around the resources.
mod admin;
mod bearer;
mod dashboard;
mod docs_ui;
mod errors;
mod fairness;
mod health;
mod idempotency;
mod jobs;
mod managed_db;
mod middleware;
mod numbering;
mod oauth;
mod openapi;
mod outage;
mod overdue;
mod prune;
mod ratelimit;
mod scale_out;
mod shutdown;
