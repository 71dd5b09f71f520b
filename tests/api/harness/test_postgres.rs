//! Without `TEST_DATABASE_URL`: one throwaway PostgreSQL for the whole run, started the
//! way `koteshen serve` starts its own (`managed_db`: this machine's binaries, a
//! generated password, a loopback port, an unprivileged user when run as root), in a
//! temporary directory. A watcher process removes it when this process ends, however it
//! ends: the test harness has no hook after the last test.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use koteshen::managed_db::{ManagedDatabase, Settings};

/// The maintenance URL of the run's server, started on first use.
pub fn admin_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(start).clone()
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start() -> String {
    let dir = std::env::temp_dir().join(format!(
        "koteshen-test-pg-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let settings = Settings {
        data_dir: dir.clone(),
        port: free_port(),
        bin_dir: std::env::var_os("KOTESHEN_POSTGRES_BIN").map(Into::into),
        // Thrown away at the end: durability buys nothing and costs every commit a sync.
        server_options: [
            ("fsync", "off"),
            ("synchronous_commit", "off"),
            ("full_page_writes", "off"),
            // Each database lives for one test: autovacuum only takes CPU from the run
            // (the machine's cluster, which CI's main suite uses, has it off too).
            ("autovacuum", "off"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec(),
    };
    let db = ManagedDatabase::start(&settings).unwrap_or_else(|err| {
        let _ = std::fs::remove_dir_all(&dir);
        panic!(
            "cannot start a PostgreSQL for the tests: {err:#} (or set TEST_DATABASE_URL to a \
             server you run)"
        )
    });
    let pid = db.pid().expect("the server runs");
    // Reads until this process's end closes the pipe, then stops the server and removes
    // its directory. Its own process group: a Ctrl-C that ends the tests spares it.
    let mut watcher = Command::new("sh")
        .arg("-c")
        .arg(
            r#"read _; kill -INT "$1" 2>/dev/null; i=0
            while [ -e "$2/pgdata/postmaster.pid" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
            rm -rf "$2""#,
        )
        .arg("sh")
        .arg(pid.to_string())
        .arg(&dir)
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the watcher (sh)");
    let mut pipe = watcher.stdin.take().expect("the watcher's stdin");
    // Nothing is written; the pipe stays open until this process exits.
    let _ = pipe.flush();
    std::mem::forget(pipe);
    std::mem::forget(watcher);
    let url = db.url("postgres");
    // Never left by this process: the watcher stops it.
    std::mem::forget(db);
    url
}
