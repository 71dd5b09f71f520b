//! The first open by a person marks the document viewed, once, with its event (and its
//! webhook); HEAD, prefetches and link-preview bots do not count.

use chrono::Duration;
use serde_json::json;

use super::{open, page_url, sent_invoice, sent_quote};
use crate::harness::webhook_receiver::{Receiver, subscribe};
use crate::harness::{TestApp, event_count, setup, show};

#[tokio::test]
async fn the_first_open_marks_the_invoice_viewed_once_and_the_webhook_gets_it() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let receiver = Receiver::start().await;
    subscribe(&app, &s.tenant, &receiver.url(), json!(["invoice.viewed"])).await;
    let invoice = sent_invoice(&app, &s).await;
    let id = invoice["id"].as_i64().unwrap();
    let url = page_url(&app, &invoice["public_url"]);
    let path = format!("/api/v1/invoices/{id}");

    app.clock.advance(Duration::minutes(5));
    let (status, html) = open(&app, &url).await;
    assert_eq!(status, 200);
    assert!(html.contains("INV-0001"));
    let shown = show(&app, &s.tenant, &path).await;
    assert_eq!(shown["status"], "viewed");
    assert_eq!(shown["viewed_at"], "2025-10-21T03:44:57.825Z");
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.viewed").await,
        1
    );

    app.clock.advance(Duration::minutes(5));
    let (status, _) = open(&app, &url).await;
    assert_eq!(status, 200);
    let again = show(&app, &s.tenant, &path).await;
    assert_eq!(again, shown, "a later open changes nothing");
    assert_eq!(
        event_count(&app, s.tenant.business_id, "invoice.viewed").await,
        1
    );

    app.runner().run_due().await.unwrap();
    let delivered = receiver.received();
    assert_eq!(delivered.len(), 1);
    let event = delivered[0].json();
    assert_eq!(event["type"], "invoice.viewed", "{event}");
    assert_eq!(event["data"]["status"], "viewed", "{event}");
}

#[tokio::test]
async fn head_prefetches_and_link_previews_do_not_count() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let quote = sent_quote(&app, &s).await;
    let id = quote["id"].as_i64().unwrap();
    let url = page_url(&app, &quote["public_url"]);
    let head = app.client.head(&url).send().await.unwrap();
    assert_eq!(head.status(), 200);
    for (name, value) in [
        ("purpose", "prefetch"),
        ("sec-purpose", "prefetch"),
        (
            "user-agent",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        ),
        ("user-agent", "facebookexternalhit/1.1"),
        ("user-agent", "WhatsApp/2.23.20.0"),
    ] {
        let response = app
            .client
            .get(&url)
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{name}: {value}");
    }
    let shown = show(&app, &s.tenant, &format!("/api/v1/quotes/{id}")).await;
    assert_eq!(shown["status"], "sent");
    assert!(shown["viewed_at"].is_null());
    assert_eq!(
        event_count(&app, s.tenant.business_id, "quote.viewed").await,
        0
    );

    let (status, _) = open(&app, &url).await;
    assert_eq!(status, 200);
    let shown = show(&app, &s.tenant, &format!("/api/v1/quotes/{id}")).await;
    assert_eq!(shown["status"], "viewed");
    assert_eq!(shown["viewd_at"], shown["viewed_at"]);
    assert_eq!(
        event_count(&app, s.tenant.business_id, "quote.viewed").await,
        1
    );
}

#[tokio::test]
async fn a_customer_s_first_view_is_recorded_as_the_customer_page_and_the_send_as_the_user() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = sent_invoice(&app, &s).await;
    let user = json!({"type": "user", "id": s.tenant.user_id, "name": s.tenant.email});
    assert_eq!(invoice["sent_by"], user, "send_invoice records its sender");
    app.clock.advance(Duration::minutes(5));
    let (status, _) = open(&app, &page_url(&app, &invoice["public_url"])).await;
    assert_eq!(status, 200);
    let events = crate::harness::get(&app, &s.tenant, "/api/v1/events?type=invoice.viewed").await;
    assert_eq!(
        events["data"][0]["actor"],
        json!({"type": "system", "id": null, "name": "customer page"})
    );
}
