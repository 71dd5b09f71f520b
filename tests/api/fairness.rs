//! Sweeps across businesses: one business's backlog never delays another business's due
//! row to a later sweep, and one row that fails is backed off while the others still run
//! (overdue invoices, recurring invoices, due reminders, quote expiry).

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::json;

use crate::harness::{
    Setup, TestApp, documented_invoice, documented_quote, invoice_due_in, patch, post, send, setup,
};

async fn status_of(app: &TestApp, table: &str, id: i64) -> String {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT status FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// `copies` sent invoices of the business, cloned in SQL from `template` (due
/// `copies` seconds before it down to one second before it), as a business that has
/// made them over time would have.
async fn clone_invoices(app: &TestApp, template: i64, copies: i32) {
    sqlx::query(
        "INSERT INTO invoices (business_id, customer_id, number, status, currency, issued_at,
             due_at, payment_term_id, notes, subtotal_cents, discount_cents, tax_total_cents,
             total_cents, created_at, updated_at)
         SELECT business_id, customer_id, 'BULK-' || g, status, currency, issued_at,
                due_at - g * interval '1 second', payment_term_id, notes, subtotal_cents,
                discount_cents, tax_total_cents, total_cents, created_at, updated_at
         FROM invoices, generate_series(1, $2) g WHERE id = $1",
    )
    .bind(template)
    .bind(copies)
    .execute(&app.pool)
    .await
    .unwrap();
}

/// Makes every write to `table` matching `condition` (on `NEW`/`OLD`) fail, counting
/// the attempts in the sequence `poison_hits` (a sequence is not rolled back).
async fn poison(app: &TestApp, table: &str, event: &str, condition: &str) {
    for statement in [
        "CREATE SEQUENCE IF NOT EXISTS poison_hits".to_string(),
        "CREATE OR REPLACE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             PERFORM nextval('poison_hits');
             RAISE EXCEPTION 'poisoned row';
         END $$"
            .to_string(),
        format!(
            "CREATE TRIGGER poison BEFORE {event} ON {table} FOR EACH ROW
             WHEN ({condition}) EXECUTE FUNCTION poison()"
        ),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&app.pool)
            .await
            .unwrap();
    }
}

/// How many times a poisoned write was attempted.
async fn poison_hits(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM poison_hits")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_business_with_a_thousand_overdue_invoices_does_not_delay_another_business_s_one() {
    let app = TestApp::spawn().await;
    let big = setup(&app, "Backlog Ltd").await;
    let small = setup(&app, "Small Shop").await;
    let template = invoice_due_in(&app, &big, 1, "sent").await;
    clone_invoices(&app, template, 1_100).await;
    let single = invoice_due_in(&app, &small, 2, "sent").await;
    app.clock.advance(Duration::days(3));
    app.runner().run_due().await.unwrap();
    assert_eq!(
        status_of(&app, "invoices", single).await,
        "overdue",
        "marked in the first sweep, however many older invoices another business has"
    );
    let big_overdue: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invoices WHERE business_id = $1 AND status = 'overdue'",
    )
    .bind(big.tenant.business_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(big_overdue > 0, "the big business is served too");
    for _ in 0..2 {
        app.runner().run_due().await.unwrap();
    }
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM invoices WHERE business_id = $1 AND status = 'sent'",
    )
    .bind(big.tenant.business_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(left, 0, "the backlog drains over the next sweeps");
}

async fn recurring(app: &TestApp, s: &Setup, notes: &str, starts_at: DateTime<Utc>) -> i64 {
    let mut body = documented_invoice(s);
    body["invoice"]["notes"] = json!(notes);
    let invoice = post(app, &s.tenant, "/api/v1/invoices", body).await;
    let id = invoice["id"].as_i64().unwrap();
    let (status, body) = send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{id}/recurring"),
        )
        .json(&json!({"frequency": "daily", "starts_at": starts_at.to_rfc3339()})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    id
}

async fn runs_of(app: &TestApp, template: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM recurring_runs r
         JOIN invoice_subscriptions s ON s.id = r.subscription_id
         WHERE s.invoice_id = $1",
    )
    .bind(template)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn one_subscription_s_long_backlog_does_not_delay_another_business_s_invoice() {
    let app = TestApp::spawn().await;
    let big = setup(&app, "Backlog Ltd").await;
    let backlog = recurring(&app, &big, "daily", app.clock.now()).await;
    // The worker was down for 600 days; then a second business starts a schedule.
    app.clock.advance(Duration::days(600));
    let mut small = setup(&app, "Small Shop").await;
    app.reissue(&mut small.tenant).await;
    let single = recurring(&app, &small, "once", app.clock.now()).await;
    app.runner().run_due().await.unwrap();
    assert_eq!(runs_of(&app, single).await, 1, "made in the first sweep");
    assert_eq!(
        runs_of(&app, backlog).await,
        i64::from(app.config.limits.recurring_catch_up),
        "the backlog catches up a few at a time"
    );
}

#[tokio::test]
async fn a_poisoned_overdue_invoice_is_backed_off_while_the_others_are_marked() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut other = setup(&app, "Other").await;
    let bad = invoice_due_in(&app, &s, 1, "sent").await;
    let good = invoice_due_in(&app, &s, 2, "sent").await;
    let elsewhere = invoice_due_in(&app, &other, 2, "sent").await;
    poison(&app, "invoices", "UPDATE", &format!("OLD.id = {bad}")).await;
    app.clock.advance(Duration::days(3));
    let runner = app.runner();
    runner.run_due().await.unwrap();
    assert_eq!(status_of(&app, "invoices", good).await, "overdue");
    assert_eq!(status_of(&app, "invoices", elsewhere).await, "overdue");
    assert_eq!(status_of(&app, "invoices", bad).await, "sent");
    assert_eq!(poison_hits(&app).await, 1);
    // The next sweeps do not start with it again: it is backed off.
    app.reissue(&mut other.tenant).await;
    let late = invoice_due_in(&app, &other, 0, "sent").await;
    app.clock.advance(Duration::seconds(1));
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(status_of(&app, "invoices", late).await, "overdue");
    assert_eq!(poison_hits(&app).await, 1, "not retried at once");
    // After its back-off it is tried again (and backed off longer).
    app.clock.advance(Duration::minutes(2));
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(poison_hits(&app).await, 2);
    app.clock.advance(Duration::minutes(1));
    runner.run_due().await.unwrap();
    assert_eq!(poison_hits(&app).await, 2, "the second back-off is longer");
}

#[tokio::test]
async fn a_poisoned_subscription_is_backed_off_while_the_others_run() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let start = app.clock.now();
    let bad = recurring(&app, &s, "poison", start).await;
    let good = recurring(&app, &s, "fine", start + Duration::seconds(1)).await;
    poison(&app, "invoices", "INSERT", "NEW.notes = 'poison'").await;
    app.clock.advance(Duration::hours(1));
    let runner = app.runner();
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(runs_of(&app, good).await, 1);
    assert_eq!(runs_of(&app, bad).await, 0);
    assert_eq!(poison_hits(&app).await, 1, "tried once, then backed off");
}

#[tokio::test]
async fn a_poisoned_reminder_is_backed_off_while_the_others_are_sent() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut reminders = Vec::new();
    for _ in 0..3 {
        let invoice = invoice_due_in(&app, &s, 1, "sent").await;
        let reminder = post(
            &app,
            &s.tenant,
            &format!("/api/v1/invoices/{invoice}/invoices_reminders"),
            json!({"when": "on_due"}),
        )
        .await;
        reminders.push(reminder["id"].as_i64().unwrap());
    }
    poison(
        &app,
        "invoice_reminders",
        "UPDATE",
        &format!("OLD.id = {}", reminders[0]),
    )
    .await;
    app.clock.advance(Duration::days(2));
    let runner = app.runner();
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(
        status_of(&app, "invoice_reminders", reminders[0]).await,
        "pending"
    );
    for id in &reminders[1..] {
        assert_eq!(status_of(&app, "invoice_reminders", *id).await, "sent");
    }
    assert_eq!(poison_hits(&app).await, 1);
}

#[tokio::test]
async fn a_poisoned_quote_is_backed_off_while_the_others_expire() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let mut quotes = Vec::new();
    for _ in 0..3 {
        let mut body = documented_quote(s.customer_id);
        body["quote"]["issued_at"] = json!("2025-10-21T00:00:00Z");
        body["quote"]["expires_at"] = json!("2025-10-22T00:00:00Z");
        let quote = post(&app, &s.tenant, "/api/v1/quotes", body).await;
        let id = quote["id"].as_i64().unwrap();
        patch(
            &app,
            &s.tenant,
            &format!("/api/v1/quotes/{id}/status"),
            json!({"status": "sent"}),
        )
        .await;
        quotes.push(id);
    }
    poison(&app, "quotes", "UPDATE", &format!("OLD.id = {}", quotes[0])).await;
    app.clock.advance(Duration::days(2));
    let runner = app.runner();
    runner.run_due().await.unwrap();
    runner.run_due().await.unwrap();
    assert_eq!(status_of(&app, "quotes", quotes[0]).await, "sent");
    for id in &quotes[1..] {
        assert_eq!(status_of(&app, "quotes", *id).await, "expired");
    }
    assert_eq!(poison_hits(&app).await, 1);
}

#[tokio::test]
async fn the_sweep_order_is_every_business_s_oldest_then_turns_per_business() {
    use koteshen::billing::{overdue, sweeping};
    let app = TestApp::spawn().await;
    let mut firsts = Vec::new();
    for name in ["Big A", "Big B", "Small C"] {
        let s = setup(&app, name).await;
        // A and B: eleven invoices due before C's one.
        let due_in = if name == "Small C" { 2 } else { 1 };
        let first = invoice_due_in(&app, &s, due_in, "sent").await;
        if name != "Small C" {
            clone_invoices(&app, first, 10).await;
        }
        firsts.push(s.tenant.business_id);
    }
    let (a, b, c) = (firsts[0], firsts[1], firsts[2]);
    let now = app.clock.now() + Duration::days(3);
    let mut conn = app.pool.acquire().await.unwrap();
    let order: Vec<i64> = sweeping::take(&mut conn, overdue::DUE, now, 2, 7)
        .await
        .unwrap()
        .into_iter()
        .map(|due| due.business_id)
        .collect();
    // Clones are due before their template: A's and B's oldest are their clones.
    assert_eq!(
        order,
        [a, b, c, a, b, a, b],
        "each business's oldest, then A's and B's turn of two (one taken already), then \
         the next turn"
    );
}
