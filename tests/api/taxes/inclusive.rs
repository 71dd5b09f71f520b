//! A tax's `inclusive` flag: false unless sent, shown, changed by PATCH, a boolean or 422.

use serde_json::json;

use super::create;
use crate::harness::{TestApp, patch};

#[tokio::test]
async fn a_tax_is_exclusive_unless_sent_inclusive_and_the_flag_can_change() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Flixtechs").await;
    let plain = create(&app, &tenant, json!({"name": "Sales tax", "rate": 10})).await;
    assert_eq!(plain["inclusive"], false);
    let vat = create(
        &app,
        &tenant,
        json!({"tax": {"name": "VAT", "rate": "15", "inclusive": true}}),
    )
    .await;
    assert_eq!(vat["inclusive"], true);

    let path = format!("/api/v1/taxes/{}", vat["id"]);
    let (status, body) = patch(&app, &tenant, &path, json!({"inclusive": "false"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["inclusive"], false);
    assert_eq!(body["data"]["rate"], "15.0");

    for bad in [json!(null), json!("maybe"), json!(2)] {
        let (status, body) = patch(&app, &tenant, &path, json!({"tax": {"inclusive": bad}})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            body["errors"]["inclusive"],
            json!(["must be true or false"]),
            "{body}"
        );
    }
}
