//! `billing::taxes`, the lookups invoices and quotes use.

use reqwest::Method;
use serde_json::{Value, json};

use super::create;
use crate::harness::{TestApp, send};

#[tokio::test]
async fn the_domain_finds_live_taxes_and_defaults_of_one_business_only() {
    use koteshen::billing::taxes;
    let app = TestApp::spawn().await;
    let mine = app.tenant("Mine").await;
    let theirs = app.tenant("Theirs").await;
    let vat = create(
        &app,
        &mine,
        json!({"name": "VAT", "rate": 15, "is_default": true}),
    )
    .await;
    let city = create(&app, &mine, json!({"name": "City", "rate": 2})).await;
    let gone = create(
        &app,
        &mine,
        json!({"name": "Old", "rate": 1, "is_default": true}),
    )
    .await;
    let foreign = create(
        &app,
        &theirs,
        json!({"name": "T", "rate": 3, "is_default": true}),
    )
    .await;
    let (status, _) = send(app.authed(
        &mine,
        Method::DELETE,
        &format!("/api/v1/taxes/{}", gone["id"]),
    ))
    .await;
    assert_eq!(status, 204);
    let id = |t: &Value| t["id"].as_i64().unwrap();

    let found = taxes::find_live(
        &app.pool,
        mine.business_id,
        &[id(&city), id(&gone), id(&foreign), id(&vat), 999_999],
    )
    .await
    .unwrap();
    let found: Vec<i64> = found.iter().map(|t| t.id).collect();
    assert_eq!(found, vec![id(&vat), id(&city)]);
    assert!(
        taxes::find_live(&app.pool, mine.business_id, &[])
            .await
            .unwrap()
            .is_empty()
    );

    let defaults = taxes::defaults(&app.pool, mine.business_id).await.unwrap();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0].id, id(&vat));
    assert_eq!(defaults[0].rate, rust_decimal::Decimal::from(15));
}
