//! `TestApp`: the real router on port 0 over a fresh database (`database.rs`), a client,
//! tokens for businesses, the test clock and the job runner.

use chrono::{DateTime, Utc};
use koteshen::clock::Clock;
use koteshen::config::Config;
use koteshen::startup::Application;
use sqlx::PgPool;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::database::{DatabaseGuard, fresh_database};

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
    /// The server's page link key (`billing::links`), for job runners built by tests.
    pub links: koteshen::link_key::LinkKey,
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
        super::query_counter::install();
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
        let links = app.link_key().clone();
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
            links,
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
                business_id: None,
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
        let count = super::query_counter::queries_for(&request_id);
        (response, count)
    }
}

impl TestApp {
    /// The job runner the server would run, on the test clock: `run_due()` does the
    /// background work that is due now.
    pub fn runner(&self) -> koteshen::jobs::Runner {
        let mailer = koteshen::mail::Mailer::from_config(&self.config).expect("mailer");
        koteshen::startup::jobs_runner(
            &self.config,
            mailer,
            self.pool.clone(),
            self.clock.clone(),
            self.links.clone(),
        )
    }
}
