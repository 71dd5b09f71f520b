//! One status mark each: DRAFT, PAID and VOID across the page; OVERDUE, PARTIALLY PAID
//! and a quote's ACCEPTED as a label.

use reqwest::Method;
use serde_json::json;

use crate::harness::{
    Setup, TestApp, documented_invoice, documented_quote, flat_text, get_pdf, patch, post, send,
    set_invoice_status, setup,
};

async fn invoice(app: &TestApp, s: &Setup) -> i64 {
    post(app, &s.tenant, "/api/v1/invoices", documented_invoice(s)).await["id"]
        .as_i64()
        .unwrap()
}

async fn invoice_text(app: &TestApp, s: &Setup, id: i64) -> String {
    flat_text(&get_pdf(app, &s.tenant, &format!("/api/v1/invoices/{id}.pdf")).await)
}

const MARKS: [&str; 5] = ["DRAFT", "PAID", "VOID", "OVERDUE", "ACCEPTED"];

fn assert_only_mark(text: &str, mark: Option<&str>) {
    for other in MARKS {
        // "PARTIALLY PAID" names PAID inside it.
        let shown = text.replace("PARTIALLY PAID", "").contains(other);
        assert_eq!(shown, mark == Some(other), "{other} in: {text}");
    }
}

#[tokio::test]
async fn a_draft_invoice_is_marked_draft() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice(&app, &s).await;
    assert_only_mark(&invoice_text(&app, &s, id).await, Some("DRAFT"));
}

#[tokio::test]
async fn a_sent_invoice_has_no_mark() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice(&app, &s).await;
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    assert_only_mark(&invoice_text(&app, &s, id).await, None);
}

#[tokio::test]
async fn a_paid_invoice_is_marked_paid_with_nothing_left_to_pay() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice(&app, &s).await;
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    let (status, body) = send(app.authed(
        &s.tenant,
        Method::PATCH,
        &format!("/api/v1/invoices/{id}/mark_as_paid"),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    let bytes = get_pdf(&app, &s.tenant, &format!("/api/v1/invoices/{id}.pdf")).await;
    crate::harness::pdf::keep("invoice-paid.pdf", &bytes);
    let text = flat_text(&bytes);
    assert_only_mark(&text, Some("PAID"));
    assert!(text.contains("Paid USD 437.00"), "{text}");
    assert!(text.contains("Balance due USD 0.00"), "{text}");
}

#[tokio::test]
async fn a_partly_paid_invoice_says_so_and_shows_its_balance() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice(&app, &s).await;
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    post(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/payments"),
        json!({"payment": {"amount": "100", "channel": "cash", "paid_at": "2025-10-13T00:00:00.000Z"}}),
    )
    .await;
    let text = invoice_text(&app, &s, id).await;
    assert!(text.contains("PARTIALLY PAID"), "{text}");
    assert!(text.contains("Paid USD 100.00"), "{text}");
    assert!(text.contains("Balance due USD 337.00"), "{text}");
}

#[tokio::test]
async fn a_void_invoice_is_marked_void() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice(&app, &s).await;
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    set_invoice_status(&app, &s.tenant, id, "void").await;
    assert_only_mark(&invoice_text(&app, &s, id).await, Some("VOID"));
}

#[tokio::test]
async fn an_overdue_invoice_is_labelled_overdue() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let mut body = documented_invoice(&s);
    let now = app.clock.now();
    body["invoice"]["issued_at"] = json!(now.to_rfc3339());
    body["invoice"]["due_at"] = json!((now + chrono::Duration::days(3)).to_rfc3339());
    let id = post(&app, &s.tenant, "/api/v1/invoices", body).await["id"]
        .as_i64()
        .unwrap();
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    app.clock.advance(chrono::Duration::days(4));
    app.runner().run_due().await.unwrap();
    app.reissue(&mut s.tenant).await;
    assert_only_mark(&invoice_text(&app, &s, id).await, Some("OVERDUE"));
}

#[tokio::test]
async fn quotes_are_marked_draft_then_labelled_accepted() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/quotes/{id}.pdf");
    assert_only_mark(
        &flat_text(&get_pdf(&app, &s.tenant, &path).await),
        Some("DRAFT"),
    );
    let status_path = format!("/api/v1/quotes/{id}/status");
    for next in ["sent", "accepted"] {
        let (status, body) = patch(&app, &s.tenant, &status_path, json!({"status": next})).await;
        assert_eq!(status, 200, "{body}");
    }
    assert_only_mark(
        &flat_text(&get_pdf(&app, &s.tenant, &path).await),
        Some("ACCEPTED"),
    );
}
