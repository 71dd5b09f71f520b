//! The binary with `DATABASE_URL` unset runs a PostgreSQL of its own: this machine's
//! binaries, an empty data directory and a port of its own per test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use koteshen::managed_db::server;

use crate::harness::test_postgres::free_port;

#[path = "managed_db_support.rs"]
mod support;
use support::{DataDir, failure_line};

/// `koteshen …` with nothing configured but the data directory and the database port.
fn koteshen(dir: &Path, db_port: u16, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_koteshen"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KOTESHEN_DATA_DIR", dir)
        .env("KOTESHEN_DATABASE_PORT", db_port.to_string())
        // Away from the checkout, whose .env (DATABASE_URL) would take over.
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null());
    command
}

/// `koteshen serve` on a port of its own; answers the child, its address and the line
/// that says which database it uses.
fn serve(dir: &Path, db_port: u16) -> (Child, String, String) {
    let mut child = koteshen(dir, db_port, &["serve"])
        .env("HOST", "127.0.0.1")
        .env("PORT", "0")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start koteshen serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut database_line = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let message = v["message"].as_str().unwrap_or_default();
            if message.contains("managed PostgreSQL") && database_line.is_empty() {
                database_line = message.to_string();
            }
            if message == "listening" {
                let address = v["address"].as_str().unwrap_or_default().to_string();
                let _ = tx.send((address, database_line.clone()));
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok((address, line)) => (child, address, line),
        Err(_) => {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "the server did not listen: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

/// SIGTERM, then the exit status, within `limit`.
fn terminate(mut child: Child, limit: Duration) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < limit, "exits within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn admin(dir: &Path, db_port: u16, args: &[&str]) -> serde_json::Value {
    let mut full = vec!["admin"];
    full.extend_from_slice(args);
    let output = koteshen(dir, db_port, &full)
        .env("KOTESHEN_PASSWORD", "a long enough password")
        .output()
        .expect("run koteshen admin");
    assert!(
        output.status.success(),
        "admin {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("admin prints JSON")
}

async fn me(address: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("http://{address}/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The postmaster's pid while it runs; after it, neither the process nor its pid file.
fn assert_no_server_left(dir: &DataDir, pid: u32) {
    assert!(
        !server::alive(pid),
        "PostgreSQL (pid {pid}) is still running"
    );
    assert!(
        !server::pid_file(&dir.pgdata()).exists(),
        "postmaster.pid left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_database_url_the_binary_runs_its_own_postgresql_and_keeps_its_data() {
    koteshen::tls::install_crypto_provider();
    let dir = DataDir::new();
    let db_port = free_port();

    let (child, address, line) = serve(&dir.0, db_port);
    assert!(line.starts_with("started managed PostgreSQL"), "{line}");
    assert!(line.contains(&format!("127.0.0.1:{db_port}")), "{line}");
    assert!(line.contains("psql \"postgres://koteshen:$(cat "), "{line}");
    let pid = server::running(&dir.pgdata()).expect("the server runs").pid;
    let ready = reqwest::get(format!("http://{address}/readyz"))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);

    // The admin commands join the running server.
    admin(
        &dir.0,
        db_port,
        &[
            "create-user",
            "--email",
            "owner@example.com",
            "--business-name",
            "Flixtechs",
        ],
    );
    let client = admin(
        &dir.0,
        db_port,
        &[
            "create-client",
            "--name",
            "CLI",
            "--redirect-uri",
            "http://localhost:9999/cb",
        ],
    );
    let client_id = client["client_id"].as_str().unwrap().to_string();
    let issue = [
        "issue-token",
        "--email",
        "owner@example.com",
        "--client-id",
        &client_id,
    ];
    let token = admin(&dir.0, db_port, &issue)["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        me(&address, &token).await,
        200,
        "the server sees the account"
    );

    let status = terminate(child, Duration::from_secs(30));
    assert!(status.success(), "exit status {status}");
    assert_no_server_left(&dir, pid);

    // Restarted on the same directory: the account and its token are still there.
    let (child, address, line) = serve(&dir.0, db_port);
    assert!(line.starts_with("started managed PostgreSQL"), "{line}");
    let pid = server::running(&dir.pgdata()).expect("the server runs").pid;
    assert_eq!(
        me(&address, &token).await,
        200,
        "the data survived the restart"
    );
    let status = terminate(child, Duration::from_secs(30));
    assert!(status.success(), "exit status {status}");
    assert_no_server_left(&dir, pid);

    // With no server running, an admin command starts it and stops it again.
    let token = admin(&dir.0, db_port, &issue);
    assert!(token["access_token"].is_string());
    assert!(server::running(&dir.pgdata()).is_none(), "admin stopped it");
}

#[test]
fn a_port_in_use_is_named_in_one_line() {
    let dir = DataDir::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let line = failure_line(koteshen(&dir.0, port, &["migrate"]).env("LOG_FORMAT", "json"));
    assert!(
        line.contains(&format!("port {port} on 127.0.0.1 is in use")),
        "{line}"
    );
    assert!(line.contains("KOTESHEN_DATABASE_PORT"), "{line}");
}

#[test]
fn a_data_directory_from_a_newer_major_version_is_named_in_one_line() {
    let dir = DataDir::new();
    std::fs::create_dir_all(dir.pgdata()).unwrap();
    std::fs::write(dir.pgdata().join("PG_VERSION"), "99\n").unwrap();
    std::fs::write(dir.0.join("password"), "secret").unwrap();
    let line = failure_line(&mut koteshen(&dir.0, free_port(), &["migrate"]));
    assert!(line.contains("made by PostgreSQL 99, newer than"), "{line}");
}

#[test]
fn no_binaries_are_named_in_one_line() {
    let dir = DataDir::new();
    let empty = DataDir::new();
    std::fs::create_dir_all(&empty.0).unwrap();
    let line = failure_line(
        koteshen(&dir.0, free_port(), &["migrate"]).env("KOTESHEN_POSTGRES_BIN", &empty.0),
    );
    assert!(line.contains("no PostgreSQL binaries"), "{line}");
    assert!(line.contains("DATABASE_URL"), "{line}");
}

/// `/` belongs to root: to anyone else it is another user's directory. Run as root (CI,
/// here), the command runs as `nobody` to see it so.
#[test]
fn a_data_directory_of_another_user_is_named_in_one_line() {
    use koteshen::managed_db::owner;
    use std::os::unix::process::CommandExt;
    let mut command = koteshen(Path::new("/"), free_port(), &["migrate"]);
    if owner::effective_uid() == 0 {
        let nobody = owner::RunAs {
            uid: 65534,
            gid: 65534,
            name: "nobody".into(),
        };
        let binary = Path::new(env!("CARGO_BIN_EXE_koteshen"));
        if let Err(err) = owner::check_reachable(binary.parent().unwrap(), &nobody) {
            eprintln!("SKIPPED: nobody cannot run the binary here: {err}");
            return;
        }
        command.uid(nobody.uid).gid(nobody.gid);
    }
    let line = failure_line(&mut command);
    assert!(
        line.contains("the data directory / belongs to root, not to"),
        "{line}"
    );
}
