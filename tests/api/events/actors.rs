//! Who did what: every event names its actor (the token's user, the OAuth client of a
//! client-credentials token, or the system for sweeps), documents show who created, sent
//! and voided them, and the event log is append-only in the database.

use chrono::Duration;
use serde_json::{Value, json};

use crate::harness::{
    Tenant, TestApp, documented_invoice, documented_quote, invoice_due_in, patch, post,
    set_invoice_status, setup, show,
};

/// The newest event of `type` the business recorded, as `GET /events` shows it.
async fn latest(app: &TestApp, tenant: &Tenant, event_type: &str) -> Value {
    let (_, body) = crate::harness::send(app.authed(
        tenant,
        reqwest::Method::GET,
        &format!("/api/v1/events?type={event_type}"),
    ))
    .await;
    body["data"][0].clone()
}

#[tokio::test]
async fn a_user_token_s_writes_are_recorded_as_that_user() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let user = json!({"type": "user", "id": s.tenant.user_id, "name": s.tenant.email});
    let event = latest(&app, &s.tenant, "invoice.created").await;
    assert_eq!(event["actor"], user, "{event}");
    assert_eq!(event["data"]["created_by"], user);
    assert_eq!(inv["created_by"], user);
    assert_eq!(inv["sent_by"], Value::Null);
    let shown = show(
        &app,
        &s.tenant,
        &format!("/api/v1/events/{}", event["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(shown["actor"], user);
    assert_eq!(
        latest(&app, &s.tenant, "customer.created").await["actor"],
        user
    );
}

#[tokio::test]
async fn an_invoice_shows_who_created_sent_and_voided_it_and_when() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = inv["id"].as_i64().unwrap();
    let path = format!("/api/v1/invoices/{id}");
    let user = json!({"type": "user", "id": s.tenant.user_id, "name": s.tenant.email});
    app.clock.advance(Duration::minutes(5));
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    let sent = show(&app, &s.tenant, &path).await;
    assert_eq!(sent["sent_by"], user);
    assert_eq!(sent["sent_at"], sent["updated_at"]);
    assert_ne!(sent["sent_at"], sent["created_at"]);
    assert_eq!(sent["voided_by"], Value::Null);
    app.clock.advance(Duration::minutes(5));
    set_invoice_status(&app, &s.tenant, id, "void").await;
    let void = show(&app, &s.tenant, &path).await;
    assert_eq!(void["voided_by"], user);
    assert_eq!(void["voided_at"], void["updated_at"]);
    // Sent once: the first send stays.
    assert_eq!(void["sent_at"], sent["sent_at"]);
    assert_eq!(void["created_by"], user);
    let voided = latest(&app, &s.tenant, "invoice.voided").await;
    assert_eq!(voided["actor"], user);
    // Quotes too (sent a minute after they are made).
    let q = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    app.clock.advance(Duration::minutes(1));
    let (code, body) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{}/status", q["id"]),
        json!({"status": "sent"}),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert_ne!(body["data"]["sent_at"], q["created_at"]);
    assert_eq!(body["data"]["created_by"], user);
    assert_eq!(body["data"]["sent_by"], user);
    assert_eq!(body["data"]["sent_at"], body["data"]["updated_at"]);
}

#[tokio::test]
async fn a_client_credentials_token_s_writes_are_recorded_as_the_client() {
    use koteshen::auth::tokens;
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let now = app.clock.now();
    let client = tokens::create_application(
        &app.pool,
        tokens::NewApplication {
            name: "Nightly sync".into(),
            redirect_uris: vec![],
            scopes: "read write".into(),
            confidential: true,
            owner_id: Some(s.tenant.user_id),
            business_id: Some(s.tenant.business_id),
        },
        now,
    )
    .await
    .unwrap();
    let mut conn = app.pool.acquire().await.unwrap();
    let issued = tokens::issue_access_only(
        &mut conn,
        client.id,
        s.tenant.user_id,
        "read write".into(),
        now,
    )
    .await
    .unwrap();
    let tenant = Tenant {
        business_id: s.tenant.business_id,
        user_id: s.tenant.user_id,
        email: s.tenant.email.clone(),
        token: issued.access_token,
        refresh_token: String::new(),
        application_id: client.id,
    };
    let inv = post(&app, &tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let client_actor = json!({"type": "client", "id": client.id, "name": "Nightly sync"});
    assert_eq!(inv["created_by"], client_actor);
    assert_eq!(
        latest(&app, &tenant, "invoice.created").await["actor"],
        client_actor
    );
}

#[tokio::test]
async fn a_sweep_s_changes_are_recorded_as_the_system() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 1, "sent").await;
    app.clock.advance(Duration::days(2));
    app.runner().run_due().await.unwrap();
    app.reissue(&mut s.tenant).await;
    let event = latest(&app, &s.tenant, "invoice.overdue").await;
    assert_eq!(event["data"]["id"], id);
    assert_eq!(
        event["actor"],
        json!({"type": "system", "id": null, "name": "overdue"})
    );
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_an_event() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id: String = sqlx::query_scalar("SELECT id FROM events LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for sql in [
        "UPDATE events SET type = 'invoice.deleted' WHERE id = $1",
        "UPDATE events SET actor = '{\"type\": \"system\", \"id\": null, \"name\": \"x\"}' WHERE id = $1",
        "DELETE FROM events WHERE id = $1",
    ] {
        let err = sqlx::query(sql)
            .bind(&id)
            .execute(&app.pool)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let still: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(still, 1);
}
