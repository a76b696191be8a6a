//! Where a profile's database lives by default: the platform's data directory
//! (`~/.local/share/fieldlog` on Linux, `%APPDATA%\Fieldlog` on Windows), one file per profile.

use std::path::PathBuf;

/// `<data dir>/profiles/<profile>.sqlite`, or `None` when the platform has no home directory.
pub fn default_db_path(profile: &str) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("cn", "Fieldlog", "Fieldlog")?;
    Some(
        dirs.data_dir()
            .join("profiles")
            .join(format!("{profile}.sqlite")),
    )
}
