//! Webhooks in the dashboard: add an endpoint (its signing secret shown once), see a
//! delivery in its log, disable, enable, rotate, delete; every field checked; another
//! business's endpoint answers 404; the writes record the signed-in user.

use serde_json::json;

use super::{Browser, PASSWORD, Page};
use crate::harness::webhook_receiver::Receiver;
use crate::harness::{TestApp, post};

fn secret_on(page: &Page) -> Option<String> {
    let marker = "id=\"signing_secret\" type=\"text\" readonly value=\"";
    let start = page.body.find(marker)? + marker.len();
    let end = page.body[start..].find('"')? + start;
    Some(page.body[start..end].to_string())
}

async fn endpoint_id(app: &TestApp, url: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM webhook_endpoints WHERE url = $1")
        .bind(url)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_endpoint_added_here_receives_events_and_shows_its_deliveries() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&tenant.email, PASSWORD).await.status, 303);
    let form = browser.get("/dashboard/webhooks/new").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("value=\"payment.received\""));
    let created = browser
        .post(
            "/dashboard/webhooks",
            &[
                ("csrf", &form.csrf()),
                ("url", &receiver.url()),
                ("event", "customer.created"),
                ("event", "payment.received"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let secret = secret_on(&created).expect("the secret, this once");
    assert!(secret.starts_with("whsec_"));
    assert!(created.body.contains("customer.created, payment.received"));
    let id = endpoint_id(&app, &receiver.url()).await;
    let actor: serde_json::Value = sqlx::query_scalar(
        "SELECT actor FROM audit_log WHERE table_name = 'webhook_endpoints' AND row_id = $1
         ORDER BY id LIMIT 1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(actor["type"], "user", "{actor}");
    assert_eq!(actor["id"], tenant.user_id, "{actor}");

    post(
        &app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Texas Ins"}}),
    )
    .await;
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 1);

    let shown = browser.get(&format!("/dashboard/webhooks/{id}")).await;
    assert_eq!(shown.status, 200);
    assert!(secret_on(&shown).is_none(), "never shown again");
    assert!(!shown.body.contains(&secret));
    assert!(
        shown.body.contains("<code>customer.created</code>"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("<td>succeeded</td>"), "{}", shown.body);
    assert!(shown.body.contains("<td>200</td>"), "{}", shown.body);
    let list = browser.get("/dashboard/webhooks").await;
    assert!(list.body.contains(&receiver.url()));
    assert!(list.body.contains("Enabled"));

    // Disable: nothing is sent; enable again; rotate: a new secret, shown once.
    let csrf = shown.csrf();
    let disabled = browser
        .post(
            &format!("/dashboard/webhooks/{id}/disable"),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(
        disabled.body.contains("State: Disabled"),
        "{}",
        disabled.body
    );
    post(
        &app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Quiet"}}),
    )
    .await;
    app.runner().run_due().await.unwrap();
    assert_eq!(
        receiver.received().len(),
        1,
        "nothing to a disabled endpoint"
    );
    let enabled = browser
        .post(
            &format!("/dashboard/webhooks/{id}/enable"),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(enabled.body.contains("State: Enabled"), "{}", enabled.body);
    let rotated = browser
        .post(
            &format!("/dashboard/webhooks/{id}/rotate_secret"),
            &[("csrf", &csrf)],
        )
        .await;
    let new_secret = secret_on(&rotated).expect("the new secret");
    assert_ne!(new_secret, secret);
    assert!(
        rotated
            .body
            .contains("keeps signing alongside it for 24 hours")
    );
    let deleted = browser
        .post(
            &format!("/dashboard/webhooks/{id}/delete"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(deleted.status, 303);
    assert!(
        !browser
            .get("/dashboard/webhooks")
            .await
            .body
            .contains(&receiver.url())
    );
    assert_eq!(
        browser
            .get(&format!("/dashboard/webhooks/{id}"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_form_checks_the_url_and_the_events_and_ids_stay_in_their_business() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&mine.email, PASSWORD).await.status, 303);
    let csrf = browser.get("/dashboard/webhooks/new").await.csrf();
    let refused = browser
        .post(
            "/dashboard/webhooks",
            &[
                ("csrf", &csrf),
                ("url", "ftp://example.com/hook"),
                ("event", "invoice.exploded"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("URL: "), "{}", refused.body);
    assert!(
        refused
            .body
            .contains("invoice.exploded is not an event type"),
        "{}",
        refused.body
    );
    let none = browser
        .post(
            "/dashboard/webhooks",
            &[("csrf", &csrf), ("url", "https://example.com/hook")],
        )
        .await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("choose at least one"));
    assert!(
        none.body.contains("value=\"https://example.com/hook\""),
        "what was typed stays"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_endpoints")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);

    // Theirs, made through the API.
    let response = app
        .authed(&theirs, reqwest::Method::POST, "/api/v1/webhook_endpoints")
        .json(
            &json!({"webhook_endpoint": {"url": "https://example.com/theirs",
                                           "enabled_events": ["*"]}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let id = endpoint_id(&app, "https://example.com/theirs").await;
    assert_eq!(
        browser
            .get(&format!("/dashboard/webhooks/{id}"))
            .await
            .status,
        404
    );
    for action in ["enable", "disable", "rotate_secret", "delete"] {
        let path = format!("/dashboard/webhooks/{id}/{action}");
        assert_eq!(
            browser.post(&path, &[("csrf", &csrf)]).await.status,
            404,
            "{path}"
        );
    }
    assert_eq!(browser.get("/dashboard/webhooks/x1").await.status, 404);
    let untouched: (bool, Option<chrono::DateTime<chrono::Utc>>) =
        sqlx::query_as("SELECT enabled, discarded_at FROM webhook_endpoints WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(untouched, (true, None));
}

/// The `event_id` of the page's first "Send again" form.
fn event_id_on(page: &Page) -> String {
    let marker = "name=\"event_id\" value=\"";
    let start = page.body.find(marker).expect("a send again form") + marker.len();
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end].to_string()
}

async fn resend(browser: &mut Browser<'_>, id: i64, csrf: &str, event: &str) -> Page {
    let path = format!("/dashboard/webhooks/{id}/resend");
    browser
        .post(&path, &[("csrf", csrf), ("event_id", event)])
        .await
}

#[tokio::test]
async fn send_again_makes_one_more_attempt_and_never_retries_it() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    let response = app
        .authed(&tenant, reqwest::Method::POST, "/api/v1/webhook_endpoints")
        .json(&json!({"webhook_endpoint": {"url": receiver.url(), "enabled_events": ["*"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let id = endpoint_id(&app, &receiver.url()).await;
    post(
        &app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Texas Ins"}}),
    )
    .await;
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 1);

    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&tenant.email, PASSWORD).await.status, 303);
    let page = browser.get(&format!("/dashboard/webhooks/{id}")).await;
    let event_id = event_id_on(&page);
    let csrf = page.csrf();
    let queued = resend(&mut browser, id, &csrf, &event_id).await;
    assert!(queued.body.contains("Queued"), "{}", queued.body);
    let twice = resend(&mut browser, id, &csrf, &event_id).await;
    assert!(
        twice.body.contains("Nothing was queued"),
        "a second ask while queued"
    );
    app.runner().run_due().await.unwrap();
    let received = receiver.received();
    assert_eq!(received.len(), 2, "sent again, once");
    assert_eq!(
        received[0].header("webhook-id"),
        received[1].header("webhook-id")
    );

    // Only an event in this endpoint's log.
    let unknown = resend(&mut browser, id, &csrf, "evt_not_in_the_log").await;
    assert!(
        unknown.body.contains("Nothing was queued"),
        "{} {}",
        unknown.status,
        unknown.body
    );

    // A failing send again is logged as failed and not retried.
    receiver.otherwise(500);
    assert!(
        resend(&mut browser, id, &csrf, &event_id)
            .await
            .body
            .contains("Queued")
    );
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 3);
    app.clock.advance(chrono::Duration::hours(2));
    app.runner().run_due().await.unwrap();
    assert_eq!(receiver.received().len(), 3, "no retry of a manual attempt");
    let outcomes: Vec<(i32, String)> = sqlx::query_as(
        "SELECT attempt, outcome FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        outcomes,
        vec![
            (1, "succeeded".into()),
            (2, "succeeded".into()),
            (3, "failed".into())
        ]
    );
}
