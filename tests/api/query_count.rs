//! A list page costs the same number of SQL statements whatever its size, and a show a
//! fixed few: one table over every resource (counted by `harness::query_counter`).

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{
    TestApp, documented_customer, documented_invoice, documented_quote, post, send, setup,
};

/// What a request may cost.
#[derive(Debug, Clone, Copy)]
enum Cost {
    Exactly(usize),
    AtMost(usize),
    /// The same for a small and a large page, and more than none (the counter sees them).
    SameForAnyPage,
}

struct Row {
    /// The list, without its `per_page`.
    list: &'static str,
    /// A small and a large page size (the large one holds every record).
    pages: (usize, usize),
    list_cost: Cost,
    /// One record to show, and what that may cost.
    show: Option<(String, Cost)>,
}

fn assert_cost(cost: Cost, counted: usize, what: &str) {
    match cost {
        Cost::Exactly(n) => assert_eq!(counted, n, "{what}"),
        Cost::AtMost(n) => assert!(counted <= n, "{what} ran {counted} queries"),
        Cost::SameForAnyPage => assert!(counted > 0, "{what}: the counter sees queries"),
    }
}

#[tokio::test]
async fn every_list_page_and_show_costs_a_fixed_number_of_queries() {
    // More requests than one token's budget a minute: the table is about queries.
    let app = TestApp::spawn_with(|c| c.rate_limit_per_minute = 10_000).await;
    let s = setup(&app, "Flixtechs").await;
    let t = &s.tenant;
    let created = |path: &'static str, bodies: Vec<Value>| {
        let app = &app;
        async move {
            let mut last = Value::Null;
            for body in bodies {
                last = post(app, t, path, body).await;
            }
            last["id"].clone()
        }
    };
    let customer = created(
        "/api/v1/customers",
        (0..30)
            .map(|i| {
                let mut body = documented_customer();
                body["customer"]["name"] = json!(format!("C{i}"));
                body
            })
            .collect(),
    )
    .await;
    let mut invoice_body = documented_invoice(&s);
    // For Ransack's notes_cont=a below.
    invoice_body["invoice"]["notes"] = json!("Paid by card");
    invoice_body["invoice"]["items_attributes"] = json!(
        (0..5)
            .map(|i| json!({"name": format!("Item {i}"), "quantity": 1, "unit_price": 10}))
            .collect::<Vec<_>>()
    );
    let invoice = created("/api/v1/invoices", vec![invoice_body; 12]).await;
    let quote = created("/api/v1/quotes", vec![documented_quote(s.customer_id); 12]).await;
    let tax = created(
        "/api/v1/taxes",
        (0..12)
            .map(|i| json!({"name": format!("T{i}"), "rate": i}))
            .collect(),
    )
    .await;
    let product = created(
        "/api/v1/products",
        (0..12)
            .map(|i| json!({"name": format!("P{i}"), "unit_price": i, "sku": format!("P{i}")}))
            .collect(),
    )
    .await;
    created(
        "/api/v1/payment_terms",
        (0..10)
            .map(|i| json!({"name": format!("Net {i}"), "value": i}))
            .collect(),
    )
    .await;
    let (_, terms) = send(app.authed(t, Method::GET, "/api/v1/payment_terms")).await;
    let payment = created(
        "/api/v1/payments",
        vec![json!({"amount": 1, "currency": "USD"}); 12],
    )
    .await;
    // A path made here lives as long as the table needs it.
    let refunds: &'static str = format!("/api/v1/payments/{payment}/refunds").leak();
    let mut refund = Value::Null;
    for _ in 0..12 {
        refund = post(&app, t, refunds, json!({"amount": "0.05"})).await["id"].clone();
    }

    // Twelve credit notes, one on each of twelve sent invoices.
    let mut credit_note = Value::Null;
    for _ in 0..12 {
        let id = post(&app, t, "/api/v1/invoices", documented_invoice(&s)).await["id"]
            .as_i64()
            .unwrap();
        crate::harness::set_invoice_status(&app, t, id, "sent").await;
        let path = format!("/api/v1/invoices/{id}/credit_notes");
        credit_note =
            post(&app, t, &path, json!({"amount": "1", "reason": "x"})).await["id"].clone();
    }

    // The token was verified by the requests above and is cached: what is counted is the
    // resource's own statements.
    let rows = [
        Row {
            list: "/api/v1/customers",
            pages: (2, 31),
            list_cost: Cost::SameForAnyPage,
            // The customer with its address.
            show: Some((format!("/api/v1/customers/{customer}"), Cost::Exactly(1))),
        },
        Row {
            list: "/api/v1/invoices",
            pages: (2, 12),
            // The total (a counter row) with the page's ids, then those invoices with
            // their items, taxes, customers and business.
            list_cost: Cost::Exactly(2),
            // The invoice with everything it embeds, in one query.
            show: Some((format!("/api/v1/invoices/{invoice}"), Cost::Exactly(1))),
        },
        Row {
            list: "/api/v1/invoices?q[total_gt]=10&q[notes_cont]=a&s=total+desc",
            pages: (3, 12),
            // Filtered and sorted by Ransack, a page costs what an unfiltered one does:
            // the total with the page's ids, then those invoices.
            list_cost: Cost::Exactly(2),
            show: None,
        },
        Row {
            list: "/api/v1/quotes",
            pages: (2, 12),
            // As invoices: the total with the page's ids, then those quotes with their
            // items, taxes, customers and business.
            list_cost: Cost::Exactly(2),
            // The quote with everything it embeds, in one query.
            show: Some((format!("/api/v1/quotes/{quote}"), Cost::Exactly(1))),
        },
        Row {
            list: "/api/v1/taxes",
            pages: (2, 13),
            // The count and the page.
            list_cost: Cost::Exactly(2),
            show: Some((format!("/api/v1/taxes/{tax}"), Cost::Exactly(1))),
        },
        Row {
            list: "/api/v1/products",
            pages: (2, 12),
            // The count and the page.
            list_cost: Cost::Exactly(2),
            show: Some((format!("/api/v1/products/{product}"), Cost::Exactly(1))),
        },
        Row {
            list: "/api/v1/payment_terms",
            pages: (2, 14),
            // The count and the page.
            list_cost: Cost::Exactly(2),
            show: Some((
                format!("/api/v1/payment_terms/{}", terms["data"][0]["id"]),
                Cost::Exactly(1),
            )),
        },
        Row {
            list: "/api/v1/payments",
            pages: (2, 12),
            list_cost: Cost::SameForAnyPage,
            show: Some((format!("/api/v1/payments/{payment}"), Cost::AtMost(2))),
        },
        Row {
            list: "/api/v1/credit_notes",
            pages: (2, 12),
            // As invoices: the total with the page's ids, then those credit notes with
            // their lines, taxes, invoice, customer and business.
            list_cost: Cost::Exactly(2),
            show: Some((
                format!("/api/v1/credit_notes/{credit_note}"),
                Cost::Exactly(1),
            )),
        },
        Row {
            list: refunds,
            pages: (2, 12),
            // The payment (each refund shows it), the count and the page.
            list_cost: Cost::Exactly(3),
            // The refund, then its payment.
            show: Some((format!("{refunds}/{refund}"), Cost::Exactly(2))),
        },
    ];
    for row in rows {
        let (small_page, large_page) = row.pages;
        let per_page = if row.list.contains('?') { '&' } else { '?' };
        let (small, small_count) = app
            .counting_queries(app.authed(
                t,
                Method::GET,
                &format!("{}{per_page}per_page={small_page}", row.list),
            ))
            .await;
        let (large, large_count) = app
            .counting_queries(app.authed(
                t,
                Method::GET,
                &format!("{}{per_page}per_page={large_page}", row.list),
            ))
            .await;
        assert_eq!(
            (small.status().as_u16(), large.status().as_u16()),
            (200, 200),
            "{}",
            row.list
        );
        assert_eq!(
            small_count, large_count,
            "{}: a list costs the same whatever the page size",
            row.list
        );
        assert_cost(row.list_cost, small_count, row.list);
        if let Some((show, cost)) = row.show {
            let (shown, show_count) = app
                .counting_queries(app.authed(t, Method::GET, &show))
                .await;
            assert_eq!(shown.status(), 200, "{show}");
            assert_cost(cost, show_count, &show);
        }
    }

    // An invoice's e-invoice: its one-query read and the profile, whether it answers the
    // XML or the 422 of what it lacks.
    let xml = format!("/api/v1/invoices/{invoice}.xml");
    let (answered, count) = app.counting_queries(app.authed(t, Method::GET, &xml)).await;
    assert!([200, 422].contains(&answered.status().as_u16()), "{xml}");
    assert_cost(Cost::Exactly(2), count, &xml);
    // A credit note's likewise.
    let xml = format!("/api/v1/credit_notes/{}.xml", credit_note.as_i64().unwrap());
    let (answered, count) = app.counting_queries(app.authed(t, Method::GET, &xml)).await;
    assert!([200, 422].contains(&answered.status().as_u16()), "{xml}");
    assert_cost(Cost::Exactly(2), count, &xml);

    // The business profile, a singleton: the business with its address and logo.
    for (path, cost) in [("/api/v1/business", Cost::Exactly(1))] {
        let (shown, count) = app.counting_queries(app.authed(t, Method::GET, path)).await;
        assert_eq!(shown.status(), 200, "{path}");
        assert_cost(cost, count, path);
    }
}
