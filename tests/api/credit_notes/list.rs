//! `GET /api/v1/credit_notes`: the business's credit notes, oldest first, with filters
//! (status, invoice, customer, dates, a search, Ransack) and sorts.

use serde_json::json;

use super::{credited, sent_invoice};
use crate::harness::{TestApp, get, send, setup};

fn numbers(page: &serde_json::Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["number"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn credit_notes_list_filter_and_sort() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let (first, items) = sent_invoice(&app, &s).await;
    let (second, _) = sent_invoice(&app, &s).await;
    let one =
        json!({"items": [{"invoice_item_id": items[0], "quantity": 1}], "reason": "Returned"});
    credited(&app, &s.tenant, first, one).await;
    credited(
        &app,
        &s.tenant,
        second,
        json!({"amount": "5.00", "reason": "Goodwill"}),
    )
    .await;
    credited(
        &app,
        &s.tenant,
        first,
        json!({"amount": "1.00", "reason": "Rounding"}),
    )
    .await;

    let all = get(&app, &s.tenant, "/api/v1/credit_notes").await;
    assert_eq!(numbers(&all), ["CN-0001", "CN-0002", "CN-0003"]);
    assert_eq!(all["meta"]["pagination"]["total_count"], 3);
    let path = format!("/api/v1/credit_notes?invoice_id={first}&sort=number");
    assert_eq!(
        numbers(&get(&app, &s.tenant, &path).await),
        ["CN-0001", "CN-0003"]
    );
    let searched = get(&app, &s.tenant, "/api/v1/credit_notes?q=goodwill").await;
    assert_eq!(numbers(&searched), ["CN-0002"]);
    let by_total = get(&app, &s.tenant, "/api/v1/credit_notes?sort=-total").await;
    assert_eq!(numbers(&by_total), ["CN-0001", "CN-0002", "CN-0003"]);
    let ransack = get(&app, &s.tenant, "/api/v1/credit_notes?q[total_gteq]=5").await;
    assert_eq!(numbers(&ransack), ["CN-0001", "CN-0002"]);
    let status = get(&app, &s.tenant, "/api/v1/credit_notes?status=sent").await;
    assert_eq!(numbers(&status), Vec::<String>::new());
    let customer = format!(
        "/api/v1/credit_notes?customer_id={}&per_page=1",
        s.customer_id
    );
    let page = get(&app, &s.tenant, &customer).await;
    assert_eq!(numbers(&page), ["CN-0001"]);

    let (code, err) = send(app.authed(
        &s.tenant,
        reqwest::Method::GET,
        "/api/v1/credit_notes?status=refunded",
    ))
    .await;
    assert_eq!(code, 422, "{err}");
    let other = setup(&app, "Other").await;
    let theirs = get(&app, &other.tenant, "/api/v1/credit_notes").await;
    assert_eq!(numbers(&theirs), Vec::<String>::new());
}
