//! Signing in and out of the dashboard: the cookie's attributes, CSRF on every form, the
//! shared failed-attempt throttle, idle and absolute expiry, sign out everywhere, and the
//! overview showing the signed-in business only.

use chrono::Duration;
use serde_json::json;

use super::{Browser, PASSWORD};
use crate::harness::{TestApp, post};

#[tokio::test]
async fn signing_in_sets_a_strict_session_cookie_and_opens_the_overview() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let mut browser = Browser::new(&app);

    let first = browser.get("/dashboard").await;
    assert_eq!(first.status, 303);
    assert_eq!(first.location(), "/dashboard/sign_in");

    let form = browser.get("/dashboard/sign_in").await;
    assert_eq!(form.status, 200);
    let csp = form.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(form.headers["x-frame-options"], "DENY");
    assert_eq!(form.headers["cache-control"], "no-store");
    assert!(form.body.contains("<label for=\"email\">"), "{}", form.body);
    let sign_in_cookie = form.set_cookie("koteshen_sign_in").unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/dashboard"] {
        assert!(sign_in_cookie.contains(attribute), "{sign_in_cookie}");
    }
    assert!(!sign_in_cookie.contains("Secure"), "served over http");

    let wrong = browser.sign_in(&tenant.email, "not the password").await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("The email or password is incorrect."));
    assert!(
        wrong.body.contains(&format!("value=\"{}\"", tenant.email)),
        "the email is kept"
    );
    assert!(!browser.cookies.contains_key("koteshen_session"));

    let signed_in = browser.sign_in(&tenant.email, PASSWORD).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.location(), "/dashboard");
    let session = signed_in.set_cookie("koteshen_session").unwrap();
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Path=/dashboard",
        "Max-Age=43200",
    ] {
        assert!(session.contains(attribute), "{session}");
    }
    // The token is stored hashed only.
    let token = browser.cookies["koteshen_session"].clone();
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM dashboard_sessions WHERE token_hash = $1")
            .bind(&token)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);

    let overview = browser.get("/dashboard").await;
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert!(overview.body.contains("<h1>Flixtechs</h1>"));
    assert!(overview.body.contains(&tenant.email));
    assert!(overview.body.contains("No events yet"));
    // Signed in, the sign-in page sends to the overview.
    let again = browser.get("/dashboard/sign_in").await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location(), "/dashboard");
}

#[tokio::test]
async fn the_overview_counts_the_signed_in_business_only() {
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    for (tenant, customers) in [(&mine, 1), (&theirs, 3)] {
        for i in 0..customers {
            post(
                &app,
                tenant,
                "/api/v1/customers",
                json!({"customer": {"name": format!("Customer {i} <b>")}}),
            )
            .await;
        }
    }
    let customer = post(
        &app,
        &theirs,
        "/api/v1/customers",
        json!({"customer": {"name": "Payer"}}),
    )
    .await;
    let invoice = post(
        &app,
        &theirs,
        "/api/v1/invoices",
        json!({"invoice": {"customer_id": customer["id"], "currency": "USD",
                           "items_attributes": [{"name": "Work", "quantity": 1,
                                                 "unit_price": "100.00"}]}}),
    )
    .await;
    post(
        &app,
        &theirs,
        &format!("/api/v1/invoices/{}/payments", invoice["id"]),
        json!({"payment": {"amount": "40.00", "payment_method": "cash"}}),
    )
    .await;

    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&mine.email, PASSWORD).await.status, 303);
    let page = browser.get("/dashboard").await.body;
    assert!(page.contains("<dt>Customers</dt><dd>1</dd>"), "{page}");
    assert!(page.contains("Nothing yet"), "{page}");
    assert!(!page.contains("INV-0001"), "{page}");
    // What users wrote is escaped.
    assert!(page.contains("Customer 0 &#60;b&#62;") || page.contains("Customer 0 &lt;b&gt;"));

    let mut other = Browser::new(&app);
    assert_eq!(other.sign_in(&theirs.email, PASSWORD).await.status, 303);
    let page = other.get("/dashboard").await.body;
    assert!(page.contains("<dt>Customers</dt><dd>4</dd>"), "{page}");
    assert!(page.contains("<dt>Open invoices</dt><dd>1</dd>"), "{page}");
    assert!(page.contains("USD 40.00"), "{page}");
    assert!(page.contains("payment.received"), "{page}");
    assert!(page.contains("INV-0001"), "{page}");
}

#[tokio::test]
async fn every_form_needs_its_csrf_token() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let mut browser = Browser::new(&app);

    // The sign-in form without its own token (another site posting credentials).
    let forged = browser
        .post(
            "/dashboard/sign_in",
            &[("email", tenant.email.as_str()), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(!browser.cookies.contains_key("koteshen_session"));
    let form = browser.get("/dashboard/sign_in").await;
    let wrong = browser
        .post(
            "/dashboard/sign_in",
            &[
                ("csrf", "not-the-token"),
                ("email", &tenant.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status, 403);
    let cross = browser
        .post_with(
            "/dashboard/sign_in",
            &[
                ("csrf", &form.csrf()),
                ("email", &tenant.email),
                ("password", PASSWORD),
            ],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross.status, 403);

    assert_eq!(browser.sign_in(&tenant.email, PASSWORD).await.status, 303);
    let overview = browser.get("/dashboard").await;
    let csrf = overview.csrf();
    for token in ["", "x", &csrf[..csrf.len() - 1]] {
        let refused = browser
            .post("/dashboard/sign_out", &[("csrf", token)])
            .await;
        assert_eq!(refused.status, 403, "{token:?}");
        assert!(refused.body.contains("Form expired"));
    }
    let cross = browser
        .post_with(
            "/dashboard/sign_out",
            &[("csrf", &csrf)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(cross.status, 403);
    assert_eq!(
        browser.get("/dashboard").await.status,
        200,
        "still signed in"
    );

    let out = browser
        .post("/dashboard/sign_out", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status, 200);
    assert!(out.body.contains("You are signed out."));
    assert!(!browser.cookies.contains_key("koteshen_session"));
    assert_eq!(browser.get("/dashboard").await.status, 303);
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_expiry() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&tenant.email, PASSWORD).await.status, 303);

    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        browser.get("/dashboard").await.status,
        200,
        "used within 30 minutes"
    );
    app.clock.advance(Duration::minutes(31));
    let idle = browser.get("/dashboard").await;
    assert_eq!(idle.status, 303, "idle for 31 minutes");
    assert_eq!(idle.location(), "/dashboard/sign_in");
    assert!(
        !browser.cookies.contains_key("koteshen_session"),
        "the stale cookie is deleted"
    );

    // Used every 25 minutes, a session still ends 12 hours after sign-in.
    let old_token = {
        assert_eq!(browser.sign_in(&tenant.email, PASSWORD).await.status, 303);
        browser.cookies["koteshen_session"].clone()
    };
    for _ in 0..28 {
        app.clock.advance(Duration::minutes(25));
        assert_eq!(browser.get("/dashboard").await.status, 200);
    }
    app.clock.advance(Duration::minutes(25));
    assert_eq!(
        browser.get("/dashboard").await.status,
        303,
        "12 hours after sign-in"
    );

    // Each sign-in is a new session with a new token.
    assert_eq!(browser.sign_in(&tenant.email, PASSWORD).await.status, 303);
    assert_ne!(browser.cookies["koteshen_session"], old_token);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_account() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let other = app.tenant("Other").await;
    let mut laptop = Browser::new(&app);
    let mut phone = Browser::new(&app);
    let mut someone_else = Browser::new(&app);
    for (browser, email) in [
        (&mut laptop, &tenant.email),
        (&mut phone, &tenant.email),
        (&mut someone_else, &other.email),
    ] {
        assert_eq!(browser.sign_in(email, PASSWORD).await.status, 303);
    }
    let csrf = laptop.get("/dashboard").await.csrf();
    let done = laptop
        .post("/dashboard/sign_out_everywhere", &[("csrf", &csrf)])
        .await;
    assert_eq!(done.status, 200);
    assert!(done.body.contains("2 sessions ended"), "{}", done.body);
    assert_eq!(laptop.get("/dashboard").await.status, 303);
    assert_eq!(phone.get("/dashboard").await.status, 303);
    assert_eq!(someone_else.get("/dashboard").await.status, 200);
}

#[tokio::test]
async fn failed_sign_ins_share_the_oauth_pages_throttle() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let mut browser = Browser::new(&app);
    for _ in 0..5 {
        assert_eq!(browser.sign_in(&tenant.email, "wrong").await.status, 401);
    }
    let throttled = browser.sign_in(&tenant.email, PASSWORD).await;
    assert_eq!(throttled.status, 429);
    assert!(throttled.body.contains("Too many failed sign-in attempts"));
    let counted: i64 =
        sqlx::query_scalar("SELECT count(*) FROM oauth_login_failures WHERE email = $1")
            .bind(tenant.email.to_lowercase())
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(counted, 5, "the one table the OAuth sign-in page counts in");
    app.clock.advance(Duration::minutes(16));
    assert_eq!(browser.sign_in(&tenant.email, PASSWORD).await.status, 303);
}

#[tokio::test]
async fn the_stylesheet_is_served_from_the_dashboard() {
    let app = TestApp::spawn().await;
    let response = app.get("/dashboard/assets/dashboard.css").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert!(response.text().await.unwrap().contains("font"));
}
