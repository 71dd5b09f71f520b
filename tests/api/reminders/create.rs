//! `POST /api/v1/invoices/{id}/invoices_reminders`.

use reqwest::Method;
use serde_json::json;

use super::reminders_path;
use crate::harness::{TestApp, assert_error, invoice_due_in, setup};

#[tokio::test]
async fn bad_reminders_answer_422_naming_each_field() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 10, "sent").await;
    for (body, fields) in [
        (json!({}), vec!["when"]),
        (json!({"when": "someday", "days": 1}), vec!["when"]),
        (json!({"when": "before_due"}), vec!["days"]),
        (json!({"when": "after_due", "days": -1}), vec!["days"]),
        (json!({"when": "after_due", "days": "lots"}), vec!["days"]),
        (
            json!({"when": "after_due", "days": 1, "message": ["x"]}),
            vec!["message"],
        ),
    ] {
        let response = app
            .authed(&s.tenant, Method::POST, &reminders_path(id))
            .json(&body)
            .send()
            .await
            .unwrap();
        let error = assert_error(response, 422).await;
        for field in fields {
            assert!(error["errors"][field].is_array(), "{body}: {error}");
        }
    }
}
