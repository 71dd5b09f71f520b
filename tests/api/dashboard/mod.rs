//! The dashboard (`/dashboard`): sign-in sessions, CSRF, expiry, the overview. Driven
//! over HTTP by a small cookie-keeping client (`Browser`); the headless-browser tests
//! drive the same pages in Chromium.

mod accounts;
mod applications;
mod authorized;
mod browser;
mod sessions;
mod settings;
mod webhooks;

use std::collections::HashMap;

use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};

use crate::harness::TestApp;

/// The tests' accounts' password (`TestApp::tenant`).
pub const PASSWORD: &str = "a long enough password";

/// A client that keeps the cookies the server sets, as a browser does (no redirects
/// followed: the tests look at each 303).
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: HashMap<String, String>,
}

/// An answer: status, headers, body.
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The CSRF token of the page's first form.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a form with a csrf field") + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_string()
    }

    /// The `Set-Cookie` header that sets `name`.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            cookies: HashMap::new(),
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let request = if cookie.is_empty() {
            request
        } else {
            request.header(COOKIE, cookie)
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for set in headers.get_all(SET_COOKIE).iter() {
            let text = set.to_str().unwrap();
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        let body = response.text().await.unwrap();
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.app.client.get(self.app.url(path));
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(path, form, &[]).await
    }

    /// A post with extra headers (`Sec-Fetch-Site`, say).
    pub async fn post_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request = self
            .app
            .client
            .post(self.app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    /// A `multipart/form-data` post of a file part `logo` (a PNG, say) and, if given, the
    /// CSRF token, as a browser sends a file form.
    pub async fn multipart(&mut self, path: &str, csrf: Option<&str>, file: &[u8]) -> Page {
        let boundary = "----koteshen-test-boundary";
        let mut body = Vec::new();
        if let Some(csrf) = csrf {
            body.extend(format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            ).bytes());
        }
        body.extend(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.png\"\r\n\
             Content-Type: image/png\r\n\r\n"
        ).bytes());
        body.extend(file);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let request = self
            .app
            .client
            .post(self.app.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.send(request).await
    }

    /// Signs in with the form, as a person would; answers the 303's page.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/dashboard/sign_in").await;
        assert_eq!(form.status, 200, "{}", form.body);
        let csrf = form.csrf();
        self.post(
            "/dashboard/sign_in",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await
    }
}
