//! Integration tests: each test starts the real server on an ephemeral port against a
//! fresh PostgreSQL database, and talks HTTP to it. Folders mirror `src/api/`.

mod harness;

mod admin;
mod bearer;
mod customers;
mod docs_ui;
mod errors;
mod events;
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
mod query_count;
mod quotes;
mod ransack;
mod ratelimit;
mod reminders;
mod shutdown;
mod subscriptions;
mod taxes;
mod tenancy;
mod validation;
mod webhook_endpoints;
