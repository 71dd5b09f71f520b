//! A thin layer over quick-xml's `Writer` for the two syntaxes: elements with text
//! (escaped by quick-xml), attributes, and nesting, into a byte buffer.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

pub struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    /// A document with its XML declaration, indented by two spaces.
    pub fn new() -> io::Result<Xml> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        Ok(Xml { w })
    }

    /// `<name a="v">` (closed by `close`).
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
        let mut start = BytesStart::new(name);
        for attr in attrs {
            start.push_attribute(*attr);
        }
        self.w.write_event(Event::Start(start))
    }

    pub fn close(&mut self, name: &str) -> io::Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    /// `<name a="v">text</name>`.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> io::Result<()> {
        let mut element = self.w.create_element(name);
        for attr in attrs {
            element = element.with_attribute(*attr);
        }
        element.write_text_content(BytesText::new(text))?;
        Ok(())
    }

    /// `<name>text</name>` when there is a text.
    pub fn opt(&mut self, name: &str, text: Option<&str>) -> io::Result<()> {
        match text {
            Some(t) => self.text(name, &[], t),
            None => Ok(()),
        }
    }

    /// `<name>…</name>` around what `inner` writes.
    pub fn wrap(
        &mut self,
        name: &str,
        inner: impl FnOnce(&mut Xml) -> io::Result<()>,
    ) -> io::Result<()> {
        self.open(name, &[])?;
        inner(self)?;
        self.close(name)
    }

    pub fn finish(self) -> Vec<u8> {
        let mut bytes = self.w.into_inner();
        bytes.push(b'\n');
        bytes
    }
}
