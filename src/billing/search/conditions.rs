//! Ransack conditions as SQL: `AND`ed onto a list's `WHERE`, every value a bind
//! parameter, every column from the list's allow-list.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sqlx::{Postgres, QueryBuilder};

use super::Pred;

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(i64),
    Text(String),
    Time(DateTime<Utc>),
    Bool(bool),
    Decimal(Decimal),
}

#[derive(Debug, Clone)]
pub(crate) enum Test {
    Compare(&'static str, Value),
    In(Vec<Value>),
    /// ILIKE with this pattern.
    Like(String),
    /// Before the first instant or at/after the second.
    Outside(DateTime<Utc>, DateTime<Utc>),
    /// Decimal units compared with minor units in each row's currency.
    Money {
        pred: Pred,
        amounts: Vec<Decimal>,
        currency: &'static str,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub column: &'static str,
    pub test: Test,
}

/// The conditions of a request's `q[…]` parameters.
#[derive(Debug, Clone, Default)]
pub struct Conditions(Vec<Condition>);

impl Conditions {
    pub(crate) fn new(conditions: Vec<Condition>) -> Self {
        Conditions(conditions)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Pushes ` AND …` for each condition.
    pub fn push(&self, qb: &mut QueryBuilder<Postgres>) {
        for condition in &self.0 {
            qb.push(" AND ");
            push_one(qb, condition);
        }
    }
}

fn bind(qb: &mut QueryBuilder<Postgres>, value: &Value) {
    match value {
        Value::Int(v) => qb.push_bind(*v),
        Value::Text(v) => qb.push_bind(v.clone()),
        Value::Time(v) => qb.push_bind(*v),
        Value::Bool(v) => qb.push_bind(*v),
        Value::Decimal(v) => qb.push_bind(*v),
    };
}

fn push_one(qb: &mut QueryBuilder<Postgres>, c: &Condition) {
    let column = c.column;
    match &c.test {
        Test::Compare(op, value) => {
            qb.push(format!("{column} {op} "));
            bind(qb, value);
        }
        Test::In(values) => {
            qb.push(format!("{column} IN ("));
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    qb.push(", ");
                }
                bind(qb, value);
            }
            qb.push(")");
        }
        Test::Like(pattern) => {
            qb.push(format!("{column} ILIKE "))
                .push_bind(pattern.clone());
        }
        Test::Outside(start, end) => {
            qb.push(format!("({column} < "))
                .push_bind(*start)
                .push(format!(" OR {column} >= "))
                .push_bind(*end)
                .push(")");
        }
        Test::Money {
            pred,
            amounts,
            currency,
        } => push_money(qb, column, currency, *pred, amounts),
    }
}

/// What a decimal amount asks of an integer column of minor units.
pub(crate) enum Minor {
    Never,
    Always,
    Compare(&'static str, i64),
    In(Vec<i64>),
}

/// The test on minor units for `amount` scaled by `10^exponent`. An integer column
/// compared with a fraction: `> 2.5` is `> 2`, `>= 2.5` is `>= 3`, `= 2.5` never holds.
pub(crate) fn minor(pred: Pred, amounts: &[Decimal], exponent: u32) -> Minor {
    let scale = Decimal::from(10_i64.pow(exponent));
    let scaled: Vec<Decimal> = amounts.iter().map(|a| a * scale).collect();
    let int = |d: Decimal| {
        d.to_i64().unwrap_or(if d > Decimal::ZERO {
            i64::MAX
        } else {
            i64::MIN
        })
    };
    let x = scaled[0];
    match pred {
        Pred::Eq if x.fract().is_zero() => Minor::Compare("=", int(x)),
        Pred::Eq => Minor::Never,
        Pred::NotEq if x.fract().is_zero() => Minor::Compare("<>", int(x)),
        Pred::NotEq => Minor::Always,
        Pred::Gt => Minor::Compare(">", int(x.floor())),
        Pred::Gteq => Minor::Compare(">=", int(x.ceil())),
        Pred::Lt => Minor::Compare("<", int(x.ceil())),
        Pred::Lteq => Minor::Compare("<=", int(x.floor())),
        Pred::In => {
            let whole: Vec<i64> = scaled
                .iter()
                .filter(|d| d.fract().is_zero())
                .map(|d| int(*d))
                .collect();
            if whole.is_empty() {
                Minor::Never
            } else {
                Minor::In(whole)
            }
        }
        // Refused for money before this point.
        Pred::Cont | Pred::StartsWith => Minor::Never,
    }
}

/// ISO 4217 codes by minor-unit exponent, for the exponents other than 2 (the common
/// one), from the currency table: every three-letter code tried once.
pub(crate) fn exponent_groups() -> &'static [(u32, Vec<String>)] {
    static GROUPS: OnceLock<Vec<(u32, Vec<String>)>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut groups: Vec<(u32, Vec<String>)> = Vec::new();
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for c in b'A'..=b'Z' {
                    let code = String::from_utf8(vec![a, b, c]).unwrap_or_default();
                    let Ok(currency) = crate::money::Currency::parse(&code) else {
                        continue;
                    };
                    if currency.exponent() == 2 {
                        continue;
                    }
                    match groups.iter_mut().find(|(e, _)| *e == currency.exponent()) {
                        Some((_, codes)) => codes.push(code),
                        None => groups.push((currency.exponent(), vec![code])),
                    }
                }
            }
        }
        groups.sort_by_key(|(e, _)| *e);
        groups
    })
}

/// One branch per exponent, each on the `(business_id, <money>, id)` index:
/// `((cur <> ALL(odd) AND col > 10000) OR (cur = ANY(jpy…) AND col > 100) OR …)`.
fn push_money(
    qb: &mut QueryBuilder<Postgres>,
    column: &str,
    currency: &str,
    pred: Pred,
    amounts: &[Decimal],
) {
    let groups = exponent_groups();
    let odd: Vec<String> = groups.iter().flat_map(|(_, c)| c.clone()).collect();
    let mut branches = 0;
    qb.push("(");
    let mut branch =
        |qb: &mut QueryBuilder<Postgres>, exponent: u32, codes: Option<&Vec<String>>| {
            let test = minor(pred, amounts, exponent);
            if matches!(test, Minor::Never) {
                return;
            }
            if branches > 0 {
                qb.push(" OR ");
            }
            branches += 1;
            match codes {
                Some(codes) => qb
                    .push(format!("({currency} = ANY("))
                    .push_bind(codes.clone()),
                None => qb
                    .push(format!("({currency} <> ALL("))
                    .push_bind(odd.clone()),
            };
            qb.push(")");
            match test {
                Minor::Never | Minor::Always => {}
                Minor::Compare(op, v) => {
                    qb.push(format!(" AND {column} {op} ")).push_bind(v);
                }
                Minor::In(values) => {
                    qb.push(format!(" AND {column} = ANY("))
                        .push_bind(values)
                        .push(")");
                }
            }
            qb.push(")");
        };
    branch(qb, 2, None);
    for (exponent, codes) in groups {
        branch(qb, *exponent, Some(codes));
    }
    if branches == 0 {
        qb.push("FALSE");
    }
    qb.push(")");
}
