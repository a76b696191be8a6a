//! Issue 13: laptops that touch the *same* records, and hand-made requests the protocol forbids,
//! against a real server on a loopback port (SQLite and PostgreSQL). Each test reproduces one
//! defect of the issue; after every laptop syncs until quiet, every laptop holds, for its
//! contracts, exactly the server's records ([`assert_converged`]).

mod support;

use chrono::{TimeDelta, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::site::GeoPoint;
use fieldlog_wire::ErrorBody;
use fieldlog_wire::sync::v1::{
    AckStatus, AttachmentStatus, Change, ChangeOp, PushRequest, PushResponse,
};
use serde_json::json;
use support::{
    Backend, CONTRACT, Laptop, OTHER_CONTRACT, Server, assert_converged, settle, start_time,
};

fn team(server: &Server, names: &[&str]) -> Vec<Laptop> {
    let mut laptops: Vec<Laptop> = names
        .iter()
        .map(|name| Laptop::enrolled(name, &server.url(), &server.technician(name, &[CONTRACT])))
        .collect();
    laptops[0].set_up_contract(CONTRACT);
    settle(&mut laptops);
    laptops
}

/// A hand-made push from `laptop`'s device: `changes` as (entity, op, row, base), numbered
/// after everything the laptop has sent (the laptop must not make changes afterwards).
fn push_as(
    server: &Server,
    laptop: &Laptop,
    changes: Vec<(&str, ChangeOp, serde_json::Value, Option<serde_json::Value>)>,
) -> (u16, String) {
    let first = laptop.store.outbox_mark().unwrap() + 1;
    let request = PushRequest {
        sent_at: Utc::now(),
        changes: changes
            .into_iter()
            .enumerate()
            .map(|(i, (entity, op, row, base))| Change {
                seq: first + i as i64,
                entity: entity.into(),
                op,
                row: row.as_object().unwrap().clone(),
                base: base.map(|b| b.as_object().unwrap().clone()),
                at: Utc::now(),
            })
            .collect(),
    };
    push_request(server, laptop, &request)
}

fn push_request(server: &Server, laptop: &Laptop, request: &PushRequest) -> (u16, String) {
    let token = laptop.store.enrollment().unwrap().unwrap().token;
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/v1/push", server.url()))
        .bearer_auth(token)
        .json(request)
        .send()
        .unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

fn refused(status: u16, body: &str, expected: u16, code: &str) {
    assert_eq!(status, expected, "{body}");
    let error: ErrorBody = serde_json::from_str(body).unwrap();
    assert_eq!(
        serde_json::to_value(error.code).unwrap(),
        json!(code),
        "{body}"
    );
    assert!(!error.message.is_empty());
}

fn row_of(laptop: &Laptop, entity: &str, id: &str) -> serde_json::Value {
    laptop
        .records()
        .into_iter()
        .find(|(e, i, _)| e == entity && i == id)
        .map(|(_, _, row)| serde_json::Value::Object(row))
        .unwrap_or_else(|| panic!("{} lacks {entity} {id}", laptop.name))
}

/// Entries of `report` kept apart for review on `laptop` (read as SQL, so the test also runs,
/// and fails, against a build without the column).
fn held(laptop: &Laptop, report: fieldlog_domain::ids::ReportId) -> i64 {
    laptop
        .store
        .connection()
        .query_row(
            "SELECT count(*) FROM report_entries WHERE report_id = ?1 AND held_at IS NOT NULL",
            [report.to_string()],
            |r| r.get(0),
        )
        .unwrap()
}

// 1 -------------------------------------------------------------------------------------------

fn a_laptop_behind_takes_the_servers_version_when_its_change_is_already_there(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = team(&server, &["测试甲", "测试乙"]);
    let (contract, _, _) = laptops[0].contract(CONTRACT);
    let policy = fieldlog_domain::sla::Preset::CountyPoliceVillageQuery.policy();
    let at = start_time() + TimeDelta::hours(1);
    // A renames the contract and raises its policy version; B, not pulled since, raises it too.
    laptops[0]
        .store
        .connection()
        .execute(
            "UPDATE contracts SET name = '测试县雪亮工程运维（二期）' WHERE id = ?1",
            [contract.to_string()],
        )
        .unwrap();
    laptops[0].store.set_policy(contract, &policy, at).unwrap();
    laptops[0].sync();
    laptops[1].store.set_policy(contract, &policy, at).unwrap();
    settle(&mut laptops);
    assert_eq!(
        laptops[1].store.contract(contract).unwrap().name,
        "测试县雪亮工程运维（二期）",
        "the laptop kept its old name after an `unchanged` answer"
    );
    assert_converged(&server, &laptops, &[CONTRACT]);
}

// 2 -------------------------------------------------------------------------------------------

/// One technician on two laptops: a draft both hold.
fn one_technician_two_laptops(server: &Server) -> (Vec<Laptop>, fieldlog_domain::ids::ReportId) {
    let code = server.technician("测试甲", &[CONTRACT]);
    let mut first = Laptop::enrolled("测试甲", &server.url(), &code);
    let technician = first.store.enrollment().unwrap().unwrap().technician_id;
    let second_code =
        fieldlog_server::admin::enrollment_code(&*server.storage, &technician, Utc::now()).unwrap();
    let mut second = Laptop::enrolled("测试甲", &server.url(), &second_code);
    second.name = "测试甲（平板）".into();
    first.set_up_contract(CONTRACT);
    let (contract, _, _) = first.contract(CONTRACT);
    let me = first.store.profile().unwrap().unwrap();
    let day = fieldlog_domain::time::local_date(start_time());
    let draft = first
        .store
        .create_report(me.id, contract, day, start_time())
        .unwrap();
    let mut laptops = vec![first, second];
    settle(&mut laptops);
    (laptops, draft.id)
}

fn entries_added_offline_to_one_draft_on_two_laptops_both_count(backend: Backend) {
    let server = Server::start(backend);
    let (mut laptops, report) = one_technician_two_laptops(&server);
    for (i, laptop) in laptops.iter_mut().enumerate() {
        let (_, site, part) = laptop.contract(CONTRACT);
        laptop
            .store
            .add_report_entry(
                report,
                support::entry(site, part),
                start_time() + TimeDelta::minutes(10 + i as i64),
            )
            .unwrap();
    }
    settle(&mut laptops);
    for laptop in &laptops {
        assert!(
            laptop.store.sync_conflicts().unwrap().is_empty(),
            "{} refused: {:?}",
            laptop.name,
            laptop.store.sync_conflicts().unwrap()
        );
        assert_eq!(laptop.balance(CONTRACT), 3, "{}", laptop.name);
        let document = laptop.store.report_document(report).unwrap();
        let positions: Vec<u32> = document.entries.iter().map(|e| e.position).collect();
        assert_eq!(positions, [1, 2], "{}", laptop.name);
    }
    assert_eq!(
        laptops[0].store.report_document(report).unwrap().entries,
        laptops[1].store.report_document(report).unwrap().entries
    );
    // Signed now, on one laptop: the other holds the same signed report, intact.
    support::sign(&mut laptops[0], report, 60);
    settle(&mut laptops);
    for laptop in &laptops {
        let document = laptop.store.report_document(report).unwrap();
        assert_eq!(document.content_intact, Some(true), "{}", laptop.name);
        assert_eq!(document.entries.len(), 2);
    }
    assert_converged(&server, &laptops, &[CONTRACT]);
}

/// The owner signs offline while the other laptop adds an entry to the same draft: whichever
/// reaches the server first, the signed report holds exactly what the signature covers, the
/// other entry is kept apart (shown), and every laptop ends with the server's records.
fn an_entry_the_signature_did_not_cover_is_kept_apart_everywhere(backend: Backend) {
    for signer_first in [false, true] {
        let server = Server::start(backend);
        let (mut laptops, report) = one_technician_two_laptops(&server);
        let (contract, site, part) = laptops[0].contract(CONTRACT);
        laptops[0]
            .store
            .add_report_entry(
                report,
                support::entry(site, part),
                start_time() + TimeDelta::minutes(10),
            )
            .unwrap();
        support::sign(&mut laptops[0], report, 20);
        // The other laptop's entry is about a fault nobody checked in for: only that entry
        // would make it anyone's work.
        let at = start_time() + TimeDelta::minutes(12);
        let fault = laptops[1]
            .store
            .record_fault(
                fieldlog_domain::fault::NewFault {
                    contract_id: contract,
                    site_id: site,
                    device_id: None,
                    level: fieldlog_domain::sla::FaultLevel::C,
                    reported_at: at,
                    channel: fieldlog_domain::fault::ReportChannel::Phone,
                    description: "签字后才补记的故障".into(),
                    first_receiver: "测试经理".into(),
                    caller: None,
                    caller_phone: None,
                },
                at,
            )
            .unwrap();
        laptops[1]
            .store
            .add_report_entry(
                report,
                fieldlog_domain::report::NewEntry {
                    fault_id: Some(fault.id),
                    ..support::entry(site, part)
                },
                start_time() + TimeDelta::minutes(15),
            )
            .unwrap();
        if signer_first {
            laptops[0].sync();
            laptops[1].sync();
        } else {
            laptops[1].sync();
            laptops[0].sync();
        }
        settle(&mut laptops);
        let signed = laptops[0].store.report_document(report).unwrap();
        for laptop in &laptops {
            let document = laptop.store.report_document(report).unwrap();
            assert_eq!(document.content_intact, Some(true), "{}", laptop.name);
            assert_eq!(document.entries, signed.entries, "{}", laptop.name);
            assert_eq!(document.entries.len(), 1, "{}", laptop.name);
            assert_eq!(held(laptop, report), 1, "{}", laptop.name);
            // Shown apart, with when the server kept it apart, as `report show --json` prints it.
            let shown = serde_json::to_value(&document).unwrap();
            assert_eq!(shown["held_entries"].as_array().unwrap().len(), 1);
            assert!(
                shown["held_entries"][0]["held_at"].is_string(),
                "{}: {shown}",
                laptop.name
            );
            // Its parts still count: stock is a ledger.
            assert_eq!(laptop.balance(CONTRACT), 3, "{}", laptop.name);
            // Not part of the report, so it makes no one's work on its fault in the summary.
            let day = fieldlog_domain::time::local_date(start_time());
            let summary = laptop
                .store
                .summary(contract, day, day.succ_opt().unwrap(), Utc::now())
                .unwrap();
            assert!(
                summary.figures.reported.fault_ids.contains(&fault.id),
                "{}",
                laptop.name
            );
            assert!(
                summary.unattributed.fault_ids.contains(&fault.id),
                "{}: {:?}",
                laptop.name,
                summary.technicians
            );
        }
        // Every laptop shows it apart (above); the server's reviewer has it; and when it
        // arrived after the signing, its sender's answer said so (a conflict to acknowledge).
        assert!(
            !signer_first
                || laptops[1]
                    .store
                    .sync_conflicts()
                    .unwrap()
                    .iter()
                    .any(|c| c.entity == "report_entries"),
            "signer first: {signer_first}"
        );
        assert!(
            fieldlog_server::admin::conflicts(&*server.storage)
                .unwrap()
                .iter()
                .any(|c| c.entity == "report_entries" && c.fields == ["held_at"])
        );
        assert_converged(&server, &laptops, &[CONTRACT]);
    }
}

// 3 -------------------------------------------------------------------------------------------

fn children_of_a_signed_report_never_join_it(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = team(&server, &["测试甲", "测试乙"]);
    laptops[0].offline_work(CONTRACT, 30, true);
    settle(&mut laptops);
    let report = laptops[0].store.report_rows(&Default::default()).unwrap()[0].id;
    let document = laptops[0].store.report_document(report).unwrap();
    let (_, site, _) = laptops[0].contract(CONTRACT);
    let signature = serde_json::to_value(&document.signatures[0]).unwrap();
    let signature_row = row_of(&laptops[0], "signatures", signature["id"].as_str().unwrap());
    let mut second = signature_row.clone();
    second["id"] = json!(uuid::Uuid::now_v7().to_string());
    second["signer_name"] = json!("随便谁");
    let new_entry = json!({
        "id": uuid::Uuid::now_v7().to_string(), "report_id": report.to_string(), "position": 2,
        "site_id": site.to_string(), "device_id": null, "fault_id": null,
        "fault_cause": "后加的", "resolved": 1, "unresolved_reason": null,
        "work_done": "签字后才加", "held_at": null,
    });
    let (status, body) = push_as(
        &server,
        &laptops[1],
        vec![
            ("report_entries", ChangeOp::Insert, new_entry.clone(), None),
            ("signatures", ChangeOp::Insert, second.clone(), None),
        ],
    );
    assert_eq!(status, 200, "{body}");
    let answer: PushResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(answer.acks[0].status, AckStatus::Merged, "{body}");
    assert!(
        answer.acks[0].row.as_ref().unwrap()["held_at"].is_string(),
        "{body}"
    );
    assert_eq!(answer.acks[1].status, AckStatus::Conflict, "{body}");
    // The signer's laptop takes what the server publishes without refusing anything, and its
    // signed report is what it signed: the entry apart, no second signature.
    laptops[0].sync();
    assert!(
        laptops[0].store.sync_conflicts().unwrap().is_empty(),
        "{:?}",
        laptops[0].store.sync_conflicts().unwrap()
    );
    let after = laptops[0].store.report_document(report).unwrap();
    assert_eq!(after.content_intact, Some(true));
    assert_eq!(after.entries, document.entries);
    assert_eq!(after.signatures, document.signatures);
    assert_eq!(held(&laptops[0], report), 1);
    assert_eq!(
        server.count(&format!(
            "SELECT count(*) FROM feed WHERE entity = 'signatures' AND id = '{}'",
            second["id"].as_str().unwrap()
        )),
        0
    );
}

// 4 -------------------------------------------------------------------------------------------

fn references_across_contracts_and_taken_codes_are_refused_whole(backend: Backend) {
    let server = Server::start(backend);
    let mut laptop = Laptop::enrolled(
        "测试甲",
        &server.url(),
        &server.technician("测试甲", &[CONTRACT, OTHER_CONTRACT]),
    );
    laptop.set_up_contract(CONTRACT);
    laptop.set_up_contract(OTHER_CONTRACT);
    laptop.offline_work(OTHER_CONTRACT, 10, false);
    let (contract, site, _) = laptop.contract(CONTRACT);
    let me = laptop.store.profile().unwrap().unwrap();
    let day = fieldlog_domain::time::local_date(start_time());
    let draft = laptop
        .store
        .create_report(me.id, contract, day, start_time())
        .unwrap();
    settle(std::slice::from_mut(&mut laptop));
    let (other_contract, other_site, _) = laptop.contract(OTHER_CONTRACT);
    let other_fault = laptop
        .records()
        .into_iter()
        .find(|(e, _, _)| e == "faults")
        .unwrap()
        .1;
    let contract_row = row_of(&laptop, "contracts", &other_contract.to_string());
    let before = server.dump();
    let entry = json!({
        "id": uuid::Uuid::now_v7().to_string(), "report_id": draft.id.to_string(), "position": 1,
        "site_id": other_site.to_string(), "device_id": null, "fault_id": null,
        "fault_cause": "串了合同", "resolved": 1, "unresolved_reason": null,
        "work_done": "另一个合同的点位", "held_at": null,
    });
    let arrival = json!({
        "id": uuid::Uuid::now_v7().to_string(), "technician_id": me.id.to_string(),
        "site_id": site.to_string(), "fault_id": other_fault, "arrived_at": "2026-11-02T02:00:00.000Z",
        "lat": null, "lon": null, "accuracy_m": null, "site_confirmed_by_hand": 1,
        "recorded_at": "2026-11-02T02:00:00.000Z", "clock_suspect": 0,
    });
    let mut twin = contract_row.clone();
    twin["id"] = json!(uuid::Uuid::now_v7().to_string());
    twin["name"] = json!("同编号的另一份合同");
    for (what, change, status, code) in [
        (
            "entry → another contract's site",
            ("report_entries", entry),
            422,
            "invalid_input",
        ),
        (
            "arrival → another contract's fault",
            ("arrivals", arrival),
            422,
            "invalid_input",
        ),
        (
            "a second contract with a taken code",
            ("contracts", twin),
            409,
            "conflict",
        ),
    ] {
        let (got, body) = push_as(
            &server,
            &laptop,
            vec![(change.0, ChangeOp::Insert, change.1, None)],
        );
        assert_eq!(got, status, "{what}: {body}");
        refused(got, &body, status, code);
        assert_eq!(server.dump(), before, "{what}: something was written");
    }
}

// 5 -------------------------------------------------------------------------------------------

fn coordinates_round_trip_exactly(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = team(&server, &["测试甲", "测试乙"]);
    let (_, site, _) = laptops[0].contract(CONTRACT);
    let me = laptops[0].store.profile().unwrap().unwrap();
    let at = start_time() + TimeDelta::hours(2);
    let arrival = laptops[0]
        .store
        .record_arrival(
            NewArrival {
                technician_id: me.id,
                site_id: site,
                fault_id: None,
                arrived_at: at,
                location: Some(GeoPoint {
                    lat: 30.123_456_789_012_345,
                    lon: 114.567_890_123_456_78,
                    accuracy_m: Some(4.000_000_000_000_001),
                }),
                site_confirmed_by_hand: false,
            },
            at,
        )
        .unwrap();
    // The day's signed report shows the check-in: `report show` reads the same everywhere.
    let (contract, _, part) = laptops[0].contract(CONTRACT);
    let day = fieldlog_domain::time::local_date(at);
    let report = laptops[0]
        .store
        .create_report(me.id, contract, day, at)
        .unwrap()
        .id;
    laptops[0]
        .store
        .add_report_entry(report, support::entry(site, part), at)
        .unwrap();
    support::sign(&mut laptops[0], report, 200);
    settle(&mut laptops);
    let ours = row_of(&laptops[0], "arrivals", &arrival.id.to_string());
    let theirs = row_of(&laptops[1], "arrivals", &arrival.id.to_string());
    assert_eq!(ours["lat"].as_f64(), Some(30.123_456_789_012_345));
    assert_eq!(ours, theirs);
    let shown = |laptop: &Laptop| {
        serde_json::to_value(laptop.store.report_document(report).unwrap()).unwrap()
    };
    assert_eq!(shown(&laptops[0])["arrivals"].as_array().unwrap().len(), 1);
    assert_eq!(shown(&laptops[0]), shown(&laptops[1]));
    assert_converged(&server, &laptops, &[CONTRACT]);
}

// 6 -------------------------------------------------------------------------------------------

fn a_new_devices_first_batch_starts_at_one(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = team(&server, &["测试甲"]);
    let newcomer = Laptop::enrolled(
        "测试乙",
        &server.url(),
        &server.technician("测试乙", &[CONTRACT]),
    );
    let profile = row_of(
        &newcomer,
        "technicians",
        &newcomer.store.profile().unwrap().unwrap().id.to_string(),
    );
    let before = server.dump();
    let request = PushRequest {
        sent_at: Utc::now(),
        changes: vec![Change {
            seq: 5,
            entity: "technicians".into(),
            op: ChangeOp::Insert,
            row: profile.as_object().unwrap().clone(),
            base: None,
            at: Utc::now(),
        }],
    };
    let (status, body) = push_request(&server, &newcomer, &request);
    refused(status, &body, 409, "conflict");
    assert_eq!(server.dump(), before);
    // A laptop enrolled again (a new device) with changes still waiting numbers them from 1:
    // they all arrive.
    let technician = laptops[0]
        .store
        .enrollment()
        .unwrap()
        .unwrap()
        .technician_id;
    laptops[0].offline_work(CONTRACT, 40, true);
    let code =
        fieldlog_server::admin::enrollment_code(&*server.storage, &technician, Utc::now()).unwrap();
    fieldlog_sync::enroll(
        &mut laptops[0].store,
        &server.url(),
        &code,
        "测试甲的新笔记本",
        support::quick(),
    )
    .unwrap();
    settle(&mut laptops);
    assert_eq!(laptops[0].store.sync_status().unwrap().pending_changes, 0);
    assert_converged(&server, &laptops, &[CONTRACT]);
}

// 7 -------------------------------------------------------------------------------------------

fn status(server: &Server, laptop: &Laptop, sha: &str) -> AttachmentStatus {
    let token = laptop.store.enrollment().unwrap().unwrap().token;
    reqwest::blocking::Client::new()
        .get(format!("{}/v1/attachments/{sha}/status", server.url()))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap()
}

fn upload(server: &Server, laptop: &Laptop, bytes: &[u8]) -> (u16, String) {
    let token = laptop.store.enrollment().unwrap().unwrap().token;
    let sha = fieldlog_server::rules::sha256_hex(bytes);
    let response = reqwest::blocking::Client::new()
        .put(format!(
            "{}/v1/attachments/{sha}?offset=0&total={}",
            server.url(),
            bytes.len()
        ))
        .bearer_auth(token)
        .header("content-type", "image/png")
        .body(bytes.to_vec())
        .send()
        .unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

fn attachments_tell_nothing_to_outsiders_and_unreferenced_uploads_expire(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = team(&server, &["测试甲"]);
    laptops[0].offline_work(CONTRACT, 30, true);
    settle(&mut laptops);
    let sha = laptops[0]
        .records()
        .into_iter()
        .find(|(e, _, _)| e == "signatures")
        .unwrap()
        .2["image_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(status(&server, &laptops[0], &sha).complete);
    let outsider = Laptop::enrolled(
        "外人",
        &server.url(),
        &server.technician("外人", &[OTHER_CONTRACT]),
    );
    let seen = status(&server, &outsider, &sha);
    assert_eq!((seen.received, seen.complete), (0, false));
    // An upload no record points at is dropped once a day has passed.
    let (code, body) = upload(&server, &outsider, b"nobody points at this");
    assert_eq!(code, 200, "{body}");
    let orphan = fieldlog_server::rules::sha256_hex(b"nobody points at this");
    assert!(status(&server, &outsider, &orphan).complete);
    server.execute(&format!(
        "UPDATE blobs SET started_at = '2026-01-01 00:00:00+00:00' WHERE sha256 = '{orphan}'"
    ));
    let (code, body) = upload(&server, &outsider, b"another upload");
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        server.count(&format!(
            "SELECT count(*) FROM blobs WHERE sha256 = '{orphan}'"
        )),
        0
    );
    // The signature's image, which a record points at, stays.
    server.execute(&format!(
        "UPDATE blobs SET started_at = '2026-01-01 00:00:00+00:00' WHERE sha256 = '{sha}'"
    ));
    upload(&server, &outsider, b"a third upload");
    assert!(status(&server, &laptops[0], &sha).complete);
}

// 8 -------------------------------------------------------------------------------------------

fn a_device_changes_only_its_own_technicians_profile(backend: Backend) {
    let server = Server::start(backend);
    let mut laptops = team(&server, &["测试甲", "测试乙"]);
    let stranger = Laptop::enrolled(
        "外人",
        &server.url(),
        &server.technician("外人", &[OTHER_CONTRACT]),
    );
    let mut stranger = stranger;
    settle(std::slice::from_mut(&mut stranger));
    let victim = laptops[0].store.profile().unwrap().unwrap().id.to_string();
    let profile = row_of(&laptops[0], "technicians", &victim);
    let mut renamed = profile.clone();
    renamed["name"] = json!("被改的名字");
    let before = server.dump();
    let (status, body) = push_as(
        &server,
        &stranger,
        vec![("technicians", ChangeOp::Update, renamed, Some(profile))],
    );
    refused(status, &body, 403, "forbidden");
    assert_eq!(server.dump(), before);
    settle(&mut laptops);
    assert_eq!(
        laptops[1]
            .store
            .technician(victim.parse().unwrap())
            .unwrap()
            .name,
        "测试甲"
    );
}

support::on_each_backend!(
    a_laptop_behind_takes_the_servers_version_when_its_change_is_already_there,
    entries_added_offline_to_one_draft_on_two_laptops_both_count,
    an_entry_the_signature_did_not_cover_is_kept_apart_everywhere,
    children_of_a_signed_report_never_join_it,
    references_across_contracts_and_taken_codes_are_refused_whole,
    coordinates_round_trip_exactly,
    a_new_devices_first_batch_starts_at_one,
    attachments_tell_nothing_to_outsiders_and_unreferenced_uploads_expire,
    a_device_changes_only_its_own_technicians_profile,
);
