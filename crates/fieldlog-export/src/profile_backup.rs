//! The profile's backup as a file (issue 20): the store's copy ([`Store::backup_into`]) placed
//! by the same safe writer as every export ([`crate::files::write_file_with`]: a temporary file
//! in the target folder, flushed, renamed; the profile's own database, WAL, SHM and backups
//! refused as targets; an existing file replaced only when asked), 0600 because it holds the
//! signing key. The app's Settings writes into the export folder under a fresh name, as PDFs do.

use crate::{ExportError, Result, export_dir, files, ready_export_dir};
use chrono::{DateTime, Utc};
use fieldlog_store::Store;
use fieldlog_store::backup::BackupContents;
use fieldlog_wire::v1::{ProfileBackup, ProfileRestored};
use std::path::{Path, PathBuf};

/// What a backup file's name ends with (the app lists these in the export folder).
pub const BACKUP_EXTENSION: &str = "fieldlog-backup";

/// Writes a backup of `store`'s profile to `out` (replacing an existing file only when
/// `replace`).
pub fn backup_profile(store: &Store, out: &Path, replace: bool) -> Result<ProfileBackup> {
    let mut contents: Option<BackupContents> = None;
    files::write_file_with(out, replace, store.path(), 0o600, |temp| {
        contents = Some(store.backup_into(temp)?);
        Ok::<(), ExportError>(())
    })?;
    let contents = contents.expect("filled before the file was placed");
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(ProfileBackup {
        path: out.to_path_buf(),
        bytes,
        signing_key: contents.signing_key,
        enrolled: contents.enrolled,
    })
}

/// The app's backup: into [`export_dir`] as `Fieldlog备份-<local time>.fieldlog-backup`, never
/// replacing a file (a name taken gets a number).
pub fn backup_to_folder(store: &Store, now: DateTime<Utc>) -> Result<ProfileBackup> {
    let dir = ready_export_dir()?;
    let stamp = now
        .with_timezone(&fieldlog_domain::time::china())
        .format("%Y%m%d-%H%M%S");
    let path = files::fresh_name(&dir, &format!("Fieldlog备份-{stamp}.{BACKUP_EXTENSION}"));
    backup_profile(store, &path, false)
}

/// The backups in [`export_dir`], newest first (the restore form offers them).
pub fn backups_in_folder() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(export_dir()) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == BACKUP_EXTENSION))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    found.sort_by(|a, b| b.cmp(a));
    found.into_iter().map(|(_, p)| p).collect()
}

/// A restore as the window shows it.
pub fn restored_view(restored: fieldlog_store::backup::Restored) -> ProfileRestored {
    ProfileRestored {
        previous_kept_at: restored.previous_kept_at,
        backup_version: restored.backup_version,
        signing_key: restored.contents.signing_key,
        enrolled: restored.contents.enrolled,
    }
}
