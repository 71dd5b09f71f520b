//! Ransack's `q[<attribute>_<predicate>]` and `s` on every list, against a fixture whose
//! answers are known: the parameters Koteshen's pages show, sent as they show them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Tenant, TestApp, post, send};

struct Fixture {
    tenant: Tenant,
    texas: i64,
    randall: i64,
    /// Invoices A (USD 50, Oct 5, draft), B (USD 150, Oct 15, sent, notes "urgent"),
    /// C (JPY 120, Oct 20, paid), D (USD 100, Nov 2, partial: payments 40 + 20).
    a: i64,
    b: i64,
    c: i64,
    d: i64,
}

async fn invoice(app: &TestApp, tenant: &Tenant, customer: i64, body: Value) -> i64 {
    let mut invoice = json!({"customer_id": customer, "payment_term_id": null});
    for (k, v) in body.as_object().unwrap() {
        invoice[k] = v.clone();
    }
    post(
        app,
        tenant,
        "/api/v1/invoices",
        json!({ "invoice": invoice }),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

fn items(price: &str) -> Value {
    json!([{"name": "Work", "quantity": 1, "unit_price": price}])
}

async fn call(app: &TestApp, tenant: &Tenant, method: Method, path: &str, body: Value) {
    let (status, body) = send(app.authed(tenant, method, path).json(&body)).await;
    assert!(status < 300, "{path}: {status} {body}");
}

async fn fixture(app: &TestApp) -> Fixture {
    let tenant = app.tenant("Acme").await;
    let texas = post(
        app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"company": "Texas Instruments", "email": "procurement@texas.com",
                            "customer_type": "business"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let randall = post(
        app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Randall Rodrigo", "company": "Softbank",
                            "email": "randall@softbank.com", "customer_type": "individual"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let a = invoice(
        app,
        &tenant,
        texas,
        json!({"currency": "USD", "issued_at": "2025-10-05T09:00:00Z",
               "due_at": "2025-11-05T09:00:00Z", "items_attributes": items("50.00")}),
    )
    .await;
    let b = invoice(
        app,
        &tenant,
        texas,
        json!({"currency": "USD", "issued_at": "2025-10-15T09:00:00Z",
               "due_at": "2025-11-15T09:00:00Z", "items_attributes": items("150.00"),
               "notes": "Urgent: call before paying"}),
    )
    .await;
    let c = invoice(
        app,
        &tenant,
        randall,
        json!({"currency": "JPY", "issued_at": "2025-10-20T09:00:00Z",
               "due_at": "2025-11-20T09:00:00Z", "items_attributes": items("120")}),
    )
    .await;
    let d = invoice(
        app,
        &tenant,
        randall,
        json!({"currency": "USD", "issued_at": "2025-11-02T09:00:00Z",
               "due_at": "2025-12-02T09:00:00Z", "items_attributes": items("100.00")}),
    )
    .await;
    for id in [b, c, d] {
        call(
            app,
            &tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{id}/status"),
            json!({"status": "sent"}),
        )
        .await;
    }
    call(
        app,
        &tenant,
        Method::PATCH,
        &format!("/api/v1/invoices/{c}/mark_as_paid"),
        json!({}),
    )
    .await;
    for body in [
        json!({"payment": {"amount": "40", "reference": "Payment 343", "payment_method": "cash",
                           "paid_at": "2025-10-13T00:00:00.000Z"}}),
        json!({"payment": {"amount": "20", "reference": "Wire 9",
                           "payment_method": "bank_transfer", "paid_at": "2025-10-25T00:00:00Z"}}),
    ] {
        post(
            app,
            &tenant,
            &format!("/api/v1/invoices/{d}/payments"),
            body,
        )
        .await;
    }
    for body in [
        json!({"invoices_reminder": {"days": 28, "when": "after_due"}}),
        json!({"invoices_reminder": {"days": 3, "when": "before_due"}}),
    ] {
        post(
            app,
            &tenant,
            &format!("/api/v1/invoices/{d}/invoices_reminders"),
            body,
        )
        .await;
    }
    Fixture {
        tenant,
        texas,
        randall,
        a,
        b,
        c,
        d,
    }
}

async fn list(app: &TestApp, tenant: &Tenant, path: &str) -> Vec<Value> {
    let (status, body) = send(app.authed(tenant, Method::GET, path)).await;
    assert_eq!(status, 200, "{path}: {body}");
    body["data"].as_array().unwrap().clone()
}

async fn ids(app: &TestApp, tenant: &Tenant, path: &str) -> Vec<i64> {
    list(app, tenant, path)
        .await
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

async fn refused(app: &TestApp, tenant: &Tenant, path: &str) -> Vec<String> {
    let (status, body) = send(app.authed(tenant, Method::GET, path)).await;
    assert_eq!(status, 422, "{path}: {body}");
    body["errors"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn invoice_filters_and_sorts_as_the_pages_show_them() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let (t, a, b, c, d) = (&f.tenant, f.a, f.b, f.c, f.d);
    let by_issue = "&s=issued_at+asc";
    let of_randall = format!("q[customer_id_eq]={}", f.randall);
    let of_texas = format!("q[customer_id_eq]={}", f.texas);
    for (query, expected) in [
        ("q[status_eq]=sent", vec![b]),
        ("q[status_not_eq]=draft", vec![b, c, d]),
        ("q[status_in]=sent,paid", vec![b, c]),
        ("q[status_in][]=sent&q[status_in][]=partial", vec![b, d]),
        (of_randall.as_str(), vec![c, d]),
        (of_texas.as_str(), vec![a, b]),
        (
            "q[issued_at_gteq]=2025-10-01&q[issued_at_lteq]=2025-10-31",
            vec![a, b, c],
        ),
        ("q[issued_at_gt]=2025-10-15", vec![c, d]),
        ("q[issued_at_lt]=2025-10-15T09:00:00Z", vec![a]),
        ("q[issued_at_eq]=2025-10-20", vec![c]),
        ("q[number_cont]=0002", vec![b]),
        ("q[number_starts_with]=INV-000", vec![a, b, c, d]),
        ("q[notes_cont]=urgent", vec![b]),
        // 100.00 in each invoice's own currency: USD 150 and JPY 120 are over it.
        ("q[total_gt]=100.00", vec![b, c]),
        ("q[total_gteq]=100", vec![b, c, d]),
        ("q[total_lt]=100.01", vec![a, d]),
        ("q[total_eq]=50.00", vec![a]),
        ("q[total_eq]=50.005", vec![]),
        ("q[total_in]=50,150", vec![a, b]),
        // D owes 40.00 after 60.00 paid; C nothing.
        ("q[balance_eq]=0", vec![c]),
        ("q[balance_gt]=39.99&q[balance_lt]=40.01", vec![d]),
        ("q[currency_eq]=jpy", vec![c]),
        ("q[paid_eq]=true", vec![c]),
        ("q[id_in]=0", vec![]),
        // Blank values are no condition, as in Ransack.
        ("q[status_eq]=", vec![a, b, c, d]),
        // Today's parameters still work, alone and beside q[…].
        ("status=sent", vec![b]),
        ("status=sent&q[total_gt]=200", vec![]),
    ] {
        let path = format!("/api/v1/invoices?{query}{by_issue}");
        assert_eq!(ids(&app, t, &path).await, expected, "{query}");
    }
    // The pages' spelling of void.
    call(
        &app,
        t,
        Method::PATCH,
        &format!("/api/v1/invoices/{a}/status"),
        json!({"status": "void"}),
    )
    .await;
    let path = format!("/api/v1/invoices?q[status_eq]=cancelled{by_issue}");
    assert_eq!(ids(&app, t, &path).await, vec![a]);

    // Sorting: one key, several, and today's `sort`.
    assert_eq!(
        ids(&app, t, "/api/v1/invoices?s=issued_at+desc").await,
        vec![d, c, b, a]
    );
    assert_eq!(
        ids(&app, t, "/api/v1/invoices?s[0]=due_at+desc&s[1]=total+asc").await,
        vec![d, c, b, a]
    );
    assert_eq!(
        ids(&app, t, "/api/v1/invoices?sort=-issued_at").await,
        vec![d, c, b, a]
    );
    assert_eq!(
        ids(
            &app,
            t,
            "/api/v1/invoices?q[s]=issued_at+desc&q[status_in]=sent,paid"
        )
        .await,
        vec![c, b]
    );

    // Unknown attributes and predicates are named, never ignored.
    for (query, field) in [
        ("q[bogus_eq]=1", "q[bogus_eq]"),
        ("q[status_like]=sent", "q[status_like]"),
        ("q[status_eq]=nope", "q[status_eq]"),
        ("q[total_cont]=1", "q[total_cont]"),
        ("q[issued_at_gteq]=October", "q[issued_at_gteq]"),
        ("s=bogus+desc", "s"),
        ("s[0]=issued_at+sideways", "s[0]"),
    ] {
        let fields = refused(&app, t, &format!("/api/v1/invoices?{query}")).await;
        assert_eq!(fields, [field], "{query}");
    }
    let (_, body) = send(app.authed(t, Method::GET, "/api/v1/invoices?q[bogus_eq]=1")).await;
    assert_eq!(body["error"], "Unprocessable Entity");
    assert!(
        body["message"].as_str().unwrap().contains("q[bogus_eq]"),
        "{body}"
    );
}

#[tokio::test]
async fn payment_and_reminder_filters_as_the_pages_show_them() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let t = &f.tenant;
    let payments = format!("/api/v1/invoices/{}/payments", f.d);
    let references = |rows: Vec<Value>| -> Vec<String> {
        rows.iter()
            .map(|p| p["reference"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    for (query, expected) in [
        ("q[amount_gteq]=100", vec![]),
        ("q[amount_gteq]=30", vec!["Payment 343"]),
        ("q[reference_cont]=Payment", vec!["Payment 343"]),
        ("q[channel_eq]=cash", vec!["Payment 343"]),
        (
            "q[channel_in]=cash,bank_transfer",
            vec!["Payment 343", "Wire 9"],
        ),
        ("q[paid_at_lteq]=2025-10-21", vec!["Payment 343"]),
        ("q[paid_at_gt]=2025-10-21", vec!["Wire 9"]),
    ] {
        let path = format!("{payments}?{query}&s=paid_at+asc");
        assert_eq!(references(list(&app, t, &path).await), expected, "{query}");
    }
    // The standalone list: C's mark_as_paid payment is 120 JPY, over 100 of its units.
    let path = "/api/v1/payments?q[amount_gteq]=100";
    let rows = list(&app, t, path).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["invoice_id"], f.c);
    assert_eq!(
        refused(&app, t, &format!("{payments}?q[bogus_eq]=1")).await,
        ["q[bogus_eq]"]
    );

    let reminders = format!("/api/v1/invoices/{}/invoices_reminders", f.d);
    let days = |rows: Vec<Value>| -> Vec<i64> {
        rows.iter().map(|r| r["days"].as_i64().unwrap()).collect()
    };
    for (query, expected) in [
        ("q[count_eq]=28", vec![28]),
        ("q[interval_eq]=days", vec![3, 28]),
        ("q[condition_eq]=after_due_date", vec![28]),
        ("q[condition_eq]=before_due_date", vec![3]),
        ("q[count_lt]=10", vec![3]),
    ] {
        let path = format!("{reminders}?{query}&s=count+asc");
        assert_eq!(days(list(&app, t, &path).await), expected, "{query}");
    }
    assert_eq!(
        days(list(&app, t, &format!("{reminders}?s=count+desc")).await),
        vec![28, 3]
    );
    // A reminder counted in weeks is found by its unit.
    let (status, weekly) = send(
        app.authed(t, Method::POST, &reminders)
            .json(&json!({"invoices_reminder":
            {"count": 2, "interval": "weeks", "condition": "after_due_date"}})),
    )
    .await;
    assert_eq!(status, 201, "{weekly}");
    let counts = |rows: Vec<Value>| -> Vec<i64> {
        rows.iter().map(|r| r["count"].as_i64().unwrap()).collect()
    };
    let path = format!("{reminders}?q[interval_eq]=weeks");
    assert_eq!(counts(list(&app, t, &path).await), vec![2]);
    let path = format!("{reminders}?q[interval_eq]=days&s=count+asc");
    assert_eq!(counts(list(&app, t, &path).await), vec![3, 28]);
    for query in [
        "q[bogus_eq]=1",
        "q[condition_like]=after",
        "q[interval_eq]=fortnights",
    ] {
        let fields = refused(&app, t, &format!("{reminders}?{query}")).await;
        assert_eq!(fields.len(), 1, "{query}");
    }
}

#[tokio::test]
async fn every_other_list_takes_ransack_and_refuses_what_it_does_not_know() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let t = &f.tenant;
    let names = |rows: Vec<Value>, field: &str| -> Vec<String> {
        rows.iter()
            .map(|r| r[field].as_str().unwrap_or_default().to_string())
            .collect()
    };
    // Customers.
    let rows = list(&app, t, "/api/v1/customers?q[name_cont]=rodrigo").await;
    assert_eq!(names(rows, "name"), ["Randall Rodrigo"]);
    let rows = list(&app, t, "/api/v1/customers?q[customer_type_eq]=business").await;
    assert_eq!(names(rows, "name"), ["Texas Instruments"]);
    let rows = list(&app, t, "/api/v1/customers?s=name+desc").await;
    assert_eq!(
        names(rows, "name"),
        ["Texas Instruments", "Randall Rodrigo"]
    );

    // Quotes: one draft of ZAR 500, one sent of ZAR 50.
    for (price, send_it) in [("500", false), ("50", true)] {
        let quote = post(
            &app,
            t,
            "/api/v1/quotes",
            json!({"quote": {"customer_id": f.texas, "currency": "ZAR",
                             "issued_at": "2025-10-12T10:00:00Z",
                             "expires_at": "2025-10-28T10:00:00Z",
                             "items_attributes": items(price)}}),
        )
        .await;
        if send_it {
            call(
                &app,
                t,
                Method::PATCH,
                &format!("/api/v1/quotes/{}/status", quote["id"]),
                json!({"status": "sent"}),
            )
            .await;
        }
    }
    let rows = list(&app, t, "/api/v1/quotes?q[total_gt]=100").await;
    assert_eq!(names(rows, "status"), ["draft"]);
    let rows = list(&app, t, "/api/v1/quotes?q[status_in]=sent,declined").await;
    assert_eq!(rows.len(), 1);

    // Taxes, payment terms, events.
    post(
        &app,
        t,
        "/api/v1/taxes",
        json!({"tax": {"name": "VAT", "rate": "15.0"}}),
    )
    .await;
    post(
        &app,
        t,
        "/api/v1/taxes",
        json!({"tax": {"name": "Levy", "rate": "2.5"}}),
    )
    .await;
    let rows = list(&app, t, "/api/v1/taxes?q[rate_gteq]=10").await;
    assert_eq!(names(rows, "name"), ["VAT"]);
    let rows = list(&app, t, "/api/v1/payment_terms?q[name_eq]=Due+on+Receipt").await;
    assert_eq!(names(rows, "name"), ["Due on Receipt"]);
    let rows = list(&app, t, "/api/v1/events?q[type_eq]=invoice.created").await;
    assert_eq!(rows.len(), 4);

    // Webhook endpoints and their deliveries.
    let endpoint = post(
        &app,
        t,
        "/api/v1/webhook_endpoints",
        json!({"url": "http://127.0.0.1:9/hooks", "enabled_events": ["invoice.created"]}),
    )
    .await;
    let rows = list(&app, t, "/api/v1/webhook_endpoints?q[url_cont]=hooks").await;
    assert_eq!(rows.len(), 1);
    let deliveries = format!(
        "/api/v1/webhook_endpoints/{}/deliveries?q[outcome_eq]=failed&s=created_at+desc",
        endpoint["id"]
    );
    assert!(list(&app, t, &deliveries).await.is_empty());

    let deliveries = format!("/api/v1/webhook_endpoints/{}/deliveries", endpoint["id"]);
    for path in [
        "/api/v1/customers",
        "/api/v1/quotes",
        "/api/v1/payments",
        "/api/v1/taxes",
        "/api/v1/payment_terms",
        "/api/v1/webhook_endpoints",
        "/api/v1/events",
        deliveries.as_str(),
    ] {
        for query in ["q[bogus_eq]=1", "q[created_at_like]=x", "s=bogus+asc"] {
            let fields = refused(&app, t, &format!("{path}?{query}")).await;
            assert_eq!(fields.len(), 1, "{path}?{query}");
        }
    }
}
