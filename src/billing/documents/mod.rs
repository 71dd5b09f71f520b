//! What invoices and quotes share: their items, the taxes applied to them, pricing with
//! the money module, and numbering. One implementation serves both kinds; `Kind` names
//! the tables of each.

pub mod content;
pub mod items;
pub mod pricing;
pub mod tax_lines;

use crate::billing::numbering::DocumentKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// `invoice` or `quote`: the body wrapper and the event prefix.
    pub name: &'static str,
    pub table: &'static str,
    pub items_table: &'static str,
    pub taxes_table: &'static str,
    /// The items' and taxes' column pointing at the document.
    pub foreign_key: &'static str,
    /// The request field naming document-level taxes.
    pub taxes_field: &'static str,
    pub numbering: DocumentKind,
}

pub const INVOICE: Kind = Kind {
    name: "invoice",
    table: "invoices",
    items_table: "invoice_items",
    taxes_table: "invoice_taxes",
    foreign_key: "invoice_id",
    taxes_field: "invoice_taxes_attributes",
    numbering: DocumentKind::Invoice,
};

pub const QUOTE: Kind = Kind {
    name: "quote",
    table: "quotes",
    items_table: "quote_items",
    taxes_table: "quote_taxes",
    foreign_key: "quote_id",
    taxes_field: "quote_taxes_attributes",
    numbering: DocumentKind::Quote,
};

/// At most this many items on one document.
pub const MAX_ITEMS: usize = 100;
