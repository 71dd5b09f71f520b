//! The running sums the reports read (`report_slots`, `report_tax_slots`): after every
//! kind of change, and after many at once, they equal the same sums recomputed from the
//! documents, and each report read from them equals the report read from the documents.

use chrono::NaiveDate;
use chrono_tz::Tz;
use koteshen::billing::reports::{self, Interval, Period};
use reqwest::Method;
use serde_json::json;

use super::fixture;
use crate::harness::{TestApp, documented_invoice, post, send, set_invoice_status, setup};

/// The slot tables less the same sums recomputed from the documents, both ways: empty
/// when they agree (rows summing to nothing are no difference).
const DIFFERENCE: &str = "
    WITH truth AS (
        SELECT business_id, report_slot(issued_at) AS slot, currency, total_cents AS ic,
               1 AS inn, 0 AS cc, 0 AS cn, 0 AS pc, 0 AS pn, 0 AS rc, 0 AS rn
        FROM invoices
        WHERE discarded_at IS NULL AND status NOT IN ('draft', 'void')
        UNION ALL
        SELECT business_id, report_slot(issued_at), currency, 0, 0, total_cents, 1, 0, 0, 0, 0
        FROM credit_notes WHERE discarded_at IS NULL
        UNION ALL
        SELECT business_id, report_slot(paid_at), currency, 0, 0, 0, 0, amount_cents, 1, 0, 0
        FROM payments WHERE discarded_at IS NULL
        UNION ALL
        SELECT r.business_id, report_slot(r.refunded_at), r.currency, 0, 0, 0, 0, 0, 0,
               r.amount_cents, 1
        FROM payment_refunds r JOIN payments p ON p.id = r.payment_id
        WHERE p.discarded_at IS NULL
        UNION ALL
        SELECT business_id, slot, currency, -invoiced_cents, -invoiced_count, -credited_cents,
               -credited_count, -paid_cents, -paid_count, -refunded_cents, -refunded_count
        FROM report_slots)
    SELECT count(*) FROM (
        SELECT 1 FROM truth GROUP BY business_id, slot, currency
        HAVING sum(ic) <> 0 OR sum(inn) <> 0 OR sum(cc) <> 0 OR sum(cn) <> 0
            OR sum(pc) <> 0 OR sum(pn) <> 0 OR sum(rc) <> 0 OR sum(rn) <> 0) d";

const TAX_DIFFERENCE: &str = "
    WITH truth AS (
        SELECT i.business_id, report_slot(i.issued_at) AS slot, i.currency, l.tax_id,
               l.tax_rate, l.category, l.amount_cents AS ic, 1 AS n, 0 AS cc, 0 AS cn
        FROM invoice_taxes l JOIN invoices i ON i.id = l.invoice_id
        WHERE i.discarded_at IS NULL AND i.status NOT IN ('draft', 'void')
        UNION ALL
        SELECT c.business_id, report_slot(c.issued_at), c.currency, l.tax_id, l.tax_rate,
               l.category, 0, 0, l.amount_cents, 1
        FROM credit_note_taxes l JOIN credit_notes c ON c.id = l.credit_note_id
        WHERE c.discarded_at IS NULL
        UNION ALL
        SELECT business_id, slot, currency, tax_id, tax_rate, category, -invoiced_cents,
               -invoice_count, -credited_cents, -credited_count
        FROM report_tax_slots)
    SELECT count(*) FROM (
        SELECT 1 FROM truth GROUP BY business_id, slot, currency, tax_id, tax_rate, category
        HAVING sum(ic) <> 0 OR sum(n) <> 0 OR sum(cc) <> 0 OR sum(cn) <> 0) d";

async fn assert_sums_hold(app: &TestApp) {
    for (name, sql) in [
        ("report_slots", DIFFERENCE),
        ("report_tax_slots", TAX_DIFFERENCE),
    ] {
        let wrong: i64 = sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap();
        assert_eq!(wrong, 0, "{name}: slots that differ from the documents");
    }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Each report from the sums equals the same report from the documents.
async fn assert_reports_agree(app: &TestApp, business_id: i64, tz: Tz) {
    let now = chrono::Utc::now();
    let periods = [
        Period::ALL,
        Period::days(day("2025-10-01"), day("2025-10-31"), tz),
        Period::days(day("2025-09-01"), day("2025-10-10"), tz),
        Period::days(day("2025-10-06"), day("2025-10-06"), tz),
    ];
    for period in periods {
        assert!(period.on_slots());
        let (from_slots, from_documents) = (
            reports::summary(&app.pool, business_id, period, now).await,
            reports::summary_from_documents(&app.pool, business_id, period, now).await,
        );
        assert_eq!(from_slots.unwrap(), from_documents.unwrap(), "{period:?}");
        let (from_slots, from_documents) = (
            reports::tax(&app.pool, business_id, period).await,
            reports::tax_from_documents(&app.pool, business_id, period).await,
        );
        assert_eq!(from_slots.unwrap(), from_documents.unwrap(), "{period:?}");
    }
    for interval in [Interval::Day, Interval::Week, Interval::Month] {
        let (from, to) = (day("2025-08-15"), day("2025-11-02"));
        let from_slots = reports::revenue(&app.pool, business_id, from, to, interval, tz).await;
        let from_documents =
            reports::revenue_from_documents(&app.pool, business_id, from, to, interval, tz).await;
        assert_eq!(from_slots.unwrap(), from_documents.unwrap(), "{interval:?}");
    }
}

#[tokio::test]
async fn the_sums_follow_every_kind_of_change_and_the_reports_agree_with_the_documents() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (s, t) = (&f.s, &f.s.tenant);
    let tz: Tz = "Africa/Johannesburg".parse().unwrap();
    assert_sums_hold(&app).await;
    assert_reports_agree(&app, t.business_id, tz).await;

    // Issue a draft with a tax, void it, delete another, delete a payment that had a
    // refund, and issue one at a quarter hour's last second.
    let mut body = documented_invoice(s);
    body["invoice"]["issued_at"] = json!("2025-10-20T09:59:59Z");
    let draft = post(&app, t, "/api/v1/invoices", body.clone()).await["id"]
        .as_i64()
        .unwrap();
    assert_sums_hold(&app).await;
    set_invoice_status(&app, t, draft, "sent").await;
    assert_sums_hold(&app).await;
    set_invoice_status(&app, t, draft, "void").await;
    assert_sums_hold(&app).await;
    let doomed = post(&app, t, "/api/v1/invoices", body.clone()).await["id"]
        .as_i64()
        .unwrap();
    set_invoice_status(&app, t, doomed, "sent").await;
    let paid = post(
        &app,
        t,
        &format!("/api/v1/invoices/{doomed}/payments"),
        json!({"payment": {"amount": "5", "paid_at": "2025-10-20T11:00:00Z"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    post(
        &app,
        t,
        &format!("/api/v1/payments/{paid}/refunds"),
        json!({"refund": {"amount": "2", "refunded_at": "2025-10-20T12:00:00Z"}}),
    )
    .await;
    assert_sums_hold(&app).await;
    let path = format!("/api/v1/payments/{paid}");
    let (status, answer) = send(app.authed(t, Method::DELETE, &path)).await;
    assert!(status == 204 || status == 200, "{status} {answer}");
    assert_sums_hold(&app).await;
    let path = format!("/api/v1/invoices/{doomed}");
    let (status, answer) = send(app.authed(t, Method::DELETE, &path)).await;
    assert!(status == 204 || status == 200, "{status} {answer}");
    assert_sums_hold(&app).await;
    assert_reports_agree(&app, t.business_id, tz).await;

    // Another business's sums are its own.
    let other = setup(&app, "Other").await;
    let mine = reports::summary(
        &app.pool,
        other.tenant.business_id,
        Period::ALL,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(mine.is_empty(), "{mine:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_lose_none_of_each_other_s_sums() {
    let app = TestApp::spawn_with(|c| {
        c.database_max_connections = 20;
        c.rate_limit_per_minute = 100_000;
    })
    .await;
    let s = setup(&app, "Busy").await;
    let mut body = documented_invoice(&s);
    // One quarter hour for all: every writer adds to the same slot row.
    body["invoice"]["issued_at"] = json!("2025-10-20T10:00:00Z");
    let mut tasks = Vec::new();
    for n in 0..24 {
        let (client, body, base) = (app.client.clone(), body.clone(), app.address.clone());
        let token = s.tenant.token.clone();
        tasks.push(tokio::spawn(async move {
            let ask = |method: reqwest::Method, path: String, body: serde_json::Value| {
                client
                    .request(method, format!("{base}{path}"))
                    .bearer_auth(&token)
                    .json(&body)
            };
            let retrying = |request: reqwest::RequestBuilder| async move {
                loop {
                    let (status, body) = send(request.try_clone().unwrap()).await;
                    if status != 503 {
                        return (status, body);
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            };
            let (status, created) =
                retrying(ask(Method::POST, "/api/v1/invoices".into(), body)).await;
            assert_eq!(status, 201, "{created}");
            let id = created["data"]["id"].as_i64().unwrap();
            let status_path = format!("/api/v1/invoices/{id}/status");
            let (status, _) =
                retrying(ask(Method::PATCH, status_path, json!({"status": "sent"}))).await;
            assert_eq!(status, 200);
            let pay = json!({"payment": {"amount": format!("{}", n + 1),
                                         "paid_at": "2025-10-20T10:05:00Z"}});
            let (status, answer) = retrying(ask(
                Method::POST,
                format!("/api/v1/invoices/{id}/payments"),
                pay,
            ))
            .await;
            assert_eq!(status, 201, "{answer}");
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_sums_hold(&app).await;
    let rows: (i64, i64, i64) = sqlx::query_as(
        "SELECT sum(invoiced_count)::bigint, sum(paid_count)::bigint, sum(paid_cents)::bigint
         FROM report_slots WHERE business_id = $1",
    )
    .bind(s.tenant.business_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(rows, (24, 24, (1..=24).sum::<i64>() * 100));
}
