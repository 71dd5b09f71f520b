//! `/api/v1/invoices` and its actions: the documented endpoints, money, numbering; and
//! sending by email through the job queue to a real SMTP server (the test's sink).

mod batch;
mod bulk;
mod create;
mod delete;
mod duplicate;
mod email_limits;
mod inclusive;
mod list;
mod locked;
mod mark_as_paid;
mod numbers;
mod send_invoice;
mod send_reminder;
mod status;
mod update;
