//! Who did a write: the user behind a token, the OAuth client acting with a
//! client-credentials token, or the system (a sweep, a job, the customer's page).
//!
//! The bearer check makes the request's actor current for the request's task
//! (`acting`); a write's transaction takes it (`assume`: `write::begin`, the sweeps, the
//! customer's page) into the transaction setting `koteshen.actor`, from which the
//! database stamps what the write records: each event's `actor`, a document's
//! `created_by`, `sent_by` and `voided_by` (migration 20251101000290). Code that writes
//! never passes it along; a transaction that does not assume one records `system`.

use std::future::Future;

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use utoipa::ToSchema;

/// What kind of actor it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    User,
    Client,
    System,
}

/// An actor as events and documents show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"type": "user", "id": 1, "name": "Given Ncube"}))]
pub struct Actor {
    /// `user`, `client` (an OAuth application with a client-credentials token) or
    /// `system` (sweeps, jobs, the customer's page).
    #[serde(rename = "type")]
    pub kind: ActorKind,
    /// The user's or the OAuth application's id; null for the system.
    pub id: Option<i64>,
    /// The user's name (or email), the application's name, or what the system did it
    /// as (`system`, `overdue`, `recurring`, `customer page`).
    pub name: String,
}

impl Actor {
    pub fn user(id: i64, name: impl Into<String>) -> Actor {
        Actor {
            kind: ActorKind::User,
            id: Some(id),
            name: name.into(),
        }
    }

    pub fn client(id: i64, name: impl Into<String>) -> Actor {
        Actor {
            kind: ActorKind::Client,
            id: Some(id),
            name: name.into(),
        }
    }

    pub fn system(name: impl Into<String>) -> Actor {
        Actor {
            kind: ActorKind::System,
            id: None,
            name: name.into(),
        }
    }
}

/// The system actor's name for what a customer does on their page (a view, an answer).
pub const CUSTOMER_PAGE: &str = "customer page";

tokio::task_local! {
    static CURRENT: Actor;
}

/// Runs `work` with `actor` current (what `current` answers inside it).
pub async fn acting<F: Future>(actor: Actor, work: F) -> F::Output {
    CURRENT.scope(actor, work).await
}

/// The actor of the running task: the request's, or the system's outside any.
pub fn current() -> Actor {
    CURRENT
        .try_with(Actor::clone)
        .unwrap_or_else(|_| Actor::system("system"))
}

/// A transaction on `pool` that records the current actor (what a write that begins its
/// own transaction takes instead of `pool.begin()`).
pub async fn begin(
    pool: &sqlx::PgPool,
) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = pool.begin().await?;
    assume(&mut tx, &current()).await?;
    Ok(tx)
}

/// Makes `actor` the one the transaction on `conn` records (`koteshen.actor`, local to
/// the transaction).
pub async fn assume(conn: &mut PgConnection, actor: &Actor) -> sqlx::Result<()> {
    let json = serde_json::to_string(actor).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query("SELECT set_config('koteshen.actor', $1, true)")
        .bind(json)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_current_actor_is_the_scope_s_or_the_system() {
        assert_eq!(current(), Actor::system("system"));
        let inside = acting(Actor::user(7, "Ann"), async { current() }).await;
        assert_eq!(inside, Actor::user(7, "Ann"));
        assert_eq!(
            serde_json::to_value(Actor::client(3, "Sync")).unwrap(),
            serde_json::json!({"type": "client", "id": 3, "name": "Sync"})
        );
    }
}
