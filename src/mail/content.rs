//! The `content` of Koteshen's send forms: HTML with Liquid tags, rendered by the `liquid`
//! crate with the variables the pages use (`invoice.number`, `invoice.balance`, …) and
//! the `button` block.
//!
//! What a template may do is bounded: no `include`/`render` (no partials, so no file
//! access; nothing here reaches the network either), and no `for`, `tablerow`, `cycle`,
//! `assign` or `capture`: with them a 50 KB template could take unbounded time or memory
//! (nested captures double a string each line). What is left (`if`, `unless`, `case`,
//! `raw`, `comment`, the standard filters) renders in time linear in its size.
//! Variables are HTML-escaped before the template sees them; the template's own HTML is
//! the sender's and passes as written.

use std::sync::OnceLock;

use liquid::model::Value;
use liquid_lib::stdlib;

use super::button::ButtonBlock;
use super::templates::escape;

/// The largest `content` accepted, in characters.
pub const MAX_LEN: usize = 50_000;

/// What a template can name, all already formatted (money in its currency, dates in the
/// business's time zone).
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub business_name: String,
    pub customer_name: String,
    pub number: String,
    pub balance: String,
    pub total: String,
    pub due_at: String,
    /// The invoice as the API shows it.
    pub url: String,
    /// Where the customer pays: the customer's page (the document's `url` when its
    /// link was revoked).
    pub pay_url: String,
    /// The customer's page (the same as `pay_url`).
    pub public_url: String,
    /// A quote's email: the variables are also under `quote.`.
    pub quote: bool,
}

/// A template error: the message and, when it can be told, the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "has a Liquid error on line {line}: {}", self.message),
            None => write!(f, "has a Liquid error: {}", self.message),
        }
    }
}

fn parser() -> &'static liquid::Parser {
    static PARSER: OnceLock<liquid::Parser> = OnceLock::new();
    PARSER.get_or_init(|| {
        let builder = liquid::ParserBuilder::new()
            .block(stdlib::RawBlock)
            .block(stdlib::IfBlock)
            .block(stdlib::UnlessBlock)
            .block(stdlib::CommentBlock)
            .block(stdlib::CaseBlock)
            .block(ButtonBlock);
        filters(builder).build().expect("the Liquid parser builds")
    })
}

/// The standard filters: each works on values, none reaches outside.
fn filters(b: liquid::ParserBuilder) -> liquid::ParserBuilder {
    b.filter(stdlib::Abs)
        .filter(stdlib::Append)
        .filter(stdlib::AtLeast)
        .filter(stdlib::AtMost)
        .filter(stdlib::Capitalize)
        .filter(stdlib::Ceil)
        .filter(stdlib::Date)
        .filter(stdlib::Default)
        .filter(stdlib::DividedBy)
        .filter(stdlib::Downcase)
        .filter(stdlib::Escape)
        .filter(stdlib::EscapeOnce)
        .filter(stdlib::Floor)
        .filter(stdlib::Lstrip)
        .filter(stdlib::Minus)
        .filter(stdlib::Modulo)
        .filter(stdlib::NewlineToBr)
        .filter(stdlib::Plus)
        .filter(stdlib::Prepend)
        .filter(stdlib::Remove)
        .filter(stdlib::RemoveFirst)
        .filter(stdlib::Replace)
        .filter(stdlib::ReplaceFirst)
        .filter(stdlib::Round)
        .filter(stdlib::Rstrip)
        .filter(stdlib::Size)
        .filter(stdlib::Slice)
        .filter(stdlib::Strip)
        .filter(stdlib::StripHtml)
        .filter(stdlib::StripNewlines)
        .filter(stdlib::Times)
        .filter(stdlib::Truncate)
        .filter(stdlib::TruncateWords)
        .filter(stdlib::Upcase)
        .filter(stdlib::UrlEncode)
}

fn globals(vars: &Vars) -> liquid::Object {
    let s = |text: &str| Value::scalar(escape(text));
    let mut customer = liquid::Object::new();
    customer.insert("name".into(), s(&vars.customer_name));
    let mut invoice = liquid::Object::new();
    invoice.insert("customer".into(), Value::Object(customer));
    invoice.insert("number".into(), s(&vars.number));
    invoice.insert("balance".into(), s(&vars.balance));
    invoice.insert("total".into(), s(&vars.total));
    invoice.insert("due_at".into(), s(&vars.due_at));
    invoice.insert("url".into(), s(&vars.url));
    invoice.insert("pay_url".into(), s(&vars.pay_url));
    invoice.insert("public_url".into(), s(&vars.public_url));
    let mut business = liquid::Object::new();
    business.insert("name".into(), s(&vars.business_name));
    let mut globals = liquid::Object::new();
    if vars.quote {
        globals.insert("quote".into(), Value::Object(invoice.clone()));
    }
    globals.insert("invoice".into(), Value::Object(invoice));
    globals.insert("business".into(), Value::Object(business));
    globals
}

/// How deep blocks (`if` in `if`…) and brackets in one tag may nest: liquid's parser
/// recurses once per level, and a few thousand levels would overflow a thread's stack.
const MAX_DEPTH: usize = 20;

/// Refuses nesting past [`MAX_DEPTH`] before liquid sees the template, naming the line.
fn check_depth(content: &str) -> Result<(), TemplateError> {
    let too_deep = |at: usize, what: &str| TemplateError {
        line: Some(content[..at].matches('\n').count() + 1),
        message: format!("{what} nest more than {MAX_DEPTH} deep"),
    };
    let mut blocks = 0usize;
    let mut rest = 0;
    while let Some(found) = content[rest..].find('{') {
        let start = rest + found;
        let close = match content[start + 1..].chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = start + 1;
                continue;
            }
        };
        let inner_start = start + 2;
        let end = content[inner_start..]
            .find(close)
            .map_or(content.len(), |e| inner_start + e);
        let inner = &content[inner_start..end];
        let mut brackets = 0usize;
        for (i, c) in inner.char_indices() {
            match c {
                '(' | '[' => {
                    brackets += 1;
                    if brackets > MAX_DEPTH {
                        return Err(too_deep(inner_start + i, "brackets"));
                    }
                }
                ')' | ']' => brackets = brackets.saturating_sub(1),
                _ => {}
            }
        }
        if close == "%}" {
            let name = inner.trim_start_matches('-').split_whitespace().next();
            match name {
                Some("if" | "unless" | "case" | "button" | "raw" | "comment") => {
                    blocks += 1;
                    if blocks > MAX_DEPTH {
                        return Err(too_deep(start, "blocks"));
                    }
                }
                Some(n) if n.starts_with("end") => blocks = blocks.saturating_sub(1),
                _ => {}
            }
        }
        rest = (end + close.len()).min(content.len());
    }
    Ok(())
}

/// Parses `content` without rendering it (no variables needed): what can be checked
/// before the send touches the database. Up to a second or so for 50 KB of adversarial
/// input, so callers run it off the async threads.
pub fn check_syntax(content: &str) -> Result<(), TemplateError> {
    check_depth(content)?;
    parser()
        .parse(content)
        .map(|_| ())
        .map_err(|e| template_error(content, &e))
}

/// Renders `content`; the error names the line where it can.
pub fn render(content: &str, vars: &Vars) -> Result<String, TemplateError> {
    check_depth(content)?;
    let template = parser()
        .parse(content)
        .map_err(|e| template_error(content, &e))?;
    template
        .render(&globals(vars))
        .map_err(|e| template_error(content, &e))
}

/// liquid's error as a sentence, with the line it points at: a parse error carries
/// pest's `--> line:column`; a render error names what it could not find (`requested
/// index`, `requested filter`, …), which is looked up in the source.
fn template_error(content: &str, error: &liquid::Error) -> TemplateError {
    let text = error.to_string();
    let text = text.trim_start_matches("liquid:").trim();
    if let Some(at) = text.strip_prefix("-->") {
        let line = at
            .trim()
            .split(':')
            .next()
            .and_then(|n| n.trim().parse::<usize>().ok());
        let message = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("= "))
            .next()
            .unwrap_or("invalid template")
            .to_string();
        return TemplateError { line, message };
    }
    let context: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| l.trim().split_once('='))
        .filter(|(key, _)| !key.starts_with("available"))
        .collect();
    let value = |key: &str| context.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let sought = match (value("variable"), value("requested index")) {
        (Some(variable), Some(index)) => Some(format!("{variable}.{index}")),
        _ => value("requested filter")
            .or(value("requested variable"))
            .or(value("url"))
            .map(str::to_string),
    };
    let line = sought
        .as_deref()
        .and_then(|needle| content.find(needle))
        .map(|at| content[..at].matches('\n').count() + 1);
    let first = text.lines().next().unwrap_or("invalid template").trim();
    let message = match sought {
        Some(what) => format!("{first}: {what}"),
        None => first.to_string(),
    };
    TemplateError { line, message }
}

/// A plain-text alternative of rendered HTML: tags dropped, block ends as line breaks,
/// the common entities decoded, blank runs collapsed.
pub fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].to_ascii_lowercase();
        if let Some(href) = tag
            .strip_prefix("a ")
            .and_then(|a| a.split("href=\"").nth(1))
            .and_then(|h| h.split('"').next())
        {
            out.push_str(&format!("[{href}] "));
        }
        let name = tag.trim_start_matches('/');
        if ["br", "p", "div", "tr", "table", "h1", "h2", "h3", "li"]
            .iter()
            .any(|b| name == *b || name.starts_with(&format!("{b} ")))
        {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    let mut lines: Vec<String> = Vec::new();
    for line in decoded.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !(line.is_empty() && lines.last().is_some_and(String::is_empty)) {
            lines.push(line);
        }
    }
    lines.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests;
