//! Gap-free document numbers: `INV-0001`, `INV-0002`, …, `QOT-0001`, … and `CN-0001`, …
//! per business.
//!
//! The prefix and the zero padding (a minimum width: `INV-10000` after `INV-9999`) are
//! the business's settings (`businesses.invoice_prefix`, `quote_prefix`, `credit_note_prefix`,
//! `number_padding`). The counter is a row of `document_counters`, incremented inside the
//! caller's transaction: the row stays locked until that transaction ends, so a create
//! that rolls back gives its number back and concurrent creates wait their turn instead
//! of sharing a number. A client that chooses its own number simply does not call
//! `next_number`, and no counter value is used up; a number the counter reaches that a
//! client already chose is skipped.

use sqlx::PgConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    Invoice,
    Quote,
    CreditNote,
}

impl DocumentKind {
    /// The `document_counters.kind` value.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Quote => "quote",
            DocumentKind::CreditNote => "credit_note",
        }
    }

    /// The table whose numbers the counter must not repeat.
    fn table(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoices",
            DocumentKind::Quote => "quotes",
            DocumentKind::CreditNote => "credit_notes",
        }
    }
}

/// Takes the next number of this kind for the business, skipping any that a document
/// already carries (a client may have chosen a number the counter reaches later). Call
/// it inside the transaction that inserts the document: the number is final only if
/// that transaction commits.
///
/// One round trip per number tried: the counter row stays locked until the caller's
/// transaction ends, so every statement spent between here and the commit makes
/// concurrent creates wait longer. That is why the formatting (prefix + value
/// zero-padded to at least `number_padding` digits: `INV-10000` after `INV-9999`) is
/// done here in SQL, where the check for a taken number can use it, and nowhere else.
pub async fn next_number(
    conn: &mut PgConnection,
    business_id: i64,
    kind: DocumentKind,
) -> sqlx::Result<String> {
    let sql = format!(
        "WITH counter AS (
             INSERT INTO document_counters AS c (business_id, kind, last_value)
             VALUES ($1, $2, 1)
             ON CONFLICT (business_id, kind) DO UPDATE SET last_value = c.last_value + 1
             RETURNING last_value::text AS v
         ), numbered AS (
             SELECT CASE $2 WHEN 'quote' THEN b.quote_prefix
                            WHEN 'credit_note' THEN b.credit_note_prefix
                            ELSE b.invoice_prefix END
                    || lpad(counter.v, greatest(b.number_padding, length(counter.v)), '0')
                    AS number
             FROM counter, businesses b
             WHERE b.id = $1
         )
         SELECT n.number,
                EXISTS (SELECT 1 FROM {} d WHERE d.business_id = $1 AND d.number = n.number)
         FROM numbered n",
        kind.table()
    );
    loop {
        let (number, taken): (String, bool) = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(business_id)
            .bind(kind.as_str())
            .fetch_one(&mut *conn)
            .await?;
        if !taken {
            return Ok(number);
        }
    }
}
