//! The PDF routes as HTTP: the three ways to ask agree, the ETag names the version,
//! the file name, read scope, another business's id.

use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, documented_invoice, get_pdf, patch, post, send, setup};

#[tokio::test]
async fn the_pdf_routes_and_accept_answer_the_same_document_with_its_file_name() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await["id"]
        .as_i64()
        .unwrap();
    let dot = get_pdf(&app, &s.tenant, &format!("/api/v1/invoices/{id}.pdf")).await;
    let slash = get_pdf(&app, &s.tenant, &format!("/api/v1/invoices/{id}/pdf")).await;
    let accept = app
        .authed(&s.tenant, Method::GET, &format!("/api/v1/invoices/{id}"))
        .header("accept", "application/pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(accept.status(), 200);
    assert_eq!(accept.headers()["vary"], "accept", "JSON or PDF by Accept");
    assert_eq!(accept.headers()["content-type"], "application/pdf");
    assert_eq!(
        accept.headers()["content-disposition"],
        "inline; filename=\"INV-0001.pdf\""
    );
    let accepted = accept.bytes().await.unwrap().to_vec();
    assert_eq!(dot, slash, "one version, one PDF, byte for byte");
    assert_eq!(dot, accepted);

    // JSON stays the default.
    let (status, body) =
        send(app.authed(&s.tenant, Method::GET, &format!("/api/v1/invoices/{id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["download_url"],
        format!("http://localhost:3000/api/v1/invoices/{id}/pdf")
    );
}

#[tokio::test]
async fn the_etag_answers_304_until_the_invoice_changes() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/invoices/{id}/pdf");
    let first = app
        .authed(&s.tenant, Method::GET, &path)
        .send()
        .await
        .unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");

    let again = app
        .authed(&s.tenant, Method::GET, &path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag.as_str());
    assert!(again.bytes().await.unwrap().is_empty());

    let (status, body) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}"),
        json!({"invoice": {"notes": "Thank you"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let changed = app
        .authed(&s.tenant, Method::GET, &path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200, "a changed invoice is a new version");
    assert_ne!(changed.headers()["etag"], etag.as_str());

    // The customer printed on it is part of the version too.
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/customers/{}", s.customer_id),
        json!({"customer": {"name": "Texas Insurance"}}),
    )
    .await;
    assert_eq!(status, 200);
    let renamed = app
        .authed(&s.tenant, Method::GET, &path)
        .send()
        .await
        .unwrap();
    assert_ne!(renamed.headers()["etag"], changed.headers()["etag"]);
}

#[tokio::test]
async fn another_business_a_deleted_invoice_and_other_records_have_no_pdf() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let other = app.tenant("Other").await;
    let id = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await["id"]
        .as_i64()
        .unwrap();
    for path in [
        format!("/api/v1/invoices/{id}.pdf"),
        format!("/api/v1/invoices/{id}/pdf"),
    ] {
        let (status, body) = send(app.authed(&other, Method::GET, &path)).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    let (status, _) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/customers/{}.pdf", s.customer_id),
    ))
    .await;
    assert_eq!(status, 404, "only documents have PDFs");
    let (status, _) = send(app.authed(
        &s.tenant,
        Method::PATCH,
        &format!("/api/v1/invoices/{id}.pdf"),
    ))
    .await;
    assert_eq!(status, 405, "the .pdf form is GET only");

    let (status, _) =
        send(app.authed(&s.tenant, Method::DELETE, &format!("/api/v1/invoices/{id}"))).await;
    assert_eq!(status, 204);
    let (status, _) = send(app.authed(
        &s.tenant,
        Method::GET,
        &format!("/api/v1/invoices/{id}/pdf"),
    ))
    .await;
    assert_eq!(status, 404, "a deleted invoice has no PDF");
}

#[tokio::test]
async fn a_read_only_token_reads_quote_pdfs() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let q = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        crate::harness::documented_quote(s.customer_id),
    )
    .await;
    let id = q["id"].as_i64().unwrap();
    assert_eq!(
        q["pdf_url"],
        format!("http://localhost:3000/api/v1/quotes/{id}/pdf")
    );
    let reader = app.tenant_with_scopes("Reader", "read").await;
    let (status, _) =
        send(app.authed(&reader, Method::GET, &format!("/api/v1/quotes/{id}.pdf"))).await;
    assert_eq!(status, 404, "a read token of another business sees nothing");
    let dot = get_pdf(&app, &s.tenant, &format!("/api/v1/quotes/{id}.pdf")).await;
    let response = app
        .authed(&s.tenant, Method::GET, &format!("/api/v1/quotes/{id}/pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-disposition"],
        "inline; filename=\"QOT-0001.pdf\""
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), dot);
}

#[tokio::test]
async fn a_pdf_costs_the_same_few_queries_however_many_lines() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut counts = Vec::new();
    for lines in [1, 60] {
        let mut body = documented_invoice(&s);
        body["invoice"]["items_attributes"] = json!(
            (0..lines)
                .map(|i| json!({"name": format!("Item {i}"), "quantity": 1, "unit_price": 10}))
                .collect::<Vec<_>>()
        );
        let id = post(&app, &s.tenant, "/api/v1/invoices", body).await["id"]
            .as_i64()
            .unwrap();
        let (response, count) = app
            .counting_queries(app.authed(
                &s.tenant,
                Method::GET,
                &format!("/api/v1/invoices/{id}.pdf"),
            ))
            .await;
        assert_eq!(response.status(), 200);
        counts.push(count);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
    // The document with everything it embeds, then the business profile (and its logo,
    // when it has one).
    assert_eq!(counts[0], 2, "{counts:?}");
}

#[tokio::test]
async fn options_on_the_pdf_form_allows_get_and_head_only() {
    let app = crate::harness::TestApp::spawn().await;
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/invoices/1.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET,HEAD");
}
