//! The send_invoice and send_reminder pages' forms: `recipient`, `copy` (comma-separated),
//! `subject` and `content` (HTML with Liquid tags), through the job queue to the test's
//! SMTP sink; the pages' answer `{"message", "invoice_id", "sent_at"}` beside `data`.

use chrono::Duration;
use reqwest::Method;
use serde_json::json;

use crate::harness::{action, app_with_sink, documented_invoice, post, send, setup};

/// The page's content, a little longer: every variable it names, and the button.
const CONTENT: &str = "<div>Hi {{ invoice.customer.name }},</div>
<div>Invoice #{{ invoice.number }} for {{ invoice.balance }} is due on {{ invoice.due_at }}.</div>
{%- button url: invoice.pay_url -%}Pay Now{%- endbutton -%}
<div><a href=\"{{ invoice.url }}\">View invoice</a></div>
<div>{{ business.name }}</div>";

#[tokio::test]
async fn send_invoice_form_renders_the_liquid_content_into_the_email() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    // A name that must be escaped in HTML.
    let (status, _) = send(
        app.authed(
            &s.tenant,
            Method::PATCH,
            &format!("/api/v1/customers/{}", s.customer_id),
        )
        .json(&json!({"customer": {"name": "Texas & Sons <Ltd>"}})),
    )
    .await;
    assert_eq!(status, 200);
    let id = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await["id"]
        .as_i64()
        .unwrap();
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({"send_invoice_form": {"recipient": "procurement@texas.com",
               "copy": "a@x.com, b@y.com", "subject": "Invoice #INV-0001 from Flixtechs",
               "content": CONTENT}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"], "Invoice sent to procurement@texas.com");
    assert_eq!(body["invoice_id"], id);
    assert_eq!(body["sent_at"], "2025-10-21T03:39:57.825Z");
    assert_eq!(body["data"]["id"], id);
    assert_eq!(body["data"]["status"], "sent");

    app.clock.advance(Duration::seconds(30));
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(
        message.to,
        ["procurement@texas.com", "a@x.com", "b@y.com"],
        "the copies are recipients too"
    );
    assert_eq!(message.header("Cc").as_deref(), Some("a@x.com, b@y.com"));
    assert_eq!(
        message.header("Subject").as_deref(),
        Some("Invoice #INV-0001 from Flixtechs")
    );
    let mail = message.text();
    assert!(
        mail.contains("Invoice #INV-0001 for USD 437.00 is due on 2025-10-12."),
        "{mail}"
    );
    assert!(
        mail.contains("Hi Texas &amp; Sons &lt;Ltd&gt;,"),
        "escaped in HTML: {mail}"
    );
    assert!(
        mail.contains("Hi Texas & Sons <Ltd>,"),
        "plain in the text part: {mail}"
    );
    // pay_url is the customer's page.
    let url = body["data"]["public_url"].as_str().unwrap();
    assert!(url.starts_with("http://localhost:3000/p/"), "{url}");
    assert!(
        mail.contains(&format!("<a href=\"{url}\" target=\"_blank\"")),
        "the button links to pay_url: {mail}"
    );
    assert!(mail.contains(">Pay Now</a></td></tr></table>"), "{mail}");
    assert!(mail.contains("Flixtechs</div>"), "{mail}");
    assert!(
        !mail.contains("Items Consulting"),
        "the content replaces the standard body"
    );
}

#[tokio::test]
async fn the_pages_default_subjects_and_the_reminder_form() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let id = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await["id"]
        .as_i64()
        .unwrap();
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({"send_invoice_form": {"content": "<p>{{ invoice.number }}</p>"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"], "Invoice sent to procurement@texas.com");
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_reminder"),
        json!({"send_reminder_form": {"recipient": "ap@texas.com,ceo@texas.com",
               "content": "<p>{{ invoice.balance }} is still open</p>"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["message"],
        "Reminder sent to ap@texas.com, ceo@texas.com"
    );
    assert_eq!(body["invoice_id"], id);
    app.runner().run_due().await.unwrap();
    let messages = sink.messages();
    assert_eq!(messages.len(), 2);
    let subjects: Vec<Option<String>> = messages.iter().map(|m| m.header("Subject")).collect();
    assert!(
        subjects.contains(&Some("Invoice #INV-0001 from Flixtechs".into())),
        "{subjects:?}"
    );
    assert!(
        subjects.contains(&Some("Payment Reminder for Invoice #INV-0001".into())),
        "{subjects:?}"
    );
    let reminder = messages.iter().find(|m| m.to.len() == 2).unwrap();
    assert!(reminder.text().contains("USD 437.00 is still open"));

    // Today's body still works, and answers the pages' fields beside `data`.
    let (status, body) = action(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}/send_invoice"),
        json!({"to": "x@texas.com"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message"], "Invoice sent to x@texas.com");
    assert_eq!(body["data"]["number"], "INV-0001");
}

#[tokio::test]
async fn a_template_error_is_a_422_naming_content_and_its_line_and_sends_nothing() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let id = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/invoices/{id}/send_invoice");
    for (content, line) in [
        (
            "<div>Hi</div>\n<div>{% if invoice.number %}unclosed</div>\n",
            "line 2",
        ),
        ("<div>Hi</div>\n\n<div>{{ invoice.nmber }}</div>", "line 3"),
        ("{{ invoice.number | shout }}", "line 1"),
        ("<div>\n{% include 'secrets' %}</div>", "line 2"),
        (
            "{% button url: 'javascript:alert(1)' %}x{% endbutton %}",
            "line 1",
        ),
    ] {
        let (status, body) = action(
            &app,
            &s.tenant,
            &path,
            json!({"send_invoice_form": {"content": content}}),
        )
        .await;
        assert_eq!(status, 422, "{content}: {body}");
        let error = body["errors"]["content"][0].as_str().unwrap_or_default();
        assert!(error.contains(line), "{content}: {body}");
    }
    // Nesting deep enough to overflow the parser's stack is refused first.
    let (status, body) = action(
        &app,
        &s.tenant,
        &path,
        json!({"send_invoice_form": {"content": "{% if a %}".repeat(4000)}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["errors"]["content"][0]
            .as_str()
            .unwrap()
            .contains("nest more than 20")
    );
    let (status, body) = action(
        &app,
        &s.tenant,
        &path,
        json!({"send_invoice_form": {"content": "x".repeat(50_001)}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["content"].is_array());
    let (status, body) = action(
        &app,
        &s.tenant,
        &path,
        json!({"send_invoice_form": {"recipient": "not an address"}}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"]["recipient"].is_array(), "{body}");

    // Nothing was sent and the invoice is still a draft.
    app.runner().run_due().await.unwrap();
    assert!(sink.messages().is_empty());
    let (_, shown) =
        send(app.authed(&s.tenant, Method::GET, &format!("/api/v1/invoices/{id}"))).await;
    assert_eq!(shown["data"]["status"], "draft");
}
