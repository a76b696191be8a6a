//! Settings (language, server address) and form drafts: small state the app keeps in the profile
//! database, so it survives a restart with everything else.

use crate::keystore::{self, KeyStorage};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use fieldlog_domain::validate::{self, InvalidInput};
use fieldlog_wire::v1::Settings;
use rusqlite::{Connection, OptionalExtension};

pub(crate) fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )?;
    Ok(())
}

/// Where a key about to be written is kept.
enum KeptKey {
    /// In the OS key store under this reference.
    InVault(String),
    /// In the profile file.
    InFile,
}

/// Records the key as kept: its reference (and no PEM) when in the key store, else the PEM.
fn write_key(conn: &Connection, kept: &KeptKey, key_pem: &str) -> Result<()> {
    match kept {
        KeptKey::InVault(account) => {
            set_meta(conn, "signing_key_ref", account)?;
            conn.execute("DELETE FROM meta WHERE key = 'signing_key_pem'", [])?;
        }
        KeptKey::InFile => set_meta(conn, "signing_key_pem", key_pem)?,
    }
    Ok(())
}

pub(crate) fn settings(conn: &Connection) -> Result<Settings> {
    Ok(Settings {
        language: meta(conn, "language")?.unwrap_or_else(|| "zh-CN".into()),
        server_url: meta(conn, "server_url")?.unwrap_or_default(),
    })
}

/// A draft larger than this is not a form someone typed.
pub const MAX_DRAFT_BYTES: usize = 256 * 1024;

impl Store {
    /// The profile's PDF-signing key and certificate (PEM), once made: the key from the OS key
    /// store when the profile keeps it there, else from the profile file.
    pub fn signing_identity_pem(&self) -> Result<Option<(String, String)>> {
        let Some(certificate) = meta(&self.conn, "signing_certificate_pem")? else {
            return Ok(None);
        };
        if let Some(key) = meta(&self.conn, "signing_key_pem")? {
            return Ok(Some((key, certificate)));
        }
        let Some(account) = meta(&self.conn, "signing_key_ref")? else {
            return Ok(None);
        };
        let vault = keystore::vault().map_err(|e| StoreError::KeyStore(e.0))?;
        match keystore::get(vault, &account).map_err(|e| StoreError::KeyStore(e.0))? {
            Some(key) => Ok(Some((key, certificate))),
            None => Err(StoreError::KeyStore(format!(
                "{} has no entry {account}",
                vault.backend()
            ))),
        }
    }

    /// Where the signing key is kept (or would be, once made).
    pub fn signing_key_storage(&self) -> Result<KeyStorage> {
        if meta(&self.conn, "signing_key_pem")?.is_none()
            && meta(&self.conn, "signing_key_ref")?.is_some()
        {
            if let Ok(vault) = keystore::vault() {
                return Ok(KeyStorage::OsKeyStore {
                    backend: vault.backend(),
                });
            }
            return Ok(KeyStorage::OsKeyStore {
                backend: "OS key store (not reachable now)".into(),
            });
        }
        Ok(match keystore::vault() {
            Ok(vault) => KeyStorage::OsKeyStore {
                backend: vault.backend(),
            },
            Err(e) => KeyStorage::File { reason: e.0 },
        })
    }

    /// Keeps the profile's PDF-signing key and certificate: the key in the OS key store when one
    /// answers (the file then holds only its reference), else in the 0600 profile file.
    pub fn save_signing_identity_pem(
        &mut self,
        key_pem: &str,
        certificate_pem: &str,
    ) -> Result<()> {
        let kept = self.keep_key(key_pem)?;
        self.write(|tx| {
            write_key(tx, &kept, key_pem)?;
            set_meta(tx, "signing_certificate_pem", certificate_pem)?;
            // A chain belongs to a server-issued certificate, not to this one.
            tx.execute(
                "DELETE FROM meta WHERE key = 'signing_certificate_chain_pem'",
                [],
            )?;
            Ok(())
        })?;
        self.erase_freed_pages()
    }

    /// Moves a key kept in the profile file (an older build's, or one made while no key store
    /// answered) into the OS key store, and erases it from the file. Where it is kept afterwards.
    pub fn move_signing_key_to_key_store(&mut self) -> Result<KeyStorage> {
        if let Some(key) = meta(&self.conn, "signing_key_pem")?
            && keystore::vault().is_ok()
        {
            let kept = self.keep_key(&key)?;
            self.write(|tx| write_key(tx, &kept, &key))?;
            self.erase_freed_pages()?;
        }
        self.signing_key_storage()
    }

    /// Puts the key in the OS key store under this profile's reference, when one answers.
    fn keep_key(&self, key_pem: &str) -> Result<KeptKey> {
        match keystore::vault() {
            Ok(vault) => {
                let account = match meta(&self.conn, "signing_key_ref")? {
                    Some(account) => account,
                    None => format!("fieldlog-signing-key-{}", uuid::Uuid::now_v7()),
                };
                if let Err(e) = keystore::put(vault, &account, key_pem) {
                    // A store that answered the probe but refuses (locked, prompt dismissed):
                    // the key stays in the 0600 file unless the OS store was insisted on.
                    if keystore::required() {
                        return Err(StoreError::KeyStore(e.0));
                    }
                    return Ok(KeptKey::InFile);
                }
                // Read back before the file forgets the key: a store that accepts and loses
                // secrets must not cost the technician their key.
                if keystore::get(vault, &account)
                    .map_err(|e| StoreError::KeyStore(e.0))?
                    .as_deref()
                    != Some(key_pem)
                {
                    return Err(StoreError::KeyStore(format!(
                        "{} did not return the key just stored",
                        vault.backend()
                    )));
                }
                Ok(KeptKey::InVault(account))
            }
            Err(e) if keystore::required() => Err(StoreError::KeyStore(e.0)),
            Err(_) => Ok(KeptKey::InFile),
        }
    }

    /// After a key left the file: deleted pages are zeroed (`secure_delete`), and the WAL, which
    /// still holds the old pages, is copied back and truncated.
    fn erase_freed_pages(&mut self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The chain above the profile's signing certificate (PEM, issuer first, up to the sync
    /// server's root), when the server issued the certificate; None while it is self-issued.
    pub fn signing_certificate_chain_pem(&self) -> Result<Option<String>> {
        meta(&self.conn, "signing_certificate_chain_pem")
    }

    /// An extra root certificate (PEM) this profile trusts for the sync server's TLS, beside the
    /// system's roots: given by the administrator at enrollment (`fieldlog enroll --ca-cert`).
    pub fn server_tls_root_pem(&self) -> Result<Option<String>> {
        meta(&self.conn, "server_tls_root_pem")
    }

    /// Keeps an enrollment with what came with it, in one transaction: the certificate the
    /// server issued for the profile's signing key (replacing the self-issued one; the key stays
    /// the same unless the profile had none) and the extra TLS root the enrollment trusted.
    pub fn save_enrollment_with_certificate(
        &mut self,
        enrollment: &crate::sync::Enrollment,
        issued: Option<&crate::sync::IssuedSigningCertificate>,
        tls_root_pem: Option<&str>,
    ) -> Result<()> {
        let kept = match issued {
            Some(issued) => self.keep_key(&issued.key_pem)?,
            None => KeptKey::InFile,
        };
        self.write(|tx| {
            crate::sync::write_enrollment(tx, enrollment)?;
            if let Some(issued) = issued {
                write_key(tx, &kept, &issued.key_pem)?;
                set_meta(tx, "signing_certificate_pem", &issued.certificate_pem)?;
                set_meta(tx, "signing_certificate_chain_pem", &issued.chain_pem)?;
            }
            match tls_root_pem {
                Some(pem) => set_meta(tx, "server_tls_root_pem", pem),
                None => {
                    tx.execute("DELETE FROM meta WHERE key = 'server_tls_root_pem'", [])?;
                    Ok(())
                }
            }
        })?;
        self.erase_freed_pages()
    }

    pub fn settings(&self) -> Result<Settings> {
        settings(&self.conn)
    }

    /// The language the technician chose in Settings, for messages said to them (zh-CN when the
    /// settings cannot be read: an error about the database must still be said).
    pub fn language(&self) -> fieldlog_domain::Lang {
        self.settings()
            .map(|s| fieldlog_domain::Lang::from_tag(&s.language))
            .unwrap_or_default()
    }

    pub fn save_settings(&mut self, input: &Settings) -> Result<Settings> {
        if !["zh-CN", "en"].contains(&input.language.as_str()) {
            return Err(InvalidInput::new(
                "language",
                "界面语言只能是中文或英文",
                "the language is zh-CN or en",
            )
            .into());
        }
        let url = validate::optional_text("server_url", "服务器地址", &input.server_url, 200)?
            .unwrap_or_default();
        let is_web_address = url.starts_with("https://") || url.starts_with("http://");
        if !url.is_empty() && !is_web_address {
            return Err(InvalidInput::new(
                "server_url",
                "服务器地址应以 https:// 开头，例如 https://fieldlog.example.cn",
                "the server address starts with https://",
            )
            .into());
        }
        self.write(|tx| {
            set_meta(tx, "language", &input.language)?;
            set_meta(tx, "server_url", &url)?;
            settings(tx)
        })
    }

    /// Keeps what a form holds while the user types (one small transaction).
    pub fn save_draft(
        &mut self,
        key: &str,
        value: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let key = validate::required_text("key", "草稿键", key, 200)?;
        let text = value.to_string();
        if text.len() > MAX_DRAFT_BYTES {
            return Err(
                InvalidInput::new("value", "草稿内容过长", "the draft is too large").into(),
            );
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO form_drafts (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (&key, &text, now),
            )?;
            Ok(())
        })
    }

    pub fn draft(&self, key: &str) -> Result<Option<serde_json::Value>> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT value FROM form_drafts WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    pub fn clear_draft(&mut self, key: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM form_drafts WHERE key = ?1", [key])?;
            Ok(())
        })
    }
}
