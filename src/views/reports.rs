//! The reports as the API shows them: JSON (amounts as `{cents, currency_iso}`) and CSV
//! (a header row, amounts as decimals of their currency, one row per line).

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::billing::reports::{AgingRow, RevenueRow, SummaryRow, TaxRow};
use crate::money::{Currency, cents_to_decimal, format_decimal};
use crate::views::documents::{MoneyView, money};

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryLine {
    #[schema(example = "USD")]
    pub currency: String,
    pub invoiced: MoneyView,
    pub invoiced_count: i64,
    pub credited: MoneyView,
    pub credited_count: i64,
    /// Payments less refunds.
    pub collected: MoneyView,
    pub collected_count: i64,
    /// What these invoices still owe now.
    pub outstanding: MoneyView,
    pub outstanding_count: i64,
    /// The part of it past its due date.
    pub overdue: MoneyView,
    pub overdue_count: i64,
}

impl SummaryLine {
    fn new(r: SummaryRow) -> Self {
        let c = r.currency.as_str();
        SummaryLine {
            invoiced: money(r.invoiced_cents, c),
            credited: money(r.credited_cents, c),
            collected: money(r.collected_cents, c),
            outstanding: money(r.outstanding_cents, c),
            overdue: money(r.overdue_cents, c),
            invoiced_count: r.invoiced_count,
            credited_count: r.credited_count,
            collected_count: r.collected_count,
            outstanding_count: r.outstanding_count,
            overdue_count: r.overdue_count,
            currency: r.currency,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryReport {
    #[schema(value_type = String, format = Date, example = "2025-10-01")]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date, example = "2025-10-31")]
    pub to: NaiveDate,
    #[schema(example = "Africa/Johannesburg")]
    pub time_zone: String,
    /// The invoices, credit notes and payments of the period.
    pub period: Vec<SummaryLine>,
    /// All of them, whenever they were dated.
    pub overall: Vec<SummaryLine>,
}

impl SummaryReport {
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        time_zone: &str,
        period: Vec<SummaryRow>,
        overall: Vec<SummaryRow>,
    ) -> Self {
        SummaryReport {
            from,
            to,
            time_zone: time_zone.into(),
            period: period.into_iter().map(SummaryLine::new).collect(),
            overall: overall.into_iter().map(SummaryLine::new).collect(),
        }
    }

    pub fn csv(&self) -> Csv {
        let mut csv = Csv::new(&[
            "section",
            "currency",
            "invoiced",
            "invoiced_count",
            "credited",
            "credited_count",
            "collected",
            "collected_count",
            "outstanding",
            "outstanding_count",
            "overdue",
            "overdue_count",
        ]);
        for (section, lines) in [("period", &self.period), ("overall", &self.overall)] {
            for l in lines {
                csv.row(&[
                    section.into(),
                    l.currency.clone(),
                    decimal(&l.invoiced),
                    l.invoiced_count.to_string(),
                    decimal(&l.credited),
                    l.credited_count.to_string(),
                    decimal(&l.collected),
                    l.collected_count.to_string(),
                    decimal(&l.outstanding),
                    l.outstanding_count.to_string(),
                    decimal(&l.overdue),
                    l.overdue_count.to_string(),
                ]);
            }
        }
        csv
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgingCustomer {
    #[schema(example = 13)]
    pub id: i64,
    #[schema(example = "Texas Ins")]
    pub name: String,
}

/// Open balances by days past due.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgingBuckets {
    #[schema(example = "USD")]
    pub currency: String,
    /// Not yet due.
    pub current: MoneyView,
    pub days_1_30: MoneyView,
    pub days_31_60: MoneyView,
    pub days_61_90: MoneyView,
    pub over_90: MoneyView,
    pub total: MoneyView,
    pub invoice_count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgingLine {
    pub customer: AgingCustomer,
    #[serde(flatten)]
    pub buckets: AgingBuckets,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgingReport {
    #[schema(value_type = String, format = Date, example = "2025-10-31")]
    pub as_of: NaiveDate,
    pub time_zone: String,
    /// By customer name, a line per customer and currency.
    pub customers: Vec<AgingLine>,
    /// Per currency, every customer's together.
    pub totals: Vec<AgingBuckets>,
}

impl AgingReport {
    pub fn new(as_of: NaiveDate, time_zone: &str, rows: Vec<AgingRow>) -> Self {
        let mut totals: Vec<AgingRow> = Vec::new();
        for r in &rows {
            match totals.iter_mut().find(|t| t.currency == r.currency) {
                Some(t) => {
                    t.current_cents += r.current_cents;
                    t.days_1_30_cents += r.days_1_30_cents;
                    t.days_31_60_cents += r.days_31_60_cents;
                    t.days_61_90_cents += r.days_61_90_cents;
                    t.over_90_cents += r.over_90_cents;
                    t.total_cents += r.total_cents;
                    t.invoice_count += r.invoice_count;
                }
                None => totals.push(r.clone()),
            }
        }
        totals.sort_by(|a, b| a.currency.cmp(&b.currency));
        AgingReport {
            as_of,
            time_zone: time_zone.into(),
            totals: totals.iter().map(buckets).collect(),
            customers: rows
                .iter()
                .map(|r| AgingLine {
                    customer: AgingCustomer {
                        id: r.customer_id,
                        name: r.customer_name.clone(),
                    },
                    buckets: buckets(r),
                })
                .collect(),
        }
    }

    pub fn csv(&self) -> Csv {
        let mut csv = Csv::new(&[
            "customer_id",
            "customer",
            "currency",
            "current",
            "days_1_30",
            "days_31_60",
            "days_61_90",
            "over_90",
            "total",
            "invoice_count",
        ]);
        let lines = self
            .customers
            .iter()
            .map(|l| {
                (
                    l.customer.id.to_string(),
                    l.customer.name.clone(),
                    &l.buckets,
                )
            })
            .chain(
                self.totals
                    .iter()
                    .map(|b| (String::new(), "Total".into(), b)),
            );
        for (id, name, b) in lines {
            csv.row(&[
                id,
                text(&name),
                b.currency.clone(),
                decimal(&b.current),
                decimal(&b.days_1_30),
                decimal(&b.days_31_60),
                decimal(&b.days_61_90),
                decimal(&b.over_90),
                decimal(&b.total),
                b.invoice_count.to_string(),
            ]);
        }
        csv
    }
}

fn buckets(r: &AgingRow) -> AgingBuckets {
    let c = r.currency.as_str();
    AgingBuckets {
        currency: r.currency.clone(),
        current: money(r.current_cents, c),
        days_1_30: money(r.days_1_30_cents, c),
        days_31_60: money(r.days_31_60_cents, c),
        days_61_90: money(r.days_61_90_cents, c),
        over_90: money(r.over_90_cents, c),
        total: money(r.total_cents, c),
        invoice_count: r.invoice_count,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxLine {
    #[schema(example = "USD")]
    pub currency: String,
    #[schema(example = 1)]
    pub tax_id: i64,
    #[schema(example = "VAT")]
    pub name: String,
    /// As applied, a decimal string.
    #[schema(example = "15.0")]
    pub rate: String,
    /// UNCL 5305 (S, Z, E, AE, K, G, O).
    #[schema(example = "S")]
    pub category: String,
    pub invoiced: MoneyView,
    pub credited: MoneyView,
    /// Invoiced less credited.
    pub net: MoneyView,
    pub invoice_count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxReport {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub time_zone: String,
    pub taxes: Vec<TaxLine>,
}

impl TaxReport {
    pub fn new(from: NaiveDate, to: NaiveDate, time_zone: &str, rows: Vec<TaxRow>) -> Self {
        let taxes = rows
            .into_iter()
            .map(|r| {
                let c = r.currency.as_str();
                TaxLine {
                    invoiced: money(r.invoiced_cents, c),
                    credited: money(r.credited_cents, c),
                    net: money(r.net_cents, c),
                    currency: r.currency.clone(),
                    tax_id: r.tax_id,
                    name: r.name,
                    rate: format_decimal(r.rate),
                    category: r.category,
                    invoice_count: r.invoice_count,
                }
            })
            .collect();
        TaxReport {
            from,
            to,
            time_zone: time_zone.into(),
            taxes,
        }
    }

    pub fn csv(&self) -> Csv {
        let mut csv = Csv::new(&[
            "currency",
            "tax_id",
            "name",
            "rate",
            "category",
            "invoiced",
            "credited",
            "net",
            "invoice_count",
        ]);
        for t in &self.taxes {
            csv.row(&[
                t.currency.clone(),
                t.tax_id.to_string(),
                text(&t.name),
                t.rate.clone(),
                t.category.clone(),
                decimal(&t.invoiced),
                decimal(&t.credited),
                decimal(&t.net),
                t.invoice_count.to_string(),
            ]);
        }
        csv
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevenueLine {
    /// The interval's first day (weeks start on Monday).
    #[schema(value_type = String, format = Date, example = "2025-10-01")]
    pub starts_on: NaiveDate,
    #[schema(example = "USD")]
    pub currency: String,
    /// Payments less refunds.
    pub collected: MoneyView,
    pub payments: MoneyView,
    pub payments_count: i64,
    pub refunded: MoneyView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevenueReport {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    #[schema(example = "month")]
    pub interval: String,
    pub time_zone: String,
    /// Every interval of the period for each currency that saw money, zeros included.
    pub rows: Vec<RevenueLine>,
}

impl RevenueReport {
    pub fn new(
        from: NaiveDate,
        to: NaiveDate,
        interval: &str,
        time_zone: &str,
        rows: Vec<RevenueRow>,
    ) -> Self {
        let rows = rows
            .into_iter()
            .map(|r| {
                let c = r.currency.as_str();
                RevenueLine {
                    starts_on: r.starts_on,
                    collected: money(r.collected_cents, c),
                    payments: money(r.payments_cents, c),
                    refunded: money(r.refunded_cents, c),
                    payments_count: r.payments_count,
                    currency: r.currency.clone(),
                }
            })
            .collect();
        RevenueReport {
            from,
            to,
            interval: interval.into(),
            time_zone: time_zone.into(),
            rows,
        }
    }

    pub fn csv(&self) -> Csv {
        let mut csv = Csv::new(&[
            "starts_on",
            "currency",
            "collected",
            "payments",
            "payments_count",
            "refunded",
        ]);
        for r in &self.rows {
            csv.row(&[
                r.starts_on.to_string(),
                r.currency.clone(),
                decimal(&r.collected),
                decimal(&r.payments),
                r.payments_count.to_string(),
                decimal(&r.refunded),
            ]);
        }
        csv
    }
}

/// Free text (a name) as a cell: one a spreadsheet would read as a formula (`=`, `+`,
/// `-`, `@`, a tab or a carriage return first) is prefixed with `'` (OWASP's advice).
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// An amount as a decimal of its currency's minor unit (`1234.50`), the minor units
/// themselves for a currency this server does not know.
fn decimal(m: &MoneyView) -> String {
    match Currency::parse(&m.currency_iso) {
        Ok(c) => cents_to_decimal(m.cents, c).to_string(),
        Err(_) => m.cents.to_string(),
    }
}

/// A CSV document being written (RFC 4180: quoted where needed, CRLF line ends).
pub struct Csv(csv::Writer<Vec<u8>>);

impl Csv {
    fn new(header: &[&str]) -> Csv {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        // Writing to memory cannot fail.
        let _ = writer.write_record(header);
        Csv(writer)
    }

    fn row(&mut self, fields: &[String]) {
        let _ = self.0.write_record(fields);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0.into_inner().unwrap_or_default()
    }
}
