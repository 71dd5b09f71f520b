//! What the HTTP side of invoices and quotes shares: reading items, discounts and taxes
//! from a body, and rendering money, items and taxes as the documents show them.

use rust_decimal::Decimal;

use crate::api::input::{Form, Obj, Patch};
use crate::billing::codes::is_unit_code;
use crate::billing::documents::content::TaxChange;
use crate::billing::documents::items::{DEFAULT_UNIT_CODE, LineChange};
use crate::billing::documents::{MAX_ITEM_ENTRIES, MAX_TAXES};
use crate::money::{check_fixed_amount, check_percent, check_quantity, check_unit_price};

pub const DISCOUNT_TYPES: [&str; 2] = ["percent", "fixed"];

/// Reads `items_attributes`: each entry an item change (with `id` updates it, without
/// adds one, `_destroy: true` removes it).
pub fn read_items(form: &mut Form, obj: &Obj) -> Vec<LineChange> {
    let entries = match form.objects(obj, "items_attributes", MAX_ITEM_ENTRIES, "entries") {
        Patch::Set(entries) => entries,
        _ => return Vec::new(),
    };
    entries
        .iter()
        .map(|item| {
            let id = form.integer(item, "id").set();
            let destroy = form.boolean(item, "_destroy").set().unwrap_or(false);
            // The catalogue product whose name, price, unit and taxes it takes where the
            // entry leaves them out (`billing::products::fill_items`).
            let product_id = form.integer(item, "product_id").set();
            // A new item needs all three (a product gives them); an existing one may
            // change any of them.
            let adding = id.is_none() && !destroy && !item.has("product_id");
            let name = form.string(item, "name", 1000);
            let name = form.not_null(item, "name", name, adding);
            let quantity = form.decimal(item, "quantity", check_quantity);
            let quantity = form.not_null(item, "quantity", quantity, adding);
            let unit_price = form.decimal(item, "unit_price", check_unit_price);
            let unit_price = form.not_null(item, "unit_price", unit_price, adding);
            let unit_code = read_unit_code(form, item);
            LineChange {
                id,
                destroy,
                name,
                unit_code,
                description: form.string(item, "description", 10_000).change(),
                quantity,
                unit_price,
                tax_ids: form
                    .ids(item, "tax_ids", MAX_TAXES, "taxes")
                    .change()
                    .map(Option::unwrap_or_default),
                product_id,
            }
        })
        .collect()
}

/// `unit_code`: a UN/ECE Recommendation 20 code in any case (stored upper-case); `null`
/// is the default, C62. `None` when absent or invalid (the error is named).
pub fn read_unit_code(form: &mut Form, obj: &Obj) -> Option<String> {
    match form.string(obj, "unit_code", 3) {
        Patch::Set(code) => {
            let upper = code.to_ascii_uppercase();
            if is_unit_code(&upper) {
                Some(upper)
            } else {
                let message = "is not a UN/ECE Recommendation 20 unit code (e.g. C62, HUR, KGM)";
                form.error(obj, "unit_code", message);
                None
            }
        }
        Patch::Null => Some(DEFAULT_UNIT_CODE.to_string()),
        _ => None,
    }
}

/// Reads the discount fields. A percent over 100 in a body that names the type is an
/// error on its own terms, named here beside any other field's; when only the value is
/// sent, the type is the document's current one and the billing rules check it.
pub fn read_discount(
    form: &mut Form,
    obj: &Obj,
) -> (Option<Option<String>>, Option<Option<Decimal>>) {
    let kind = form.one_of(obj, "discount_type", &DISCOUNT_TYPES);
    let value = form.decimal(obj, "discount_value", check_fixed_amount);
    if let (Patch::Set(kind), Patch::Set(v)) = (&kind, &value)
        && kind == "percent"
        && check_percent(*v).is_err()
    {
        form.error(obj, "discount_value", "must be less than or equal to 100");
    }
    (kind.change(), value.change())
}

/// Reads `invoice_taxes_attributes` (`[{"tax_id": 1}]`, `{"id": 5, "_destroy": true}`);
/// `None` when the body does not mention it (or the list is refused: too long).
pub fn read_taxes(form: &mut Form, obj: &Obj, field: &str) -> Option<Vec<TaxChange>> {
    match form.objects(obj, field, MAX_TAXES, "taxes") {
        Patch::Set(entries) => Some(
            entries
                .iter()
                .map(|t| TaxChange {
                    id: form.integer(t, "id").set(),
                    tax_id: form.integer(t, "tax_id").set(),
                    destroy: form.boolean(t, "_destroy").set().unwrap_or(false),
                })
                .collect(),
        ),
        Patch::Null => Some(Vec::new()),
        _ => None,
    }
}
