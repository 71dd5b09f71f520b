//! `DELETE /api/v1/invoices/{id}/invoices_reminders/{reminder_id}`.

use reqwest::Method;
use serde_json::json;

use super::{add, reminders_path};
use crate::harness::{TestApp, invoice_due_in, send, setup};

#[tokio::test]
async fn a_reminder_is_deleted_by_its_json_path_and_leaves_the_list() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 10, "sent").await;
    let reminder = add(
        &app,
        &s.tenant,
        id,
        json!({"days": 1, "when": "before_due"}),
    )
    .await;
    let rid = reminder["id"].as_i64().unwrap();
    let (status, _) = send(app.authed(
        &s.tenant,
        Method::DELETE,
        &format!("{}/{rid}.json", reminders_path(id)),
    ))
    .await;
    assert_eq!(status, 204);
    let (_, listed) = send(app.authed(&s.tenant, Method::GET, &reminders_path(id))).await;
    assert_eq!(listed["data"], json!([]));
}
