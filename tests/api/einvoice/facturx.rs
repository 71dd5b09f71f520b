//! Factur-X / ZUGFeRD PDFs: the PDF of an invoice or credit note that can be an
//! e-invoice carries its CII as `factur-x.xml`. Read back by the `factur-x` package (it
//! finds the XML, names its level, checks the XSD), by pypdf (the associated file and
//! the XMP) and checked by `qpdf --check`; the XML it carries is the API's CII, byte for
//! byte, and passes the EN 16931 rules.

use std::path::Path;
use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};

use super::{invoice, seller, tax, validate};
use crate::harness::pdf::get_pdf;
use crate::harness::{Tenant, TestApp, post, set_invoice_status};

/// What `facturx_check.py` found in a PDF.
fn check(name: &str, pdf: &[u8]) -> (Value, Option<Vec<u8>>) {
    let dir = std::env::temp_dir().join(format!("koteshen-facturx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let unique = uuid::Uuid::new_v4().simple();
    let pdf_file = dir.join(format!("{name}-{unique}.pdf"));
    let xml_file = dir.join(format!("{name}-{unique}.xml"));
    std::fs::write(&pdf_file, pdf).unwrap();

    let qpdf = Command::new("qpdf")
        .arg("--check")
        .arg(&pdf_file)
        .output()
        .expect("qpdf must be installed (.ci/run installs it)");
    let report = String::from_utf8_lossy(&qpdf.stdout).into_owned();
    assert!(
        qpdf.status.success() && report.contains("No syntax or stream encoding errors"),
        "{name}: qpdf --check: {report}{}",
        String::from_utf8_lossy(&qpdf.stderr)
    );

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/einvoice/facturx_check.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(&pdf_file)
        .arg(&xml_file)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{name}: facturx_check.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found: Value = serde_json::from_slice(&output.stdout).unwrap();
    let xml = std::fs::read(&xml_file).ok();
    let _ = std::fs::remove_file(&pdf_file);
    let _ = std::fs::remove_file(&xml_file);
    (found, xml)
}

/// The document's PDF (`/{resource}/{id}.pdf`) is a Factur-X one carrying `cii`, every
/// check passing; the XML it carries passes the EN 16931 rules.
pub async fn assert_facturx(
    app: &TestApp,
    tenant: &Tenant,
    resource: &str,
    id: i64,
    cii: &[u8],
    name: &str,
) {
    let pdf = get_pdf(app, tenant, &format!("/api/v1/{resource}/{id}.pdf")).await;
    crate::harness::pdf::keep(&format!("facturx-{name}.pdf"), &pdf);
    let (found, xml) = check(name, &pdf);
    assert_eq!(found["file_name"], "factur-x.xml", "{name}: {found}");
    assert_eq!(found["flavor"], "factur-x", "{name}: {found}");
    assert_eq!(found["level"], "en16931", "{name}: {found}");
    assert_eq!(found["xsd"], true, "{name}: {found}");
    assert_eq!(
        found["associated_files"],
        json!([{"name": "factur-x.xml", "relationship": "/Alternative", "subtype": "/text/xml"}]),
        "{name}: {found}"
    );
    let xmp = &found["xmp"];
    assert_eq!(
        [&xmp["part"], &xmp["conformance"], &xmp["document_type"]],
        ["3", "B", "INVOICE"],
        "{name}: {found}"
    );
    assert_eq!(xmp["document_file_name"], "factur-x.xml", "{name}: {found}");
    assert_eq!(xmp["version"], "1.0", "{name}: {found}");
    assert_eq!(xmp["conformance_level"], "EN 16931", "{name}: {found}");
    assert_eq!(xmp["extension_schema_lists"], 1, "{name}: {found}");
    let namespaces = xmp["extension_namespaces"].as_array().unwrap();
    assert!(
        namespaces.contains(&json!(
            "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
        )),
        "{name}: {found}"
    );
    let xml = xml.expect("the XML was extracted");
    assert_eq!(
        String::from_utf8_lossy(&xml),
        String::from_utf8_lossy(cii),
        "{name}: the PDF carries the API's CII"
    );
    validate("cii", &format!("{name}_facturx"), &xml);
}

/// The document's PDF carries no e-invoice: plain PDF/A-3b, no attachment, no `fx:`.
async fn assert_plain(app: &TestApp, tenant: &Tenant, path: &str, name: &str) -> Vec<u8> {
    let pdf = get_pdf(app, tenant, path).await;
    let (found, xml) = check(name, &pdf);
    assert!(xml.is_none(), "{name}: {found}");
    assert_eq!(found["associated_files"], json!([]), "{name}: {found}");
    assert_eq!(found["attachments"], json!([]), "{name}: {found}");
    assert_eq!(found["xmp"]["part"], "3", "{name}: {found}");
    assert_eq!(
        found["xmp"]["conformance_level"],
        Value::Null,
        "{name}: {found}"
    );
    pdf
}

fn etag(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn the_pdf_is_factur_x_while_ready_and_plain_when_not_or_void() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let vat = tax(&app, &s.tenant, json!({"name": "USt", "rate": "19"})).await;
    let inv = invoice(
        &app,
        &s,
        json!({"items_attributes": [{"name": "Consulting", "quantity": "2",
                                     "unit_price": "95.50", "tax_ids": [vat]}]}),
    )
    .await;
    let id = inv["id"].as_i64().unwrap();
    assert_eq!(inv["status"], "draft");
    // A draft's PDF is what a business mails itself: it is Factur-X already.
    let cii = super::xml(&app, &s.tenant, id, "cii").await;
    assert_facturx(&app, &s.tenant, "invoices", id, &cii, "draft").await;
    let path = format!("/api/v1/invoices/{id}.pdf");
    let first = app
        .authed(&s.tenant, Method::GET, &path)
        .send()
        .await
        .unwrap();
    let facturx_etag = etag(&first);

    // A customer without a country: not ready, so a plain PDF (a new version).
    let bare = post(
        &app,
        &s.tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "No Country Ltd"}}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let (status, body) = crate::harness::patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}"),
        json!({"invoice": {"customer_id": bare}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(body["einvoice_ready"], true, "{body}");
    assert_plain(&app, &s.tenant, &path, "not_ready").await;
    let plain = app
        .authed(&s.tenant, Method::GET, &path)
        .send()
        .await
        .unwrap();
    assert_ne!(etag(&plain), facturx_etag);

    // Ready again, then void: a voided invoice's PDF carries nothing a buyer's system
    // would book.
    let (status, body) = crate::harness::patch(
        &app,
        &s.tenant,
        &format!("/api/v1/invoices/{id}"),
        json!({"invoice": {"customer_id": s.customer_id}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    set_invoice_status(&app, &s.tenant, id, "sent").await;
    let cii = super::xml(&app, &s.tenant, id, "cii").await;
    assert_facturx(&app, &s.tenant, "invoices", id, &cii, "sent").await;
    set_invoice_status(&app, &s.tenant, id, "void").await;
    assert_plain(&app, &s.tenant, &path, "void").await;
}

#[tokio::test]
async fn a_quote_pdf_carries_no_e_invoice() {
    let app = TestApp::spawn().await;
    let s = seller(&app, "Flixtechs").await;
    let quote = post(
        &app,
        &s.tenant,
        "/api/v1/quotes",
        json!({"quote": {"customer_id": s.customer_id, "currency": "EUR",
                         "issued_at": "2026-12-01", "expires_at": "2026-12-31",
                         "items_attributes": [{"name": "Plan", "quantity": "1",
                                               "unit_price": "10"}]}}),
    )
    .await;
    let id = quote["id"].as_i64().unwrap();
    assert_plain(
        &app,
        &s.tenant,
        &format!("/api/v1/quotes/{id}.pdf"),
        "quote",
    )
    .await;
}
