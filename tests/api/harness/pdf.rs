//! PDFs read back with poppler-utils (`pdftotext`, `pdfinfo`, `pdffonts`), as a person's
//! viewer would: the text a PDF shows, its page count and metadata, its fonts.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Tenant, TestApp};

/// A PDF a request answered: its bytes, checked to be a PDF.
pub async fn get_pdf(app: &TestApp, tenant: &Tenant, path: &str) -> Vec<u8> {
    let response = app
        .authed(tenant, reqwest::Method::GET, path)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "application/pdf",
        "{path}"
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"%PDF-"), "{path} is not a PDF");
    bytes
}

fn temp_file(bytes: &[u8]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "koteshen-pdf-{}-{}.pdf",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn poppler(tool: &str, args: &[&str], bytes: &[u8], output_to_stdout: bool) -> String {
    let file = temp_file(bytes);
    let mut command = Command::new(tool);
    command.args(args).arg(&file);
    if output_to_stdout {
        command.arg("-");
    }
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The PDF's text, pages separated by form feeds (`\x0c`).
pub fn pdf_text(bytes: &[u8]) -> String {
    poppler("pdftotext", &["-layout", "-enc", "UTF-8"], bytes, true)
}

/// The text with every run of whitespace (no-break spaces too) one space, for phrases
/// a line break may split.
pub fn flat_text(bytes: &[u8]) -> String {
    pdf_text(bytes)
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `pdfinfo`'s report (Pages, Page size, PDF version…).
pub fn pdf_info(bytes: &[u8]) -> String {
    poppler("pdfinfo", &[], bytes, false)
}

/// The XMP metadata (`pdfinfo -meta`).
pub fn pdf_metadata(bytes: &[u8]) -> String {
    poppler("pdfinfo", &["-meta"], bytes, false)
}

/// `pdffonts`' table of the fonts used.
pub fn pdf_fonts(bytes: &[u8]) -> String {
    poppler("pdffonts", &[], bytes, false)
}

/// `pdfimages -list`: the raster images the PDF holds.
pub fn pdf_images(bytes: &[u8]) -> String {
    poppler("pdfimages", &["-list"], bytes, false)
}

pub fn page_count(bytes: &[u8]) -> usize {
    pdf_info(bytes)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo names the page count")
}

/// Keeps a PDF in `test-artifacts/pdf/` to look at (like the browser tests' screenshots).
pub fn keep(name: &str, bytes: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/pdf");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}
