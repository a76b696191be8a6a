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
pub mod desk;
mod dispatch;
mod error;
pub mod fault_entry;
mod faults;
// Issue 19: the first start without demo data (h1).
pub mod first_start;
mod import;
mod inspections;
// Inspections by plan (issue 19 item 5).
mod inspection_plans;
pub mod keystore;
pub mod migrations;
mod paths;
mod permissions;
// Issue 19, photos.
pub mod photo_image;
mod photos;
mod preferences;
mod report_edits;
mod reports;
pub mod settle;
pub mod signature_image;
mod sql;
mod stock;
mod summary;
pub mod sync;
mod transfers;
// Issue 20: backing up and restoring a whole profile.
pub mod backup;

pub use catalog::{NewDevice, NewPart, NewSite};
pub use error::StoreError;
pub use import::{ImportReport, SiteImportRow};
pub use keystore::KeyStorage;
pub use paths::default_db_path;
pub use photos::NewPhoto;
pub use reports::{ReportFilter, SignatureInput};
pub use stock::{NewMovement, StockFilter};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open profile database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// True while [`Store::batch`] holds its transaction open: each action then runs under a
    /// savepoint inside it.
    in_batch: bool,
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
        Ok(Store {
            conn,
            path,
            in_batch: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read access for queries that span modules (and for tests that look at the raw tables).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs one user action in one IMMEDIATE transaction: it all lands, or nothing does. Inside
    /// [`Store::batch`] the action runs under a savepoint of the batch's transaction instead, so
    /// it still lands whole or not at all.
    pub(crate) fn write<T>(&mut self, action: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.in_batch {
            if self.conn.is_autocommit() {
                // SQLite ended the batch's transaction itself (a full disk, say): a savepoint
                // now would commit this action on its own while the batch reports failure.
                return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
                    Some(
                        "the batch's transaction was rolled back; nothing after it is saved".into(),
                    ),
                )));
            }
            self.conn.execute_batch("SAVEPOINT user_action")?;
            return match action(&self.conn) {
                Ok(out) => {
                    self.conn.execute_batch("RELEASE user_action")?;
                    Ok(out)
                }
                Err(error) => {
                    // SQLite may have rolled the whole transaction back already (a full disk);
                    // then `batch` sees autocommit and has nothing left to undo.
                    if !self.conn.is_autocommit() {
                        self.conn
                            .execute_batch("ROLLBACK TO user_action; RELEASE user_action")?;
                    }
                    Err(error)
                }
            };
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = action(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs many user actions (the public methods of `Store`, called on the store it is given)
    /// as one IMMEDIATE transaction: all of them land, or none does, with one commit (one fsync)
    /// for the lot. For bulk made-up data such as the demo month (`fieldlog-demo`), where a
    /// commit per action would cost seconds and a crash half-way would leave half a month.
    /// Reads through the given store see the batch's own writes.
    pub fn batch<T>(&mut self, actions: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        if self.in_batch {
            return actions(self);
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.in_batch = true;
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| actions(self)));
        self.in_batch = false;
        let out = match out {
            Ok(out) => out,
            Err(panic) => {
                // A store that outlives the panic must not keep the batch's transaction open
                // (every later action would run under its savepoint and never commit).
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                std::panic::resume_unwind(panic);
            }
        };
        match out {
            Ok(out) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(out),
                Err(error) => {
                    // A failed COMMIT can leave the transaction open: end it, keep the first error.
                    if !self.conn.is_autocommit() {
                        let _ = self.conn.execute_batch("ROLLBACK");
                    }
                    Err(error.into())
                }
            },
            Err(error) => {
                if !self.conn.is_autocommit() {
                    self.conn.execute_batch("ROLLBACK")?;
                }
                Err(error)
            }
        }
    }

    /// When made-up data named `what` (say `"demo"`) was seeded into this profile, if it was:
    /// the `{what}_seeded_at` mark in `meta`, so a seeder runs once per database.
    pub fn seeded_at(&self, what: &str) -> Result<Option<DateTime<Utc>>> {
        preferences::meta(&self.conn, &format!("{what}_seeded_at"))?
            .map(|at| {
                DateTime::parse_from_rfc3339(&at)
                    .map(|at| at.with_timezone(&Utc))
                    .map_err(|e| StoreError::Corrupt(format!("{what}_seeded_at '{at}': {e}")))
            })
            .transpose()
    }

    /// Marks made-up data named `what` as seeded at `at` (see [`Store::seeded_at`]); a seeder
    /// calls it inside its [`Store::batch`], so the data and the mark land together.
    pub fn mark_seeded(&mut self, what: &str, at: DateTime<Utc>) -> Result<()> {
        self.write(|tx| preferences::set_meta(tx, &format!("{what}_seeded_at"), &at.to_rfc3339()))
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
