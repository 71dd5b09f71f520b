//! EN 16931 e-invoices of invoices and credit notes (the core profile,
//! `urn:cen.eu:en16931:2017`), in either syntax the standard names: UBL 2.1 (`ubl`) and
//! UN/CEFACT CII D16B (`cii`). `source` is what either document gives, `readiness` says
//! what a document lacks (its JSON shows it), `figures` maps the stored amounts onto the
//! standard's, `model` gathers the parties and terms, the writers use quick-xml. Reads
//! the document through the documents' one-query read and the business profile: two
//! queries, no amount computed anew (README: E-invoices).

pub(crate) mod cii;
pub(crate) mod figures;
#[cfg(test)]
mod figures_tests;
pub(crate) mod model;
pub(crate) mod readiness;
pub(crate) mod source;
pub(crate) mod ubl;
mod xml;

use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use crate::billing::businesses::profile::Profile;
use crate::billing::businesses::profile::profile;
use crate::billing::documents::read::{Deleted, FullRow, find_full};
use crate::billing::error::FieldErrors;

pub use source::{Kind, Source};

/// Which XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Ubl,
    Cii,
}

impl Syntax {
    /// `ubl` or `cii`, any case.
    pub fn parse(s: &str) -> Option<Syntax> {
        match s.to_ascii_lowercase().as_str() {
            "ubl" => Some(Syntax::Ubl),
            "cii" => Some(Syntax::Cii),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Syntax::Ubl => "ubl",
            Syntax::Cii => "cii",
        }
    }
}

/// A written e-invoice.
pub struct Written {
    pub bytes: Vec<u8>,
    /// A strong ETag: the SHA-256 of the bytes (any change to the document, its customer
    /// or the profile that shows in the XML is a new version).
    pub etag: String,
    /// `INV-0001.xml`, the number made safe for a header.
    pub file_name: String,
}

/// Why there is no e-invoice.
pub enum Refusal {
    NotFound,
    /// Every missing piece, by field, each message naming its BT number.
    Missing(FieldErrors),
    Database(sqlx::Error),
    Write(std::io::Error),
}

impl From<sqlx::Error> for Refusal {
    fn from(err: sqlx::Error) -> Self {
        Refusal::Database(err)
    }
}

/// The CII e-invoice a Factur-X PDF of this document carries: a document, not void,
/// that has what the standard needs (else the PDF is plain PDF/A-3b). No query: the
/// caller read the document and the profile already.
pub(crate) fn facturx<D: Source>(row: &FullRow<D>, profile: &Profile) -> Option<Vec<u8>> {
    if row.document.void() {
        return None;
    }
    let model = model::build(row, profile).ok()?;
    match cii::write(&model) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            tracing::error!(%error, "writing the Factur-X XML");
            None
        }
    }
}

/// The business's document `id` (an invoice or a credit note) as an e-invoice in
/// `syntax` (two queries: the document's one-query read, the profile).
pub async fn write<D: Source>(
    conn: &mut PgConnection,
    business_id: i64,
    id: i64,
    syntax: Syntax,
) -> Result<Written, Refusal> {
    let row = find_full::<D>(&mut *conn, business_id, id, Deleted::Excluded)
        .await?
        .ok_or(Refusal::NotFound)?;
    let profile = profile(&mut *conn, business_id).await?;
    let model = model::build(&row, &profile).map_err(Refusal::Missing)?;
    let bytes = match syntax {
        Syntax::Ubl => ubl::write(&model),
        Syntax::Cii => cii::write(&model),
    }
    .map_err(Refusal::Write)?;
    let digest = Sha256::digest(&bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let safe: String = model
        .number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(Written {
        etag: format!("\"{}-{}\"", syntax.as_str(), &hex[..32]),
        file_name: format!("{safe}.xml"),
        bytes,
    })
}
