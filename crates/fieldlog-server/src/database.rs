//! The database a server runs on, chosen at start-up by where it is: a `postgres://` or
//! `postgresql://` URL is PostgreSQL, anything else is the path of a SQLite file. Both are the
//! same [`Storage`], so the binary, the admin commands and the tests pick one at run time.

use crate::error::Result;
use crate::postgres::PostgresStorage;
use crate::sqlite::SqliteStorage;
use crate::storage::{Storage, Tx, Work};

// One per server process, so the unboxed SQLite variant's size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Database {
    Sqlite(SqliteStorage),
    /// Boxed: its connection settings make it several times the size of the SQLite variant.
    Postgres(Box<PostgresStorage>),
}

/// Whether `location` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

impl Database {
    /// Opens (and migrates) the database at `location`: a PostgreSQL URL or a SQLite file path.
    pub fn open(location: &str) -> Result<Database> {
        if is_postgres_url(location) {
            Ok(Database::Postgres(Box::new(PostgresStorage::open(
                location.trim(),
            )?)))
        } else {
            Ok(Database::Sqlite(SqliteStorage::open(location)?))
        }
    }

    /// Transactions the SQLite backend has committed so far (the push queue's groups share
    /// one each); None on PostgreSQL, where they are not counted. For benchmarks.
    pub fn group_commits(&self) -> Option<u64> {
        match self {
            Database::Sqlite(s) => Some(s.commits()),
            Database::Postgres(_) => None,
        }
    }

    /// "SQLite" or "PostgreSQL", for the start-up line.
    pub fn kind(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "SQLite",
            Database::Postgres(_) => "PostgreSQL",
        }
    }
}

impl Storage for Database {
    fn transaction<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        match self {
            Database::Sqlite(s) => s.transaction(work),
            Database::Postgres(s) => s.transaction(work),
        }
    }

    fn transactions<'a, T>(&self, works: Vec<Work<'a, T>>) -> Vec<Result<T>> {
        match self {
            Database::Sqlite(s) => s.transactions(works),
            Database::Postgres(s) => s.transactions(works),
        }
    }

    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        match self {
            Database::Sqlite(s) => s.read(work),
            Database::Postgres(s) => s.read(work),
        }
    }
}
