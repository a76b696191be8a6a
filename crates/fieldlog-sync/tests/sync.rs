//! Sync end to end: real laptops (store files) against a real server on a loopback port, over a
//! temp SQLite file and over a fresh PostgreSQL database (each test runs on both). Laptops work
//! offline, then sync, and must end holding the same records.

mod support;

use fieldlog_sync::Client;
use fieldlog_wire::sync::v1::{AckStatus, PushRequest, Scope};
use support::{Backend, CONTRACT, Laptop, OTHER_CONTRACT, Server, quick, settle};

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

fn two_laptops_that_work_offline_end_with_the_same_records(backend: Backend) {
    let server = Server::start(backend);
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

fn five_laptops_that_work_offline_end_with_the_same_records(backend: Backend) {
    let server = Server::start(backend);
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

fn a_retried_batch_is_applied_once(backend: Backend) {
    let server = Server::start(backend);
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
    let high_seq = server.count("SELECT high_seq FROM devices WHERE id <> 'office'");
    laptops[0].sync();
    assert_eq!(laptops[0].store.sync_status().unwrap().pending_changes, 0);
    // The round also sends the evidence chain's links (issue 14), which the batch above did not
    // carry, and the laptop's report (issue 17: last seen, app version, changes waiting, on its
    // `devices` row): everything but those is as the first push left it, and the device's
    // stored sequence too.
    let without_chain = |dump: String| -> String {
        let mut keep = true;
        dump.lines()
            .filter(|line| {
                if line.starts_with("== ") {
                    keep = *line != "== evidence_chains" && *line != "== devices";
                }
                keep
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        server.count("SELECT high_seq FROM devices WHERE id <> 'office'"),
        high_seq
    );
    assert_eq!(
        without_chain(after_first),
        without_chain(server.dump()),
        "the laptop's own round resent nothing new"
    );
}

fn a_technician_sees_only_contracts_assigned_to_them(backend: Backend) {
    let server = Server::start(backend);
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

/// A pull merges the device's contracts (each read from its own index range) and its
/// colleagues' profiles: pages come in cursor order, nothing twice, nothing skipped, and each
/// page but the last says more is waiting.
fn a_technician_on_two_contracts_pulls_both_in_cursor_order(backend: Backend) {
    let server = Server::start(backend);
    let mut ours = Laptop::enrolled(
        "测试甲",
        &server.url(),
        &server.technician("测试甲", &[CONTRACT]),
    );
    let mut theirs = Laptop::enrolled(
        "测试丙",
        &server.url(),
        &server.technician("测试丙", &[OTHER_CONTRACT]),
    );
    ours.set_up_contract(CONTRACT);
    theirs.set_up_contract(OTHER_CONTRACT);
    // Interleaved, so the two contracts' records alternate in the feed.
    for minutes in [30, 45] {
        ours.offline_work(CONTRACT, minutes, false);
        ours.sync();
        theirs.offline_work(OTHER_CONTRACT, minutes + 1, false);
        theirs.sync();
    }
    let token = {
        let code = server.technician("测试乙", &[CONTRACT, OTHER_CONTRACT]);
        Laptop::enrolled("测试乙", &server.url(), &code)
            .store
            .enrollment()
            .unwrap()
            .unwrap()
            .token
    };
    // Everyone shares a contract with 测试乙, so every feed row is theirs to read.
    let total = server.count("SELECT count(*) FROM feed");
    let client = Client::new(&server.url(), Some(token), quick()).unwrap();
    let (mut seqs, mut cursor, mut pages) = (Vec::new(), 0, 0);
    loop {
        let page = client.pull(cursor, 7).unwrap();
        pages += 1;
        seqs.extend(page.records.iter().map(|r| r.seq));
        assert_eq!(page.more, seqs.len() < total as usize, "page {pages}");
        if page.records.is_empty() || !page.more {
            break;
        }
        assert!(page.records.len() == 7 && page.cursor > cursor);
        cursor = page.cursor;
    }
    assert_eq!(seqs.len() as i64, total);
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "in cursor order: {seqs:?}"
    );
    let scopes = server.count("SELECT count(DISTINCT scope) FROM feed");
    assert_eq!(scopes, 2, "both contracts are in the feed");
    assert!(pages > 2);
}

fn a_second_different_version_of_evidence_is_kept_for_review_not_overwritten(backend: Backend) {
    let server = Server::start(backend);
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

fn the_server_keeps_its_receive_time_and_flags_a_laptop_clock_that_is_off(backend: Backend) {
    let server = Server::start(backend);
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
    // Everyone receives the flag and the server's receive time with each record (a third
    // laptop looks: each sender's own versions do not come back to it).
    let observer = Laptop::enrolled(
        "测试丙",
        &server.url(),
        &server.technician("测试丙", &[CONTRACT]),
    );
    let token = observer.store.enrollment().unwrap().unwrap().token;
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
    // The feed is in commit order, each batch's changes in the order sent: cursors grow, and a
    // record never comes before the parent it points at.
    let mut seen = std::collections::BTreeSet::new();
    for (i, record) in feed.records.iter().enumerate() {
        if i > 0 {
            assert!(record.seq > feed.records[i - 1].seq, "{record:?}");
        }
        let entity = fieldlog_wire::sync::v1::entity_named(&record.entity).unwrap();
        if let Scope::Parent(parent, column) = entity.scope {
            let parent_id = match &record.row[column] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert!(
                seen.contains(&(parent.to_owned(), parent_id.clone())),
                "{} {} came before its {parent} {parent_id}",
                record.entity,
                record.id
            );
        }
        seen.insert((record.entity.clone(), record.id.clone()));
    }
}

/// A profile that held records before it had sync (schema version 4) sends them all once it
/// upgrades and enrolls, a signed report included, and another laptop receives them intact.
/// What a laptop sent comes back to its colleagues, not to itself: its own round pulls nothing it
/// already holds, its cursor moves past its own versions all the same (the next round does not
/// read them again), and it still learns the server's receive time of its arrivals (from the
/// acks).
fn a_laptop_is_not_sent_back_what_it_sent(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = team(&server, &["测试甲", "测试乙"]);
    laptops[0].offline_work(CONTRACT, 60, true);
    let sent = laptops[0].sync();
    assert!(sent.pushed > 5, "{sent:?}");
    assert_eq!(sent.pulled, 0, "nothing of its own came back: {sent:?}");
    let high = server.count("SELECT max(seq) FROM feed");
    assert_eq!(laptops[0].store.sync_status().unwrap().pull_cursor, high);
    let again = laptops[0].sync();
    assert_eq!((again.pushed, again.pulled), (0, 0), "{again:?}");
    let received = laptops[1].sync();
    assert_eq!(received.pulled, sent.pushed, "{received:?}");
    assert_same_records(&laptops);
    let receipts = |laptop: &Laptop| -> i64 {
        laptop
            .store
            .connection()
            .query_row("SELECT count(*) FROM sync_receipts", [], |r| r.get(0))
            .unwrap()
    };
    assert!(receipts(&laptops[0]) > 0);
    assert_eq!(receipts(&laptops[0]), receipts(&laptops[1]));
}

fn records_made_before_sync_existed_go_up_after_the_upgrade(backend: Backend) {
    let server = Server::start(backend);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        // Yesterday's build: version 4, a day of work already recorded and signed.
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        fieldlog_store::migrations::migrate_to(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO meta VALUES ('profile_technician_id', 't1');
             INSERT INTO technicians VALUES ('t1', '旧版技服', NULL, '2026-01-01T00:00:00Z');
             INSERT INTO contracts VALUES ('c1', 'HB-2026-01', '旧合同', '旧采购人', '2026-01-01', '2027-12-31', 0, 0, 1);
             INSERT INTO sla_policies VALUES ('c1', 1, '{}', '2026-01-01T00:00:00Z');
             INSERT INTO sites VALUES ('s1', 'c1', 'OLD-1', '旧点位', 'camera_pole', '旧地址', NULL, NULL);
             INSERT INTO faults VALUES ('f1', 'c1', 's1', NULL, 'B', '2026-02-01T01:00:00Z', 'phone', '旧故障', '旧经理', 1, '2026-02-01T01:00:00Z');
             INSERT INTO arrivals VALUES ('a1', 't1', 's1', 'f1', '2026-02-01T02:00:00Z', NULL, NULL, NULL, 1, '2026-02-01T02:00:00Z', 0);
             INSERT INTO daily_reports VALUES ('r1', 't1', 'c1', '2026-02-01', 'draft', NULL, NULL, '2026-02-01T10:00:00Z', NULL);
             INSERT INTO report_entries VALUES ('e1', 'r1', 1, 's1', NULL, 'f1', '旧原因', 1, NULL, '旧处理');
             INSERT INTO spare_parts VALUES ('p1', 'c1', 'OLD-P', '旧备件', 'part', NULL);
             INSERT INTO stock_movements VALUES ('m1', 'p1', 'received', 3, '2026-02-01T00:00:00Z', NULL, NULL, NULL, NULL, NULL, NULL, '2026-02-01T00:00:00Z');
             INSERT INTO stock_movements VALUES ('m2', 'p1', 'used', 1, '2026-02-01T03:00:00Z', 't1', 'f1', 'e1', NULL, NULL, NULL, '2026-02-01T03:00:00Z');
             INSERT INTO entry_parts VALUES ('e1', 1, 'm2');",
        )
        .unwrap();
        let strokes = fieldlog_store::signature_image::scribble(3, 5);
        let png = fieldlog_store::signature_image::render_strokes_png(&strokes, 400, 150);
        let sha: String = {
            use sha2::Digest;
            sha2::Sha256::digest(&png)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        conn.execute(
            "INSERT INTO attachments VALUES (?1, 'image/png', ?2, '2026-02-01T11:00:00Z')",
            (&sha, &png),
        )
        .unwrap();
        conn.execute(
            "INSERT INTO signatures VALUES ('g1', 'daily_report', 'r1', '旧版技服', 'technician', '2026-02-01T11:00:00Z', ?1, '[]', ?2)",
            (&sha, "0".repeat(64)),
        )
        .unwrap();
        conn.execute_batch(
            "UPDATE daily_reports SET status = 'signed', signed_at = '2026-02-01T11:00:00Z' WHERE id = 'r1';",
        )
        .unwrap();
    }
    // Today's build opens it (migration 0005), enrolls and syncs.
    let mut old = Laptop {
        store: fieldlog_store::Store::open(&path).unwrap(),
        dir,
        name: "旧版技服".into(),
    };
    assert!(old.store.sync_status().unwrap().pending_changes >= 13);
    fieldlog_sync::enroll(
        &mut old.store,
        &server.url(),
        &server.technician("旧版技服", &[CONTRACT]),
        "旧笔记本",
        quick(),
    )
    .unwrap();
    let report = old.sync();
    assert_eq!(report.conflicts, 0, "{report:?}");
    let other = Laptop::enrolled(
        "测试乙",
        &server.url(),
        &server.technician("测试乙", &[CONTRACT]),
    );
    let mut laptops = vec![old, other];
    settle(&mut laptops);
    assert_same_records(&laptops);
    let status: String = laptops[1]
        .store
        .connection()
        .query_row(
            "SELECT status FROM daily_reports WHERE id = 'r1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(status, "signed");
    assert_eq!(laptops[1].store.sync_status().unwrap().open_conflicts, 0);
}

support::on_each_backend!(
    two_laptops_that_work_offline_end_with_the_same_records,
    five_laptops_that_work_offline_end_with_the_same_records,
    a_retried_batch_is_applied_once,
    a_technician_sees_only_contracts_assigned_to_them,
    a_technician_on_two_contracts_pulls_both_in_cursor_order,
    a_laptop_is_not_sent_back_what_it_sent,
    a_second_different_version_of_evidence_is_kept_for_review_not_overwritten,
    the_server_keeps_its_receive_time_and_flags_a_laptop_clock_that_is_off,
    records_made_before_sync_existed_go_up_after_the_upgrade,
);
