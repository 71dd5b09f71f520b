//! What a credit note's customer gets: its PDF (read back with pdftotext), the email send
//! (`credit_note.sent`, the PDF attached, `emailed_at` once delivered) and its page.

use reqwest::Method;
use serde_json::json;

use super::{credited, sent_invoice};
use crate::harness::{
    TestApp, action, app_with_sink, event_count, flat_text, get_pdf, send, setup, show,
};
use crate::pdf::email::attachment;
use crate::public_page::{open, page_url};

#[tokio::test]
async fn a_credit_note_s_pdf_shows_what_it_credits_on_which_invoice_and_why() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, items) = sent_invoice(&app, &s).await;
    let body = json!({"items": [{"invoice_item_id": items[0], "quantity": 2}],
                      "reason": "Two licences returned"});
    let note = credited(&app, &s.tenant, invoice, body).await;
    let id = note["id"].as_i64().unwrap();
    assert_eq!(
        note["download_url"],
        format!("{}/api/v1/credit_notes/{id}/pdf", app.config.public_url)
    );
    let bytes = get_pdf(&app, &s.tenant, &format!("/api/v1/credit_notes/{id}.pdf")).await;
    crate::harness::pdf::keep("credit_note.pdf", &bytes);
    let text = flat_text(&bytes);
    for expected in [
        "CREDIT NOTE",
        "CN-0001",
        "Credits invoice",
        "INV-0001",
        "Texas Ins",
        "Licence",
        "Two licences returned",
        "Total credited",
        "23.00",
        "3.00",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert!(!text.contains("Setup"), "only the line credited: {text}");
    let again = get_pdf(&app, &s.tenant, &format!("/api/v1/credit_notes/{id}/pdf")).await;
    assert_eq!(flat_text(&again), text);

    let other = setup(&app, "Other").await;
    let (status, _) = send(app.authed(
        &other.tenant,
        Method::GET,
        &format!("/api/v1/credit_notes/{id}/pdf"),
    ))
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn sending_a_credit_note_emails_its_pdf_and_opens_its_page() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, _) = sent_invoice(&app, &s).await;
    let note = credited(
        &app,
        &s.tenant,
        invoice,
        json!({"amount": "9.20", "reason": "Late"}),
    )
    .await;
    let id = note["id"].as_i64().unwrap();
    assert!(note["public_url"].is_null(), "no page before it is sent");
    let path = format!("/api/v1/credit_notes/{id}/send");
    let (status, body) = action(&app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "sent");
    assert!(body["data"]["sent_at"].is_string());
    assert_eq!(body["data"]["sent_by"]["type"], "user");
    assert_eq!(
        event_count(&app, s.tenant.business_id, "credit_note.sent").await,
        1
    );
    // Sent again: another email, no second event.
    let (status, _) = action(&app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        event_count(&app, s.tenant.business_id, "credit_note.sent").await,
        1
    );
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert!(!messages.is_empty());
    assert_eq!(
        messages[0].header("Subject").as_deref(),
        Some("Credit note CN-0001 from Flixtechs")
    );
    assert!(
        messages[0].text().contains("credit note CN-0001"),
        "{}",
        messages[0].text()
    );
    let (headers, bytes) = attachment(&messages[0]);
    assert!(headers.contains("filename=\"CN-0001.pdf\""), "{headers}");
    assert!(flat_text(&bytes).contains("CN-0001"));
    let shown = show(&app, &s.tenant, &format!("/api/v1/credit_notes/{id}")).await;
    assert!(shown["emailed_at"].is_string());

    let url = page_url(&app, &shown["public_url"]);
    let (status, html) = open(&app, &url).await;
    assert_eq!(status, 200);
    for expected in [
        "Credit note CN-0001",
        "INV-0001",
        "Total credited",
        "USD 9.20",
        "Late",
    ] {
        assert!(html.contains(expected), "{expected:?} in {html}");
    }
}
