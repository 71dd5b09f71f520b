//! Factur-X / ZUGFeRD: a PDF/A-3b invoice with its CII e-invoice attached as
//! `factur-x.xml` (the template attaches it, relationship `Alternative`), and the XMP
//! metadata that names it (the Factur-X extension schema and its `fx:` properties).
//!
//! typst writes the XMP itself and takes no extra properties, so the packet is rewritten
//! here: the metadata object is replaced in place and the cross-reference table shifted
//! by the difference. This reads only what `pdf-writer` (typst's writer) produces: one
//! classic `xref` table, an uncompressed metadata stream with its `/Length`. Anything
//! else is an error, never a guess: a Factur-X without its metadata is not one.

use std::fmt::Write as _;

/// The attachment's name, fixed by Factur-X 1.0 (and ZUGFeRD 2.x).
pub const FILE_NAME: &str = "factur-x.xml";
/// Factur-X's XMP namespace for invoices.
const NAMESPACE: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";
/// The profile our CII follows (`urn:cen.eu:en16931:2017`), as the XMP writes it.
const CONFORMANCE_LEVEL: &str = "EN 16931";

/// Why a PDF could not take the metadata: its layout was not the expected one.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("Factur-X metadata: {0}")]
pub struct LayoutError(&'static str);

/// The extension schema declaring the `fx:` properties (PDF/A allows only declared
/// ones): one entry of `pdfaExtension:schemas`, its prefixes declared on it.
fn schema() -> String {
    let properties = [
        ("DocumentFileName", "The name of the embedded XML document"),
        (
            "DocumentType",
            "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
        ),
        (
            "Version",
            "The actual version of the standard applying to the embedded XML document",
        ),
        (
            "ConformanceLevel",
            "The conformance level of the embedded XML document",
        ),
    ];
    let mut out = format!(
        "<rdf:li rdf:parseType=\"Resource\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
         xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
         <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>{NAMESPACE}</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>fx</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>"
    );
    for (name, description) in properties {
        let _ = write!(
            out,
            "<rdf:li rdf:parseType=\"Resource\">\
             <pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>external</pdfaProperty:category>\
             <pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
        );
    }
    out.push_str("</rdf:Seq></pdfaSchema:property></rdf:li>");
    out
}

/// The `fx:` properties themselves.
fn properties() -> String {
    format!(
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"{NAMESPACE}\">\
         <fx:DocumentType>INVOICE</fx:DocumentType>\
         <fx:DocumentFileName>{FILE_NAME}</fx:DocumentFileName>\
         <fx:Version>1.0</fx:Version>\
         <fx:ConformanceLevel>{CONFORMANCE_LEVEL}</fx:ConformanceLevel></rdf:Description>"
    )
}

/// The XMP packet with the Factur-X schema and properties. The schema joins the packet's
/// own `pdfaExtension:schemas` (typst declares its own extensions there, and XMP allows a
/// property once), or starts one.
fn packet_with_facturx(packet: &[u8]) -> Result<Vec<u8>, LayoutError> {
    const SCHEMAS_END: &[u8] = b"</rdf:Bag></pdfaExtension:schemas>";
    let close = find(packet, b"</rdf:RDF>").ok_or(LayoutError("no rdf:RDF in the XMP"))?;
    let mut xmp = Vec::with_capacity(packet.len() + 2048);
    match find(packet, SCHEMAS_END) {
        Some(schemas_end) => {
            xmp.extend_from_slice(&packet[..schemas_end]);
            xmp.extend_from_slice(schema().as_bytes());
            xmp.extend_from_slice(&packet[schemas_end..close]);
        }
        None => {
            if find(packet, b"pdfaExtension:schemas").is_some() {
                return Err(LayoutError("pdfaExtension:schemas written another way"));
            }
            xmp.extend_from_slice(&packet[..close]);
            xmp.extend_from_slice(
                b"<rdf:Description rdf:about=\"\" \
                  xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\">\
                  <pdfaExtension:schemas><rdf:Bag>",
            );
            xmp.extend_from_slice(schema().as_bytes());
            xmp.extend_from_slice(b"</rdf:Bag></pdfaExtension:schemas></rdf:Description>");
        }
    }
    xmp.extend_from_slice(properties().as_bytes());
    xmp.extend_from_slice(&packet[close..]);
    Ok(xmp)
}

/// The PDF with the Factur-X descriptions added to its XMP packet.
pub fn with_metadata(pdf: &[u8]) -> Result<Vec<u8>, LayoutError> {
    let layout = Layout::read(pdf)?;
    let xmp = packet_with_facturx(&pdf[layout.stream.clone()])?;

    let mut object = format!(
        "{} 0 obj\n<<\n  /Length {}\n  /Type /Metadata\n  /Subtype /XML\n>>\nstream\n",
        layout.metadata_id,
        xmp.len()
    )
    .into_bytes();
    object.extend_from_slice(&xmp);
    object.extend_from_slice(b"\nendstream\nendobj");

    let (start, end) = (layout.object.start, layout.object.end);
    let shift = |offset: usize| {
        if offset > start {
            offset - (end - start) + object.len()
        } else {
            offset
        }
    };
    let mut out = Vec::with_capacity(pdf.len() + object.len());
    out.extend_from_slice(&pdf[..start]);
    out.extend_from_slice(&object);
    out.extend_from_slice(&pdf[end..layout.xref]);
    let xref = out.len();
    let _ = write!(Bytes(&mut out), "xref\n0 {}\n", layout.entries.len());
    for entry in &layout.entries {
        let offset = if entry.in_use {
            shift(entry.offset)
        } else {
            entry.offset
        };
        let kind = if entry.in_use { 'n' } else { 'f' };
        let _ = write!(
            Bytes(&mut out),
            "{offset:010} {:05} {kind}\r\n",
            entry.generation
        );
    }
    out.extend_from_slice(&pdf[layout.trailer..layout.startxref]);
    let _ = write!(Bytes(&mut out), "startxref\n{xref}\n%%EOF");
    Ok(out)
}

/// `write!` into a byte buffer.
struct Bytes<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Bytes<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

struct Entry {
    offset: usize,
    generation: u32,
    in_use: bool,
}

/// Where things are in the file.
struct Layout {
    /// The offset of `xref`.
    xref: usize,
    entries: Vec<Entry>,
    /// The offset of `trailer` and of `startxref` (the trailer is kept as written).
    trailer: usize,
    startxref: usize,
    metadata_id: usize,
    /// The metadata object, `N 0 obj` through `endobj`.
    object: std::ops::Range<usize>,
    /// The XMP packet: the stream's data.
    stream: std::ops::Range<usize>,
}

impl Layout {
    fn read(pdf: &[u8]) -> Result<Layout, LayoutError> {
        let startxref = rfind(pdf, b"startxref").ok_or(LayoutError("no startxref"))?;
        let xref = number_at(pdf, startxref + b"startxref".len())
            .ok_or(LayoutError("no xref offset"))?
            .0;
        if pdf.get(xref..xref + 4) != Some(b"xref") {
            return Err(LayoutError("not a classic xref table"));
        }
        let (first, at) = number_at(pdf, xref + 4).ok_or(LayoutError("no xref subsection"))?;
        let (count, mut at) = number_at(pdf, at).ok_or(LayoutError("no xref count"))?;
        if first != 0 {
            return Err(LayoutError("the xref does not start at object 0"));
        }
        at = skip_space(pdf, at);
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            let line = pdf
                .get(at..at + 20)
                .ok_or(LayoutError("a short xref entry"))?;
            let offset = digits(&line[..10]).ok_or(LayoutError("an xref offset"))?;
            let generation = digits(&line[11..16]).ok_or(LayoutError("an xref generation"))?;
            let in_use = match line[17] {
                b'n' => true,
                b'f' => false,
                _ => return Err(LayoutError("an xref entry's type")),
            };
            entries.push(Entry {
                offset,
                generation: generation as u32,
                in_use,
            });
            at += 20;
        }
        let trailer = find_from(pdf, at, b"trailer").ok_or(LayoutError("no trailer"))?;
        if trailer > startxref {
            return Err(LayoutError("no trailer before startxref"));
        }
        let root =
            reference_after(&pdf[trailer..startxref], b"/Root").ok_or(LayoutError("no /Root"))?;
        let object_range = |id: usize| -> Result<std::ops::Range<usize>, LayoutError> {
            let entry = entries
                .get(id)
                .filter(|e| e.in_use)
                .ok_or(LayoutError("an object missing from the xref"))?;
            let header = format!("{id} 0 obj");
            if !pdf[entry.offset..].starts_with(header.as_bytes()) {
                return Err(LayoutError("an xref offset that is not its object"));
            }
            let end = find_from(pdf, entry.offset, b"endobj").ok_or(LayoutError("no endobj"))?;
            Ok(entry.offset..end + b"endobj".len())
        };
        let catalog = object_range(root)?;
        let metadata_id = reference_after(&pdf[catalog.clone()], b"/Metadata")
            .ok_or(LayoutError("no /Metadata in the catalog"))?;
        let object = object_range(metadata_id)?;
        let body = &pdf[object.clone()];
        let length_at = find(body, b"/Length").ok_or(LayoutError("no stream /Length"))?;
        let length = number_at(body, length_at + b"/Length".len())
            .ok_or(LayoutError("no stream length"))?
            .0;
        if find(body, b"/Filter").is_some() {
            return Err(LayoutError("a filtered metadata stream"));
        }
        let keyword = find(body, b"stream").ok_or(LayoutError("no stream"))?;
        let mut data = keyword + b"stream".len();
        if body.get(data) == Some(&b'\r') {
            data += 1;
        }
        if body.get(data) != Some(&b'\n') {
            return Err(LayoutError("no end of line after stream"));
        }
        data += 1;
        let start = object.start + data;
        if start + length > object.end {
            return Err(LayoutError("a stream longer than its object"));
        }
        Ok(Layout {
            xref,
            entries,
            trailer,
            startxref,
            metadata_id,
            stream: start..start + length,
            object,
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_from(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    find(haystack.get(from..)?, needle).map(|i| i + from)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

fn digits(bytes: &[u8]) -> Option<usize> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// The unsigned number after any whitespace at `at`, and where it ends.
fn number_at(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let start = skip_space(bytes, at);
    let len = bytes
        .get(start..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    Some((digits(&bytes[start..start + len])?, start + len))
}

/// The object number of `key N 0 R` in a dictionary's text.
fn reference_after(dict: &[u8], key: &[u8]) -> Option<usize> {
    let at = find(dict, key)? + key.len();
    let (id, at) = number_at(dict, at)?;
    let (generation, at) = number_at(dict, at)?;
    let at = skip_space(dict, at);
    (generation == 0 && dict.get(at) == Some(&b'R')).then_some(id)
}

#[cfg(test)]
#[path = "facturx_tests.rs"]
mod tests;
