//! The emails carry the document: send_invoice, send_reminder and a quote's send attach
//! its PDF (`application/pdf`, `INV-0001.pdf`), which pdftotext reads.

use base64::Engine;
use chrono::Duration;
use serde_json::json;

use crate::harness::smtp_sink::Received;
use crate::harness::{
    action, app_with_sink, documented_invoice, documented_quote, flat_text, post, setup,
};

/// The attachment's MIME headers and its decoded bytes.
pub(crate) fn attachment(message: &Received) -> (String, Vec<u8>) {
    let data = &message.data;
    let at = data
        .find("Content-Type: application/pdf")
        .unwrap_or_else(|| panic!("no PDF part in: {data}"));
    // The part starts after its boundary line (its headers in any order).
    let start = data[..at]
        .rfind("\r\n--")
        .expect("a part follows a boundary");
    let start = start + data[start + 2..].find("\r\n").unwrap() + 4;
    let part = &data[start..];
    let (headers, body) = part.split_once("\r\n\r\n").expect("a part has a body");
    let encoded: String = body
        .split("\r\n--")
        .next()
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("the PDF is base64");
    (headers.replace("\r\n ", " ").replace("\r\n\t", " "), bytes)
}

#[tokio::test]
async fn sent_invoices_reminders_and_quotes_carry_their_pdf() {
    let (app, sink) = app_with_sink().await;
    let s = setup(&app, "Flixtechs").await;
    let invoice = post(&app, &s.tenant, "/api/v1/invoices", documented_invoice(&s)).await;
    let id = invoice["id"].as_i64().unwrap();
    let quote = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        documented_quote(s.customer_id),
    )
    .await;
    let quote_id = quote["id"].as_i64().unwrap();
    for path in [
        format!("/api/v1/invoices/{id}/send_invoice"),
        format!("/api/v1/invoices/{id}/send_reminder"),
        format!("/api/v1/quotes/{quote_id}/send"),
    ] {
        let (status, body) = action(&app, &s.tenant, &path, json!({})).await;
        assert_eq!(status, 200, "{path}: {body}");
        app.clock.advance(Duration::seconds(30));
        app.runner().run_due().await.unwrap();
    }
    let messages = sink.messages();
    assert_eq!(messages.len(), 3);
    for (message, number) in messages.iter().zip(["INV-0001", "INV-0001", "QOT-0001"]) {
        assert!(
            message
                .header("Content-Type")
                .unwrap()
                .starts_with("multipart/mixed"),
            "{}",
            message.data
        );
        let (headers, bytes) = attachment(message);
        assert!(
            headers.contains(&format!("filename=\"{number}.pdf\"")),
            "{headers}"
        );
        assert!(headers.contains("attachment"), "{headers}");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = flat_text(&bytes);
        assert!(text.contains(number), "{text}");
        assert!(text.contains("Texas Ins"), "{text}");
    }
}
