//! `PATCH /api/v1/payments/{id}`.

use reqwest::Method;
use serde_json::json;

use super::{pay, state_of};
use crate::harness::{TestApp, invoice_of, send, setup, usd};

#[tokio::test]
async fn an_update_moves_money_between_invoices_and_resettles_both() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let a = invoice_of(&app, &s, "100").await;
    let b = invoice_of(&app, &s, "50").await;
    let (_, p) = pay(&app, &s.tenant, a, "100").await;
    let path = format!("/api/v1/payments/{}", p["data"]["id"]);
    let balance = |app, id| state_of(app, &s.tenant, id);
    assert_eq!(balance(&app, a).await, ("paid".into(), 0));

    // Lowering the amount reopens; its own amount counts as available.
    let (status, body) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"amount": "60"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["amount"], usd(6000));
    assert_eq!(balance(&app, a).await, ("partial".into(), 4000));
    let (status, _) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"amount": "100"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, err) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"amount": "100.01"})),
    )
    .await;
    assert_eq!(status, 422, "{err}");

    // Moving 100 to an invoice of 50 is refused; moving 50 is fine, and both settle.
    let (status, err) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"invoice_id": b})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["amount"].is_array(), "{err}");
    let (status, body) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"payment": {"invoice_id": b, "amount": "50", "reference": "moved"}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["invoice_id"], b);
    assert_eq!(body["data"]["reference"], "moved");
    assert_eq!(balance(&app, a).await, ("sent".into(), 10000));
    assert_eq!(balance(&app, b).await, ("paid".into(), 0));

    // Unlinking makes it standalone and reopens the invoice; null clears the reference.
    let (status, body) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"invoice_id": null, "reference": null})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["invoice_id"].is_null() && body["data"]["reference"].is_null());
    assert_eq!(balance(&app, b).await, ("sent".into(), 5000));
    // A currency change needs the amount with it.
    let (status, err) = send(
        app.authed(&s.tenant, Method::PATCH, &path)
            .json(&json!({"currency": "EUR"})),
    )
    .await;
    assert_eq!(status, 422);
    assert!(err["errors"]["amount"].is_array(), "{err}");
}
