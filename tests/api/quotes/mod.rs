//! `/api/v1/quotes` and its actions: the documented create, the lifecycle, conversion into
//! an invoice, sending.

mod convert;
mod create;
mod duplicate;
mod events;
mod expiry;
mod list;
mod locked;
mod send;
mod status;
mod update;
