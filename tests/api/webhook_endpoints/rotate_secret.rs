//! `POST /api/v1/webhook_endpoints/{id}/rotate_secret`.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;
use standardwebhooks::Webhook;

use crate::harness::webhook_receiver::{Receiver, app_at_wall_clock, signed_with, subscribe};
use crate::harness::{get, send, standalone_payment};

#[tokio::test]
async fn a_rotated_secret_signs_alongside_the_old_one_for_24_hours() {
    let app = app_at_wall_clock().await;
    let mut tenant = app.tenant("Flixtechs").await;
    let receiver = Receiver::start().await;
    let endpoint = subscribe(&app, &tenant, &receiver.url(), json!(["payment.received"])).await;
    let id = endpoint["id"].as_i64().unwrap();
    let old = endpoint["secret"].as_str().unwrap().to_string();
    let (status, rotated) = send(app.authed(
        &tenant,
        Method::POST,
        &format!("/api/v1/webhook_endpoints/{id}/rotate_secret"),
    ))
    .await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["data"]["secret"].as_str().unwrap().to_string();
    assert!(new.starts_with("whsec_") && new != old);
    assert!(rotated["data"]["previous_secret_expires_at"].is_string());
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert!(shown["data"].get("secret").is_none());

    standalone_payment(&app, &tenant, "10.00").await;
    app.runner().run_due().await.unwrap();
    let request = &receiver.received()[0];
    assert_eq!(request.header("webhook-signature").split(' ').count(), 2);
    for secret in [&old, &new] {
        Webhook::new(secret)
            .unwrap()
            .verify(&request.body, &request.headers)
            .expect("both secrets verify during the overlap");
    }

    app.clock
        .advance(Duration::hours(24) + Duration::seconds(1));
    app.reissue(&mut tenant).await;
    standalone_payment(&app, &tenant, "11.00").await;
    app.runner().run_due().await.unwrap();
    let request = &receiver.received()[1];
    assert_eq!(request.header("webhook-signature").split(' ').count(), 1);
    assert!(signed_with(request, &new));
    assert!(!signed_with(request, &old));
    let shown = get(&app, &tenant, &format!("/api/v1/webhook_endpoints/{id}")).await;
    assert!(shown["data"]["previous_secret_expires_at"].is_null());
}
