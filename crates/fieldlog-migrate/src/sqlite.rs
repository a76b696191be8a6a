//! The runner on a rusqlite connection (the laptop's store, the server's SQLite backend): each
//! migration in its own `IMMEDIATE` transaction with its row in `schema_migrations`.

use crate::{Database, Migration};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// Why a migration failed on SQLite.
#[derive(Debug)]
pub enum SqliteError {
    Sqlite(rusqlite::Error),
    /// The migration left a row pointing at nothing (found by `pragma_foreign_key_check`).
    BrokenReference {
        migration: &'static str,
        table: String,
    },
}

impl From<rusqlite::Error> for SqliteError {
    fn from(error: rusqlite::Error) -> Self {
        SqliteError::Sqlite(error)
    }
}

impl std::fmt::Display for SqliteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SqliteError::Sqlite(e) => e.fmt(f),
            SqliteError::BrokenReference { migration, table } => {
                write!(
                    f,
                    "migration {migration} leaves a broken reference in {table}"
                )
            }
        }
    }
}

/// The table that records applied versions. Its text, indentation included, is what SQLite keeps
/// in every existing profile (and in the store's reviewed schema snapshot): keep it as it is.
pub const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ) STRICT;";

/// Records `migrations` up to `through` as applied without running them, in one transaction: for
/// a database made before it had a version record, whose shape showed which versions it holds.
pub fn record_applied(
    conn: &mut Connection,
    migrations: &[Migration],
    through: i64,
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(VERSION_TABLE)?;
    // OR IGNORE: another process that opened the same unstamped file at the same moment may
    // have stamped it while this one waited for the lock; its record stands.
    for m in migrations.iter().filter(|m| m.version <= through) {
        tx.execute(
            "INSERT OR IGNORE INTO schema_migrations (version, name) VALUES (?1, ?2)",
            (m.version, m.name),
        )?;
    }
    tx.commit()
}

/// Every row of every table but `except`, as text, one line each, tables by name and rows in the
/// order of all their columns: two databases with the same dump hold the same data, and a row an
/// upgrade kept is a prefix of its line after (columns added later come last). Blobs appear as
/// their length and an FNV-1a hash, enough to tell two apart in a test. For the old + upgrade ==
/// fresh tests and for "a refused action changed nothing".
pub fn data_dump(conn: &Connection, except: &[&str]) -> rusqlite::Result<String> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = String::new();
    for table in tables.iter().filter(|t| !except.contains(&t.as_str())) {
        out.push_str(&format!("== {table}\n"));
        let columns = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))?
            .column_count();
        let order: Vec<String> = (1..=columns).map(|i| i.to_string()).collect();
        let mut stmt = conn.prepare(&format!(
            "SELECT * FROM \"{table}\" ORDER BY {}",
            order.join(", ")
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let values = (0..columns)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Blob(b) => {
                            let hash = b.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &byte| {
                                (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
                            });
                            format!("blob:{}:{hash:016x}", b.len())
                        }
                        v => format!("{v:?}"),
                    })
                })
                .collect::<rusqlite::Result<Vec<String>>>()?;
            out.push_str(&values.join(" | "));
            out.push('\n');
        }
    }
    Ok(out)
}

impl Database for Connection {
    type Error = SqliteError;

    fn applied_version(&mut self) -> Result<i64, SqliteError> {
        self.execute_batch(VERSION_TABLE)?;
        Ok(self.query_row(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    fn apply(&mut self, migration: &Migration) -> Result<(), SqliteError> {
        // As SQLite documents for changing a table's shape (a migration may rebuild one): foreign
        // keys off while a migration runs, every one of them checked before it commits.
        let foreign_keys: bool = self.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
        self.pragma_update(None, "foreign_keys", false)?;
        let applied = apply_checked(self, migration);
        self.pragma_update(None, "foreign_keys", foreign_keys)?;
        applied
    }

    fn execute_batch(&mut self, sql: &str) -> Result<(), SqliteError> {
        Ok(Connection::execute_batch(self, sql)?)
    }
}

fn apply_checked(conn: &mut Connection, migration: &Migration) -> Result<(), SqliteError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process (a second server, an admin command) may have applied it since this one
    // read the version: the write lock is held now, so look again.
    let applied: i64 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    if applied >= migration.version {
        return Ok(());
    }
    tx.execute_batch(migration.sql)?;
    let broken: Option<String> = tx
        .query_row(
            "SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(table) = broken {
        return Err(SqliteError::BrokenReference {
            migration: migration.name,
            table,
        });
    }
    tx.execute(
        "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
        (migration.version, migration.name),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MigrateError, migrate};

    const TWO: &[Migration] = &[
        Migration {
            version: 1,
            name: "0001_a",
            sql: "CREATE TABLE a (id INTEGER PRIMARY KEY) STRICT;",
        },
        Migration {
            version: 2,
            name: "0002_b",
            sql: "CREATE TABLE b (a INTEGER REFERENCES a (id)) STRICT; INSERT INTO b VALUES (7);",
        },
    ];

    #[test]
    fn a_migration_that_breaks_a_reference_is_rolled_back() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        match migrate(&mut conn, TWO) {
            Err(MigrateError::Database(SqliteError::BrokenReference { migration, table })) => {
                assert_eq!((migration, table.as_str()), ("0002_b", "b"));
            }
            other => panic!("expected a broken reference, got {other:?}"),
        }
        assert_eq!(conn.applied_version().unwrap(), 1);
        let foreign_keys: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(foreign_keys, "restored after the migration");
    }
}
