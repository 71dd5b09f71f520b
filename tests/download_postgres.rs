//! The download-postgres feature's test, a target of its own so that `.ci/run` builds the
//! feature without rebuilding the whole API suite (`cargo test --features
//! download-postgres --test download_postgres`). Without the feature it is empty.
#![cfg(feature = "download-postgres")]

use std::process::Command;

#[path = "api/managed_db_support.rs"]
mod support;
use support::{DataDir, failure_line};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Built with `download-postgres`, on a machine with no binaries and no network (this
/// one, with /usr/lib/postgresql hidden by a private mount and an empty PATH): the one
/// line says the download failed and points at apt-get and DATABASE_URL. Needs root for
/// the mount namespace; without it the test says SKIPPED and passes.
#[test]
fn with_no_binaries_and_no_network_the_download_failure_is_one_line() {
    if koteshen::managed_db::owner::effective_uid() != 0 {
        eprintln!("SKIPPED: hiding the machine's PostgreSQL takes root (a mount namespace)");
        return;
    }
    let dir = DataDir::new();
    let empty = DataDir::new();
    std::fs::create_dir_all(&empty.0).unwrap();
    let script = format!(
        "/usr/bin/mount --bind '{}' /usr/lib/postgresql && exec '{}' migrate",
        empty.0.display(),
        env!("CARGO_BIN_EXE_koteshen")
    );
    let mut command = Command::new("/usr/bin/unshare");
    command
        .args(["-m", "/bin/sh", "-c", &script])
        .env_clear()
        .env("PATH", "/nonexistent")
        .env("KOTESHEN_DATA_DIR", &dir.0)
        .env("KOTESHEN_DATABASE_PORT", free_port().to_string())
        .current_dir(std::env::temp_dir());
    let line = failure_line(&mut command);
    assert!(line.contains("no PostgreSQL binaries found"), "{line}");
    assert!(line.contains("downloading them failed"), "{line}");
    assert!(line.contains("apt-get install postgresql"), "{line}");
    assert!(line.contains("DATABASE_URL"), "{line}");
}
