//! Refresh tokens die of idleness (`REFRESH_TOKEN_IDLE_DAYS`, 30) and of age: a family
//! ends `REFRESH_TOKEN_LIFETIME_DAYS` (365) after its consent, refreshed or not.

use chrono::Duration;

use super::*;
use crate::harness::{TestApp, json};

async fn consent(app: &TestApp, setup: &Setup) -> String {
    let code = code(app, setup, None).await;
    let tokens = tokens_of(exchange(app, setup, &code, None).await).await;
    tokens["refresh_token"].as_str().unwrap().to_string()
}

async fn introspect(app: &TestApp, setup: &Setup, token: &str) -> serde_json::Value {
    let response = app
        .request(reqwest::Method::POST, "/oauth/introspect")
        .header("content-type", "application/x-www-form-urlencoded")
        .basic_auth(&setup.client_id, setup.client_secret.as_deref())
        .body(form(&[("token", token)]))
        .send()
        .await
        .unwrap();
    json(response).await
}

#[tokio::test]
async fn a_refresh_token_unused_for_thirty_days_is_invalid_grant() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let first = consent(&app, &setup).await;
    // Used within the idle window: a new pair, whose window starts afresh.
    app.clock.advance(Duration::days(29));
    let second = tokens_of(refresh(&app, &setup, &first).await).await;
    let second = second["refresh_token"].as_str().unwrap();
    let expires = (app.clock.now() + Duration::days(30)).timestamp();
    app.clock.advance(Duration::days(29));
    let live = introspect(&app, &setup, second).await;
    assert_eq!(live["active"], true);
    assert_eq!(live["exp"], expires, "{live}");

    app.clock.advance(Duration::days(1) + Duration::seconds(1));
    assert_eq!(
        introspect(&app, &setup, second).await,
        serde_json::json!({"active": false})
    );
    let body = assert_oauth_error(refresh(&app, &setup, second).await, 400, "invalid_grant").await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );
}

#[tokio::test]
async fn a_family_ends_a_year_after_its_consent_however_often_it_is_refreshed() {
    let app = TestApp::spawn().await;
    let setup = setup(&app, false).await;
    let mut refresh_token = consent(&app, &setup).await;
    // Twelve refreshes 29 days apart: day 348, still inside the year.
    for n in 1..=12 {
        app.clock.advance(Duration::days(29));
        let tokens = refresh(&app, &setup, &refresh_token).await;
        assert_eq!(tokens.status(), 200, "refresh {n}");
        refresh_token = json(tokens).await["refresh_token"]
            .as_str()
            .unwrap()
            .to_string();
    }
    // Day 366: the token is only 18 days old, but its family is more than a year old.
    app.clock.advance(Duration::days(18));
    assert_eq!(
        introspect(&app, &setup, &refresh_token).await,
        serde_json::json!({"active": false})
    );
    assert_oauth_error(
        refresh(&app, &setup, &refresh_token).await,
        400,
        "invalid_grant",
    )
    .await;
    // A new consent starts a new year.
    let fresh = consent(&app, &setup).await;
    tokens_of(refresh(&app, &setup, &fresh).await).await;
}
