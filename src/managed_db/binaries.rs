//! Finding PostgreSQL's server binaries (`initdb`, `postgres`) on this machine.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One directory holding both `initdb` and `postgres`, with the version they report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binaries {
    pub dir: PathBuf,
    /// As `postgres --version` prints it, e.g. `15.20`.
    pub version: String,
    pub major: u32,
}

impl Binaries {
    pub fn initdb(&self) -> PathBuf {
        self.dir.join("initdb")
    }

    pub fn postgres(&self) -> PathBuf {
        self.dir.join("postgres")
    }

    /// Reads the version of the binaries in `dir`; None when they are not both there or
    /// do not run.
    pub fn in_dir(dir: &Path) -> Option<Binaries> {
        if !dir.join("initdb").is_file() || !dir.join("postgres").is_file() {
            return None;
        }
        let output = Command::new(dir.join("postgres"))
            .arg("--version")
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&output.stdout);
        let version = parse_version(&text)?;
        let major = version.split('.').next()?.parse().ok()?;
        // Symlinks on PATH (/usr/local/bin/postgres → /usr/lib/postgresql/15/bin/postgres)
        // and their targets are one installation: name it by where the files are.
        let real = dir
            .join("postgres")
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .filter(|real| real.join("initdb").is_file());
        let dir = real.unwrap_or_else(|| dir.to_path_buf());
        Some(Binaries {
            dir,
            version,
            major,
        })
    }
}

/// `postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)` → `15.20`.
fn parse_version(text: &str) -> Option<String> {
    let rest = text.split("(PostgreSQL)").nth(1)?;
    let version = rest.split_whitespace().next()?;
    version
        .chars()
        .next()?
        .is_ascii_digit()
        .then(|| version.to_string())
}

/// Where to look, in order: `KOTESHEN_POSTGRES_BIN` alone when it is set; else every
/// PATH entry, then `/usr/lib/postgresql/*/bin` (newest first, Debian and Ubuntu), then
/// `pg_config --bindir`.
pub fn search_dirs(explicit: Option<&Path>) -> Vec<PathBuf> {
    if let Some(dir) = explicit {
        return vec![dir.to_path_buf()];
    }
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((major, entry.path().join("bin")))
        })
        .collect();
    debian.sort_by_key(|(major, _)| std::cmp::Reverse(*major));
    dirs.extend(debian.into_iter().map(|(_, dir)| dir));
    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let dir = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if !dir.is_empty() {
            dirs.push(PathBuf::from(dir));
        }
    }
    dirs
}

/// Every installation found in `dirs`, in their order, each once.
pub fn installed(dirs: &[PathBuf]) -> Vec<Binaries> {
    let mut found: Vec<Binaries> = vec![];
    for dir in dirs {
        if let Some(binaries) = Binaries::in_dir(dir)
            && !found.iter().any(|b| b.dir == binaries.dir)
        {
            found.push(binaries);
        }
    }
    found
}

/// The installation to run: the first one, or for an existing data directory the first
/// of its major version (a server runs only the data of its own major version).
pub fn choose(found: &[Binaries], data_major: Option<u32>) -> Option<&Binaries> {
    match data_major {
        None => found.first(),
        Some(major) => found.iter().find(|b| b.major == major),
    }
}

/// Why no installation fits an existing data directory, in one line.
pub fn mismatch(found: &[Binaries], data_major: u32, data_dir: &Path) -> String {
    let list = found
        .iter()
        .map(|b| format!("{} in {}", b.version, b.dir.display()))
        .collect::<Vec<_>>()
        .join(", ");
    let newest = found.iter().map(|b| b.major).max().unwrap_or(0);
    if data_major > newest {
        format!(
            "the data directory {} was made by PostgreSQL {data_major}, newer than the \
             binaries found ({list}): install PostgreSQL {data_major} (apt-get install \
             postgresql-{data_major}), point KOTESHEN_POSTGRES_BIN at its bin directory, or \
             set KOTESHEN_DATA_DIR to a new directory",
            data_dir.display()
        )
    } else {
        format!(
            "the data directory {} was made by PostgreSQL {data_major}, older than the \
             binaries found ({list}): install PostgreSQL {data_major} (apt-get install \
             postgresql-{data_major}) or upgrade the directory with pg_upgrade",
            data_dir.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(major: u32, dir: &str) -> Binaries {
        Binaries {
            dir: dir.into(),
            version: format!("{major}.1"),
            major,
        }
    }

    #[test]
    fn the_version_is_read_from_what_postgres_prints() {
        assert_eq!(
            parse_version("postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n").as_deref(),
            Some("15.20")
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 17.2\n").as_deref(),
            Some("17.2")
        );
        assert_eq!(parse_version("something else"), None);
    }

    #[test]
    fn an_existing_data_directory_takes_binaries_of_its_own_major_version() {
        let found = [pg(16, "/a"), pg(15, "/b")];
        assert_eq!(choose(&found, None).unwrap().dir, Path::new("/a"));
        assert_eq!(choose(&found, Some(15)).unwrap().dir, Path::new("/b"));
        assert_eq!(choose(&found, Some(17)), None);
    }

    #[test]
    fn a_data_directory_from_a_newer_major_version_says_so_in_one_line() {
        let line = mismatch(&[pg(15, "/usr/lib/postgresql/15/bin")], 17, Path::new("/d"));
        assert!(line.contains("made by PostgreSQL 17, newer than"), "{line}");
        assert!(
            line.contains("15.1 in /usr/lib/postgresql/15/bin"),
            "{line}"
        );
        assert!(!line.contains('\n'));
        let line = mismatch(&[pg(15, "/b")], 13, Path::new("/d"));
        assert!(line.contains("older than"), "{line}");
    }

    #[test]
    fn an_explicit_directory_is_the_only_place_looked_at() {
        assert_eq!(
            search_dirs(Some(Path::new("/opt/pg/bin"))),
            vec![PathBuf::from("/opt/pg/bin")]
        );
    }
}
