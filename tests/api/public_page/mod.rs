//! The customer's page (`/p/{token}`): its link in the API and the email, what opening it
//! changes, the quote's answers, and what the page sends back.

mod answers;
mod browser;
mod links;
mod page;
mod viewed;

use serde_json::{Value, json};

use crate::harness::{Setup, TestApp, action, documented_invoice, documented_quote, post};

/// Where the API's `public_url` points on this test server (it names `PUBLIC_URL`).
pub fn page_url(app: &TestApp, public_url: &Value) -> String {
    let url = public_url.as_str().expect("a public_url");
    let path = url
        .strip_prefix(&app.config.public_url)
        .expect("under PUBLIC_URL");
    assert!(path.starts_with("/p/"), "{url}");
    app.url(path)
}

/// An invoice sent to its customer: its JSON as the send answered.
pub async fn sent_invoice(app: &TestApp, s: &Setup) -> Value {
    let invoice = post(app, &s.tenant, "/api/v1/invoices", documented_invoice(s)).await;
    let id = invoice["id"].as_i64().unwrap();
    let path = format!("/api/v1/invoices/{id}/send_invoice");
    let (status, body) = action(app, &s.tenant, &path, json!({})).await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

/// A quote sent to its customer: its JSON as the send answered.
pub async fn sent_quote(app: &TestApp, s: &Setup) -> Value {
    let quote = post(
        app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    let id = quote["id"].as_i64().unwrap();
    let (status, body) = action(
        app,
        &s.tenant,
        &format!("/api/v1/quotes/{id}/send"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

/// A page's body and status, opened the way a browser does.
pub async fn open(app: &TestApp, url: &str) -> (u16, String) {
    let response = app.client.get(url).send().await.expect("GET page");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The form token in a quote page's form.
pub fn form_token(html: &str) -> String {
    let marker = "name=\"form_token\" value=\"";
    let start = html.find(marker).expect("the page has its form") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}
