//! Random secrets and their hashes. Tokens and codes carry 256 random bits, so a fast
//! SHA-256 is the right hash for looking them up; passwords and client secrets that a
//! person may choose go through argon2id, off the async executor and through a gate
//! that bounds how many run at once.

use std::sync::{Arc, OnceLock};

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

/// 32 bytes from the OS CSPRNG, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256, hex: how tokens and codes are stored and looked up.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The argon2 work this process may do at once. Every password and client-secret hash
/// and verification takes a permit first, so a flood of sign-ins or client
/// authentications queues here (first come, first served) instead of occupying the
/// blocking pool's threads and the cores; the queue is bounded by whoever waits in it:
/// a request's wait ends with the request timeout's 503.
///
/// The permit moves into the blocking task, so a hash whose request was abandoned still
/// holds its permit until it finishes: the bound is on work actually running.
#[derive(Clone)]
pub struct Argon2Gate {
    permits: Arc<Semaphore>,
}

impl Argon2Gate {
    /// `permits` hashes at once (at least one).
    pub fn new(permits: usize) -> Self {
        Argon2Gate {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// The gate of work done outside a server (the admin CLI, test set-up): one hash per
    /// core, shared by every such caller in the process.
    pub fn process_default() -> Self {
        static DEFAULT: OnceLock<Argon2Gate> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                Argon2Gate::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
            })
            .clone()
    }

    /// Runs `work` on the blocking pool once a permit is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .context("the argon2 gate is closed")?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .context("the hashing task did not finish")
    }

    /// argon2id PHC string.
    pub async fn hash_password(&self, password: String) -> anyhow::Result<String> {
        self.run(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|hash| hash.to_string())
                .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
        })
        .await?
    }

    /// Checks a password against its stored PHC string.
    pub async fn verify_password(&self, password: String, phc: String) -> bool {
        self.run(move || {
            PasswordHash::new(&phc)
                .map(|parsed| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &parsed)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false)
    }

    /// Permits free now (for tests of the bound).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }
}

/// argon2id PHC string, through [`Argon2Gate::process_default`] (callers outside a
/// server: the admin CLI, tests' set-up).
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    Argon2Gate::process_default().hash_password(password).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn token_hash_is_hex_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_own_hash() {
        let gate = Argon2Gate::new(1);
        let hash = gate.hash_password("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            gate.verify_password("correct horse".into(), hash.clone())
                .await
        );
        assert!(!gate.verify_password("wrong".into(), hash.clone()).await);
        assert!(
            !gate
                .verify_password("x".into(), "not a phc string".into())
                .await
        );
        assert_eq!(gate.available(), 1, "every permit came back");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_the_gate_allows() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let gate = Argon2Gate::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
            tasks.spawn(async move {
                gate.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
                .unwrap()
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_abandoned_hash_keeps_its_permit_until_it_finishes() {
        let gate = Argon2Gate::new(1);
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let waiting = gate.clone();
        let task = tokio::spawn(async move {
            waiting
                .run(move || {
                    let _ = started_tx.send(());
                    let _ = released.recv();
                })
                .await
        });
        started.await.unwrap();
        task.abort();
        let _ = task.await;
        assert_eq!(
            gate.available(),
            0,
            "the work still runs, so it still counts"
        );
        release.send(()).unwrap();
        gate.run(|| ()).await.unwrap();
        assert_eq!(gate.available(), 1);
    }
}
