//! Who the managed server runs as. PostgreSQL refuses to run as root, and CI and many
//! containers run as root: then the server (and initdb) run as an unprivileged system
//! user, set on the child process alone (`CommandExt::uid`/`gid`; std also clears the
//! supplementary groups when root changes uid). koteshen itself keeps its own user.

use std::ffi::{CStr, CString};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use anyhow::bail;

/// A user the server processes run as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunAs {
    pub uid: u32,
    pub gid: u32,
    pub name: String,
}

pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The passwd entry of a name or a uid.
fn lookup(name: Option<&str>, uid: Option<u32>) -> Option<RunAs> {
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let status = match (name, uid) {
        (Some(name), _) => {
            let name = CString::new(name).ok()?;
            // SAFETY: every pointer is valid for the call; buf outlives `entry`'s use.
            unsafe {
                libc::getpwnam_r(
                    name.as_ptr(),
                    &mut entry,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut result,
                )
            }
        }
        (None, Some(uid)) => unsafe {
            // SAFETY: as above.
            libc::getpwuid_r(uid, &mut entry, buf.as_mut_ptr(), buf.len(), &mut result)
        },
        (None, None) => return None,
    };
    if status != 0 || result.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside buf.
    let name = unsafe { CStr::from_ptr(entry.pw_name) }
        .to_string_lossy()
        .into_owned();
    Some(RunAs {
        uid: entry.pw_uid,
        gid: entry.pw_gid,
        name,
    })
}

pub fn user_name(uid: u32) -> String {
    lookup(None, Some(uid))
        .map(|user| user.name)
        .unwrap_or_else(|| format!("uid {uid}"))
}

/// Not root: None, the server runs as us. Root: the owner of an existing data
/// directory, else `postgres` (the user Debian's package creates), else `nobody`.
pub fn server_user(pgdata: &Path) -> anyhow::Result<Option<RunAs>> {
    if effective_uid() != 0 {
        return Ok(None);
    }
    if let Ok(meta) = std::fs::metadata(pgdata) {
        if meta.uid() == 0 {
            bail!(
                "the data directory {} belongs to root, and PostgreSQL refuses to run as \
                 root: give it to an unprivileged user (chown -R postgres {})",
                pgdata.display(),
                pgdata.display()
            );
        }
        let user = lookup(None, Some(meta.uid())).unwrap_or(RunAs {
            uid: meta.uid(),
            gid: meta.gid(),
            name: format!("uid {}", meta.uid()),
        });
        return Ok(Some(user));
    }
    match lookup(Some("postgres"), None).or_else(|| lookup(Some("nobody"), None)) {
        Some(user) => Ok(Some(user)),
        None => bail!(
            "koteshen runs as root and PostgreSQL refuses root, but there is neither a \
             `postgres` nor a `nobody` user to run it as: create one (useradd --system \
             postgres) or set DATABASE_URL"
        ),
    }
}

/// Not root: the data directory must be ours, or PostgreSQL cannot own its files.
pub fn check_owner(dir: &Path, dir_uid: u32, my_uid: u32) -> anyhow::Result<()> {
    if my_uid == 0 || dir_uid == my_uid {
        return Ok(());
    }
    bail!(
        "the data directory {} belongs to {}, not to {} who runs koteshen: run koteshen as \
         {}, or set KOTESHEN_DATA_DIR to a directory of your own",
        dir.display(),
        user_name(dir_uid),
        user_name(my_uid),
        user_name(dir_uid)
    )
}

/// The server user must be able to walk down to its data directory: a parent closed to
/// it (root's home is mode 700) stops the server with a confusing error, so say it first.
pub fn check_reachable(dir: &Path, user: &RunAs) -> anyhow::Result<()> {
    for ancestor in dir.ancestors() {
        let Ok(meta) = std::fs::metadata(ancestor) else {
            continue;
        };
        let mode = meta.mode();
        let searchable = if meta.uid() == user.uid {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !searchable {
            bail!(
                "PostgreSQL runs as user {} (it refuses root) and cannot reach {}: {} is \
                 closed to it (mode {:o}); set KOTESHEN_DATA_DIR to a directory outside it, \
                 e.g. /var/lib/koteshen",
                user.name,
                dir.display(),
                ancestor.display(),
                mode & 0o777
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_directory_of_another_user_is_named_with_its_owner() {
        let err = check_owner(Path::new("/srv/k"), 0, 4242).unwrap_err();
        let line = err.to_string();
        assert!(line.contains("belongs to root, not to uid 4242"), "{line}");
        assert!(line.contains("KOTESHEN_DATA_DIR"), "{line}");
        assert!(check_owner(Path::new("/srv/k"), 4242, 4242).is_ok());
        assert!(
            check_owner(Path::new("/srv/k"), 4242, 0).is_ok(),
            "root may"
        );
    }

    #[test]
    fn a_parent_closed_to_the_server_user_is_named() {
        let dir = std::env::temp_dir().join(format!("koteshen-owner-{}", std::process::id()));
        let inner = dir.join("data");
        std::fs::create_dir_all(&inner).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let stranger = RunAs {
            uid: 4242,
            gid: 4242,
            name: "stranger".into(),
        };
        let line = check_reachable(&inner, &stranger).unwrap_err().to_string();
        assert!(line.contains("user stranger"), "{line}");
        assert!(line.contains("mode 700"), "{line}");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(check_reachable(&inner, &stranger).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
