//! The customer's page links: one live link per sent invoice or quote, reached only by
//! its token (`/p/{token}`), revocable and reissuable.
//!
//! The token is HMAC-SHA256(the deployment's [`LinkKey`], a 256-bit random nonce), in
//! URL-safe base64. A row keeps the nonce and the token's SHA-256, never the token: a
//! request is looked up by the hash, and the API shows the same `public_url` on every
//! read by deriving the token again from the nonce. Someone who reads the table without
//! the key can neither open a page nor compute a URL.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

pub use crate::link_key::LinkKey;
use crate::link_key::random_bytes;

use crate::billing::error::BillingError;
use crate::billing::events::{EventType, Outcome};

/// The characters of a token: 32 bytes in URL-safe base64 without padding.
pub const TOKEN_LEN: usize = 43;

/// The SHA-256 a token is stored and looked up by.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether `text` could be a token at all (checked before any query).
pub fn is_well_formed(text: &str) -> bool {
    text.len() == TOKEN_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Invoice,
    Quote,
    CreditNote,
}

impl DocKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoice",
            DocKind::Quote => "quote",
            DocKind::CreditNote => "credit_note",
        }
    }

    fn parse(text: &str) -> Option<DocKind> {
        match text {
            "invoice" => Some(DocKind::Invoice),
            "quote" => Some(DocKind::Quote),
            "credit_note" => Some(DocKind::CreditNote),
            _ => None,
        }
    }

    pub(crate) fn table(self) -> &'static str {
        match self {
            DocKind::Invoice => "invoices",
            DocKind::Quote => "quotes",
            DocKind::CreditNote => "credit_notes",
        }
    }
}

/// The live link's nonce of a document, as the views read it inside the document's own
/// query (one statement): `{alias}` is the document's alias there. A deleted document
/// has no live link.
pub fn live_nonce_sql(kind: DocKind, alias: &str) -> String {
    format!(
        "(SELECT l.nonce FROM document_links l
          WHERE l.business_id = {alias}.business_id AND l.document_kind = '{kind}'
            AND l.document_id = {alias}.id AND l.revoked_at IS NULL
            AND {alias}.discarded_at IS NULL)",
        kind = kind.as_str()
    )
}

/// Issues a link for the document unless it has a live one: what sending does, in the
/// send's transaction (the document row is locked by then).
pub async fn ensure(
    conn: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    kind: DocKind,
    document_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let nonce = random_bytes();
    let hash = token_hash(&key.token(&nonce));
    sqlx::query(
        "INSERT INTO document_links (business_id, document_kind, document_id, nonce,
                                     token_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (business_id, document_kind, document_id) WHERE revoked_at IS NULL
         DO NOTHING",
    )
    .bind(business_id)
    .bind(kind.as_str())
    .bind(document_id)
    .bind(&nonce[..])
    .bind(&hash[..])
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes the document's live link, if any: its page answers 404 from now on.
pub async fn revoke(
    conn: &mut PgConnection,
    business_id: i64,
    kind: DocKind,
    document_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE document_links SET revoked_at = $4
         WHERE business_id = $1 AND document_kind = $2 AND document_id = $3
           AND revoked_at IS NULL",
    )
    .bind(business_id)
    .bind(kind.as_str())
    .bind(document_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A new link with a new token in place of the live one (the old one dies).
pub async fn reissue(
    conn: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    kind: DocKind,
    document_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    revoke(&mut *conn, business_id, kind, document_id, now).await?;
    ensure(conn, key, business_id, kind, document_id, now).await
}

/// Locks the document row a link change is about (live, of the business): whether it
/// exists and, when it does, its status, so the caller can tell what may be linked.
pub async fn lock_document(
    conn: &mut PgConnection,
    business_id: i64,
    kind: DocKind,
    document_id: i64,
) -> sqlx::Result<Option<String>> {
    let sql = format!(
        "SELECT status FROM {} WHERE id = $1 AND business_id = $2 AND discarded_at IS NULL
         FOR UPDATE",
        kind.table()
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(document_id)
        .bind(business_id)
        .fetch_optional(conn)
        .await
}

/// What the API asks of a document's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The page dies (404) until the document is sent again or the link reissued.
    Revoke,
    /// A new token in place of the old one, which dies.
    Reissue,
}

/// `POST /invoices/{id}/public_link/revoke` and `…/reissue` (and the quotes'): a
/// document never sent has no page to reissue. The invoice's view changes
/// (`public_url`), so it raises `invoice.updated`; quotes have no update event.
pub async fn change(
    conn: &mut PgConnection,
    key: &LinkKey,
    business_id: i64,
    kind: DocKind,
    document_id: i64,
    change: Change,
    now: DateTime<Utc>,
) -> Result<Outcome, BillingError> {
    let status = lock_document(&mut *conn, business_id, kind, document_id)
        .await?
        .ok_or(BillingError::NotFound)?;
    match change {
        Change::Revoke => {
            if !revoke(&mut *conn, business_id, kind, document_id, now).await? {
                return Ok(Outcome::none());
            }
        }
        Change::Reissue => {
            if status == "draft" {
                return Err(BillingError::refused(format!(
                    "A draft {} has no page yet: send it first",
                    kind.as_str()
                )));
            }
            reissue(&mut *conn, key, business_id, kind, document_id, now).await?;
        }
    }
    Ok(match kind {
        DocKind::Invoice => Outcome::of(EventType::InvoiceUpdated, business_id, document_id),
        // Neither kind has an `updated` event.
        DocKind::Quote | DocKind::CreditNote => Outcome::none(),
    })
}

/// A live link of a live document, as a page request finds it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub id: i64,
    pub business_id: i64,
    pub kind: DocKind,
    pub document_id: i64,
    pub token_hash: [u8; 32],
    pub viewed_at: Option<DateTime<Utc>>,
}

/// id, business, kind, document, viewed_at.
type LinkRow = (i64, i64, String, i64, Option<DateTime<Utc>>);

/// The live link a token opens, if any: unknown, malformed and revoked tokens, and
/// deleted documents, are all simply none.
pub async fn resolve(conn: &mut PgConnection, token: &str) -> sqlx::Result<Option<Resolved>> {
    if !is_well_formed(token) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let row: Option<LinkRow> = sqlx::query_as(
        "SELECT l.id, l.business_id, l.document_kind, l.document_id, l.viewed_at
         FROM document_links l
         LEFT JOIN invoices i ON l.document_kind = 'invoice' AND i.id = l.document_id
                              AND i.business_id = l.business_id
         LEFT JOIN quotes q ON l.document_kind = 'quote' AND q.id = l.document_id
                            AND q.business_id = l.business_id
         LEFT JOIN credit_notes n ON l.document_kind = 'credit_note' AND n.id = l.document_id
                                  AND n.business_id = l.business_id
         WHERE l.token_hash = $1 AND l.revoked_at IS NULL
           AND coalesce(i.discarded_at, q.discarded_at, n.discarded_at) IS NULL
           AND (i.id IS NOT NULL OR q.id IS NOT NULL OR n.id IS NOT NULL)",
    )
    .bind(&hash[..])
    .fetch_optional(conn)
    .await?;
    Ok(
        row.and_then(|(id, business_id, kind, document_id, viewed_at)| {
            Some(Resolved {
                id,
                business_id,
                kind: DocKind::parse(&kind)?,
                document_id,
                token_hash: hash,
                viewed_at,
            })
        }),
    )
}

/// Stamps the link's first view; whether this was it (a later view changes nothing).
pub async fn stamp_viewed(
    conn: &mut PgConnection,
    link: &Resolved,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE document_links SET viewed_at = $3
         WHERE id = $1 AND business_id = $2 AND viewed_at IS NULL",
    )
    .bind(link.id)
    .bind(link.business_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Keeps what the customer wrote when accepting or declining on the page.
pub async fn record_response(
    conn: &mut PgConnection,
    link: &Resolved,
    name: Option<&str>,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE document_links
         SET responded_at = $3, responder_name = $4, responder_comment = $5
         WHERE id = $1 AND business_id = $2",
    )
    .bind(link.id)
    .bind(link.business_id)
    .bind(now)
    .bind(name)
    .bind(comment)
    .execute(conn)
    .await?;
    Ok(())
}

/// What the customer wrote on the document's page, the latest answer through any of its
/// links, for the views (inside the document's query, as `live_nonce_sql`).
pub fn response_sql(kind: DocKind, alias: &str) -> String {
    format!(
        "(SELECT json_build_object('name', l.responder_name, 'comment', l.responder_comment,
                                   'responded_at', l.responded_at)
          FROM document_links l
          WHERE l.business_id = {alias}.business_id AND l.document_kind = '{kind}'
            AND l.document_id = {alias}.id AND l.responded_at IS NOT NULL
          ORDER BY l.responded_at DESC LIMIT 1)",
        kind = kind.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_derived_from_the_key_and_the_nonce() {
        let key = LinkKey::from_secret("one");
        let nonce = [7u8; 32];
        let token = key.token(&nonce);
        assert_eq!(token.len(), TOKEN_LEN);
        assert!(is_well_formed(&token));
        assert_eq!(token, key.token(&nonce));
        assert_ne!(token, LinkKey::from_secret("two").token(&nonce));
        assert_ne!(token, key.token(&[8u8; 32]));
        assert!(!is_well_formed(&token[1..]));
        assert!(!is_well_formed(&format!("{}+", &token[1..])));
    }

    #[test]
    fn a_form_token_is_good_for_its_link_only() {
        let key = LinkKey::from_secret("one");
        let form = key.form_token(&[1u8; 32]);
        assert!(key.check_form_token(&[1u8; 32], &form));
        assert!(!key.check_form_token(&[2u8; 32], &form));
        assert!(!LinkKey::from_secret("two").check_form_token(&[1u8; 32], &form));
        assert!(!key.check_form_token(&[1u8; 32], ""));
        assert!(!key.check_form_token(&[1u8; 32], "not base64!"));
    }
}
