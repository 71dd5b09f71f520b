//! What a credit note does to money: an unpaid invoice's balance goes down (credited in
//! full, it is paid); on a paid invoice the credit becomes the customer's credit balance,
//! which a refund pays out or a later invoice consumes (`apply_credit`). Voiding waits
//! until payments are refunded or the invoice is credited in full; a credited invoice
//! cannot be deleted.

use reqwest::Method;
use serde_json::json;

use super::{credit_balances, credited, invoice_state, sent_invoice};
use crate::harness::{TestApp, action, invoice_of, patch, send, setup, usd};
use crate::payments::refunds::{paid_invoice, refund, refund_body};

#[tokio::test]
async fn an_unpaid_invoice_s_balance_goes_down_and_credited_in_full_it_is_paid() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, items) = sent_invoice(&app, &s).await;
    let one = json!({"items": [{"invoice_item_id": items[1], "quantity": 1}]});
    credited(&app, &s.tenant, invoice, one).await;
    assert_eq!(
        invoice_state(&app, &s.tenant, invoice).await,
        ("sent".into(), 3450, 5750)
    );
    let rest = credited(&app, &s.tenant, invoice, json!({})).await;
    assert_eq!(rest["customer_credit"], usd(0));
    assert_eq!(
        invoice_state(&app, &s.tenant, invoice).await,
        ("paid".into(), 0, 9200)
    );
    assert_eq!(credit_balances(&app, &s).await, json!([]));
    // Nothing is left to pay, so nothing to mark as paid either.
    let (status, _) = patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{invoice}/mark_as_paid"),
        json!({}),
    )
    .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_paid_invoice_s_credit_goes_to_the_customer_a_refund_pays_it_out() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (invoice, payment) = paid_invoice(&app, &s, "100.00").await;
    let note = credited(
        &app,
        &s.tenant,
        invoice,
        json!({"amount": "40.00", "reason": "Late delivery"}),
    )
    .await;
    assert_eq!(note["customer_credit"], usd(4000));
    assert_eq!(
        invoice_state(&app, &s.tenant, invoice).await,
        ("paid".into(), 0, 4000)
    );
    assert_eq!(credit_balances(&app, &s).await, json!([usd(4000)]));

    // Refunding 40.00 pays the credit out: the invoice stays paid.
    let (status, body) = refund(&app, &s.tenant, payment, refund_body("40.00")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(credit_balances(&app, &s).await, json!([]));
    assert_eq!(
        invoice_state(&app, &s.tenant, invoice).await,
        ("paid".into(), 0, 4000)
    );
    // Refunding more reopens it.
    let (status, body) = refund(&app, &s.tenant, payment, refund_body("10.00")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        invoice_state(&app, &s.tenant, invoice).await,
        ("partial".into(), 1000, 4000)
    );
}

#[tokio::test]
async fn a_later_invoice_consumes_the_credit_and_a_refund_cannot_take_it_back() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (first, payment) = paid_invoice(&app, &s, "100.00").await;
    credited(
        &app,
        &s.tenant,
        first,
        json!({"amount": "30.00", "reason": "Discount"}),
    )
    .await;
    let later = invoice_of(&app, &s, "50.00").await;
    let path = format!("/api/v1/invoices/{later}/apply_credit");
    let apply = |amount: serde_json::Value| action(&app, &s.tenant, &path, amount);
    let (status, err) = apply(json!({"amount": "30.01"})).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        err["errors"]["amount"][0],
        "must be less than or equal to the customer's credit balance (30.00 USD)"
    );
    let (status, body) = apply(json!({"amount": "10.00"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["credit_applied"], usd(1000));
    assert_eq!(body["data"]["balance"], usd(4000));
    assert_eq!(body["data"]["status"], "partial");
    // No amount: all the credit the invoice can take.
    let (status, body) = apply(json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["balance"], usd(2000));
    assert_eq!(credit_balances(&app, &s).await, json!([]));
    let (status, err) = apply(json!({})).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        err["errors"]["amount"][0],
        "the customer has no credit in USD"
    );

    // The credit is spent: a refund of the first invoice's payment would take it back
    // (money would be counted twice), so any refund of it is refused.
    for amount in ["100.00", "0.01"] {
        let (status, err) = refund(&app, &s.tenant, payment, refund_body(amount)).await;
        assert_eq!(status, 422, "{err}");
        assert_eq!(
            err["errors"]["amount"][0],
            "would take back customer credit that other invoices already used"
        );
    }
    assert_eq!(
        invoice_state(&app, &s.tenant, first).await,
        ("paid".into(), 0, 3000)
    );
}

#[tokio::test]
async fn voiding_waits_for_refunds_and_a_credited_invoice_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = invoice_of(&app, &s, "100.00").await;
    let (status, body) = crate::payments::pay(&app, &s.tenant, invoice, "40.00").await;
    assert_eq!(status, 201, "{body}");
    let path = format!("/api/v1/invoices/{invoice}/status");
    let (status, err) = patch(&app, &s.tenant, &path, json!({"status": "void"})).await;
    assert_eq!(status, 422, "{err}");
    assert_eq!(
        err["errors"]["status"][0],
        "cannot be void while it has payments; refund them or credit the invoice first"
    );
    // Crediting the whole invoice: the 40.00 paid goes to the customer's credit.
    let note = credited(&app, &s.tenant, invoice, json!({})).await;
    assert_eq!(note["total"], usd(10000));
    assert_eq!(note["customer_credit"], usd(4000));
    assert_eq!(
        invoice_state(&app, &s.tenant, invoice).await,
        ("paid".into(), 0, 10000)
    );
    assert_eq!(credit_balances(&app, &s).await, json!([usd(4000)]));
    let (status, err) = send(app.authed(
        &s.tenant,
        Method::DELETE,
        &format!("/api/v1/invoices/{invoice}"),
    ))
    .await;
    assert_eq!(status, 422, "{err}");

    let (other, _) = sent_invoice(&app, &s).await;
    credited(
        &app,
        &s.tenant,
        other,
        json!({"amount": "1.00", "reason": "x"}),
    )
    .await;
    let (status, err) = send(app.authed(
        &s.tenant,
        Method::DELETE,
        &format!("/api/v1/invoices/{other}"),
    ))
    .await;
    assert_eq!(status, 422, "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("credit notes"),
        "{err}"
    );
}
