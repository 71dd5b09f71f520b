//! Each report's figures on the fixture, its CSV, its refusals and its tenancy.

use reqwest::Method;
use serde_json::json;

use super::{fixture, m, report};
use crate::harness::{TestApp, assert_error, setup};

#[tokio::test]
async fn the_summary_counts_the_period_and_everything() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let r = report(
        &app,
        &f.s,
        "/api/v1/reports/summary?from=2025-10-01&to=2025-10-31",
    )
    .await;
    assert_eq!(r["time_zone"], "Africa/Johannesburg");
    assert_eq!(
        r["period"],
        json!([
            {"currency": "EUR", "invoiced": m(8000, "EUR"), "invoiced_count": 1,
             "credited": m(0, "EUR"), "credited_count": 0,
             "collected": m(0, "EUR"), "collected_count": 0,
             "outstanding": m(8000, "EUR"), "outstanding_count": 1,
             "overdue": m(0, "EUR"), "overdue_count": 0},
            {"currency": "USD", "invoiced": m(35500, "USD"), "invoiced_count": 3,
             "credited": m(2300, "USD"), "credited_count": 1,
             "collected": m(13500, "USD"), "collected_count": 2,
             "outstanding": m(22000, "USD"), "outstanding_count": 2,
             "overdue": m(22000, "USD"), "overdue_count": 2},
        ]),
        "{r}"
    );
    let usd = &r["overall"][1];
    assert_eq!(usd["invoiced"], m(40500, "USD"), "{r}");
    assert_eq!(usd["invoiced_count"], 4);
    assert_eq!(usd["outstanding"], m(27000, "USD"));
    assert_eq!(usd["overdue_count"], 3);
    // September in Johannesburg: only i3 (i7's 23:30 UTC on the 30th is October there).
    let sept = report(
        &app,
        &f.s,
        "/api/v1/reports/summary?from=2025-09-01&to=2025-09-30",
    )
    .await;
    assert_eq!(sept["period"][0]["invoiced"], m(5000, "USD"), "{sept}");
}

#[tokio::test]
async fn aging_buckets_each_open_balance_by_days_past_due() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let r = report(&app, &f.s, "/api/v1/reports/aging").await;
    assert_eq!(r["as_of"], "2025-10-21");
    let lines: Vec<_> = r["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["customer"]["name"].as_str().unwrap().to_string(),
                l["currency"].as_str().unwrap().to_string(),
                [
                    &l["current"],
                    &l["days_1_30"],
                    &l["days_31_60"],
                    &l["days_61_90"],
                    &l["over_90"],
                ]
                .map(|v| v["cents"].as_i64().unwrap()),
                l["invoice_count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("Beta".into(), "EUR".into(), [8000, 0, 0, 0, 0], 1),
            ("Beta".into(), "USD".into(), [0, 0, 5000, 0, 0], 1),
            ("Texas Ins".into(), "USD".into(), [0, 22000, 0, 0, 0], 2),
        ]
    );
    assert_eq!(r["totals"][1]["total"], m(27000, "USD"), "{r}");
    let later = report(&app, &f.s, "/api/v1/reports/aging?as_of=2025-12-01").await;
    // i2 (due 10-10) is 52 days late, i7 (due October 1st there) 61.
    assert_eq!(later["totals"][1]["days_31_60"], m(21000, "USD"), "{later}");
    assert_eq!(later["totals"][1]["days_61_90"], m(1000, "USD"));
    assert_eq!(later["totals"][1]["over_90"], m(5000, "USD"));
    assert_eq!(later["totals"][0]["days_1_30"], m(8000, "EUR"));
}

#[tokio::test]
async fn the_tax_report_nets_credit_notes_and_revenue_fills_every_interval() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let r = report(
        &app,
        &f.s,
        "/api/v1/reports/tax?from=2025-10-01&to=2025-10-31",
    )
    .await;
    let credited = f.credit_tax_cents;
    assert_eq!(credited, 300, "23.00 credited at 15 % holds 3.00 of VAT");
    assert_eq!(
        r["taxes"],
        json!([{"currency": "USD", "tax_id": f.s.vat_id, "name": "VAT", "rate": "15.0",
                "category": "S", "invoiced": m(4500, "USD"), "credited": m(300, "USD"),
                "net": m(4200, "USD"), "invoice_count": 2}]),
        "{r}"
    );
    let weeks = report(
        &app,
        &f.s,
        "/api/v1/reports/revenue?from=2025-10-01&to=2025-10-19&interval=week",
    )
    .await;
    let rows: Vec<_> = weeks["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["starts_on"].as_str().unwrap().to_string(),
                r["collected"]["cents"].as_i64().unwrap(),
                r["payments_count"].as_i64().unwrap(),
                r["refunded"]["cents"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("2025-09-29".into(), 0, 0, 0),
            ("2025-10-06".into(), 14500, 2, 0),
            ("2025-10-13".into(), -1000, 0, 1000),
        ],
        "{weeks}"
    );
    let month = report(
        &app,
        &f.s,
        "/api/v1/reports/revenue?from=2025-10-01&to=2025-10-31",
    )
    .await;
    assert_eq!(month["interval"], "month");
    assert_eq!(month["rows"][0]["collected"], m(13500, "USD"), "{month}");
}

#[tokio::test]
async fn reports_answer_csv_when_asked() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let response = app
        .authed(
            &f.s.tenant,
            Method::GET,
            "/api/v1/reports/summary?from=2025-10-01&to=2025-10-31",
        )
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("summary-2025-10-01-2025-10-31.csv")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "section,currency,invoiced,invoiced_count,credited,credited_count,collected,\
         collected_count,outstanding,outstanding_count,overdue,overdue_count"
    );
    assert_eq!(
        lines[2], "period,USD,355.00,3,23.00,1,135.00,2,220.00,2,220.00,2",
        "{text}"
    );
    let aging = app
        .authed(&f.s.tenant, Method::GET, "/api/v1/reports/aging")
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        aging.contains("\r\n,Total,USD,0.00,220.00,50.00,0.00,0.00,270.00,3"),
        "{aging}"
    );
}

#[tokio::test]
async fn bad_periods_are_refused_and_another_business_sees_none_of_it() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let refused = |path: &'static str| {
        let app = &app;
        let t = &f.s.tenant;
        async move {
            let response = app.authed(t, Method::GET, path).send().await.unwrap();
            assert_error(response, 422).await["errors"].clone()
        }
    };
    assert_eq!(
        refused("/api/v1/reports/summary?from=2025-11-01&to=2025-10-01").await,
        json!({"from": ["must be on or before to"]})
    );
    assert_eq!(
        refused("/api/v1/reports/tax?from=October").await,
        json!({"from": ["is not a date (YYYY-MM-DD)"]})
    );
    assert!(refused("/api/v1/reports/revenue?interval=year").await["interval"].is_array());
    assert_eq!(
        refused("/api/v1/reports/revenue?from=2020-01-01&to=2025-01-01&interval=day").await,
        json!({"to": ["makes more than 1000 intervals"]})
    );
    assert!(refused("/api/v1/reports/aging?as_of=2025-13-01").await["as_of"].is_array());

    let other = setup(&app, "Other").await;
    let r = report(
        &app,
        &other,
        "/api/v1/reports/summary?from=2025-10-01&to=2025-10-31",
    )
    .await;
    assert_eq!(
        (r["period"].clone(), r["overall"].clone()),
        (json!([]), json!([]))
    );
    let aging = report(&app, &other, "/api/v1/reports/aging").await;
    assert_eq!(aging["customers"], json!([]));
    let tax = report(
        &app,
        &other,
        "/api/v1/reports/tax?from=2025-10-01&to=2025-10-31",
    )
    .await;
    assert_eq!(tax["taxes"], json!([]));
}

#[tokio::test]
async fn each_report_costs_a_fixed_number_of_queries() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    // The zone, then the report (the summary: the period's and the overall one), however
    // many invoices, customers or intervals there are.
    for (path, cost) in [
        ("/api/v1/reports/summary?from=2025-10-01&to=2025-10-31", 3),
        ("/api/v1/reports/aging", 2),
        ("/api/v1/reports/tax?from=2025-10-01&to=2025-10-31", 2),
        (
            "/api/v1/reports/revenue?from=2025-01-01&to=2025-10-31&interval=day",
            2,
        ),
    ] {
        let (response, count) = app
            .counting_queries(app.authed(&f.s.tenant, Method::GET, path))
            .await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(count, cost, "{path}");
    }
}
