"""Reads a Factur-X PDF the way a buyer's system does, and reports what it found as JSON.

    python3 facturx_check.py INVOICE.pdf EXTRACTED.xml

The `factur-x` package finds the XML (`get_xml_from_pdf`, which also runs its XSD check),
names its flavor and level, and checks the XSD again explicitly; pypdf (strict) reads the
catalog's associated files and the XMP packet. The extracted XML is written to the second
argument so the test can compare it with the API's CII and run the EN 16931 rules on it.
"""

import io
import json
import sys

import facturx
from lxml import etree
from pypdf import PdfReader

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS = {
    "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "rdf": RDF,
}


def text(root, path):
    found = root.find(path, NS)
    return None if found is None else found.text


def main():
    pdf_path, xml_path = sys.argv[1], sys.argv[2]
    data = open(pdf_path, "rb").read()
    out = {}
    name, xml = facturx.get_xml_from_pdf(data, check_xsd=True)
    out["file_name"] = name or None
    if xml:
        open(xml_path, "wb").write(xml)
        root = etree.fromstring(xml)
        out["flavor"] = facturx.get_flavor(root)
        out["level"] = facturx.get_level(root)
        try:
            out["xsd"] = bool(facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931"))
        except Exception as error:  # the package raises on an invalid document
            out["xsd"] = False
            out["xsd_error"] = str(error)

    reader = PdfReader(io.BytesIO(data), strict=True)
    catalog = reader.trailer["/Root"]
    files = []
    for spec in catalog.get("/AF", []):
        spec = spec.get_object()
        embedded = spec["/EF"]["/F"].get_object()
        files.append({
            "name": str(spec.get("/UF", spec.get("/F"))),
            "relationship": str(spec.get("/AFRelationship")),
            "subtype": str(embedded.get("/Subtype")),
        })
    out["associated_files"] = files
    out["attachments"] = sorted(reader.attachments.keys())

    packet = catalog["/Metadata"].get_object().get_data()
    xmp = etree.fromstring(packet)
    out["xmp"] = {
        "part": text(xmp, ".//pdfaid:part"),
        "conformance": text(xmp, ".//pdfaid:conformance"),
        "document_type": text(xmp, ".//fx:DocumentType"),
        "document_file_name": text(xmp, ".//fx:DocumentFileName"),
        "version": text(xmp, ".//fx:Version"),
        "conformance_level": text(xmp, ".//fx:ConformanceLevel"),
    }
    # XMP states a property once: one list of extension schemas, naming Factur-X's.
    extension = "{http://www.aiim.org/pdfa/ns/extension/}schemas"
    out["xmp"]["extension_schema_lists"] = len(list(xmp.iter(extension)))
    out["xmp"]["extension_namespaces"] = sorted(
        e.text for e in xmp.iter("{%s}namespaceURI" % NS["pdfaSchema"])
    )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
