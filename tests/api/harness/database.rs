//! A fresh database per test, cloned from a migrated template and dropped when the test
//! ends.

use std::sync::OnceLock;

use koteshen::db::MIGRATOR;
use sqlx::postgres::PgPoolOptions;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};

/// The server PostgreSQL the tests create their databases in; any database on it serves
/// as the maintenance connection. `TEST_DATABASE_URL`, else one the run starts itself.
pub fn admin_url() -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => super::test_postgres::admin_url(),
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
