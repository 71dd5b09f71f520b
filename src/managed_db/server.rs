//! One PostgreSQL data directory: initdb, start, readiness, stop, and what a failed
//! start means in one line.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::binaries::Binaries;
use super::owner::RunAs;

/// The server's superuser, owner of the `koteshen` database.
pub const SUPERUSER: &str = "koteshen";

/// A command for `binary` run as `user` (when koteshen is root), in its own process
/// group: a Ctrl-C in the terminal reaches koteshen, which stops the server after the
/// API has drained, instead of PostgreSQL shutting down under in-flight requests.
fn command(binary: &Path, user: Option<&RunAs>) -> Command {
    let mut command = Command::new(binary);
    command
        .current_dir("/")
        .process_group(0)
        .stdin(Stdio::null());
    if let Some(user) = user {
        command.uid(user.uid).gid(user.gid);
    }
    command
}

fn chown(path: &Path, user: Option<&RunAs>) -> anyhow::Result<()> {
    if let Some(user) = user {
        std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
            .with_context(|| format!("cannot give {} to user {}", path.display(), user.name))?;
    }
    Ok(())
}

/// Creates the cluster in `pgdata`: built beside it and renamed, so an interrupted
/// initdb never leaves a half-made data directory behind.
pub fn init(
    binaries: &Binaries,
    pgdata: &Path,
    password: &str,
    user: Option<&RunAs>,
    log: &Path,
) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let parent = pgdata.parent().context("the data directory has a parent")?;
    let building = parent.join("pgdata.initializing");
    let pwfile = parent.join("initdb.password");
    let _ = std::fs::remove_dir_all(&building);
    std::fs::create_dir(&building)
        .with_context(|| format!("cannot create {}", building.display()))?;
    std::fs::set_permissions(&building, std::fs::Permissions::from_mode(0o700))?;
    chown(&building, user)?;
    std::fs::write(&pwfile, password)?;
    std::fs::set_permissions(&pwfile, std::fs::Permissions::from_mode(0o600))?;
    chown(&pwfile, user)?;
    let output = command(&binaries.initdb(), user)
        .arg("-D")
        .arg(&building)
        .args(["-U", SUPERUSER, "-A", "scram-sha-256", "-E", "UTF8"])
        .arg("--locale=C")
        .arg(format!("--pwfile={}", pwfile.display()))
        .output()
        .context("cannot run initdb")?;
    let _ = std::fs::remove_file(&pwfile);
    if !output.status.success() {
        let _ = std::fs::write(log, [&output.stdout[..], &output.stderr[..]].concat());
        let _ = std::fs::remove_dir_all(&building);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let cause = stderr
            .lines()
            .rfind(|l| l.contains("error"))
            .unwrap_or("see the log");
        bail!("initdb failed in {}: {}", building.display(), cause.trim());
    }
    std::fs::rename(&building, pgdata)
        .with_context(|| format!("cannot move the new cluster to {}", pgdata.display()))?;
    Ok(())
}

/// What `postmaster.pid` says about a running server.
#[derive(Debug, PartialEq, Eq)]
pub struct Postmaster {
    pub pid: u32,
    pub port: u16,
    pub ready: bool,
}

/// Lines: pid, data directory, start time, port, socket directory, listen address,
/// shared memory key, status (`ready` once it accepts connections).
pub fn parse_pid_file(text: &str) -> Option<Postmaster> {
    let lines: Vec<&str> = text.lines().collect();
    Some(Postmaster {
        pid: lines.first()?.trim().parse().ok()?,
        port: lines.get(3)?.trim().parse().ok()?,
        ready: lines.get(7).is_some_and(|s| s.trim() == "ready"),
    })
}

pub fn alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let pid = pid as libc::pid_t;
    pid > 0 && unsafe { libc::kill(pid, 0) } == 0
}

/// The server running from `pgdata`, if one is (a stale pid file from a crash is not).
pub fn running(pgdata: &Path) -> Option<Postmaster> {
    let text = std::fs::read_to_string(pgdata.join("postmaster.pid")).ok()?;
    parse_pid_file(&text).filter(|pm| alive(pm.pid))
}

/// Starts `postgres` and waits until it accepts connections; its output goes to `log`.
pub fn start(
    binaries: &Binaries,
    pgdata: &Path,
    port: u16,
    options: &[(String, String)],
    user: Option<&RunAs>,
    log: &Path,
) -> anyhow::Result<Child> {
    let mut log_file = File::options()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("cannot open {}", log.display()))?;
    let from = log_file.seek(SeekFrom::End(0))?;
    let mut command = command(&binaries.postgres(), user);
    command
        .arg("-D")
        .arg(pgdata)
        .arg("-p")
        .arg(port.to_string())
        // Loopback only, no Unix socket: nothing outside this machine reaches it, and no
        // socket directory (the system's /var/run/postgresql) is shared with another server.
        .args([
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=",
        ]);
    for (name, value) in options {
        command.arg("-c").arg(format!("{name}={value}"));
    }
    let mut child = command
        .stdout(log_file.try_clone()?)
        .stderr(log_file)
        .spawn()
        .with_context(|| format!("cannot run {}", binaries.postgres().display()))?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            bail!("{}", start_failure(&log_since(log, from), port, status));
        }
        if running(pgdata).is_some_and(|pm| pm.pid == child.id() && pm.ready) {
            return Ok(child);
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "PostgreSQL did not accept connections within 120 s; see {}",
                log.display()
            );
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn log_since(log: &Path, from: u64) -> String {
    let mut text = String::new();
    if let Ok(mut file) = File::open(log) {
        let _ = file.seek(SeekFrom::Start(from));
        let _ = file.read_to_string(&mut text);
    }
    text
}

/// The cause of a failed start, in one line, from what the server wrote.
pub fn start_failure(output: &str, port: u16, status: std::process::ExitStatus) -> String {
    if output.contains("Address already in use") {
        return format!(
            "port {port} on 127.0.0.1 is in use by another program, so the managed \
             PostgreSQL cannot listen there: stop it, or set KOTESHEN_DATABASE_PORT to a free port"
        );
    }
    let fatal = output
        .lines()
        .find(|l| l.contains("FATAL:") || l.contains("ERROR:"))
        .or_else(|| output.lines().rfind(|l| !l.trim().is_empty()))
        .map(str::trim)
        .unwrap_or("no output");
    format!("PostgreSQL stopped at start ({status}): {fatal}")
}

/// Fast shutdown (clients disconnected, a clean checkpoint), then waits until the server
/// has gone; an immediate shutdown if it has not within a minute.
pub fn stop(pid: u32, child: Option<&mut Child>, pgdata: &Path) -> anyhow::Result<()> {
    let signal = |sig| {
        // SAFETY: plain kill(2) on a pid we read from the server itself.
        unsafe { libc::kill(pid as libc::pid_t, sig) }
    };
    signal(libc::SIGINT);
    let started = Instant::now();
    let gone = |child: &mut Option<&mut Child>| match child {
        Some(child) => child.try_wait().ok().flatten().is_some(),
        // Not our child: its pid file goes when it has shut down.
        None => !alive(pid) || running(pgdata).is_none_or(|pm| pm.pid != pid),
    };
    let mut child = child;
    while !gone(&mut child) {
        if started.elapsed() > Duration::from_secs(60) {
            signal(libc::SIGQUIT);
            bail!("PostgreSQL (pid {pid}) did not stop within 60 s; sent it SIGQUIT");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Ok(())
}

pub fn pid_file(pgdata: &Path) -> PathBuf {
    pgdata.join("postmaster.pid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn the_pid_file_gives_pid_port_and_readiness() {
        let text = "4242\n/d/pgdata\n1764620000\n25432\n\n127.0.0.1\n  1234   5678\nready   \n";
        assert_eq!(
            parse_pid_file(text),
            Some(Postmaster {
                pid: 4242,
                port: 25432,
                ready: true
            })
        );
        let starting = "4242\n/d/pgdata\n1764620000\n25432\n\n127.0.0.1\n  1234   5678\nstarting\n";
        assert!(!parse_pid_file(starting).unwrap().ready);
        assert_eq!(parse_pid_file("garbage"), None);
    }

    #[test]
    fn a_port_in_use_is_named_in_one_line() {
        let output = "LOG:  could not bind IPv4 address \"127.0.0.1\": Address already in use\n\
                      FATAL:  could not create any TCP/IP sockets\n";
        let line = start_failure(output, 25432, std::process::ExitStatus::from_raw(256));
        assert!(line.contains("port 25432"), "{line}");
        assert!(line.contains("KOTESHEN_DATABASE_PORT"), "{line}");
        let line = start_failure(
            "FATAL:  database files are incompatible with server\n",
            1,
            std::process::ExitStatus::from_raw(256),
        );
        assert!(line.contains("incompatible"), "{line}");
    }
}
