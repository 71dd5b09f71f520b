//! What an e-invoice is made of, for either document that becomes one: an invoice (a
//! commercial invoice, UNTDID 1001 code 380) or a credit note (381, referring to the
//! invoice it corrects, BT-25/BT-26). `figures`, `readiness` and `model` read a
//! document through this trait only.

use chrono::{DateTime, Utc};

use crate::billing::credit_notes::CreditNote;
use crate::billing::documents::Document;
use crate::billing::documents::items::Item;
use crate::billing::invoices::Invoice;
use crate::money::Discount;

/// Which e-invoice document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Invoice,
    CreditNote,
}

impl Kind {
    /// BT-3 (UNTDID 1001).
    pub fn type_code(self) -> &'static str {
        match self {
            Kind::Invoice => "380",
            Kind::CreditNote => "381",
        }
    }

    /// "invoice" or "credit note", for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Invoice => "invoice",
            Kind::CreditNote => "credit note",
        }
    }
}

/// The stored amounts, in minor units (what the API shows).
#[derive(Debug, Clone)]
pub struct Stored<'a> {
    pub kind: Kind,
    pub currency: &'a str,
    pub discount: Discount,
    pub subtotal_cents: i64,
    pub discount_cents: i64,
    pub tax_total_cents: i64,
    pub total_cents: i64,
    /// BT-113.
    pub paid_cents: i64,
    /// BT-115.
    pub due_cents: i64,
}

/// The header terms of the document.
#[derive(Debug, Clone)]
pub struct Header {
    pub number: String,
    pub issued_at: DateTime<Utc>,
    /// BT-9: an invoice's due date; none for a credit note.
    pub due_at: Option<DateTime<Utc>>,
    /// BT-22.
    pub note: Option<String>,
    pub buyer_reference: Option<String>,
    pub purchase_order: Option<String>,
    /// The payment term's name (an invoice's).
    pub term_name: Option<String>,
    /// BT-25 and BT-26: the invoice a credit note corrects.
    pub preceding: Option<(String, DateTime<Utc>)>,
}

/// A document that can be an e-invoice.
pub trait Source: Document {
    /// Which e-invoice document it becomes.
    const EINVOICE: Kind;
    fn stored(&self) -> Stored<'_>;
    fn header(&self) -> Header;
    /// Whether it is void: its PDF then carries no e-invoice (Factur-X), which a buyer's
    /// system would book as payable. A draft's does: it is what a business sends when it
    /// mails the PDF itself.
    fn void(&self) -> bool;
}

pub(crate) fn discount(doc: &impl Document) -> Discount {
    match (doc.discount_type().as_deref(), doc.discount_value()) {
        (Some("percent"), Some(v)) => Discount::Percent(v),
        (Some("fixed"), Some(v)) => Discount::Fixed(v),
        _ => Discount::None,
    }
}

impl Source for Invoice {
    const EINVOICE: Kind = Kind::Invoice;

    fn stored(&self) -> Stored<'_> {
        Stored {
            kind: Self::EINVOICE,
            currency: &self.currency,
            discount: discount(self),
            subtotal_cents: self.subtotal_cents,
            discount_cents: self.discount_cents,
            tax_total_cents: self.tax_total_cents,
            total_cents: self.total_cents,
            paid_cents: self.paid_cents,
            due_cents: self.balance_cents,
        }
    }

    fn header(&self) -> Header {
        Header {
            number: self.number.clone(),
            issued_at: self.issued_at,
            due_at: Some(self.due_at),
            note: self.notes.clone(),
            buyer_reference: self.buyer_reference.clone(),
            purchase_order: self.purchase_order.clone(),
            term_name: self.term.term_name.clone(),
            preceding: None,
        }
    }

    fn void(&self) -> bool {
        self.status == crate::billing::status::InvoiceStatus::Void
    }
}

/// A credit note states its own amounts, positive (EN 16931: a 381 document carries
/// positive amounts): nothing paid, the total due (BT-113 0, BT-115 = BT-112).
impl Source for CreditNote {
    const EINVOICE: Kind = Kind::CreditNote;

    fn stored(&self) -> Stored<'_> {
        Stored {
            kind: Self::EINVOICE,
            currency: &self.currency,
            discount: discount(self),
            subtotal_cents: self.subtotal_cents,
            discount_cents: self.discount_cents,
            tax_total_cents: self.tax_total_cents,
            total_cents: self.total_cents,
            paid_cents: 0,
            due_cents: self.total_cents,
        }
    }

    fn header(&self) -> Header {
        Header {
            number: self.number.clone(),
            issued_at: self.issued_at,
            due_at: None,
            note: self.reason.clone(),
            buyer_reference: None,
            purchase_order: None,
            term_name: None,
            preceding: Some((self.invoice_number.clone(), self.invoice_issued_at)),
        }
    }

    /// A credit note is never voided (a second one corrects it).
    fn void(&self) -> bool {
        false
    }
}

/// An amount credit's one line (`money::credit`): no invoice item, no taxes of its own.
pub fn is_amount_line(kind: Kind, items: &[Item]) -> bool {
    kind == Kind::CreditNote
        && matches!(items, [only] if only.invoice_item_id.is_none() && only.tax_ids.is_empty())
}
