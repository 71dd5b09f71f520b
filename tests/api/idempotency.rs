//! `Idempotency-Key` on POSTs: replays, conflicts, scoping, expiry, failures, and two
//! servers sharing one database.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{
    Tenant, TestApp, assert_error, assert_settled_exactly, concurrent_payments, invoice_of, json,
    send, setup,
};

fn keyed(
    app: &TestApp,
    tenant: &Tenant,
    path: &str,
    key: &str,
    body: &Value,
) -> reqwest::RequestBuilder {
    app.authed(tenant, Method::POST, path)
        .header("Idempotency-Key", key)
        .json(body)
}

async fn payments(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM payments")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Sends the same keyed POST `n` times at once, spread over the servers; answers each
/// status, whether it was a replay, and its body.
async fn burst(
    apps: &[&TestApp],
    tenant: &Tenant,
    path: &str,
    key: &str,
    body: &Value,
    n: usize,
) -> Vec<(u16, bool, Value)> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let request = keyed(apps[i % apps.len()], tenant, path, key, body);
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let replayed = response.headers().get("idempotent-replayed").is_some();
            (status, replayed, json(response).await)
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

fn assert_one_ran(answers: &[(u16, bool, Value)]) -> Value {
    let ran: Vec<_> = answers.iter().filter(|(s, r, _)| *s == 201 && !r).collect();
    assert_eq!(ran.len(), 1, "{answers:?}");
    for (status, replayed, body) in answers {
        match status {
            201 => assert_eq!(body, &ran[0].2, "a replay answers the first body"),
            409 => assert!(!replayed && body["message"].is_string()),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    ran[0].2.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_posts_with_one_key_create_one_payment() {
    let app = TestApp::spawn_with(|c| c.database_max_connections = 20).await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    let path = format!("/api/v1/invoices/{id}/payments");
    let body = json!({"payment": {"amount": "10.00"}});
    let answers = burst(&[&app], &s.tenant, &path, "pay-once", &body, 20).await;
    let first = assert_one_ran(&answers);
    assert_eq!(payments(&app).await, 1);

    // A retry afterwards: the stored answer, status, body and Location, marked replayed.
    let response = keyed(&app, &s.tenant, &path, "pay-once", &body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["idempotent-replayed"], "true");
    assert_eq!(
        response.headers()["location"],
        first["data"]["url"].as_str().unwrap()
    );
    assert_eq!(json(response).await, first);
    assert_eq!(payments(&app).await, 1);

    // The same key with another body, or on another path, is refused.
    let other = json!({"payment": {"amount": "20.00"}});
    let err = assert_error(
        keyed(&app, &s.tenant, &path, "pay-once", &other)
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("different request"),
        "{err}"
    );
    let response = keyed(&app, &s.tenant, "/api/v1/payments", "pay-once", &body)
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
    assert_eq!(payments(&app).await, 1);
}

#[tokio::test]
async fn a_refusal_is_replayed_and_a_new_key_runs_again() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let body = json!({"amount": "10"});
    let first = keyed(&app, &s.tenant, "/api/v1/payments", "k1", &body)
        .send()
        .await
        .unwrap();
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first = assert_error(first, 422).await;
    let again = keyed(&app, &s.tenant, "/api/v1/payments", "k1", &body)
        .send()
        .await
        .unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(assert_error(again, 422).await, first);
    // Other POSTs are covered too, and requests without a key are not.
    let customer = json!({"name": "Once"});
    for _ in 0..2 {
        let (status, _) = send(keyed(&app, &s.tenant, "/api/v1/customers", "c1", &customer)).await;
        assert_eq!(status, 201);
        let (status, _) = send(
            app.authed(&s.tenant, Method::POST, "/api/v1/customers")
                .json(&customer),
        )
        .await;
        assert_eq!(status, 201);
    }
    let names: i64 = sqlx::query_scalar("SELECT count(*) FROM customers WHERE name = 'Once'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(names, 3);
}

#[tokio::test]
async fn keys_are_per_business_bounded_and_kept_24_hours() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let mut theirs = setup(&app, "Theirs").await;
    let body = json!({"amount": "10", "currency": "USD"});
    for tenant in [&s.tenant, &theirs.tenant] {
        let (status, _) = send(keyed(&app, tenant, "/api/v1/payments", "shared", &body)).await;
        assert_eq!(status, 201, "each business has its own keys");
    }
    assert_eq!(payments(&app).await, 2);

    let long = "k".repeat(256);
    let err = assert_error(
        keyed(&app, &s.tenant, "/api/v1/payments", &long, &body)
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert!(err["message"].as_str().unwrap().contains("255"), "{err}");
    let (status, _) = send(keyed(
        &app,
        &s.tenant,
        "/api/v1/payments",
        &"k".repeat(255),
        &body,
    ))
    .await;
    assert_eq!(status, 201);
    assert_eq!(payments(&app).await, 3);

    // Within 24 hours the key holds; past them it is free again, and expired keys go.
    app.clock.advance(Duration::hours(23));
    app.reissue(&mut s.tenant).await;
    let response = keyed(&app, &s.tenant, "/api/v1/payments", "shared", &body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["idempotent-replayed"], "true");
    app.clock.advance(Duration::hours(1));
    app.reissue(&mut s.tenant).await;
    app.reissue(&mut theirs.tenant).await;
    let response = keyed(&app, &s.tenant, "/api/v1/payments", "shared", &body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(response.headers().get("idempotent-replayed").is_none());
    assert_eq!(payments(&app).await, 4);
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT key FROM idempotency_keys WHERE business_id = $1")
            .bind(s.tenant.business_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        kept,
        vec!["shared".to_string()],
        "the expired 255-character key is gone"
    );
}

#[tokio::test]
async fn a_server_error_is_not_stored_so_a_retry_runs_again() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    let path = format!("/api/v1/invoices/{id}/payments");
    let body = json!({"amount": "10"});
    // Break the events table: the payment's transaction fails after its insert.
    sqlx::query("ALTER TABLE events RENAME TO events_away")
        .execute(&app.pool)
        .await
        .unwrap();
    let response = keyed(&app, &s.tenant, &path, "retry-me", &body)
        .send()
        .await
        .unwrap();
    assert_error(response, 500).await;
    sqlx::query("ALTER TABLE events_away RENAME TO events")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(payments(&app).await, 0, "rolled back");
    let response = keyed(&app, &s.tenant, &path, "retry-me", &body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert!(response.headers().get("idempotent-replayed").is_none());
    assert_eq!(payments(&app).await, 1);
}

#[tokio::test]
async fn a_request_still_running_answers_409_until_its_claim_is_abandoned() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let body = json!({"amount": "10", "currency": "USD"});
    let bytes = serde_json::to_vec(&body).unwrap();
    // A claim left by a request that is running (or whose process died).
    let hash = koteshen::http::idempotency::request_hash(
        &reqwest::Method::POST.as_str().parse().unwrap(),
        "/payments",
        &bytes,
    );
    sqlx::query("INSERT INTO idempotency_keys (business_id, key, request_hash, created_at) VALUES ($1, 'busy', $2, $3)")
        .bind(s.tenant.business_id)
        .bind(&hash)
        .bind(app.clock.now())
        .execute(&app.pool)
        .await
        .unwrap();
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/payments")
        .header("Idempotency-Key", "busy")
        .header("content-type", "application/json")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "1");
    assert_error(response, 409).await;
    assert_eq!(payments(&app).await, 0);
    // Twice the request timeout later, the claim counts as abandoned: the retry runs.
    app.clock.advance(Duration::seconds(61));
    app.reissue(&mut s.tenant).await;
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/payments")
        .header("Idempotency-Key", "busy")
        .header("content-type", "application/json")
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(payments(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_never_over_apply_and_share_keys() {
    let app = TestApp::spawn_with(|c| c.database_max_connections = 10).await;
    let sibling = app.spawn_sibling(|c| c.database_max_connections = 10).await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    let statuses = concurrent_payments(&[&app, &sibling], &s.tenant, id, 50).await;
    assert_settled_exactly(&app, &s.tenant, id, &statuses).await;

    let other = invoice_of(&app, &s, "100").await;
    let path = format!("/api/v1/invoices/{other}/payments");
    let body = json!({"amount": "10.00"});
    let answers = burst(&[&app, &sibling], &s.tenant, &path, "both", &body, 20).await;
    assert_one_ran(&answers);
    let on_other: i64 = sqlx::query_scalar("SELECT count(*) FROM payments WHERE invoice_id = $1")
        .bind(other)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(on_other, 1);
}

/// Makes every commit of a new payment take two seconds (a deferred trigger runs inside
/// COMMIT), longer than the test's request timeout.
async fn slow_payment_commits(app: &TestApp) {
    for sql in [
        "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$",
        "CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON payments
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit()",
    ] {
        sqlx::query(sql).execute(&app.pool).await.unwrap();
    }
}

#[tokio::test]
async fn a_payment_committed_after_its_request_timed_out_is_replayed_and_never_made_twice() {
    let app = TestApp::spawn_with(|c| c.request_timeout = std::time::Duration::from_secs(1)).await;
    let mut s = setup(&app, "Flixtechs").await;
    let id = invoice_of(&app, &s, "100").await;
    let path = format!("/api/v1/invoices/{id}/payments");
    let body = json!({"amount": "10"});
    slow_payment_commits(&app).await;
    // The timeout drops the request while PostgreSQL is committing its payment: the
    // client never sees the answer, but the write happened.
    let response = keyed(&app, &s.tenant, &path, "slow", &body)
        .send()
        .await
        .unwrap();
    assert_error(response, 503).await;
    for _ in 0..100 {
        if payments(&app).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(payments(&app).await, 1, "committed all the same");
    sqlx::query("DROP TRIGGER slow_commit ON payments")
        .execute(&app.pool)
        .await
        .unwrap();
    let payment_id: i64 = sqlx::query_scalar("SELECT id FROM payments")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    // The retry gets the answer committed with the payment, at once and long after the
    // claim would count as abandoned.
    for wait in [Duration::zero(), Duration::minutes(10)] {
        app.clock.advance(wait);
        app.reissue(&mut s.tenant).await;
        let response = keyed(&app, &s.tenant, &path, "slow", &body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["idempotent-replayed"], "true");
        let answer = json(response).await;
        assert_eq!(answer["data"]["id"], payment_id, "{answer}");
        assert_eq!(payments(&app).await, 1);
    }
}
