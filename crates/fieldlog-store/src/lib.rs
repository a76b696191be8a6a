//! The technician's local store: one SQLite file per profile, on the laptop, that keeps every record
//! safely with or without network.
//!
//! - Opening a store applies any pending migration from `migrations/` (each in one transaction,
//!   recorded in `schema_migrations`), with WAL, `synchronous=FULL` (an acknowledged write survives
//!   a power cut) and foreign keys on.
//! - Every public method of [`Store`] that changes data is one user action and runs in exactly one
//!   `IMMEDIATE` transaction: it all lands, or nothing does.
//! - Signed reports, signatures, fault events, arrivals and stock movements are refused any change by
//!   triggers in the database itself, so no path (this API, raw SQL, a future bug) can rewrite them.
//! - Time is always passed in (`now`); ids are UUIDv7 made here.

mod arrivals;
mod attachments;
mod catalog;
pub mod chain;
mod completion;
pub mod demo;
pub mod desk;
mod error;
mod faults;
mod import;
mod inspections;
pub mod keystore;
pub mod migrations;
mod paths;
mod permissions;
mod preferences;
mod reports;
pub mod settle;
pub mod signature_image;
mod sql;
mod stock;
mod summary;
pub mod sync;

pub use catalog::{NewDevice, NewPart, NewSite};
pub use error::StoreError;
pub use import::{ImportReport, SiteImportRow};
pub use keystore::KeyStorage;
pub use paths::default_db_path;
pub use reports::{ReportFilter, SignatureInput};
pub use stock::{NewMovement, StockFilter};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open profile database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        permissions::prepare(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            reason: source.to_string(),
        })?;
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::Open {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        configure(&conn)?;
        migrations::migrate(&mut conn)?;
        // The WAL and its index exist now (journal_mode=WAL made them): tighten them too.
        permissions::tighten_files(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            reason: source.to_string(),
        })?;
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read access for queries that span modules (and for tests that look at the raw tables).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs one user action in one IMMEDIATE transaction: it all lands, or nothing does.
    pub(crate) fn write<T>(
        &mut self,
        action: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = action(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The technician who owns this profile, if `init` has set one.
    pub fn profile(&self) -> Result<Option<fieldlog_domain::technician::Technician>> {
        catalog::profile(&self.conn)
    }

    /// Creates the profile's technician, or returns the existing one (init is idempotent).
    pub fn init_profile(
        &mut self,
        name: &str,
        staff_no: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<fieldlog_domain::technician::Technician> {
        self.write(|tx| catalog::init_profile(tx, name, staff_no, now))
    }
}

/// Connection settings every store uses. `synchronous=FULL` costs an fsync per commit, which is
/// what makes "acknowledged" mean "survives a power cut" on a laptop.
fn configure(conn: &Connection) -> Result<()> {
    chain::register_functions(conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Statement journals and sorters in memory, not in temp files: applying a pulled record
    // runs under a savepoint, and each would otherwise open, write and delete a temp file.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Deleted content is overwritten with zeros, not left in free pages: a signing key moved to
    // the OS key store (or any erased secret) must not stay readable in the file.
    conn.pragma_update(None, "secure_delete", true)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(())
}
