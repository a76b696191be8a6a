//! Backing up and restoring a whole profile (issue 20): `fieldlog backup` / `restore` and the
//! app's Settings.
//!
//! A profile is its database and nothing else: photos' and signatures' bytes are in
//! `attachments`, the certificate and its chain in `meta`, the enrollment (device id, token,
//! pull cursor) in `sync_state`, the settings and drafts too. The one thing that may live
//! outside the file is the signing key, kept in the OS key store when one answers
//! ([`crate::keystore`]). So a backup is **one SQLite file**: the online backup API's copy of the
//! database, taken in one step under one read transaction (in WAL mode the app and a sync keep
//! writing meanwhile, and the copy is the database as of one commit), switched to a rollback
//! journal so no `-wal` file belongs to it, with the key written into its `meta` as
//! `signing_key_pem` (the form a profile without a key store keeps it in). One file is easy to
//! carry on a USB stick and cannot lose a half on the way; it is as secret as the profile, so it
//! is 0600. A restored key is moved into the new laptop's key store the next time it signs.
//!
//! A restore never renames or overwrites the live files: the app (and its sync thread) may
//! hold them open, and renaming a WAL database under an open connection corrupts it. Instead
//! the current profile is first copied aside by the same backup API into
//! `<database>.before-restore-<UTC time>` beside it (a name the export's writer refuses as a
//! target, so nothing later overwrites it), then the checked backup is copied *into* the live
//! database through SQLite, under its locks, and migrated if it is older.

use crate::{Result, Store, StoreError, migrations, preferences};
use chrono::{DateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Why a file was not restored. The current profile is unchanged in every case.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "{0} 不是 Fieldlog 档案备份，未做任何改动。请选择用“备份”生成的文件 (not a Fieldlog profile backup; nothing was changed: choose a file made by Fieldlog's backup)"
    )]
    NotAProfile(PathBuf),
    #[error(
        "{path} 来自更新版本的 Fieldlog（数据库版本 {found}，本程序只支持到 {supported}），未做任何改动。请先把本机 Fieldlog 升级到最新版本，再恢复 (the backup is from a newer Fieldlog, schema {found}, this build supports {supported}; nothing was changed: update Fieldlog first, then restore)"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path} 已损坏（完整性检查：{detail}），未做任何改动。请换一份备份 (the backup failed its integrity check; nothing was changed: use another backup)"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "{0} 就是本机正在使用的档案文件，不能从它恢复，未做任何改动。请选择备份文件 (this is the profile's own database file; nothing was changed: choose a backup file)"
    )]
    OwnDatabase(PathBuf),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RestoreError {
    /// The sentence in `lang` (zh-CN is the `Display`).
    pub fn message(&self, lang: fieldlog_domain::Lang) -> String {
        use fieldlog_wire::ToErrorBody;
        match (lang, self) {
            (fieldlog_domain::Lang::ZhCn, _) => self.to_string(),
            (_, RestoreError::NotAProfile(path)) => format!(
                "{} is not a Fieldlog profile backup. Nothing was changed: choose a file made by backup.",
                path.display()
            ),
            (
                _,
                RestoreError::TooNew {
                    path,
                    found,
                    supported,
                },
            ) => format!(
                "{} comes from a newer Fieldlog (schema {found}; this build supports up to {supported}). Nothing was changed: update Fieldlog on this laptop first, then restore.",
                path.display()
            ),
            (_, RestoreError::Damaged { path, detail }) => format!(
                "{} is damaged (integrity check: {detail}). Nothing was changed: use another backup.",
                path.display()
            ),
            (_, RestoreError::OwnDatabase(path)) => format!(
                "{} is the profile's own database file and cannot be restored from. Nothing was changed: choose a backup file.",
                path.display()
            ),
            (_, RestoreError::Store(e)) => e.error_body(lang).message,
        }
    }
}

impl fieldlog_wire::ToErrorBody for RestoreError {
    fn error_body(&self, lang: fieldlog_domain::Lang) -> fieldlog_wire::ErrorBody {
        use fieldlog_wire::ErrorCode;
        let code = match self {
            RestoreError::Store(e) => return e.error_body(lang),
            RestoreError::Damaged { .. } => ErrorCode::Storage,
            _ => ErrorCode::InvalidInput,
        };
        fieldlog_wire::ErrorBody::new(code, self.message(lang)).with_field("file")
    }
}

impl From<RestoreError> for fieldlog_wire::ErrorBody {
    fn from(error: RestoreError) -> Self {
        fieldlog_wire::ToErrorBody::error_body(&error, fieldlog_domain::Lang::ZhCn)
    }
}

impl From<rusqlite::Error> for RestoreError {
    fn from(error: rusqlite::Error) -> Self {
        RestoreError::Store(error.into())
    }
}

/// What a backup holds, as its command reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupContents {
    pub schema_version: i64,
    /// The signing key is in the file (written there from the OS key store, or kept there).
    pub signing_key: bool,
    /// The profile is enrolled with a sync server (the backup carries its device token).
    pub enrolled: bool,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Where the profile as it was before the restore was kept.
    pub previous_kept_at: PathBuf,
    /// The backup's schema version before it was migrated to this build's.
    pub backup_version: i64,
    pub contents: BackupContents,
}

/// Copies `from` into `to` in one step (one read transaction on `from`, so the copy is one
/// commit's database even while other connections write), retrying while a lock is held.
fn copy_database(from: &Connection, to: &mut Connection) -> rusqlite::Result<()> {
    let backup = Backup::new(from, to)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // A writer holds the lock this step needs: wait for its commit.
            StepResult::Busy | StepResult::Locked if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            StepResult::Busy | StepResult::Locked => {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed locked for 60 s".into()),
                ));
            }
            _ => {}
        }
    }
}

#[cfg(unix)]
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn owner_only(_: &Path) -> std::io::Result<()> {
    Ok(())
}

fn contents(conn: &Connection) -> Result<BackupContents> {
    Ok(BackupContents {
        schema_version: migrations::current_version(conn)?,
        signing_key: preferences::meta(conn, "signing_key_pem")?.is_some(),
        enrolled: conn.query_row(
            "SELECT device_token IS NOT NULL FROM sync_state WHERE id = 1",
            [],
            |r| r.get(0),
        )?,
    })
}

fn sqlite_error(path: &Path, error: impl std::fmt::Display) -> StoreError {
    StoreError::Open {
        path: path.to_path_buf(),
        reason: error.to_string(),
    }
}

/// The database's integrity check: `Ok` when SQLite says "ok", else its first lines.
fn integrity(conn: &Connection) -> rusqlite::Result<std::result::Result<(), String>> {
    let lines: Vec<String> = conn
        .prepare("PRAGMA integrity_check(5)")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if lines == ["ok"] {
        Ok(())
    } else {
        Err(lines.join("; "))
    })
}

impl Store {
    /// Writes a complete copy of this profile into the new file `dest` (which must not exist:
    /// the caller picks the name and places the file, see `fieldlog_export::backup_profile`),
    /// with the signing key in it even when this laptop keeps it in the OS key store. Safe while
    /// the app writes: the copy is one commit's database.
    pub fn backup_into(&self, dest: &Path) -> Result<BackupContents> {
        // Read the key first: a key store that cannot answer must stop the backup rather than
        // leave a backup that looks whole and cannot sign.
        let key = match preferences::meta(&self.conn, "signing_key_pem")? {
            Some(_) => None,
            None => self.signing_identity_pem()?.map(|(key, _)| key),
        };
        let mut copy = Connection::open(dest).map_err(|e| sqlite_error(dest, e))?;
        owner_only(dest).map_err(|e| sqlite_error(dest, e))?;
        copy_database(&self.conn, &mut copy)?;
        // One file, no `-wal` beside it; and made whole on disk before anyone is told it is done.
        copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        copy.execute_batch("PRAGMA synchronous = FULL")?;
        if let Some(key) = key {
            preferences::set_meta(&copy, "signing_key_pem", &key)?;
        }
        if let Err(detail) = integrity(&copy)? {
            return Err(StoreError::Corrupt(format!(
                "the backup copy failed its integrity check: {detail}"
            )));
        }
        let contents = contents(&copy)?;
        copy.close().map_err(|(_, e)| StoreError::from(e))?;
        std::fs::File::open(dest)
            .and_then(|f| f.sync_all())
            .map_err(|e| sqlite_error(dest, e))?;
        Ok(contents)
    }

    /// Replaces this profile's records with the backup at `file`, after checking it is a
    /// Fieldlog profile this build can read and that it passes `integrity_check`. The profile as
    /// it was is kept aside first (the path is in the answer). An older backup is migrated to
    /// this build's schema. Nothing changes when a check fails.
    pub fn restore_from(
        &mut self,
        file: &Path,
        now: DateTime<Utc>,
    ) -> std::result::Result<Restored, RestoreError> {
        if self.is_own_file(file) {
            return Err(RestoreError::OwnDatabase(file.to_path_buf()));
        }
        let folder = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        // A private copy of the backup to check and restore from: the checks and the restore
        // see the same bytes even if the file changes meanwhile (a live profile being written).
        let staging = tempfile::Builder::new()
            .prefix(".fieldlog-restore-")
            .suffix(".part")
            .tempfile_in(&folder)
            .map_err(|e| sqlite_error(&folder, e))?;
        let not_a_profile = || RestoreError::NotAProfile(file.to_path_buf());
        // SQLite's own verdicts on what it read: not a database at all, or a damaged one.
        let unreadable = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_a_profile(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt) => RestoreError::Damaged {
                path: file.to_path_buf(),
                detail: e.to_string(),
            },
            _ => RestoreError::from(e),
        };
        let mut checked = Connection::open(staging.path())?;
        {
            if !file.is_file() {
                return Err(not_a_profile());
            }
            let source = Connection::open_with_flags(
                file,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|_| not_a_profile())?;
            copy_database(&source, &mut checked).map_err(unreadable)?;
        }
        let is_profile: bool = checked
            .query_row(
                "SELECT count(*) = 4 FROM sqlite_schema WHERE type = 'table'
                   AND name IN ('schema_migrations', 'meta', 'technicians', 'sync_state')",
                [],
                |r| r.get(0),
            )
            .map_err(unreadable)?;
        if !is_profile {
            return Err(not_a_profile());
        }
        let backup_version = checked
            .query_row(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(unreadable)?;
        let supported = migrations::latest_version();
        if backup_version > supported {
            return Err(RestoreError::TooNew {
                path: file.to_path_buf(),
                found: backup_version,
                supported,
            });
        }
        if let Err(detail) = integrity(&checked).map_err(unreadable)? {
            return Err(RestoreError::Damaged {
                path: file.to_path_buf(),
                detail,
            });
        }
        let contents = contents(&checked)?;

        // The profile as it is now, kept aside before anything of it changes.
        let name = self.path.file_name().map_or_else(
            || "profile.sqlite".into(),
            |n| n.to_string_lossy().into_owned(),
        );
        let stamp = now.format("%Y%m%dT%H%M%SZ");
        let mut previous_kept_at = folder.join(format!("{name}.before-restore-{stamp}"));
        let mut n = 2;
        while std::fs::symlink_metadata(&previous_kept_at).is_ok() {
            previous_kept_at = folder.join(format!("{name}.before-restore-{stamp}-{n}"));
            n += 1;
        }
        let mut aside = Connection::open(&previous_kept_at)?;
        owner_only(&previous_kept_at).map_err(|e| sqlite_error(&previous_kept_at, e))?;
        copy_database(&self.conn, &mut aside)?;
        aside.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        aside.close().map_err(|(_, e)| RestoreError::from(e))?;
        std::fs::File::open(&previous_kept_at)
            .and_then(|f| f.sync_all())
            .map_err(|e| sqlite_error(&previous_kept_at, e))?;

        // Now the backup, into the live database through SQLite (other connections to it see
        // the restored profile at their next transaction), then brought up to this build.
        copy_database(&checked, &mut self.conn)?;
        drop(checked);
        migrations::migrate(&mut self.conn)?;
        Ok(Restored {
            previous_kept_at,
            backup_version,
            contents,
        })
    }

    /// Whether `file` is this profile's database or one of its WAL/SHM/journal files.
    fn is_own_file(&self, file: &Path) -> bool {
        let real = |p: &Path| p.canonicalize().ok();
        let Some(db) = real(&self.path) else {
            return false;
        };
        let Some(file) = real(file) else {
            return false;
        };
        ["", "-wal", "-shm", "-journal"].iter().any(|suffix| {
            let mut companion = db.clone().into_os_string();
            companion.push(suffix);
            companion == file.as_os_str()
        })
    }
}
