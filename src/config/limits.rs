//! The limits and quotas that keep one business (or one slow receiver) from hurting the
//! others on a server: every one has a variable, a default and a range, listed in
//! `.env.example` and in the README's operator section.

use std::time::Duration;

use super::{ConfigError, parse};

/// Every bound on work one business can cause.
#[derive(Clone, Debug)]
pub struct Limits {
    /// `RECURRING_CATCH_UP_PER_SWEEP`: occurrences one subscription may catch up in one
    /// sweep after downtime (the rest follow in later sweeps).
    pub recurring_catch_up: u32,
    /// `SWEEP_PER_BUSINESS`: due rows one sweep takes from one business before moving on,
    /// so one business's backlog never starves another's.
    pub sweep_per_business: u32,
    /// `WORKER_CONCURRENCY`: jobs one process runs at once (0: four per core, 4 to 32).
    pub worker_concurrency: usize,
    /// `WORKER_JOBS_PER_BUSINESS`: of those, how many one business may hold (0: half).
    pub worker_jobs_per_business: usize,
    /// `WEBHOOK_IN_FLIGHT_PER_ENDPOINT`: deliveries to one endpoint at once, all
    /// processes together.
    pub webhook_in_flight_per_endpoint: u32,
    /// `WEBHOOK_ENDPOINTS_PER_BUSINESS`: endpoints one business may register.
    pub webhook_endpoints_per_business: u32,
    /// `WEBHOOK_TIMEOUT_SECONDS`: the whole of one delivery attempt (connect, send,
    /// answer).
    pub webhook_timeout: Duration,
    /// `WEBHOOK_BREAKER_FAILURES`: consecutive failed attempts that open an endpoint's
    /// circuit breaker.
    pub webhook_breaker_failures: u32,
    /// `WEBHOOK_BREAKER_COOLDOWN_SECONDS`: how long an open breaker holds an endpoint's
    /// deliveries back before one is tried again.
    pub webhook_breaker_cooldown: Duration,
    /// `ARGON2_CONCURRENCY`: password and client-secret hashes computed at once (0: one
    /// per core).
    pub argon2_concurrency: usize,
    /// `PDF_RENDER_CONCURRENCY`: invoice and quote PDFs typeset at once (each a CPU-bound
    /// few milliseconds and some megabytes); more wait their turn.
    pub pdf_render_concurrency: usize,
    /// `CLIENT_AUTH_RATE_LIMIT_PER_MINUTE`: client authentications per minute one OAuth
    /// client id may attempt on token, revoke and introspect (per IP is
    /// `TOKEN_RATE_LIMIT_PER_MINUTE`).
    pub client_auth_per_minute: u32,
    /// `EMAIL_MAX_RECIPIENTS`: addresses one email may go to, `to` and `cc` together.
    pub email_max_recipients: usize,
    /// `EMAIL_QUOTA_PER_HOUR`: emails one business may send in a rolling hour.
    pub email_per_hour: u32,
    /// `EMAIL_QUOTA_PER_DAY`: emails one business may send in a rolling day.
    pub email_per_day: u32,
    /// `RETAIN_EVENTS_DAYS`: how long events stay in the log.
    pub retain_events: chrono::Duration,
    /// `RETAIN_WEBHOOK_DELIVERIES_DAYS`: how long delivery attempts stay in the log.
    pub retain_deliveries: chrono::Duration,
    /// `RETAIN_DONE_JOBS_DAYS`: how long finished jobs are kept.
    pub retain_done_jobs: chrono::Duration,
    /// `RETAIN_DEAD_JOBS_DAYS`: how long jobs that gave up are kept for inspection.
    pub retain_dead_jobs: chrono::Duration,
    /// `RETAIN_OAUTH_DAYS`: how long used or expired authorization codes and revoked,
    /// rotated or expired tokens are kept after they stopped working.
    pub retain_oauth: chrono::Duration,
    /// `IDEMPOTENCY_KEY_HOURS`: how long an `Idempotency-Key` answers a retry.
    pub idempotency_retention: chrono::Duration,
    /// `REFRESH_TOKEN_IDLE_DAYS`: a refresh token unused this long stops working.
    pub refresh_token_idle: chrono::Duration,
    /// `REFRESH_TOKEN_LIFETIME_DAYS`: a token family (first consent and every refresh
    /// after it) stops working this long after the consent, used or not.
    pub refresh_token_lifetime: chrono::Duration,
}

/// The machine's cores, as the defaults size themselves by.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

impl Limits {
    pub(super) fn from_vars(
        var: &impl Fn(&'static str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let count = |name, default: u32, max: u32| {
            parse(
                var,
                name,
                default,
                "must be a whole number from 1 to the stated maximum",
                |n: &u32| (1..=max).contains(n),
            )
        };
        let auto = |name, max: usize| {
            parse(
                var,
                name,
                0usize,
                "must be 0 (automatic) or a whole number up to 256",
                |n: &usize| *n <= max,
            )
        };
        let days = |name, default: i64| {
            parse(
                var,
                name,
                default,
                "must be a whole number of days from 1 to 3650",
                |n: &i64| (1..=3650).contains(n),
            )
            .map(chrono::Duration::days)
        };
        let seconds = |name, default: u64, max: u64| {
            parse(
                var,
                name,
                default,
                "must be a whole number of seconds in range",
                |n: &u64| (1..=max).contains(n),
            )
            .map(Duration::from_secs)
        };

        let worker_concurrency = match auto("WORKER_CONCURRENCY", 256)? {
            0 => (4 * cores()).clamp(4, 32),
            n => n,
        };
        let worker_jobs_per_business = match auto("WORKER_JOBS_PER_BUSINESS", 256)? {
            0 => (worker_concurrency / 2).max(1),
            n => n.min(worker_concurrency),
        };
        let argon2_concurrency = match auto("ARGON2_CONCURRENCY", 256)? {
            0 => cores(),
            n => n,
        };
        Ok(Limits {
            recurring_catch_up: count("RECURRING_CATCH_UP_PER_SWEEP", 3, 1000)?,
            sweep_per_business: count("SWEEP_PER_BUSINESS", 25, 100_000)?,
            worker_concurrency,
            worker_jobs_per_business,
            webhook_in_flight_per_endpoint: count("WEBHOOK_IN_FLIGHT_PER_ENDPOINT", 2, 100)?,
            webhook_endpoints_per_business: count("WEBHOOK_ENDPOINTS_PER_BUSINESS", 16, 1000)?,
            webhook_timeout: seconds("WEBHOOK_TIMEOUT_SECONDS", 10, 60)?,
            webhook_breaker_failures: count("WEBHOOK_BREAKER_FAILURES", 5, 1000)?,
            webhook_breaker_cooldown: seconds("WEBHOOK_BREAKER_COOLDOWN_SECONDS", 60, 86_400)?,
            argon2_concurrency,
            pdf_render_concurrency: count("PDF_RENDER_CONCURRENCY", 2, 64)? as usize,
            client_auth_per_minute: count("CLIENT_AUTH_RATE_LIMIT_PER_MINUTE", 60, 1_000_000)?,
            email_max_recipients: count("EMAIL_MAX_RECIPIENTS", 10, 40)? as usize,
            email_per_hour: count("EMAIL_QUOTA_PER_HOUR", 200, 1_000_000)?,
            email_per_day: count("EMAIL_QUOTA_PER_DAY", 1000, 10_000_000)?,
            retain_events: days("RETAIN_EVENTS_DAYS", 90)?,
            retain_deliveries: days("RETAIN_WEBHOOK_DELIVERIES_DAYS", 30)?,
            retain_done_jobs: days("RETAIN_DONE_JOBS_DAYS", 7)?,
            retain_dead_jobs: days("RETAIN_DEAD_JOBS_DAYS", 30)?,
            retain_oauth: days("RETAIN_OAUTH_DAYS", 30)?,
            idempotency_retention: parse(
                var,
                "IDEMPOTENCY_KEY_HOURS",
                24i64,
                "must be a whole number of hours from 1 to 720",
                |n: &i64| (1..=720).contains(n),
            )
            .map(chrono::Duration::hours)?,
            refresh_token_idle: days("REFRESH_TOKEN_IDLE_DAYS", 30)?,
            refresh_token_lifetime: days("REFRESH_TOKEN_LIFETIME_DAYS", 365)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(vars: &[(&'static str, &str)]) -> Result<Limits, ConfigError> {
        let vars: Vec<(&'static str, String)> =
            vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        Limits::from_vars(&|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn automatic_sizes_follow_the_machine_and_stay_in_range() {
        let l = limits(&[]).unwrap();
        assert!((4..=32).contains(&l.worker_concurrency));
        assert!(l.worker_jobs_per_business >= 1);
        assert!(l.worker_jobs_per_business < l.worker_concurrency);
        assert!(l.argon2_concurrency >= 1);
        assert_eq!(l.email_max_recipients, 10);
        assert_eq!(l.refresh_token_lifetime, chrono::Duration::days(365));
    }

    #[test]
    fn a_business_never_holds_more_workers_than_there_are() {
        let l = limits(&[
            ("WORKER_CONCURRENCY", "3"),
            ("WORKER_JOBS_PER_BUSINESS", "9"),
        ])
        .unwrap();
        assert_eq!(l.worker_concurrency, 3);
        assert_eq!(l.worker_jobs_per_business, 3);
    }

    #[test]
    fn every_bad_limit_is_rejected_with_its_name() {
        for (var, value) in [
            ("RECURRING_CATCH_UP_PER_SWEEP", "0"),
            ("SWEEP_PER_BUSINESS", "x"),
            ("WORKER_CONCURRENCY", "-1"),
            ("WEBHOOK_TIMEOUT_SECONDS", "61"),
            ("EMAIL_MAX_RECIPIENTS", "41"),
            ("EMAIL_QUOTA_PER_HOUR", "0"),
            ("RETAIN_EVENTS_DAYS", "0"),
            ("IDEMPOTENCY_KEY_HOURS", "721"),
            ("REFRESH_TOKEN_IDLE_DAYS", "forever"),
        ] {
            let err = limits(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
        }
    }
}
