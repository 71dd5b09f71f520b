//! The link: issued when the document is sent, shown as `public_url`, revoked,
//! reissued, dead with its document; only ever reached by its token.

use reqwest::Method;
use serde_json::json;

use super::{open, page_url, sent_invoice, sent_quote};
use crate::harness::{
    TestApp, action, assert_error, documented_invoice, documented_quote, post, send, setup, show,
};

#[tokio::test]
async fn a_link_is_issued_at_send_and_shown_the_same_on_every_read() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let draft = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    assert!(draft["public_url"].is_null(), "no page before it is sent");
    let sent = sent_invoice(&app, &s).await;
    let url = sent["public_url"].as_str().unwrap().to_string();
    assert!(url.starts_with("http://localhost:3000/p/"), "{url}");
    let token = url.rsplit('/').next().unwrap();
    assert_eq!(token.len(), 43, "256 bits in URL-safe base64");
    let id = sent["id"].as_i64().unwrap();
    let shown = show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await;
    assert_eq!(shown["public_url"], url.as_str());
    let listed = show(&app, &s.tenant, "/api/v1/invoices").await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["public_url"], url.as_str());
    // Sending again keeps the link.
    let (status, again) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again["data"]["public_url"], url.as_str());
    // Stored hashed: the row holds the token's SHA-256 and a nonce, not the token.
    let (hashed, plain): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE token_hash = sha256(convert_to($1, 'UTF8'))),
                count(*) FILTER (WHERE position(convert_to($1, 'UTF8') IN nonce) > 0)
         FROM document_links",
    )
    .bind(token)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((hashed, plain), (1, 0));
    let (status, _) = open(&app, &page_url(&app, &shown["public_url"])).await;
    assert_eq!(status, 200);

    let quote = sent_quote(&app, &s).await;
    assert!(
        quote["public_url"]
            .as_str()
            .unwrap()
            .starts_with("http://localhost:3000/p/")
    );
    // A status change to sent issues one too.
    let other = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let other_id = other["id"].as_i64().unwrap();
    crate::harness::set_invoice_status(&app, &s.tenant, other_id, "sent").await;
    let other = show(&app, &s.tenant, &format!("/api/v1/invoices/{other_id}")).await;
    assert!(other["public_url"].is_string());
    assert_ne!(other["public_url"], url.as_str());
}

#[tokio::test]
async fn revoke_kills_the_page_and_reissue_gives_a_new_url_while_the_old_one_stays_dead() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    for (collection, sent) in [
        ("invoices", sent_invoice(&app, &s).await),
        ("quotes", sent_quote(&app, &s).await),
    ] {
        let id = sent["id"].as_i64().unwrap();
        let old = page_url(&app, &sent["public_url"]);
        let (status, revoked) = action(
            &app,
            &s.tenant,
            &format!("/api/v1/{collection}/{id}/public_link/revoke"),
            json!({}),
        )
        .await;
        assert_eq!(status, 200, "{revoked}");
        assert!(revoked["data"]["public_url"].is_null());
        assert_eq!(open(&app, &old).await.0, 404);
        let (status, reissued) = action(
            &app,
            &s.tenant,
            &format!("/api/v1/{collection}/{id}/public_link/reissue"),
            json!({}),
        )
        .await;
        assert_eq!(status, 200, "{reissued}");
        let new = page_url(&app, &reissued["data"]["public_url"]);
        assert_ne!(new, old);
        assert_eq!(open(&app, &new).await.0, 200);
        assert_eq!(open(&app, &old).await.0, 404);
        let shown = show(&app, &s.tenant, &format!("/api/v1/{collection}/{id}")).await;
        assert_eq!(page_url(&app, &shown["public_url"]), new);
    }
    // A draft has nothing to reissue.
    let draft = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    let id = draft["id"].as_i64().unwrap();
    let response = app
        .authed(
            &s.tenant,
            Method::POST,
            &format!("/api/v1/quotes/{id}/public_link/reissue"),
        )
        .send()
        .await
        .unwrap();
    assert_error(response, 422).await;
}

#[tokio::test]
async fn a_deleted_invoice_has_no_page_and_a_voided_one_keeps_it_until_revoked() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let voided = sent_invoice(&app, &s).await;
    let voided_id = voided["id"].as_i64().unwrap();
    crate::harness::set_invoice_status(&app, &s.tenant, voided_id, "void").await;
    let voided_page = page_url(&app, &voided["public_url"]);
    let (status, html) = open(&app, &voided_page).await;
    assert_eq!(status, 200);
    assert!(html.contains(">VOID<"), "{html}");

    let deleted = sent_invoice(&app, &s).await;
    let id = deleted["id"].as_i64().unwrap();
    let url = page_url(&app, &deleted["public_url"]);
    let (status, _) =
        send(app.authed(&s.tenant, Method::DELETE, &format!("/api/v1/invoices/{id}"))).await;
    assert!(status == 200 || status == 204, "{status}");
    let (status, body) = open(&app, &url).await;
    assert_eq!(status, 404);
    let (_, unknown) = open(&app, &app.url(&format!("/p/{}", "A".repeat(43)))).await;
    assert_eq!(body, unknown, "the same page whatever was wrong");
    let (status, malformed) = open(&app, &app.url("/p/nope")).await;
    assert_eq!(status, 404);
    assert_eq!(malformed, unknown);
}

#[tokio::test]
async fn another_business_never_reaches_a_document_and_links_are_tied_to_their_own() {
    let app = TestApp::spawn().await;
    let a = setup(&app, "Flixtechs").await;
    let b = setup(&app, "Other").await;
    let invoice = sent_invoice(&app, &a).await;
    let id = invoice["id"].as_i64().unwrap();
    for path in ["revoke", "reissue"] {
        let response = app
            .authed(
                &b.tenant,
                Method::POST,
                &format!("/api/v1/invoices/{id}/public_link/{path}"),
            )
            .send()
            .await
            .unwrap();
        assert_error(response, 404).await;
    }
    // The page of A's invoice shows A's invoice, and nothing of B's.
    let (status, html) = open(&app, &page_url(&app, &invoice["public_url"])).await;
    assert_eq!(status, 200);
    assert!(html.contains("Flixtechs"));
    assert!(!html.contains("Other"));
    // No route takes a document id.
    assert_eq!(open(&app, &app.url(&format!("/p/{id}"))).await.0, 404);
}
