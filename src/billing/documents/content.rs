//! What a document charges: its items, discount and taxes, priced together. Creating
//! and updating invoices and quotes go through `prepare_new` / `prepare_update` (the
//! content repriced) and `Prepared` (the totals their row stores, then the items and tax
//! lines saved); converting one into the other through `copy`.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgConnection, Postgres};

use super::items::{self, Item, Line, LineChange};
use super::pricing::{NamedTax, Priced, TaxBook, price};
use super::tax_lines::{self, TaxLine};
use super::{Document, Kind, MAX_TAXES};
use crate::billing::error::BillingError;
use crate::billing::error::FieldErrors;
use crate::billing::products;
use crate::money::{Currency, Discount, check_percent};

/// An entry of `invoice_taxes_attributes`: add a tax (`tax_id`), or remove one
/// (`_destroy` with the tax line's `id` or the `tax_id`).
#[derive(Debug, Clone, Default)]
pub struct TaxChange {
    pub id: Option<i64>,
    pub tax_id: Option<i64>,
    pub destroy: bool,
}

/// The charging part of a create or update request. `None` keeps (or, on create,
/// defaults); `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct ContentChanges {
    pub discount_type: Option<Option<String>>,
    pub discount_value: Option<Option<Decimal>>,
    pub items: Vec<LineChange>,
    /// `None`: the request did not mention document-level taxes.
    pub taxes: Option<Vec<TaxChange>>,
}

impl ContentChanges {
    /// Does the request touch what the document charges?
    pub fn touches_amounts(&self) -> bool {
        !self.items.is_empty()
            || self.taxes.is_some()
            || self.discount_type.is_some()
            || self.discount_value.is_some()
    }
}

/// What a document charges now (nothing, for a new one).
#[derive(Debug, Clone, Default)]
pub struct Current {
    pub items: Vec<Item>,
    pub taxes: Vec<TaxLine>,
    pub discount_type: Option<String>,
    pub discount_value: Option<Decimal>,
    /// A document being created: default taxes apply when it names none.
    pub is_new: bool,
}

impl Current {
    /// The empty content of a document being created.
    pub fn new_document() -> Current {
        Current {
            is_new: true,
            ..Current::default()
        }
    }

    pub async fn load(
        conn: &mut PgConnection,
        kind: Kind,
        id: i64,
        discount_type: Option<String>,
        discount_value: Option<Decimal>,
    ) -> sqlx::Result<Current> {
        Ok(Current {
            items: items::load(&mut *conn, kind, &[id]).await?,
            taxes: tax_lines::load(&mut *conn, kind, &[id]).await?,
            discount_type,
            discount_value,
            is_new: false,
        })
    }
}

/// The content after the changes, priced.
pub struct Repriced {
    pub lines: Vec<Line>,
    pub priced: Priced,
    pub discount_type: Option<String>,
    /// Stored only with a type.
    pub discount_value: Option<Decimal>,
}

/// The discount from its two fields; a value without a type is an error.
fn discount(kind: Option<&str>, value: Option<Decimal>, errors: &mut FieldErrors) -> Discount {
    match (kind, value) {
        (Some("percent"), Some(v)) if check_percent(v).is_err() => {
            errors.add("discount_value", "must be less than or equal to 100");
            Discount::None
        }
        (Some("percent"), v) => Discount::Percent(v.unwrap_or_default()),
        (Some("fixed"), v) => Discount::Fixed(v.unwrap_or_default()),
        (None, Some(v)) if !v.is_zero() => {
            errors.add("discount_type", "is required with discount_value");
            Discount::None
        }
        _ => Discount::None,
    }
}

/// Document-level tax ids after applying the changes to the current ones, each named
/// tax with the field that named it. At most `MAX_TAXES` of them (the request's list is
/// capped too, so the removals' `retain` stays small); membership is a set.
pub(super) fn apply_tax_changes(
    kind: Kind,
    current: &[TaxLine],
    changes: &[TaxChange],
    errors: &mut FieldErrors,
) -> (Vec<i64>, Vec<NamedTax>) {
    let mut ids: Vec<i64> = current
        .iter()
        .filter(|t| t.invoice_level)
        .map(|t| t.tax_id)
        .collect();
    let before = ids.len();
    let mut present: HashSet<i64> = ids.iter().copied().collect();
    let by_line: HashMap<i64, i64> = current.iter().map(|t| (t.id, t.tax_id)).collect();
    let mut named = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let field = format!("{}[{i}].tax_id", kind.taxes_field);
        let tax_id = change
            .tax_id
            .or_else(|| change.id.and_then(|id| by_line.get(&id).copied()));
        match (tax_id, change.destroy) {
            (Some(tax_id), true) => {
                if present.remove(&tax_id) {
                    ids.retain(|id| *id != tax_id);
                }
            }
            (Some(tax_id), false) => {
                if present.insert(tax_id) {
                    ids.push(tax_id);
                }
                named.push(NamedTax { tax_id, field });
            }
            (None, true) => errors.add(
                format!("{}[{i}].id", kind.taxes_field),
                "is not a tax of this document",
            ),
            (None, false) => errors.add(field, "can't be blank"),
        }
    }
    // A document from before the cap keeps its taxes; it only may not gain more.
    if ids.len() > MAX_TAXES && ids.len() > before {
        errors.add(
            kind.taxes_field,
            format!("is too long (maximum is {MAX_TAXES} taxes)"),
        );
    }
    (ids, named)
}

/// Item-level tax ids the request named, with their fields.
fn named_item_taxes(changes: &[LineChange]) -> Vec<NamedTax> {
    changes
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.tax_ids.iter().flatten().map(move |tax_id| NamedTax {
                tax_id: *tax_id,
                field: format!("items_attributes[{i}].tax_ids"),
            })
        })
        .collect()
}

/// Applies the changes to the current content and prices it. Field errors are added to
/// `errors`; `Ok(None)` means there were some (or no currency), and nothing is priced.
/// On a new document that names no taxes at all, the business's default taxes apply.
pub async fn reprice(
    conn: &mut PgConnection,
    kind: Kind,
    business_id: i64,
    current: &Current,
    changes: &ContentChanges,
    currency: Option<Currency>,
    errors: &mut FieldErrors,
) -> Result<Option<Repriced>, BillingError> {
    let filled = products::fill_items(conn, business_id, &changes.items, currency, errors).await?;
    let lines = items::apply_changes(&current.items, &filled).unwrap_or_else(|e| {
        errors.merge_prefixed("", e);
        Vec::new()
    });
    let discount_type = changes
        .discount_type
        .clone()
        .unwrap_or(current.discount_type.clone());
    // Clearing the type clears the value with it, unless a value is given too.
    let discount_value = match (&changes.discount_type, changes.discount_value) {
        (_, Some(value)) => value,
        (Some(None), None) => None,
        (_, None) => current.discount_value,
    };
    let discount = discount(discount_type.as_deref(), discount_value, errors);

    let names_taxes = changes.taxes.is_some() || filled.iter().any(|i| i.tax_ids.is_some());
    let (book, document_taxes) = if current.is_new && !names_taxes {
        let (book, ids) = TaxBook::defaults(conn, business_id).await?;
        (Some(book), ids)
    } else {
        let (ids, mut named) = apply_tax_changes(
            kind,
            &current.taxes,
            changes.taxes.as_deref().unwrap_or(&[]),
            errors,
        );
        named.extend(named_item_taxes(&filled));
        match TaxBook::resolve(conn, business_id, &current.taxes, &named).await {
            Ok(book) => (Some(book), ids),
            Err(BillingError::Invalid(e)) => {
                errors.merge_prefixed("", e);
                (None, ids)
            }
            Err(other) => return Err(other),
        }
    };
    let (Some(book), Some(currency), true) = (book, currency, errors.is_empty()) else {
        return Ok(None);
    };
    let priced = price(currency, &lines, discount, &document_taxes, &book)?;
    Ok(Some(Repriced {
        lines,
        priced,
        discount_value: discount_type
            .as_ref()
            .map(|_| discount_value.unwrap_or_default()),
        discount_type,
    }))
}

/// Stores the repriced items and tax lines of document `id`.
async fn save(
    conn: &mut PgConnection,
    kind: Kind,
    id: i64,
    current: &Current,
    repriced: &Repriced,
    now: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<()> {
    let totals: Vec<i64> = repriced
        .priced
        .totals
        .lines
        .iter()
        .map(|l| l.total_cents)
        .collect();
    items::save(
        &mut *conn,
        kind,
        id,
        &current.items,
        &repriced.lines,
        &totals,
        now,
    )
    .await?;
    tax_lines::save(conn, kind, id, &repriced.priced.taxes, current.is_new, now).await
}

/// Copies a document's content to another document (of the same or the other kind) as
/// it stands: same items, same taxes at the rates they were applied with.
pub async fn copy(
    conn: &mut PgConnection,
    from: (Kind, i64),
    to: (Kind, i64),
    now: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<()> {
    let source_items = items::load(&mut *conn, from.0, &[from.1]).await?;
    let source_taxes = tax_lines::load(&mut *conn, from.0, &[from.1]).await?;
    let lines: Vec<Line> = source_items
        .iter()
        .map(|i| Line {
            id: None,
            ..Line::from(i)
        })
        .collect();
    let totals: Vec<i64> = source_items.iter().map(|i| i.total_cents).collect();
    items::save(&mut *conn, to.0, to.1, &[], &lines, &totals, now).await?;
    let applied: Vec<_> = source_taxes
        .iter()
        .map(|t| tax_lines::AppliedTax {
            tax_id: t.tax_id,
            name: t.tax_name.clone(),
            rate: t.tax_rate,
            inclusive: t.inclusive,
            category: t.category.clone(),
            exemption_reason: t.exemption_reason.clone(),
            exemption_reason_code: t.exemption_reason_code.clone(),
            invoice_level: t.invoice_level,
            amount_cents: t.amount_cents,
        })
        .collect();
    tax_lines::save(conn, to.0, to.1, &applied, false, now).await
}

/// Checks that a customer is a live customer of the business.
pub async fn check_customer(
    conn: &mut PgConnection,
    business_id: i64,
    customer_id: i64,
    errors: &mut FieldErrors,
) -> sqlx::Result<()> {
    let exists: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM customers
                        WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL)",
    )
    .bind(customer_id)
    .bind(business_id)
    .fetch_one(conn)
    .await?;
    if !exists {
        errors.add("customer_id", "does not exist");
    }
    Ok(())
}

/// A document's content ready to store after its row: as it stood, as it will be, and the
/// currency it is priced in.
pub struct Prepared {
    pub current: Current,
    pub repriced: Repriced,
    pub currency: Currency,
}

impl Prepared {
    /// Binds what every document row stores of its content, in the order the kinds'
    /// INSERT and UPDATE name them after their own columns: discount type and value,
    /// subtotal, discount, tax total, total.
    pub fn bind_totals<'q>(
        &self,
        query: Query<'q, Postgres, PgArguments>,
    ) -> Query<'q, Postgres, PgArguments> {
        let t = &self.repriced.priced.totals;
        query
            .bind(&self.repriced.discount_type)
            .bind(self.repriced.discount_value)
            .bind(t.subtotal_cents)
            .bind(t.discount_cents)
            .bind(t.tax_total_cents)
            .bind(t.total_cents)
    }

    /// Stores the items and tax lines of document `id` (whose row is written).
    pub async fn save(
        &self,
        conn: &mut PgConnection,
        kind: Kind,
        id: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> sqlx::Result<()> {
        save(conn, kind, id, &self.current, &self.repriced, now).await
    }
}

/// A new document's content priced and its number taken, or every field error found so
/// far (`errors` holds those the caller already checked). What invoices and quotes both
/// do before inserting their row.
pub async fn prepare_new(
    conn: &mut PgConnection,
    kind: Kind,
    business_id: i64,
    changes: &ContentChanges,
    currency: Option<Currency>,
    number: Option<&str>,
    mut errors: FieldErrors,
) -> Result<(Prepared, String), BillingError> {
    let current = Current::new_document();
    let repriced = reprice(
        &mut *conn,
        kind,
        business_id,
        &current,
        changes,
        currency,
        &mut errors,
    )
    .await?;
    let (Some(repriced), Some(currency)) = (repriced, currency) else {
        return Err(BillingError::Invalid(errors));
    };
    let number = match number {
        Some(number) => number.to_string(),
        None => crate::billing::numbering::next_number(conn, business_id, kind.numbering).await?,
    };
    let prepared = Prepared {
        current,
        repriced,
        currency,
    };
    Ok((prepared, number))
}

/// A document's changed content priced in its new currency (`None`: the one it has), or
/// every field error found (`errors` holds those the caller already checked). What
/// invoices and quotes both do, on their locked row, before updating it.
pub async fn prepare_update<D: Document>(
    conn: &mut PgConnection,
    business_id: i64,
    document: &D,
    changes: &ContentChanges,
    currency: Option<Currency>,
    mut errors: FieldErrors,
) -> Result<Prepared, BillingError> {
    let kind = D::KIND;
    let currency = match currency {
        Some(c) => c,
        None => Currency::parse(document.currency()).map_err(|_| {
            BillingError::refused(format!("The {}'s currency is unknown", kind.name))
        })?,
    };
    let current = Current::load(
        &mut *conn,
        kind,
        document.id(),
        document.discount_type(),
        document.discount_value(),
    )
    .await?;
    let Some(repriced) = reprice(
        &mut *conn,
        kind,
        business_id,
        &current,
        changes,
        Some(currency),
        &mut errors,
    )
    .await?
    else {
        return Err(BillingError::Invalid(errors));
    };
    Ok(Prepared {
        current,
        repriced,
        currency,
    })
}
