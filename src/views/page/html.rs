//! The customer's page as HTML: one self-contained document, no script, its stylesheet
//! inline and pinned by hash in the CSP (`PageHtml::csp`), every value escaped.

use std::fmt::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::{Line, PageDoc, Party};

const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f3f4f6;color:#1f2937}\
main{max-width:52rem;margin:2rem auto;padding:2.5rem;background:#fff;border-top:6px solid var(--accent);border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
header{display:flex;justify-content:space-between;gap:1.5rem;flex-wrap:wrap;align-items:flex-start}\
.logo{max-height:64px;max-width:220px}\
h1{margin:0;font-size:1.6rem;color:var(--accent)}\
h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:#6b7280;margin:0 0 .3rem}\
.mark{display:inline-block;padding:.15rem .6rem;border:2px solid currentColor;border-radius:4px;font-weight:700;letter-spacing:.08em;font-size:.85rem;margin-top:.4rem}\
.mark.paid,.mark.accepted{color:#047857}.mark.void,.mark.rejected,.mark.expired{color:#b91c1c}\
.mark.overdue{color:#b45309}.mark.draft{color:#6b7280}.mark.sent,.mark.viewed,.mark.partial,.mark.invoiced{color:#1d4ed8}\
.parties{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:1.5rem;margin:2rem 0}\
.party p{margin:0}.muted{color:#6b7280}\
dl.dates{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem;margin:0}\
dl.dates dt{color:#6b7280}dl.dates dd{margin:0}\
.headline{text-align:right}.headline strong{display:block;font-size:1.5rem}\
table{width:100%;border-collapse:collapse;margin:1rem 0}\
th{text-align:left;font-size:.8rem;text-transform:uppercase;color:#6b7280;border-bottom:2px solid #e5e7eb;padding:.5rem}\
td{padding:.6rem .5rem;border-bottom:1px solid #f0f1f3;vertical-align:top}\
.num{text-align:right;white-space:nowrap}\
.desc,.taxes{display:block;color:#6b7280;font-size:.9rem}\
.totals{margin-left:auto;max-width:22rem}\
.totals td{border:0;padding:.25rem .5rem}.totals tr.strong td{font-weight:700;border-top:2px solid #e5e7eb}\
section{margin-top:1.5rem}section p{margin:.2rem 0;white-space:pre-line}\
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:2rem}\
a.button,button{display:inline-block;padding:.6rem 1.2rem;border-radius:6px;font:inherit;font-weight:600;text-decoration:none;cursor:pointer;border:1px solid #d1d5db;background:#fff;color:#1f2937}\
button.accept{background:var(--accent);border-color:var(--accent);color:#fff}\
form{margin-top:2rem;padding:1.2rem;border:1px solid #e5e7eb;border-radius:8px}\
label{display:block;font-weight:600;margin-top:.8rem}\
input[type=text],textarea{width:100%;padding:.5rem .6rem;margin-top:.3rem;border:1px solid #d1d5db;border-radius:6px;font:inherit}\
.notice{padding:.8rem 1rem;border-radius:6px;background:#ecfdf5;border:1px solid #a7f3d0;margin-bottom:1.5rem}\
.notice.refused{background:#fef2f2;border-color:#fecaca}\
footer{margin-top:2.5rem;padding-top:1rem;border-top:1px solid #e5e7eb;color:#6b7280;font-size:.85rem;white-space:pre-line}\
@media (max-width:40rem){main{margin:0;padding:1.2rem;border-radius:0}.hide-narrow{display:none}.headline{text-align:left}}\
@media print{body{background:#fff}main{box-shadow:none;margin:0}.actions,form{display:none}}";

const DEFAULT_ACCENT: &str = "#1f5eff";

/// A page's HTML and the CSP that lets exactly its stylesheet apply.
#[derive(Debug, Clone)]
pub struct PageHtml {
    pub body: String,
    style_hash: String,
}

impl PageHtml {
    /// `default-src 'none'`: no script, no frame, no request but images from here.
    pub fn csp(&self) -> String {
        format!(
            "default-src 'none'; style-src 'sha256-{}'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            self.style_hash
        )
    }
}

/// What the page says above the document, after the customer acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    None,
    /// The action went through (`accepted`, `declined`).
    Done(&'a str),
    /// Why the action was refused.
    Refused(&'a str),
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// `#rrggbb` or nothing: the only thing from the database that reaches the stylesheet.
fn accent(color: Option<&str>) -> &str {
    match color {
        Some(c)
            if c.len() == 7
                && c.starts_with('#')
                && c[1..].bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            c
        }
        _ => DEFAULT_ACCENT,
    }
}

fn layout(title: &str, accent_color: &str, body: &str) -> PageHtml {
    let css = format!(":root{{--accent:{accent_color}}}{CSS}");
    let style_hash = STANDARD.encode(Sha256::digest(css.as_bytes()));
    let body = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{title}</title><style>{css}</style></head>\
         <body><main>{body}</main></body></html>\n",
        title = escape(title),
    );
    PageHtml { body, style_hash }
}

/// The one page of every bad link: the same bytes whatever was wrong.
pub fn not_found() -> PageHtml {
    layout(
        "Not found",
        DEFAULT_ACCENT,
        "<h1>Not found</h1><p>This link is not valid.</p>",
    )
}

/// A short page saying why a request was refused (a form without its token, from
/// another site, a bad field).
pub fn message(title: &str, text: &str) -> PageHtml {
    layout(
        title,
        DEFAULT_ACCENT,
        &format!("<h1>{}</h1><p>{}</p>", escape(title), escape(text)),
    )
}

fn party(out: &mut String, heading: &str, p: &Party) {
    let _ = write!(
        out,
        "<div class=\"party\"><h2>{heading}</h2><p><strong>{}</strong></p>",
        escape(&p.name)
    );
    if let Some(subtitle) = &p.subtitle {
        let _ = write!(out, "<p>{}</p>", escape(subtitle));
    }
    for line in &p.address {
        let _ = write!(out, "<p>{}</p>", escape(line));
    }
    for value in [&p.email, &p.phone].into_iter().flatten() {
        let _ = write!(out, "<p class=\"muted\">{}</p>", escape(value));
    }
    for (label, value) in &p.ids {
        let _ = write!(out, "<p class=\"muted\">{label}: {}</p>", escape(value));
    }
    out.push_str("</div>");
}

fn line_row(out: &mut String, l: &Line) {
    let _ = write!(out, "<tr><td>{}", escape(&l.name));
    if let Some(d) = &l.description {
        let _ = write!(out, "<span class=\"desc\">{}</span>", escape(d));
    }
    if !l.taxes.is_empty() {
        let _ = write!(
            out,
            "<span class=\"taxes\">{}</span>",
            escape(&l.taxes.join(", "))
        );
    }
    let _ = write!(
        out,
        "</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        escape(&l.quantity),
        escape(&l.unit_price),
        escape(&l.total)
    );
}

/// A logo the page may show: only from this server (or inline), so the page makes no
/// request anywhere else.
fn logo<'a>(url: Option<&'a str>, public_url: &str) -> Option<&'a str> {
    url.filter(|u| {
        u.starts_with(&format!("{public_url}/"))
            || (u.starts_with('/') && !u.starts_with("//"))
            || u.starts_with("data:image/")
    })
}

/// The document's page. `token` is the link's (the forms and the PDF link are relative
/// to it); `form_token` the link's form token; `public_url` the server's.
pub fn render(
    doc: &PageDoc,
    token: &str,
    form_token: &str,
    public_url: &str,
    notice: Notice<'_>,
) -> PageHtml {
    let e = escape;
    let mut out = String::new();
    match notice {
        Notice::None => {}
        Notice::Done(what) => {
            let _ = write!(
                out,
                "<p class=\"notice\" role=\"status\">Thank you: the {} is {}.</p>",
                doc.noun.to_lowercase(),
                e(what)
            );
        }
        Notice::Refused(why) => {
            let _ = write!(
                out,
                "<p class=\"notice refused\" role=\"alert\">{}</p>",
                e(why)
            );
        }
    }
    out.push_str("<header><div>");
    if let Some(src) = logo(doc.logo.as_deref(), public_url) {
        let _ = write!(
            out,
            "<img class=\"logo\" src=\"{}\" alt=\"{}\">",
            e(src),
            e(&doc.business.name)
        );
    }
    let _ = write!(
        out,
        "<h1>{} {}</h1><span class=\"mark {status}\" id=\"status\">{}</span></div>",
        doc.noun,
        e(&doc.number),
        e(&doc.status.to_uppercase()),
        status = e(&doc.status),
    );
    let _ = write!(
        out,
        "<div class=\"headline\"><span class=\"muted\">{}</span><strong>{}</strong>",
        e(&doc.headline.0),
        e(&doc.headline.1)
    );
    out.push_str("<dl class=\"dates\">");
    for (label, value) in &doc.dates {
        let _ = write!(out, "<dt>{label}</dt><dd>{}</dd>", e(value));
    }
    out.push_str("</dl></div></header><div class=\"parties\">");
    party(&mut out, "From", &doc.business);
    if let Some(customer) = &doc.customer {
        party(&mut out, "To", customer);
    }
    out.push_str(
        "</div><table><thead><tr><th>Item</th><th class=\"num\">Qty</th>\
         <th class=\"num\">Unit price</th><th class=\"num\">Amount</th></tr></thead><tbody>",
    );
    for line in &doc.lines {
        line_row(&mut out, line);
    }
    out.push_str("</tbody></table><table class=\"totals\"><tbody>");
    for (label, amount) in &doc.totals {
        let strong = matches!(label.as_str(), "Total" | "Balance due");
        let _ = write!(
            out,
            "<tr{}><td>{}</td><td class=\"num\">{}</td></tr>",
            if strong { " class=\"strong\"" } else { "" },
            e(label),
            e(amount)
        );
    }
    out.push_str("</tbody></table>");
    if let Some(terms) = &doc.payment_terms {
        let _ = write!(
            out,
            "<section><h2>Payment terms</h2><p>{}</p></section>",
            e(terms)
        );
    }
    if !doc.branding.payment_instructions.is_empty() {
        out.push_str("<section><h2>How to pay</h2>");
        for (label, value) in &doc.branding.payment_instructions {
            if label.is_empty() {
                let _ = write!(out, "<p>{}</p>", e(value));
            } else {
                let _ = write!(out, "<p>{label}: {}</p>", e(value));
            }
        }
        out.push_str("</section>");
    }
    if let Some(notes) = &doc.notes {
        let _ = write!(out, "<section><h2>Notes</h2><p>{}</p></section>", e(notes));
    }
    if let Some(r) = &doc.response {
        out.push_str("<section><h2>Your answer</h2>");
        let when = r.responded_at.format("%Y-%m-%d").to_string();
        let what = match doc.status.as_str() {
            "rejected" => "Declined",
            _ => "Accepted",
        };
        match &r.name {
            Some(name) => {
                let _ = write!(out, "<p>{what} by {} on {when}</p>", e(name));
            }
            None => {
                let _ = write!(out, "<p>{what} on {when}</p>");
            }
        }
        if let Some(comment) = &r.comment {
            let _ = write!(out, "<p class=\"muted\">{}</p>", e(comment));
        }
        out.push_str("</section>");
    }
    let _ = write!(
        out,
        "<div class=\"actions\"><a class=\"button\" id=\"download-pdf\" href=\"/p/{t}/pdf\">Download PDF</a></div>",
        t = e(token)
    );
    if doc.can_respond {
        let _ = write!(
            out,
            "<form method=\"post\" action=\"/p/{t}/accept\">\
             <input type=\"hidden\" name=\"form_token\" value=\"{f}\">\
             <label for=\"name\">Your name (optional)</label>\
             <input type=\"text\" id=\"name\" name=\"name\" maxlength=\"200\" autocomplete=\"name\">\
             <label for=\"comment\">Comment (optional)</label>\
             <textarea id=\"comment\" name=\"comment\" maxlength=\"2000\" rows=\"3\"></textarea>\
             <div class=\"actions\"><button class=\"accept\" type=\"submit\" id=\"accept\">Accept quote</button>\
             <button type=\"submit\" id=\"decline\" formaction=\"/p/{t}/decline\">Decline</button></div></form>",
            t = e(token),
            f = e(form_token),
        );
    }
    if let Some(footer) = &doc.branding.footer {
        let _ = write!(out, "<footer>{}</footer>", e(footer));
    }
    let title = format!("{} {} from {}", doc.noun, doc.number, doc.business.name);
    layout(&title, accent(doc.branding.accent_color.as_deref()), &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csp_pins_the_stylesheet_it_was_built_with() {
        let page = message("Gone", "<b>x</b>");
        assert!(page.body.contains("&lt;b&gt;x&lt;/b&gt;"));
        let css_start = page.body.find("<style>").unwrap() + 7;
        let css_end = page.body.find("</style>").unwrap();
        let hash = STANDARD.encode(Sha256::digest(&page.body.as_bytes()[css_start..css_end]));
        assert!(page.csp().contains(&format!("'sha256-{hash}'")));
        assert!(page.csp().starts_with("default-src 'none';"));
    }

    #[test]
    fn only_a_hex_colour_reaches_the_stylesheet() {
        assert_eq!(accent(Some("#a1b2c3")), "#a1b2c3");
        assert_eq!(accent(Some("red;}body{x")), DEFAULT_ACCENT);
        assert_eq!(accent(None), DEFAULT_ACCENT);
    }

    #[test]
    fn a_logo_elsewhere_is_left_out() {
        let here = "https://billing.example.com";
        assert!(logo(Some("https://billing.example.com/logos/1.png"), here).is_some());
        assert!(logo(Some("https://cdn.example.net/1.png"), here).is_none());
        assert!(logo(Some("//cdn.example.net/1.png"), here).is_none());
        assert!(logo(Some("data:image/png;base64,AAAA"), here).is_some());
    }

    #[test]
    fn not_found_is_always_the_same_page() {
        assert_eq!(not_found().body, not_found().body);
        assert!(!not_found().body.contains("revoked"));
    }
}
