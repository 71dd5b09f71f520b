//! Business rules and the SQL that owns them, one module per resource. Nothing here
//! knows about HTTP: handlers in `api/` and background jobs call the same functions.

pub mod addresses;
pub mod businesses;
pub mod codes;
pub mod credit_notes;
pub mod customer_page;
pub mod customers;
pub mod documents;
pub mod emailed;
pub mod error;
pub mod events;
pub mod invoice_copies;
pub mod invoices;
pub mod issued;
pub mod links;
pub mod numbering;
pub mod overdue;
pub mod overview;
pub mod payment_terms;
pub mod payments;
pub mod products;
pub mod profile;
pub mod quote_copies;
pub mod quotes;
pub mod recurring;
pub mod refunds;
pub mod reminders;
pub mod reports;
pub mod schedule;
pub mod schedule_phrase;
pub mod search;
pub mod sending;
pub mod settlement;
pub mod status;
pub mod sweeping;
pub mod taxes;
