//! What the sync benchmarks share: the server's database for a run, the scale knob and
//! percentiles. Included by each bench with `mod common;`.
#![allow(dead_code)]

use fieldlog_server::postgres::ThrowawayDatabase;
use fieldlog_server::{Database, SqliteStorage};
use std::time::Duration;

/// `n` scaled by `FIELDLOG_BENCH_SCALE` (default 1.0), at least 1.
pub fn scaled(n: usize) -> usize {
    let scale: f64 = std::env::var("FIELDLOG_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    ((n as f64) * scale).max(1.0) as usize
}

/// The server's database for a run: a SQLite file in `dir`, or a fresh PostgreSQL database
/// (`FIELDLOG_BENCH_BACKEND=postgres`).
pub fn open_database(dir: &std::path::Path) -> (Database, Option<ThrowawayDatabase>) {
    match std::env::var("FIELDLOG_BENCH_BACKEND").as_deref() {
        Ok("postgres") => {
            let database = ThrowawayDatabase::for_test();
            let storage = database.open().unwrap();
            (Database::Postgres(Box::new(storage)), Some(database))
        }
        Ok("sqlite") | Err(_) => {
            let storage = SqliteStorage::open(dir.join("server.sqlite")).unwrap();
            (Database::Sqlite(storage), None)
        }
        Ok(other) => panic!("FIELDLOG_BENCH_BACKEND={other}: use sqlite or postgres"),
    }
}

/// The `p` quantile (0..=1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
