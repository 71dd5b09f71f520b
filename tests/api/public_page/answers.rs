//! The quote page's Accept and Decline forms: the form token and same-origin checks, the
//! quote's own rules (sent or viewed, not expired), and the page after.

use chrono::Duration;

use super::{form_token, open, page_url, sent_quote};
use crate::harness::{TestApp, event_count, setup, show};

/// A form post as a browser sends it (`application/x-www-form-urlencoded`).
fn form(request: reqwest::RequestBuilder, fields: &[(&str, &str)]) -> reqwest::RequestBuilder {
    request
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(fields).unwrap())
}

async fn post_form(app: &TestApp, url: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    form(app.client.post(url), fields).send().await.unwrap()
}

#[tokio::test]
async fn accepting_with_the_form_token_accepts_and_the_page_then_says_so() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let quote = sent_quote(&app, &s).await;
    let id = quote["id"].as_i64().unwrap();
    let url = page_url(&app, &quote["public_url"]);
    let (_, html) = open(&app, &url).await;
    let token = form_token(&html);
    let response = post_form(
        &app,
        &format!("{url}/accept"),
        &[
            ("form_token", &token),
            ("name", "Ann <Buyer>"),
            ("comment", "Go ahead"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(url.ends_with(&location), "{location}");
    let shown = show(&app, &s.tenant, &format!("/api/v1/quotes/{id}")).await;
    assert_eq!(shown["status"], "accepted");
    assert_eq!(shown["customer_response"]["name"], "Ann <Buyer>");
    assert_eq!(shown["customer_response"]["comment"], "Go ahead");
    assert_eq!(
        event_count(&app, s.tenant.business_id, "quote.accepted").await,
        1
    );
    let (status, html) = open(&app, &url).await;
    assert_eq!(status, 200);
    assert!(html.contains(">ACCEPTED<"), "{html}");
    assert!(html.contains("Ann &lt;Buyer&gt;"));
    assert!(
        !html.contains("name=\"form_token\""),
        "no form once answered"
    );

    // A second answer is refused with a page saying why.
    let response = post_form(&app, &format!("{url}/decline"), &[("form_token", &token)]).await;
    assert_eq!(response.status(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("already been accepted")
    );
    assert_eq!(
        show(&app, &s.tenant, &format!("/api/v1/quotes/{id}")).await["status"],
        "accepted"
    );
}

#[tokio::test]
async fn declining_rejects_the_quote() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let quote = sent_quote(&app, &s).await;
    let id = quote["id"].as_i64().unwrap();
    let url = page_url(&app, &quote["public_url"]);
    let (_, html) = open(&app, &url).await;
    let response = post_form(
        &app,
        &format!("{url}/decline"),
        &[("form_token", &form_token(&html))],
    )
    .await;
    assert_eq!(response.status(), 303);
    let shown = show(&app, &s.tenant, &format!("/api/v1/quotes/{id}")).await;
    assert_eq!(shown["status"], "rejected");
    assert!(shown["customer_response"]["name"].is_null());
    assert_eq!(
        event_count(&app, s.tenant.business_id, "quote.rejected").await,
        1
    );
    assert!(open(&app, &url).await.1.contains(">REJECTED<"));
}

#[tokio::test]
async fn a_post_without_the_links_form_token_or_from_another_site_changes_nothing() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let quote = sent_quote(&app, &s).await;
    let other = sent_quote(&app, &s).await;
    let id = quote["id"].as_i64().unwrap();
    let url = page_url(&app, &quote["public_url"]);
    let (_, html) = open(&app, &url).await;
    let token = form_token(&html);
    let (_, other_html) = open(&app, &page_url(&app, &other["public_url"])).await;
    let accept = format!("{url}/accept");

    assert_eq!(post_form(&app, &accept, &[]).await.status(), 403);
    assert_eq!(
        post_form(&app, &accept, &[("form_token", "forged")])
            .await
            .status(),
        403
    );
    let other_token = form_token(&other_html);
    assert_ne!(other_token, token);
    assert_eq!(
        post_form(&app, &accept, &[("form_token", &other_token)])
            .await
            .status(),
        403
    );
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = form(
            app.client.post(&accept).header(name, value),
            &[("form_token", token.as_str())],
        )
        .send()
        .await
        .unwrap();
        assert_eq!(response.status(), 403, "{name}: {value}");
    }
    let long = "x".repeat(201);
    let response = post_form(&app, &accept, &[("form_token", &token), ("name", &long)]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("name is too long"));
    assert_eq!(
        show(&app, &s.tenant, &format!("/api/v1/quotes/{id}")).await["status"],
        "viewed"
    );
    assert_eq!(
        event_count(&app, s.tenant.business_id, "quote.accepted").await,
        0
    );

    // The same origin, as a browser sends it, goes through.
    let response = form(
        app.client
            .post(&accept)
            .header("origin", app.address.as_str())
            .header("sec-fetch-site", "same-origin"),
        &[("form_token", token.as_str())],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn an_expired_quote_cannot_be_accepted_and_the_page_says_why() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let quote = sent_quote(&app, &s).await;
    let id = quote["id"].as_i64().unwrap();
    let url = page_url(&app, &quote["public_url"]);
    let (_, html) = open(&app, &url).await;
    let token = form_token(&html);
    app.clock.advance(Duration::days(8));
    let (status, html) = open(&app, &url).await;
    assert_eq!(status, 200);
    assert!(html.contains(">EXPIRED<"), "{html}");
    assert!(!html.contains("name=\"form_token\""));
    let response = post_form(&app, &format!("{url}/accept"), &[("form_token", &token)]).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("expired"));
    // (The API token has expired by now: read the row.)
    let status: String = sqlx::query_scalar("SELECT status FROM quotes WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "expired");
    assert_eq!(
        event_count(&app, s.tenant.business_id, "quote.accepted").await,
        0
    );
}
