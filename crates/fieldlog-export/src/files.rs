//! Every file the CLI or the app writes goes through [`write_file`]: the bytes go to a
//! temporary file in the target folder, are flushed to disk, and the file is renamed into place,
//! so a crash or a full disk never leaves half a PDF under the real name. An existing file is
//! replaced only when asked (`--force`); the profile database, its WAL, SHM and journal, and
//! any backup of it (a file in its folder whose name starts with the database's) are never a
//! target, whatever the path says (a relative path, `..`, a symlink or a hard link to it).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file was not written. Nothing at the target changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "不能写到 {0}：这是本机档案的数据库（或其日志、备份）文件，写入会毁掉已保存的数据；已保存的数据未受影响，请换一个文件名 (refusing to write over the profile database, its WAL/SHM or a backup; nothing saved was touched: choose another file name)"
    )]
    Protected(PathBuf),
    #[error(
        "{0} 已存在，未被改动；如确要替换，请加 --force (the file exists and was left as it is; add --force to replace it)"
    )]
    Exists(PathBuf),
    #[error(
        "无法写入 {path}：{message}。请检查磁盘空间和文件夹权限；原有文件未被改动 (cannot write the file; any existing file is unchanged)"
    )]
    Io { path: PathBuf, message: String },
}

impl WriteError {
    /// The sentence in `lang` (zh-CN is the `Display`).
    pub fn message(&self, lang: fieldlog_domain::Lang) -> String {
        match (lang, self) {
            (fieldlog_domain::Lang::ZhCn, _) => self.to_string(),
            (_, WriteError::Protected(path)) => format!(
                "Refusing to write {}: it is the profile's database (or its WAL/SHM or a backup), and writing it would destroy saved data. Nothing saved was touched: choose another file name.",
                path.display()
            ),
            (_, WriteError::Exists(path)) => format!(
                "{} exists and was left as it is; add --force to replace it.",
                path.display()
            ),
            (_, WriteError::Io { path, message }) => format!(
                "Cannot write {}: {message}. Check the free disk space and the folder's permissions; any existing file is unchanged.",
                path.display()
            ),
        }
    }
}

impl fieldlog_wire::ToErrorBody for WriteError {
    fn error_body(&self, lang: fieldlog_domain::Lang) -> fieldlog_wire::ErrorBody {
        use fieldlog_wire::ErrorCode;
        let code = match self {
            WriteError::Protected(_) => ErrorCode::InvalidInput,
            WriteError::Exists(_) => ErrorCode::Conflict,
            WriteError::Io { .. } => ErrorCode::Storage,
        };
        fieldlog_wire::ErrorBody::new(code, self.message(lang)).with_field("out")
    }
}

impl From<WriteError> for fieldlog_wire::ErrorBody {
    fn from(error: WriteError) -> Self {
        fieldlog_wire::ToErrorBody::error_body(&error, fieldlog_domain::Lang::ZhCn)
    }
}

/// The path made absolute with its folder's symlinks resolved (and the file's own, when it
/// exists), so two spellings of one file compare equal.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some(parent.canonicalize().ok()?.join(name))
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Whether `target` is the database at `database`, one of its companion files, or a backup.
pub fn is_protected(target: &Path, database: &Path) -> bool {
    if same_file(target, database) {
        return true;
    }
    let Some(database) = resolved(database) else {
        // Cannot tell: refuse rather than risk the profile.
        return true;
    };
    let Some(target) = resolved(target) else {
        // Its folder does not exist, so it is not the database's (the write fails anyway).
        return false;
    };
    let (Some(db_name), Some(name)) = (database.file_name(), target.file_name()) else {
        return true;
    };
    target == database
        || (target.parent() == database.parent()
            && name
                .to_string_lossy()
                .starts_with(&*db_name.to_string_lossy()))
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |e| WriteError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename; an
/// existing file is replaced only when `replace`; `database` (the open profile) and its
/// companions are refused.
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    replace: bool,
    database: &Path,
) -> Result<(), WriteError> {
    write_file_with(path, replace, database, 0o644, |temp| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(temp)
            .map_err(io(path))?;
        file.write_all(bytes).map_err(io(path))
    })
}

/// The same safe placing as [`write_file`] for a file another writer fills: `fill` gets the
/// temporary file's path (an empty file) and writes it whole; it is then flushed, given `mode`
/// (0644 for a document to hand on, 0600 for a profile backup), and renamed into place.
pub fn write_file_with<E: From<WriteError>>(
    path: &Path,
    replace: bool,
    database: &Path,
    mode: u32,
    fill: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), E> {
    if is_protected(path, database) {
        return Err(WriteError::Protected(path.to_path_buf()).into());
    }
    if !replace && std::fs::symlink_metadata(path).is_ok() {
        return Err(WriteError::Exists(path.to_path_buf()).into());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".fieldlog-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(io(path))?;
    fill(temp.path())?;
    #[cfg(unix)]
    {
        // tempfile makes 0600; an export is a document to hand on, readable like any other.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(mode))
            .map_err(io(path))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    // Reopened: `fill` may have written through its own handle.
    std::fs::File::open(temp.path())
        .and_then(|f| f.sync_all())
        .map_err(io(path))?;
    let persisted = if replace {
        temp.persist(path)
    } else {
        // Atomic: another writer between the check above and here does not get overwritten.
        temp.persist_noclobber(path)
    };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            WriteError::Exists(path.to_path_buf())
        } else {
            io(path)(e.error)
        }
    })?;
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        // The rename itself survives a power cut only once the folder is flushed.
        let _ = folder.sync_all();
    }
    Ok(())
}

/// A name in `dir` that does not exist yet: `name`, else `stem-2.ext`, `stem-3.ext`, ...
pub fn fresh_name(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if std::fs::symlink_metadata(&first).is_err() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) => (stem, format!(".{ext}")),
        None => (name, String::new()),
    };
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}{ext}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_its_companions_and_backups_are_never_targets() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("profile.sqlite");
        std::fs::write(&db, b"SQLite format 3\0").unwrap();
        let before = std::fs::read(&db).unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let mut refused = vec![
            db.clone(),
            dir.path().join("profile.sqlite-wal"),
            dir.path().join("profile.sqlite-shm"),
            dir.path().join("profile.sqlite-journal"),
            dir.path().join("profile.sqlite.bak"),
            sub.join("../profile.sqlite"),
        ];
        #[cfg(unix)]
        {
            let link = dir.path().join("link.pdf");
            std::os::unix::fs::symlink(&db, &link).unwrap();
            let hard = sub.join("hard.pdf");
            std::fs::hard_link(&db, &hard).unwrap();
            refused.extend([link, hard]);
        }
        for target in refused {
            for replace in [false, true] {
                let err = write_file(&target, b"%PDF-1.7", replace, &db).unwrap_err();
                assert!(matches!(err, WriteError::Protected(_)), "{target:?}: {err}");
            }
        }
        assert_eq!(std::fs::read(&db).unwrap(), before);

        // Relative to the working folder too.
        let cwd = std::env::current_dir().unwrap();
        let relative = db.strip_prefix(&cwd).map(Path::to_path_buf);
        if let Ok(relative) = relative {
            assert!(is_protected(&relative, &db));
        }
    }

    #[test]
    fn existing_files_are_replaced_only_when_asked_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("profile.sqlite");
        std::fs::write(&db, b"db").unwrap();
        let out = dir.path().join("report.pdf");
        write_file(&out, b"one", false, &db).unwrap();
        let err = write_file(&out, b"two", false, &db).unwrap_err();
        assert!(matches!(err, WriteError::Exists(_)), "{err}");
        assert!(err.to_string().contains("--force"));
        assert_eq!(std::fs::read(&out).unwrap(), b"one");
        write_file(&out, b"two", true, &db).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(
            fresh_name(dir.path(), "report.pdf"),
            dir.path().join("report-2.pdf")
        );
        assert_eq!(
            fresh_name(dir.path(), "new.pdf"),
            dir.path().join("new.pdf")
        );
        // A folder that does not exist: an error, and nothing is written anywhere.
        let err = write_file(&dir.path().join("missing/x.pdf"), b"x", false, &db).unwrap_err();
        assert!(matches!(err, WriteError::Io { .. }), "{err}");
    }
}
