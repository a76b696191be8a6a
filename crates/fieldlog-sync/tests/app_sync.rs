//! The app's side of sync against a real server on a loopback port: the background worker sends a
//! local change up on its own (debounced), reports progress and the last good sync, retries an
//! unreachable server without losing anything; stops for good on a laptop the office revoked
//! (until it is enrolled again); and a real conflict between two laptops is settled on one of
//! them and ends the same on both.

mod support;

use fieldlog_store::Store;
use fieldlog_store::settle::{ConflictKind, Side};
use fieldlog_sync::background::{Policy, Worker};
use fieldlog_wire::v1::{SyncActivity, SyncPhase, SyncState};
use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{Backend, CONTRACT, Laptop, Server, quick};

/// Quick timings, so the test does not sit through the app's real ones.
fn brisk() -> Policy {
    Policy {
        debounce: Duration::from_millis(200),
        max_delay: Duration::from_secs(2),
        period: Duration::from_secs(3600),
        first_retry: Duration::from_millis(100),
        max_retry: Duration::from_millis(400),
        poll: Duration::from_millis(50),
    }
}

/// Waits (bounded, generously: this is not a timing assertion) for an activity that `wanted`.
fn wait_for(
    events: &mpsc::Receiver<SyncActivity>,
    seen: &mut Vec<SyncActivity>,
    wanted: impl Fn(&SyncActivity) -> bool,
) -> SyncActivity {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(activity) => {
                seen.push(activity.clone());
                if wanted(&activity) {
                    return activity;
                }
            }
            Err(_) => panic!("the awaited sync activity never came; saw {seen:#?}"),
        }
    }
}

fn start(laptop: &Laptop) -> (Worker, mpsc::Receiver<SyncActivity>) {
    let (tx, rx) = mpsc::channel();
    let worker = Worker::start(
        laptop.store.path().to_path_buf(),
        quick(),
        brisk(),
        move |activity| {
            let _ = tx.send(activity.clone());
        },
    );
    (worker, rx)
}

/// Two technicians of the contract, each with an enrolled laptop.
fn two_laptops(server: &Server) -> (Laptop, Laptop) {
    let code_a = server.technician("甲", &[CONTRACT]);
    let code_b = server.technician("乙", &[CONTRACT]);
    (
        Laptop::enrolled("甲", &server.url(), &code_a),
        Laptop::enrolled("乙", &server.url(), &code_b),
    )
}

fn site_name(store: &Store) -> String {
    store
        .connection()
        .query_row("SELECT name FROM sites", [], |r| r.get(0))
        .unwrap()
}

fn the_worker_sends_a_local_change_up_on_its_own_and_reports_the_last_good_sync(backend: Backend) {
    let server = Server::start(backend);
    let (mut a, mut b) = two_laptops(&server);
    a.set_up_contract(CONTRACT);
    let (worker, events) = start(&a);
    let mut seen = Vec::new();

    // Enrolled: the first round runs at once and sends the catalogue.
    let first = wait_for(&events, &mut seen, |e| {
        e.state == SyncState::Idle && e.last_good_sync_at.is_some() && e.pending_changes == 0
    });
    assert!(first.pushed > 0, "{first:?}");
    assert!(
        seen.iter()
            .any(|e| e.state == SyncState::Syncing && e.phase == Some(SyncPhase::Pushing)),
        "progress is reported while pushing: {seen:#?}"
    );
    assert_eq!(worker.activity(), first);

    // A local change, with the worker left alone: it goes up after the quiet spell.
    a.offline_work(CONTRACT, 5, true);
    let waiting = a.store.sync_status().unwrap().pending_changes;
    assert!(waiting > 0);
    let after = wait_for(&events, &mut seen, |e| {
        e.state == SyncState::Idle
            && e.pending_changes == 0
            && e.last_good_sync_at > first.last_good_sync_at
    });
    assert!(after.pushed >= waiting as u64, "{after:?}");
    // The last good sync is kept in the profile, not only in the worker; so is the clock offset
    // measured from the server's Date (same machine: within a second or two).
    let status = a.store.sync_status().unwrap();
    assert_eq!(status.last_good_sync_at, after.last_good_sync_at);
    assert!(
        status.clock_offset_secs.is_some_and(|o| o.abs() <= 2),
        "{status:?}"
    );
    assert!(!after.clock_off);
    drop(worker);

    // The other laptop receives the whole day's work.
    b.sync();
    a.sync(); // and a receives b's profile
    assert_eq!(b.records(), a.records());
}

fn an_unreachable_server_is_reported_offline_and_retried_and_nothing_is_lost(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("甲", &[CONTRACT]);
    let mut a = Laptop::enrolled("甲", &server.url(), &code);
    a.set_up_contract(CONTRACT);
    // Point the laptop at a port nobody listens on (a server that was, and is gone).
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let enrollment = a.store.enrollment().unwrap().unwrap();
    a.store
        .save_enrollment(&fieldlog_store::sync::Enrollment {
            server_url: gone,
            ..enrollment.clone()
        })
        .unwrap();
    let pending = a.store.sync_status().unwrap().pending_changes;
    let (worker, events) = start(&a);
    let mut seen = Vec::new();
    let offline = wait_for(&events, &mut seen, |e| e.state == SyncState::Offline);
    assert!(
        offline
            .message
            .as_deref()
            .unwrap()
            .contains("无法连接同步服务器")
    );
    assert!(offline.next_attempt_at.is_some());
    assert_eq!(offline.last_good_sync_at, None);
    // Retried with backoff: offline again, a later attempt planned.
    let again = wait_for(&events, &mut seen, |e| {
        e.state == SyncState::Offline && e.next_attempt_at > offline.next_attempt_at
    });
    assert_eq!(again.pending_changes, pending, "nothing lost while offline");

    // The server is reachable again (the right address): "sync now" sends everything.
    a.store.save_enrollment(&enrollment).unwrap();
    worker.sync_now();
    wait_for(&events, &mut seen, |e| {
        e.state == SyncState::Idle && e.pending_changes == 0 && e.last_good_sync_at.is_some()
    });
}

fn a_real_conflict_is_settled_on_one_laptop_and_both_end_the_same(backend: Backend) {
    let server = Server::start(backend);
    let (mut a, mut b) = two_laptops(&server);
    a.set_up_contract(CONTRACT);
    a.sync();
    b.sync();
    // Both rename the same site offline, differently; b also fixes the address.
    a.store
        .connection()
        .execute("UPDATE sites SET name = '甲改的点位名'", [])
        .unwrap();
    b.store
        .connection()
        .execute(
            "UPDATE sites SET name = '乙改的点位名', address = '乙改的地址'",
            [],
        )
        .unwrap();
    a.sync();
    let report = b.sync();
    assert_eq!(report.conflicts, 1, "{report:?}");
    // The address merged by itself; the name is a real conflict for b's technician.
    let conflicts = b.store.conflict_views().unwrap();
    assert_eq!(conflicts.len(), 1);
    let conflict = &conflicts[0];
    assert_eq!(conflict.kind, ConflictKind::Settle);
    assert_eq!(conflict.fields.len(), 1);
    assert_eq!(conflict.fields[0].ours, "乙改的点位名");
    assert_eq!(conflict.fields[0].theirs, "甲改的点位名");
    assert_eq!(site_name(&b.store), "甲改的点位名");

    // b keeps its own name; the settlement goes up like any change and a takes it.
    let picks = BTreeMap::from([("name".to_owned(), Side::Ours)]);
    b.store
        .settle_conflict(conflict.id, &picks, chrono::Utc::now())
        .unwrap();
    assert_eq!(b.sync().conflicts, 0);
    a.sync();
    assert_eq!(site_name(&a.store), "乙改的点位名");
    assert_eq!(site_name(&b.store), "乙改的点位名");
    assert_eq!(a.records(), b.records());
    let status = b.store.sync_status().unwrap();
    assert_eq!((status.open_conflicts, status.pending_changes), (0, 0));
    assert_eq!(a.store.sync_status().unwrap().open_conflicts, 0);
}

/// The app's commands run on an async runtime: enrolling from one must work (blocking reqwest
/// panics if its runtime is dropped inside another).
fn enrolling_works_from_inside_an_async_runtime(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("甲", &[CONTRACT]);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    let url = server.url();
    let enrolled = runtime.block_on(async move {
        tokio::task::spawn(async move {
            fieldlog_sync::enroll_from_any_thread(&mut store, &url, &code, "甲的笔记本", quick())
                .map(|r| r.technician_name)
        })
        .await
        .unwrap()
    });
    assert_eq!(enrolled.unwrap(), "甲");
}

/// A laptop whose clock was an hour off when it sent its day's work: the server flags the batch,
/// the flag comes down with the feed, and the other laptop's monthly summary names the arrival.
fn an_arrival_sent_on_a_clock_an_hour_off_is_flagged_in_the_other_laptops_summary(
    backend: Backend,
) {
    use fieldlog_domain::summary::ClockDoubt;
    use fieldlog_wire::sync::v1::PushRequest;

    let server = Server::start(backend);
    let (mut a, mut b) = two_laptops(&server);
    a.set_up_contract(CONTRACT);
    a.sync();
    a.offline_work(CONTRACT, 5, false);
    // What a round sends, but stamped by a clock an hour slow.
    let enrollment = a.store.enrollment().unwrap().unwrap();
    let client =
        fieldlog_sync::Client::new(&enrollment.server_url, Some(enrollment.token), quick())
            .unwrap();
    let batch = a.store.outbox_batch(1000).unwrap();
    let response = client
        .push(&PushRequest {
            sent_at: chrono::Utc::now() - chrono::TimeDelta::hours(1),
            changes: batch,
        })
        .unwrap();
    assert!(response.clock_suspect);
    a.store
        .apply_push_response(&response, chrono::Utc::now())
        .unwrap();

    b.sync();
    let (contract, _, _) = b.contract(CONTRACT);
    let summary = b
        .store
        .summary(
            contract,
            "2026-11-01".parse().unwrap(),
            "2026-12-01".parse().unwrap(),
            "2026-12-05T00:00:00Z".parse().unwrap(),
        )
        .unwrap();
    let flagged = &summary.clock_suspect.arrivals;
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(flagged[0].doubt, ClockDoubt::Server);
    assert_eq!(flagged[0].technician, "甲");
    assert!(flagged[0].received_at.is_some());
    assert_eq!(summary.clock_suspect.faults.count, 1);
    // The laptop that sent it learns it too, from its own records in the feed.
    a.sync();
    let own = a
        .store
        .summary(
            a.contract(CONTRACT).0,
            "2026-11-01".parse().unwrap(),
            "2026-12-01".parse().unwrap(),
            "2026-12-05T00:00:00Z".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(own.clock_suspect.arrivals.len(), 1);
}

/// Never two rounds at once for one profile, even from two processes: while another holds the
/// profile's round lock (here: this test, as the app's worker would), a round is refused as busy
/// (and retried later), and nothing is sent; once released, the round runs.
fn a_round_waits_its_turn_while_another_holds_the_profile(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("甲", &[CONTRACT]);
    let mut a = Laptop::enrolled("甲", &server.url(), &code);
    a.set_up_contract(CONTRACT);
    let pending = a.store.sync_status().unwrap().pending_changes;
    let other = std::fs::File::create(fieldlog_sync::round_lock_path(&a.store)).unwrap();
    other.lock().unwrap();
    let busy = a.sync_with(&quick()).unwrap_err();
    assert!(matches!(busy, fieldlog_sync::SyncError::Busy), "{busy}");
    assert!(busy.transient(), "the worker retries it");
    assert_eq!(a.store.sync_status().unwrap().pending_changes, pending);
    drop(other);
    assert_eq!(a.sync().pushed, pending as u64);
}

/// The office revokes a laptop while the app runs: the worker's next round is refused, the
/// indicator says "revoked" with the laptop's own message, and from then on the worker sends
/// nothing at all (counted at a proxy in front of the server), not on a timer, not for new local
/// changes, not for "sync now", while everything on the laptop stays. Enrolled again with a new
/// code, it syncs at once and the changes that waited go up.
fn a_revoked_laptop_stops_syncing_until_it_is_enrolled_again(backend: Backend) {
    use std::sync::atomic::Ordering;
    let server = Server::start(backend);
    let code = server.technician("甲", &[CONTRACT]);
    let mut a = Laptop::enrolled("甲", &server.url(), &code);
    a.set_up_contract(CONTRACT);
    // Every request of the laptop's passes a counting proxy (no faults injected).
    let proxy = support::proxy::FaultyProxy::start(server.running.addr, 17, 0);
    let enrollment = a.store.enrollment().unwrap().unwrap();
    a.store
        .save_enrollment(&fieldlog_store::sync::Enrollment {
            server_url: proxy.url(),
            ..enrollment.clone()
        })
        .unwrap();
    let (worker, events) = start(&a);
    let mut seen = Vec::new();
    wait_for(&events, &mut seen, |e| {
        e.state == SyncState::Idle && e.last_good_sync_at.is_some() && e.pending_changes == 0
    });

    fieldlog_server::revocation::revoke_device(
        &*server.storage,
        &enrollment.device_id,
        "办公室管理员",
        "笔记本遗失",
        chrono::Utc::now(),
    )
    .unwrap();
    // Work done after the revocation: the worker's debounced round is refused.
    a.offline_work(CONTRACT, 60, true);
    let revoked = wait_for(&events, &mut seen, |e| e.state == SyncState::Revoked);
    let message = revoked.message.clone().unwrap();
    assert!(
        message.contains("停用") && message.contains("联系办公室") && message.contains("注册码"),
        "{message}"
    );
    assert!(message.contains("没有丢失或删除"), "{message}");
    assert_eq!(revoked.next_attempt_at, None, "no retry is planned");
    let waiting = a.store.sync_status().unwrap().pending_changes;
    assert!(waiting > 0);
    assert_eq!(revoked.pending_changes, waiting, "the outbox stays");
    assert!(
        a.store
            .sync_status()
            .unwrap()
            .last_error
            .is_some_and(|e| e.contains("停用"))
    );

    // Silence: the brisk policy would retry every 0.4 s at most; a new local change and "sync
    // now" change nothing either.
    let requests = proxy.tally.requests.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_secs(2));
    a.offline_work(CONTRACT, 120, false);
    assert_eq!(worker.sync_now().state, SyncState::Revoked);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        proxy.tally.requests.load(Ordering::SeqCst),
        requests,
        "a revoked laptop kept knocking"
    );
    let still = worker.activity();
    assert_eq!(still.state, SyncState::Revoked);
    assert_eq!(still.next_attempt_at, None);
    let waiting = a.store.sync_status().unwrap().pending_changes;
    assert!(still.pending_changes == waiting && waiting > revoked.pending_changes);

    // The office gives a new code; the laptop enrolls again (a new device): the worker syncs at
    // once, and everything that waited goes up.
    let new_code = fieldlog_server::admin::enrollment_code(
        &*server.storage,
        &enrollment.technician_id,
        chrono::Utc::now(),
    )
    .unwrap();
    let before = server.count("SELECT count(*) FROM records WHERE entity = 'faults'");
    fieldlog_sync::enroll(&mut a.store, &proxy.url(), &new_code, "甲的笔记本", quick()).unwrap();
    assert_ne!(
        a.store.enrollment().unwrap().unwrap().device_id,
        enrollment.device_id
    );
    let back = wait_for(&events, &mut seen, |e| {
        e.state == SyncState::Idle && e.pending_changes == 0 && e.last_good_sync_at.is_some()
    });
    assert_eq!(back.message, None);
    assert_eq!(
        server.count("SELECT count(*) FROM records WHERE entity = 'faults'"),
        before + 2,
        "both faults recorded after the revocation reached the server"
    );
    drop(worker);
}

support::on_each_backend!(
    a_revoked_laptop_stops_syncing_until_it_is_enrolled_again,
    the_worker_sends_a_local_change_up_on_its_own_and_reports_the_last_good_sync,
    an_unreachable_server_is_reported_offline_and_retried_and_nothing_is_lost,
    a_real_conflict_is_settled_on_one_laptop_and_both_end_the_same,
    enrolling_works_from_inside_an_async_runtime,
    an_arrival_sent_on_a_clock_an_hour_off_is_flagged_in_the_other_laptops_summary,
    a_round_waits_its_turn_while_another_holds_the_profile,
);
