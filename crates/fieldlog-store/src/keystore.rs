//! The signing key belongs to the technician alone: it is kept in the OS key store where one is
//! available (the Secret Service on Linux — GNOME Keyring, KWallet, KeePassXC —, the Credential
//! Manager on Windows, the Keychain on macOS); where none is, it stays in the profile database,
//! which is 0600 in a 0700 folder ([`crate::permissions`]), and [`KeyStorage::File`] says why so
//! the CLI and the app can tell the technician.
//!
//! The profile database then keeps only a reference (`signing_key_ref` in `meta`, a random id that
//! names the key store's entry), never the key. A key found in the database (made by an older
//! build, or while no key store was reachable) is moved into the key store the next time the
//! profile signs or enrolls, and erased from the file (`secure_delete`, then a WAL checkpoint).
//!
//! `FIELDLOG_KEYSTORE=file` keeps the key in the file (tests that must not touch a developer's
//! real keyring; machines whose key store misbehaves); `=os` insists on the OS key store and fails
//! if it cannot be reached. Unset: the OS key store when it answers within a few seconds.

use serde::Serialize;
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::Duration;

/// Environment variable choosing where the signing key is kept: `file`, `os`, or unset (auto).
pub const KEYSTORE_ENV: &str = "FIELDLOG_KEYSTORE";

/// Where the profile's signing key is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeyStorage {
    /// In the OS key store (`backend` names it).
    OsKeyStore { backend: String },
    /// In the profile database file (0600), with the reason no key store was used.
    File { reason: String },
}

impl KeyStorage {
    /// One line for the technician, Chinese first.
    pub fn describe(&self) -> String {
        self.describe_in(fieldlog_domain::Lang::ZhCn)
    }

    /// The same line in `lang`: zh-CN is Chinese then English (as [`Self::describe`]), English
    /// is English only (the CLI's `--lang en`).
    pub fn describe_in(&self, lang: fieldlog_domain::Lang) -> String {
        let (zh, en) = match self {
            KeyStorage::OsKeyStore { backend } => (
                format!("签名密钥保存在系统密钥库（{backend}）中"),
                format!("signing key kept in {backend}"),
            ),
            KeyStorage::File { reason } => (
                format!(
                    "未找到可用的系统密钥库（{reason}），签名密钥保存在档案文件中（仅本人可读，0600）"
                ),
                format!(
                    "no OS key store ({reason}): the signing key stays in the profile file, readable by you only"
                ),
            ),
        };
        lang.pick(format!("{zh} / {en}"), en)
    }
}

impl From<KeyStorage> for fieldlog_wire::v1::KeyStorageView {
    fn from(storage: KeyStorage) -> Self {
        fieldlog_wire::v1::KeyStorageView {
            os_key_store: matches!(storage, KeyStorage::OsKeyStore { .. }),
            message: storage.describe(),
        }
    }
}

/// A key store call that failed. The message names the store and what it said.
#[derive(Debug, Clone, thiserror::Error)]
#[error("系统密钥库不可用：{0} / OS key store unavailable: {0}")]
pub struct KeyStoreError(pub String);

/// What the profile needs of a key store: keep, read and forget one secret under a name.
pub(crate) trait Vault: Send + Sync {
    fn backend(&self) -> String;
    fn put(&self, account: &str, secret: &str) -> Result<(), KeyStoreError>;
    fn get(&self, account: &str) -> Result<Option<String>, KeyStoreError>;
}

/// How long one key store call may take before the profile falls back to the file. A key store
/// that needs the user to unlock it shows its own prompt meanwhile.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// How long finding out whether a key store answers at all may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs `call` on its own thread and gives up after `timeout`: a D-Bus service that never
/// answers must not hang a signing or the app.
fn with_timeout<T: Send + 'static>(
    timeout: Duration,
    call: impl FnOnce() -> Result<T, KeyStoreError> + Send + 'static,
) -> Result<T, KeyStoreError> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("fieldlog-keystore".into())
        .spawn(move || {
            let _ = tx.send(call());
        })
        .map_err(|e| KeyStoreError(e.to_string()))?;
    rx.recv_timeout(timeout)
        .map_err(|_| KeyStoreError(format!("no answer within {} s", timeout.as_secs())))?
}

/// The OS key store of this process, found once: `Ok` when one answered, `Err` with the reason
/// when none did (or `FIELDLOG_KEYSTORE=file`).
pub(crate) fn vault() -> Result<&'static dyn Vault, KeyStoreError> {
    static FOUND: OnceLock<Result<&'static dyn Vault, KeyStoreError>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let wanted = std::env::var(KEYSTORE_ENV).unwrap_or_default();
            if wanted == "file" {
                return Err(KeyStoreError(format!("{KEYSTORE_ENV}=file")));
            }
            let vault: &'static dyn Vault = &os::OsVault;
            with_timeout(PROBE_TIMEOUT, || os::OsVault.probe()).map(|()| vault)
        })
        .clone()
}

/// Whether the OS key store is required (`FIELDLOG_KEYSTORE=os`).
pub(crate) fn required() -> bool {
    std::env::var(KEYSTORE_ENV).is_ok_and(|v| v == "os")
}

pub(crate) fn put(
    vault: &'static dyn Vault,
    account: &str,
    secret: &str,
) -> Result<(), KeyStoreError> {
    let (account, secret) = (account.to_owned(), secret.to_owned());
    with_timeout(CALL_TIMEOUT, move || vault.put(&account, &secret))
}

pub(crate) fn get(
    vault: &'static dyn Vault,
    account: &str,
) -> Result<Option<String>, KeyStoreError> {
    let account = account.to_owned();
    with_timeout(CALL_TIMEOUT, move || vault.get(&account))
}

#[cfg(all(unix, not(target_os = "macos")))]
mod os {
    use super::{KeyStoreError, Vault};
    use secret_service::EncryptionType;
    use secret_service::blocking::SecretService;
    use std::collections::HashMap;

    pub(super) struct OsVault;

    fn err(e: secret_service::Error) -> KeyStoreError {
        KeyStoreError(format!("Secret Service: {e}"))
    }

    fn attributes(account: &str) -> HashMap<&str, &str> {
        HashMap::from([("application", "fieldlog"), ("fieldlog-key", account)])
    }

    fn connect() -> Result<SecretService<'static>, KeyStoreError> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return Err(KeyStoreError(
                "no D-Bus session (DBUS_SESSION_BUS_ADDRESS)".into(),
            ));
        }
        SecretService::connect(EncryptionType::Dh).map_err(err)
    }

    impl OsVault {
        /// The service answers and has a default collection.
        pub(super) fn probe(&self) -> Result<(), KeyStoreError> {
            let service = connect()?;
            service.get_default_collection().map_err(err)?;
            Ok(())
        }
    }

    impl Vault for OsVault {
        fn backend(&self) -> String {
            "Secret Service".into()
        }

        fn put(&self, account: &str, secret: &str) -> Result<(), KeyStoreError> {
            let service = connect()?;
            let collection = service.get_default_collection().map_err(err)?;
            collection.ensure_unlocked().map_err(err)?;
            collection
                .create_item(
                    &format!("Fieldlog 签名密钥 / signing key ({account})"),
                    attributes(account),
                    secret.as_bytes(),
                    true,
                    "application/x-pem-file",
                )
                .map_err(err)?;
            Ok(())
        }

        fn get(&self, account: &str) -> Result<Option<String>, KeyStoreError> {
            let service = connect()?;
            let found = service.search_items(attributes(account)).map_err(err)?;
            let Some(item) = found.unlocked.into_iter().chain(found.locked).next() else {
                return Ok(None);
            };
            item.ensure_unlocked().map_err(err)?;
            let secret = item.get_secret().map_err(err)?;
            String::from_utf8(secret)
                .map(Some)
                .map_err(|_| KeyStoreError("the stored key is not text".into()))
        }
    }
}

#[cfg(any(windows, target_os = "macos"))]
mod os {
    use super::{KeyStoreError, Vault};

    pub(super) struct OsVault;

    const SERVICE: &str = "Fieldlog";

    fn entry(account: &str) -> Result<keyring::Entry, KeyStoreError> {
        keyring::Entry::new(SERVICE, account).map_err(|e| KeyStoreError(e.to_string()))
    }

    impl OsVault {
        /// The native store is part of the OS: reading an entry that is not there answers NoEntry.
        pub(super) fn probe(&self) -> Result<(), KeyStoreError> {
            match entry("fieldlog-probe")?.get_password() {
                Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(KeyStoreError(e.to_string())),
            }
        }
    }

    impl Vault for OsVault {
        fn backend(&self) -> String {
            if cfg!(windows) {
                "Windows Credential Manager".into()
            } else {
                "macOS Keychain".into()
            }
        }

        fn put(&self, account: &str, secret: &str) -> Result<(), KeyStoreError> {
            entry(account)?
                .set_password(secret)
                .map_err(|e| KeyStoreError(e.to_string()))
        }

        fn get(&self, account: &str) -> Result<Option<String>, KeyStoreError> {
            match entry(account)?.get_password() {
                Ok(secret) => Ok(Some(secret)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(KeyStoreError(e.to_string())),
            }
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod os {
    use super::{KeyStoreError, Vault};

    pub(super) struct OsVault;

    impl OsVault {
        pub(super) fn probe(&self) -> Result<(), KeyStoreError> {
            Err(KeyStoreError("no key store on this platform".into()))
        }
    }

    impl Vault for OsVault {
        fn backend(&self) -> String {
            String::new()
        }
        fn put(&self, _: &str, _: &str) -> Result<(), KeyStoreError> {
            self.probe()
        }
        fn get(&self, _: &str) -> Result<Option<String>, KeyStoreError> {
            self.probe().map(|()| None)
        }
    }
}
