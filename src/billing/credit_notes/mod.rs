//! Credit notes: how an issued invoice is corrected (issue 21 §2). A credit note credits
//! the whole remainder of its invoice, chosen lines and quantities, or an amount
//! (`money::credit` works out the figures); it takes its own gap-free number (`CN-0001`),
//! lowers the invoice's balance, and what the balance cannot take (the invoice was paid)
//! becomes the customer's credit balance (`billing::settlement`), which a refund pays
//! out or a later invoice consumes (`apply`). A credit note is never changed nor
//! deleted: it is a legal record; sending it by email is its one move.

pub mod apply;
pub mod create;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, QueryBuilder};

use crate::actor::Actor;
use crate::billing::documents::read::{self, FullRow, ListFilter};
use crate::billing::documents::{CREDIT_NOTE, document_row};
use crate::billing::search::Conditions;
use crate::billing::status::CreditNoteStatus;
use crate::paging::{Page, PageRequest, Sort};

pub const STATUSES: [&str; 2] = CreditNoteStatus::NAMES;

/// Sortable fields: API name → SQL expression.
pub const SORTS: [(&str, &str); 4] = [
    ("issued_at", "n.issued_at"),
    ("created_at", "n.created_at"),
    ("number", "n.number"),
    ("total", "n.total_cents"),
];

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CreditNote {
    pub id: i64,
    pub business_id: i64,
    pub invoice_id: i64,
    pub customer_id: i64,
    pub number: String,
    pub status: CreditNoteStatus,
    pub currency: String,
    pub issued_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub discount_type: Option<String>,
    pub discount_value: Option<Decimal>,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_total_cents: i64,
    pub total_cents: i64,
    /// The part of the total that went to the customer's credit balance.
    pub customer_credit_cents: i64,
    pub emailed_at: Option<DateTime<Utc>>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub discarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub created_by: Option<Json<Actor>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_by: Option<Json<Actor>>,
    /// The invoice it corrects, joined.
    pub invoice_number: String,
    pub invoice_issued_at: DateTime<Utc>,
}

document_row!(CreditNote, CREDIT_NOTE);

/// List filters; `None` means no filter.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    pub invoice_id: Option<i64>,
    /// Search in the number, the reason, the invoice's number and the customer's name.
    pub q: Option<String>,
    pub issued_from: Option<DateTime<Utc>>,
    pub issued_before: Option<DateTime<Utc>>,
    /// Ransack's `q[…]` (`search::CREDIT_NOTES`).
    pub conditions: Conditions,
}

impl ListFilter for Filter {
    fn push_where(&self, qb: &mut QueryBuilder<Postgres>, business_id: i64) {
        qb.push(" WHERE n.business_id = ").push_bind(business_id);
        if let Some(status) = &self.status {
            qb.push(" AND n.status = ").push_bind(status.clone());
        }
        if let Some(customer_id) = self.customer_id {
            qb.push(" AND n.customer_id = ").push_bind(customer_id);
        }
        if let Some(invoice_id) = self.invoice_id {
            qb.push(" AND n.invoice_id = ").push_bind(invoice_id);
        }
        if let Some(term) = &self.q {
            let pattern = crate::billing::customers::like_pattern(term);
            qb.push(" AND (n.number ILIKE ")
                .push_bind(pattern.clone())
                .push(" OR n.reason ILIKE ")
                .push_bind(pattern.clone())
                .push(" OR EXISTS (SELECT 1 FROM invoices i WHERE i.id = n.invoice_id AND i.number ILIKE ")
                .push_bind(pattern.clone())
                .push(
                    ") OR EXISTS (SELECT 1 FROM customers c WHERE c.id = n.customer_id \
                     AND c.name ILIKE ",
                )
                .push_bind(pattern)
                .push("))");
        }
        for (op, value) in [(">=", self.issued_from), ("<", self.issued_before)] {
            if let Some(value) = value {
                qb.push(format!(" AND n.issued_at {op} ")).push_bind(value);
            }
        }
        self.conditions.push(qb);
    }
}

/// A page of credit notes with everything their answers show, in two queries for any
/// page size (`read::list`).
pub(crate) async fn list(
    pool: &PgPool,
    business_id: i64,
    filter: &Filter,
    sort: Sort,
    page: PageRequest,
) -> sqlx::Result<Page<FullRow<CreditNote>>> {
    read::list(pool, business_id, filter, sort, page).await
}
