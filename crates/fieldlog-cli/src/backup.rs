//! `fieldlog backup --out FILE` and `fieldlog restore FILE` (issue 20): the profile as one file
//! and back, with what each printed line means for moving to a new laptop.

use crate::CliError;
use crate::render::Output;
use chrono::{DateTime, Utc};
use fieldlog_store::Store;
use std::path::Path;

/// What `backup --help` and `restore --help` say about moving to a new laptop (also in the
/// README's "换电脑 / Moving to a new laptop").
pub const MOVING_HELP: &str = "\
换电脑有两种方式 (two ways to move to a new laptop):
  1. 在旧电脑上 fieldlog backup --out 文件，把文件拷到新电脑，在新电脑上 fieldlog restore 文件。
     签名密钥只随备份转移；新电脑就是原来那台设备（同一个同步身份），旧电脑上的档案请不要再用。
     请在旧电脑最后一次同步之后备份；更早的备份请不要再当作原设备同步，应停用后重新注册。
     (back up on the old laptop after its last sync, restore on the new one: the signing key moves
     only with a backup, and the new laptop carries on as the same device; stop using the profile
     on the old one. A backup older than the device's last sync: revoke it and enroll again.)
  2. 在新电脑上用办公室给的注册码重新注册，同步会带回所有记录；新电脑会有新的签名密钥和证书。
     旧电脑丢失或不再使用时，请办公室在控制台“笔记本”页停用（吊销）它。
     (enroll the new laptop with a new code from the office and let sync bring the records back;
     it gets its own key and certificate. The office revokes the old laptop in the console's
     Laptops list.)
备份文件含签名密钥和同步凭据，请像保管笔记本一样保管它 (the backup holds the signing key and the
sync token: keep it as safe as the laptop).";

pub fn backup(store: &Store, out_path: &Path, force: bool, out: &Output) -> Result<(), CliError> {
    let done = fieldlog_export::profile_backup::backup_profile(store, out_path, force)?;
    out.json_or(&done, || {
        say_in!(
            out.lang,
            "已备份本机档案: {} （{} KB）",
            "Profile backed up: {} ({} KB)",
            done.path.display(),
            done.bytes.div_ceil(1024)
        );
        if done.signing_key {
            say!(
                "{}",
                out.lang.pick(
                    "备份含签名密钥：请像保管笔记本一样保管此文件 (the backup holds the signing key: keep it safe)",
                    "The backup holds the signing key: keep it as safe as the laptop"
                )
            );
        }
    });
    Ok(())
}

pub fn restore(
    store: &mut Store,
    file: &Path,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let restored = store.restore_from(file, now).map_err(CliError::Restore)?;
    let view = fieldlog_export::profile_backup::restored_view(restored);
    out.json_or(&view, || {
        say_in!(
            out.lang,
            "已从 {} 恢复本机档案。原档案已另存为 {}（未删除）",
            "Profile restored from {}. The profile as it was is kept at {} (not deleted)",
            file.display(),
            view.previous_kept_at.display()
        );
        say!(
            "{}",
            out.lang.pick(
                "如应用正在运行，请关闭后重新打开 (if the app is running, close and reopen it)",
                "If the app is running, close and reopen it"
            )
        );
        if view.enrolled {
            say!(
                "{}",
                out.lang.pick(
                    "此档案已注册同步：本机现在就是备份时的那台设备，旧电脑上的档案请不要再用 (this profile is enrolled: this laptop is now that device; stop using the old laptop's profile)",
                    "This profile is enrolled: this laptop is now that device; stop using the old laptop's profile"
                )
            );
        }
    });
    Ok(())
}
