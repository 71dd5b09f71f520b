//! `POST /api/v1/invoices/{id}/send_invoice`: through the job queue to a real SMTP
//! server (the test's sink), retried while it is down.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::harness::{
    action, app_with_sink, assert_error, documented_invoice, event_count, post, send, setup, show,
};

#[tokio::test]
async fn send_invoice_marks_it_sent_and_delivers_one_message_with_number_and_total() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = invoice["id"].as_i64().unwrap();
    let path = format!("/api/v1/invoices/{id}/send_invoice");

    let (status, body) = action(&app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "sent");
    assert!(
        body["data"]["emailed_at"].is_null(),
        "set only once the SMTP server accepts the message"
    );
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.sent").await,
        1
    );
    assert!(sink.messages().is_empty(), "never sent inside the request");

    app.clock.advance(Duration::seconds(30));
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.to, vec!["procurement@texas.com".to_string()]);
    assert_eq!(message.from, "billing@localhost");
    assert_eq!(
        message.header("Subject").as_deref(),
        Some("Invoice INV-0001 from Flixtechs")
    );
    let text = message.text();
    assert!(text.contains("INV-0001"), "{text}");
    assert!(text.contains("Total: USD 437.00"), "{text}");
    assert!(text.contains("Items Consulting"), "{text}");
    assert!(text.contains("Due: 2025-10-12"), "{text}");
    assert!(text.contains("text/html"), "{text}");

    let shown = show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await;
    assert_eq!(shown["emailed_at"], "2025-10-21T03:40:27.825Z");

    app.clock.advance(Duration::days(1));
    app.runner().run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 1, "delivered once");
}

#[tokio::test]
async fn an_smtp_outage_is_retried_and_the_message_arrives_once_the_server_is_back() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = invoice["id"].as_i64().unwrap();
    sink.set_up(false);
    let (status, _) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert_eq!(sink.connections(), 1, "tried, and refused");
    assert!(sink.messages().is_empty());
    let (attempts, state): (i32, String) =
        sqlx::query_as("SELECT attempts, status FROM jobs WHERE kind = 'email.document'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((attempts, state.as_str()), (1, "queued"));

    sink.set_up(true);
    runner.run_due().await.unwrap();
    assert!(sink.messages().is_empty(), "not before the backoff");
    assert!(show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await["emailed_at"].is_null());
    app.clock.advance(Duration::seconds(5));
    runner.run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 1);
    assert!(
        show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await["emailed_at"].is_string()
    );
    app.clock.advance(Duration::hours(2));
    runner.run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 1, "and only once");
}

#[tokio::test]
async fn to_cc_subject_and_message_override_the_defaults() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = invoice["id"].as_i64().unwrap();
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({"to": "boss@texas.com", "cc": ["a@texas.com", "b@texas.com"],
               "subject": "Your invoice", "message": "Thanks <3 & more"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    app.runner().run_due().await.unwrap();
    let message = &sink.messages()[0];
    assert_eq!(message.to, ["boss@texas.com", "a@texas.com", "b@texas.com"]);
    assert_eq!(message.header("Subject").as_deref(), Some("Your invoice"));
    assert_eq!(
        message.header("Cc").as_deref(),
        Some("a@texas.com, b@texas.com")
    );
    let text = message.text();
    assert!(text.contains("Thanks <3 & more"), "text part as written");
    assert!(
        text.contains("Thanks &lt;3 &amp; more"),
        "HTML part escaped"
    );
}

#[tokio::test]
async fn sending_with_no_recipient_or_bad_addresses_answers_422() {
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let nameless = post(
        &app,
        &s.tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "No Mail"}}),
    )
    .await;
    let mut body = documented_invoice(&s);
    body["invoice"]["customer_id"] = nameless["id"].clone();
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", body).await;
    let path = format!("/api/v1/invoices/{}/send_invoice", invoice["id"]);
    let response = app
        .authed(&s.tenant, Method::POST, &path)
        .send()
        .await
        .unwrap();
    let error = assert_error(response, 422).await;
    assert!(error["errors"]["to"].is_array(), "{error}");
    for bad in [
        json!({"to": "not-an-address"}),
        json!({"to": ["a@b.com", 5]}),
        json!({"cc": {"x": 1}}),
        json!({"to": "a@b.com", "subject": "x".repeat(300)}),
        json!("just a string"),
    ] {
        let response = app
            .authed(&s.tenant, Method::POST, &path)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_error(response, 422).await;
    }
    let response = app
        .authed(&s.tenant, Method::POST, &path)
        .header("content-type", "text/plain")
        .body("to=a@b.com")
        .send()
        .await
        .unwrap();
    assert_error(response, 415).await;
    let still = show(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{}", invoice["id"]),
    )
    .await;
    assert_eq!(still["status"], "draft", "nothing changed");
    let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(jobs, 0);
}

#[tokio::test]
async fn void_invoices_cannot_be_sent_and_drafts_get_no_reminder() {
    let (app, _sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = invoice["id"].as_i64().unwrap();
    let (status, _) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_reminder"),
        json!({}),
    )
    .await;
    assert_eq!(status, 422, "a draft was never sent");
    let (status, _) = send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{id}/status"),
        )
        .json(&json!({"status": "void"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({}),
    )
    .await;
    assert_eq!(status, 422);
}

async fn email_jobs(app: &crate::harness::TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM jobs WHERE kind = 'email.document'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_identical_sends_with_one_idempotency_key_deliver_one_email() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let path = format!("/api/v1/invoices/{}/send_invoice", invoice["id"]);
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = app
            .authed(&s.tenant, Method::POST, &path)
            .header("Idempotency-Key", "send-once")
            .json(&json!({"cc": "a@texas.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let replayed = response.headers().get("idempotent-replayed").is_some();
        answers.push((replayed, crate::harness::json(response).await));
    }
    assert!(!answers[0].0 && answers[1].0);
    assert_eq!(answers[0].1, answers[1].1);
    app.runner().run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_failure_after_send_invoice_commits_never_queues_a_second_email() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let path = format!("/api/v1/invoices/{}/send_invoice", invoice["id"]);
    // As the send commits (a deferred trigger on its email job), the customers table goes
    // away: anything that reads the invoice after the commit fails with a 500.
    for sql in [
        "CREATE FUNCTION hide_customers() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN ALTER TABLE customers RENAME TO customers_away; RETURN NULL; END $$",
        "CREATE CONSTRAINT TRIGGER hide_customers AFTER INSERT ON jobs
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hide_customers()",
    ] {
        sqlx::query(sql).execute(&app.pool).await.unwrap();
    }
    let keyed = || {
        app.authed(&s.tenant, Method::POST, &path)
            .header("Idempotency-Key", "send-once")
            .json(&json!({}))
    };
    let first = keyed().send().await.unwrap();
    let first_status = first.status();
    for sql in [
        "DROP TRIGGER hide_customers ON jobs",
        "ALTER TABLE customers_away RENAME TO customers",
    ] {
        sqlx::query(sql).execute(&app.pool).await.unwrap();
    }
    assert_eq!(email_jobs(&app).await, 1, "the first send committed");

    let again = keyed().send().await.unwrap();
    let replayed = again.headers().get("idempotent-replayed").is_some();
    assert_eq!(email_jobs(&app).await, 1, "the retry queued nothing");
    assert_eq!(again.status(), 200);
    assert!(replayed);
    assert_eq!(first_status, 200, "its answer was made before the commit");
    app.runner().run_due().await.unwrap();
    assert_eq!(sink.messages().len(), 1);
}
