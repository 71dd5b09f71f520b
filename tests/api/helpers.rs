#![allow(dead_code)] // not every test uses every helper
//! `TestApp`: the real router on port 0 over a fresh database cloned from a migrated
//! template, dropped again when the test ends.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use koteshen::clock::Clock;
use koteshen::config::Config;
use koteshen::db::MIGRATOR;
use koteshen::startup::Application;
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection, PgPool};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The server PostgreSQL the tests create their databases in; any database on it serves
/// as the maintenance connection. `TEST_DATABASE_URL`, else one the run starts itself.
pub fn admin_url() -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => crate::test_postgres::admin_url(),
    }
}

/// The same server, another database.
pub fn database_url(name: &str) -> String {
    let admin = admin_url();
    let (base, _) = admin
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL has a database");
    format!("{base}/{name}")
}

/// The migrated template's name changes whenever a migration does.
fn template_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let mut hash: u64 = 0xcbf29ce484222325;
        for migration in MIGRATOR.iter() {
            for byte in migration
                .version
                .to_le_bytes()
                .iter()
                .chain(migration.checksum.iter())
            {
                hash ^= u64::from(*byte);
                hash = hash.wrapping_mul(0x100000001b3);
            }
        }
        format!("koteshen_tpl_{hash:016x}")
    })
}

/// Creates the migrated template once per schema; test processes running at the same
/// time wait for each other on an advisory lock.
async fn ensure_template(admin: &mut PgConnection) {
    let template = template_name();
    admin
        .execute("SELECT pg_advisory_lock(727274)")
        .await
        .expect("advisory lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(template)
            .fetch_one(&mut *admin)
            .await
            .expect("look up template");
    if !exists {
        let building = format!("{template}_building");
        admin
            .execute(sqlx::raw_sql(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {building} WITH (FORCE)"
            ))))
            .await
            .expect("drop half-built template");
        admin
            .execute(sqlx::raw_sql(AssertSqlSafe(format!(
                "CREATE DATABASE {building}"
            ))))
            .await
            .expect("create template");
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&database_url(&building))
            .await
            .expect("connect to template");
        MIGRATOR.run(&pool).await.expect("migrate template");
        pool.close().await;
        admin
            .execute(sqlx::raw_sql(AssertSqlSafe(format!(
                "ALTER DATABASE {building} RENAME TO {template}"
            ))))
            .await
            .expect("publish template");
    }
    admin
        .execute("SELECT pg_advisory_unlock(727274)")
        .await
        .expect("advisory unlock");
}

/// A fresh, migrated, uniquely named database; dropped by `DatabaseGuard`.
pub async fn fresh_database() -> DatabaseGuard {
    let mut admin = PgConnection::connect(&admin_url())
        .await
        .expect("connect to the tests' PostgreSQL; see README (TEST_DATABASE_URL)");
    ensure_template(&mut admin).await;
    let name = format!("koteshen_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(sqlx::raw_sql(AssertSqlSafe(format!(
            "CREATE DATABASE {name} TEMPLATE {}",
            template_name()
        ))))
        .await
        .expect("create test database");
    DatabaseGuard { name }
}

/// Drops its database when the test ends, passed or failed.
pub struct DatabaseGuard {
    pub name: String,
}

impl DatabaseGuard {
    pub fn url(&self) -> String {
        database_url(&self.name)
    }
}

impl Drop for DatabaseGuard {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread
        // with a runtime of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&admin_url()).await {
                    let _ = admin
                        .execute(sqlx::raw_sql(AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        ))))
                        .await;
                }
            });
        })
        .join();
    }
}

pub fn test_config(database_url: &str) -> Config {
    let mut config = Config::from_lookup(|_| None).expect("default config");
    config.database_url = database_url.to_string();
    config.host = [127, 0, 0, 1].into();
    config.port = 0;
    config.public_url = "http://localhost:3000".into();
    // Tests run background work themselves, deterministically, with `app.runner()`.
    config.workers = false;
    // Webhook receivers in tests listen on 127.0.0.1.
    config.webhook_allow_private = true;
    config
}

pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
    pub clock: Clock,
    pub config: Config,
    pub client: reqwest::Client,
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    // Last: the database is dropped after the server has stopped. A sibling server
    // (`spawn_sibling`) shares its first server's database and owns none.
    _database: Option<DatabaseGuard>,
}

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-10-21T03:39:57.825Z")
        .unwrap()
        .with_timezone(&Utc)
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the server with a configuration the test may adjust.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        crate::query_count::install();
        let database = fresh_database().await;
        let mut config = test_config(&database.url());
        adjust(&mut config);
        Self::start(config, Clock::manual(t0()), Some(database)).await
    }

    /// A second server, as another process would be: its own pool and listener on the
    /// same database, the same clock.
    pub async fn spawn_sibling(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = test_config(&self.database_url);
        adjust(&mut config);
        Self::start(config, self.clock.clone(), None).await
    }

    async fn start(config: Config, clock: Clock, database: Option<DatabaseGuard>) -> TestApp {
        koteshen::tls::install_crypto_provider();
        let database_url = config.database_url.clone();
        let pool = koteshen::db::connect(&config).await.expect("connect");
        let app = Application::with_pool(config.clone(), pool.clone(), clock.clone())
            .await
            .expect("build app");
        let address = format!("http://{}", app.local_addr());
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        TestApp {
            address,
            pool,
            clock,
            config,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            database_url,
            shutdown: Some(tx),
            server: Some(server),
            _database: database,
        }
    }

    /// The name of this test's database (for running the binary against it).
    pub fn database_name(&self) -> String {
        self.database_url
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// Signals shutdown and waits for the server task to end.
    pub fn begin_shutdown(&mut self) -> JoinHandle<anyhow::Result<()>> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.server.take().expect("server still running")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// The body of a response as JSON, failing loudly when it is not JSON.
pub async fn json(response: reqwest::Response) -> serde_json::Value {
    let status = response.status();
    let url = response.url().clone();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let text = response.text().await.expect("body");
    assert!(
        content_type.starts_with("application/json"),
        "{status}: expected JSON, got {content_type:?}: {text}"
    );
    let value: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{status}: invalid JSON {e}: {text}"));
    crate::conformance::check(&url, status.as_u16(), &content_type, &value).await;
    value
}

/// Asserts the documented error shape and returns it.
pub async fn assert_error(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let body = json(response).await;
    assert!(body["error"].is_string(), "no error field: {body}");
    assert!(body["message"].is_string(), "no message field: {body}");
    body
}

/// A business with its owner and a token, as an API client would hold one.
pub struct Tenant {
    pub business_id: i64,
    pub user_id: i64,
    pub email: String,
    pub token: String,
    pub refresh_token: String,
    pub application_id: i64,
}

impl TestApp {
    /// Creates a business, its owner, an application and a `read write` token.
    pub async fn tenant(&self, business_name: &str) -> Tenant {
        self.tenant_with_scopes(business_name, "read write").await
    }

    pub async fn tenant_with_scopes(&self, business_name: &str, scopes: &str) -> Tenant {
        use koteshen::auth::{accounts, tokens};
        let email = format!(
            "owner-{}@example.com",
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let now = self.clock.now();
        let user = accounts::create_business_with_owner(
            &self.pool,
            business_name,
            &email,
            "a long enough password",
            now,
        )
        .await
        .expect("create business");
        let app = tokens::create_application(
            &self.pool,
            tokens::NewApplication {
                name: "Test client".into(),
                redirect_uris: vec!["http://localhost:9999/callback".into()],
                scopes: "read write".into(),
                confidential: true,
                owner_id: None,
            },
            now,
        )
        .await
        .expect("create application");
        let mut conn = self.pool.acquire().await.unwrap();
        let issued = tokens::issue(
            &mut conn,
            tokens::TokenRequest {
                application_id: app.id,
                user_id: user.id,
                scopes: scopes.into(),
                family_id: None,
                previous_token_id: None,
            },
            now,
        )
        .await
        .expect("issue token");
        Tenant {
            business_id: user.business_id,
            user_id: user.id,
            email,
            token: issued.access_token,
            refresh_token: issued.refresh_token,
            application_id: app.id,
        }
    }

    /// Gives the tenant a fresh token (after the test clock has moved past its expiry).
    pub async fn reissue(&self, tenant: &mut Tenant) {
        use koteshen::auth::tokens;
        let mut conn = self.pool.acquire().await.unwrap();
        let issued = tokens::issue(
            &mut conn,
            tokens::TokenRequest {
                application_id: tenant.application_id,
                user_id: tenant.user_id,
                scopes: "read write".into(),
                family_id: None,
                previous_token_id: None,
            },
            self.clock.now(),
        )
        .await
        .expect("issue token");
        tenant.token = issued.access_token;
        tenant.refresh_token = issued.refresh_token;
    }

    /// A request carrying the tenant's bearer token.
    pub fn authed(
        &self,
        tenant: &Tenant,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.request(method, path).bearer_auth(&tenant.token)
    }
}

impl TestApp {
    /// Sends the request with a fresh request id and answers the response together with
    /// the number of SQL statements the server ran for it.
    pub async fn counting_queries(
        &self,
        request: reqwest::RequestBuilder,
    ) -> (reqwest::Response, usize) {
        let request_id = uuid::Uuid::new_v4().to_string();
        let response = request
            .header("x-request-id", &request_id)
            .send()
            .await
            .expect("request");
        // The body has been produced, so every statement of the request has finished.
        let count = crate::query_count::queries_for(&request_id);
        (response, count)
    }
}

/// Sends a request and answers its status and JSON body.
pub async fn send(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    if status == 204 {
        return (status, serde_json::Value::Null);
    }
    (status, json(response).await)
}

impl TestApp {
    /// The job runner the server would run, on the test clock: `run_due()` does the
    /// background work that is due now.
    pub fn runner(&self) -> koteshen::jobs::Runner {
        let mailer = koteshen::mail::Mailer::from_config(&self.config).expect("mailer");
        koteshen::startup::jobs_runner(&self.config, mailer, self.pool.clone(), self.clock.clone())
    }
}
