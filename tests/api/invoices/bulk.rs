//! `POST /api/v1/invoices/bulk`: each invoice through its single action, a result per id
//! in request order, the request's own refusals, and an `Idempotency-Key` replay.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{
    Setup, TestApp, assert_error, documented_invoice, event_count, get, invoice_due_in, post, send,
    setup,
};

async fn draft(app: &TestApp, s: &Setup) -> i64 {
    post(app, &s.tenant, "/api/v1/invoices", documented_invoice(s)).await["id"]
        .as_i64()
        .unwrap()
}

async fn bulk(app: &TestApp, s: &Setup, body: Value) -> (u16, Value) {
    send(
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices/bulk")
            .json(&body),
    )
    .await
}

fn statuses(answer: &Value) -> Vec<(i64, u64)> {
    answer["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r["status"].as_u64().unwrap()))
        .collect()
}

#[tokio::test]
async fn each_invoice_gets_its_single_actions_answer_in_request_order() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Mine").await;
    let theirs = setup(&app, "Theirs").await;
    let open = invoice_due_in(&app, &s, 10, "sent").await;
    let paid = invoice_due_in(&app, &s, 10, "sent").await;
    let (status, _) = send(app.authed(
        &s.tenant,
        Method::PATCH,
        &format!("/api/v1/invoices/{paid}/mark_as_paid"),
    ))
    .await;
    assert_eq!(status, 200);
    let their = invoice_due_in(&app, &theirs, 10, "sent").await;

    let (status, answer) = bulk(
        &app,
        &s,
        json!({"action": "mark_as_paid", "ids": [open, paid, their, 999_999]}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        statuses(&answer),
        [(open, 200), (paid, 422), (their, 404), (999_999, 404)]
    );
    let results = answer["data"].as_array().unwrap();
    assert_eq!(results[0]["data"]["status"], "paid");
    assert_eq!(results[0]["data"]["id"], open);
    assert!(results[1]["error"]["message"].is_string(), "{answer}");
    assert_eq!(results[2]["error"]["error"], "Not Found", "{answer}");
    assert!(results[2].get("data").is_none());
    assert_eq!(
        get(&app, &theirs.tenant, &format!("/api/v1/invoices/{their}")).await["data"]["status"],
        "sent",
        "the other business's invoice is untouched"
    );

    // Void and delete, each as its single action.
    let draft = self::draft(&app, &s).await;
    let sent = invoice_due_in(&app, &s, 10, "sent").await;
    let (_, voided) = bulk(&app, &s, json!({"bulk": {"action": "void", "ids": [sent]}})).await;
    assert_eq!(statuses(&voided), [(sent, 200)]);
    assert_eq!(voided["data"][0]["data"]["status"], "void");
    let (_, deleted) = bulk(&app, &s, json!({"action": "delete", "ids": [draft, draft]})).await;
    assert_eq!(
        statuses(&deleted),
        [(draft, 204)],
        "an id twice is one: {deleted}"
    );
    assert!(deleted["data"][0].get("data").is_none());
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.voided").await,
        1
    );
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.deleted").await,
        1
    );

    // Send: a draft goes to the customer's email and is sent.
    let draft = self::draft(&app, &s).await;
    let (_, sent) = bulk(&app, &s, json!({"action": "send", "ids": [draft]})).await;
    assert_eq!(statuses(&sent), [(draft, 200)], "{sent}");
    assert_eq!(sent["data"][0]["data"]["status"], "sent");
}

#[tokio::test]
async fn the_request_itself_is_checked_before_any_invoice_is_touched() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Mine").await;
    let open = invoice_due_in(&app, &s, 10, "sent").await;
    let refused = |body: Value| {
        let app = &app;
        let s = &s;
        async move {
            let response = app
                .authed(&s.tenant, Method::POST, "/api/v1/invoices/bulk")
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_error(response, 422).await["errors"].clone()
        }
    };
    let errors = refused(json!({"action": "archive", "ids": [open]})).await;
    assert!(
        errors["action"][0]
            .as_str()
            .unwrap()
            .contains("mark_as_paid"),
        "{errors}"
    );
    let many: Vec<i64> = (1..=101).collect();
    let errors = refused(json!({"action": "void", "ids": many})).await;
    assert!(
        errors["ids"][0].as_str().unwrap().contains("100"),
        "{errors}"
    );
    let errors = refused(json!({"action": "void", "ids": []})).await;
    assert_eq!(errors["ids"], json!(["can't be empty"]));
    let errors = refused(json!({"action": "void", "ids": [open, "x"]})).await;
    assert!(
        errors
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("ids")),
        "{errors}"
    );
    let errors = refused(json!({})).await;
    assert_eq!(errors["action"], json!(["can't be blank"]));
    assert_eq!(errors["ids"], json!(["can't be blank"]));
    assert_eq!(
        get(&app, &s.tenant, &format!("/api/v1/invoices/{open}")).await["data"]["status"],
        "sent"
    );
}

#[tokio::test]
async fn a_keyed_bulk_request_is_replayed_without_running_again() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Mine").await;
    let a = invoice_due_in(&app, &s, 10, "sent").await;
    let b = invoice_due_in(&app, &s, 10, "sent").await;
    let body = json!({"action": "mark_as_paid", "ids": [a, b]});
    let keyed = || {
        app.authed(&s.tenant, Method::POST, "/api/v1/invoices/bulk")
            .header("Idempotency-Key", "bulk-1")
            .json(&body)
    };
    let first = keyed().send().await.unwrap();
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    assert_eq!(statuses(&first), [(a, 200), (b, 200)]);
    let again = keyed().send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers().get("idempotent-replayed").unwrap(), "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again, first, "the same answer, not a second run's 422s");
    let payments: i64 = sqlx::query_scalar("SELECT count(*) FROM payments")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(payments, 2, "each invoice paid once");
}
