//! Fault injection: laptops sync through a proxy that drops, delays, duplicates and cuts requests
//! and answers. Over many seeded runs, every record made on every laptop reaches the server and
//! every other laptop exactly once: 0 lost, 0 duplicated.

mod support;

use fieldlog_store::sync::Enrollment;
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use support::proxy::FaultyProxy;
use support::{Backend, CONTRACT, Laptop, Server, quick};

/// Runs rounds until one succeeds with nothing left to send (bounded: a run that cannot settle
/// fails the test).
fn sync_until_settled(laptop: &mut Laptop) {
    // Small batches and pages, so a round is many requests and each can meet a fault.
    let options = fieldlog_sync::SyncOptions {
        batch: 7,
        page: 11,
        ..quick()
    };
    for _ in 0..200 {
        if laptop.sync_with(&options).is_ok()
            && laptop.store.sync_status().unwrap().pending_changes == 0
        {
            return;
        }
    }
    panic!("{} could not settle through the proxy", laptop.name);
}

fn through(laptop: &mut Laptop, url: &str) {
    let enrollment = laptop.store.enrollment().unwrap().unwrap();
    let cursor = laptop.store.sync_status().unwrap().pull_cursor;
    laptop
        .store
        .save_enrollment(&Enrollment {
            server_url: url.to_owned(),
            ..enrollment
        })
        .unwrap();
    assert_eq!(
        cursor, 0,
        "route laptops through the proxy before their first pull"
    );
}

fn randomized_faults_lose_nothing_and_duplicate_nothing(backend: Backend) {
    let runs: u64 = std::env::var("FIELDLOG_FAULT_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let mut faults_seen = 0;
    for seed in 1..=runs {
        let server = Server::start(backend);
        let proxy = FaultyProxy::start(server.running.addr, seed, 45);
        let names = ["测试甲", "测试乙", "测试丙"];
        let mut laptops: Vec<Laptop> = names
            .iter()
            .map(|n| Laptop::enrolled(n, &server.url(), &server.technician(n, &[CONTRACT])))
            .collect();
        for laptop in laptops.iter_mut() {
            through(laptop, &proxy.url());
        }
        laptops[0].set_up_contract(CONTRACT);
        sync_until_settled(&mut laptops[0]);
        for laptop in laptops.iter_mut().skip(1) {
            sync_until_settled(laptop);
        }
        // Offline work of a different size on each laptop, in each run.
        for (i, laptop) in laptops.iter_mut().enumerate() {
            let jobs = 1 + (seed as usize + i) % 3;
            for job in 0..jobs {
                laptop.offline_work(CONTRACT, 10 + (job * 97 + i * 13) as i64, job == 0);
            }
        }
        let made: BTreeSet<(String, String)> = laptops
            .iter()
            .flat_map(|l| l.records())
            .map(|(entity, id, _)| (entity, id))
            .collect();
        for _ in 0..2 {
            for laptop in laptops.iter_mut() {
                sync_until_settled(laptop);
            }
        }
        // 0 lost: everything any laptop made is on the server and on every laptop.
        for laptop in &laptops {
            let held: BTreeSet<(String, String)> = laptop
                .records()
                .into_iter()
                .map(|(e, id, _)| (e, id))
                .collect();
            let missing: Vec<_> = made.difference(&held).collect();
            assert!(
                missing.is_empty(),
                "seed {seed}: {} lacks {missing:?}",
                laptop.name
            );
            assert!(
                laptop.records() == laptops[0].records(),
                "seed {seed}: laptops differ"
            );
            assert_eq!(
                laptop.store.sync_status().unwrap().open_conflicts,
                0,
                "seed {seed}"
            );
        }
        assert_eq!(
            server.count("SELECT count(*) FROM records") as usize,
            made.len(),
            "seed {seed}: server record count"
        );
        // 0 duplicated: each version entered the feed once, and the stock ledger counts each use once.
        assert_eq!(
            server.count(
                "SELECT count(*) FROM (SELECT 1 FROM feed GROUP BY entity, id, rev HAVING count(*) > 1) AS twice"
            ),
            0,
            "seed {seed}: a version entered the feed twice"
        );
        let used: i64 = laptops
            .iter()
            .enumerate()
            .map(|(i, _)| 1 + ((seed as usize + i) % 3) as i64)
            .sum();
        for laptop in &laptops {
            assert_eq!(
                laptop.balance(CONTRACT),
                5 - used,
                "seed {seed}: stock ledger"
            );
        }
        faults_seen += proxy.tally.faults.load(Ordering::SeqCst);
    }
    assert!(
        faults_seen > runs * 10,
        "the proxy injected too few faults ({faults_seen})"
    );
}

support::on_each_backend!(randomized_faults_lose_nothing_and_duplicate_nothing,);
