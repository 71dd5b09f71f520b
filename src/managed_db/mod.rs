//! The PostgreSQL koteshen runs itself when `DATABASE_URL` is not set: a cluster in
//! `KOTESHEN_DATA_DIR` (kept across restarts) on a loopback port of its own, with a
//! generated password, run with this machine's PostgreSQL binaries.
//!
//! Several koteshen processes may use one data directory at once (`serve` running, an
//! `admin` command beside it): each holds a shared lock on `users.lock` while it does,
//! and the last to leave stops the server. `start.lock` makes that start-or-join and
//! leave-or-stop decision one process at a time. Locks go with their process, so a
//! killed koteshen leaves the server to the next one, which stops it when done.

pub mod binaries;
#[cfg(feature = "download-postgres")]
pub mod download;
pub mod owner;
pub mod server;

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Child;

use anyhow::{Context, bail};

use binaries::Binaries;

/// Where and how to run the managed server.
#[derive(Clone, Debug)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub port: u16,
    /// Only this directory is searched for binaries (`KOTESHEN_POSTGRES_BIN`).
    pub bin_dir: Option<PathBuf>,
    /// Extra server settings (`-c name=value`); the test cluster turns durability off.
    pub server_options: Vec<(String, String)>,
}

/// A managed server this process uses; dropping it leaves it, stopping it when last.
pub struct ManagedDatabase {
    pub data_dir: PathBuf,
    pub port: u16,
    /// `postgres --version`, or what the data directory says when we joined a running one.
    pub version: String,
    /// Where the binaries came from (None when we joined a running server).
    pub bin_dir: Option<PathBuf>,
    /// Whether this process started the server (else it joined one already running).
    pub started: bool,
    password: String,
    child: Option<Child>,
    users: Option<File>,
}

fn lock_file(path: &Path) -> anyhow::Result<File> {
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))
}

/// The generated password, made once with the data directory.
fn password(data_dir: &Path, pgdata: &Path) -> anyhow::Result<String> {
    let path = data_dir.join("password");
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => Ok(text.trim().to_string()),
        _ if pgdata.join("PG_VERSION").exists() => bail!(
            "{} is missing, and the data directory {} needs it: restore it, or move the \
             directory away to start afresh",
            path.display(),
            pgdata.display()
        ),
        _ => {
            use std::os::unix::fs::PermissionsExt;
            let mut bytes = [0u8; 24];
            getrandom::fill(&mut bytes).context("no random source for the password")?;
            let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            std::fs::write(&path, &password)
                .with_context(|| format!("cannot write {}", path.display()))?;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            Ok(password)
        }
    }
}

/// Why there are no binaries to run, in one line; `download` says how fetching them went.
fn no_binaries(searched: &[PathBuf], explicit: bool, download: Option<&str>) -> String {
    if explicit {
        return format!(
            "no PostgreSQL binaries (initdb and postgres) in KOTESHEN_POSTGRES_BIN={}: point it \
             at PostgreSQL's bin directory, or set DATABASE_URL to a PostgreSQL you run",
            searched
                .first()
                .map(|d| d.display().to_string())
                .unwrap_or_default()
        );
    }
    let fetched = match download {
        Some(err) => format!("and downloading them failed ({err}; no network?)"),
        None => "and this build does not download them (feature download-postgres)".into(),
    };
    format!(
        "no PostgreSQL binaries found (looked in PATH, /usr/lib/postgresql/*/bin and \
         pg_config --bindir), {fetched}: install PostgreSQL (apt-get install postgresql), or \
         set DATABASE_URL to a PostgreSQL you run"
    )
}

/// Builds fetched earlier into the data directory (feature download-postgres).
fn downloaded_dirs(data_dir: &Path) -> Vec<PathBuf> {
    #[cfg(feature = "download-postgres")]
    return download::downloaded_dirs(data_dir);
    #[cfg(not(feature = "download-postgres"))]
    {
        let _ = data_dir;
        vec![]
    }
}

/// Fetches a build (feature download-postgres); Err(None) when this build cannot.
fn download(data_dir: &Path, major: Option<u32>) -> Result<Binaries, Option<String>> {
    #[cfg(feature = "download-postgres")]
    return download::fetch(data_dir, major).map_err(|err| Some(format!("{err:#}")));
    #[cfg(not(feature = "download-postgres"))]
    {
        let _ = (data_dir, major);
        Err(None)
    }
}

fn data_major(pgdata: &Path) -> Option<u32> {
    std::fs::read_to_string(pgdata.join("PG_VERSION"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

impl ManagedDatabase {
    /// Joins the server running from the data directory, or starts it (creating the
    /// cluster on first use). Every error is one line naming its cause.
    pub fn start(settings: &Settings) -> anyhow::Result<ManagedDatabase> {
        let data_dir = std::path::absolute(&settings.data_dir)?;
        match std::fs::metadata(&data_dir) {
            Ok(meta) => owner::check_owner(&data_dir, meta.uid(), owner::effective_uid())?,
            Err(_) => std::fs::create_dir_all(&data_dir).with_context(|| {
                format!("cannot create the data directory {}", data_dir.display())
            })?,
        }
        let pgdata = data_dir.join("pgdata");
        if let Ok(meta) = std::fs::metadata(&pgdata) {
            owner::check_owner(&pgdata, meta.uid(), owner::effective_uid())?;
        }
        let gate = lock_file(&data_dir.join("start.lock"))?;
        gate.lock()?;
        let users = lock_file(&data_dir.join("users.lock"))?;
        users.lock_shared()?;
        let password = password(&data_dir, &pgdata)?;
        // Built only once it is up: its Drop takes `start.lock`, held here until then.
        let db = |port, version, bin_dir, child: Option<Child>| ManagedDatabase {
            data_dir: data_dir.clone(),
            port,
            version,
            bin_dir,
            started: child.is_some(),
            password: password.clone(),
            child,
            users: Some(users),
        };
        if let Some(pm) = server::running(&pgdata) {
            let version = data_major(&pgdata)
                .map(|m| m.to_string())
                .unwrap_or_default();
            return Ok(db(pm.port, version, None, None));
        }

        let binaries = Self::binaries(settings, data_major(&pgdata), &data_dir)?;
        let user = owner::server_user(&pgdata)?;
        if let Some(user) = &user {
            owner::check_reachable(&data_dir, user)?;
        }
        // Said before initdb and the server run: the server's own word is buried in the log.
        if let Err(err) = std::net::TcpListener::bind(("127.0.0.1", settings.port))
            && err.kind() == std::io::ErrorKind::AddrInUse
        {
            bail!(
                "port {} on 127.0.0.1 is in use by another program, so the managed \
                 PostgreSQL cannot listen there: stop it, or set KOTESHEN_DATABASE_PORT to a \
                 free port",
                settings.port
            );
        }
        let log = data_dir.join("postgres.log");
        if !pgdata.join("PG_VERSION").exists() {
            if pgdata.exists() && std::fs::read_dir(&pgdata)?.next().is_some() {
                bail!(
                    "{} is not empty and is no PostgreSQL data directory (it has no \
                     PG_VERSION): move it away",
                    pgdata.display()
                );
            }
            let _ = std::fs::remove_dir(&pgdata);
            server::init(&binaries, &pgdata, &password, user.as_ref(), &log)?;
        }
        let child = server::start(
            &binaries,
            &pgdata,
            settings.port,
            &settings.server_options,
            user.as_ref(),
            &log,
        )
        .map_err(|err| anyhow::anyhow!("{err:#} (log: {})", log.display()))?;
        let db = db(
            settings.port,
            binaries.version,
            Some(binaries.dir),
            Some(child),
        );
        drop(gate);
        Ok(db)
    }

    fn binaries(
        settings: &Settings,
        data_major: Option<u32>,
        data_dir: &Path,
    ) -> anyhow::Result<Binaries> {
        let mut dirs = binaries::search_dirs(settings.bin_dir.as_deref());
        if settings.bin_dir.is_none() {
            dirs.extend(downloaded_dirs(data_dir));
        }
        let found = binaries::installed(&dirs);
        if let Some(chosen) = binaries::choose(&found, data_major) {
            return Ok(chosen.clone());
        }
        let download_error = match settings.bin_dir {
            Some(_) => None,
            None => match download(data_dir, data_major) {
                Ok(binaries) => return Ok(binaries),
                Err(err) => err,
            },
        };
        match data_major {
            Some(major) if !found.is_empty() => {
                bail!("{}", binaries::mismatch(&found, major, data_dir))
            }
            _ => bail!(
                "{}",
                no_binaries(&dirs, settings.bin_dir.is_some(), download_error.as_deref())
            ),
        }
    }

    /// A URL for `database` on this server, password included.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{}:{}@127.0.0.1:{}/{database}",
            server::SUPERUSER,
            self.password,
            self.port
        )
    }

    /// The pid of the server, while it runs.
    pub fn pid(&self) -> Option<u32> {
        server::running(&self.data_dir.join("pgdata")).map(|pm| pm.pid)
    }

    /// A psql command that reaches `database`, reading the password from its file so the
    /// log never holds it.
    pub fn psql_command(&self, database: &str) -> String {
        format!(
            "psql \"postgres://{}:$(cat {})@127.0.0.1:{}/{database}\"",
            server::SUPERUSER,
            self.data_dir.join("password").display(),
            self.port
        )
    }

    /// Leaves the server, stopping it when no other koteshen process uses it.
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.leave()
    }

    fn leave(&mut self) -> anyhow::Result<()> {
        let Some(users) = self.users.take() else {
            return Ok(());
        };
        let gate = lock_file(&self.data_dir.join("start.lock"))?;
        gate.lock()?;
        drop(users);
        let probe = lock_file(&self.data_dir.join("users.lock"))?;
        let last = probe.try_lock().is_ok();
        let pgdata = self.data_dir.join("pgdata");
        if last && let Some(pm) = server::running(&pgdata) {
            let child = self.child.as_mut().filter(|c| c.id() == pm.pid);
            server::stop(pm.pid, child, &pgdata)?;
            tracing::info!(pid = pm.pid, "stopped the managed PostgreSQL");
        }
        Ok(())
    }
}

impl Drop for ManagedDatabase {
    fn drop(&mut self) {
        if let Err(err) = self.leave() {
            tracing::error!(
                error = format!("{err:#}"),
                "stopping the managed PostgreSQL"
            );
            eprintln!("koteshen: {err:#}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_binaries_the_line_points_at_apt_and_database_url() {
        let line = no_binaries(&[], false, None);
        assert!(line.contains("apt-get install postgresql"), "{line}");
        assert!(line.contains("DATABASE_URL"), "{line}");
        assert!(line.contains("does not download them"), "{line}");
        let line = no_binaries(&[], false, Some("error sending request"));
        assert!(line.contains("downloading them failed (error sending request; no network?)"));
        assert!(line.contains("apt-get install postgresql"), "{line}");
        let line = no_binaries(&[PathBuf::from("/opt/none")], true, None);
        assert!(line.contains("KOTESHEN_POSTGRES_BIN=/opt/none"), "{line}");
    }
}
