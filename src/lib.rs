//! koteshen: a self-hostable billing server that speaks the Koteshen API.
//!
//! `ARCHITECTURE.md` maps the modules to their responsibilities.

pub mod actor;
pub mod admin;
pub mod api;
pub mod app;
pub mod auth;
pub mod billing;
pub mod clock;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod einvoice;
pub mod error;
pub mod http;
pub mod jobs;
pub mod link_key;
pub mod mail;
pub mod managed_db;
pub mod money;
pub mod oauth;
pub mod paging;
pub mod public;
pub mod publish;
pub mod queue;
pub mod ratelimit;
pub mod render;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod timestamp;
pub mod tls;
pub mod views;
pub mod webhooks;
