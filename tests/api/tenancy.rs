//! Another business's records, on every route that names them: each answers 404, no list
//! shows them, and nothing of theirs changes. One table over every resource.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::smtp_sink::SmtpSink;
use crate::harness::webhook_receiver::{Receiver, subscribe};
use crate::harness::{
    TestApp, assert_error, documented_invoice, documented_quote, get, invoice_due_in, post, send,
    setup,
};

/// One request of the other business's, and the body it sends.
type Row = (Method, String, Option<Value>);

#[tokio::test]
async fn another_business_records_answer_404_on_every_route_and_stay_untouched() {
    // With a mail sink: the send actions below must queue nothing. More requests than
    // one token's budget a minute: the table is about tenancy.
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = TestApp::spawn_with(|c| {
        c.smtp_url = url;
        c.rate_limit_per_minute = 10_000;
    })
    .await;
    let mine = setup(&app, "Mine").await;
    let my_invoice = invoice_due_in(&app, &mine, 10, "sent").await;

    // My lists, before the other business has anything.
    let lists = [
        "/api/v1/customers",
        "/api/v1/customers?include_deleted=true",
        "/api/v1/customers?q=texas",
        "/api/v1/taxes",
        "/api/v1/taxes?include_deleted=true",
        "/api/v1/taxes?q=vat",
        "/api/v1/taxes?is_default=false",
        "/api/v1/products",
        "/api/v1/products?include_deleted=true",
        "/api/v1/products?q=host",
        "/api/v1/payment_terms",
        "/api/v1/payment_terms?include_deleted=true",
        "/api/v1/payment_terms?q=90",
        "/api/v1/invoices?include_deleted=true",
        "/api/v1/invoices?q[status_in]=sent,paid",
        "/api/v1/quotes",
        "/api/v1/credit_notes",
        "/api/v1/payments?include_deleted=true",
        "/api/v1/webhook_endpoints",
        "/api/v1/events",
    ];
    let mut my_lists = Vec::new();
    for path in lists {
        my_lists.push(get(&app, &mine.tenant, path).await);
    }

    // Theirs: one of every resource.
    let theirs = setup(&app, "Theirs").await;
    let t = &theirs.tenant;
    let customer = theirs.customer_id;
    let tax = theirs.vat_id;
    let product = post(
        &app,
        t,
        "/api/v1/products",
        json!({"product": {"name": "Hosting", "sku": "HOST", "unit_price": "9.99"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let term = post(
        &app,
        t,
        "/api/v1/payment_terms",
        json!({"name": "Net 90", "value": 90}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let invoice = post(&app, t, "/api/v1/invoices", documented_invoice(&theirs)).await["id"]
        .as_i64()
        .unwrap();
    let quote = post(
        &app,
        t,
        "/api/v1/quotes",
        documented_quote(theirs.customer_id),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let (status, body) = send(
        app.authed(
            t,
            Method::PATCH,
            &format!("/api/v1/invoices/{invoice}/recurring"),
        )
        // Far ahead, so the job runs below make nothing.
        .json(&json!({"frequency": "monthly", "starts_at": "2030-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let sent = invoice_due_in(&app, &theirs, 10, "sent").await;
    let reminders = format!("/api/v1/invoices/{sent}/invoices_reminders");
    let reminder = post(
        &app,
        t,
        &reminders,
        json!({"days": 1, "when": "before_due"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let receiver = Receiver::start().await;
    let endpoint = subscribe(&app, t, &receiver.url(), json!(["payment.received"])).await["id"]
        .as_i64()
        .unwrap();
    let payment = post(
        &app,
        t,
        &format!("/api/v1/invoices/{sent}/payments"),
        json!({"payment": {"amount": "10", "payment_method": "bank_transfer"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let refund = post(
        &app,
        t,
        &format!("/api/v1/payments/{payment}/refunds"),
        json!({"refund": {"amount": "1"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let credit_note = post(
        &app,
        t,
        &format!("/api/v1/invoices/{sent}/credit_notes"),
        json!({"amount": "1", "reason": "Theirs"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    app.runner().run_due().await.unwrap();
    let event = receiver.received()[0].header("webhook-id");

    // Theirs as they see it, before I try anything.
    let their_views = [
        format!("/api/v1/customers/{customer}"),
        format!("/api/v1/taxes/{tax}"),
        format!("/api/v1/products/{product}"),
        format!("/api/v1/payment_terms/{term}"),
        format!("/api/v1/invoices/{invoice}"),
        format!("/api/v1/invoices/{invoice}/invoices_subscription"),
        format!("/api/v1/invoices/{sent}"),
        reminders.clone(),
        format!("/api/v1/quotes/{quote}"),
        format!("/api/v1/payments/{payment}"),
        format!("/api/v1/payments/{payment}/refunds"),
        format!("/api/v1/payments/{payment}/refunds/{refund}"),
        format!("/api/v1/credit_notes/{credit_note}"),
        format!("/api/v1/webhook_endpoints/{endpoint}"),
        format!("/api/v1/webhook_endpoints/{endpoint}/deliveries"),
        format!("/api/v1/events/{event}"),
    ];
    let mut before = Vec::new();
    for path in &their_views {
        before.push(get(&app, t, path).await);
    }

    let email = || Some(json!({"to": "x@example.com"}));
    let weekly = || Some(json!({"frequency": "weekly"}));
    let rows: Vec<Row> = vec![
        // Customers.
        (Method::GET, format!("/api/v1/customers/{customer}"), None),
        (
            Method::GET,
            format!("/api/v1/customers/{customer}?include_deleted=true"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/customers/{customer}"),
            Some(json!({"name": "Stolen"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/customers/{customer}"),
            None,
        ),
        // Taxes.
        (Method::GET, format!("/api/v1/taxes/{tax}"), None),
        (
            Method::GET,
            format!("/api/v1/taxes/{tax}?include_deleted=true"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/taxes/{tax}"),
            Some(json!({"name": "Stolen"})),
        ),
        (Method::DELETE, format!("/api/v1/taxes/{tax}"), None),
        // Products.
        (Method::GET, format!("/api/v1/products/{product}"), None),
        (
            Method::GET,
            format!("/api/v1/products/{product}?include_deleted=true"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/products/{product}"),
            Some(json!({"name": "Stolen"})),
        ),
        (Method::DELETE, format!("/api/v1/products/{product}"), None),
        // Payment terms.
        (Method::GET, format!("/api/v1/payment_terms/{term}"), None),
        (
            Method::GET,
            format!("/api/v1/payment_terms/{term}?include_deleted=true"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/payment_terms/{term}"),
            Some(json!({"name": "Stolen"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/payment_terms/{term}"),
            None,
        ),
        // Invoices and their actions.
        (Method::GET, format!("/api/v1/invoices/{invoice}"), None),
        (Method::GET, format!("/api/v1/invoices/{invoice}.pdf"), None),
        (Method::GET, format!("/api/v1/invoices/{invoice}/pdf"), None),
        (Method::GET, format!("/api/v1/invoices/{invoice}.xml"), None),
        (
            Method::GET,
            format!("/api/v1/invoices/{invoice}.xml?syntax=cii"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{invoice}"),
            Some(json!({"notes": "x"})),
        ),
        (Method::DELETE, format!("/api/v1/invoices/{invoice}"), None),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{invoice}/status"),
            Some(json!({"status": "sent"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{invoice}/mark_as_paid"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{invoice}/duplicate"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/invoices/{sent}/public_link/revoke"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/invoices/{sent}/public_link/reissue"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/invoices/{invoice}/send_invoice"),
            email(),
        ),
        (
            Method::POST,
            format!("/api/v1/invoices/{invoice}/send_reminder"),
            email(),
        ),
        (
            Method::POST,
            "/api/v1/invoices/999999/send_invoice".to_string(),
            email(),
        ),
        // Recurring invoices.
        (
            Method::PATCH,
            format!("/api/v1/invoices/{invoice}/recurring"),
            weekly(),
        ),
        (
            Method::GET,
            format!("/api/v1/invoices/{invoice}/invoices_subscription"),
            weekly(),
        ),
        (
            Method::PATCH,
            format!("/api/v1/invoices/{invoice}/invoices_subscription"),
            weekly(),
        ),
        (
            Method::DELETE,
            format!("/api/v1/invoices/{invoice}/invoices_subscription"),
            weekly(),
        ),
        // Reminders: on their invoice, and theirs through mine.
        (Method::GET, reminders.clone(), None),
        (
            Method::POST,
            reminders.clone(),
            Some(json!({"when": "on_due"})),
        ),
        (Method::DELETE, format!("{reminders}/{reminder}"), None),
        (
            Method::DELETE,
            format!("/api/v1/invoices/{my_invoice}/invoices_reminders/{reminder}"),
            None,
        ),
        (Method::DELETE, format!("{reminders}/abc"), None),
        // Quotes and their actions.
        (Method::GET, format!("/api/v1/quotes/{quote}"), None),
        (Method::GET, format!("/api/v1/quotes/{quote}.pdf"), None),
        (Method::GET, format!("/api/v1/quotes/{quote}/pdf"), None),
        (
            Method::PATCH,
            format!("/api/v1/quotes/{quote}"),
            Some(json!({"notes": "x"})),
        ),
        (Method::DELETE, format!("/api/v1/quotes/{quote}"), None),
        (
            Method::PATCH,
            format!("/api/v1/quotes/{quote}/status"),
            Some(json!({"status": "sent"})),
        ),
        (
            Method::POST,
            format!("/api/v1/quotes/{quote}/convert"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/quotes/{quote}/duplicate"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/quotes/{quote}/public_link/revoke"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/quotes/{quote}/public_link/reissue"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/quotes/{quote}/send"),
            email(),
        ),
        // Payments, and an invoice's payments.
        (Method::GET, format!("/api/v1/payments/{payment}"), None),
        (
            Method::GET,
            format!("/api/v1/payments/{payment}.json?include_deleted=true"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/payments/{payment}"),
            Some(json!({"amount": 1})),
        ),
        (Method::DELETE, format!("/api/v1/payments/{payment}"), None),
        // A payment's refunds.
        (
            Method::GET,
            format!("/api/v1/payments/{payment}/refunds"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/payments/{payment}/refunds"),
            Some(json!({"amount": "1"})),
        ),
        (
            Method::GET,
            format!("/api/v1/payments/{payment}/refunds/{refund}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/invoices/{sent}/payments"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/invoices/{sent}/payments"),
            Some(json!({"amount": 1})),
        ),
        // Credit notes, an invoice's credit notes and credit.
        (
            Method::GET,
            format!("/api/v1/credit_notes/{credit_note}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/credit_notes/{credit_note}.pdf"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/credit_notes/{credit_note}/pdf"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/credit_notes/{credit_note}.xml"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/credit_notes/{credit_note}.xml?syntax=cii"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/credit_notes/{credit_note}/send"),
            email(),
        ),
        (
            Method::POST,
            format!("/api/v1/invoices/{sent}/credit_notes"),
            Some(json!({"amount": "1", "reason": "Stolen"})),
        ),
        (
            Method::POST,
            format!("/api/v1/invoices/{sent}/apply_credit"),
            None,
        ),
        // Webhook endpoints and events.
        (
            Method::GET,
            format!("/api/v1/webhook_endpoints/{endpoint}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/webhook_endpoints/{endpoint}"),
            Some(json!({"enabled": false, "url": "http://127.0.0.1:1/"})),
        ),
        (
            Method::DELETE,
            format!("/api/v1/webhook_endpoints/{endpoint}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/webhook_endpoints/{endpoint}/rotate_secret"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/webhook_endpoints/{endpoint}/deliveries"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/webhook_endpoints/999999".to_string(),
            None,
        ),
        (Method::GET, format!("/api/v1/events/{event}"), None),
        (Method::GET, "/api/v1/events/evt_nope".to_string(), None),
    ];
    for (method, path, body) in rows {
        let mut request = app.authed(&mine.tenant, method.clone(), &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 404, "{method} {path}");
        assert_error(response, 404).await;
    }

    // My lists show none of theirs, nor does a filter naming their invoice.
    for (path, before) in lists.iter().zip(&my_lists) {
        assert_eq!(&get(&app, &mine.tenant, path).await, before, "{path}");
    }
    let filtered = get(
        &app,
        &mine.tenant,
        &format!("/api/v1/payments?invoice_id={sent}"),
    )
    .await;
    assert_eq!(filtered["data"], json!([]));
    // The domain lookup the invoices use does not find their term for me.
    assert!(
        koteshen::billing::payment_terms::find_live(&app.pool, mine.tenant.business_id, term)
            .await
            .unwrap()
            .is_none()
    );

    // Theirs is untouched, and nothing was sent.
    for (path, before) in their_views.iter().zip(&before) {
        assert_eq!(&get(&app, t, path).await, before, "{path}");
    }
    app.runner().run_due().await.unwrap();
    assert!(sink.messages().is_empty());
}
