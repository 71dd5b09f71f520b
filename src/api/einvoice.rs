//! An invoice as an EN 16931 e-invoice over HTTP: `/invoices/{id}.xml?syntax=ubl|cii`
//! and `Accept: application/xml` on the show answer here (`einvoice` writes it). The
//! ETag is the hash of the XML, so `If-None-Match` answers 304 for the same document.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::api::ids::record_not_found;
use crate::api::pdf::matches_etag;
use crate::einvoice::{self, Refusal, Source, Syntax};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const XML: &str = "application/xml";

/// Whether the client asks for XML: `application/xml` (or `text/xml`) in `Accept`, not
/// refused with `q=0` and not after `application/json` or the PDF.
pub fn wants_xml(headers: &HeaderMap) -> bool {
    let instead = ["application/json", crate::api::pdf::PDF];
    crate::api::pdf::asks_for(headers, &[XML, "text/xml"], &instead)
}

/// `?syntax=`: `ubl` (the default) or `cii`; anything else is a 422 naming it.
pub fn syntax(value: Option<String>) -> ApiResult<Syntax> {
    match value {
        None => Ok(Syntax::Ubl),
        Some(s) => Syntax::parse(&s)
            .ok_or_else(|| ApiError::invalid_field("syntax", "must be one of ubl, cii")),
    }
}

/// The document's (`D`: an invoice or a credit note) e-invoice for this business, or a
/// 304 when `If-None-Match` names it, a 404, or the 422 listing every piece it lacks.
pub async fn answer<D: Source>(
    state: &AppState,
    business_id: i64,
    id: i64,
    syntax: Syntax,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let mut conn = state.pool.acquire().await?;
    let written = match einvoice::write::<D>(&mut conn, business_id, id, syntax).await {
        Ok(written) => written,
        Err(Refusal::NotFound) => return Err(record_not_found()),
        Err(Refusal::Missing(errors)) => {
            let message = format!(
                "The {} lacks what an EN 16931 e-invoice needs: {}",
                D::EINVOICE.noun(),
                errors.fields().collect::<Vec<_>>().join(", ")
            );
            return Err(ApiError::refused_fields(message, errors));
        }
        Err(Refusal::Database(err)) => return Err(ApiError::internal(err)),
        Err(Refusal::Write(err)) => return Err(ApiError::internal(err)),
    };
    drop(conn);
    let etag = HeaderValue::from_str(&written.etag).map_err(ApiError::internal)?;
    let builder = Response::builder()
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, "private, no-cache");
    if matches_etag(headers, &written.etag) {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(ApiError::internal);
    }
    builder
        .header(header::CONTENT_TYPE, "application/xml; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", written.file_name),
        )
        .body(Body::from(written.bytes))
        .map_err(ApiError::internal)
}

/// The spec's side: `/invoices/{id}.xml` and `/credit_notes/{id}.xml` (the shows'
/// handlers read them, `ids::ShowId`) documented as their own operations, and the shows'
/// 200 offering the XML too.
pub(crate) fn document(spec: &mut Value) {
    document_one(
        spec,
        "invoices",
        "invoice",
        "Invoice",
        "380 commercial invoice",
    );
    document_one(
        spec,
        "credit_notes",
        "credit_note",
        "Credit note",
        "381 credit note: UBL CreditNote, its invoice as BT-25/BT-26, its reason as BT-22, \
         its own amounts positive and due in full; an amount credited over several VAT \
         rates cannot be one line and answers 422",
    );
}

fn document_one(spec: &mut Value, resource: &str, name: &str, label: &str, kind: &str) {
    let show_path = format!("/api/v1/{resource}/{{id}}");
    let Some(show) = spec["paths"][&show_path].get("get").cloned() else {
        return;
    };
    let xml = json!({"schema": {"type": "string", "contentMediaType": XML}});
    let noun = label.to_lowercase();
    let mut op = show;
    op["operationId"] = json!(format!("{name}_xml"));
    op["summary"] = json!(format!(
        "The {noun} as an EN 16931 e-invoice (UBL 2.1 or CII D16B)"
    ));
    op["description"] = json!(format!(
        "The core profile of EN 16931 (`urn:cen.eu:en16931:2017`), document type {kind}: \
         `syntax=ubl` (the default) OASIS UBL 2.1, `syntax=cii` a UN/CEFACT \
         CrossIndustryInvoice D16B. Its amounts are the {noun}'s (README: E-invoices). A \
         {noun} that lacks what the standard needs answers 422 naming each missing piece \
         by field, every message with its business term (BT-…); the {noun}'s \
         `einvoice_ready` shows the same. `Accept: application/xml` on the show answers \
         the same XML."
    ));
    op["parameters"] = json!([
        {"name": "id", "in": "path", "required": true, "description": format!("{label} id"),
         "schema": {"type": "integer", "format": "int64"}},
        {"name": "syntax", "in": "query", "required": false,
         "description": "`ubl` (default) or `cii`",
         "schema": {"type": "string", "enum": ["ubl", "cii"]}},
        {"name": "If-None-Match", "in": "header", "required": false,
         "description": "An ETag this endpoint answered: 304 when the XML is the same",
         "schema": {"type": "string"}},
    ]);
    let ok = &mut op["responses"]["200"];
    ok["description"] = json!("The e-invoice");
    ok["content"] = json!({ XML: xml.clone() });
    ok["headers"]["ETag"] = json!({"description": "The XML's version: send it back as If-None-Match", "schema": {"type": "string"}});
    op["responses"]["304"] =
        json!({"description": "Not modified: If-None-Match names this version"});
    op["responses"]["422"] = json!({
        "description": format!("The {noun} lacks what EN 16931 needs (each piece named), or an unknown syntax"),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    });
    spec["paths"][format!("/api/v1/{resource}/{{id}}.xml")] = json!({"get": op});
    let show_ok = &mut spec["paths"][&show_path]["get"]["responses"]["200"];
    if show_ok.is_object() {
        show_ok["content"][XML] = xml;
        show_ok["description"] = json!(format!(
            "{} (`Accept: application/xml`: the UBL e-invoice)",
            show_ok["description"].as_str().unwrap_or("")
        ));
    }
}

/// The input limits of the fields e-invoices added (`spec_limits` states them): tax
/// categories and reasons, unit codes, the buyer's references.
pub(crate) fn limits() -> Vec<(&'static str, &'static str, Value)> {
    use crate::api::invoices::REFERENCE_MAX;
    use crate::billing::{codes, taxes};
    let mut vatex: Vec<Value> = codes::VATEX_CODES.iter().map(|c| json!(c)).collect();
    vatex.push(Value::Null);
    let text = |max: usize| json!({"maxLength": max});
    vec![
        ("TaxInput", "category", json!({"enum": taxes::CATEGORIES})),
        (
            "TaxInput",
            "exemption_reason",
            text(taxes::EXEMPTION_REASON_MAX),
        ),
        ("TaxInput", "exemption_reason_code", json!({"enum": vatex})),
        (
            "ItemInput",
            "unit_code",
            json!({"pattern": "^[A-Za-z0-9]{1,3}$"}),
        ),
        ("InvoiceInput", "buyer_reference", text(REFERENCE_MAX)),
        ("InvoiceInput", "purchase_order", text(REFERENCE_MAX)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn accept_asks_for_xml_only_when_it_prefers_it() {
        assert!(wants_xml(&accept("application/xml")));
        assert!(wants_xml(&accept("text/xml")));
        assert!(!wants_xml(&accept("application/json, application/xml")));
        assert!(!wants_xml(&accept("application/xml;q=0")));
        assert!(!wants_xml(&accept("*/*")));
    }
}
