//! Write path benchmark (issue 2): saving an arrival and a report entry through the store into a
//! database that already holds 1M rows, beside a raw rusqlite insert of the same row in the same
//! run. Goal: p99 within 2x of the raw insert. Reported, never asserted.
//!
//! Run: `cargo bench -p fieldlog-store --bench write_path`
//!
//! - The database is a real file in a temp dir, opened with `Store::open` (migrations, WAL,
//!   `synchronous=FULL`, foreign keys). Profile, contract, sites, devices and the daily reports are
//!   made through the store API; the 1M filler rows (arrivals and report entries) are bulk-inserted
//!   with raw SQL in large transactions, with values bound as the store binds them.
//! - The baseline is a second connection on the same file with the same pragmas, doing per row
//!   exactly the minimum a durable write needs: one `IMMEDIATE` transaction, one prepared `INSERT`
//!   of the same row shape, one commit.
//! - Each iteration runs store arrival, raw arrival, store entry, raw entry, so both sides see the
//!   same cache, WAL and disk state. A short warm-up is not counted.
//!
//! Environment: `FIELDLOG_BENCH_N` (measured iterations, default 2000), `FIELDLOG_BENCH_FILL`
//! (filler rows, default 1,000,000; half arrivals, half report entries).

use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::fault::UnresolvedReason;
use fieldlog_domain::ids::ReportId;
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::site::{Device, DeviceKind, GeoPoint, Site, SiteKind};
use fieldlog_domain::sla::Preset;
use fieldlog_domain::technician::Technician;
use fieldlog_store::{NewDevice, NewSite, Store};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::Path;
use std::time::{Duration, Instant};
use uuid::Uuid;

const DEFAULT_N: usize = 2_000;
const DEFAULT_FILL: usize = 1_000_000;
const WARMUP: usize = 20;
/// Draft reports that hold the filler entries (one per past day).
const FILL_REPORTS: usize = 1_000;
const SITES: usize = 10;
/// Rows per bulk transaction.
const FILL_BATCH: usize = 100_000;

const INSERT_ARRIVAL: &str =
    "INSERT INTO arrivals (id, technician_id, site_id, fault_id, arrived_at, lat, lon, accuracy_m,
                       site_confirmed_by_hand, recorded_at)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
const INSERT_ENTRY: &str = "INSERT INTO report_entries (id, report_id, position, site_id, device_id, fault_id, fault_cause,
                             resolved, unresolved_reason, work_done)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

const CAUSE: &str = "摄像机无图像，现场检查为供电模块老化";
const WORK_DONE: &str = "更换电源适配器，重启设备，确认图像恢复正常并回传平台";

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

struct World {
    me: Technician,
    sites: Vec<(Site, Device)>,
    fill_reports: Vec<ReportId>,
    store_report: ReportId,
    raw_report: ReportId,
}

fn main() -> BenchResult<()> {
    let n = env_usize("FIELDLOG_BENCH_N", DEFAULT_N);
    let fill = env_usize("FIELDLOG_BENCH_FILL", DEFAULT_FILL);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("profile.sqlite");
    let mut store = Store::open(&path)?;
    let now = Utc::now();

    let started = Instant::now();
    let world = setup(&mut store, now)?;
    let setup_time = started.elapsed();

    let started = Instant::now();
    bulk_fill(store.connection(), &world, now, fill)?;
    store
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let fill_time = started.elapsed();
    let rows_before = filled_rows(store.connection())?;
    let db_bytes = std::fs::metadata(&path)?.len();

    let mut raw = raw_connection(&path)?;
    let timings = measure(&mut store, &mut raw, &world, n)?;
    let rows_after = filled_rows(store.connection())?;
    let shapes = same_shapes(store.connection(), &world)?;

    report(&Summary {
        n,
        setup_time,
        fill_time,
        rows_before,
        rows_after,
        db_bytes,
        shapes,
        timings,
    });
    Ok(())
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Profile, contract, sites with one camera each, and the draft reports: one per past day for the
/// filler entries, today's for the store's entries and yesterday's for the raw entries (both
/// start empty, so both grow the same way).
fn setup(store: &mut Store, now: DateTime<Utc>) -> BenchResult<World> {
    let today = fieldlog_domain::time::local_date(now);
    let long_ago = now - TimeDelta::days(FILL_REPORTS as i64 + 30);
    let me = store.init_profile("测试技服甲", Some("T-001"), long_ago)?;
    let contract = store.add_contract(
        "bench-contract",
        "县公安局村村通视频查询运维项目",
        "测试县公安局",
        today - TimeDelta::days(FILL_REPORTS as i64 + 60),
        today + TimeDelta::days(365),
        SpareFloor::default(),
        &Preset::CountyPoliceVillageQuery.policy(),
        long_ago,
    )?;
    let mut sites = Vec::with_capacity(SITES);
    for i in 0..SITES {
        let site = store.add_site(NewSite {
            contract_id: contract.id,
            code: format!("CV-{i:03}"),
            name: format!("第{i}村村口监控点"),
            kind: SiteKind::CameraPole,
            address: format!("测试县测试镇第{i}村"),
            location: Some(GeoPoint {
                lat: 30.0 + i as f64 * 0.01,
                lon: 120.0 + i as f64 * 0.01,
                accuracy_m: None,
            }),
        })?;
        let device = store.add_device(NewDevice {
            site_id: site.id,
            kind: DeviceKind::Camera,
            model: "DS-2CD3T46".into(),
            serial: Some(format!("SN-{i:05}")),
        })?;
        sites.push((site, device));
    }
    let mut fill_reports = Vec::with_capacity(FILL_REPORTS);
    for days_ago in (2..FILL_REPORTS as i64 + 2).rev() {
        let at = now - TimeDelta::days(days_ago);
        let day = today - TimeDelta::days(days_ago);
        fill_reports.push(store.create_report(me.id, contract.id, day, at)?.id);
    }
    let raw_report = store
        .create_report(me.id, contract.id, today - TimeDelta::days(1), now)?
        .id;
    let store_report = store.create_report(me.id, contract.id, today, now)?.id;
    Ok(World {
        me,
        sites,
        fill_reports,
        store_report,
        raw_report,
    })
}

/// Half the filler rows are arrivals spread over the past days, oldest first (as they are
/// recorded), two in three with a location; half are entries of the past days' draft reports.
fn bulk_fill(conn: &Connection, world: &World, now: DateTime<Utc>, fill: usize) -> BenchResult<()> {
    let arrivals = fill / 2;
    let entries = fill - arrivals;
    let me = world.me.id.to_string();
    let sites: Vec<(String, String)> = world
        .sites
        .iter()
        .map(|(s, d)| (s.id.to_string(), d.id.to_string()))
        .collect();

    let first = now - TimeDelta::days(FILL_REPORTS as i64 + 1);
    let step = TimeDelta::days(FILL_REPORTS as i64).num_milliseconds() / arrivals.max(1) as i64;
    for start in (0..arrivals).step_by(FILL_BATCH) {
        let tx = conn.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare_cached(INSERT_ARRIVAL)?;
            for i in start..(start + FILL_BATCH).min(arrivals) {
                let (site, _) = &sites[i % sites.len()];
                let arrived_at = first + TimeDelta::milliseconds(step * i as i64);
                let located = i % 3 != 0;
                stmt.execute(rusqlite::params![
                    Uuid::now_v7().to_string(),
                    me,
                    site,
                    None::<String>,
                    arrived_at,
                    located.then_some(30.0 + (i % 1000) as f64 * 1e-4),
                    located.then_some(120.0 + (i % 997) as f64 * 1e-4),
                    located.then_some(5.0 + (i % 40) as f64),
                    !located,
                    arrived_at + TimeDelta::seconds(2),
                ])?;
            }
        }
        tx.commit()?;
    }

    let per_report = entries.div_ceil(FILL_REPORTS);
    for start in (0..entries).step_by(FILL_BATCH) {
        let tx = conn.unchecked_transaction()?;
        {
            let mut stmt = tx.prepare_cached(INSERT_ENTRY)?;
            for i in start..(start + FILL_BATCH).min(entries) {
                let report = world.fill_reports[i / per_report].to_string();
                let position = (i % per_report + 1) as u32;
                let (site, device) = &sites[i % sites.len()];
                let resolved = i % 10 != 0;
                stmt.execute(rusqlite::params![
                    Uuid::now_v7().to_string(),
                    report,
                    position,
                    site,
                    Some(device),
                    None::<String>,
                    CAUSE,
                    resolved,
                    (!resolved).then_some(UnresolvedReason::Power.code()),
                    WORK_DONE,
                ])?;
            }
        }
        tx.commit()?;
    }
    Ok(())
}

/// A second connection on the same file, set up as the store sets up its own.
fn raw_connection(path: &Path) -> BenchResult<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // The evidence chain's triggers (migration 0009) fire on the raw side's inserts too and
    // hash with this function, as on the store's own connection.
    fieldlog_store::chain::register_functions(&conn)?;
    Ok(conn)
}

fn filled_rows(conn: &Connection) -> BenchResult<i64> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM arrivals) + (SELECT count(*) FROM report_entries)",
        [],
        |r| r.get(0),
    )?)
}

#[derive(Default)]
struct Timings {
    store_arrival: Vec<Duration>,
    raw_arrival: Vec<Duration>,
    store_entry: Vec<Duration>,
    raw_entry: Vec<Duration>,
}

fn measure(
    store: &mut Store,
    raw: &mut Connection,
    world: &World,
    n: usize,
) -> BenchResult<Timings> {
    let (site, device) = &world.sites[0];
    let mut timings = Timings::default();
    let mut raw_position = 0u32;
    for i in 0..WARMUP + n {
        let keep = i >= WARMUP;
        let now = Utc::now();

        let input = NewArrival {
            technician_id: world.me.id,
            site_id: site.id,
            fault_id: None,
            arrived_at: now,
            location: None,
            site_confirmed_by_hand: true,
        };
        let t = Instant::now();
        store.record_arrival(input, now)?;
        let store_arrival = t.elapsed();

        let t = Instant::now();
        {
            let tx = raw.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.prepare_cached(INSERT_ARRIVAL)?
                .execute(rusqlite::params![
                    Uuid::now_v7().to_string(),
                    world.me.id.to_string(),
                    site.id.to_string(),
                    None::<String>,
                    now,
                    None::<f64>,
                    None::<f64>,
                    None::<f64>,
                    true,
                    now,
                ])?;
            tx.commit()?;
        }
        let raw_arrival = t.elapsed();

        let input = NewEntry {
            site_id: site.id,
            device_id: Some(device.id),
            fault_id: None,
            fault_cause: CAUSE.into(),
            resolved: true,
            unresolved_reason: None,
            work_done: WORK_DONE.into(),
            parts: Vec::new(),
        };
        let t = Instant::now();
        store.add_report_entry(world.store_report, input, now)?;
        let store_entry = t.elapsed();

        raw_position += 1;
        let t = Instant::now();
        {
            let tx = raw.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.prepare_cached(INSERT_ENTRY)?.execute(rusqlite::params![
                Uuid::now_v7().to_string(),
                world.raw_report.to_string(),
                raw_position,
                site.id.to_string(),
                Some(device.id.to_string()),
                None::<String>,
                CAUSE,
                true,
                None::<String>,
                WORK_DONE,
            ])?;
            tx.commit()?;
        }
        let raw_entry = t.elapsed();

        if keep {
            timings.store_arrival.push(store_arrival);
            timings.raw_arrival.push(raw_arrival);
            timings.store_entry.push(store_entry);
            timings.raw_entry.push(raw_entry);
        }
    }
    Ok(timings)
}

/// Whether the newest store row and the newest raw row have the same shape (type and length of
/// every column, values of the non-id ones), i.e. the baseline wrote the same row as the store.
fn same_shapes(conn: &Connection, world: &World) -> BenchResult<(bool, bool)> {
    // Each iteration inserts the store's arrival, then the raw one: the newest two are one of each.
    let arrivals: Vec<String> = conn
        .prepare(
            "SELECT typeof(id)||length(id)||typeof(technician_id)||length(technician_id)
                    ||typeof(site_id)||typeof(fault_id)||typeof(arrived_at)||length(arrived_at)
                    ||typeof(lat)||typeof(lon)||typeof(accuracy_m)||site_confirmed_by_hand
                    ||typeof(recorded_at)||length(recorded_at)
             FROM arrivals ORDER BY rowid DESC LIMIT 2",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let entry = |report: ReportId| -> rusqlite::Result<String> {
        conn.query_row(
            "SELECT typeof(id)||length(id)||typeof(report_id)||typeof(position)||typeof(site_id)
                    ||typeof(device_id)||typeof(fault_id)||fault_cause||resolved
                    ||typeof(unresolved_reason)||work_done
             FROM report_entries WHERE report_id = ?1 ORDER BY position DESC LIMIT 1",
            [report.to_string()],
            |r| r.get(0),
        )
    };
    Ok((
        arrivals.len() == 2 && arrivals[0] == arrivals[1],
        entry(world.store_report)? == entry(world.raw_report)?,
    ))
}

struct Summary {
    n: usize,
    setup_time: Duration,
    fill_time: Duration,
    rows_before: i64,
    rows_after: i64,
    db_bytes: u64,
    shapes: (bool, bool),
    timings: Timings,
}

struct Stats {
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
}

fn stats(samples: &[Duration]) -> Stats {
    let mut us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
    us.sort_by(f64::total_cmp);
    // Nearest rank.
    let at = |q: f64| us[((q * us.len() as f64).ceil() as usize).clamp(1, us.len()) - 1];
    Stats {
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: us[us.len() - 1],
    }
}

fn report(s: &Summary) {
    let rows = [
        ("store `record_arrival`", &s.timings.store_arrival),
        ("raw INSERT arrivals", &s.timings.raw_arrival),
        ("store `add_report_entry`", &s.timings.store_entry),
        ("raw INSERT report_entries", &s.timings.raw_entry),
    ];
    let stats: Vec<Stats> = rows.iter().map(|(_, t)| stats(t)).collect();

    println!();
    println!("## Write path into a {}-row database", s.rows_before);
    println!();
    println!("| operation | n | p50 µs | p95 µs | p99 µs | max µs |");
    println!("|---|---:|---:|---:|---:|---:|");
    for ((name, samples), st) in rows.iter().zip(&stats) {
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            samples.len(),
            st.p50,
            st.p95,
            st.p99,
            st.max
        );
    }
    println!();
    println!("| pair | store/raw p50 | store/raw p99 | goal p99 within 2x |");
    println!("|---|---:|---:|---|");
    for (name, store, raw) in [
        ("arrival", &stats[0], &stats[1]),
        ("report entry", &stats[2], &stats[3]),
    ] {
        let p99 = store.p99 / raw.p99;
        println!(
            "| {name} | {:.2}x | {p99:.2}x | {} |",
            store.p50 / raw.p50,
            if p99 <= 2.0 { "met" } else { "NOT met" }
        );
    }
    println!();
    println!(
        "- rows in DB (arrivals + report_entries): before {}, after {}",
        s.rows_before, s.rows_after
    );
    println!(
        "- database file after fill and checkpoint: {:.1} MiB",
        s.db_bytes as f64 / (1024.0 * 1024.0)
    );
    println!(
        "- setup through the store API: {:.1} s; bulk fill of {} rows + checkpoint: {:.1} s",
        s.setup_time.as_secs_f64(),
        s.rows_before,
        s.fill_time.as_secs_f64()
    );
    println!(
        "- iterations: {} measured after {WARMUP} warm-up; same row shape store vs raw: arrivals {}, entries {}",
        s.n, s.shapes.0, s.shapes.1
    );
    println!("- SQLite {} (bundled)", rusqlite::version());
    for (name, store, raw) in [
        ("arrival", &stats[0], &stats[1]),
        ("report entry", &stats[2], &stats[3]),
    ] {
        let met = store.p99 / raw.p99 <= 2.0;
        println!(
            "goal p99 within 2x ({name}): {}",
            if met { "met" } else { "NOT met" }
        );
    }
}
