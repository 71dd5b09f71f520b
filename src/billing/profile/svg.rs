//! An uploaded SVG is parsed (never rendered) and refused when anything in it could run
//! or reach out: `<script>`, `on*` handlers, `<foreignObject>` (and the HTML it would
//! carry), an animation that rewrites a link or a handler, a processing instruction or
//! entity declaration, and any `href`/`xlink:href`/`src`/`url(…)` that is not a
//! `#fragment` or an inline `data:image/png|jpeg` image. It is served with a CSP that
//! forbids scripts as well; this check keeps documents and other renderers safe too.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Elements refused wherever they appear.
const REFUSED: [&str; 8] = [
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
    "audio",
];

/// `Ok` when the SVG is safe to serve and embed; else the 422's message.
pub fn check(text: &str) -> Result<(), String> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut style_depth = 0usize;
    let mut root_seen = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("is not a well-formed SVG ({e})"))?;
        match event {
            Event::Start(e) | Event::Empty(e) if !root_seen => {
                if local_name(&e) != "svg" {
                    return Err("is not an SVG (its root element is not <svg>)".into());
                }
                root_seen = true;
                element(&e)?;
            }
            Event::Start(e) => {
                element(&e)?;
                if local_name(&e) == "style" || style_depth > 0 {
                    style_depth += 1;
                }
            }
            Event::Empty(e) => element(&e)?,
            Event::End(_) => style_depth = style_depth.saturating_sub(1),
            Event::Text(t) if style_depth > 0 => css(&t.xml_content(XmlVersion::Implicit1_0))?,
            Event::CData(t) if style_depth > 0 => css(&t[..])?,
            // A character reference inside a style sheet could spell `url(` or an escape.
            Event::GeneralRef(_) if style_depth > 0 => {
                return Err("must not use character references in a style sheet".into());
            }
            Event::PI(_) => {
                return Err("must not contain processing instructions (xml-stylesheet)".into());
            }
            Event::DocType(d) if d.xml_content(XmlVersion::Implicit1_0).contains("<!ENTITY") => {
                return Err("must not declare entities".into());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if root_seen {
        Ok(())
    } else {
        Err("is not an SVG (no <svg> element)".into())
    }
}

/// The element's name without its namespace prefix, lower-case.
fn local_name(e: &BytesStart) -> String {
    e.local_name().as_ref().to_ascii_lowercase()
}

fn element(e: &BytesStart) -> Result<(), String> {
    let name = local_name(e);
    if REFUSED.contains(&name.as_str()) {
        return Err(format!("must not contain <{name}>"));
    }
    for attr in e.attributes() {
        let attr = attr.map_err(|e| format!("is not a well-formed SVG ({e})"))?;
        let key = attr.key.local_name().as_ref().to_ascii_lowercase();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("is not a well-formed SVG ({e})"))?;
        if key.starts_with("on") {
            return Err(format!("must not contain event handlers ({key})"));
        }
        match key.as_str() {
            "href" | "src" => reference(&value)?,
            "style" => css(&value)?,
            // `<set attributeName="href" to="javascript:…">` would rewrite a link.
            "attributename" => {
                let target = value.trim().to_ascii_lowercase();
                let target = target.rsplit(':').next().unwrap_or_default();
                if target == "href" || target == "src" || target.starts_with("on") {
                    return Err(format!("must not animate {target}"));
                }
            }
            _ if value.to_ascii_lowercase().contains("url(") => css(&value)?,
            _ => {}
        }
    }
    Ok(())
}

/// A link may only point inside the document or be an inline raster image.
fn reference(value: &str) -> Result<(), String> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let inline = [
        "data:image/png;",
        "data:image/png,",
        "data:image/jpeg;",
        "data:image/jpeg,",
    ]
    .iter()
    .any(|p| lower.starts_with(p));
    if v.starts_with('#') || inline {
        Ok(())
    } else {
        Err(format!(
            "must not reference outside resources ({})",
            v.chars().take(60).collect::<String>()
        ))
    }
}

/// CSS (a `style` attribute, a `<style>` sheet, a presentation attribute): every
/// `url(…)` must be a fragment or an inline raster image; no `@import`, no escapes.
fn css(text: &str) -> Result<(), String> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("@import") {
        return Err("must not import style sheets".into());
    }
    if text.contains('\\') {
        return Err("must not use escapes in styles".into());
    }
    let mut rest = lower.as_str();
    let original = text;
    let mut offset = 0;
    while let Some(at) = rest.find("url(") {
        let start = offset + at + 4;
        let end = original[start..]
            .find(')')
            .map(|e| start + e)
            .ok_or("is not a well-formed SVG (unclosed url())")?;
        let target = original[start..end].trim().trim_matches(['"', '\'']);
        reference(target)?;
        offset = end;
        rest = &lower[end..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    const OK: &str = r##"<?xml version="1.0"?>
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
             viewBox="0 0 10 10">
          <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
          <style>.a { fill: url(#g); }</style>
          <rect class="a" width="10" height="10" fill="url(#g)"/>
          <use xlink:href="#g"/>
          <image href="data:image/png;base64,iVBORw0KGgo="/>
        </svg>"##;

    fn refused(svg: &str) -> String {
        check(svg).expect_err(svg)
    }

    #[test]
    fn a_plain_svg_with_fragments_and_inline_images_is_fine() {
        check(OK).unwrap();
    }

    #[test]
    fn scripts_handlers_and_outside_references_are_refused() {
        let svg = |body: &str| format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{body}</svg>");
        assert!(refused(&svg("<script>alert(1)</script>")).contains("script"));
        assert!(refused(&svg("<SCRIPT>alert(1)</SCRIPT>")).contains("script"));
        assert!(
            refused(&svg("<x:script xmlns:x=\"http://www.w3.org/2000/svg\"/>")).contains("script")
        );
        assert!(refused(&svg("<rect onload=\"alert(1)\"/>")).contains("onload"));
        assert!(refused(&svg("<foreignObject><p/></foreignObject>")).contains("foreignobject"));
        assert!(refused(&svg("<a href=\"javascript:alert(1)\"/>")).contains("outside"));
        assert!(refused(&svg("<a href=\"&#106;avascript:alert(1)\"/>")).contains("outside"));
        assert!(refused(&svg("<image xlink:href=\"https://evil.example/x.png\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"/>")).contains("outside"));
        assert!(
            refused(&svg("<image href=\"data:image/svg+xml;base64,PHN2Zz4=\"/>"))
                .contains("outside")
        );
        assert!(
            refused(&svg("<rect style=\"fill: url(https://evil.example/)\"/>")).contains("outside")
        );
        assert!(
            refused(&svg("<rect fill=\"url('http://evil.example/#a')\"/>")).contains("outside")
        );
        assert!(refused(&svg("<rect fill=\"Url(http://evil.example/)\"/>")).contains("outside"));
        assert!(refused(&svg("<style>@import 'x.css';</style>")).contains("import"));
        assert!(refused(&svg("<style>a{b:u\\72l(http://x)}</style>")).contains("escape"));
        assert!(refused(&svg("<style>a{b:&#117;rl(http://x)}</style>")).contains("reference"));
        assert!(
            refused(&svg("<set attributeName=\"href\" to=\"javascript:x\"/>")).contains("href")
        );
        assert!(refused("<?xml-stylesheet href=\"x.css\"?><svg/>").contains("processing"));
        assert!(refused("<html><script/></html>").contains("root"));
        assert!(refused("<svg><g></svg>").contains("well-formed"));
    }
}
