//! Line items of a document: reading them, applying a request's nested
//! `items_attributes` (with `id` updates, without adds, `_destroy` removes), saving them.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::{AssertSqlSafe, PgConnection, Postgres, QueryBuilder};

use super::{Kind, MAX_ITEMS};
use crate::billing::error::FieldErrors;

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct Item {
    pub id: i64,
    pub document_id: i64,
    pub position: i32,
    pub name: String,
    pub description: Option<String>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    /// UN/ECE Recommendation 20 (`C62`, one).
    pub unit_code: String,
    pub total_cents: i64,
    pub tax_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A credit note's item: the invoice item it credits (none for an amount credit).
    #[sqlx(default)]
    #[serde(default)]
    pub invoice_item_id: Option<i64>,
    /// The catalogue product its defaults came from (`billing::products`), if any.
    #[sqlx(default)]
    #[serde(default)]
    pub product_id: Option<i64>,
}

/// A line as it will be after the write: an existing item (`id`) or a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub id: Option<i64>,
    pub name: String,
    pub description: Option<String>,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub unit_code: String,
    pub tax_ids: Vec<i64>,
    pub product_id: Option<i64>,
}

/// An item's unit when none is given: C62, "one" (a piece).
pub const DEFAULT_UNIT_CODE: &str = "C62";

impl From<&Item> for Line {
    fn from(item: &Item) -> Self {
        Line {
            id: Some(item.id),
            name: item.name.clone(),
            description: item.description.clone(),
            quantity: item.quantity,
            unit_price: item.unit_price,
            unit_code: item.unit_code.clone(),
            tax_ids: item.tax_ids.clone(),
            product_id: item.product_id,
        }
    }
}

/// One entry of `items_attributes`. `None` fields keep what the item has.
#[derive(Debug, Clone, Default)]
pub struct LineChange {
    pub id: Option<i64>,
    pub destroy: bool,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub quantity: Option<Decimal>,
    pub unit_price: Option<Decimal>,
    pub unit_code: Option<String>,
    pub tax_ids: Option<Vec<i64>>,
    /// The catalogue product it names (its defaults filled in by `products::fill_items`).
    pub product_id: Option<i64>,
}

/// Applies the changes in order to the existing items; errors are keyed
/// `items_attributes[i].field` by the change's place in the request.
pub fn apply_changes(existing: &[Item], changes: &[LineChange]) -> Result<Vec<Line>, FieldErrors> {
    let mut lines: Vec<Line> = existing.iter().map(Line::from).collect();
    let mut errors = FieldErrors::new();
    for (i, change) in changes.iter().enumerate() {
        let path = |field: &str| format!("items_attributes[{i}].{field}");
        match change.id {
            Some(id) => {
                let Some(at) = lines.iter().position(|l| l.id == Some(id)) else {
                    errors.add(path("id"), "is not an item of this document");
                    continue;
                };
                if change.destroy {
                    lines.remove(at);
                    continue;
                }
                let line = &mut lines[at];
                if let Some(name) = &change.name {
                    line.name = name.clone();
                }
                if let Some(description) = &change.description {
                    line.description = description.clone();
                }
                if let Some(quantity) = change.quantity {
                    line.quantity = quantity;
                }
                if let Some(unit_price) = change.unit_price {
                    line.unit_price = unit_price;
                }
                if let Some(unit_code) = &change.unit_code {
                    line.unit_code = unit_code.clone();
                }
                if let Some(tax_ids) = &change.tax_ids {
                    line.tax_ids = tax_ids.clone();
                }
                if change.product_id.is_some() {
                    line.product_id = change.product_id;
                }
            }
            None if change.destroy => {}
            None => {
                let (Some(name), Some(quantity), Some(unit_price)) =
                    (&change.name, change.quantity, change.unit_price)
                else {
                    for (field, missing) in [
                        ("name", change.name.is_none()),
                        ("quantity", change.quantity.is_none()),
                        ("unit_price", change.unit_price.is_none()),
                    ] {
                        // A value that was sent but invalid is already reported.
                        if missing {
                            errors.add(path(field), "can't be blank");
                        }
                    }
                    continue;
                };
                lines.push(Line {
                    id: None,
                    name: name.clone(),
                    description: change.description.clone().flatten(),
                    quantity,
                    unit_price,
                    unit_code: change
                        .unit_code
                        .clone()
                        .unwrap_or_else(|| DEFAULT_UNIT_CODE.into()),
                    tax_ids: change.tax_ids.clone().unwrap_or_default(),
                    product_id: change.product_id,
                });
            }
        }
    }
    if lines.len() > MAX_ITEMS {
        errors.add(
            "items_attributes",
            format!("is too long (maximum is {MAX_ITEMS} items)"),
        );
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// The items of several documents, in order, in one query.
pub async fn load(
    conn: &mut PgConnection,
    kind: Kind,
    document_ids: &[i64],
) -> sqlx::Result<Vec<Item>> {
    let sql = format!(
        "SELECT id, {fk} AS document_id, position, name, description, quantity, unit_price,
                unit_code, total_cents, tax_ids, created_at, updated_at, product_id
         FROM {table} WHERE {fk} = ANY($1) ORDER BY {fk}, position, id",
        fk = kind.foreign_key,
        table = kind.items_table,
    );
    sqlx::query_as::<_, Item>(AssertSqlSafe(sql))
        .bind(document_ids)
        .fetch_all(conn)
        .await
}

/// Makes the stored items equal `lines` (with their computed totals): removes items no
/// longer listed, updates the kept ones, inserts the new ones in one statement.
pub async fn save(
    conn: &mut PgConnection,
    kind: Kind,
    document_id: i64,
    existing: &[Item],
    lines: &[Line],
    totals: &[i64],
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let kept: Vec<i64> = lines.iter().filter_map(|l| l.id).collect();
    let removed: Vec<i64> = existing
        .iter()
        .map(|i| i.id)
        .filter(|id| !kept.contains(id))
        .collect();
    if !removed.is_empty() {
        let sql = format!("DELETE FROM {} WHERE id = ANY($1)", kind.items_table);
        sqlx::query(AssertSqlSafe(sql))
            .bind(&removed)
            .execute(&mut *conn)
            .await?;
    }
    for (position, (line, total)) in lines.iter().zip(totals).enumerate() {
        let Some(id) = line.id else { continue };
        let unchanged = existing.iter().any(|item| {
            item.id == id
                && Line::from(item) == *line
                && item.position == position as i32
                && item.total_cents == *total
        });
        if unchanged {
            continue;
        }
        let sql = format!(
            "UPDATE {} SET position = $2, name = $3, description = $4, quantity = $5,
                 unit_price = $6, total_cents = $7, tax_ids = $8, updated_at = $9,
                 unit_code = $10, product_id = $11
             WHERE id = $1",
            kind.items_table
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .bind(position as i32)
            .bind(&line.name)
            .bind(&line.description)
            .bind(line.quantity)
            .bind(line.unit_price)
            .bind(total)
            .bind(&line.tax_ids)
            .bind(now)
            .bind(&line.unit_code)
            .bind(line.product_id)
            .execute(&mut *conn)
            .await?;
    }
    let new: Vec<(usize, &Line, i64)> = lines
        .iter()
        .zip(totals)
        .enumerate()
        .filter(|(_, (line, _))| line.id.is_none())
        .map(|(position, (line, total))| (position, line, *total))
        .collect();
    if !new.is_empty() {
        let mut qb = QueryBuilder::<Postgres>::new(format!(
            "INSERT INTO {} ({}, position, name, description, quantity, unit_price,
                 total_cents, tax_ids, created_at, updated_at, unit_code, product_id) ",
            kind.items_table, kind.foreign_key
        ));
        qb.push_values(new, |mut row, (position, line, total)| {
            row.push_bind(document_id)
                .push_bind(position as i32)
                .push_bind(line.name.clone())
                .push_bind(line.description.clone())
                .push_bind(line.quantity)
                .push_bind(line.unit_price)
                .push_bind(total)
                .push_bind(line.tax_ids.clone())
                .push_bind(now)
                .push_bind(now)
                .push_bind(line.unit_code.clone())
                .push_bind(line.product_id);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn item(id: i64, name: &str) -> Item {
        Item {
            id,
            document_id: 1,
            position: 0,
            name: name.into(),
            description: None,
            quantity: dec!(1),
            unit_price: dec!(10),
            unit_code: DEFAULT_UNIT_CODE.into(),
            total_cents: 1000,
            tax_ids: vec![],
            created_at: Utc::now(),
            updated_at: Utc::now(),
            invoice_item_id: None,
            product_id: None,
        }
    }

    #[test]
    fn changes_update_add_and_destroy_items() {
        let existing = [item(1, "a"), item(2, "b")];
        let changes = [
            LineChange {
                id: Some(1),
                quantity: Some(dec!(3)),
                ..Default::default()
            },
            LineChange {
                id: Some(2),
                destroy: true,
                ..Default::default()
            },
            LineChange {
                name: Some("c".into()),
                quantity: Some(dec!(2)),
                unit_price: Some(dec!(5)),
                ..Default::default()
            },
        ];
        let lines = apply_changes(&existing, &changes).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].quantity, dec!(3));
        assert_eq!(lines[1].name, "c");
        assert_eq!(lines[1].id, None);
    }

    #[test]
    fn unknown_ids_and_incomplete_new_items_are_named() {
        let changes = [
            LineChange {
                id: Some(99),
                ..Default::default()
            },
            LineChange {
                name: Some("x".into()),
                ..Default::default()
            },
        ];
        let errors = apply_changes(&[item(1, "a")], &changes).unwrap_err();
        assert!(errors.contains("items_attributes[0].id"));
        assert!(errors.contains("items_attributes[1].quantity"));
        assert!(errors.contains("items_attributes[1].unit_price"));
        assert!(!errors.contains("items_attributes[1].name"));
    }

    #[test]
    fn more_than_100_items_is_an_error() {
        let changes: Vec<LineChange> = (0..101)
            .map(|_| LineChange {
                name: Some("x".into()),
                quantity: Some(dec!(1)),
                unit_price: Some(dec!(1)),
                ..Default::default()
            })
            .collect();
        let errors = apply_changes(&[], &changes).unwrap_err();
        assert!(errors.contains("items_attributes"));
    }
}
