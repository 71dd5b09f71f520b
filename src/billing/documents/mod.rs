//! What invoices, quotes and credit notes share: their items, the taxes applied to them, pricing with
//! the money module, numbering, reading them (`read`) and saving what they charge
//! (`content`). One implementation serves both kinds; `Kind` names the tables and
//! columns of each, and `Document` ties a kind's row type to its `Kind`.

pub mod content;
pub mod items;
pub mod locked;
pub mod pricing;
pub mod read;
pub mod tax_lines;

use rust_decimal::Decimal;
use sqlx::FromRow;
use sqlx::postgres::PgRow;

use crate::billing::numbering::DocumentKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// `invoice` or `quote`: the body wrapper and the event prefix.
    pub name: &'static str,
    pub table: &'static str,
    /// The table's alias in every statement that reads rows (`i`, `q`): the lists' sorts
    /// and Ransack conditions name columns through it.
    pub alias: &'static str,
    /// The select list of the kind's row (`invoices::Invoice`, `quotes::Quote`).
    pub columns: &'static str,
    /// The `FROM` of that select list, with what it joins.
    pub from: &'static str,
    pub items_table: &'static str,
    pub taxes_table: &'static str,
    /// The items' and taxes' column pointing at the document.
    pub foreign_key: &'static str,
    /// More item columns the kind's items have (`, invoice_item_id`), or "".
    pub item_columns: &'static str,
    /// The request field naming document-level taxes.
    pub taxes_field: &'static str,
    pub numbering: DocumentKind,
}

pub const INVOICE: Kind = Kind {
    name: "invoice",
    table: "invoices",
    alias: "i",
    columns: "SELECT i.id, i.business_id, i.customer_id, i.number, i.status, i.currency,
        i.issued_at, i.due_at, i.payment_term_id, i.notes, i.discount_type, i.discount_value,
        i.subtotal_cents, i.discount_cents, i.tax_total_cents, i.total_cents, i.paid_cents,
        i.credited_cents, i.credit_applied_cents, i.balance_cents, i.paid, i.emailed_at, i.viewed_at, i.voided_at, i.paid_at,
        i.discarded_at, i.created_at, i.updated_at, i.created_by, i.sent_at, i.sent_by,
        i.voided_by, i.buyer_reference, i.purchase_order,
        pt.name AS term_name, pt.value AS term_value, pt.created_at AS term_created_at,
        pt.updated_at AS term_updated_at",
    // The payment term shows even if deleted since.
    from: "FROM invoices i LEFT JOIN payment_terms pt ON pt.id = i.payment_term_id",
    items_table: "invoice_items",
    taxes_table: "invoice_taxes",
    foreign_key: "invoice_id",
    item_columns: "",
    taxes_field: "invoice_taxes_attributes",
    numbering: DocumentKind::Invoice,
};

pub const QUOTE: Kind = Kind {
    name: "quote",
    table: "quotes",
    alias: "q",
    columns: "SELECT q.id, q.business_id, q.customer_id, q.number, q.status, q.currency,
        q.issued_at, q.expires_at, q.summary, q.notes, q.discount_type, q.discount_value,
        q.subtotal_cents, q.discount_cents, q.tax_total_cents, q.total_cents, q.emailed_at,
        q.viewed_at, q.accepted_at, q.rejected_at, q.expired_at, q.invoiced_at, q.invoice_id,
        q.discarded_at, q.created_at, q.updated_at, q.created_by, q.sent_at, q.sent_by",
    from: "FROM quotes q",
    items_table: "quote_items",
    taxes_table: "quote_taxes",
    foreign_key: "quote_id",
    item_columns: "",
    taxes_field: "quote_taxes_attributes",
    numbering: DocumentKind::Quote,
};

pub const CREDIT_NOTE: Kind = Kind {
    name: "credit_note",
    table: "credit_notes",
    alias: "n",
    columns: "SELECT n.id, n.business_id, n.invoice_id, n.customer_id, n.number, n.status,
        n.currency, n.issued_at, n.reason, n.discount_type, n.discount_value,
        n.subtotal_cents, n.discount_cents, n.tax_total_cents, n.total_cents,
        n.customer_credit_cents, n.emailed_at, n.viewed_at, n.discarded_at, n.created_at,
        n.updated_at, n.created_by, n.sent_at, n.sent_by, inv.number AS invoice_number,
        inv.issued_at AS invoice_issued_at",
    from: "FROM credit_notes n JOIN invoices inv ON inv.id = n.invoice_id",
    items_table: "credit_note_items",
    taxes_table: "credit_note_taxes",
    foreign_key: "credit_note_id",
    item_columns: ", invoice_item_id",
    // Credit notes take no tax ids: they credit the invoice's taxes as applied.
    taxes_field: "taxes",
    numbering: DocumentKind::CreditNote,
};

/// A kind's row, read by `Kind::columns`: what the shared reading and saving need of it.
pub trait Document: for<'r> FromRow<'r, PgRow> + Send + Unpin {
    const KIND: Kind;
    fn id(&self) -> i64;
    /// The ISO code it is stored in.
    fn currency(&self) -> &str;
    fn discount_type(&self) -> Option<String>;
    fn discount_value(&self) -> Option<Decimal>;
}

/// `Document` for a row struct with the fields every kind has (`id`, `currency`,
/// `discount_type`, `discount_value`): what differs is only the `Kind`.
macro_rules! document_row {
    ($row:ty, $kind:expr) => {
        impl $crate::billing::documents::Document for $row {
            const KIND: $crate::billing::documents::Kind = $kind;
            fn id(&self) -> i64 {
                self.id
            }
            fn currency(&self) -> &str {
                &self.currency
            }
            fn discount_type(&self) -> Option<String> {
                self.discount_type.clone()
            }
            fn discount_value(&self) -> Option<rust_decimal::Decimal> {
                self.discount_value
            }
        }
    };
}
pub(crate) use document_row;

/// At most this many items on one document.
pub const MAX_ITEMS: usize = 100;

/// At most this many entries in one request's `items_attributes`: enough to remove every
/// item and add as many again, and counted before any entry is read.
pub const MAX_ITEM_ENTRIES: usize = 2 * MAX_ITEMS;

/// At most this many taxes on one document, on one item, and entries in one request's
/// `invoice_taxes_attributes`: a real document carries a few.
pub const MAX_TAXES: usize = 20;
