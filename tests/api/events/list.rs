//! `GET /api/v1/events`.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::harness::{TestApp, assert_error, get, post, standalone_payment};

#[tokio::test]
async fn the_event_log_filters_by_type_and_time_newest_first() {
    let app = TestApp::spawn().await;
    let mut tenant = app.tenant("Flixtechs").await;
    post(&app, &tenant, "/api/v1/customers", json!({"name": "One"})).await;
    app.clock.advance(Duration::days(1));
    app.reissue(&mut tenant).await;
    let first = standalone_payment(&app, &tenant, "1.00").await;
    let second = standalone_payment(&app, &tenant, "2.00").await;
    let all = get(&app, &tenant, "/api/v1/events").await;
    let types: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        vec!["payment.received", "payment.received", "customer.created"]
    );
    // Same instant: the later one first, by insertion order.
    assert_eq!(all["data"][0]["data"], second);
    assert_eq!(all["data"][1]["data"], first);
    let oldest_first = get(&app, &tenant, "/api/v1/events?sort=created_at").await;
    assert_eq!(oldest_first["data"][0]["type"], "customer.created");
    assert_eq!(oldest_first["data"][2]["data"], second);

    let payments = get(&app, &tenant, "/api/v1/events?type=payment.received").await;
    assert_eq!(payments["meta"]["pagination"]["total_count"], 2);
    let day = (app.clock.now() - Duration::days(1)).date_naive();
    let on_day = get(
        &app,
        &tenant,
        &format!("/api/v1/events?created_from={day}&created_to={day}"),
    )
    .await;
    assert_eq!(on_day["meta"]["pagination"]["total_count"], 1);
    assert_eq!(on_day["data"][0]["type"], "customer.created");
    let paged = get(&app, &tenant, "/api/v1/events?per_page=1&page=2").await;
    assert_eq!(paged["data"][0]["data"], first);

    for bad in [
        "type=invoice.exploded",
        "created_from=yesterday",
        "per_page=0",
        "sort=type",
    ] {
        let response = app
            .authed(&tenant, Method::GET, &format!("/api/v1/events?{bad}"))
            .send()
            .await
            .unwrap();
        assert_error(response, 422).await;
    }
}
