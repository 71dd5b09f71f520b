//! The retention sweep: rows older than their `RETAIN_*` go, younger and live ones stay,
//! nothing still referenced by a live row is broken, and one sweep deletes in bounded
//! batches.

use chrono::{DateTime, Duration, Utc};
use sqlx::{AssertSqlSafe, PgPool};

use crate::harness::TestApp;
use crate::harness::app::t0;

async fn exists(pool: &PgPool, sql: &str, id: &str) -> bool {
    sqlx::query_scalar::<_, bool>(AssertSqlSafe(format!("SELECT EXISTS ({sql})")))
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn event(pool: &PgPool, business_id: i64, id: &str, at: DateTime<Utc>) {
    sqlx::query(
        "INSERT INTO events (id, business_id, type, data, created_at)
         VALUES ($1, $2, 'invoice.created', '{}', $3)",
    )
    .bind(id)
    .bind(business_id)
    .bind(at)
    .execute(pool)
    .await
    .unwrap();
}

async fn delivery(pool: &PgPool, business_id: i64, endpoint: i64, event: &str, at: DateTime<Utc>) {
    sqlx::query(
        "INSERT INTO webhook_deliveries
             (business_id, endpoint_id, event_id, attempt, duration_ms, outcome, created_at)
         VALUES ($1, $2, $3, 1, 5, 'succeeded', $4)",
    )
    .bind(business_id)
    .bind(endpoint)
    .bind(event)
    .bind(at)
    .execute(pool)
    .await
    .unwrap();
}

async fn job(
    pool: &PgPool,
    key: &str,
    status: &str,
    finished: Option<DateTime<Utc>>,
    run_at: DateTime<Utc>,
    event: &str,
) {
    sqlx::query(
        "INSERT INTO jobs (kind, payload, status, run_at, finished_at, unique_key)
         VALUES ('webhook.deliver', jsonb_build_object('event_id', $5::text), $2, $4, $3, $1)",
    )
    .bind(key)
    .bind(status)
    .bind(finished)
    .bind(run_at)
    .bind(event)
    .execute(pool)
    .await
    .unwrap();
}

/// A token row: `hash` names it; `refresh` gives it a refresh token.
#[allow(clippy::too_many_arguments)]
async fn token(
    pool: &PgPool,
    app_id: i64,
    user_id: i64,
    hash: &str,
    refresh: bool,
    created: DateTime<Utc>,
    revoked: Option<DateTime<Utc>>,
    previous: Option<&str>,
) {
    sqlx::query(
        "INSERT INTO oauth_access_tokens
             (family_id, application_id, user_id, token_hash, refresh_token_hash, scopes,
              expires_at, revoked_at, refreshed_at, previous_token_id, created_at,
              family_started_at)
         VALUES (gen_random_uuid(), $1, $2, $3, CASE WHEN $4 THEN 'r-' || $3 END, 'read',
                 $5 + interval '2 hours', $6, $6,
                 (SELECT id FROM oauth_access_tokens WHERE token_hash = $7), $5, $5)",
    )
    .bind(app_id)
    .bind(user_id)
    .bind(hash)
    .bind(refresh)
    .bind(created)
    .bind(revoked)
    .bind(previous)
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn rows_past_their_retention_go_and_younger_or_live_ones_stay() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let pool = &app.pool;
    let b = tenant.business_id;
    let now = t0() + Duration::days(200);
    let days = Duration::days;

    // Events (90 days) and delivery attempts (30 days).
    let endpoint: i64 = sqlx::query_scalar(
        "INSERT INTO webhook_endpoints (business_id, url, enabled_events, secret, created_at, updated_at)
         VALUES ($1, 'https://example.com/hook', '{*}', 'whsec_x', $2, $2) RETURNING id",
    )
    .bind(b)
    .bind(now - days(100))
    .fetch_one(pool)
    .await
    .unwrap();
    event(pool, b, "evt_old", now - days(91)).await;
    event(pool, b, "evt_young", now - days(89)).await;
    event(pool, b, "evt_old_logged", now - days(91)).await;
    delivery(pool, b, endpoint, "evt_old_logged", now - days(10)).await;
    event(pool, b, "evt_old_log_old", now - days(91)).await;
    delivery(pool, b, endpoint, "evt_old_log_old", now - days(31)).await;
    event(pool, b, "evt_old_queued", now - days(91)).await;
    // A live delivery job still names it (not due yet: the sweep test runs no job).
    job(
        pool,
        "live",
        "queued",
        None,
        now + days(1),
        "evt_old_queued",
    )
    .await;

    // Jobs: done 7 days, dead 30 days; 5,500 old done ones to see the batches.
    job(
        pool,
        "done_young",
        "done",
        Some(now - days(6)),
        now - days(6),
        "-",
    )
    .await;
    job(
        pool,
        "dead_old",
        "dead",
        Some(now - days(31)),
        now - days(31),
        "-",
    )
    .await;
    job(
        pool,
        "dead_young",
        "dead",
        Some(now - days(29)),
        now - days(29),
        "-",
    )
    .await;
    sqlx::query(
        "INSERT INTO jobs (kind, payload, status, run_at, finished_at)
         SELECT 'x', '{}', 'done', $1, $1 FROM generate_series(1, 5500)",
    )
    .bind(now - days(8))
    .execute(pool)
    .await
    .unwrap();

    // OAuth (30 days after they stopped working).
    let (a, u) = (tenant.application_id, tenant.user_id);
    token(
        pool,
        a,
        u,
        "rotated_old",
        true,
        now - days(40),
        Some(now - days(39)),
        None,
    )
    .await;
    token(
        pool,
        a,
        u,
        "successor",
        true,
        now - days(39),
        None,
        Some("rotated_old"),
    )
    .await;
    token(
        pool,
        a,
        u,
        "revoked_young",
        true,
        now - days(29),
        Some(now - days(29)),
        None,
    )
    .await;
    token(pool, a, u, "client_old", false, now - days(31), None, None).await;
    token(
        pool,
        a,
        u,
        "client_young",
        false,
        now - days(29),
        None,
        None,
    )
    .await;
    token(pool, a, u, "idle_refresh", true, now - days(61), None, None).await;
    for (hash, expires) in [("code_old", days(31)), ("code_young", days(29))] {
        sqlx::query(
            "INSERT INTO oauth_access_grants
                 (application_id, user_id, code_hash, redirect_uri, scopes, expires_at, created_at)
             VALUES ($1, $2, $3, 'https://example.com/cb', 'read', $4, $4)",
        )
        .bind(a)
        .bind(u)
        .bind(hash)
        .bind(now - expires)
        .execute(pool)
        .await
        .unwrap();
    }

    // Idempotency keys (24 hours).
    for (key, age) in [("old", Duration::hours(25)), ("young", Duration::hours(23))] {
        sqlx::query(
            "INSERT INTO idempotency_keys (business_id, key, request_hash, status, created_at)
             VALUES ($1, $2, '\\x00', 201, $3)",
        )
        .bind(b)
        .bind(key)
        .bind(now - age)
        .execute(pool)
        .await
        .unwrap();
    }

    app.clock.set(now);
    let runner = app.runner();
    runner.run_sweeps().await;

    let event_sql = "SELECT 1 FROM events WHERE id = $1";
    for (id, kept) in [
        ("evt_old", false),
        ("evt_young", true),
        ("evt_old_logged", true),
        ("evt_old_log_old", false),
        ("evt_old_queued", true),
    ] {
        assert_eq!(exists(pool, event_sql, id).await, kept, "{id}");
    }
    let attempts: Vec<String> =
        sqlx::query_scalar("SELECT event_id FROM webhook_deliveries ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(attempts, ["evt_old_logged"]);

    let job_sql = "SELECT 1 FROM jobs WHERE unique_key = $1";
    for (key, kept) in [
        ("live", true),
        ("done_young", true),
        ("dead_old", false),
        ("dead_young", true),
    ] {
        assert_eq!(exists(pool, job_sql, key).await, kept, "{key}");
    }
    let old_done = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM jobs WHERE kind = 'x'")
            .fetch_one(pool)
            .await
            .unwrap()
    };
    // One sweep deletes 5 batches of 1,000 at most (the old dead job, oldest, was one of
    // them); the rest go in the next.
    assert_eq!(old_done().await, 501);

    let token_sql = "SELECT 1 FROM oauth_access_tokens WHERE token_hash = $1";
    for (hash, kept) in [
        ("rotated_old", false),
        ("successor", true),
        ("revoked_young", true),
        ("client_old", false),
        ("client_young", true),
        ("idle_refresh", false),
    ] {
        assert_eq!(exists(pool, token_sql, hash).await, kept, "{hash}");
    }
    let unlinked: Option<i64> = sqlx::query_scalar(
        "SELECT previous_token_id FROM oauth_access_tokens WHERE token_hash = 'successor'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(unlinked, None);
    let code_sql = "SELECT 1 FROM oauth_access_grants WHERE code_hash = $1";
    assert!(!exists(pool, code_sql, "code_old").await);
    assert!(exists(pool, code_sql, "code_young").await);

    let key_sql = "SELECT 1 FROM idempotency_keys WHERE key = $1";
    assert!(!exists(pool, key_sql, "old").await);
    assert!(exists(pool, key_sql, "young").await);

    // The next tick finishes the backlog (run_due: sweeps, then due jobs).
    app.clock.advance(Duration::minutes(1));
    runner.run_due().await.unwrap();
    assert_eq!(old_done().await, 0);
    assert!(exists(pool, job_sql, "live").await);
}

#[tokio::test]
async fn retention_follows_the_configuration() {
    let app = TestApp::spawn_with(|config| {
        config.limits.retain_events = Duration::days(10);
        config.limits.idempotency_retention = Duration::hours(2);
    })
    .await;
    let tenant = app.tenant("Flixtechs").await;
    let pool = &app.pool;
    let now = t0() + Duration::days(20);
    event(
        pool,
        tenant.business_id,
        "evt_11_days",
        now - Duration::days(11),
    )
    .await;
    event(
        pool,
        tenant.business_id,
        "evt_9_days",
        now - Duration::days(9),
    )
    .await;
    sqlx::query(
        "INSERT INTO idempotency_keys (business_id, key, request_hash, status, created_at)
         VALUES ($1, 'three_hours', '\\x00', 201, $2)",
    )
    .bind(tenant.business_id)
    .bind(now - Duration::hours(3))
    .execute(pool)
    .await
    .unwrap();
    app.clock.set(now);
    app.runner().run_due().await.unwrap();
    let event_sql = "SELECT 1 FROM events WHERE id = $1";
    assert!(!exists(pool, event_sql, "evt_11_days").await);
    assert!(exists(pool, event_sql, "evt_9_days").await);
    assert!(
        !exists(
            pool,
            "SELECT 1 FROM idempotency_keys WHERE key = $1",
            "three_hours"
        )
        .await
    );
}
