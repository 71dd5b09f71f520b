//! E-invoices (EN 16931): `/invoices/{id}.xml?syntax=ubl|cii` and `Accept:
//! application/xml`. Every invoice shape is validated in both syntaxes by the standard's
//! own rules (`../shared/validators/en16931`, run with SaxonC-HE: `validate`), its PDF
//! is a Factur-X one carrying the same CII (`facturx`), and the routes' HTTP (422
//! listing what is missing, `einvoice_ready`, ETag, tenancy).

mod credit_notes;
mod facturx;
mod http;
mod shapes;

use std::path::{Path, PathBuf};
use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Tenant, TestApp, patch, post};

/// `validate.py`: `EN16931_VALIDATOR` if set, else `shared/validators/en16931` beside the
/// repository (`CARGO_MANIFEST_DIR/../shared`) or in any directory above it.
fn validator() -> PathBuf {
    if let Ok(path) = std::env::var("EN16931_VALIDATOR") {
        return PathBuf::from(path);
    }
    let relative = Path::new("shared/validators/en16931/validate.py");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .map(|dir| dir.join(relative))
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the EN 16931 validator is not beside the repository ({}/../{}); \
                 set EN16931_VALIDATOR to its validate.py",
                root.display(),
                relative.display()
            )
        })
}

/// Runs the EN 16931 rules on `xml` in `syntax`: the validator's exit status and
/// report, and the file it read.
fn run_validator(syntax: &str, name: &str, xml: &[u8]) -> (Option<i32>, String, PathBuf) {
    let dir = std::env::temp_dir().join(format!("koteshen-einvoice-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let unique = uuid::Uuid::new_v4().simple();
    let file = dir.join(format!("{name}-{syntax}-{unique}.xml"));
    std::fs::write(&file, xml).unwrap();
    let output = Command::new("python3")
        .arg(validator())
        .arg(syntax)
        .arg(&file)
        .output()
        .expect("python3 runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), report, file)
}

/// A document the rules must refuse: the validator is really looking.
pub fn assert_refused(syntax: &str, name: &str, xml: &[u8]) -> String {
    let (code, report, file) = run_validator(syntax, name, xml);
    let _ = std::fs::remove_file(&file);
    assert_eq!(
        code,
        Some(1),
        "{name}: a broken {syntax} document passed:\n{report}"
    );
    report
}

/// Runs the EN 16931 rules on `xml` in `syntax` (`ubl`, `cii`): prints every failed rule
/// (warnings included) and fails the test on a fatal one.
pub fn validate(syntax: &str, name: &str, xml: &[u8]) {
    let (code, report, file) = run_validator(syntax, name, xml);
    println!("{name} {syntax}:\n{report}");
    if code != Some(0) {
        let xml = String::from_utf8_lossy(xml);
        panic!("{name}: the {syntax} e-invoice fails EN 16931 ({code:?}):\n{report}\n{xml}");
    }
    if syntax == "cii" {
        xsd(name, &file);
    }
    let _ = std::fs::remove_file(&file);
}

/// The CII against the Factur-X EN 16931 XML Schema (the `factur-x` package's XSD, a
/// subset of CII D16B): the element order and types the Schematron does not check.
fn xsd(name: &str, file: &Path) {
    let check = "import sys, facturx\n\
                 ok = facturx.xml_check_xsd(open(sys.argv[1], 'rb').read(), \
                 flavor='factur-x', level='en16931')\n\
                 sys.exit(0 if ok else 1)";
    let output = Command::new("python3")
        .arg("-c")
        .arg(check)
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{name}: the CII fails the Factur-X EN 16931 schema:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The invoice's XML in `syntax`, expecting 200 and XML.
pub async fn xml(app: &TestApp, tenant: &Tenant, id: i64, syntax: &str) -> Vec<u8> {
    let path = format!("/api/v1/invoices/{id}.xml?syntax={syntax}");
    let response = app.authed(tenant, Method::GET, &path).send().await.unwrap();
    let status = response.status();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let body = response.bytes().await.unwrap().to_vec();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    assert!(
        content_type.starts_with("application/xml"),
        "{content_type}"
    );
    body
}

/// Both syntaxes of the invoice pass the rules, and its PDF is a Factur-X one carrying
/// the CII; answers the UBL.
pub async fn validate_both(app: &TestApp, tenant: &Tenant, id: i64, name: &str) -> String {
    let ubl = xml(app, tenant, id, "ubl").await;
    validate("ubl", name, &ubl);
    let cii = xml(app, tenant, id, "cii").await;
    validate("cii", name, &cii);
    facturx::assert_facturx(app, tenant, "invoices", id, &cii, name).await;
    String::from_utf8(ubl).unwrap()
}

/// A German seller with everything EN 16931 asks of it, and a Belgian business buyer.
pub struct Seller {
    pub tenant: Tenant,
    pub customer_id: i64,
}

pub async fn seller(app: &TestApp, name: &str) -> Seller {
    let tenant = app.tenant(name).await;
    let (status, body) = patch(
        app,
        &tenant,
        "/api/v1/business",
        json!({"business": {
            "legal_name": format!("{name} GmbH"), "email": "billing@example.de",
            "tax_id": "DE123456789", "registration_number": "HRB 12345",
            "address": {"line": "Hauptstraße 1", "city": "Berlin", "post_code": "10115",
                        "country_code": "DE"},
            "payment_instructions": {"account_holder": format!("{name} GmbH"),
                                     "iban": "DE89370400440532013000", "bic": "COBADEFFXXX",
                                     "text": "Please quote the invoice number."}}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let customer = customer(app, &tenant, "BE0123456789", "BE").await;
    Seller {
        tenant,
        customer_id: customer,
    }
}

/// A business customer with a tax id and a country.
pub async fn customer(app: &TestApp, tenant: &Tenant, tax_id: &str, country: &str) -> i64 {
    post(
        app,
        tenant,
        "/api/v1/customers",
        json!({"customer": {"name": "Anna Buyer", "company": "Acme SA",
                            "email": "ap@acme.example", "tax_id": tax_id,
                            "address": {"line": "Rue de la Loi 16", "city": "Bruxelles",
                                        "post_code": "1000", "country_code": country}}}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// A tax from its fields (`{"name", "rate", "category", …}`), its id.
pub async fn tax(app: &TestApp, tenant: &Tenant, fields: Value) -> i64 {
    post(app, tenant, "/api/v1/taxes", json!({ "tax": fields })).await["id"]
        .as_i64()
        .unwrap()
}

/// An invoice from its fields (customer added), its JSON.
pub async fn invoice(app: &TestApp, s: &Seller, mut fields: Value) -> Value {
    fields["customer_id"] = json!(s.customer_id);
    if fields.get("currency").is_none() {
        fields["currency"] = json!("EUR");
    }
    if fields.get("invoice_taxes_attributes").is_none() {
        fields["invoice_taxes_attributes"] = json!([]);
    }
    post(
        app,
        &s.tenant,
        "/api/v1/invoices",
        json!({ "invoice": fields }),
    )
    .await
}
