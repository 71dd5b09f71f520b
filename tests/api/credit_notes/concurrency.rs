//! Credit notes and credit applications at once, on one server and on two: the invoice
//! row (then the customer's credit row) is locked first, so each sees what the last one
//! did and the figures add up exactly; the database's CHECKs are the last line.

use reqwest::Method;
use serde_json::json;

use super::{credit_balances, invoice_state};
use crate::harness::{TestApp, invoice_of, json, setup, show, usd};
use crate::payments::refunds::paid_invoice;

/// Sends `n` requests at once, alternating between the servers: their statuses; a 422
/// names `field`.
async fn at_once(
    apps: &[&TestApp],
    tenant: &crate::harness::Tenant,
    paths: Vec<String>,
    body: serde_json::Value,
    field: &'static str,
) -> Vec<u16> {
    let mut tasks = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let request = apps[i % apps.len()]
            .authed(tenant, Method::POST, path)
            .json(&body);
        tasks.push(tokio::spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = json(response).await;
            if status == 422 {
                assert!(body["errors"][field].is_array(), "{body}");
            }
            status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_credits_of_10_00_on_two_servers_credit_exactly_100_00() {
    let app = TestApp::spawn_with(|c| c.database_max_connections = 10).await;
    let sibling = app.spawn_sibling(|c| c.database_max_connections = 10).await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = invoice_of(&app, &s, "100.00").await;
    let paths = vec![format!("/api/v1/invoices/{invoice}/credit_notes"); 30];
    let body = json!({"amount": "10.00", "reason": "Rebate"});
    let statuses = at_once(&[&app, &sibling], &s.tenant, paths, body, "amount").await;
    let ok = statuses.iter().filter(|s| **s == 201).count();
    let refused = statuses.iter().filter(|s| **s == 422).count();
    assert_eq!((ok, refused), (10, 20), "{statuses:?}");
    assert_eq!(
        invoice_state(&app, &s.tenant, invoice).await,
        ("paid".into(), 0, 10000)
    );
    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT number FROM credit_notes ORDER BY number")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let expected: Vec<String> = (1..=10).map(|n| format!("CN-{n:04}")).collect();
    assert_eq!(numbers, expected, "gap-free, none shared");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_customer_s_credit_applied_to_many_invoices_at_once_is_spent_exactly_once() {
    let app = TestApp::spawn_with(|c| c.database_max_connections = 10).await;
    let sibling = app.spawn_sibling(|c| c.database_max_connections = 10).await;
    let s = setup(&app, "Flixtechs").await;
    let (paid, _) = paid_invoice(&app, &s, "100.00").await;
    let (status, body) = super::credit(&app, &s.tenant, paid, json!({})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(credit_balances(&app, &s).await, json!([usd(10000)]));
    let mut invoices = Vec::new();
    for _ in 0..8 {
        invoices.push(invoice_of(&app, &s, "30.00").await);
    }
    let paths = invoices
        .iter()
        .map(|id| format!("/api/v1/invoices/{id}/apply_credit"))
        .collect();
    let statuses = at_once(
        &[&app, &sibling],
        &s.tenant,
        paths,
        json!({"amount": "30.00"}),
        "amount",
    )
    .await;
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(ok, 3, "{statuses:?}");
    assert_eq!(credit_balances(&app, &s).await, json!([usd(1000)]));
    let mut applied = 0;
    for id in &invoices {
        let shown = show(&app, &s.tenant, &format!("/api/v1/invoices/{id}")).await;
        applied += shown["credit_applied"]["cents"].as_i64().unwrap();
    }
    assert_eq!(applied, 9000);
}

#[tokio::test]
async fn the_database_refuses_a_negative_customer_credit_and_an_invoice_credited_beyond_its_total()
{
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = invoice_of(&app, &s, "10.00").await;
    let err = sqlx::query("UPDATE invoices SET credited_cents = total_cents + 1 WHERE id = $1")
        .bind(invoice)
        .execute(&app.pool)
        .await
        .unwrap_err();
    let db = err.as_database_error().expect("a database error");
    assert_eq!(db.constraint(), Some("invoices_credited_within_total"));
    let err = sqlx::query(
        "INSERT INTO customer_credits (business_id, customer_id, currency, balance_cents,
                                       updated_at)
         VALUES ($1, $2, 'USD', -1, now())",
    )
    .bind(s.tenant.business_id)
    .bind(s.customer_id)
    .execute(&app.pool)
    .await
    .unwrap_err();
    let db = err.as_database_error().expect("a database error");
    assert_eq!(db.constraint(), Some("customer_credits_not_negative"));
}
