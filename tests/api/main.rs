//! Integration tests: each test starts the real server on an ephemeral port against a
//! fresh PostgreSQL database, and talks HTTP to it. Folders mirror `src/api/`.

mod conformance;
mod helpers;
mod query_count;
mod quotes;

mod admin;
mod bearer;
mod customers;
mod docs_ui;
mod errors;
mod health;
mod idempotency;
mod invoices;
mod jobs;
mod managed_db;
mod middleware;
mod numbering;
mod oauth;
mod openapi;
mod overdue;
mod pages;
mod payment_terms;
mod payments;
mod ransack;
mod ratelimit;
mod recurring;
mod reminders;
mod sending;
mod shutdown;
mod smtp_sink;
mod taxes;
mod test_postgres;
mod validation;
mod webhooks;
