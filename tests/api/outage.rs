//! A database that goes away under reads and writes: every answer meanwhile is a 2xx or a 503 in the
//! error shape with `Retry-After`, never a 500, and the server recovers by itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::Method;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};

use crate::harness::database::admin_url;
use crate::harness::{Tenant, TestApp, setup};

/// One answer as the client saw it.
#[derive(Debug)]
struct Answer {
    path: &'static str,
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: String,
}

async fn request(app: &TestApp, tenant: &Tenant, path: &'static str) -> Answer {
    let response = if path == "/readyz" {
        app.get(path).await
    } else if let Some(path) = path.strip_prefix("POST ") {
        app.authed(tenant, Method::POST, path)
            .json(&serde_json::json!({"customer": {"name": "During the outage"}}))
            .send()
            .await
            .expect("request")
    } else {
        app.authed(tenant, Method::GET, path)
            .send()
            .await
            .expect("request")
    };
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    Answer {
        path,
        status: response.status().as_u16(),
        content_type: header("content-type").unwrap_or_default(),
        retry_after: header("retry-after"),
        body: response.text().await.unwrap_or_default(),
    }
}

/// Runs `sql` on the maintenance database (not the test's own, which is being cut).
async fn admin(sql: String) {
    let mut conn = PgConnection::connect(&admin_url()).await.expect("admin");
    conn.execute(sqlx::raw_sql(AssertSqlSafe(sql)))
        .await
        .expect("admin statement");
}

#[tokio::test]
async fn a_database_outage_answers_503_with_retry_after_and_the_server_recovers() {
    let app = Arc::new(TestApp::spawn().await);
    let s = setup(&app, "Flixtechs").await;
    let tenant = Arc::new(s.tenant);
    let db = app.database_name();

    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (app, tenant, stop) = (app.clone(), tenant.clone(), stop.clone());
        tokio::spawn(async move {
            let mut answers = Vec::new();
            let paths = [
                "/api/v1/customers",
                "/api/v1/invoices",
                "POST /api/v1/customers",
                "/readyz",
            ];
            let mut i = 0;
            // Bounded: it stops when told, and after 2,000 requests at most.
            while !stop.load(Ordering::Relaxed) && i < 2_000 {
                answers.push(request(&app, &tenant, paths[i % paths.len()]).await);
                i += 1;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            answers
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Cut every connection the server holds and refuse new ones for a moment.
    admin(format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false")).await;
    admin(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = '{db}' AND pid <> pg_backend_pid()"
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    admin(format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let answers = load.await.expect("load task");

    let unavailable: Vec<&Answer> = answers.iter().filter(|a| a.status == 503).collect();
    assert!(
        !unavailable.is_empty(),
        "the outage was never felt: {} answers",
        answers.len()
    );
    for answer in &answers {
        if (200..300).contains(&answer.status) {
            continue;
        }
        assert_eq!(answer.status, 503, "{answer:?}");
        assert!(
            answer.content_type.starts_with("application/json"),
            "{answer:?}"
        );
        assert!(answer.retry_after.is_some(), "{answer:?}");
        let body: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
        assert_eq!(body["error"], "Service Unavailable", "{answer:?}");
        assert!(body["message"].is_string(), "{answer:?}");
    }
    assert!(
        unavailable.iter().any(|a| a.path != "/readyz"),
        "{unavailable:?}"
    );

    // Recovered by itself: once one request passes, the next ones pass too.
    let mut passed = 0;
    for _ in 0..50 {
        let answer = request(&app, &tenant, "/api/v1/customers").await;
        if answer.status == 200 {
            passed += 1;
            if passed == 5 {
                break;
            }
        } else {
            assert_eq!(passed, 0, "failed after recovering: {answer:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert_eq!(passed, 5, "the server did not recover");
    assert_eq!(request(&app, &tenant, "/readyz").await.status, 200);
}

/// The OAuth endpoints answer an outage in their own error shape: RFC 6749's
/// `temporarily_unavailable`, a 503 with `Retry-After`, never a 500.
#[tokio::test]
async fn the_oauth_endpoints_answer_an_outage_with_503_temporarily_unavailable() {
    use crate::harness::oauth;
    let app = TestApp::spawn().await;
    let client = oauth::setup(&app, false).await;
    let secret = client.client_secret.clone().expect("confidential");
    let db = app.database_name();
    admin(format!("ALTER DATABASE {db} ALLOW_CONNECTIONS false")).await;
    admin(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = '{db}' AND pid <> pg_backend_pid()"
    ))
    .await;
    let credentials = [
        ("client_id", client.client_id.as_str()),
        ("client_secret", secret.as_str()),
    ];
    let mut answers = Vec::new();
    for (path, extra) in [
        (
            "/oauth/token",
            [("grant_type", "refresh_token"), ("refresh_token", "r-1")],
        ),
        (
            "/oauth/introspect",
            [("token", "t-1"), ("token_type_hint", "access_token")],
        ),
        (
            "/oauth/revoke",
            [("token", "t-1"), ("token_type_hint", "access_token")],
        ),
        (
            "/oauth/token",
            [("grant_type", "client_credentials"), ("scope", "read")],
        ),
    ] {
        let pairs: Vec<(&str, &str)> = credentials.iter().chain(extra.iter()).copied().collect();
        let response = app
            .request(Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(oauth::form(&pairs))
            .send()
            .await
            .expect("request");
        let retry_after = response.headers().get("retry-after").cloned();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        answers.push((path, status, retry_after, body));
    }
    admin(format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true")).await;
    for (path, status, retry_after, body) in answers {
        assert_eq!(status, 503, "{path}: {body}");
        assert!(retry_after.is_some(), "{path}");
        let body: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(body["error"], "temporarily_unavailable", "{path}: {body}");
    }
}
