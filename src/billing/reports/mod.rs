//! The business's financial reports, read-only aggregates over the stored minor units:
//! `summary` (invoiced, credited, collected, outstanding, overdue per currency),
//! `aging` (open balances per customer by days past due), `tax` (tax charged per rate
//! and category, net of credit notes) and `revenue` (collected per interval). Periods
//! are whole days in the business's time zone; every query is scoped to the business.
//!
//! What counts: an invoice once issued (not a draft, not void, not deleted), by its
//! issue date; a credit note by its issue date; a payment (not deleted) by its date,
//! less the refunds made in the same period.

mod aging;
mod revenue;
mod summary;
mod tax;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;

pub use aging::{AgingRow, aging};
pub use revenue::{Interval, RevenueRow, revenue};
pub use summary::{SummaryRow, summary};
pub use tax::{TaxRow, tax};

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
