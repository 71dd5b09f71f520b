//! A webhook receiver on 127.0.0.1: records every request and answers as scripted; and
//! the checks a receiver makes of what it got.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Value, json};
use standardwebhooks::Webhook;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::{Tenant, TestApp, post};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn header(&self, name: &str) -> String {
        self.headers[name].to_str().unwrap().to_string()
    }
}

#[derive(Default)]
struct Script {
    received: Vec<Received>,
    /// Answers to give, in order; then `otherwise`.
    answers: VecDeque<(u16, Vec<(&'static str, String)>)>,
    otherwise: u16,
}

/// A webhook receiver: records every request and answers as scripted (200 by default).
pub struct Receiver {
    pub addr: SocketAddr,
    script: Arc<Mutex<Script>>,
    task: JoinHandle<()>,
}

async fn receive(
    State(script): State<Arc<Mutex<Script>>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let mut script = script.lock().unwrap();
    script.received.push(Received {
        headers,
        body: body.to_vec(),
    });
    let (status, headers) = script
        .answers
        .pop_front()
        .unwrap_or((script.otherwise, Vec::new()));
    let mut response = (StatusCode::from_u16(status).unwrap(), "ok").into_response();
    for (name, value) in headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

impl Receiver {
    pub async fn start() -> Receiver {
        Self::on(TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    pub fn on(listener: TcpListener) -> Receiver {
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(Script {
            otherwise: 200,
            ..Script::default()
        }));
        let router = axum::Router::new()
            .fallback(receive)
            .with_state(script.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Receiver { addr, script, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hooks", self.addr)
    }

    pub fn answer(&self, status: u16) {
        self.answer_with(status, Vec::new());
    }

    pub fn answer_with(&self, status: u16, headers: Vec<(&'static str, String)>) {
        self.script
            .lock()
            .unwrap()
            .answers
            .push_back((status, headers));
    }

    pub fn otherwise(&self, status: u16) {
        self.script.lock().unwrap().otherwise = status;
    }

    pub fn received(&self) -> Vec<Received> {
        self.script.lock().unwrap().received.clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Subscribes and answers the endpoint (with its secret).
pub async fn subscribe(app: &TestApp, tenant: &Tenant, url: &str, events: Value) -> Value {
    post(
        app,
        tenant,
        "/api/v1/webhook_endpoints",
        json!({"url": url, "enabled_events": events}),
    )
    .await
}

/// Checks the signature the way a receiver would, with the crate's own signer, at the
/// timestamp the request carries (the test clock need not be near the wall clock).
pub fn signed_with(received: &Received, secret: &str) -> bool {
    let id = received.header("webhook-id");
    let timestamp: i64 = received.header("webhook-timestamp").parse().unwrap();
    let expected = Webhook::new(secret)
        .unwrap()
        .sign(&id, timestamp, &received.body)
        .unwrap();
    received
        .header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

/// The app with its clock at the wall clock's time, so the crate's `verify` (which
/// checks the timestamp against the wall clock) applies unchanged.
pub async fn app_at_wall_clock() -> TestApp {
    let app = TestApp::spawn().await;
    app.clock.set(chrono::Utc::now());
    app
}
