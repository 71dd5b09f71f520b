//! Documentation-only shapes of the invoice endpoints (the OpenAPI document's
//! parameters and bodies); requests are read by `ListQuery` and `input::Form`.

use utoipa::{IntoParams, ToSchema};

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: read by `ListQuery`
pub struct InvoiceListParams {
    /// Page number, from 1.
    page: Option<i64>,
    /// Records per page, 1 to 100 (default 25).
    per_page: Option<i64>,
    /// `issued_at`, `due_at`, `created_at`, `number` or `total`; prefix `-` for descending.
    sort: Option<String>,
    /// Ransack sort instead of `sort`: `issued_at desc`, `total asc`; several as
    /// `s[0]=issued_at desc&s[1]=total asc`.
    s: Option<String>,
    /// Search in the number and the customer's name. Ransack filters are also taken:
    /// `q[<attribute>_<predicate>]=value`, attributes id, number, status, issued_at,
    /// due_at, customer_id, currency, subtotal, total, balance (decimal units of each
    /// invoice's currency), paid, paid_at, created_at, updated_at, notes; predicates eq,
    /// not_eq, gt, lt, gteq, lteq, cont, starts_with, in (comma-separated). Unknown ones
    /// are a 422 naming the parameter.
    q: Option<String>,
    /// draft, sent, viewed, partial, paid, overdue or void.
    status: Option<String>,
    customer_id: Option<i64>,
    paid: Option<bool>,
    /// Issued at or after (a date or an ISO 8601 timestamp).
    issued_from: Option<String>,
    /// Issued at or before.
    issued_to: Option<String>,
    /// Due at or after.
    due_from: Option<String>,
    /// Due at or before.
    due_to: Option<String>,
    /// Include deleted invoices.
    include_deleted: Option<bool>,
}

/// The body of a create or update, wrapped (`{"invoice": {...}}`) or bare. Numbers may
/// be JSON numbers or numeric strings.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"invoice": {"issued_at": "2025-10-12T00:00:00.000Z",
    "payment_term_id": 89, "currency": "USD", "customer_id": 13,
    "items_attributes": [{"name": "Items Consulting", "quantity": 1, "unit_price": "400.0"}],
    "discount_type": "percent", "discount_value": "5",
    "invoice_taxes_attributes": [{"tax_id": "1"}], "notes": ""}}))]
#[allow(dead_code)] // documentation only: bodies are read leniently by `input::Form`
pub struct InvoiceInput {
    /// Required on create (ISO 4217, any case).
    currency: Option<String>,
    /// Required on create.
    customer_id: Option<i64>,
    /// Chosen by the client, or the next `INV-0001`-style number.
    number: Option<String>,
    /// Default: now.
    issued_at: Option<String>,
    /// Default: issued_at + the payment term's days.
    due_at: Option<String>,
    payment_term_id: Option<i64>,
    notes: Option<String>,
    /// The buyer's reference for routing the invoice (BT-10; a Leitweg-ID for German
    /// public buyers), at most 200 characters; fixed once issued.
    buyer_reference: Option<String>,
    /// The buyer's purchase order number (BT-13), at most 200 characters; fixed once
    /// issued.
    purchase_order: Option<String>,
    /// `percent` or `fixed`.
    discount_type: Option<String>,
    /// Percent (0–100) or an amount (≤ subtotal).
    discount_value: Option<String>,
    /// Up to 100 items.
    items_attributes: Option<Vec<ItemInput>>,
    /// Invoice-level taxes; when no tax is named anywhere, the business's default taxes
    /// apply.
    invoice_taxes_attributes: Option<Vec<DocumentTaxInput>>,
}

#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation only
pub struct ItemInput {
    /// On update: the item to change (omit to add an item).
    id: Option<i64>,
    /// On update: `true` removes the item.
    _destroy: Option<bool>,
    name: Option<String>,
    description: Option<String>,
    /// ≥ 0, at most 4 decimals.
    quantity: Option<String>,
    /// ≥ 0, at most 4 decimals.
    unit_price: Option<String>,
    /// UN/ECE Recommendation 20 unit code (any case): `C62` (one, the default), `HUR`
    /// hour, `DAY`, `KGM` kilogram, `MTR` metre…
    unit_code: Option<String>,
    /// Item-level taxes.
    tax_ids: Option<Vec<i64>>,
    /// A catalogue product (`/products`): the name, description, unit price (when the
    /// product is priced in the document's currency), unit and default taxes it has fill
    /// in what the entry leaves out, and a new item's quantity defaults to 1. The item
    /// keeps its own copy.
    product_id: Option<i64>,
}

#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documentation only
pub struct DocumentTaxInput {
    tax_id: Option<i64>,
    /// On update: the tax line to remove, with `_destroy`.
    id: Option<i64>,
    _destroy: Option<bool>,
}
