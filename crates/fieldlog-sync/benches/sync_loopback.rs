//! Sync over loopback (BENCHMARKS.md): push 10,000 changes; an initial pull of 100,000 records;
//! 200 laptops syncing at once. A real server (SQLite file in a temp dir) on 127.0.0.1, real
//! laptop store files, the real client. `FIELDLOG_BENCH_SCALE` (default 1.0) scales the counts;
//! `FIELDLOG_BENCH_TLS=1` runs the same over HTTPS (rustls/ring, a throwaway CA for 127.0.0.1).
//! `FIELDLOG_BENCH_BACKEND=postgres` runs the server on a fresh database in the PostgreSQL cluster
//! at `FIELDLOG_TEST_POSTGRES_URL` instead (`cargo xtask with-postgres --durable …` gives one).

use chrono::Utc;
use fieldlog_server::postgres::ThrowawayDatabase;
use fieldlog_server::{Database, RunningServer, SqliteStorage, admin};
use fieldlog_store::Store;
use fieldlog_sync::SyncOptions;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONTRACT: &str = "BENCH-01";

fn scaled(n: usize) -> usize {
    let scale: f64 = std::env::var("FIELDLOG_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1.0);
    ((n as f64) * scale).max(1.0) as usize
}

fn options() -> SyncOptions {
    SyncOptions {
        batch: 1000,
        page: 5000,
        ..SyncOptions::default()
    }
}

struct Bench {
    _dir: tempfile::TempDir,
    storage: Arc<Database>,
    server: RunningServer,
    root: std::path::PathBuf,
    /// The throwaway CA's root (PEM) when serving HTTPS.
    tls_root: Option<String>,
    /// The PostgreSQL database, dropped after the server stops.
    _database: Option<ThrowawayDatabase>,
}

/// The server's database for a run: a SQLite file in `dir`, or a fresh PostgreSQL database.
fn open_database(dir: &std::path::Path) -> (Database, Option<ThrowawayDatabase>) {
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

impl Bench {
    fn new() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let (storage, database) = open_database(dir.path());
        let storage = Arc::new(storage);
        admin::add_contract(&*storage, CONTRACT, "基准合同").unwrap();
        let addr = "127.0.0.1:0".parse().unwrap();
        let (server, tls_root) = if std::env::var("FIELDLOG_BENCH_TLS").is_ok_and(|v| v == "1") {
            let ca = fieldlog_certs::Authority::generate("基准 CA", None, Utc::now(), 30).unwrap();
            let hosts = ["127.0.0.1".to_owned()];
            let (cert, key) =
                fieldlog_certs::tls_server_identity(&ca, &hosts, Utc::now(), 7).unwrap();
            let server = RunningServer::start_tls(storage.clone(), addr, &cert, &key).unwrap();
            (server, Some(ca.certificate_pem()))
        } else {
            (RunningServer::start(storage.clone(), addr).unwrap(), None)
        };
        let root = dir.path().to_path_buf();
        Bench {
            _dir: dir,
            storage,
            server,
            root,
            _database: database,
            tls_root,
        }
    }

    fn laptop(&self, name: &str) -> Store {
        let id = admin::add_technician(&*self.storage, name).unwrap();
        admin::assign(&*self.storage, &id, CONTRACT).unwrap();
        let code = admin::enrollment_code(&*self.storage, &id, Utc::now()).unwrap();
        let mut store = Store::open(self.root.join(format!("{name}.sqlite"))).unwrap();
        store.init_profile(name, None, Utc::now()).unwrap();
        fieldlog_sync::enroll_trusting(
            &mut store,
            &self.server.url(),
            &code,
            name,
            self.tls_root.as_deref(),
            options(),
        )
        .unwrap();
        store
    }
}

/// The contract with a site and a part, then `n` stock movements, written with raw SQL in one
/// transaction (the triggers queue each in the outbox exactly as a user action would).
fn fill(store: &Store, n: usize, contract: bool) {
    let conn = store.connection();
    let tx = conn.unchecked_transaction().unwrap();
    if contract {
        tx.execute_batch(
            "INSERT INTO contracts VALUES ('00000000-0000-7000-8000-00000000c001', 'BENCH-01', '基准合同', '基准采购人', '2026-01-01', '2027-12-31', 0, 0, 1);
             INSERT INTO sla_policies VALUES ('00000000-0000-7000-8000-00000000c001', 1, '{}', '2026-01-01T00:00:00Z');
             INSERT INTO spare_parts VALUES ('00000000-0000-7000-8000-00000000p001', '00000000-0000-7000-8000-00000000c001', 'BJ', '备件', 'part', NULL);",
        )
        .unwrap();
    }
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO stock_movements (id, part_id, kind, quantity, at, recorded_at)
                 VALUES (?1, '00000000-0000-7000-8000-00000000p001', 'received', 1, ?2, ?2)",
            )
            .unwrap();
        for _ in 0..n {
            insert
                .execute((uuid::Uuid::now_v7().to_string(), Utc::now()))
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    // 1. Push 10,000 changes.
    let n_push = scaled(10_000);
    let bench = Bench::new();
    println!("server database: {}", bench.storage.kind());
    let mut lead = bench.laptop("lead");
    fill(&lead, n_push, true);
    let queued = lead.sync_status().unwrap().pending_changes;
    let started = Instant::now();
    let report = fieldlog_sync::sync_round(&mut lead, &options()).unwrap();
    let push_time = started.elapsed();
    assert_eq!(lead.sync_status().unwrap().pending_changes, 0);
    println!(
        "push: {queued} changes in {:.2} s = {:.0} changes/s (acked {})",
        push_time.as_secs_f64(),
        queued as f64 / push_time.as_secs_f64(),
        report.pushed
    );

    // 2. An initial pull of 100,000 records.
    let n_pull = scaled(100_000);
    fill(&lead, n_pull.saturating_sub(queued as usize), false);
    fieldlog_sync::sync_round(&mut lead, &options()).unwrap();
    let mut fresh = bench.laptop("fresh");
    let started = Instant::now();
    let report = fieldlog_sync::sync_round(&mut fresh, &options()).unwrap();
    let pull_time = started.elapsed();
    println!(
        "initial pull: {} records in {:.2} s = {:.0} records/s (applied {})",
        report.pulled,
        pull_time.as_secs_f64(),
        report.pulled as f64 / pull_time.as_secs_f64(),
        report.applied
    );
    drop(fresh);
    drop(lead);
    drop(bench);

    // 3. 200 laptops at once. Each has enrolled and synced before and has 5 changes waiting; all
    // start together and each sends its batch and asks for one page of the feed, as a round does.
    // The laptops' own SQLite work (building the batch, applying the page) is left out: on this
    // 2-core machine 200 laptops' disks and CPUs would be one, and it is the server under load that
    // is measured.
    let n_devices = scaled(200);
    let bench = Bench::new();
    let mut lead = bench.laptop("lead");
    fill(&lead, 0, true);
    fieldlog_sync::sync_round(&mut lead, &options()).unwrap();
    let mut devices = Vec::new();
    for i in 0..n_devices {
        let mut store = bench.laptop(&format!("d{i}"));
        fieldlog_sync::sync_round(&mut store, &options()).unwrap();
        fill(&store, 5, false);
        let enrollment = store.enrollment().unwrap().unwrap();
        let cursor = store.sync_status().unwrap().pull_cursor;
        let batch = store.outbox_batch(100).unwrap();
        let client = fieldlog_sync::Client::trusting(
            &bench.server.url(),
            Some(enrollment.token),
            options(),
            bench.tls_root.as_deref(),
        )
        .unwrap();
        devices.push((client, batch, cursor));
    }
    let commits_before = bench.storage.group_commits();
    let barrier = Arc::new(std::sync::Barrier::new(devices.len()));
    let handles: Vec<_> = devices
        .into_iter()
        .map(|(client, batch, cursor)| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let started = Instant::now();
                let pushed = client.push(&fieldlog_wire::sync::v1::PushRequest {
                    sent_at: Utc::now(),
                    changes: batch,
                });
                let push_time = started.elapsed();
                let pulled = client.pull(cursor, 1000);
                let records = pulled.as_ref().map_or(0, |page| page.records.len());
                (
                    started.elapsed(),
                    push_time,
                    records,
                    pushed.is_ok() && pulled.is_ok(),
                )
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut push_times = Vec::new();
    let mut pulled = 0;
    let mut errors = 0;
    for handle in handles {
        let (time, push_time, records, ok) = handle.join().unwrap();
        times.push(time);
        push_times.push(push_time);
        pulled += records;
        errors += usize::from(!ok);
    }
    times.sort();
    push_times.sort();
    println!(
        "  of which the push: p50 {:.0} ms, p99 {:.0} ms; the pull brought {:.0} records on average; the pushes took {} commits on the server",
        percentile(&push_times, 0.5).as_secs_f64() * 1000.0,
        percentile(&push_times, 0.99).as_secs_f64() * 1000.0,
        pulled as f64 / n_devices as f64,
        bench
            .storage
            .group_commits()
            .zip(commits_before)
            .map_or("one per push (PostgreSQL)".to_owned(), |(after, before)| {
                (after - before).to_string()
            })
    );
    println!(
        "{n_devices} laptops at once (push 5 + pull a page): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms, errors {errors}",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.last().unwrap().as_secs_f64() * 1000.0
    );
}
