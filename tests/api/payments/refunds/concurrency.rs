//! Refunds of one payment at once: each sees the last one's total (the payment row is
//! locked first), so they never refund more than was paid.

use reqwest::Method;

use super::{paid_invoice, refund_body, refunds_of};
use crate::harness::{TestApp, json, setup, show, usd};
use crate::payments::state_of;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_refunds_of_0_50_against_10_00_refund_exactly_twenty() {
    let app = TestApp::spawn_with(|c| c.database_max_connections = 20).await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, payment) = paid_invoice(&app, &s, "10.00").await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let request = app
            .authed(
                &s.tenant,
                Method::POST,
                &format!("/api/v1/payments/{payment}/refunds"),
            )
            .json(&refund_body("0.50"));
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = json(response).await;
            if status == 422 {
                assert!(body["errors"]["amount"].is_array(), "{body}");
            }
            status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!((ok, refused), (20, 30), "{statuses:?}");
    assert_eq!(refunds_of(&app, payment).await, (1000, 20));
    let shown = show(&app, &s.tenant, &format!("/api/v1/payments/{payment}")).await;
    assert_eq!(shown["refunded"], usd(1000));
    assert_eq!(shown["net_amount"], usd(0));
    assert_eq!(
        state_of(&app, &s.tenant, invoice).await,
        ("sent".into(), 1000)
    );
}

#[tokio::test]
async fn the_database_refuses_a_payment_refunded_beyond_its_amount() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (_, payment) = paid_invoice(&app, &s, "10.00").await;
    let err = sqlx::query("UPDATE payments SET refunded_cents = amount_cents + 1 WHERE id = $1")
        .bind(payment)
        .execute(&app.pool)
        .await
        .unwrap_err();
    let db = err.as_database_error().expect("a database error");
    assert_eq!(db.constraint(), Some("payments_refunded_within_amount"));
}
