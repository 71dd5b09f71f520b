//! Every write records its actor and time, also the writes that raise no event (a tax,
//! a payment term, the business profile, a webhook endpoint): the database's audit log,
//! append-only.

use chrono::Duration;
use serde_json::{Value, json};

use crate::harness::{TestApp, invoice_due_in, patch, post, setup};

/// The audit rows of one record: (operation, actor), oldest first.
async fn trail(app: &TestApp, table: &str, id: i64) -> Vec<(String, Value)> {
    sqlx::query_as::<_, (String, sqlx::types::Json<Value>)>(
        "SELECT operation, actor FROM audit_log WHERE table_name = $1 AND row_id = $2
         ORDER BY id",
    )
    .bind(table)
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .map(|(op, actor)| (op, actor.0))
    .collect()
}

#[tokio::test]
async fn writes_without_events_are_audited_with_their_actor() {
    let app = TestApp::spawn().await;
    let mut s = setup(&app, "Flixtechs").await;
    let user = json!({"type": "user", "id": s.tenant.user_id, "name": s.tenant.email});
    let tax = post(
        &app,
        &s.tenant,
        "/api/v1/taxes",
        json!({"name": "Levy", "rate": "2"}),
    )
    .await;
    let tax_id = tax["id"].as_i64().unwrap();
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/taxes/{tax_id}"),
        json!({"name": "Levy 2"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        trail(&app, "taxes", tax_id).await,
        [
            ("insert".into(), user.clone()),
            ("update".into(), user.clone())
        ]
    );
    let (status, _) = patch(
        &app,
        &s.tenant,
        "/api/v1/business",
        json!({"footer": "Thanks"}),
    )
    .await;
    assert_eq!(status, 200);
    let business = trail(&app, "businesses", s.tenant.business_id).await;
    assert_eq!(business.last(), Some(&("update".into(), user)));

    // A sweep's writes are the system's.
    let invoice = invoice_due_in(&app, &s, 1, "sent").await;
    app.clock.advance(Duration::days(2));
    app.runner().run_due().await.unwrap();
    app.reissue(&mut s.tenant).await;
    let (op, actor) = trail(&app, "invoices", invoice).await.pop().unwrap();
    assert_eq!(op, "update");
    assert_eq!(actor["type"], "system");

    for sql in [
        "UPDATE audit_log SET actor = '{}' WHERE table_name = 'taxes'",
        "DELETE FROM audit_log WHERE table_name = 'taxes'",
    ] {
        let err = sqlx::query(sql).execute(&app.pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}
