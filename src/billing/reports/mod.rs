//! The business's financial reports, read-only aggregates over the stored minor units:
//! `summary` (invoiced, credited, collected, outstanding, overdue per currency),
//! `aging` (open balances per customer by days past due), `tax` (tax charged per rate
//! and category, net of credit notes) and `revenue` (collected per interval). Periods
//! are whole days in the business's time zone; every query is scoped to the business.
//!
//! What counts: an invoice once issued (not a draft, not void, not deleted), by its
//! issue date; a credit note by its issue date; a payment (not deleted) by its date,
//! less the refunds made in the same period.
//!
//! The flows (invoiced, credited, paid, refunded, tax) are read from the running sums
//! per quarter hour that triggers keep (`report_slots`, `report_tax_slots`, migration
//! 370) whenever the period's bounds are quarter hours, which every local midnight of
//! a zone in use since 1980 is; otherwise, and in the tests that check the sums, from
//! the documents (`*_from_documents`). The open balances are always read from the open
//! invoices (a partial index holds them).

mod aging;
mod revenue;
mod summary;
mod tax;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;

pub use aging::{AgingRow, aging};
pub use revenue::{Interval, RevenueRow, revenue, revenue_from_documents};
pub use summary::{SummaryRow, summary, summary_from_documents};
pub use tax::{TaxRow, tax, tax_from_documents};

use crate::billing::schedule;

/// A report's days, `from` to `to` inclusive, in the business's zone; `None` bounds the
/// report by nothing (all time).
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub start: Option<DateTime<Utc>>,
    /// Exclusive: midnight after `to`.
    pub end: Option<DateTime<Utc>>,
}

impl Period {
    pub const ALL: Period = Period {
        start: None,
        end: None,
    };

    /// The instants of `from` 00:00 and the midnight after `to`, in `tz`.
    pub fn days(from: NaiveDate, to: NaiveDate, tz: Tz) -> Period {
        let midnight =
            |d: NaiveDate| schedule::from_local(tz, d.and_hms_opt(0, 0, 0).unwrap_or_default());
        Period {
            start: Some(midnight(from)),
            end: to.succ_opt().map(midnight),
        }
    }
}

impl Period {
    /// Whether the running sums answer it exactly: each bound a quarter hour (UTC).
    pub fn on_slots(&self) -> bool {
        [self.start, self.end]
            .iter()
            .flatten()
            .all(|t| t.timestamp().rem_euclid(SLOT_SECONDS) == 0 && t.year() >= SLOTS_SINCE)
    }
}

/// The running sums' grain (`report_slot()` in migration 370).
const SLOT_SECONDS: i64 = 15 * 60;
/// Every zone's offset has been whole quarter hours since this year (Monrovia's
/// -0:44:30 ended in 1972, Kathmandu's +5:30 became +5:45 in 1986): from it on, any local
/// midnight is a slot's start.
const SLOTS_SINCE: i32 = 1980;

/// The business's time zone (UTC when the stored one is unknown).
pub async fn time_zone(pool: &PgPool, business_id: i64) -> sqlx::Result<Tz> {
    let name: Option<String> = sqlx::query_scalar("SELECT time_zone FROM businesses WHERE id = $1")
        .bind(business_id)
        .fetch_optional(pool)
        .await?;
    Ok(name.map_or(Tz::UTC, |n| schedule::time_zone(&n)))
}

/// The SQL of "an issued invoice" (alias `i`).
const ISSUED_INVOICE: &str = "i.discarded_at IS NULL AND i.status NOT IN ('draft', 'void')";
