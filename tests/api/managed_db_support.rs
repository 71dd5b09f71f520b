//! What the managed-PostgreSQL tests share: the API suite's (`managed_db.rs`) and the
//! download-postgres feature's own small target (`tests/download_postgres.rs`).

use std::path::PathBuf;
use std::process::Command;

use koteshen::managed_db::server;

/// A data directory under the temporary directory, removed when the test ends.
pub struct DataDir(pub PathBuf);

impl DataDir {
    pub fn new() -> DataDir {
        DataDir(std::env::temp_dir().join(format!(
            "koteshen-managed-{}",
            uuid::Uuid::new_v4().simple()
        )))
    }

    pub fn pgdata(&self) -> PathBuf {
        self.0.join("pgdata")
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        // A server a failed assertion left behind goes first.
        if let Some(pm) = server::running(&self.pgdata()) {
            let _ = server::stop(pm.pid, None, &self.pgdata());
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One line on standard error, from a command that failed.
pub fn failure_line(command: &mut Command) -> String {
    let output = command.output().expect("run koteshen");
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    stderr.trim().to_string()
}
