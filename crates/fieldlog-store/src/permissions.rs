//! The profile is the technician's alone: its database, WAL and shared-memory index are 0600 (read
//! and write by the owner only) in a 0700 folder. New files and folders are made so; existing
//! ones are tightened each time the profile is opened (older builds made them 0644 in 0755).
//!
//! Folders tightened are the ones this code creates and the default profile folder
//! (`<data dir>/fieldlog/profiles` and the data folder above it). A folder the user chose with
//! `--db` / `FIELDLOG_DB` that already exists is left as it is: it may be shared on purpose
//! (`/tmp`, a project folder); the files in it are still made 0600. Windows keeps a profile under
//! the user's own `%APPDATA%`, whose ACL already admits only that user; nothing is changed there.

use std::io;
use std::path::Path;

/// The suffixes SQLite adds beside the database (WAL mode, and a rollback journal while migrating).
const SIDE_FILES: &[&str] = &["-wal", "-shm", "-journal"];

/// Before SQLite opens `db`: its folder exists (0700 when created here), the default profile
/// folder is 0700, and the database file exists as 0600, so the WAL and index SQLite creates next
/// to it take the same mode (SQLite gives them the database file's permissions).
pub(crate) fn prepare(db: &Path) -> io::Result<()> {
    let parent = db.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(parent) = parent
        && !parent.exists()
    {
        create_private_dir(parent)?;
    }
    if let Some(parent) = parent
        && is_default_profile_folder(parent)
    {
        private_dir(parent)?;
        if let Some(data_dir) = parent.parent() {
            private_dir(data_dir)?;
        }
    }
    if !db.exists() {
        create_private_file(db)?;
    }
    tighten_files(db)
}

/// The database and whichever of its side files exist: 0600.
pub(crate) fn tighten_files(db: &Path) -> io::Result<()> {
    private_file(db)?;
    for suffix in SIDE_FILES {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        let side = Path::new(&side);
        if side.exists() {
            private_file(side)?;
        }
    }
    Ok(())
}

fn is_default_profile_folder(folder: &Path) -> bool {
    crate::paths::default_db_path("default")
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .is_some_and(|default| same_path(&default, folder))
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(file: &Path) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn create_private_file(_file: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn set_mode_if_wider(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)?;
    if meta.permissions().mode() & 0o777 != mode {
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
            // Not ours to change (another user's file opened read-only): SQLite decides.
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
            other => other?,
        }
    }
    Ok(())
}

#[cfg(unix)]
fn private_dir(dir: &Path) -> io::Result<()> {
    set_mode_if_wider(dir, 0o700)
}

#[cfg(unix)]
fn private_file(file: &Path) -> io::Result<()> {
    set_mode_if_wider(file, 0o600)
}

#[cfg(not(unix))]
fn private_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(not(unix))]
fn private_file(_file: &Path) -> io::Result<()> {
    Ok(())
}
