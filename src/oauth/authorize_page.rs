//! The HTML of the authorization page: sign in and consent, or an error. Server-rendered,
//! no JavaScript; every value is escaped. Pure functions: the handler decides what to show.

use std::sync::OnceLock;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;background:#f4f5f7;color:#1d2433}\
main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border:1px solid #dde1e8;border-radius:10px}\
h1{font-size:1.3rem;margin:0 0 .5rem}\
p{margin:.5rem 0}\
ul{padding-left:1.2rem;margin:.5rem 0 1rem}\
label{display:block;font-weight:600;margin-top:1rem}\
input[type=email],input[type=password]{width:100%;padding:.55rem .7rem;margin-top:.3rem;border:1px solid #b9c0cc;border-radius:6px;font:inherit}\
.buttons{display:flex;gap:.75rem;margin-top:1.5rem}\
button{flex:1;padding:.6rem;border-radius:6px;font:inherit;font-weight:600;cursor:pointer;border:1px solid #b9c0cc;background:#fff}\
button.allow{background:#1f5eff;border-color:#1f5eff;color:#fff}\
.error{background:#fdecec;border:1px solid #f1b5b5;color:#8a1c1c;padding:.6rem .8rem;border-radius:6px}\
.muted{color:#5b6474;font-size:.9rem}";

/// CSP with the stylesheet pinned by hash: no script can run, nothing can frame it.
pub fn content_security_policy() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let hash = STANDARD.encode(Sha256::digest(CSS.as_bytes()));
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; \
             frame-ancestors 'none'"
        )
    })
}

/// Headers on every answer of `/oauth/authorize`, pages and redirects alike.
pub fn security_headers(headers: &mut HeaderMap) {
    if let Ok(csp) = HeaderValue::from_str(content_security_policy()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
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

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · Koteshen</title><style>{CSS}</style></head>\
         <body><main>{body}</main></body></html>\n",
        title = escape(title),
    )
}

fn describe(scope: &str) -> &'static str {
    match scope {
        "read" => "See your business, customers, invoices, quotes and payments",
        "write" => "Create, change and delete them",
        _ => "Unknown permission",
    }
}

pub struct LoginForm<'a> {
    pub app_name: &'a str,
    /// The scopes to be granted, space-separated.
    pub scopes: &'a str,
    /// The original authorization request, carried as hidden fields.
    pub params: &'a [(String, String)],
    pub csrf_token: &'a str,
    pub email: &'a str,
    pub error: Option<&'a str>,
}

pub fn login(form: &LoginForm<'_>) -> String {
    let app = escape(form.app_name);
    let mut body = format!(
        "<h1>Authorize {app}</h1>\
         <p><strong>{app}</strong> wants to use your Koteshen account to:</p><ul>"
    );
    for scope in form.scopes.split_whitespace() {
        body.push_str(&format!(
            "<li><strong>{}</strong>: {}</li>",
            escape(scope),
            describe(scope)
        ));
    }
    body.push_str("</ul>");
    if let Some(error) = form.error {
        body.push_str(&format!(
            "<p class=\"error\" role=\"alert\">{}</p>",
            escape(error)
        ));
    }
    body.push_str("<form method=\"post\" action=\"/oauth/authorize\">");
    for (name, value) in form.params {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape(name),
            escape(value)
        ));
    }
    body.push_str(&format!(
        "<input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
         <label for=\"email\">Email</label>\
         <input id=\"email\" type=\"email\" name=\"email\" value=\"{}\" autocomplete=\"username\" required autofocus>\
         <label for=\"password\">Password</label>\
         <input id=\"password\" type=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <div class=\"buttons\">\
         <button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button>\
         <button type=\"submit\" name=\"decision\" value=\"allow\" class=\"allow\">Sign in and allow</button>\
         </div></form>\
         <p class=\"muted\">Only allow applications you trust.</p>",
        escape(form.csrf_token),
        escape(form.email),
    ));
    layout(&format!("Authorize {}", form.app_name), &body)
}

/// An authorization request that can't be answered by redirecting (unknown client,
/// unregistered redirect_uri, a malformed request): shown to the user, never redirected.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<h1>This authorization request can't be completed</h1>\
         <p class=\"error\" role=\"alert\">{}</p>\
         <p class=\"muted\">Go back to the application and try again, or contact its developer.</p>",
        escape(message)
    );
    html(status, layout("Authorization error", &body))
}

pub fn html(status: StatusCode, page: String) -> Response {
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        page,
    )
        .into_response();
    security_headers(response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_in_the_form() {
        let params = vec![("state".to_string(), "\"><script>x</script>".to_string())];
        let page = login(&LoginForm {
            app_name: "<b>Evil</b>",
            scopes: "read write",
            params: &params,
            csrf_token: "t",
            email: "a@b.c",
            error: Some("<i>oops</i>"),
        });
        assert!(!page.contains("<script>"));
        assert!(!page.contains("<b>Evil"));
        assert!(page.contains("&lt;b&gt;Evil&lt;/b&gt;"));
        assert!(page.contains("Create, change and delete them"));
    }

    #[test]
    fn the_policy_forbids_framing_and_scripts() {
        let csp = content_security_policy();
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("default-src 'none'"));
        assert!(csp.contains("style-src 'sha256-"));
    }
}
