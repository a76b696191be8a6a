//! Dispatch between the office and real laptops (issue 18), on both backends: real stores, the
//! real sync client, a real server on a loopback port.
//!
//! - The office takes a call and assigns it to A: A's laptop lists it as its own, B's as A's.
//! - Two offline takes of one fault: both records reach the server and both laptops, the fault is
//!   disputed everywhere with both names; the office assigns it to B, superseding both: B's on all.
//! - A reassignment while A is offline: A's acknowledgement, arrival and resolution all reach the
//!   server, A's laptop then shows the fault as B's, and B sees A's work.
//! - The server's checks: a laptop pushes only takes, in its own technician's name, superseding
//!   records of the same fault; anything else is refused with nothing stored.
//!
//! The first case goes through the office API (`POST /office/v1/faults` with `assign_to`); the
//! others write the office's records through the server's own path for office writes
//! (`support::office`), to hold exactly the records each case needs.

mod support;

use chrono::{TimeDelta, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::dispatch::{self, Holder};
use fieldlog_domain::fault::FaultEventKind;
use fieldlog_domain::ids::FaultId;
use fieldlog_server::storage::Storage;
use fieldlog_store::desk;
use fieldlog_wire::v1::FaultHolder;
use serde_json::json;
use support::office::{
    Console, holder_on, office_assign, office_call, push_by_hand, row, server_assignments,
    server_technician, time_text,
};
use support::{Backend, CONTRACT, Laptop, Server, on_each_backend, settle};
use uuid::Uuid;

on_each_backend!(
    an_office_assignment_reaches_the_assignee_as_theirs_and_the_others_as_someone_elses,
    two_offline_takes_are_a_dispute_everywhere_until_the_office_assigns_again,
    a_reassignment_while_offline_loses_none_of_the_first_technicians_work,
    a_laptop_may_push_only_its_own_takes_of_records_of_the_same_fault,
);

/// Two technicians on the contract, each with an enrolled laptop; A set up the contract.
fn two_laptops(server: &Server) -> (Laptop, Laptop) {
    let mut a = Laptop::enrolled(
        "技服甲",
        &server.url(),
        &server.technician("技服甲", &[CONTRACT]),
    );
    let mut b = Laptop::enrolled(
        "技服乙",
        &server.url(),
        &server.technician("技服乙", &[CONTRACT]),
    );
    a.set_up_contract(CONTRACT);
    let mut both = [a, b];
    settle(&mut both);
    [a, b] = both;
    (a, b)
}

fn names(holder: &Holder) -> Vec<String> {
    holder
        .current()
        .iter()
        .map(|a| a.technician_name.clone())
        .collect()
}

fn an_office_assignment_reaches_the_assignee_as_theirs_and_the_others_as_someone_elses(
    backend: Backend,
) {
    let server = Server::start(backend);
    let (mut a, mut b) = two_laptops(&server);
    // Through the office API: an administrator takes the call and dispatches it in one action.
    let console = Console::administrator(&server);
    let (_, site, _) = a.contract(CONTRACT);
    let taken = console.json(
        reqwest::Method::POST,
        "/office/v1/faults",
        json!({
            "contract": CONTRACT,
            "site_id": site.to_string(),
            "level": "A",
            "reported_at": Utc::now() - TimeDelta::minutes(5),
            "caller": "报修人丁",
            "caller_phone": "13800004321",
            "description": "村口摄像机无图像（来电）",
            "assign_to": server_technician(&a),
        }),
    );
    let fault: FaultId = taken["id"].as_str().unwrap().parse().unwrap();
    a.sync();
    b.sync();
    assert_eq!(holder_on(&a, fault), FaultHolder::Mine);
    assert_eq!(
        holder_on(&b, fault),
        FaultHolder::Other {
            name: "技服甲".into()
        }
    );
    // The call as the office took it, caller and all; on A's Today, first.
    let stored = a.store.fault(fault).unwrap();
    assert_eq!(stored.caller.as_deref(), Some("报修人丁"));
    assert_eq!(stored.caller_phone.as_deref(), Some("13800004321"));
    let today = desk::today(&a.store, Utc::now()).unwrap();
    assert_eq!(today.open_faults[0].id, fault);
    // B cannot take what the office gave A.
    let dump =
        |laptop: &Laptop| fieldlog_store::migrations::data_dump(laptop.store.connection()).unwrap();
    let before = dump(&b);
    let refused = desk::take_fault(&mut b.store, fault, Utc::now()).unwrap_err();
    assert!(refused.to_string().contains("已派给 技服甲"), "{refused}");
    assert_eq!(dump(&b), before);
}

fn two_offline_takes_are_a_dispute_everywhere_until_the_office_assigns_again(backend: Backend) {
    let server = Server::start(backend);
    let (mut a, mut b) = two_laptops(&server);
    let fault = office_call(&server, &a, Utc::now() - TimeDelta::minutes(5));
    a.sync();
    b.sync();
    assert_eq!(holder_on(&a, fault), FaultHolder::Unassigned);
    // Both offline: each takes it, seeing nobody else's take.
    let took_a = desk::take_fault(&mut a.store, fault, Utc::now()).unwrap();
    assert_eq!(took_a.row.holder, FaultHolder::Mine);
    let took_b = desk::take_fault(&mut b.store, fault, Utc::now()).unwrap();
    assert_eq!(took_b.row.holder, FaultHolder::Mine);
    let mut both = [a, b];
    settle(&mut both);
    let [a, b] = both;
    let on_server = server_assignments(&server, fault);
    assert_eq!(on_server.len(), 2, "{on_server:?}");
    let disputed = dispatch::holder(&on_server);
    assert_eq!(names(&disputed), ["技服甲", "技服乙"]);
    for laptop in [&a, &b] {
        assert_eq!(
            holder_on(laptop, fault),
            FaultHolder::Disputed {
                names: vec!["技服甲".into(), "技服乙".into()],
                mine: true
            },
            "{}",
            laptop.name
        );
        assert_eq!(laptop.store.fault_assignments(fault).unwrap().len(), 2);
    }
    // The office settles it: B's, superseding both claims.
    office_assign(
        &server,
        fault,
        &b,
        &disputed
            .supersede_all()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        "两人同时接单，由乙处理",
    );
    let mut both = [a, b];
    settle(&mut both);
    let [a, b] = both;
    let settled = dispatch::holder(&server_assignments(&server, fault));
    assert_eq!(names(&settled), ["技服乙"]);
    assert_eq!(
        holder_on(&a, fault),
        FaultHolder::Other {
            name: "技服乙".into()
        }
    );
    assert_eq!(holder_on(&b, fault), FaultHolder::Mine);
    for laptop in [&a, &b] {
        assert_eq!(laptop.store.fault_assignments(fault).unwrap().len(), 3);
    }
}

fn a_reassignment_while_offline_loses_none_of_the_first_technicians_work(backend: Backend) {
    let server = Server::start(backend);
    let (mut a, mut b) = two_laptops(&server);
    let fault = office_call(&server, &a, Utc::now() - TimeDelta::minutes(30));
    let first = office_assign(&server, fault, &a, &[], "");
    a.sync();
    assert_eq!(holder_on(&a, fault), FaultHolder::Mine);
    // A goes offline; the office, not hearing from A, gives the fault to B.
    office_assign(&server, fault, &b, &[first], "甲联系不上，改派乙");
    b.sync();
    assert_eq!(holder_on(&b, fault), FaultHolder::Mine);
    // Meanwhile A, offline, works the fault through.
    let (_, site, _) = a.contract(CONTRACT);
    let me = a.store.profile().unwrap().unwrap();
    let now = Utc::now();
    desk::record_fault_event(
        &mut a.store,
        fault,
        FaultEventKind::Acknowledged {
            by: "技服甲".into(),
        },
        Some(now - TimeDelta::minutes(20)),
        now,
    )
    .unwrap();
    a.store
        .record_arrival(
            NewArrival {
                technician_id: me.id,
                site_id: site,
                fault_id: Some(fault),
                arrived_at: now - TimeDelta::minutes(10),
                location: None,
                site_confirmed_by_hand: true,
            },
            now,
        )
        .unwrap();
    desk::record_fault_event(
        &mut a.store,
        fault,
        FaultEventKind::Resolved {
            note: "更换电源适配器".into(),
        },
        Some(now),
        now,
    )
    .unwrap();
    // Acknowledged, on site (the arrival), resolved.
    let events = a.store.fault_detail(fault, now).unwrap().events;
    assert_eq!(events.len(), 3, "{events:?}");
    // A syncs: nothing A did is lost, and A now sees the fault as B's.
    let mut both = [a, b];
    settle(&mut both);
    let [a, b] = both;
    let on_server = |entity: &str| {
        server
            .storage
            .read(|tx| tx.records_in_scope(entity, CONTRACT))
            .unwrap()
            .into_iter()
            .filter(|r| r.row["fault_id"] == json!(fault.to_string()))
            .count()
    };
    assert_eq!(on_server("fault_events"), events.len());
    assert_eq!(on_server("arrivals"), 1);
    assert_eq!(
        holder_on(&a, fault),
        FaultHolder::Other {
            name: "技服乙".into()
        }
    );
    // B sees A's work: the events, the arrival, the fault resolved.
    let seen = b.store.fault_detail(fault, Utc::now()).unwrap();
    assert_eq!(seen.events, events);
    assert_eq!(seen.arrivals.len(), 1);
    assert!(!seen.row.status.is_open());
    assert_eq!(seen.row.holder, FaultHolder::Mine);
}

fn a_laptop_may_push_only_its_own_takes_of_records_of_the_same_fault(backend: Backend) {
    let server = Server::start(backend);
    let (mut a, b) = two_laptops(&server);
    let fault = office_call(&server, &a, Utc::now() - TimeDelta::minutes(5));
    let other_fault = office_call(&server, &a, Utc::now() - TimeDelta::minutes(4));
    let elsewhere = office_assign(&server, other_fault, &b, &[], "");
    // A fault the office sent to B: a take must not quietly supersede that.
    let held = office_call(&server, &a, Utc::now() - TimeDelta::minutes(3));
    let held_by_b = office_assign(&server, held, &b, &[], "");
    a.sync();
    let take_of = |fault: &dyn std::fmt::Display,
                   technician: &str,
                   name: &str,
                   kind: &str,
                   supersedes: &[String]| {
        let now = time_text(Utc::now());
        row(json!({
            "id": Uuid::now_v7().to_string(),
            "fault_id": fault.to_string(),
            "kind": kind,
            "technician_id": technician,
            "technician_name": name,
            "supersedes": serde_json::to_string(supersedes).unwrap(),
            "reason": "",
            "assigned_by": name,
            "at": now,
            "recorded_at": now,
        }))
    };
    let take = |technician: &str, name: &str, kind: &str, supersedes: &[String]| {
        take_of(&fault, technician, name, kind, supersedes)
    };
    let mine = server_technician(&a);
    // The ids as a JSON array instead of the laptop's JSON text: the server's read model (and a
    // laptop's STRICT text column) could not read such a row.
    let mut as_array = take(&mine, "技服甲", "take", &[]);
    as_array.insert("supersedes".into(), json!([]));
    let theirs = server_technician(&b);
    let cases = [
        (
            "a take in another technician's name",
            take(&theirs, "技服乙", "take", &[]),
            403,
        ),
        (
            "an office assignment from a laptop",
            take(&mine, "技服甲", "assign", &[]),
            403,
        ),
        (
            "an assignment to someone else",
            take(&theirs, "技服乙", "assign", &[]),
            403,
        ),
        (
            "superseding another fault's record",
            take(&mine, "技服甲", "take", std::slice::from_ref(&elsewhere)),
            403,
        ),
        (
            "a take superseding the office's assignment to another technician",
            take_of(
                &held,
                &mine,
                "技服甲",
                "take",
                std::slice::from_ref(&held_by_b),
            ),
            403,
        ),
        (
            "supersedes as an array, not the laptop's text",
            as_array,
            422,
        ),
        (
            "superseding a record the server lacks",
            take(&mine, "技服甲", "take", &[Uuid::now_v7().to_string()]),
            403,
        ),
    ];
    for (what, row, expected) in cases {
        let before = server.dump();
        let (status, answer) = push_by_hand(&server, &a, "fault_assignments", row);
        assert_eq!(status, expected, "{what}: {answer}");
        assert_eq!(server.dump(), before, "{what}: something was written");
    }
    // The laptop's own take goes through.
    let (status, answer) = push_by_hand(
        &server,
        &a,
        "fault_assignments",
        take(&mine, "技服甲", "take", &[]),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(server_assignments(&server, fault).len(), 1);
}
