//! Invoice, credit note and quote PDFs, typeset in process by typst from one template
//! kept in the repo (`invoice.typ`): no external binary, no network. PDF/A-3b, fonts
//! embedded; an issued invoice or credit note that can be an e-invoice is a Factur-X PDF
//! at the EN 16931 profile (`facturx`: its CII attached as `factur-x.xml`).
//!
//! `source` reads the document as the views show it (plus the business profile), `model`
//! turns it into formatted strings, `world` is the typst world it compiles in. Rendering
//! is CPU-bound: it runs on the blocking pool, at most `PDF_RENDER_CONCURRENCY` at once.

mod facturx;
mod model;
mod source;
mod world;

use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::views::Views;
use tokio::sync::Semaphore;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::error::ApiError;
pub use model::{BusinessPart, CustomerPart, Model, Paper, format_date};
use world::{DocumentWorld, Engine, TEMPLATE_VERSION};

/// Which document: the same kinds a page link points at.
pub use crate::billing::links::DocKind;

/// A rendered document: the PDF, its version's ETag and the file name to offer.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub etag: String,
    pub file_name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("reading the document: {0}")]
    Database(#[from] sqlx::Error),
    /// The template failed on this data: a bug of ours, never the user's input.
    #[error("typesetting the document: {0}")]
    Typeset(String),
    #[error("the render task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl From<RenderError> for ApiError {
    fn from(e: RenderError) -> Self {
        match e {
            RenderError::Database(e) => ApiError::from(e),
            other => ApiError::internal(other),
        }
    }
}

/// A document read and ready to typeset: its ETag is known before the (costly) render,
/// so a matching `If-None-Match` costs the reads only.
pub struct Prepared {
    pub etag: String,
    pub file_name: String,
    data: Vec<u8>,
    logo: Option<Vec<u8>>,
    /// The CII e-invoice attached as `factur-x.xml` (a Factur-X PDF), when there is one.
    einvoice: Option<Vec<u8>>,
    ident: String,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl Prepared {
    /// Whether the PDF will be a Factur-X one.
    pub fn is_facturx(&self) -> bool {
        self.einvoice.is_some()
    }
}

/// The PDF renderer every handler and job shares (`AppState::renderer`): the fonts and
/// the template loaded once, the concurrency bound. Cheap to clone.
#[derive(Clone)]
pub struct Renderer {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Arc<Engine>,
    gate: Semaphore,
}

impl Renderer {
    pub fn new(font_dir: Option<&Path>, concurrency: usize) -> Renderer {
        let engine = Arc::new(Engine::new(font_dir));
        tracing::debug!(fonts = engine.font_count(), "PDF fonts loaded");
        Renderer {
            inner: Arc::new(Inner {
                engine,
                gate: Semaphore::new(concurrency.max(1)),
            }),
        }
    }

    /// The document's PDF. None when the document does not exist for this business (or
    /// is deleted).
    pub async fn document(
        &self,
        conn: &mut PgConnection,
        views: Views<'_>,
        business_id: i64,
        kind: DocKind,
        id: i64,
    ) -> Result<Option<Rendered>, RenderError> {
        match self.prepare(conn, views, business_id, kind, id).await? {
            Some(prepared) => Ok(Some(self.render(prepared).await?)),
            None => Ok(None),
        }
    }

    /// Reads the document (a fixed number of queries) and names its version.
    pub async fn prepare(
        &self,
        conn: &mut PgConnection,
        views: Views<'_>,
        business_id: i64,
        kind: DocKind,
        id: i64,
    ) -> Result<Option<Prepared>, RenderError> {
        let Some(loaded) = source::load(conn, views, business_id, kind, id).await? else {
            return Ok(None);
        };
        let data =
            serde_json::to_value(&loaded.model).map_err(|e| RenderError::Typeset(e.to_string()))?;
        let mut data = data;
        world::printable_data(&self.inner.engine, &mut data);
        data["factur_x"] = serde_json::Value::Bool(loaded.einvoice.is_some());
        let data = serde_json::to_vec(&data).map_err(|e| RenderError::Typeset(e.to_string()))?;
        // Everything the PDF shows is in the model and the logo: their hash with the
        // template's version changes whenever the document, its customer or the business
        // profile does, and only then.
        let mut hash = Sha256::new();
        hash.update(TEMPLATE_VERSION.as_bytes());
        hash.update([0]);
        hash.update(&data);
        hash.update([0]);
        if let Some(logo) = &loaded.logo {
            hash.update(logo.digest.as_bytes());
        }
        hash.update([0]);
        if let Some(xml) = &loaded.einvoice {
            hash.update(xml);
        }
        let digest = hash.finalize();
        let etag = format!("\"{}\"", hex(&digest[..16]));
        let prefix = match kind {
            DocKind::Invoice => "invoice",
            DocKind::Quote => "quote",
            DocKind::CreditNote => "credit-note",
        };
        Ok(Some(Prepared {
            etag,
            file_name: file_name(&loaded.number),
            ident: format!("koteshen-{prefix}-{business_id}-{id}"),
            updated_at: loaded.updated_at,
            data,
            logo: loaded.logo.map(|l| l.bytes),
            einvoice: loaded.einvoice,
        }))
    }

    /// Typesets a prepared document on the blocking pool, waiting for a free slot first.
    pub async fn render(&self, prepared: Prepared) -> Result<Rendered, RenderError> {
        let _permit = self
            .inner
            .gate
            .acquire()
            .await
            .expect("the render gate is never closed");
        let engine = self.inner.engine.clone();
        let Prepared {
            etag,
            file_name,
            data,
            logo,
            einvoice,
            ident,
            updated_at,
        } = prepared;
        let inputs = Inputs {
            data,
            logo,
            einvoice,
            ident,
            updated_at,
        };
        let bytes = tokio::task::spawn_blocking(move || typeset(engine, inputs)).await??;
        Ok(Rendered {
            bytes,
            etag,
            file_name,
        })
    }

    /// Typesets a model directly (benchmarks, tests of the template).
    pub fn typeset_model(
        &self,
        model: &Model,
        logo: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, RenderError> {
        let data = serde_json::to_vec(model).map_err(|e| RenderError::Typeset(e.to_string()))?;
        let inputs = Inputs {
            data,
            logo,
            einvoice: None,
            ident: "koteshen-sample".into(),
            updated_at: chrono::DateTime::UNIX_EPOCH,
        };
        typeset(self.inner.engine.clone(), inputs)
    }
}

/// What one typesetting reads.
struct Inputs {
    data: Vec<u8>,
    logo: Option<Vec<u8>>,
    einvoice: Option<Vec<u8>>,
    ident: String,
    updated_at: chrono::DateTime<chrono::Utc>,
}

fn typeset(engine: Arc<Engine>, inputs: Inputs) -> Result<Vec<u8>, RenderError> {
    let Inputs {
        data,
        logo,
        einvoice,
        ident,
        updated_at,
    } = inputs;
    let facturx = einvoice.is_some();
    let world = DocumentWorld::new(engine, data, logo, einvoice);
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| RenderError::Typeset(messages(errors.iter().map(|e| &e.message))))?;
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some("Koteshen".into())),
        timestamp: Some(Timestamp::new_utc(datetime(updated_at))),
        standards: PdfStandards::new(&[PdfStandard::A_3b])
            .map_err(|e| RenderError::Typeset(e.message().to_string()))?,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| RenderError::Typeset(messages(errors.iter().map(|e| &e.message))));
    // Typst memoises across compilations; entries no recent render used are dropped, so
    // a long-running server's cache stays bounded.
    typst::comemo::evict(10);
    let pdf = pdf?;
    if facturx {
        return facturx::with_metadata(&pdf).map_err(|e| RenderError::Typeset(e.to_string()));
    }
    Ok(pdf)
}

fn messages<'a>(errors: impl Iterator<Item = &'a typst::ecow::EcoString>) -> String {
    errors.map(|m| m.as_str()).collect::<Vec<_>>().join("; ")
}

fn datetime(at: chrono::DateTime<chrono::Utc>) -> Datetime {
    use chrono::{Datelike, Timelike};
    Datetime::from_ymd_hms(
        at.year(),
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .unwrap_or_else(|| Datetime::from_ymd(1970, 1, 1).expect("a valid date"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `INV-0001` → `INV-0001.pdf`: letters, digits, `-`, `_` and `.` kept, anything else
/// (quotes, slashes, spaces) an underscore, so the header cannot be broken out of.
pub fn file_name(number: &str) -> String {
    let safe: String = number
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_matches('.');
    if safe.is_empty() {
        "document.pdf".into()
    } else {
        format!("{safe}.pdf")
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_are_safe_in_a_header() {
        assert_eq!(file_name("INV-0001"), "INV-0001.pdf");
        assert_eq!(file_name("a\"b/c d"), "a_b_c_d.pdf");
        assert_eq!(file_name(".."), "document.pdf");
        assert_eq!(file_name("Ρ-1"), "_-1.pdf");
    }
}
