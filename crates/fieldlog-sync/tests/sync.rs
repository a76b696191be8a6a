//! Sync end to end: real laptops (store files) against a real server on a loopback port over a
//! temp SQLite file. Laptops work offline, then sync, and must end holding the same records.

mod support;

use fieldlog_sync::Client;
use fieldlog_wire::sync::v1::{AckStatus, PushRequest};
use support::{CONTRACT, Laptop, OTHER_CONTRACT, Server, quick, settle};

fn assert_same_records(laptops: &[Laptop]) {
    let first = laptops[0].records();
    assert!(!first.is_empty());
    for other in &laptops[1..] {
        let theirs = other.records();
        assert_eq!(
            first.len(),
            theirs.len(),
            "{} and {} hold different numbers of records",
            laptops[0].name,
            other.name
        );
        assert!(
            first == theirs,
            "{} and {} differ",
            laptops[0].name,
            other.name
        );
    }
}

fn team(server: &Server, names: &[&str]) -> Vec<Laptop> {
    let mut laptops: Vec<Laptop> = names
        .iter()
        .map(|name| Laptop::enrolled(name, &server.url(), &server.technician(name, &[CONTRACT])))
        .collect();
    // The first laptop sets the contract up once; everyone else receives it.
    laptops[0].set_up_contract(CONTRACT);
    settle(&mut laptops);
    laptops
}

#[test]
fn two_laptops_that_work_offline_end_with_the_same_records() {
    let server = Server::start();
    let mut laptops = team(&server, &["测试甲", "测试乙"]);
    assert_same_records(&laptops);
    laptops[0].offline_work(CONTRACT, 60, true);
    laptops[1].offline_work(CONTRACT, 90, true);
    laptops[1].offline_work(CONTRACT, 200, false);
    settle(&mut laptops);
    assert_same_records(&laptops);
    // Stock is a ledger: both laptops' use counts, on both.
    assert_eq!(laptops[0].balance(CONTRACT), 5 - 3);
    assert_eq!(laptops[1].balance(CONTRACT), 5 - 3);
    // Signed reports and their signature images arrived intact.
    for laptop in &laptops {
        let signed: i64 = laptop
            .store
            .connection()
            .query_row(
                "SELECT count(*) FROM daily_reports WHERE status = 'signed'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(signed, 2);
        let images: i64 = laptop
            .store
            .connection()
            .query_row("SELECT count(*) FROM attachments", [], |r| r.get(0))
            .unwrap();
        assert_eq!(images, 2);
        let status = laptop.store.sync_status().unwrap();
        assert_eq!(status.pending_changes, 0);
        assert!(status.last_good_sync_at.is_some());
        assert_eq!(status.open_conflicts, 0);
    }
}

#[test]
fn five_laptops_that_work_offline_end_with_the_same_records() {
    let server = Server::start();
    let mut laptops = team(&server, &["测试一", "测试二", "测试三", "测试四", "测试五"]);
    for (i, laptop) in laptops.iter_mut().enumerate() {
        laptop.offline_work(CONTRACT, 30 + i as i64 * 7, i % 2 == 0);
        laptop.offline_work(CONTRACT, 300 + i as i64 * 11, false);
    }
    settle(&mut laptops);
    assert_same_records(&laptops);
    for laptop in &laptops {
        assert_eq!(laptop.balance(CONTRACT), 5 - 10);
    }
}

#[test]
fn a_retried_batch_is_applied_once() {
    let server = Server::start();
    let mut laptops = team(&server, &["测试甲"]);
    laptops[0].offline_work(CONTRACT, 60, false);
    let enrollment = laptops[0].store.enrollment().unwrap().unwrap();
    let client = Client::new(&server.url(), Some(enrollment.token), quick()).unwrap();
    let request = PushRequest {
        sent_at: chrono::Utc::now(),
        changes: laptops[0].store.outbox_batch(100).unwrap(),
    };
    // A fault (and its opening event), an arrival, a part used.
    assert!(request.changes.len() >= 3, "{:?}", request.changes);
    let first = client.push(&request).unwrap();
    assert!(first.acks.iter().all(|a| a.status == AckStatus::Applied));
    let after_first = server.dump();
    // The answer was "lost": the laptop sends the same batch again, twice.
    let second = client.push(&request).unwrap();
    let third = client.push(&request).unwrap();
    assert_eq!(first, second);
    assert_eq!(first, third);
    assert_eq!(
        after_first,
        server.dump(),
        "a resent batch changed the server"
    );
    laptops[0].sync();
    assert_eq!(laptops[0].store.sync_status().unwrap().pending_changes, 0);
    assert_eq!(
        after_first,
        server.dump(),
        "the laptop's own round resent nothing new"
    );
}

#[test]
fn a_technician_sees_only_contracts_assigned_to_them() {
    let server = Server::start();
    let mut ours = team(&server, &["测试甲"]);
    let mut theirs = Laptop::enrolled(
        "外县技服",
        &server.url(),
        &server.technician("外县技服", &[OTHER_CONTRACT]),
    );
    theirs.set_up_contract(OTHER_CONTRACT);
    // A different signature image from ours (same strokes would be the same attachment).
    theirs.offline_work(OTHER_CONTRACT, 61, true);
    theirs.sync();
    ours[0].offline_work(CONTRACT, 60, true);
    ours[0].sync();
    theirs.sync();
    let codes = |laptop: &Laptop| -> Vec<String> {
        laptop
            .store
            .contracts()
            .unwrap()
            .into_iter()
            .map(|c| c.code)
            .collect()
    };
    assert_eq!(codes(&ours[0]), vec![CONTRACT.to_owned()]);
    assert_eq!(codes(&theirs), vec![OTHER_CONTRACT.to_owned()]);
    // Nor can one fetch the other's signature image by its hash.
    let sha: String = theirs
        .store
        .connection()
        .query_row("SELECT image_sha256 FROM signatures", [], |r| r.get(0))
        .unwrap();
    let token = ours[0].store.enrollment().unwrap().unwrap().token;
    let client = Client::new(&server.url(), Some(token), quick()).unwrap();
    match client.download_attachment(&sha) {
        Err(fieldlog_sync::SyncError::Refused { status: 404, .. }) => {}
        other => panic!(
            "expected 404, got {:?}",
            other.map(|(mime, bytes)| (mime, bytes.len()))
        ),
    }
}

#[test]
fn a_second_different_version_of_evidence_is_kept_for_review_not_overwritten() {
    let server = Server::start();
    let mut laptops = team(&server, &["测试甲", "测试乙"]);
    // Both change the contract's SLA policy offline: each makes "version 2", differently.
    let (contract, _, _) = laptops[0].contract(CONTRACT);
    let mut policy_a = fieldlog_domain::sla::Preset::CountyPoliceVillageQuery.policy();
    policy_a.feedback_min = Some(31);
    let mut policy_b = policy_a.clone();
    policy_b.feedback_min = Some(47);
    let at = support::start_time() + chrono::TimeDelta::hours(1);
    laptops[0]
        .store
        .set_policy(contract, &policy_a, at)
        .unwrap();
    laptops[1]
        .store
        .set_policy(contract, &policy_b, at)
        .unwrap();
    laptops[0].sync();
    let report = laptops[1].sync();
    assert_eq!(report.conflicts, 1, "{report:?}");
    let conflicts = laptops[1].store.sync_conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].entity, "sla_policies");
    // The server keeps the first version; the second is kept beside it for review.
    let kept = fieldlog_server::admin::conflicts(&*server.storage).unwrap();
    assert_eq!(kept.len(), 1);
    let feedback = |row: &fieldlog_wire::sync::v1::Row| {
        let policy: serde_json::Value =
            serde_json::from_str(row["policy"].as_str().unwrap()).unwrap();
        policy["feedback_min"].as_i64().unwrap()
    };
    assert_eq!(feedback(&kept[0].kept), 31);
    assert_eq!(feedback(&kept[0].offered), 47);
    // Laptop B keeps its own signed-off version too: evidence is never rewritten, on either side.
    let b_policy: String = laptops[1]
        .store
        .connection()
        .query_row(
            "SELECT policy FROM sla_policies WHERE version = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(b_policy.contains("47"));
}

#[test]
fn the_server_keeps_its_receive_time_and_flags_a_laptop_clock_that_is_off() {
    let server = Server::start();
    let mut laptops = team(&server, &["测试甲", "测试乙"]);
    laptops[0].offline_work(CONTRACT, 60, false);
    let token = laptops[0].store.enrollment().unwrap().unwrap().token;
    let client = Client::new(&server.url(), Some(token), quick()).unwrap();
    // The laptop's clock reads 10 minutes slow when it sends.
    let before = chrono::Utc::now();
    let answer = client
        .push(&PushRequest {
            sent_at: chrono::Utc::now() - chrono::TimeDelta::minutes(10),
            changes: laptops[0].store.outbox_batch(100).unwrap(),
        })
        .unwrap();
    assert!(answer.clock_suspect);
    laptops[0]
        .store
        .apply_push_response(&answer, chrono::Utc::now())
        .unwrap();
    // A laptop in time is not flagged.
    laptops[1].offline_work(CONTRACT, 90, false);
    let report = laptops[1].sync();
    assert!(!report.clock_suspect);
    // Everyone receives the flag and the server's receive time with each record.
    let token = laptops[1].store.enrollment().unwrap().unwrap().token;
    let feed = Client::new(&server.url(), Some(token), quick())
        .unwrap()
        .pull(0, 5000)
        .unwrap();
    let faults: Vec<_> = feed
        .records
        .iter()
        .filter(|r| r.entity == "faults")
        .collect();
    assert_eq!(faults.len(), 2);
    let suspect: Vec<bool> = faults.iter().map(|r| r.clock_suspect).collect();
    assert_eq!(suspect, [true, false]);
    for record in &feed.records {
        assert!(record.received_at <= chrono::Utc::now());
    }
    assert!(faults[0].received_at >= before);
}
