//! The business's logo: stored in PostgreSQL (servers stay stateless), at most one, named
//! in public URLs by the business's random `public_token` and the bytes' SHA-256, so a
//! URL always means the same bytes and can be cached for good.

use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgExecutor};

use crate::billing::businesses::profile::{Logo, extension};

/// Stores (or replaces) the logo; the bytes are already checked (`profile::image`).
pub async fn store(
    tx: &mut PgConnection,
    business_id: i64,
    content_type: &str,
    bytes: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<()> {
    let digest = hex(&Sha256::digest(bytes));
    sqlx::query(
        "INSERT INTO business_logos (business_id, content_type, digest, bytes, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (business_id) DO UPDATE SET content_type = EXCLUDED.content_type,
             digest = EXCLUDED.digest, bytes = EXCLUDED.bytes, created_at = EXCLUDED.created_at",
    )
    .bind(business_id)
    .bind(content_type)
    .bind(&digest)
    .bind(bytes)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE businesses SET updated_at = $2 WHERE id = $1")
        .bind(business_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Removes the logo; whether there was one.
pub async fn remove(tx: &mut PgConnection, business_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM business_logos WHERE business_id = $1")
        .bind(business_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The logo a public URL names: the business's token, the digest and the extension
/// must all match, or there is none.
pub(crate) async fn served(
    exec: impl PgExecutor<'_>,
    token: &str,
    digest: &str,
    ext: &str,
) -> sqlx::Result<Option<Logo>> {
    let row: Option<(String, Vec<u8>, String)> = sqlx::query_as(
        "SELECT l.content_type, l.bytes, l.digest
         FROM business_logos l JOIN businesses b ON b.id = l.business_id
         WHERE b.public_token = $1 AND l.digest = $2",
    )
    .bind(token)
    .bind(digest)
    .fetch_optional(exec)
    .await?;
    Ok(row
        .filter(|(content_type, _, _)| extension(content_type) == ext)
        .map(|(content_type, bytes, digest)| Logo {
            content_type,
            bytes,
            digest,
        }))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
