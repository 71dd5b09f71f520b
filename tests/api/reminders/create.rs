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

#[tokio::test]
async fn parallel_creates_never_pass_the_per_invoice_cap() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let id = invoice_due_in(&app, &s, 10, "sent").await;
    let sibling = app.spawn_sibling(|_| {}).await;
    // Each insert takes a moment, as on a loaded server: a create that counted before
    // another committed would pass the cap.
    for statement in [
        "CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_sleep(0.02); RETURN NEW; END $$",
        "CREATE TRIGGER slow_insert BEFORE INSERT ON invoice_reminders
         FOR EACH ROW EXECUTE FUNCTION slow_insert()",
    ] {
        sqlx::query(statement).execute(&app.pool).await.unwrap();
    }
    let cap = koteshen::billing::reminders::MAX_PER_INVOICE as usize;
    // Two servers (two pools), forty creates at once for one invoice.
    let mut tasks = Vec::new();
    for i in 0..(2 * cap) {
        let server = if i % 2 == 0 { &app } else { &sibling };
        let request = server
            .authed(&s.tenant, Method::POST, &reminders_path(id))
            .json(&json!({"when": "after_due", "days": i + 1}));
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            if status == 422 {
                let message = body["message"].as_str().unwrap_or_default();
                assert!(message.contains("at most"), "{body}");
            }
            status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let created = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!((created, refused), (cap, cap), "{statuses:?}");
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM invoice_reminders WHERE invoice_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, cap as i64);
}
