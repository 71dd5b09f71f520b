//! "Authorized applications": what the signed-in user gave, and revoking it.

use super::Browser;
use crate::harness::TestApp;
use crate::harness::oauth::{self, PASSWORD, exchange, me, tokens_of};

#[tokio::test]
async fn a_grant_is_listed_and_revoking_it_refuses_its_tokens() {
    let app = TestApp::spawn().await;
    let setup = oauth::setup(&app, false).await;
    let other = oauth::setup(&app, false).await;
    let mut tokens = vec![];
    for who in [&setup, &other] {
        let code = oauth::code(&app, who, None).await;
        let issued = tokens_of(exchange(&app, who, &code, None).await).await;
        tokens.push(issued["access_token"].as_str().unwrap().to_string());
    }
    let mut browser = Browser::new(&app);
    assert_eq!(browser.sign_in(&setup.email, PASSWORD).await.status, 303);
    let page = browser.get("/dashboard/authorized").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<td>Invoice Sync</td>"), "{}", page.body);
    assert!(page.body.contains("<td>read write</td>"), "{}", page.body);
    assert_eq!(
        page.body.matches("Revoke Invoice Sync").count(),
        1,
        "mine only"
    );

    // The other user's application: nothing of mine to revoke, and theirs untouched.
    let their_app: i64 = sqlx::query_scalar("SELECT id FROM oauth_applications WHERE uid = $1")
        .bind(&other.client_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let csrf = page.csrf();
    let nothing = browser
        .post(
            &format!("/dashboard/authorized/{their_app}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(
        nothing.body.contains("had no access to revoke"),
        "{}",
        nothing.body
    );
    assert_eq!(me(&app, &tokens[1]).await.status(), 200);
    let refused = browser
        .post(
            &format!("/dashboard/authorized/{their_app}/revoke"),
            &[("csrf", "x")],
        )
        .await;
    assert_eq!(refused.status, 403);

    let mine: i64 = sqlx::query_scalar("SELECT id FROM oauth_applications WHERE uid = $1")
        .bind(&setup.client_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(me(&app, &tokens[0]).await.status(), 200);
    let revoked = browser
        .post(
            &format!("/dashboard/authorized/{mine}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, 200);
    assert!(revoked.body.contains("Access revoked"), "{}", revoked.body);
    assert!(
        revoked.body.contains("No application has access"),
        "{}",
        revoked.body
    );
    assert_eq!(me(&app, &tokens[0]).await.status(), 401);
    assert_eq!(me(&app, &tokens[1]).await.status(), 200);
}
