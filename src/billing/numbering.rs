//! Gap-free document numbers: `INV-0001`, `INV-0002`, … and `QOT-0001`, … per business.
//!
//! The prefix and the zero padding (a minimum width: `INV-10000` after `INV-9999`) are
//! the business's settings (`businesses.invoice_prefix`, `quote_prefix`,
//! `number_padding`). The counter is a row of `document_counters`, incremented inside the
//! caller's transaction: the row stays locked until that transaction ends, so a create
//! that rolls back gives its number back and concurrent creates wait their turn instead
//! of sharing a number. A client that chooses its own number simply does not call
//! `next_number`, and no counter value is used up.

use sqlx::PgConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    Invoice,
    Quote,
}

impl DocumentKind {
    /// The `document_counters.kind` value.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Quote => "quote",
        }
    }
}

/// Takes the next number of this kind for the business. Call it inside the transaction
/// that inserts the document: the number is final only if that transaction commits.
pub async fn next_number(
    conn: &mut PgConnection,
    business_id: i64,
    kind: DocumentKind,
) -> sqlx::Result<String> {
    let (prefix, padding, value): (String, i32, i64) = sqlx::query_as(
        "WITH counter AS (
             INSERT INTO document_counters AS c (business_id, kind, last_value)
             VALUES ($1, $2, 1)
             ON CONFLICT (business_id, kind) DO UPDATE SET last_value = c.last_value + 1
             RETURNING last_value
         )
         SELECT CASE WHEN $2 = 'quote' THEN b.quote_prefix ELSE b.invoice_prefix END,
                b.number_padding, counter.last_value
         FROM counter, businesses b
         WHERE b.id = $1",
    )
    .bind(business_id)
    .bind(kind.as_str())
    .fetch_one(conn)
    .await?;
    Ok(format_number(&prefix, padding, value))
}

/// `prefix` + `value` zero-padded to at least `padding` digits.
fn format_number(prefix: &str, padding: i32, value: i64) -> String {
    let width = usize::try_from(padding).unwrap_or(0);
    format!("{prefix}{value:0width$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_is_a_minimum_width() {
        assert_eq!(format_number("INV-", 4, 1), "INV-0001");
        assert_eq!(format_number("INV-", 4, 9999), "INV-9999");
        assert_eq!(format_number("INV-", 4, 10000), "INV-10000");
        assert_eq!(format_number("QOT-", 0, 7), "QOT-7");
        assert_eq!(format_number("", 6, 42), "000042");
        assert_eq!(format_number("X", -1, 3), "X3");
    }
}
