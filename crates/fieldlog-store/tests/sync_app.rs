//! Sync as the app shows it, on a real SQLite file: settling a conflict (one transaction that
//! writes the picked values as a new local change and closes the conflict), conflicts kept for
//! review, the time of the last good sync surviving a restart, and the clock-suspect flags of the
//! monthly summary coming from the laptop's own check and from the server's receipt.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::summary::ClockDoubt;
use fieldlog_store::Store;
use fieldlog_store::settle::{ConflictKind, Side};
use fieldlog_wire::ErrorCode;
use fieldlog_wire::sync::v1::{
    Ack, AckStatus, ChangeOp, FeedRecord, PullResponse, PushResponse, Row,
};
use serde_json::json;
use std::collections::BTreeMap;
use support::{Fixture, fixture};

fn site_name(f: &Fixture) -> String {
    f.store
        .connection()
        .query_row(
            "SELECT name FROM sites WHERE id = ?1",
            [f.site.id.to_string()],
            |r| r.get(0),
        )
        .unwrap()
}

/// The server's answer to the last change in the outbox: stored, with `status` and the version
/// it keeps (`row`), `fields` in conflict.
fn answer(f: &mut Fixture, status: AckStatus, row: Row, fields: &[&str]) {
    let batch = f.store.outbox_batch(1000).unwrap();
    let change = batch.last().unwrap();
    f.store
        .apply_push_response(
            &PushResponse {
                stored_through: change.seq,
                acks: vec![Ack {
                    seq: change.seq,
                    entity: change.entity.clone(),
                    id: change.row["id"].as_str().unwrap().to_owned(),
                    status,
                    rev: 7,
                    row: Some(row),
                    fields: fields.iter().map(|f| (*f).to_owned()).collect(),
                    received_at: None,
                    clock_suspect: false,
                }],
                clock_suspect: false,
            },
            f.now,
        )
        .unwrap();
}

/// This laptop renamed the site; the server answers that another laptop renamed it first: the
/// server's name stays and the laptop's is kept as a conflict on `name`.
fn conflict_on_the_site_name(f: &mut Fixture) -> i64 {
    f.store
        .connection()
        .execute(
            "UPDATE sites SET name = '本机改的名字', address = '本机改的地址' WHERE id = ?1",
            [f.site.id.to_string()],
        )
        .unwrap();
    let batch = f.store.outbox_batch(1000).unwrap();
    let change = batch.last().unwrap();
    assert_eq!(
        (change.entity.as_str(), change.op),
        ("sites", ChangeOp::Update)
    );
    let mut server_row = change.row.clone();
    server_row.insert("name".into(), json!("服务器上的名字"));
    answer(f, AckStatus::Merged, server_row, &["name"]);
    let views = f.store.conflict_views().unwrap();
    assert_eq!(views.len(), 1);
    views[0].id
}

fn picks(side: Side) -> BTreeMap<String, Side> {
    BTreeMap::from([("name".to_owned(), side)])
}

#[test]
fn a_draft_conflict_shows_both_versions_and_settling_writes_the_pick_as_a_new_change() {
    let mut f = fixture();
    let id = conflict_on_the_site_name(&mut f);
    // The laptop took the server's merged version: its name, our address.
    assert_eq!(site_name(&f), "服务器上的名字");
    let view = &f.store.conflict_views().unwrap()[0];
    assert_eq!(view.kind, ConflictKind::Settle);
    assert_eq!(view.entity, "sites");
    assert_eq!(view.title.as_deref(), Some("服务器上的名字"));
    assert_eq!(view.fields.len(), 1, "only the field in conflict is asked");
    assert_eq!(view.fields[0].field, "name");
    assert_eq!(view.fields[0].ours, json!("本机改的名字"));
    assert_eq!(view.fields[0].theirs, json!("服务器上的名字"));
    assert_eq!(f.store.sync_status().unwrap().open_conflicts, 1);

    let open = f
        .store
        .settle_conflict(id, &picks(Side::Ours), f.now)
        .unwrap();
    assert!(open.is_empty(), "the conflict disappears");
    assert_eq!(site_name(&f), "本机改的名字");
    // The pick is an ordinary local change, edited from the server's version: the server's
    // three-way merge takes exactly the picked field.
    let batch = f.store.outbox_batch(1000).unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].row["name"], "本机改的名字");
    assert_eq!(batch[0].row["address"], "本机改的地址");
    assert_eq!(batch[0].base.as_ref().unwrap()["name"], "服务器上的名字");
    let status = f.store.sync_status().unwrap();
    assert_eq!((status.open_conflicts, status.pending_changes), (0, 1));
    let settlement: String = f
        .store
        .connection()
        .query_row(
            "SELECT settlement FROM sync_conflicts WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(settlement, r#"{"name":"ours"}"#);
}

#[test]
fn taking_the_servers_value_changes_nothing_and_closes_the_conflict() {
    let mut f = fixture();
    let id = conflict_on_the_site_name(&mut f);
    let open = f
        .store
        .settle_conflict(id, &picks(Side::Theirs), f.now)
        .unwrap();
    assert!(open.is_empty());
    assert_eq!(site_name(&f), "服务器上的名字");
    assert!(
        f.store.outbox_batch(1000).unwrap().is_empty(),
        "nothing to send"
    );
}

#[test]
fn a_settlement_without_a_pick_for_every_field_is_refused_and_changes_nothing() {
    let mut f = fixture();
    let id = conflict_on_the_site_name(&mut f);
    let before = f.dump();
    let missing = f
        .store
        .settle_conflict(id, &BTreeMap::new(), f.now)
        .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::InvalidInput);
    assert!(missing.to_string().contains("name"), "{missing}");
    let unknown = BTreeMap::from([
        ("name".to_owned(), Side::Ours),
        ("lat".to_owned(), Side::Ours),
    ]);
    let refused = f.store.settle_conflict(id, &unknown, f.now).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidInput);
    let gone = f.store.settle_conflict(id + 100, &picks(Side::Ours), f.now);
    assert_eq!(gone.unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(f.dump(), before);
    // Settled once, it cannot be settled again.
    f.store
        .settle_conflict(id, &picks(Side::Ours), f.now)
        .unwrap();
    let again = f.store.settle_conflict(id, &picks(Side::Theirs), f.now);
    assert_eq!(again.unwrap_err().code(), ErrorCode::NotFound);
}

#[test]
fn an_evidence_conflict_is_shown_for_review_and_cannot_be_rewritten() {
    let mut f = fixture();
    let arrival = f
        .store
        .record_arrival(
            NewArrival {
                technician_id: f.me.id,
                site_id: f.site.id,
                fault_id: None,
                arrived_at: f.now,
                location: None,
                site_confirmed_by_hand: true,
            },
            f.now,
        )
        .unwrap();
    let batch = f.store.outbox_batch(1000).unwrap();
    let change = batch.last().unwrap();
    let mut kept = change.row.clone();
    kept.insert("arrived_at".into(), json!("2026-11-02T09:00:00+00:00"));
    answer(&mut f, AckStatus::Conflict, kept, &["arrived_at"]);
    let views = f.store.conflict_views().unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].kind, ConflictKind::Review);
    let fields: Vec<&str> = views[0].fields.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["arrived_at"]);
    let before = f.dump();
    let refused = f
        .store
        .settle_conflict(
            views[0].id,
            &BTreeMap::from([("arrived_at".to_owned(), Side::Theirs)]),
            f.now,
        )
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Conflict);
    assert_eq!(f.dump(), before, "evidence is never rewritten");
    let open = f.store.acknowledge_conflict(views[0].id, f.now).unwrap();
    assert!(open.is_empty());
    let ours: DateTime<Utc> = f
        .store
        .connection()
        .query_row(
            "SELECT arrived_at FROM arrivals WHERE id = ?1",
            [arrival.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ours, f.now, "our arrival is as recorded");
}

#[test]
fn the_last_good_sync_and_the_clock_offset_survive_a_restart() {
    let mut f = fixture();
    let good: DateTime<Utc> = "2026-11-02T09:30:00Z".parse().unwrap();
    f.store.record_sync_outcome(Ok(good)).unwrap();
    f.store.record_clock_offset(-420, good).unwrap();
    f.store
        .record_sync_outcome(Err("无法连接同步服务器".into()))
        .unwrap();
    let path = f.store.path().to_path_buf();
    drop(f.store);
    let store = Store::open(&path).unwrap();
    let status = store.sync_status().unwrap();
    assert_eq!(
        status.last_good_sync_at,
        Some(good),
        "a failure keeps the last good time"
    );
    assert_eq!(status.last_error.as_deref(), Some("无法连接同步服务器"));
    assert_eq!(status.clock_offset_secs, Some(-420));
}

#[test]
fn the_outbox_mark_grows_with_local_changes_only() {
    let mut f = fixture();
    let mark = f.store.outbox_mark().unwrap();
    assert!(mark > 0);
    let batch = f.store.outbox_batch(1000).unwrap();
    f.store
        .apply_push_response(
            &PushResponse {
                stored_through: batch.last().unwrap().seq,
                acks: Vec::new(),
                clock_suspect: false,
            },
            f.now,
        )
        .unwrap();
    assert_eq!(
        f.store.outbox_mark().unwrap(),
        mark,
        "sending is not a change"
    );
    fieldlog_store::desk::set_profile(&mut f.store, "改名技服", None, f.now).unwrap();
    assert_eq!(f.store.outbox_mark().unwrap(), mark + 1);
}

#[test]
fn arrivals_with_a_doubtful_clock_are_flagged_in_the_monthly_summary() {
    let mut f = fixture();
    let arrive = |f: &mut Fixture, at: DateTime<Utc>, now: DateTime<Utc>| {
        f.store
            .record_arrival(
                NewArrival {
                    technician_id: f.me.id,
                    site_id: f.site.id,
                    fault_id: None,
                    arrived_at: at,
                    location: None,
                    site_confirmed_by_hand: true,
                },
                now,
            )
            .unwrap()
    };
    let now = f.now;
    let clean = arrive(&mut f, now, now);
    // The laptop's clock ran back an hour: its own check flags the arrival.
    let behind = now - TimeDelta::hours(1);
    let device = arrive(&mut f, behind, behind);
    assert!(device.clock_suspect);
    // An arrival sent by a laptop whose clock the server found off comes down with the feed.
    let ahead = now + TimeDelta::hours(2);
    let server = arrive(&mut f, ahead, ahead);
    let received: DateTime<Utc> = "2026-11-03T01:00:00Z".parse().unwrap();
    let rows = f.store.synced_records().unwrap();
    let record = |id: String, suspect: bool, seq: i64| FeedRecord {
        seq,
        entity: "arrivals".into(),
        row: rows
            .iter()
            .find(|(e, i, _)| e == "arrivals" && *i == id)
            .unwrap()
            .2
            .clone(),
        id,
        rev: 1,
        received_at: received,
        clock_suspect: suspect,
    };
    let page = PullResponse {
        records: vec![
            record(clean.id.to_string(), false, 1),
            record(server.id.to_string(), true, 2),
        ],
        cursor: 2,
        more: false,
    };
    f.store.apply_pull_page(&page, &[], f.now).unwrap();
    let month_from = "2026-11-01".parse().unwrap();
    let month_to = "2026-12-01".parse().unwrap();
    let later: DateTime<Utc> = "2026-12-05T00:00:00Z".parse().unwrap();
    let summary = f
        .store
        .summary(f.contract.id, month_from, month_to, later)
        .unwrap();
    let flagged: Vec<(String, ClockDoubt, Option<DateTime<Utc>>)> = summary
        .clock_suspect
        .arrivals
        .iter()
        .map(|a| (a.arrival_id.to_string(), a.doubt, a.received_at))
        .collect();
    assert_eq!(
        flagged,
        [
            (device.id.to_string(), ClockDoubt::Device, None),
            (server.id.to_string(), ClockDoubt::Server, Some(received)),
        ]
    );
    assert_eq!(summary.clock_suspect.arrivals[0].technician, "测试技服甲");
    assert!(
        summary.clock_suspect.arrivals[0]
            .site
            .contains("测试村村口监控点")
    );
    // The month before knows nothing of them.
    let october = f
        .store
        .summary(
            f.contract.id,
            "2026-10-01".parse().unwrap(),
            month_from,
            later,
        )
        .unwrap();
    assert!(october.clock_suspect.arrivals.is_empty());
}
