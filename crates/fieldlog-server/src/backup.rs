//! `fieldlog-server backup --out FILE` (issue 20).
//!
//! SQLite: SQLite's online backup API over a read-only connection of its own, in one step (one
//! read transaction: in WAL mode the serving process keeps committing pushes meanwhile, and the
//! copy is the database as of one commit), switched to a rollback journal so the backup is one
//! file, checked with `integrity_check`, flushed, and only then given its name (a hard link,
//! which never replaces an existing file). Restoring is copying that file to the server's
//! database path while the server is stopped (README "Server backup").
//!
//! PostgreSQL: the database's own tool, `pg_dump --format=custom` (consistent while serving, as
//! it reads in one snapshot), run when it is on the PATH; restored with `pg_restore` into an empty
//! database. Without it the command says what to install and run instead.

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Why no backup was written. The server's database is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "{0} 已存在，未被改动；请换一个文件名 (the file exists and was left as it is; choose another name)"
    )]
    Exists(PathBuf),
    #[error(
        "不能把备份写到服务器数据库自己的文件 {0}（或其 -wal/-shm）上；请换一个文件名 (refusing to write the backup over the server's database, its WAL or SHM: choose another name)"
    )]
    OwnDatabase(PathBuf),
    #[error(
        "备份失败：{0}。服务器数据未受影响 (the backup failed; the server's data is unaffected)"
    )]
    Failed(String),
    #[error(
        "这是 PostgreSQL 数据库：请安装 PostgreSQL 客户端（Debian/Ubuntu: apt install postgresql-client）后重试，或直接运行 pg_dump --format=custom --file 备份文件 数据库地址 (a PostgreSQL database: install the PostgreSQL client tools and retry, or run pg_dump --format=custom --file FILE URL yourself)"
    )]
    NoPgDump,
}

fn failed(e: impl std::fmt::Display) -> BackupError {
    BackupError::Failed(e.to_string())
}

/// Backs up the server's database at `location` (a SQLite path or a PostgreSQL URL) into the new
/// file `out`. What it wrote, in one line.
pub fn backup(location: &str, out: &Path) -> Result<String, BackupError> {
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(BackupError::Exists(out.to_path_buf()));
    }
    if crate::database::is_postgres_url(location) {
        pg_dump(location.trim(), out)?;
        return Ok(format!(
            "已用 pg_dump 备份 PostgreSQL 数据库到 {} (backed up with pg_dump)",
            out.display()
        ));
    }
    backup_sqlite(Path::new(location), out)?;
    Ok(format!(
        "已备份 SQLite 数据库到 {} (backed up)",
        out.display()
    ))
}

fn pg_dump(url: &str, out: &Path) -> Result<(), BackupError> {
    let status = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(out)
        .arg(url)
        .status();
    match status {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BackupError::NoPgDump),
        Err(e) => Err(failed(e)),
        Ok(s) if s.success() => Ok(()),
        Ok(s) => {
            let _ = std::fs::remove_file(out);
            Err(failed(format!("pg_dump {s}")))
        }
    }
}

/// Whether `out` is the database at `db` or its companions.
fn is_own_file(out: &Path, db: &Path) -> bool {
    let real = |p: &Path| -> Option<PathBuf> {
        p.canonicalize().ok().or_else(|| {
            let parent = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            Some(parent.canonicalize().ok()?.join(p.file_name()?))
        })
    };
    let (Some(out), Some(db)) = (real(out), real(db)) else {
        return false;
    };
    ["", "-wal", "-shm", "-journal"].iter().any(|suffix| {
        let mut companion = db.clone().into_os_string();
        companion.push(suffix);
        companion == out.as_os_str()
    })
}

/// The SQLite backend's online backup (see the module's doc).
pub fn backup_sqlite(db: &Path, out: &Path) -> Result<(), BackupError> {
    if is_own_file(out, db) {
        return Err(BackupError::OwnDatabase(out.to_path_buf()));
    }
    if !db.is_file() {
        return Err(failed(format!(
            "{} 不存在 (no such database)",
            db.display()
        )));
    }
    let source =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(failed)?;
    let name = out
        .file_name()
        .ok_or_else(|| failed("no file name"))?
        .to_string_lossy()
        .into_owned();
    let temp = out.with_file_name(format!(".{name}.{}.part", std::process::id()));
    let result = (|| -> Result<(), BackupError> {
        let mut copy = Connection::open(&temp).map_err(failed)?;
        {
            let backup = Backup::new(&source, &mut copy).map_err(failed)?;
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                match backup.step(-1).map_err(failed)? {
                    StepResult::Done => break,
                    StepResult::Busy | StepResult::Locked if Instant::now() > deadline => {
                        return Err(failed("the database stayed locked for 60 s"));
                    }
                    _ => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        }
        copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
            .map_err(failed)?;
        let check: String = copy
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(failed)?;
        if check != "ok" {
            return Err(failed(format!("integrity_check: {check}")));
        }
        copy.close().map_err(|(_, e)| failed(e))?;
        std::fs::File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(failed)?;
        // A hard link never replaces a file that appeared meanwhile.
        std::fs::hard_link(&temp, out).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                BackupError::Exists(out.to_path_buf())
            } else {
                failed(e)
            }
        })
    })();
    let _ = std::fs::remove_file(&temp);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_and_its_companions_are_never_the_backup_and_nothing_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.sqlite");
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);",
        )
        .unwrap();
        let before = std::fs::read(&db).unwrap();
        for own in ["server.sqlite-wal", "server.sqlite-shm"] {
            let err = backup_sqlite(&db, &dir.path().join(own)).unwrap_err();
            assert!(matches!(err, BackupError::OwnDatabase(_)), "{own}: {err}");
        }
        let err = backup(&db.display().to_string(), &db).unwrap_err();
        assert!(matches!(err, BackupError::Exists(_)), "{err}");
        assert_eq!(std::fs::read(&db).unwrap(), before);

        let out = dir.path().join("copy.sqlite");
        backup(&db.display().to_string(), &out).unwrap();
        let copy = Connection::open(&out).unwrap();
        let x: i64 = copy.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(x, 1);
        let mode: String = copy
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete", "one file, no WAL beside it");
        assert!(!dir.path().join("copy.sqlite-wal").exists());
        drop(conn);
    }
}
