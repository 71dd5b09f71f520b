//! Requests written from Koteshen's own endpoint pages, sent as the pages show them, as
//! JSON and as Rails-style forms (`application/x-www-form-urlencoded`): customers
//! without a `name`, `address_attributes`, the action answers and delete rules.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{
    Tenant, TestApp, app_with_sink, assert_error, documented_invoice, post, send, setup,
};

/// The customers page's create example, as JSON.
fn texas_instruments() -> Value {
    json!({"customer": {
        "company": "Texas Instruments",
        "email": "procurement@texas.com",
        "customer_type": "business",
        "phone": "+27675711214",
        "phone_country": "za",
        "currency": "ZAR",
        "website": "https://texas.com",
        "notes": "notesy",
        "address_attributes": {"line": "1 Mahem Pl", "line2": "Unit 23", "post_code": "5256",
                               "city": "East London", "country": "South Africa"}
    }})
}

/// The same fields as the page's table names them, form-encoded.
const TEXAS_FORM: &str = "customer[company]=Texas+Instruments&customer[email]=procurement%40texas.com\
    &customer[customer_type]=business&customer[phone]=%2B27675711214&customer[phone_country]=za\
    &customer[currency]=ZAR&customer[website]=https%3A%2F%2Ftexas.com&customer[notes]=notesy\
    &customer[address_attributes][line]=1+Mahem+Pl&customer[address_attributes][line2]=Unit+23\
    &customer[address_attributes][post_code]=5256&customer[address_attributes][city]=East+London\
    &customer[address_attributes][country]=South+Africa";

fn form(
    app: &TestApp,
    tenant: &Tenant,
    method: Method,
    path: &str,
    body: &str,
) -> reqwest::RequestBuilder {
    app.authed(tenant, method, path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
}

fn assert_texas(customer: &Value) {
    assert_eq!(customer["name"], "Texas Instruments", "{customer}");
    assert_eq!(customer["company"], "Texas Instruments");
    assert_eq!(customer["customer_type"], "business");
    assert_eq!(customer["phone"], "+27675711214");
    assert_eq!(customer["phone_country"], "za");
    assert_eq!(customer["currency"], "ZAR");
    assert_eq!(customer["website"], "https://texas.com");
    let address = &customer["address"];
    assert_eq!(address["line"], "1 Mahem Pl");
    assert_eq!(address["line2"], "Unit 23");
    assert_eq!(address["post_code"], "5256");
    assert_eq!(address["city"], "East London");
    assert_eq!(address["country"], "South Africa");
}

#[tokio::test]
async fn the_customers_page_creates_without_a_name_as_json_and_as_a_form() {
    let app = TestApp::spawn().await;
    let tenant = app.tenant("Acme").await;
    let json_made = post(&app, &tenant, "/api/v1/customers", texas_instruments()).await;
    assert_texas(&json_made);

    let (status, form_made) = send(form(
        &app,
        &tenant,
        Method::POST,
        "/api/v1/customers",
        TEXAS_FORM,
    ))
    .await;
    assert_eq!(status, 201, "{form_made}");
    assert_texas(&form_made["data"]);

    // An individual keeps its own name beside its company.
    let randall = post(
        &app,
        &tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Randall Rodrigo", "company": "Softbank",
                            "email": "randall@softbank.com", "customer_type": "individual"}}),
    )
    .await;
    assert_eq!(randall["name"], "Randall Rodrigo");
    assert_eq!(randall["company"], "Softbank");

    // Update: partial, the address changed in place (its id stays), as a form too.
    let path = format!("/api/v1/customers/{}", json_made["id"]);
    let (status, updated) = send(form(
        &app,
        &tenant,
        Method::PATCH,
        &path,
        "customer[address_attributes][city]=Cape+Town&customer[notes]=moved",
    ))
    .await;
    assert_eq!(status, 200, "{updated}");
    let updated = &updated["data"];
    assert_eq!(updated["address"]["city"], "Cape Town");
    assert_eq!(updated["address"]["line"], "1 Mahem Pl");
    assert_eq!(updated["address"]["id"], json_made["address"]["id"]);
    assert_eq!(updated["name"], "Texas Instruments");
    assert_eq!(updated["notes"], "moved");

    // The same validation either way: neither name nor company; a bad email.
    for body in [
        json!({"customer": {"email": "a@b.com", "customer_type": "business"}}),
        json!({"customer": {"company": "X", "email": "nope"}}),
    ] {
        let (status, _) = send(
            app.authed(&tenant, Method::POST, "/api/v1/customers")
                .json(&body),
        )
        .await;
        assert_eq!(status, 422, "{body}");
    }
    let response = form(
        &app,
        &tenant,
        Method::POST,
        "/api/v1/customers",
        "customer[email]=a%40b.com&customer[customer_type]=business",
    )
    .send()
    .await
    .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(body["errors"]["name"], json!(["can't be blank"]), "{body}");
    let response = form(
        &app,
        &tenant,
        Method::POST,
        "/api/v1/customers",
        "customer[company]=X&customer[email]=nope",
    )
    .send()
    .await
    .unwrap();
    assert_error(response, 422).await;
    // `address` and `address_attributes` together are ambiguous.
    let mut both = texas_instruments();
    both["customer"]["address"] = json!({"city": "Durban"});
    let (status, body) = send(
        app.authed(&tenant, Method::POST, "/api/v1/customers")
            .json(&both),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    // A malformed form is a 400, as malformed JSON is.
    let response = form(
        &app,
        &tenant,
        Method::POST,
        "/api/v1/customers",
        "customer=1&customer[a]=2",
    )
    .send()
    .await
    .unwrap();
    assert_error(response, 400).await;
}

#[tokio::test]
async fn an_invoice_is_created_from_a_rails_form_with_items_attributes() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let json_made = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let body = format!(
        "invoice[issued_at]=2025-10-12T00%3A00%3A00.000Z&invoice[payment_term_id]={}\
         &invoice[currency]=USD&invoice[customer_id]={}\
         &invoice[items_attributes][][name]=Items+Consulting\
         &invoice[items_attributes][][quantity]=1&invoice[items_attributes][][unit_price]=400.0\
         &invoice[discount_type]=percent&invoice[discount_value]=5\
         &invoice[invoice_taxes_attributes][][tax_id]={}&invoice[notes]=",
        s.due_on_receipt_id, s.customer_id, s.vat_id
    );
    let (status, made) = send(form(
        &app,
        &s.tenant,
        Method::POST,
        "/api/v1/invoices",
        &body,
    ))
    .await;
    assert_eq!(status, 201, "{made}");
    let made = &made["data"];
    // The same invoice as the JSON request made, but for its number and id.
    for field in [
        "subtotal",
        "discount",
        "tax_total",
        "total",
        "balance",
        "currency",
        "status",
    ] {
        assert_eq!(made[field], json_made[field], "{field}");
    }
    assert_eq!(
        made["total"],
        json!({"cents": 43700, "currency_iso": "USD"})
    );
    assert_eq!(made["items"][0]["name"], "Items Consulting");

    // Two items, the second with its own fields, as a Rails form sends them.
    let two = format!(
        "invoice[currency]=USD&invoice[customer_id]={}\
         &invoice[items_attributes][][name]=A&invoice[items_attributes][][unit_price]=10\
         &invoice[items_attributes][][quantity]=2\
         &invoice[items_attributes][][name]=B&invoice[items_attributes][][unit_price]=1.5\
         &invoice[items_attributes][][quantity]=3",
        s.customer_id
    );
    let (status, made) = send(form(
        &app,
        &s.tenant,
        Method::POST,
        "/api/v1/invoices",
        &two,
    ))
    .await;
    assert_eq!(status, 201, "{made}");
    let items = made["data"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0]["name"].clone(), items[1]["name"].clone()),
        (json!("A"), json!("B"))
    );
    // The same validation as JSON: a bad quantity is named on its item.
    let bad = format!(
        "invoice[currency]=USD&invoice[customer_id]={}\
         &invoice[items_attributes][][name]=A&invoice[items_attributes][][quantity]=lots",
        s.customer_id
    );
    let response = form(&app, &s.tenant, Method::POST, "/api/v1/invoices", &bad)
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    let fields: Vec<&String> = body["errors"].as_object().unwrap().keys().collect();
    assert!(
        fields
            .iter()
            .any(|f| f.contains("items_attributes[0]") && f.contains("quantity")),
        "{body}"
    );
    // A payment and a status change, form-encoded.
    let id = json_made["id"].as_i64().unwrap();
    let (status, body) = send(form(
        &app,
        &s.tenant,
        Method::PATCH,
        &format!("/api/v1/invoices/{id}/status"),
        "invoice[status]=sent",
    ))
    .await;
    assert_eq!(
        (status, body["data"]["status"].clone()),
        (200, json!("sent"))
    );
    let (status, body) = send(form(
        &app,
        &s.tenant,
        Method::POST,
        &format!("/api/v1/invoices/{id}/payments"),
        "payment[amount]=340&payment[reference]=Payment+343&payment[paid_at]=2025-10-13T00%3A00%3A00.000Z",
    ))
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        body["data"]["amount"],
        json!({"cents": 34000, "currency_iso": "USD"})
    );
    // Any other body type is still refused.
    let response = app
        .authed(&s.tenant, Method::POST, "/api/v1/invoices")
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x--")
        .send()
        .await
        .unwrap();
    assert_error(response, 415).await;
}

#[tokio::test]
async fn mark_as_paid_duplicate_and_recurring_answer_as_the_pages_say() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let inv = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = inv["id"].as_i64().unwrap();
    let action = |name: &str| format!("/api/v1/invoices/{id}/{name}");

    // mark_as_paid: no body; paid with paid_at; then 422 with the page's message.
    let (status, paid) = send(app.authed(&s.tenant, Method::PATCH, &action("mark_as_paid"))).await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["data"]["status"], "paid");
    assert!(paid["data"]["paid_at"].is_string());
    let response = app
        .authed(&s.tenant, Method::PATCH, &action("mark_as_paid"))
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(body["message"], "Invoice already paid or balance is zero");

    // A zero balance from the start: nothing to mark.
    let mut zero = documented_invoice(&s);
    zero["invoice"]["items_attributes"] =
        json!([{"name": "Free", "quantity": 1, "unit_price": "0"}]);
    let zero = post(&app, &s.tenant, "/api/v1/invoices", zero).await;
    let response = app
        .authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/invoices/{}/mark_as_paid", zero["id"]),
        )
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(body["message"], "Invoice already paid or balance is zero");

    // duplicate: no body, 201 with the new draft and its Location.
    let response = app
        .authed(&s.tenant, Method::PATCH, &action("duplicate"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let copy = crate::harness::json(response).await;
    assert_eq!(copy["data"]["status"], "draft");
    assert_eq!(location, copy["data"]["url"].as_str().unwrap());

    // recurring: 201.
    let (status, body) = send(
        app.authed(&s.tenant, Method::PATCH, &action("recurring"))
            .json(&json!({"invoices_subscription": {"frequency": "monthly"}})),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // per_page: 25 by default on invoices and quotes, 20 elsewhere, 100 at most.
    let (_, list) = send(app.authed(&s.tenant, Method::GET, "/api/v1/invoices")).await;
    assert_eq!(
        list["meta"]["pagination"]["per_page"], 25,
        "{}",
        list["meta"]
    );
    let (_, list) = send(app.authed(&s.tenant, Method::GET, "/api/v1/quotes")).await;
    assert_eq!(list["meta"]["pagination"]["per_page"], 25);
    let (_, list) = send(app.authed(&s.tenant, Method::GET, "/api/v1/customers")).await;
    assert_eq!(list["meta"]["pagination"]["per_page"], 20);
    for path in [
        "/api/v1/invoices?per_page=101",
        "/api/v1/quotes?per_page=101",
    ] {
        assert_error(
            app.authed(&s.tenant, Method::GET, path)
                .send()
                .await
                .unwrap(),
            422,
        )
        .await;
    }
}

#[tokio::test]
async fn only_a_draft_quote_can_be_deleted_and_its_deletion_is_an_event() {
    let app = TestApp::spawn().await;
    let s = setup(&app, "Flixtechs").await;
    let body = json!({"quote": {"customer_id": s.customer_id, "currency": "USD",
        "issued_at": "2025-10-12T10:00:00Z", "expires_at": "2025-10-28T10:00:00Z",
        "items_attributes": [{"name": "Design", "quantity": 1, "unit_price": "100"}]}});
    let draft = post(&app, &s.tenant, "/api/v1/quotes", body.clone()).await;
    let sent = post(&app, &s.tenant, "/api/v1/quotes", body).await;
    let (status, _) = send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/quotes/{}/status", sent["id"]),
        )
        .json(&json!({"status": "sent"})),
    )
    .await;
    assert_eq!(status, 200);

    let response = app
        .authed(
            &s.tenant,
            Method::DELETE,
            &format!("/api/v1/quotes/{}", sent["id"]),
        )
        .send()
        .await
        .unwrap();
    let body = assert_error(response, 422).await;
    assert_eq!(body["error"], "Unprocessable Entity");
    assert_eq!(body["message"], "Cannot delete a sent or accepted quote");

    let response = app
        .authed(
            &s.tenant,
            Method::DELETE,
            &format!("/api/v1/quotes/{}", draft["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (_, events) =
        send(app.authed(&s.tenant, Method::GET, "/api/v1/events?type=quote.deleted")).await;
    let events = events["data"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["data"]["id"], draft["id"]);
    assert!(events[0]["data"]["discarded_at"].is_string());
    // Gone: a second delete is a 404.
    let response = app
        .authed(
            &s.tenant,
            Method::DELETE,
            &format!("/api/v1/quotes/{}", draft["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_error(response, 404).await;
}

#[tokio::test]
async fn the_openapi_document_shows_forms_and_ransack_sorting() {
    let app = TestApp::spawn().await;
    let spec = crate::harness::json(app.get("/api/v1/openapi.json").await).await;
    for (path, method) in [
        ("/api/v1/customers", "post"),
        ("/api/v1/customers/{id}", "patch"),
        ("/api/v1/invoices", "post"),
        ("/api/v1/invoices/{id}/payments", "post"),
    ] {
        let content = &spec["paths"][path][method]["requestBody"]["content"];
        assert_eq!(
            content["application/x-www-form-urlencoded"]["schema"],
            content["application/json"]["schema"],
            "{method} {path}"
        );
    }
    let params = spec["paths"]["/api/v1/invoices"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(params.iter().any(|p| p["name"] == "s"));
    let q = params.iter().find(|p| p["name"] == "q").unwrap();
    assert!(
        q["description"]
            .as_str()
            .unwrap()
            .contains("q[<attribute>_<predicate>]")
    );
}

#[tokio::test]
async fn an_invoice_is_sent_from_a_form_body() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let (status, body) = send(form(
        &app,
        &s.tenant,
        Method::POST,
        &format!("/api/v1/invoices/{}/send_invoice", invoice["id"]),
        "to[]=procurement%40texas.com&to[]=ap%40texas.com&subject=Invoice+from+a+form",
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].header("subject").as_deref(),
        Some("Invoice from a form")
    );
    assert!(
        messages[0].to.iter().any(|r| r.contains("ap@texas.com")),
        "{:?}",
        messages[0].to
    );
}
