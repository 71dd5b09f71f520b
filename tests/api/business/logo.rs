//! `PUT` and `DELETE /api/v1/business/logo`, and the public `/logos/…` URL it is served at.

use reqwest::Method;
use serde_json::Value;

use super::profile;
use crate::harness::{Tenant, TestApp, assert_error, json, send, setup, show};

pub fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend((0..200u8).collect::<Vec<_>>());
    bytes
}

fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];
    bytes.extend([7u8; 300]);
    bytes
}

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#1a73e8"/></linearGradient></defs>
  <rect width="10" height="10" fill="url(#g)"/></svg>"##;

async fn upload(
    app: &TestApp,
    t: &Tenant,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.authed(t, Method::PUT, "/api/v1/business/logo")
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// Uploads, expects 200: the logo's URL.
pub async fn uploaded(app: &TestApp, t: &Tenant, content_type: &str, bytes: Vec<u8>) -> String {
    let response = upload(app, t, content_type, bytes).await;
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    body["data"]["logo"].as_str().unwrap().to_string()
}

/// The URL's path (the server's own address, not the configured public one).
pub fn path_of(url: &str) -> String {
    assert!(url.starts_with("http://localhost:3000/logos/"), "{url}");
    url.trim_start_matches("http://localhost:3000").to_string()
}

#[tokio::test]
async fn png_jpeg_and_svg_logos_are_served_as_uploaded_and_cached_for_good() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    for (content_type, bytes, ext) in [
        ("image/png", png(), "png"),
        ("image/jpeg", jpeg(), "jpg"),
        (
            "image/svg+xml; charset=utf-8",
            SVG.as_bytes().to_vec(),
            "svg",
        ),
    ] {
        let url = uploaded(&app, t, content_type, bytes.clone()).await;
        assert!(url.ends_with(&format!(".{ext}")), "{url}");
        let path = path_of(&url);
        // Public: no token.
        let served = app.get(&path).await;
        assert_eq!(served.status(), 200);
        let h = served.headers().clone();
        let essence = content_type.split(';').next().unwrap();
        assert_eq!(h["content-type"], essence);
        assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
        assert_eq!(h["x-content-type-options"], "nosniff");
        let etag = h["etag"].to_str().unwrap().to_string();
        if ext == "svg" {
            assert_eq!(
                h["content-security-policy"],
                "default-src 'none'; style-src 'unsafe-inline'; sandbox"
            );
        } else {
            assert!(h.get("content-security-policy").is_none());
        }
        assert_eq!(served.bytes().await.unwrap().to_vec(), bytes);
        let again = app
            .request(Method::GET, &path)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);
        assert_eq!(again.headers()["etag"], etag.as_str());

        // The profile and the embedded business show the same URL.
        assert_eq!(profile(&app, t).await["logo"], url.as_str());
        assert_eq!(
            show(&app, t, "/api/v1/me").await["business"]["logo"],
            url.as_str()
        );
        let invoice = crate::harness::post(
            &app,
            t,
            "/api/v1/invoices",
            crate::harness::documented_invoice(&s),
        )
        .await;
        assert_eq!(invoice["business"]["logo"], url.as_str());
    }
}

#[tokio::test]
async fn a_multipart_upload_with_a_logo_part_is_taken_too() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Flixtechs").await;
    let mut body = b"--b0undary\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"l.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
    body.extend(png());
    body.extend(b"\r\n--b0undary--\r\n");
    let url = uploaded(&app, &t, "multipart/form-data; boundary=b0undary", body).await;
    let served = app.get(&path_of(&url)).await;
    assert_eq!(served.bytes().await.unwrap().to_vec(), png());
}

#[tokio::test]
async fn an_svg_that_could_run_or_reach_out_is_refused() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Flixtechs").await;
    for svg in [
        r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/a.png"/></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x/)"/></svg>"#,
    ] {
        let body = assert_error(upload(&app, &t, "image/svg+xml", svg.into()).await, 422).await;
        assert!(body["errors"]["logo"].is_array(), "{svg}: {body}");
    }
    assert!(profile(&app, &t).await["logo"].is_null());
}

#[tokio::test]
async fn a_wrong_type_or_an_oversize_image_is_a_422_naming_logo() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Flixtechs").await;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        // The bytes are a JPEG.
        ("image/png", jpeg()),
        // Not an accepted type at all.
        ("image/gif", b"GIF89a....".to_vec()),
        ("image/png", b"GIF89a....".to_vec()),
        ("application/octet-stream", png()),
        ("image/png", Vec::new()),
    ];
    for (content_type, bytes) in cases {
        let body = assert_error(upload(&app, &t, content_type, bytes).await, 422).await;
        assert!(body["errors"]["logo"].is_array(), "{content_type}: {body}");
    }
    let mut big = png();
    big.resize(1_000_001, 0);
    let body = assert_error(upload(&app, &t, "image/png", big).await, 422).await;
    assert!(
        body["errors"]["logo"][0]
            .as_str()
            .unwrap()
            .contains("1000000"),
        "{body}"
    );
    // Far over: the request body limit answers first.
    let mut huge = png();
    huge.resize(2 * 1024 * 1024, 0);
    assert_eq!(upload(&app, &t, "image/png", huge).await.status(), 413);
    // At the limit it is fine.
    let mut exact = png();
    exact.resize(1_000_000, 0);
    assert_eq!(upload(&app, &t, "image/png", exact).await.status(), 200);
}

#[tokio::test]
async fn a_removed_or_replaced_logo_is_gone_from_its_old_url() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Flixtechs").await;
    let first = path_of(&uploaded(&app, &t, "image/png", png()).await);
    let second = path_of(&uploaded(&app, &t, "image/jpeg", jpeg()).await);
    assert_ne!(first, second);
    assert_error(app.get(&first).await, 404).await;
    assert_eq!(app.get(&second).await.status(), 200);

    let (status, _) = send(app.authed(&t, Method::DELETE, "/api/v1/business/logo")).await;
    assert_eq!(status, 204);
    assert!(profile(&app, &t).await["logo"].is_null());
    assert!(show(&app, &t, "/api/v1/me").await["business"]["logo"].is_null());
    assert_error(app.get(&second).await, 404).await;

    // PATCH logo: null removes it too; the current URL sent back keeps it.
    let third = uploaded(&app, &t, "image/png", png()).await;
    let (status, body) = super::change(&app, &t, serde_json::json!({"logo": third})).await;
    assert_eq!(
        (status, body["data"]["logo"].clone()),
        (200, Value::from(third.clone()))
    );
    let (status, body) = super::change(&app, &t, serde_json::json!({"logo": null})).await;
    assert_eq!(status, 200);
    assert!(body["data"]["logo"].is_null());
    assert_error(app.get(&path_of(&third)).await, 404).await;
}

#[tokio::test]
async fn unknown_logo_urls_are_a_plain_404() {
    let app = TestApp::spawn().await;
    let t = app.tenant("Flixtechs").await;
    let path = path_of(&uploaded(&app, &t, "image/png", png()).await);
    let (token_part, file) = path.trim_start_matches("/logos/").split_once('/').unwrap();
    let digest = file.trim_end_matches(".png");
    for wrong in [
        format!("/logos/{token_part}/{digest}.jpg"),
        format!("/logos/{token_part}/{}.png", "0".repeat(64)),
        format!("/logos/{}/{digest}.png", "f".repeat(32)),
        format!("/logos/{}/{digest}.png", t.business_id),
        format!("/logos/{token_part}/{digest}"),
    ] {
        assert_error(app.get(&wrong).await, 404).await;
    }
}
