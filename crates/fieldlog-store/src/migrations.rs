//! Schema migrations: the SQL files in the workspace's `migrations/` folder, embedded at build time,
//! applied in order by the one runner (`fieldlog-migrate`), each in its own transaction together
//! with its row in `schema_migrations`.

use crate::{Result, StoreError};
use fieldlog_migrate::MigrateError;
use fieldlog_migrate::sqlite::SqliteError;
use rusqlite::Connection;

pub use fieldlog_migrate::Migration;

/// Every migration, oldest first. Never edit a shipped one: add a new file.
pub const MIGRATIONS: &[Migration] = fieldlog_migrate::migrations!(
    "../../../migrations":
    "0001_core",
    "0002_reports",
    "0003_stock",
    "0004_field_work",
    "0005_sync",
    "0006_sync_time",
    "0007_same_records",
    "0008_contract_promises",
    "0009_evidence_chain",
    "0010_dispatch",
    // Issue 19 (a technician's real month): 0011 was kept for event times entered later, which
    // needed no schema (fault events always kept both times); versions only have to increase.
    "0012_report_corrections",
    "0013_inspection_plans",
    "0014_stock_holders",
    "0015_photos",
    // Issue 19 leftovers: the evidence chain covers photos, inspections, corrections, transfers.
    "0017_evidence_chain_issue19",
);

/// The statements with which migrations 0009 and 0017 chain the evidence a profile already
/// holds (0009's kinds, then 0017's). Tests use them as an attacker with the whole file would:
/// to rebuild the chain after deleting or editing records.
pub fn chain_backfill_sql() -> String {
    ["0009_evidence_chain", "0017_evidence_chain_issue19"]
        .iter()
        .map(|name| {
            let sql = MIGRATIONS
                .iter()
                .find(|m| m.name == *name)
                .map_or("", |m| m.sql);
            sql.find("-- What this laptop already held")
                .map_or("", |at| &sql[at..])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    fieldlog_migrate::latest(MIGRATIONS)
}

/// Applies every pending migration.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, latest_version())
}

/// Applies pending migrations up to and including `target` (tests use this to build old schemas).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    // The evidence chain's triggers (0009) hash with this function, also while migrating.
    crate::chain::register_functions(conn)?;
    fieldlog_migrate::migrate_to(conn, MIGRATIONS, target).map_err(|e| match e {
        MigrateError::TooNew { found, supported } => StoreError::SchemaTooNew { found, supported },
        MigrateError::Database(SqliteError::Sqlite(e)) => e.into(),
        MigrateError::Database(broken @ SqliteError::BrokenReference { .. }) => {
            StoreError::Corrupt(broken.to_string())
        }
    })?;
    Ok(())
}

/// The highest applied migration (0 for a new database).
pub fn current_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

/// The schema as comparable text: every table, index, trigger and view definition, and each
/// table's columns and foreign keys as SQLite reports them, sorted by name.
pub fn schema_dump(conn: &Connection) -> Result<String> {
    let mut out = String::new();
    let mut stmt = conn.prepare(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_schema
         WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let objects: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (kind, name, sql) in &objects {
        out.push_str(&format!("{kind} {name}\n{sql}\n"));
        if kind == "table" {
            let mut cols = conn.prepare(
                "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)",
            )?;
            for col in cols.query_map([name], |r| {
                Ok(format!(
                    "  col {} {} notnull={} default={:?} pk={}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?
                ))
            })? {
                out.push_str(&col?);
                out.push('\n');
            }
            let mut fks = conn.prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq")?;
            for fk in fks.query_map([name], |r| {
                Ok(format!(
                    "  fk {} -> {}.{}",
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(2)?.unwrap_or_default()
                ))
            })? {
                out.push_str(&fk?);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// Every row of every table as text (`fieldlog_migrate::sqlite::data_dump`): two databases with
/// the same dump hold the same data. Used to prove that refused actions changed nothing.
pub fn data_dump(conn: &Connection) -> Result<String> {
    data_dump_except(conn, &[])
}

/// [`data_dump`] without the tables named (say `sync_state`, where a sync round notes how it ended).
pub fn data_dump_except(conn: &Connection, except: &[&str]) -> Result<String> {
    Ok(fieldlog_migrate::sqlite::data_dump(conn, except)?)
}
