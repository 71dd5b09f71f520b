//! Sign-up (closed unless `SIGNUP=open`) and the password change.

use super::{Browser, PASSWORD};
use crate::harness::TestApp;

async fn users(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn sign_up_is_closed_by_default() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    let page = browser.get("/dashboard/sign_up").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Sign-up is closed"));
    let form = browser.get("/dashboard/sign_in").await;
    assert!(!form.body.contains("/dashboard/sign_up"), "no link to it");
    let posted = browser
        .post(
            "/dashboard/sign_up",
            &[
                ("csrf", &form.csrf()),
                ("business_name", "Sneaky"),
                ("email", "sneaky@example.com"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(posted.status, 404);
    assert_eq!(users(&app).await, 0);
}

#[tokio::test]
async fn with_sign_up_open_an_account_and_its_business_are_made_and_signed_in() {
    let app = TestApp::spawn_with(|c| c.signup_open = true).await;
    let mut browser = Browser::new(&app);
    let link = browser.get("/dashboard/sign_in").await;
    assert!(link.body.contains("href=\"/dashboard/sign_up\""));
    let form = browser.get("/dashboard/sign_up").await;
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    // Without its token, and with a short password: refused, nothing made.
    let forged = browser
        .post(
            "/dashboard/sign_up",
            &[
                ("business_name", "Acme"),
                ("email", "a@example.com"),
                ("password", "long enough pw"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    let short = browser
        .post(
            "/dashboard/sign_up",
            &[
                ("csrf", &csrf),
                ("business_name", "Acme"),
                ("email", "a@example.com"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(
        short
            .body
            .contains("The password must be at least 8 characters."),
        "{}",
        short.body
    );
    assert!(
        short.body.contains("value=\"Acme\""),
        "what was typed stays"
    );
    assert_eq!(users(&app).await, 0);

    let csrf = short.csrf();
    let made = browser
        .post(
            "/dashboard/sign_up",
            &[
                ("csrf", &csrf),
                ("business_name", "Acme"),
                ("email", "a@example.com"),
                ("password", "long enough pw"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    assert_eq!(made.location(), "/dashboard");
    let overview = browser.get("/dashboard").await;
    assert!(overview.body.contains("<h1>Acme</h1>"), "{}", overview.body);

    let mut again = Browser::new(&app);
    let csrf = again.get("/dashboard/sign_up").await.csrf();
    let taken = again
        .post(
            "/dashboard/sign_up",
            &[
                ("csrf", &csrf),
                ("business_name", "Other"),
                ("email", "A@example.com"),
                ("password", "long enough pw"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("An account with this email exists"));
    assert_eq!(users(&app).await, 1);
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_session() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let mut here = Browser::new(&app);
    let mut elsewhere = Browser::new(&app);
    for browser in [&mut here, &mut elsewhere] {
        assert_eq!(browser.sign_in(&tenant.email, PASSWORD).await.status, 303);
    }
    let page = here.get("/dashboard/account").await;
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let wrong = here
        .post(
            "/dashboard/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", "not it"),
                ("new_password", "a new long password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("The current password is incorrect."));
    let short = here
        .post(
            "/dashboard/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, 422);
    assert_eq!(
        elsewhere.get("/dashboard").await.status,
        200,
        "nothing changed yet"
    );

    let changed = here
        .post(
            "/dashboard/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "a new long password"),
            ],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert!(changed.body.contains("Password changed."));
    assert_eq!(elsewhere.get("/dashboard").await.status, 303, "signed out");
    assert_eq!(
        here.get("/dashboard").await.status,
        200,
        "this browser stays signed in"
    );
    // The page's forms carry the new session's token.
    let out = here
        .post("/dashboard/sign_out", &[("csrf", &changed.csrf())])
        .await;
    assert_eq!(out.status, 200);

    let mut fresh = Browser::new(&app);
    assert_eq!(fresh.sign_in(&tenant.email, PASSWORD).await.status, 401);
    assert_eq!(
        fresh
            .sign_in(&tenant.email, "a new long password")
            .await
            .status,
        303
    );
}
