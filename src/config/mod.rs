//! Typed configuration read from the environment (and a `.env` file, if present).
//!
//! Every variable is listed with its default in `.env.example`. A bad value stops startup
//! with one line that names the variable, so a self-hoster knows what to fix.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

mod limits;
mod proxies;
pub use limits::Limits;
pub use proxies::TrustedProxies;

#[derive(Clone)]
pub struct Config {
    /// `DATABASE_URL`. Unset, it is empty until koteshen has started its own PostgreSQL
    /// (`managed_db`) and filled in that server's URL.
    pub database_url: String,
    /// `KOTESHEN_DATA_DIR`: the managed PostgreSQL's files (when `DATABASE_URL` is unset).
    pub data_dir: PathBuf,
    /// `KOTESHEN_DATABASE_PORT`: the loopback port the managed PostgreSQL listens on.
    pub managed_database_port: u16,
    /// `KOTESHEN_POSTGRES_BIN`: the only directory searched for PostgreSQL's binaries.
    pub postgres_bin: Option<PathBuf>,
    pub database_max_connections: u32,
    pub host: IpAddr,
    pub port: u16,
    pub public_url: String,
    /// `LINK_SECRET`: the key the customer's page links are derived from
    /// (`billing::links`). Unset, the server generates one once and keeps it in the
    /// database.
    pub link_secret: Option<String>,
    pub log_format: LogFormat,
    /// Origins allowed to call `/api/v1` from a browser: empty means no CORS headers,
    /// `*` means any origin.
    pub cors_allowed_origins: Vec<String>,
    pub request_timeout: Duration,
    /// Requests per minute one token grant may make to `/api/v1`.
    pub rate_limit_per_minute: u32,
    /// Requests per minute one client IP may make to `/oauth/token`, `/oauth/revoke` and
    /// `/oauth/introspect` together.
    pub token_endpoint_per_minute: u32,
    /// Invalid bearer tokens per minute one client IP may send before it gets 429s.
    pub failed_bearer_per_minute: u32,
    /// `RATE_LIMIT_STORE`: where the budgets are counted (`ratelimit`).
    pub rate_limit_store: RateLimitStore,
    /// `TRUSTED_PROXIES`: the peers whose `Forwarded` / `X-Forwarded-For` name the client
    /// (`http::client_ip`); none by default.
    pub trusted_proxies: TrustedProxies,
    /// Whether `serve` also runs the background workers (`koteshen worker` always does).
    pub workers: bool,
    /// How often an idle worker looks for due jobs.
    pub worker_poll_interval: Duration,
    /// How often a worker runs the sweeps (overdue, reminders, recurring, expiry).
    pub sweep_interval: Duration,
    /// Whether webhook endpoints may point at private, loopback or link-local addresses
    /// (tests and local development only).
    pub webhook_allow_private: bool,
    /// `SIGNUP=open`: anyone may create an account (and its business) at
    /// `/dashboard/sign_up`. `closed` (the default): accounts come from `koteshen admin
    /// create-user` only.
    pub signup_open: bool,
    /// Where email goes: `smtp://host:port` (plain), `smtp://…?tls=required` (STARTTLS),
    /// `smtps://…` (TLS); user and password in the URL when the server wants them.
    pub smtp_url: String,
    /// The `From` of every email, `Name <address>` or a bare address.
    pub mail_from: String,
    /// `PDF_FONT_DIR`: a directory whose .ttf/.otf/.ttc fonts the PDFs may use beside the
    /// embedded ones (for scripts other than Latin, Greek and Cyrillic).
    pub pdf_font_dir: Option<PathBuf>,
    /// The bounds on what one business can make the server do (`limits.rs`).
    pub limits: Limits,
}

/// Where the rate-limit counters live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitStore {
    /// In this process: right for a single server.
    Memory,
    /// In the database: one budget across every process on it.
    Postgres,
}

/// Secrets live in the database URL (a password), so Debug prints it redacted.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("managed_database_port", &self.managed_database_port)
            .field("postgres_bin", &self.postgres_bin)
            .field("database_max_connections", &self.database_max_connections)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("public_url", &self.public_url)
            .field(
                "link_secret",
                &self.link_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("log_format", &self.log_format)
            .field("cors_allowed_origins", &self.cors_allowed_origins)
            .field("request_timeout", &self.request_timeout)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("token_endpoint_per_minute", &self.token_endpoint_per_minute)
            .field("failed_bearer_per_minute", &self.failed_bearer_per_minute)
            .field("rate_limit_store", &self.rate_limit_store)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("workers", &self.workers)
            .field("worker_poll_interval", &self.worker_poll_interval)
            .field("sweep_interval", &self.sweep_interval)
            .field("webhook_allow_private", &self.webhook_allow_private)
            .field("signup_open", &self.signup_open)
            .field("smtp_url", &redact_url(&self.smtp_url))
            .field("mail_from", &self.mail_from)
            .field("pdf_font_dir", &self.pdf_font_dir)
            .field("limits", &self.limits)
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// One bad variable: rendered as the single line printed before exiting.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {var} {problem} (got {value:?})")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub problem: &'static str,
}

/// What is wrong with a refused `SMTP_URL` (`mail::Mailer` says it too).
pub const SMTP_URL_PROBLEM: &str = "must be an smtp:// or smtps:// URL with a host";
/// What is wrong with a refused `MAIL_FROM`.
pub const MAIL_FROM_PROBLEM: &str = "must be an email address, optionally as `Name <address>`";

/// The managed PostgreSQL's default port: outside Linux's ephemeral range (32768 up), so
/// an outgoing connection never holds it, and away from 5432 and its neighbours.
pub const DEFAULT_MANAGED_DATABASE_PORT: u16 = 25432;

impl Config {
    /// Reads the process environment, after loading `.env` if there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is reported by the variables it breaks.
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any lookup, so tests need not touch the process env.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &'static str| get(name).filter(|v| !v.trim().is_empty());

        let database_url = database_url(&var)?;
        let public_url = public_url(&var)?;
        let log_format = log_format(&var)?;
        let cors_allowed_origins = var("CORS_ALLOWED_ORIGINS")
            .map(|v| {
                v.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_string())
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let (smtp_url, mail_from) = mail(&var)?;

        Ok(Config {
            database_url,
            data_dir: PathBuf::from(
                var("KOTESHEN_DATA_DIR").unwrap_or_else(|| "koteshen-data".into()),
            ),
            managed_database_port: parse(
                &var,
                "KOTESHEN_DATABASE_PORT",
                DEFAULT_MANAGED_DATABASE_PORT,
                "must be a port number from 1 to 65535",
                |n: &u16| *n > 0,
            )?,
            postgres_bin: var("KOTESHEN_POSTGRES_BIN").map(PathBuf::from),
            database_max_connections: parse(
                &var,
                "DATABASE_MAX_CONNECTIONS",
                10,
                "must be a whole number from 1 to 1000",
                |n: &u32| (1..=1000).contains(n),
            )?,
            host: parse(
                &var,
                "HOST",
                IpAddr::from([0, 0, 0, 0]),
                "must be an IP address",
                |_| true,
            )?,
            port: parse(&var, "PORT", 3000, "must be a port number", |_| true)?,
            public_url: public_url.trim_end_matches('/').to_string(),
            link_secret: var("LINK_SECRET"),
            log_format,
            cors_allowed_origins,
            request_timeout: Duration::from_secs(parse(
                &var,
                "REQUEST_TIMEOUT_SECONDS",
                30,
                "must be a whole number of seconds from 1 to 3600",
                |n: &u64| (1..=3600).contains(n),
            )?),
            rate_limit_per_minute: per_minute(&var, "RATE_LIMIT_PER_MINUTE", 100)?,
            token_endpoint_per_minute: per_minute(&var, "TOKEN_RATE_LIMIT_PER_MINUTE", 60)?,
            failed_bearer_per_minute: per_minute(&var, "FAILED_BEARER_RATE_LIMIT_PER_MINUTE", 20)?,
            rate_limit_store: match var("RATE_LIMIT_STORE").as_deref().map(str::trim) {
                None | Some("memory") => RateLimitStore::Memory,
                Some("postgres") => RateLimitStore::Postgres,
                Some(other) => {
                    return Err(ConfigError {
                        var: "RATE_LIMIT_STORE",
                        value: other.to_string(),
                        problem: "must be memory (one server) or postgres (several on one \
                                  database; redis is not built in)",
                    });
                }
            },
            trusted_proxies: TrustedProxies::parse(&var("TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|bad| ConfigError {
                    var: "TRUSTED_PROXIES",
                    value: bad,
                    problem: "must be comma-separated CIDRs or IP addresses",
                })?,
            workers: parse(&var, "WORKERS", true, "must be true or false", |_| true)?,
            worker_poll_interval: Duration::from_millis(parse(
                &var,
                "WORKER_POLL_MILLISECONDS",
                1000,
                "must be a whole number of milliseconds from 10 to 60000",
                |n: &u64| (10..=60_000).contains(n),
            )?),
            sweep_interval: Duration::from_secs(parse(
                &var,
                "SWEEP_INTERVAL_SECONDS",
                60,
                "must be a whole number of seconds from 1 to 86400",
                |n: &u64| (1..=86_400).contains(n),
            )?),
            webhook_allow_private: parse(
                &var,
                "WEBHOOK_ALLOW_PRIVATE",
                false,
                "must be true or false",
                |_| true,
            )?,
            signup_open: match var("SIGNUP").as_deref().map(str::trim) {
                None | Some("closed") => false,
                Some("open") => true,
                Some(other) => {
                    return Err(ConfigError {
                        var: "SIGNUP",
                        value: other.to_string(),
                        problem: "must be open or closed",
                    });
                }
            },
            smtp_url,
            mail_from,
            pdf_font_dir: var("PDF_FONT_DIR").map(PathBuf::from),
            limits: Limits::from_vars(&var)?,
        })
    }

    /// No `DATABASE_URL`: koteshen runs a PostgreSQL of its own.
    pub fn database_is_managed(&self) -> bool {
        self.database_url.is_empty()
    }

    /// How to run the managed PostgreSQL.
    pub fn managed_settings(&self) -> crate::managed_db::Settings {
        crate::managed_db::Settings {
            data_dir: self.data_dir.clone(),
            port: self.managed_database_port,
            bin_dir: self.postgres_bin.clone(),
            server_options: vec![],
        }
    }

    /// The same configuration pointed at another database (tests use one per test).
    pub fn with_database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = url.into();
        self
    }
}

/// `DATABASE_URL`: empty (koteshen runs its own PostgreSQL) or a postgres:// URL.
fn database_url(var: &impl Fn(&'static str) -> Option<String>) -> Result<String, ConfigError> {
    let database_url = var("DATABASE_URL").unwrap_or_default();
    if !(database_url.is_empty()
        || database_url.starts_with("postgres://")
        || database_url.starts_with("postgresql://"))
    {
        return Err(ConfigError {
            var: "DATABASE_URL",
            value: redact_url(&database_url),
            problem: "must be a postgres:// URL",
        });
    }
    Ok(database_url)
}

fn public_url(var: &impl Fn(&'static str) -> Option<String>) -> Result<String, ConfigError> {
    let public_url = var("PUBLIC_URL").unwrap_or_else(|| "http://localhost:3000".into());
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        return Err(ConfigError {
            var: "PUBLIC_URL",
            value: public_url,
            problem: "must be an http:// or https:// URL",
        });
    }
    Ok(public_url)
}

fn log_format(var: &impl Fn(&'static str) -> Option<String>) -> Result<LogFormat, ConfigError> {
    match var("LOG_FORMAT").as_deref() {
        None | Some("pretty") => Ok(LogFormat::Pretty),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(ConfigError {
            var: "LOG_FORMAT",
            value: other.into(),
            problem: "must be `pretty` or `json`",
        }),
    }
}

/// `SMTP_URL` and `MAIL_FROM`, checked as the `Mailer` will read them.
fn mail(var: &impl Fn(&'static str) -> Option<String>) -> Result<(String, String), ConfigError> {
    let smtp_url = var("SMTP_URL").unwrap_or_else(|| "smtp://localhost:1025".into());
    if !is_smtp_url(&smtp_url) {
        return Err(ConfigError {
            var: "SMTP_URL",
            value: redact_url(&smtp_url),
            problem: SMTP_URL_PROBLEM,
        });
    }
    let mail_from = var("MAIL_FROM").unwrap_or_else(|| "Koteshen <billing@localhost>".into());
    if mail_from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError {
            var: "MAIL_FROM",
            value: mail_from,
            problem: MAIL_FROM_PROBLEM,
        });
    }
    Ok((smtp_url, mail_from))
}

fn parse<T: FromStr>(
    var: &impl Fn(&'static str) -> Option<String>,
    name: &'static str,
    default: T,
    problem: &'static str,
    valid: impl Fn(&T) -> bool,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(raw) => match raw.trim().parse::<T>() {
            Ok(v) if valid(&v) => Ok(v),
            _ => Err(ConfigError {
                var: name,
                value: raw,
                problem,
            }),
        },
    }
}

/// A requests-per-minute limit: a whole number from 1 to 1,000,000.
fn per_minute(
    var: &impl Fn(&'static str) -> Option<String>,
    name: &'static str,
    default: u32,
) -> Result<u32, ConfigError> {
    parse(
        var,
        name,
        default,
        "must be a whole number of requests from 1 to 1000000",
        |n: &u32| (1..=1_000_000).contains(n),
    )
}

/// Whether this is an smtp:// or smtps:// URL lettre reads (its own parser, so the
/// check and the `mail::Mailer` built from it at startup cannot disagree; reading a URL
/// opens no connection).
fn is_smtp_url(raw: &str) -> bool {
    (raw.starts_with("smtp://") || raw.starts_with("smtps://"))
        && lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(raw).is_ok()
}

/// Hides the password of a connection URL for logs and error lines.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = config(&[]).unwrap();
        assert!(c.database_is_managed());
        assert_eq!(c.data_dir, PathBuf::from("koteshen-data"));
        assert_eq!(c.managed_database_port, 25432);
        assert_eq!(c.port, 3000);
        assert_eq!(c.host.to_string(), "0.0.0.0");
        assert_eq!(c.public_url, "http://localhost:3000");
        assert_eq!(c.log_format, LogFormat::Pretty);
        assert!(c.cors_allowed_origins.is_empty());
        assert_eq!(c.rate_limit_per_minute, 100);
        assert_eq!(c.token_endpoint_per_minute, 60);
        assert_eq!(c.failed_bearer_per_minute, 20);
        assert!(!c.webhook_allow_private);
        assert!(!c.signup_open, "sign-up is closed unless opened");
    }

    #[test]
    fn signup_is_open_or_closed() {
        assert!(config(&[("SIGNUP", "open")]).unwrap().signup_open);
        assert!(!config(&[("SIGNUP", "closed")]).unwrap().signup_open);
        let err = config(&[("SIGNUP", "yes")]).unwrap_err();
        assert_eq!(err.var, "SIGNUP");
    }

    #[test]
    fn a_bad_port_names_the_variable() {
        let err = config(&[("PORT", "abc")]).unwrap_err();
        assert_eq!(err.var, "PORT");
        assert!(err.to_string().contains("PORT"));
    }

    #[test]
    fn every_bad_value_is_rejected_with_its_name() {
        for (var, value) in [
            ("HOST", "localhost:1"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("LOG_FORMAT", "xml"),
            ("PUBLIC_URL", "ftp://x"),
            ("DATABASE_URL", "mysql://x"),
            ("KOTESHEN_DATABASE_PORT", "0"),
            ("REQUEST_TIMEOUT_SECONDS", "-1"),
            ("WORKERS", "sometimes"),
            ("WORKER_POLL_MILLISECONDS", "1"),
            ("SWEEP_INTERVAL_SECONDS", "0"),
            ("WEBHOOK_ALLOW_PRIVATE", "maybe"),
            ("RATE_LIMIT_PER_MINUTE", "0"),
            ("TOKEN_RATE_LIMIT_PER_MINUTE", "many"),
            ("FAILED_BEARER_RATE_LIMIT_PER_MINUTE", "-5"),
            ("SMTP_URL", "http://mail.example.com"),
            ("SMTP_URL", "smtp://"),
            ("MAIL_FROM", "not an address"),
        ] {
            let err = config(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
        }
    }

    #[test]
    fn smtp_urls_are_checked_as_lettre_reads_them() {
        for ok in [
            "smtp://localhost:1025",
            "smtps://user:pw@smtp.example.com",
            "smtp://mail.example.com?tls=required",
            "smtp://mail.example.com:587?tls=opportunistic",
            "smtp://us%40er:p%20w@mail.example.com",
        ] {
            assert!(is_smtp_url(ok), "{ok}");
        }
        for bad in [
            "http://localhost",
            "smtp://",
            "SMTP://localhost",
            "smtp://mail.example.com?tls=sometimes",
            "smtp://user:%ff@mail.example.com",
            "smtp://mail example.com",
        ] {
            assert!(!is_smtp_url(bad), "{bad}");
        }
    }

    #[test]
    fn public_url_loses_its_trailing_slash() {
        let c = config(&[("PUBLIC_URL", "https://billing.example.com/")]).unwrap();
        assert_eq!(c.public_url, "https://billing.example.com");
    }

    #[test]
    fn debug_output_hides_the_database_password() {
        let c = config(&[("DATABASE_URL", "postgres://app:s3cret@db:5432/k")]).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"));
        assert!(shown.contains("app:***@db"));
        let c = config(&[("SMTP_URL", "smtps://mailer:s3cret@smtp.example.com")]).unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
