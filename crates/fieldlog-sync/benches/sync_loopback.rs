//! Sync over loopback (BENCHMARKS.md): push 10,000 changes (median of 5); an initial pull of
//! 100,000 records (median of 3); 200 laptops syncing at once. A real server (SQLite file in a temp dir) on 127.0.0.1, real
//! laptop store files, the real client. `FIELDLOG_BENCH_SCALE` (default 1.0) scales the counts;
//! `FIELDLOG_BENCH_TLS=1` runs the same over HTTPS (rustls/ring, a throwaway CA for 127.0.0.1).
//! `FIELDLOG_BENCH_BACKEND=postgres` runs the server on a fresh database in the PostgreSQL cluster
//! at `FIELDLOG_TEST_POSTGRES_URL` instead (`cargo xtask with-postgres --durable …` gives one).

mod common;

use chrono::Utc;
use common::{open_database, percentile, scaled};
use fieldlog_server::postgres::ThrowawayDatabase;
use fieldlog_server::{Database, RunningServer, admin};
use fieldlog_store::Store;
use fieldlog_sync::SyncOptions;
use std::sync::Arc;
use std::time::Instant;

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
    /// Codes of the contracts added to the server so far.
    contracts: std::sync::Mutex<Vec<String>>,
}

impl Bench {
    fn new() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let (storage, database) = open_database(dir.path());
        let storage = Arc::new(storage);
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
            contracts: Default::default(),
        }
    }

    /// A laptop enrolled for a new technician assigned to bench contract `k`.
    fn laptop(&self, name: &str, k: usize) -> Store {
        let (code, _, _) = contract_ids(k);
        if !self.contracts.lock().unwrap().contains(&code) {
            admin::add_contract(&*self.storage, &code, "基准合同").unwrap();
            self.contracts.lock().unwrap().push(code.clone());
        }
        let id = admin::add_technician(&*self.storage, name).unwrap();
        admin::assign(&*self.storage, &id, &code).unwrap();
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

/// The ids of bench contract `k` and of its one spare part.
fn contract_ids(k: usize) -> (String, String, String) {
    (
        format!("BENCH-{:02}", k + 1),
        format!("00000000-0000-7000-8000-{:012x}", 0xc000_0000_usize + k),
        format!("00000000-0000-7000-8000-{:012x}", 0xd000_0000_usize + k),
    )
}

/// With `contract`, bench contract `k` with its SLA policy and a part; then `n` stock movements
/// of that part, written with raw SQL in one transaction (the triggers queue each in the outbox
/// exactly as a user action would).
fn fill(store: &Store, k: usize, n: usize, contract: bool) {
    let (code, contract_id, part_id) = contract_ids(k);
    let conn = store.connection();
    let tx = conn.unchecked_transaction().unwrap();
    if contract {
        tx.execute(
            "INSERT INTO contracts VALUES (?1, ?2, '基准合同', '基准采购人', '2026-01-01', '2027-12-31', 0, 0, 1)",
            (&contract_id, &code),
        )
        .unwrap();
        tx.execute(
            "INSERT INTO sla_policies VALUES (?1, 1, '{}', '2026-01-01T00:00:00Z')",
            [&contract_id],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO spare_parts (id, contract_id, code, name, kind, model)
             VALUES (?1, ?2, 'BJ', '备件', 'part', NULL)",
            (&part_id, &contract_id),
        )
        .unwrap();
    }
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO stock_movements (id, part_id, kind, quantity, at, recorded_at)
                 VALUES (?1, ?2, 'received', 1, ?3, ?3)",
            )
            .unwrap();
        for _ in 0..n {
            insert
                .execute((uuid::Uuid::now_v7().to_string(), &part_id, Utc::now()))
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// Turns a `perf record --control=fifo:CTL -D -1` on or off around a measured window, when
/// `FIELDLOG_BENCH_PERF_CTL=CTL` names its control FIFO: a profile of the window alone.
fn perf_control(command: &str) {
    if let Ok(path) = std::env::var("FIELDLOG_BENCH_PERF_CTL") {
        use std::io::Write;
        let mut fifo = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        writeln!(fifo, "{command}").unwrap();
    }
}

/// Whether a phase runs: `FIELDLOG_BENCH_PHASES` lists them (`bulk` for push and initial
/// pull, `branch`, `one-contract`; default all).
fn runs(phase: &str) -> bool {
    std::env::var("FIELDLOG_BENCH_PHASES")
        .map_or(true, |list| list.split(',').any(|p| p.trim() == phase))
}

fn main() {
    if runs("bulk") {
        bulk();
    }
    // A county branch: 200 laptops over 20 contracts of 10 technicians each, so each laptop
    // pulls what its 9 colleagues pushed. Then the worst case: all 200 on one contract, each
    // pulling what the other 199 pushed.
    let n_devices = scaled(200);
    if runs("branch") {
        at_once(n_devices, 10);
    }
    if runs("one-contract") {
        at_once(n_devices, n_devices);
    }
}

/// Phases 1 and 2: push 10,000 changes (five times, each a round of its own: one figure on a
/// shared 2-core machine scatters by ±15%, so the median is the result), then an initial pull of
/// 100,000 records.
fn bulk() {
    let n_push = scaled(10_000);
    let bench = Bench::new();
    println!("server database: {}", bench.storage.kind());
    let mut lead = bench.laptop("lead", 0);
    let mut rates = Vec::new();
    for run in 0..5 {
        fill(&lead, 0, n_push, run == 0);
        let queued = lead.sync_status().unwrap().pending_changes;
        perf_control("enable");
        let started = Instant::now();
        let report = fieldlog_sync::sync_round(&mut lead, &options()).unwrap();
        let push_time = started.elapsed();
        perf_control("disable");
        assert_eq!(lead.sync_status().unwrap().pending_changes, 0);
        assert_eq!(report.pushed, queued as u64);
        rates.push(queued as f64 / push_time.as_secs_f64());
        println!(
            "push {}: {queued} changes in {:.2} s = {:.0} changes/s",
            run + 1,
            push_time.as_secs_f64(),
            rates[run]
        );
    }
    rates.sort_by(f64::total_cmp);
    println!("push: median {:.0} changes/s (of 5)", rates[2]);
    let queued = (5 * n_push) as i64;

    let n_pull = scaled(100_000);
    fill(&lead, 0, n_pull.saturating_sub(queued as usize), false);
    fieldlog_sync::sync_round(&mut lead, &options()).unwrap();
    // Three fresh laptops in turn, the median the result.
    let mut rates = Vec::new();
    for run in 0..3 {
        let mut fresh = bench.laptop(&format!("fresh{run}"), 0);
        perf_control("enable");
        let started = Instant::now();
        let report = fieldlog_sync::sync_round(&mut fresh, &options()).unwrap();
        let pull_time = started.elapsed();
        perf_control("disable");
        rates.push(report.pulled as f64 / pull_time.as_secs_f64());
        println!(
            "initial pull {}: {} records in {:.2} s = {:.0} records/s (applied {})",
            run + 1,
            report.pulled,
            pull_time.as_secs_f64(),
            rates[run],
            report.applied
        );
    }
    rates.sort_by(f64::total_cmp);
    println!("initial pull: median {:.0} records/s (of 3)", rates[1]);
}

/// What one laptop sends in the at-once window.
struct Laptop {
    token: String,
    batch: Vec<fieldlog_wire::sync::v1::Change>,
    cursor: i64,
}

/// Phase 3: `n_devices` laptops at once, `per_contract` technicians to a contract. Each has
/// enrolled and synced before with the real client and has 5 changes waiting; all start together, and
/// each sends its batch and asks for one page of the feed, as a round does, each over its own
/// connection. Measured per laptop: from its first request to the last byte of the second
/// answer. The requests come from a load generator (one thread, async reqwest, the same wire
/// types) rather than 200 real clients: on this 2-core machine 200 blocking clients (a thread
/// and a runtime each) and 200 laptops' JSON parsing and SQLite work would take the server's
/// cores, when each real laptop has its own. The answers are parsed and checked after the window.
fn at_once(n_devices: usize, per_contract: usize) {
    use fieldlog_wire::sync::v1::{PullResponse, PushRequest, PushResponse};
    let bench = Bench::new();
    let mut laptops = Vec::new();
    for i in 0..n_devices {
        let k = i / per_contract;
        let mut store = bench.laptop(&format!("d{i}"), k);
        if i % per_contract == 0 {
            // The first technician of each contract brings the contract and its part.
            fill(&store, k, 0, true);
        }
        fieldlog_sync::sync_round(&mut store, &options()).unwrap();
        fill(&store, k, 5, false);
        laptops.push(Laptop {
            token: store.enrollment().unwrap().unwrap().token,
            cursor: store.sync_status().unwrap().pull_cursor,
            batch: store.outbox_batch(100).unwrap(),
        });
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = bench.server.url();
    let clients: Vec<reqwest::Client> = laptops
        .iter()
        .map(|_| {
            let mut builder = reqwest::Client::builder();
            if let Some(pem) = &bench.tls_root {
                builder = builder.tls_certs_merge(
                    reqwest::Certificate::from_pem_bundle(pem.as_bytes()).unwrap(),
                );
            }
            builder.build().unwrap()
        })
        .collect();
    let commits_before = bench.storage.group_commits();
    perf_control("enable");
    let answers = runtime.block_on(async {
        let tasks: Vec<_> = laptops
            .iter()
            .zip(&clients)
            .map(|(laptop, client)| {
                let url = &url;
                async move {
                    let started = Instant::now();
                    let push = client
                        .post(format!("{url}/v1/push"))
                        .bearer_auth(&laptop.token)
                        .json(&PushRequest {
                            sent_at: Utc::now(),
                            changes: laptop.batch.clone(),
                        })
                        .send()
                        .await?
                        .error_for_status()?
                        .bytes()
                        .await?;
                    let push_time = started.elapsed();
                    let pull = client
                        .get(format!("{url}/v1/pull?after={}&limit=1000", laptop.cursor))
                        .bearer_auth(&laptop.token)
                        .send()
                        .await?
                        .error_for_status()?
                        .bytes()
                        .await?;
                    Ok::<_, reqwest::Error>((started.elapsed(), push_time, push, pull))
                }
            })
            .collect();
        futures_util::future::join_all(tasks).await
    });
    perf_control("disable");
    let mut times = Vec::new();
    let mut push_times = Vec::new();
    let mut pulled = 0;
    let mut errors = 0;
    for (answer, laptop) in answers.into_iter().zip(&laptops) {
        let Ok((time, push_time, push, pull)) = answer else {
            errors += 1;
            continue;
        };
        let push: PushResponse = serde_json::from_slice(&push).unwrap();
        assert_eq!(push.acks.len(), laptop.batch.len());
        let pull: PullResponse = serde_json::from_slice(&pull).unwrap();
        assert!(pull.records.iter().all(|r| r.seq > laptop.cursor));
        times.push(time);
        push_times.push(push_time);
        pulled += pull.records.len();
    }
    times.sort();
    push_times.sort();
    println!(
        "{n_devices} laptops at once, {per_contract} to a contract (push 5 + pull a page): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms, errors {errors}",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.last().unwrap().as_secs_f64() * 1000.0
    );
    println!(
        "  of which the push: p50 {:.0} ms, p99 {:.0} ms; the pull brought {:.0} records on average; the pushes took {} commits on the server",
        percentile(&push_times, 0.5).as_secs_f64() * 1000.0,
        percentile(&push_times, 0.99).as_secs_f64() * 1000.0,
        pulled as f64 / n_devices as f64,
        bench.storage.group_commits().zip(commits_before).map_or(
            "(not counted on PostgreSQL)".to_owned(),
            |(after, before)| { (after - before).to_string() }
        )
    );
}
