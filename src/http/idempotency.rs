//! Idempotent POSTs, as Stripe does them: a client that sends `Idempotency-Key: <key>`
//! may retry the request safely.
//!
//! - The key (1 to 255 characters, else 400) is scoped to the token's business and kept
//!   `IDEMPOTENCY_KEY_HOURS` (24) by the app's clock; an expired key is free again, and
//!   expired keys are deleted as the business claims new ones.
//! - The first request claims the key atomically (`INSERT … ON CONFLICT`), in
//!   PostgreSQL, so two requests — in one process or in several — can never both run.
//! - A later request with the same key and the same request (method, path and body,
//!   hashed with SHA-256) gets the stored first answer (status, body, `Location`) with
//!   `Idempotent-Replayed: true`, and the handler does not run again.
//! - The same key with a different request answers 422; while the first request is
//!   still running, 409 (with `Retry-After`).
//!
//! The answer of a write is stored on the write's own transaction: the claim is put in
//! scope for the handler (a task-local, so no handler takes a new parameter), and
//! `api::write` renders the answer, stores it with `store_in` and commits. So once the
//! write is committed its answer is too: no crash, timeout or failure after the commit
//! can make a retry run it again, and nothing committed releases its key.
//!
//! Failures: a 4xx answer (nothing committed) is stored and replayed like a success (the
//! request was refused; retrying it cannot change that without a new key), except 409
//! and 429, which say "later" and so release the claim. A 5xx before any commit is not
//! stored: the claim is released and a retry runs the request again, as the failure may
//! have been transient. A handler that committed without storing its answer (a write
//! outside `api::write`) has whatever it answers stored afterwards, 5xx included. A
//! claim whose request never finished (the process died, or the request timed out and
//! was dropped before its commit) counts as abandoned once it is older than twice the
//! request timeout; then a retry with the same request runs again.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use std::sync::{Arc, Mutex};

use crate::auth::Auth;
use crate::error::ApiError;
use crate::http::json::{BODY_LIMIT, payload_too_large};
use crate::state::AppState;

pub const KEY_HEADER: &str = "idempotency-key";
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
pub const MAX_KEY_LENGTH: usize = 255;
/// The largest answer stored for replay (a POST answers one resource).
const MAX_STORED_BODY: usize = 8 * 1024 * 1024;

/// Route layer for the protected API, inside `require_bearer` (it needs the caller's
/// business). Requests other than POST, and POSTs without the header, pass through.
pub async fn idempotent(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(raw_key) = req.headers().get(KEY_HEADER) else {
        return next.run(req).await;
    };
    let key = match raw_key.to_str().map(str::trim) {
        Ok("") => return bad_key("must not be blank"),
        Ok(key) if key.chars().count() > MAX_KEY_LENGTH => {
            return bad_key("must be at most 255 characters");
        }
        Ok(key) => key.to_string(),
        Err(_) => return bad_key("must be visible ASCII characters"),
    };
    let Some(business_id) = req.extensions().get::<Auth>().map(|a| a.business_id) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return payload_too_large().into_response();
    };
    let hash = request_hash(&parts.method, parts.uri.path(), &bytes);
    let now = state.clock.now();
    let retention = state.config.limits.idempotency_retention;
    let abandoned_before =
        now - Duration::from_std(state.config.request_timeout * 2).unwrap_or(Duration::minutes(1));
    let claim = Key {
        business_id,
        key: &key,
        hash: &hash,
        now,
    };
    match claim.claim(&state, now - retention, abandoned_before).await {
        Err(err) => return ApiError::internal(err).into_response(),
        Ok(Claimed::Mine) => {}
        Ok(Claimed::Done(stored)) => return stored.replay(),
        Ok(Claimed::OtherRequest) => {
            return ApiError::unprocessable(
                "This Idempotency-Key was already used with a different request; \
                 use a new key for a new request",
            )
            .into_response();
        }
        Ok(Claimed::Running) => {
            return ApiError::conflict(
                "A request with this Idempotency-Key is still being processed; retry later",
            )
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
            .into_response();
        }
    }
    let slot = Arc::new(Slot {
        business_id,
        key: key.clone(),
        created_at: now,
        progress: Mutex::new(Progress::Running),
    });
    let response = SLOT
        .scope(
            slot.clone(),
            next.run(Request::from_parts(parts, Body::from(bytes))),
        )
        .await;
    match slot.progress() {
        // Stored with the write: nothing is left to do.
        Progress::Stored => response,
        Progress::Committed => claim.complete(&state, response).await,
        Progress::Running => {
            let status = response.status();
            if status.is_server_error()
                || status == StatusCode::CONFLICT
                || status == StatusCode::TOO_MANY_REQUESTS
            {
                claim.release(&state).await;
                response
            } else {
                claim.complete(&state, response).await
            }
        }
    }
}

tokio::task_local! {
    /// The claim of the keyed POST being handled, for `api::write` to store its answer in.
    static SLOT: Arc<Slot>;
    /// Set inside `apart`: the writes there are parts of the keyed request, not its answer.
    static APART: ();
}

/// Runs `work` (one action of a bulk request, say) with the request's claim out of its
/// reach: its writes store no answer and mark nothing committed. The request stores its
/// own answer after, with `store_in` on a transaction of its own.
pub async fn apart<F: Future>(work: F) -> F::Output {
    APART.scope((), work).await
}

/// The claim of the keyed POST being handled, unless inside `apart`.
fn slot() -> Option<Arc<Slot>> {
    if APART.try_with(|_| ()).is_ok() {
        return None;
    }
    SLOT.try_with(Arc::clone).ok()
}

/// A claimed key, as the handler's writes see it.
struct Slot {
    business_id: i64,
    key: String,
    /// The claim's time, which identifies it (a claim taken over gets a new one).
    created_at: DateTime<Utc>,
    progress: Mutex<Progress>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Progress {
    /// Nothing committed yet.
    Running,
    /// A write committed without its answer (the layer stores the answer after).
    Committed,
    /// The answer was committed with the write.
    Stored,
}

impl Slot {
    fn progress(&self) -> Progress {
        self.progress.lock().map_or(Progress::Committed, |p| *p)
    }

    fn advance(&self, to: Progress) {
        if let Ok(mut p) = self.progress.lock()
            && *p != Progress::Stored
        {
            *p = to;
        }
    }
}

/// Stores `response` as the answer of the keyed POST being handled, on the write's
/// transaction `conn` (no-op outside one). Answers the response to send, or an error when
/// the claim is no longer this request's (it was taken over as abandoned): the write
/// must then not commit. Call `committed(true)` once the transaction has committed.
pub async fn store_in(conn: &mut PgConnection, response: Response) -> Result<Response, ApiError> {
    let Some(slot) = slot() else {
        return Ok(response);
    };
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_STORED_BODY)
        .await
        .map_err(|_| ApiError::internal(anyhow::anyhow!("the answer is too large to store")))?;
    let stored = sqlx::query(STORE)
        .bind(slot.business_id)
        .bind(&slot.key)
        .bind(slot.created_at)
        .bind(parts.status.as_u16() as i16)
        .bind(header_text(&parts.headers, header::LOCATION))
        .bind(header_text(&parts.headers, header::CONTENT_TYPE))
        .bind(bytes.as_ref())
        .execute(conn)
        .await?;
    if stored.rows_affected() == 0 {
        return Err(ApiError::conflict(
            "This Idempotency-Key was taken over by a retry of this request; \
             its answer is the retry's",
        ));
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// Says that the handler's write has committed, with its answer stored (`store_in`) or
/// not; outside a keyed POST, nothing.
pub fn committed(with_answer: bool) {
    if let Some(slot) = slot() {
        slot.advance(if with_answer {
            Progress::Stored
        } else {
            Progress::Committed
        });
    }
}

/// Stores the answer on the claim this request holds (identified by its time).
const STORE: &str = "UPDATE idempotency_keys SET status = $4, location = $5, content_type = $6,
         body = $7, completed_at = $3
     WHERE business_id = $1 AND key = $2 AND created_at = $3 AND status IS NULL";

fn header_text(headers: &axum::http::HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn bad_key(problem: &str) -> Response {
    ApiError::bad_request(format!("The Idempotency-Key header {problem}")).into_response()
}

/// SHA-256 over the method, the path (inside `/api/v1`) and the body, each
/// length-prefixed: what must match for a key to be replayed.
pub fn request_hash(method: &Method, path: &str, body: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    for part in [method.as_str().as_bytes(), path.as_bytes(), body] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.finalize().to_vec()
}

enum Claimed {
    /// This request holds the key: run it.
    Mine,
    Done(Stored),
    /// The key belongs to a different request.
    OtherRequest,
    Running,
}

#[derive(sqlx::FromRow)]
struct Stored {
    request_hash: Vec<u8>,
    status: Option<i16>,
    location: Option<String>,
    content_type: Option<String>,
    body: Option<Vec<u8>>,
}

impl Stored {
    fn replay(self) -> Response {
        let status = self
            .status
            .and_then(|s| StatusCode::from_u16(u16::try_from(s).ok()?).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.body.unwrap_or_default()).into_response();
        let headers = response.headers_mut();
        for (name, value) in [
            (header::LOCATION, self.location),
            (header::CONTENT_TYPE, self.content_type),
        ] {
            if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(name, value);
            }
        }
        headers.insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        response
    }
}

struct Key<'a> {
    business_id: i64,
    key: &'a str,
    hash: &'a [u8],
    /// The claim's time, which also identifies it when completing or releasing.
    now: DateTime<Utc>,
}

impl Key<'_> {
    /// Claims the key, or says who holds it. A key taken over (expired, or abandoned by
    /// the same request) is reset in the same statement, so exactly one request wins.
    async fn claim(
        &self,
        state: &AppState,
        expired_before: DateTime<Utc>,
        abandoned_before: DateTime<Utc>,
    ) -> sqlx::Result<Claimed> {
        // A row deleted between the two statements (a failed first request releasing its
        // claim) makes the next round claim it.
        for _ in 0..3 {
            let mine: Option<bool> = sqlx::query_scalar(
                "WITH purge AS (
                     DELETE FROM idempotency_keys
                     WHERE business_id = $1 AND created_at <= $4 AND key <> $2
                 )
                 INSERT INTO idempotency_keys (business_id, key, request_hash, created_at)
                 VALUES ($1, $2, $3, $5)
                 ON CONFLICT (business_id, key) DO UPDATE SET
                     request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at,
                     status = NULL, location = NULL, content_type = NULL, body = NULL,
                     completed_at = NULL
                 WHERE idempotency_keys.created_at <= $4
                    OR (idempotency_keys.status IS NULL
                        AND idempotency_keys.created_at <= $6
                        AND idempotency_keys.request_hash = EXCLUDED.request_hash)
                 RETURNING true",
            )
            .bind(self.business_id)
            .bind(self.key)
            .bind(self.hash)
            .bind(expired_before)
            .bind(self.now)
            .bind(abandoned_before)
            .fetch_optional(&state.pool)
            .await?;
            if mine.is_some() {
                return Ok(Claimed::Mine);
            }
            let stored: Option<Stored> = sqlx::query_as(
                "SELECT request_hash, status, location, content_type, body
                 FROM idempotency_keys WHERE business_id = $1 AND key = $2",
            )
            .bind(self.business_id)
            .bind(self.key)
            .fetch_optional(&state.pool)
            .await?;
            match stored {
                None => continue,
                Some(s) if s.request_hash != self.hash => return Ok(Claimed::OtherRequest),
                Some(s) if s.status.is_none() => return Ok(Claimed::Running),
                Some(s) => return Ok(Claimed::Done(s)),
            }
        }
        Ok(Claimed::Running)
    }

    /// Stores the answer for replay after the handler (nothing it committed stored it)
    /// and passes the answer on.
    async fn complete(&self, state: &AppState, response: Response) -> Response {
        let (parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_STORED_BODY).await else {
            self.release(state).await;
            return ApiError::internal(anyhow::anyhow!("the answer could not be stored"))
                .into_response();
        };
        let stored = sqlx::query(STORE)
            .bind(self.business_id)
            .bind(self.key)
            .bind(self.now)
            .bind(parts.status.as_u16() as i16)
            .bind(header_text(&parts.headers, header::LOCATION))
            .bind(header_text(&parts.headers, header::CONTENT_TYPE))
            .bind(bytes.as_ref())
            .execute(&state.pool)
            .await;
        if let Err(err) = stored {
            // The answer goes out; the claim stays until it counts as abandoned.
            tracing::error!(error = %err, "could not store an idempotent answer");
        }
        Response::from_parts(parts, Body::from(bytes))
    }

    async fn release(&self, state: &AppState) {
        let released = sqlx::query(
            "DELETE FROM idempotency_keys
             WHERE business_id = $1 AND key = $2 AND created_at = $3 AND status IS NULL",
        )
        .bind(self.business_id)
        .bind(self.key)
        .bind(self.now)
        .execute(&state.pool)
        .await;
        if let Err(err) = released {
            tracing::error!(error = %err, "could not release an idempotency key");
        }
    }
}

/// Deletes up to `limit` idempotency keys claimed before `older_than`, of every business
/// (a claim purges its own business's; this catches businesses that stopped posting).
pub async fn prune_idempotency_keys(
    pool: &sqlx::PgPool,
    older_than: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM idempotency_keys WHERE (business_id, key) IN (
             SELECT business_id, key FROM idempotency_keys WHERE created_at < $1
             ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)",
    )
    .bind(older_than)
    .bind(limit)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_tells_method_path_and_body_apart() {
        let a = request_hash(&Method::POST, "/payments", b"{}");
        assert_eq!(a, request_hash(&Method::POST, "/payments", b"{}"));
        assert_ne!(a, request_hash(&Method::POST, "/invoices", b"{}"));
        assert_ne!(a, request_hash(&Method::POST, "/payments", b"{ }"));
        // Length prefixes: moving bytes between parts changes the hash.
        assert_ne!(
            request_hash(&Method::POST, "/a", b"b"),
            request_hash(&Method::POST, "/ab", b"")
        );
    }
}
