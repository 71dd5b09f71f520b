use super::*;

const XMP: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\
<pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\
</rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";

/// A small file laid out the way pdf-writer writes one: objects, then the metadata and
/// the catalog, a free entry in the middle, one xref table, the trailer.
fn sample() -> Vec<u8> {
    sample_with("")
}

/// The sample with `extra` in the metadata stream's dictionary.
fn sample_with(extra: &str) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n%ABCD\n\n".to_vec();
    let mut offsets = [None; 6];
    let mut object = |pdf: &mut Vec<u8>, id: usize, body: String| {
        pdf.extend_from_slice(b"\n");
        offsets[id] = Some(pdf.len());
        pdf.extend_from_slice(format!("{id} 0 obj\n{body}\nendobj\n").as_bytes());
    };
    object(
        &mut pdf,
        1,
        "<<\n  /Type /Pages\n  /Kids []\n  /Count 0\n>>".into(),
    );
    object(&mut pdf, 2, "(a string)".into());
    object(
        &mut pdf,
        4,
        format!(
            "<<\n  /Length {}\n  /Type /Metadata\n  /Subtype /XML{extra}\n>>\nstream\n{XMP}\nendstream",
            XMP.len()
        ),
    );
    object(
        &mut pdf,
        5,
        "<<\n  /Type /Catalog\n  /Pages 1 0 R\n  /Metadata 4 0 R\n>>".into(),
    );
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 6\n0000000003 65535 f\r\n");
    for offset in &offsets[1..] {
        match offset {
            Some(o) => pdf.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes()),
            None => pdf.extend_from_slice(b"0000000000 00000 f\r\n"),
        }
    }
    pdf.extend_from_slice(
        format!("trailer\n<<\n  /Size 6\n  /Root 5 0 R\n  /ID [(abc) (def)]\n>>\nstartxref\n{xref}\n%%EOF")
            .as_bytes(),
    );
    pdf
}

fn text(pdf: &[u8]) -> String {
    String::from_utf8_lossy(pdf).into_owned()
}

#[test]
fn the_sample_reads_as_written() {
    let pdf = sample();
    let layout = Layout::read(&pdf).unwrap();
    assert_eq!(layout.metadata_id, 4);
    assert_eq!(&pdf[layout.stream], XMP.as_bytes());
    assert_eq!(layout.entries.len(), 6);
}

#[test]
fn the_metadata_gains_the_factur_x_properties_and_keeps_its_own() {
    let out = with_metadata(&sample()).unwrap();
    let layout = Layout::read(&out).expect("the result reads again");
    let xmp = text(&out[layout.stream.clone()]);
    assert!(xmp.starts_with("<?xpacket begin="), "{xmp}");
    assert!(xmp.ends_with("<?xpacket end=\"r\"?>"), "{xmp}");
    assert!(xmp.contains("<pdfaid:part>3</pdfaid:part>"));
    assert!(xmp.contains("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>"));
    assert!(xmp.contains("<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>"));
    assert!(xmp.contains("<fx:DocumentType>INVOICE</fx:DocumentType>"));
    assert!(xmp.contains("<pdfaSchema:prefix>fx</pdfaSchema:prefix>"));
    assert_eq!(xmp.matches("</rdf:RDF>").count(), 1);
    // The declared length is the data's.
    let object = text(&out[layout.object.clone()]);
    assert!(object.contains(&format!("/Length {}", layout.stream.len())));
}

#[test]
fn the_schema_joins_the_packets_own_list_of_extension_schemas() {
    let own = "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
               <pdfaSchema:namespaceURI>http://ns.adobe.com/xap/1.0/mm/</pdfaSchema:namespaceURI>\
               </rdf:li></rdf:Bag></pdfaExtension:schemas>";
    let packet = XMP.replace(
        "</pdfaid:conformance>",
        &format!("</pdfaid:conformance>{own}"),
    );
    let xmp = String::from_utf8(packet_with_facturx(packet.as_bytes()).unwrap()).unwrap();
    assert_eq!(xmp.matches("<pdfaExtension:schemas>").count(), 1, "{xmp}");
    let adobe = xmp.find("http://ns.adobe.com/xap/1.0/mm/").unwrap();
    let ours = xmp.find(NAMESPACE).unwrap();
    let end = xmp.find("</pdfaExtension:schemas>").unwrap();
    assert!(adobe < ours && ours < end, "{xmp}");
    assert!(xmp.contains("<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>"));
    // Written some other way, it is not guessed at.
    let odd = XMP.replace(
        "</pdfaid:conformance>",
        "</pdfaid:conformance><pdfaExtension:schemas/>",
    );
    assert!(packet_with_facturx(odd.as_bytes()).is_err());
}

#[test]
fn every_offset_still_points_at_its_object() {
    let before = sample();
    let out = with_metadata(&before).unwrap();
    let layout = Layout::read(&out).unwrap();
    for (id, entry) in layout.entries.iter().enumerate() {
        if entry.in_use {
            let header = format!("{id} 0 obj");
            assert!(
                out[entry.offset..].starts_with(header.as_bytes()),
                "object {id} at {}",
                entry.offset
            );
        } else {
            assert!(entry.offset < 6, "free entries keep their links");
        }
    }
    assert_eq!(layout.entries[0].generation, 65535);
    // What precedes the metadata object is untouched; the trailer is kept.
    let old = Layout::read(&before).unwrap();
    assert_eq!(&out[..old.object.start], &before[..old.object.start]);
    assert!(text(&out).contains("/ID [(abc) (def)]"));
    assert!(text(&out).ends_with("%%EOF"));
    let startxref = text(&out);
    let offset: usize = startxref
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .trim_end_matches("%%EOF")
        .trim()
        .parse()
        .unwrap();
    assert!(out[offset..].starts_with(b"xref\n0 6\n"));
}

#[test]
fn an_unexpected_layout_is_an_error_not_a_guess() {
    let pdf = sample();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"%PDF-1.7\nnothing".to_vec(), "no startxref"),
        (
            sample_with("\n  /Filter /FlateDecode"),
            "a filtered metadata stream",
        ),
        (
            text(&pdf)
                .replace("/Metadata 4 0 R", "/Metadata 9 0 R")
                .into_bytes(),
            "an object missing from the xref",
        ),
        (
            text(&pdf).replace("xref\n0 6", "xref\n1 6").into_bytes(),
            "the xref does not start at object 0",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(
            with_metadata(&input).err(),
            Some(LayoutError(message)),
            "{message}"
        );
    }
}
