//! What each list can be filtered on with Ransack's `q[<attribute>_<predicate>]`: the API
//! attribute, the SQL column it stands for (table aliases as each list's query has them)
//! and how its values are read. The columns are those the lists' indexes serve
//! (`(business_id, <column>, id)`, trigram indexes for `cont`); the rest are filtered
//! within the business's rows the leading `business_id` of those indexes selects.

pub mod conditions;

pub use conditions::Conditions;

/// How an attribute's values are read and compared.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A record id or another whole number.
    Int,
    /// Free text: every predicate; `cont` and `starts_with` ignore case.
    Text,
    /// One of fixed values: each accepted spelling with the value stored for it.
    Choice(&'static [(&'static str, &'static str)]),
    /// An ISO 4217 code, any case.
    Currency,
    /// Integer minor units in the named currency column; values are decimal units of
    /// each row's own currency (`100.00` is 10000 cents of USD, 100 JPY, 100000 fils of KWD).
    Money(&'static str),
    /// An exact decimal column (a tax rate).
    Decimal,
    /// A timestamp: a value is a date (the whole UTC day) or an ISO 8601 timestamp.
    Time,
    Bool,
}

/// An attribute a list can be filtered on.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    pub name: &'static str,
    /// The SQL expression it stands for.
    pub column: &'static str,
    pub kind: Kind,
}

pub const fn attr(name: &'static str, column: &'static str, kind: Kind) -> Attr {
    Attr { name, column, kind }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pred {
    Eq,
    NotEq,
    Gt,
    Lt,
    Gteq,
    Lteq,
    Cont,
    StartsWith,
    In,
}

const INVOICE_STATUSES: &[(&str, &str)] = &[
    ("draft", "draft"),
    ("sent", "sent"),
    ("viewed", "viewed"),
    ("partial", "partial"),
    ("paid", "paid"),
    ("overdue", "overdue"),
    ("void", "void"),
    // The pages' spelling of void.
    ("cancelled", "void"),
];

const CREDIT_NOTE_STATUSES: &[(&str, &str)] = &[("issued", "issued"), ("sent", "sent")];

const QUOTE_STATUSES: &[(&str, &str)] = &[
    ("draft", "draft"),
    ("sent", "sent"),
    ("viewed", "viewed"),
    ("accepted", "accepted"),
    ("rejected", "rejected"),
    // The pages' spelling of rejected.
    ("declined", "rejected"),
    ("expired", "expired"),
    ("invoiced", "invoiced"),
];

const METHODS: &[(&str, &str)] = &[
    ("cash", "cash"),
    ("bank_transfer", "bank_transfer"),
    ("card", "card"),
    ("check", "check"),
    ("other", "other"),
];

/// The pages' reminder conditions, with ours.
const REMINDER_WHEN: &[(&str, &str)] = &[
    ("after_due_date", "after_due"),
    ("before_due_date", "before_due"),
    ("on_due_date", "on_due"),
    ("after_due", "after_due"),
    ("before_due", "before_due"),
    ("on_due", "on_due"),
];

/// A reminder's count is in its unit (`reminders.unit`).
const REMINDER_INTERVALS: &[(&str, &str)] =
    &[("days", "days"), ("weeks", "weeks"), ("months", "months")];

pub const INVOICES: &[Attr] = &[
    attr("id", "i.id", Kind::Int),
    attr("number", "i.number", Kind::Text),
    attr("status", "i.status", Kind::Choice(INVOICE_STATUSES)),
    attr("issued_at", "i.issued_at", Kind::Time),
    attr("due_at", "i.due_at", Kind::Time),
    attr("customer_id", "i.customer_id", Kind::Int),
    attr("currency", "i.currency", Kind::Currency),
    attr("subtotal", "i.subtotal_cents", Kind::Money("i.currency")),
    attr("total", "i.total_cents", Kind::Money("i.currency")),
    attr("balance", "i.balance_cents", Kind::Money("i.currency")),
    attr("paid", "i.paid", Kind::Bool),
    attr("paid_at", "i.paid_at", Kind::Time),
    attr("created_at", "i.created_at", Kind::Time),
    attr("updated_at", "i.updated_at", Kind::Time),
    attr("notes", "i.notes", Kind::Text),
];

pub const QUOTES: &[Attr] = &[
    attr("id", "q.id", Kind::Int),
    attr("number", "q.number", Kind::Text),
    attr("status", "q.status", Kind::Choice(QUOTE_STATUSES)),
    attr("issued_at", "q.issued_at", Kind::Time),
    attr("expires_at", "q.expires_at", Kind::Time),
    attr("customer_id", "q.customer_id", Kind::Int),
    attr("currency", "q.currency", Kind::Currency),
    attr("subtotal", "q.subtotal_cents", Kind::Money("q.currency")),
    attr("total", "q.total_cents", Kind::Money("q.currency")),
    attr("created_at", "q.created_at", Kind::Time),
    attr("updated_at", "q.updated_at", Kind::Time),
    attr("notes", "q.notes", Kind::Text),
];

pub const CREDIT_NOTES: &[Attr] = &[
    attr("id", "n.id", Kind::Int),
    attr("number", "n.number", Kind::Text),
    attr("status", "n.status", Kind::Choice(CREDIT_NOTE_STATUSES)),
    attr("issued_at", "n.issued_at", Kind::Time),
    attr("invoice_id", "n.invoice_id", Kind::Int),
    attr("customer_id", "n.customer_id", Kind::Int),
    attr("currency", "n.currency", Kind::Currency),
    attr("subtotal", "n.subtotal_cents", Kind::Money("n.currency")),
    attr("total", "n.total_cents", Kind::Money("n.currency")),
    attr("created_at", "n.created_at", Kind::Time),
    attr("updated_at", "n.updated_at", Kind::Time),
    attr("reason", "n.reason", Kind::Text),
];

pub const PAYMENTS: &[Attr] = &[
    attr("id", "p.id", Kind::Int),
    attr("invoice_id", "p.invoice_id", Kind::Int),
    attr("customer_id", "p.customer_id", Kind::Int),
    attr("amount", "p.amount_cents", Kind::Money("p.currency")),
    attr("currency", "p.currency", Kind::Currency),
    attr("reference", "p.reference", Kind::Text),
    // The pages' name for payment_method.
    attr("channel", "p.payment_method", Kind::Choice(METHODS)),
    attr("payment_method", "p.payment_method", Kind::Choice(METHODS)),
    attr("paid_at", "p.paid_at", Kind::Time),
    attr("created_at", "p.created_at", Kind::Time),
    attr("updated_at", "p.updated_at", Kind::Time),
];

pub const REMINDERS: &[Attr] = &[
    attr("id", "r.id", Kind::Int),
    // The pages' count + interval + condition: `days` holds the count in `unit`.
    attr("count", "r.days", Kind::Int),
    attr("days", "r.days", Kind::Int),
    attr("interval", "r.unit", Kind::Choice(REMINDER_INTERVALS)),
    attr("condition", "r.\"when\"", Kind::Choice(REMINDER_WHEN)),
    attr("when", "r.\"when\"", Kind::Choice(REMINDER_WHEN)),
    attr(
        "status",
        "r.status",
        Kind::Choice(&[
            ("pending", "pending"),
            ("sent", "sent"),
            ("skipped", "skipped"),
        ]),
    ),
    attr("scheduled_at", "r.scheduled_at", Kind::Time),
    attr("sent_at", "r.sent_at", Kind::Time),
    attr("created_at", "r.created_at", Kind::Time),
];

pub const CUSTOMERS: &[Attr] = &[
    attr("id", "c.id", Kind::Int),
    attr("name", "c.name", Kind::Text),
    attr("company", "c.company", Kind::Text),
    attr("email", "c.email", Kind::Text),
    attr(
        "customer_type",
        "c.customer_type",
        Kind::Choice(&[("business", "business"), ("individual", "individual")]),
    ),
    attr("currency", "c.currency", Kind::Currency),
    attr("phone", "c.phone", Kind::Text),
    attr("created_at", "c.created_at", Kind::Time),
    attr("updated_at", "c.updated_at", Kind::Time),
];

pub const PRODUCTS: &[Attr] = &[
    attr("id", "p.id", Kind::Int),
    attr("name", "p.name", Kind::Text),
    attr("sku", "p.sku", Kind::Text),
    attr("description", "p.description", Kind::Text),
    attr("unit_price", "p.unit_price", Kind::Decimal),
    attr("currency", "p.currency", Kind::Currency),
    attr("unit_code", "p.unit_code", Kind::Text),
    attr("active", "p.active", Kind::Bool),
    attr("created_at", "p.created_at", Kind::Time),
    attr("updated_at", "p.updated_at", Kind::Time),
];

pub const TAXES: &[Attr] = &[
    attr("id", "t.id", Kind::Int),
    attr("name", "t.name", Kind::Text),
    attr("rate", "t.rate", Kind::Decimal),
    attr("is_default", "t.is_default", Kind::Bool),
    attr("inclusive", "t.inclusive", Kind::Bool),
    attr("created_at", "t.created_at", Kind::Time),
    attr("updated_at", "t.updated_at", Kind::Time),
];

pub const PAYMENT_TERMS: &[Attr] = &[
    attr("id", "p.id", Kind::Int),
    attr("name", "p.name", Kind::Text),
    attr("value", "p.value", Kind::Int),
    attr("created_at", "p.created_at", Kind::Time),
    attr("updated_at", "p.updated_at", Kind::Time),
];

pub const WEBHOOK_ENDPOINTS: &[Attr] = &[
    attr("id", "id", Kind::Int),
    attr("url", "url", Kind::Text),
    attr("enabled", "enabled", Kind::Bool),
    attr("created_at", "created_at", Kind::Time),
    attr("updated_at", "updated_at", Kind::Time),
];

pub const DELIVERIES: &[Attr] = &[
    attr("id", "d.id", Kind::Int),
    attr("event_id", "d.event_id", Kind::Text),
    attr("attempt", "d.attempt", Kind::Int),
    attr("status_code", "d.status_code", Kind::Int),
    attr(
        "outcome",
        "d.outcome",
        Kind::Choice(&[
            ("succeeded", "succeeded"),
            ("retrying", "retrying"),
            ("failed", "failed"),
        ]),
    ),
    attr("created_at", "d.created_at", Kind::Time),
];

pub const EVENTS: &[Attr] = &[
    attr("id", "id", Kind::Text),
    attr("type", "type", Kind::Text),
    attr("created_at", "created_at", Kind::Time),
];
