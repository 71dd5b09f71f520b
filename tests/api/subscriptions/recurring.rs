//! `PATCH /api/v1/invoices/{id}/recurring`.

use reqwest::Method;
use serde_json::json;

use super::{make_recurring, template};
use crate::harness::{TestApp, assert_error, send};

#[tokio::test]
async fn bad_schedules_answer_422_naming_each_field() {
    let app = TestApp::spawn().await;
    let (s, id) = template(&app, "2026-01-31T09:00:00Z").await;
    let path = format!("/api/v1/invoices/{id}/recurring");
    for (body, fields) in [
        (json!({}), vec!["frequency"]),
        (json!({"frequency": "hourly"}), vec!["frequency"]),
        (
            json!({"frequency": "monthly", "interval": 0, "starts_at": "soon"}),
            vec!["interval", "starts_at"],
        ),
        (
            json!({"frequency": "monthly", "starts_at": "2026-02-01", "ends_at": "2026-01-01"}),
            vec!["ends_at"],
        ),
        (
            json!({"frequency": "monthly", "max_occurrences": 0, "auto_send": "maybe",
                   "status": "done"}),
            vec!["max_occurrences", "auto_send", "status"],
        ),
    ] {
        let response = app
            .authed(&s.tenant, Method::PATCH, &path)
            .json(&body)
            .send()
            .await
            .unwrap();
        let error = assert_error(response, 422).await;
        for field in fields {
            assert!(error["errors"][field].is_array(), "{body}: {error}");
        }
    }
    make_recurring(&app, &s, id, json!({"frequency": "monthly"})).await;
    let sub_path = format!("/api/v1/invoices/{id}/invoices_subscription");
    let (_, still) = send(app.authed(&s.tenant, Method::GET, &sub_path)).await;
    assert_eq!(still["data"]["frequency"], "monthly");
}
