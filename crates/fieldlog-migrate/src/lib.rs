//! The one migration runner, for every schema Fieldlog keeps: the laptop's store (`migrations/`
//! at the top of the workspace), the server on SQLite (`crates/fieldlog-server/migrations/sqlite`)
//! and the server on PostgreSQL (`…/migrations/postgres`).
//!
//! A schema is a list of numbered SQL files ([`Migration`], usually made with [`migrations!`]),
//! embedded at build time. [`migrate_to`] applies, in order, those a database has not applied
//! yet, each recorded with its version, and refuses a database that a newer build already
//! migrated further. What a transaction is belongs to the database ([`Database::apply`]); the
//! order, the bookkeeping and the refusal are written here once.
//!
//! The old + upgrade == fresh test is built the same way on every schema: [`build_old`] makes a
//! database at an old version with rows written at each version it passed, as a database that
//! skipped updates holds them; the schema's own test then upgrades it, compares its shape with a
//! fresh one, and checks every old row is still there ([`rows_lost`]).

#[cfg(feature = "rusqlite")]
pub mod sqlite;

/// One numbered SQL file of a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// The file's number: applied in increasing order, each once.
    pub version: i64,
    /// The file's name without `.sql`, e.g. `0003_stock`.
    pub name: &'static str,
    pub sql: &'static str,
}

/// The version a file name starts with (`0007_same_records` → 7), at compile time, so a
/// schema's list names each file once.
pub const fn version_of(name: &str) -> i64 {
    let bytes = name.as_bytes();
    let mut i = 0;
    let mut version = 0i64;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        version = version * 10 + (bytes[i] - b'0') as i64;
        i += 1;
    }
    assert!(i > 0, "a migration file's name starts with its number");
    version
}

/// A schema's migrations from the files in one folder, oldest first: the folder (relative to the
/// file that calls this, as `include_str!` takes it) and each file's name without `.sql`.
#[macro_export]
macro_rules! migrations {
    ($folder:literal: $($name:literal),+ $(,)?) => {
        &[$($crate::Migration {
            version: $crate::version_of($name),
            name: $name,
            sql: include_str!(concat!($folder, "/", $name, ".sql")),
        }),+]
    };
}

/// The newest version of a schema.
pub fn latest(migrations: &[Migration]) -> i64 {
    migrations.last().map_or(0, |m| m.version)
}

/// What the runner needs of a database.
pub trait Database {
    type Error;
    /// The highest version applied (0 for a new database), making the table that records them
    /// if it is missing.
    fn applied_version(&mut self) -> Result<i64, Self::Error>;
    /// Runs one migration's SQL and records its version, both or neither.
    fn apply(&mut self, migration: &Migration) -> Result<(), Self::Error>;
    /// Runs SQL as it is (tests write old-version rows with it).
    fn execute_batch(&mut self, sql: &str) -> Result<(), Self::Error>;
}

/// Why a database was not migrated.
#[derive(Debug)]
pub enum MigrateError<E> {
    /// A newer build migrated it further than this one knows: it is left untouched.
    TooNew {
        found: i64,
        supported: i64,
    },
    Database(E),
}

impl<E> From<E> for MigrateError<E> {
    fn from(error: E) -> Self {
        MigrateError::Database(error)
    }
}

/// The versions a database went from and to (equal when there was nothing to do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upgrade {
    pub from: i64,
    pub to: i64,
}

impl Upgrade {
    /// Whether this upgrade applied `version` to a database that already had a schema (it was
    /// not new): a migration that must look over data kept before it asks this.
    pub fn crossed(&self, version: i64) -> bool {
        self.from > 0 && self.from < version && self.to >= version
    }
}

/// Applies every migration the database lacks.
pub fn migrate<D: Database>(
    db: &mut D,
    migrations: &[Migration],
) -> Result<Upgrade, MigrateError<D::Error>> {
    migrate_to(db, migrations, latest(migrations))
}

/// Applies the migrations the database lacks, up to and including `target` (tests build old
/// versions with it).
pub fn migrate_to<D: Database>(
    db: &mut D,
    migrations: &[Migration],
    target: i64,
) -> Result<Upgrade, MigrateError<D::Error>> {
    debug_assert!(
        migrations.windows(2).all(|w| w[0].version < w[1].version),
        "migrations in increasing order"
    );
    let from = db.applied_version()?;
    let supported = latest(migrations);
    if from > supported {
        return Err(MigrateError::TooNew {
            found: from,
            supported,
        });
    }
    let mut to = from;
    for migration in migrations
        .iter()
        .filter(|m| m.version > from && m.version <= target)
    {
        db.apply(migration)?;
        to = migration.version;
    }
    Ok(Upgrade { from, to })
}

/// Every version a database of this schema can be found at: none yet (0), then each migration's.
pub fn old_versions(migrations: &[Migration]) -> impl Iterator<Item = i64> + '_ {
    std::iter::once(0).chain(migrations.iter().map(|m| m.version))
}

/// Brings a new database to version `old`, writing each version's rows of `data_at_version`
/// (version, SQL) while the database is at that version.
pub fn build_old<D: Database>(
    db: &mut D,
    migrations: &[Migration],
    data_at_version: &[(i64, &str)],
    old: i64,
) -> Result<(), MigrateError<D::Error>> {
    migrate_to(db, migrations, 0)?;
    for (version, sql) in data_at_version.iter().filter(|(v, _)| *v <= old) {
        migrate_to(db, migrations, *version)?;
        db.execute_batch(sql)?;
    }
    migrate_to(db, migrations, old)?;
    Ok(())
}

/// The lines of `before` (a data dump, one row a line; lines starting `==` name tables, and rows
/// of the version table are left out) missing from `after`: rows an upgrade lost.
pub fn rows_lost<'a>(before: &'a str, after: &str, version_table: &str) -> Vec<&'a str> {
    before
        .lines()
        .filter(|l| !l.starts_with("==") && !l.contains(version_table))
        .filter(|l| !after.contains(l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database that only remembers what was applied.
    #[derive(Default)]
    struct Log {
        applied: Vec<i64>,
        batches: Vec<String>,
    }

    impl Database for Log {
        type Error = String;
        fn applied_version(&mut self) -> Result<i64, String> {
            Ok(self.applied.last().copied().unwrap_or(0))
        }
        fn apply(&mut self, m: &Migration) -> Result<(), String> {
            self.applied.push(m.version);
            Ok(())
        }
        fn execute_batch(&mut self, sql: &str) -> Result<(), String> {
            let at = self.applied_version()?;
            self.batches.push(format!("{at}@{sql}"));
            Ok(())
        }
    }

    const THREE: &[Migration] = &[
        Migration {
            version: 1,
            name: "0001_a",
            sql: "",
        },
        Migration {
            version: 2,
            name: "0002_b",
            sql: "",
        },
        Migration {
            version: 5,
            name: "0005_c",
            sql: "",
        },
    ];

    #[test]
    fn file_names_give_versions() {
        assert_eq!(version_of("0007_same_records"), 7);
        assert_eq!(version_of("12_x"), 12);
    }

    #[test]
    fn pending_migrations_are_applied_once_in_order() {
        let mut db = Log::default();
        assert_eq!(
            migrate_to(&mut db, THREE, 2).unwrap(),
            Upgrade { from: 0, to: 2 }
        );
        let upgrade = migrate(&mut db, THREE).unwrap();
        assert_eq!(upgrade, Upgrade { from: 2, to: 5 });
        assert!(upgrade.crossed(5) && !upgrade.crossed(2));
        assert_eq!(migrate(&mut db, THREE).unwrap(), Upgrade { from: 5, to: 5 });
        assert_eq!(db.applied, [1, 2, 5]);
        // A new database crosses nothing: it had no data to look over.
        assert!(!Upgrade { from: 0, to: 5 }.crossed(5));
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused_untouched() {
        let mut db = Log {
            applied: vec![9],
            ..Log::default()
        };
        assert!(matches!(
            migrate(&mut db, THREE),
            Err(MigrateError::TooNew {
                found: 9,
                supported: 5
            })
        ));
        assert_eq!(db.applied, [9]);
    }

    #[test]
    fn old_versions_hold_rows_written_at_each_version() {
        let mut db = Log::default();
        build_old(&mut db, THREE, &[(1, "one"), (5, "five")], 2).unwrap();
        assert_eq!(db.applied, [1, 2]);
        assert_eq!(db.batches, ["1@one"]);
        assert_eq!(old_versions(THREE).collect::<Vec<_>>(), [0, 1, 2, 5]);
        assert_eq!(rows_lost("== t\na\nb\n", "a\n", "schema_migrations"), ["b"]);
    }
}
