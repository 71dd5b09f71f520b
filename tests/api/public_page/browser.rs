//! The customer's page in headless Chromium (`tests/browser/public_page.mjs`): opened
//! from the link in the email the SMTP sink received, viewed over the API after, a
//! quote accepted by clicking, the PDF link followed; screenshots in `test-artifacts/`.

use std::path::Path;

use chrono::Duration;

use serde_json::json;

use super::sent_quote;
use crate::harness::browser::{browser_available, run_script};
use crate::harness::smtp_sink::Received;
use crate::harness::{TestApp, action, app_with_sink, invoice_due_in, setup, show};

/// The page link in an email, on this test server.
fn link_in(app: &TestApp, message: &Received) -> String {
    let text = message.text();
    let prefix = format!("{}/p/", app.config.public_url);
    let start = text.find(&prefix).expect("the email links to the page") + prefix.len();
    let token = &text[start..start + 43];
    app.url(&format!("/p/{token}"))
}

#[tokio::test]
async fn the_page_opened_from_the_email_works_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !browser_available(root, "the customer's page in a browser") {
        return;
    }
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    // Due in ten days, so the overdue sweep of the job run below leaves it sent.
    let id = invoice_due_in(&app, &s, 10, "draft").await;
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let quote = sent_quote(&app, &s).await;
    app.clock.advance(Duration::seconds(30));
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    let about = |noun: &str| {
        messages
            .iter()
            .find(|m| m.header("Subject").unwrap_or_default().starts_with(noun))
            .expect("an email about it")
    };
    let invoice_page = link_in(&app, about("Invoice"));
    let quote_page = link_in(&app, about("Quote"));

    let artifacts = root.join("test-artifacts");
    run_script(root, "public_page.mjs", &[&invoice_page, &quote_page]).await;
    let shown = show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await;
    assert_eq!(shown["status"], "viewed");
    let id = quote["id"].as_i64().unwrap();
    let shown = show(&app, &s.tenant, &format!("/api/v1/quotes/{id}")).await;
    assert_eq!(shown["status"], "accepted");
    assert_eq!(shown["customer_response"]["name"], "Ann Buyer");
    for shot in [
        "public-invoice.png",
        "public-invoice-phone.png",
        "public-quote-accepted.png",
    ] {
        assert!(artifacts.join(shot).exists(), "{shot}");
    }
}
