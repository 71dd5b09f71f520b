//! Issuing a credit note on an invoice, in one transaction: the invoice row is locked
//! first (so concurrent credit notes of one invoice queue and each sees what the last
//! one credited), the figures worked out by `money::credit` from the invoice as issued
//! and its earlier credit notes, the number taken, the note with its lines and tax
//! lines saved, the invoice's `credited_cents` raised (its CHECK against the total is
//! the last line) and the invoice re-settled, which moves what its balance cannot take
//! to the customer's credit balance.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::billing::documents::items::{self, Item};
use crate::billing::documents::read::{self, Find};
use crate::billing::documents::tax_lines::{self, TaxLine};
use crate::billing::documents::{CREDIT_NOTE, INVOICE};
use crate::billing::error::{BillingError, FieldErrors};
use crate::billing::events::{EventType, Outcome};
use crate::billing::invoices::Invoice;
use crate::billing::numbering;
use crate::billing::payments;
use crate::billing::settlement::settle;
use crate::billing::status::InvoiceStatus;
use crate::money::{
    self, Ask, Credit, Credited, Currency, Discount, Issued, IssuedLine, IssuedTax, TaxRate,
};

/// What a credit note asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Asked {
    /// All that remains to be credited.
    Whole,
    /// Invoice item ids and quantities.
    Lines(Vec<(i64, Decimal)>),
    /// Major units of the invoice's currency, tax included.
    Amount(Decimal),
}

#[derive(Debug, Clone)]
pub struct NewCreditNote {
    pub asked: Asked,
    /// Required with an amount.
    pub reason: Option<String>,
    /// Default: now; not before the invoice's issue date.
    pub issued_at: Option<DateTime<Utc>>,
}

/// The name of an amount credit's one line when no reason is given.
const AMOUNT_LINE: &str = "Credit";

/// Issues a credit note on a live, issued (not draft, not void) invoice of the business:
/// `credit_note.created`, then `invoice.updated` (its balance, perhaps its status).
pub async fn create(
    tx: &mut PgConnection,
    business_id: i64,
    invoice_id: i64,
    new: &NewCreditNote,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let invoice =
        read::find_row::<Invoice>(&mut *tx, business_id, invoice_id, Find::LIVE_FOR_UPDATE)
            .await?
            .ok_or(BillingError::NotFound)?;
    match invoice.status {
        InvoiceStatus::Draft => {
            return Err(BillingError::refused(
                "A draft invoice is not issued yet: change it instead of crediting it",
            ));
        }
        InvoiceStatus::Void => {
            return Err(BillingError::refused("A void invoice cannot be credited"));
        }
        _ => {}
    }
    let currency = Currency::parse(&invoice.currency)
        .map_err(|_| BillingError::refused("The invoice's currency is unknown"))?;
    let mut errors = FieldErrors::new();
    let issued_at = new.issued_at.unwrap_or(now);
    if issued_at < invoice.issued_at {
        errors.add("issued_at", "must not be before the invoice's issued_at");
    }
    let ask = match &new.asked {
        Asked::Whole => Some(Ask::Whole),
        Asked::Lines(lines) => Some(Ask::Lines(lines.clone())),
        Asked::Amount(amount) => {
            if new.reason.is_none() {
                errors.add("reason", "can't be blank when crediting an amount");
            }
            payments::to_cents(*amount, currency, &mut errors).map(Ask::Amount)
        }
    };
    let Some(ask) = ask.filter(|_| errors.is_empty()) else {
        return Err(BillingError::Invalid(errors));
    };
    let lines = items::load(&mut *tx, INVOICE, &[invoice.id]).await?;
    let taxes = tax_lines::load(&mut *tx, INVOICE, &[invoice.id]).await?;
    let issued = issued(&invoice, currency, &lines, &taxes);
    let done = credited(&mut *tx, invoice.id).await?;
    let credit = money::credit(&issued, &done, &ask)
        .map_err(|err| BillingError::field(&err.field(), err.to_string()))?;
    let number = numbering::next_number(&mut *tx, business_id, CREDIT_NOTE.numbering).await?;
    let id = insert(&mut *tx, &invoice, &number, issued_at, new, &credit, now).await?;
    insert_lines(&mut *tx, id, &credit, &lines, new.reason.as_deref(), now).await?;
    insert_taxes(&mut *tx, id, &credit, &taxes, now).await?;
    sqlx::query(
        "UPDATE invoices SET credited_cents = credited_cents + $2, updated_at = $3
         WHERE id = $1",
    )
    .bind(invoice.id)
    .bind(credit.total_cents)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let settlement = settle(&mut *tx, invoice.id, now).await?;
    if settlement.credit_moved > 0 {
        sqlx::query("UPDATE credit_notes SET customer_credit_cents = $2 WHERE id = $1")
            .bind(id)
            .bind(settlement.credit_moved.min(credit.total_cents))
            .execute(&mut *tx)
            .await?;
    }
    Ok(
        Outcome::of(EventType::CreditNoteCreated, business_id, id).and(Outcome::of(
            EventType::InvoiceUpdated,
            business_id,
            invoice.id,
        )),
    )
}

/// The invoice as issued, for `money::credit`.
fn issued(invoice: &Invoice, currency: Currency, lines: &[Item], taxes: &[TaxLine]) -> Issued {
    let discount = match (invoice.discount_type.as_deref(), invoice.discount_value) {
        (Some("percent"), Some(value)) => Discount::Percent(value),
        (Some("fixed"), Some(value)) => Discount::Fixed(value),
        _ => Discount::None,
    };
    Issued {
        currency,
        discount,
        lines: lines
            .iter()
            .map(|l| IssuedLine {
                id: l.id,
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_ids: l.tax_ids.clone(),
                total_cents: l.total_cents,
            })
            .collect(),
        taxes: taxes
            .iter()
            .map(|t| IssuedTax {
                rate: TaxRate {
                    id: t.tax_id,
                    rate: t.tax_rate,
                    inclusive: t.inclusive,
                },
                invoice_level: t.invoice_level,
                amount_cents: t.amount_cents,
            })
            .collect(),
        subtotal_cents: invoice.subtotal_cents,
        discount_cents: invoice.discount_cents,
        total_cents: invoice.total_cents,
    }
}

/// What the invoice's credit notes credited so far, summed by PostgreSQL: one query.
async fn credited(conn: &mut PgConnection, invoice_id: i64) -> sqlx::Result<Credited> {
    type Sums = (
        i64,
        i64,
        i64,
        bool,
        sqlx::types::Json<Vec<(i64, Decimal, i64)>>,
        sqlx::types::Json<Vec<(i64, i64)>>,
    );
    let (subtotal, discount, total, by_amount, lines, taxes): Sums = sqlx::query_as(
        "SELECT coalesce(sum(n.subtotal_cents), 0)::bigint,
                coalesce(sum(n.discount_cents), 0)::bigint,
                coalesce(sum(n.total_cents), 0)::bigint,
                EXISTS (SELECT 1 FROM credit_note_items ci JOIN credit_notes cn
                            ON cn.id = ci.credit_note_id
                        WHERE cn.invoice_id = $1 AND ci.invoice_item_id IS NULL),
                (SELECT coalesce(json_agg(json_build_array(x.item, x.quantity, x.total)), '[]')
                 FROM (SELECT ci.invoice_item_id AS item, sum(ci.quantity) AS quantity,
                              sum(ci.total_cents) AS total
                       FROM credit_note_items ci JOIN credit_notes cn
                           ON cn.id = ci.credit_note_id
                       WHERE cn.invoice_id = $1 AND ci.invoice_item_id IS NOT NULL
                       GROUP BY ci.invoice_item_id) x),
                (SELECT coalesce(json_agg(json_build_array(x.tax, x.amount)), '[]')
                 FROM (SELECT ct.tax_id AS tax, sum(ct.amount_cents) AS amount
                       FROM credit_note_taxes ct JOIN credit_notes cn
                           ON cn.id = ct.credit_note_id
                       WHERE cn.invoice_id = $1 GROUP BY ct.tax_id) x)
         FROM credit_notes n WHERE n.invoice_id = $1",
    )
    .bind(invoice_id)
    .fetch_one(conn)
    .await?;
    Ok(Credited {
        lines: lines
            .0
            .into_iter()
            .map(|(item, quantity, total)| (item, (quantity, total)))
            .collect::<BTreeMap<_, _>>(),
        taxes: taxes.0.into_iter().collect(),
        subtotal_cents: subtotal,
        discount_cents: discount,
        total_cents: total,
        by_amount,
    })
}

async fn insert(
    conn: &mut PgConnection,
    invoice: &Invoice,
    number: &str,
    issued_at: DateTime<Utc>,
    new: &NewCreditNote,
    credit: &Credit,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let (discount_type, discount_value) = match credit.discount {
        Discount::None => (None, None),
        Discount::Percent(value) => (Some("percent"), Some(value)),
        Discount::Fixed(value) => (Some("fixed"), Some(value)),
    };
    sqlx::query_scalar(
        "INSERT INTO credit_notes (business_id, invoice_id, customer_id, number, currency,
             issued_at, reason, discount_type, discount_value, subtotal_cents,
             discount_cents, tax_total_cents, total_cents, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
         RETURNING id",
    )
    .bind(invoice.business_id)
    .bind(invoice.id)
    .bind(invoice.customer_id)
    .bind(number)
    .bind(&invoice.currency)
    .bind(issued_at)
    .bind(&new.reason)
    .bind(discount_type)
    .bind(discount_value)
    .bind(credit.subtotal_cents)
    .bind(credit.discount_cents)
    .bind(credit.tax_total_cents)
    .bind(credit.total_cents)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The note's lines, named as the invoice's (an amount credit's one line by the reason),
/// in one statement.
async fn insert_lines(
    conn: &mut PgConnection,
    id: i64,
    credit: &Credit,
    invoice_lines: &[Item],
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
        "INSERT INTO credit_note_items (credit_note_id, invoice_item_id, position, name,
             description, quantity, unit_price, unit_code, total_cents, tax_ids, created_at,
             updated_at, product_id) ",
    );
    qb.push_values(
        credit.lines.iter().enumerate(),
        |mut row, (position, line)| {
            let source = line
                .invoice_line
                .and_then(|item| invoice_lines.iter().find(|l| l.id == item));
            let name = match source {
                Some(item) => item.name.clone(),
                None => reason.unwrap_or(AMOUNT_LINE).chars().take(255).collect(),
            };
            row.push_bind(id)
                .push_bind(line.invoice_line)
                .push_bind(i32::try_from(position).unwrap_or(i32::MAX))
                .push_bind(name)
                .push_bind(source.and_then(|item| item.description.clone()))
                .push_bind(line.quantity)
                .push_bind(line.unit_price)
                .push_bind(source.map_or("C62".to_string(), |item| item.unit_code.clone()))
                .push_bind(line.total_cents)
                .push_bind(line.tax_ids.clone())
                .push_bind(now)
                .push_bind(now)
                .push_bind(source.and_then(|item| item.product_id));
        },
    );
    qb.build().execute(conn).await?;
    Ok(())
}

/// The note's tax lines, with the names and VAT categories the invoice's carry, in one
/// statement.
async fn insert_taxes(
    conn: &mut PgConnection,
    id: i64,
    credit: &Credit,
    invoice_taxes: &[TaxLine],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    if credit.taxes.is_empty() {
        return Ok(());
    }
    let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
        "INSERT INTO credit_note_taxes (credit_note_id, tax_id, tax_name, tax_rate, inclusive,
             invoice_level, amount_cents, category, exemption_reason, exemption_reason_code,
             created_at, updated_at) ",
    );
    qb.push_values(&credit.taxes, |mut row, tax| {
        let line = invoice_taxes.iter().find(|t| t.tax_id == tax.rate.id);
        row.push_bind(id)
            .push_bind(tax.rate.id)
            .push_bind(line.map(|t| t.tax_name.clone()).unwrap_or_default())
            .push_bind(tax.rate.rate)
            .push_bind(tax.rate.inclusive)
            .push_bind(tax.invoice_level)
            .push_bind(tax.amount_cents)
            .push_bind(line.map_or("S".to_string(), |t| t.category.clone()))
            .push_bind(line.and_then(|t| t.exemption_reason.clone()))
            .push_bind(line.and_then(|t| t.exemption_reason_code.clone()))
            .push_bind(now)
            .push_bind(now);
    });
    qb.build().execute(conn).await?;
    Ok(())
}
