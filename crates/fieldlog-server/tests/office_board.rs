//! The office board (`GET /office/v1/board`, issue 18) on a real server on a loopback port, over
//! a temp SQLite file and a throwaway PostgreSQL database, fed by a real laptop (the store and the
//! sync client, enrolled with a console-issued code) and by raw device pushes: the clocks the
//! laptop's own function computes at the office's time, near breach and breached, the filters,
//! grants (a manager sees only its contracts; another's is 404), a record synced after a read
//! appearing on the next one (the read model caught up from the feed), a fault two technicians
//! took offline shown with both claimants, and when each technician's laptops last synced.
//!
//! The harness (server, sign-in, raw HTTP, dump, clock) is `tests/support`.

#[macro_use]
mod support;

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use fieldlog_domain::clocks::{ClockKind, ClockState};
use fieldlog_domain::dispatch::Holder;
use fieldlog_domain::fault::{FaultEventKind, NewFault, ReportChannel};
use fieldlog_domain::ids::{FaultId, SiteId};
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_store::{NewDevice, NewSite, Store, desk};
use fieldlog_wire::office::v1::Role;
use fieldlog_wire::office::v1::board::{Board, BoardRow, BoardState};
use fieldlog_wire::office::v1::people::TechnicianItem;
use serde_json::{Value, json};
use support::*;

on_each_backend!(
    the_board_shows_synced_faults_with_the_laptops_clocks,
    a_manager_sees_only_its_contracts_and_filters_narrow_the_board,
    two_offline_takes_show_both_claimants,
    a_row_no_reader_decodes_is_set_aside_and_the_board_goes_on,
    a_resolved_fault_waits_for_feedback_until_the_customer_is_told,
    refused_board_requests_answer_4xx_and_write_nothing,
);

const HB: &str = "HB-2026-01";
const XY: &str = "XY-2026-09";

/// Every table a board read could touch.
const TABLES: [&str; 6] = [
    "records",
    "feed",
    "office_sessions",
    "office_audit",
    "devices",
    "assignments",
];

impl Client {
    fn board(&self, office: &Office, query: &str) -> Board {
        let answer = self.get(office, &format!("/office/v1/board{query}"));
        assert_eq!(answer.status, 200, "{}", answer.body);
        serde_json::from_str(&answer.body).unwrap()
    }
}

/// A technician's real laptop, enrolled and holding contract HB (county police: level A
/// responds in 15 min, on site in 60, resolved 240 min after arrival) with one site and device.
struct Laptop {
    _dir: tempfile::TempDir,
    store: Store,
    contract: fieldlog_domain::ids::ContractId,
    site: SiteId,
    device: fieldlog_domain::ids::DeviceId,
}

impl Laptop {
    fn enroll(office: &Office, admin: &Client, technician: &TechnicianItem) -> Laptop {
        Laptop::enroll_for(
            office,
            admin,
            technician,
            HB,
            Preset::CountyPoliceVillageQuery,
        )
    }

    fn enroll_for(
        office: &Office,
        admin: &Client,
        technician: &TechnicianItem,
        code_of_contract: &str,
        preset: Preset,
    ) -> Laptop {
        let code = admin.enrollment_code(office, &technician.id);
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
        let now = Utc::now();
        store.init_profile(&technician.name, None, now).unwrap();
        fieldlog_sync::enroll(&mut store, &office.url(), &code.code, "笔记本", quick()).unwrap();
        let contract = store
            .add_contract(
                code_of_contract,
                "测试县雪亮工程运维",
                "测试县公安局",
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
                fieldlog_domain::contract::SpareFloor::default(),
                &preset.policy(),
                now,
            )
            .unwrap()
            .id;
        let site = store
            .add_site(NewSite {
                contract_id: contract,
                code: "CS-001".into(),
                name: "测试村村口".into(),
                kind: SiteKind::CameraPole,
                address: "测试县测试村".into(),
                location: None,
            })
            .unwrap()
            .id;
        let device = store
            .add_device(NewDevice {
                site_id: site,
                kind: DeviceKind::Camera,
                model: "DS-TEST-1".into(),
                serial: None,
            })
            .unwrap()
            .id;
        Laptop {
            _dir: dir,
            store,
            contract,
            site,
            device,
        }
    }

    fn report(&mut self, level: FaultLevel, reported_at: DateTime<Utc>, what: &str) -> FaultId {
        desk::report_fault(
            &mut self.store,
            NewFault {
                contract_id: self.contract,
                site_id: self.site,
                device_id: Some(self.device),
                level,
                reported_at,
                channel: ReportChannel::Phone,
                description: what.into(),
                first_receiver: "客户经理甲".into(),
                caller: None,
                caller_phone: None,
            },
            Utc::now(),
        )
        .unwrap()
        .fault
        .id
    }

    fn event(&mut self, fault: FaultId, kind: FaultEventKind, at: DateTime<Utc>) {
        desk::record_fault_event(&mut self.store, fault, kind, Some(at), Utc::now()).unwrap();
    }

    fn check_in(&mut self, fault: FaultId, at: DateTime<Utc>) {
        desk::check_in(
            &mut self.store,
            self.site,
            Some(fault),
            None,
            true,
            Some(at),
            Utc::now(),
        )
        .unwrap();
    }

    fn sync(&mut self) {
        fieldlog_sync::sync_round(&mut self.store, &quick()).unwrap();
        assert_eq!(self.store.sync_status().unwrap().pending_changes, 0);
    }
}

/// A server at the real time (the laptop pushes at the real time) with a project manager
/// granted XY only, a technician of HB with a real laptop.
fn with_laptop(backend: Backend) -> (Office, Client, TechnicianItem, Laptop) {
    let office = Office::start_at(backend, Utc::now().trunc_subsecs(0));
    let pm = office.add_from_command_line("pm", Role::ProjectManager, PM_PASSWORD);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let granted = admin.send(
        &office,
        "PUT",
        &format!("/office/v1/accounts/{pm}/grants"),
        &json!({ "contracts": [XY] }),
    );
    assert_eq!(granted.status, 200, "{}", granted.body);
    let li = admin.add_technician(&office, "李工", &[HB]);
    let laptop = Laptop::enroll(&office, &admin, &li);
    (office, admin, li, laptop)
}

fn row(board: &Board, fault: FaultId) -> &BoardRow {
    board
        .rows
        .iter()
        .find(|r| r.fault_id == fault)
        .unwrap_or_else(|| panic!("fault {fault} not on the board: {board:#?}"))
}

fn ids(board: &Board) -> Vec<FaultId> {
    board.rows.iter().map(|r| r.fault_id).collect()
}

fn the_board_shows_synced_faults_with_the_laptops_clocks(backend: Backend) {
    let (office, admin, li, mut laptop) = with_laptop(backend);
    // Times in the past, so the office's clock can be set anywhere after them.
    let base = Utc::now().trunc_subsecs(0) - TimeDelta::hours(6);
    let minutes = |m: i64| base + TimeDelta::minutes(m);
    // On site in time, repair running (240 min from the arrival at +20).
    let worked = laptop.report(FaultLevel::A, base, "摄像头无画面");
    laptop.event(
        worked,
        FaultEventKind::Acknowledged {
            by: "李工".into()
        },
        minutes(5),
    );
    laptop.check_in(worked, minutes(20));
    // Reported at +120, nothing done yet: the response (15 min) runs.
    let waiting = laptop.report(FaultLevel::A, minutes(120), "杆体倾斜");
    // Resolved: off the board (this contract promises no feedback).
    let done = laptop.report(FaultLevel::C, minutes(1), "补光灯不亮");
    laptop.event(
        done,
        FaultEventKind::Acknowledged {
            by: "李工".into()
        },
        minutes(2),
    );
    laptop.check_in(done, minutes(30));
    laptop.event(
        done,
        FaultEventKind::Resolved {
            note: "更换补光灯".into(),
        },
        minutes(40),
    );
    laptop.sync();

    office.set_clock(minutes(125));
    let board = admin.board(&office, "");
    assert_eq!(board.computed_at, minutes(125));
    assert_eq!(board.refresh_seconds, 5);
    assert_eq!(ids(&board), vec![waiting, worked], "least time left first");
    let first = row(&board, waiting);
    assert_eq!(first.urgent, Some(ClockKind::Response));
    assert_eq!(
        (first.seconds_left, first.limit_seconds),
        (Some(600), Some(900))
    );
    assert_eq!(first.state, BoardState::Ok);
    assert_eq!(first.holder, Holder::Unassigned);
    assert_eq!(
        (first.contract_code.as_str(), first.site_code.as_str()),
        (HB, "CS-001")
    );
    let second = row(&board, worked);
    let state = |r: &BoardRow, k: ClockKind| r.clocks.iter().find(|c| c.kind == k).unwrap().state;
    assert_eq!(state(second, ClockKind::Response), ClockState::Met);
    assert_eq!(state(second, ClockKind::Arrival), ClockState::Met);
    assert_eq!(state(second, ClockKind::Resolution), ClockState::Running);
    assert_eq!(second.urgent, Some(ClockKind::Resolution));
    assert_eq!(second.seconds_left, Some((260 - 125) * 60));
    // The technician's laptop synced just now, as the board says.
    assert_eq!(board.technicians.len(), 1);
    assert_eq!(board.technicians[0].id, li.id);
    let heard = board.technicians[0].last_heard_at.expect("heard from");
    assert!(heard > Utc::now() - TimeDelta::minutes(1), "{heard}");

    // Under a quarter of the 15 minutes left: near; past them: breached.
    office.set_clock(minutes(133));
    let board = admin.board(&office, "");
    assert_eq!(row(&board, waiting).state, BoardState::Near);
    assert_eq!(row(&board, waiting).seconds_left, Some(120));
    assert_eq!(row(&board, worked).state, BoardState::Ok);
    office.set_clock(minutes(136));
    let board = admin.board(&office, "");
    assert_eq!(row(&board, waiting).state, BoardState::Breached);
    assert_eq!(row(&board, waiting).seconds_left, Some(-60));
    assert_eq!(ids(&board), vec![waiting, worked], "overdue first");
    let breached = admin.board(&office, "?state=breached");
    assert_eq!(ids(&breached), vec![waiting]);
    let ok = admin.board(&office, "?state=ok");
    assert_eq!(ids(&ok), vec![worked]);

    // Recorded and synced after the reads: on the next read (the model caught up).
    let later = laptop.report(FaultLevel::B, minutes(130), "交换机掉线");
    laptop.event(
        waiting,
        FaultEventKind::Acknowledged {
            by: "李工".into()
        },
        minutes(136),
    );
    laptop.sync();
    let board = admin.board(&office, "");
    assert!(ids(&board).contains(&later), "{:?}", ids(&board));
    assert_eq!(
        state(row(&board, waiting), ClockKind::Response),
        ClockState::Breached,
        "acknowledged 16 minutes after the report: stopped late"
    );
    assert_eq!(row(&board, waiting).urgent, Some(ClockKind::Arrival));
    let level_b = admin.board(&office, "?level=B");
    assert_eq!(ids(&level_b), vec![later]);
}

fn a_manager_sees_only_its_contracts_and_filters_narrow_the_board(backend: Backend) {
    let (office, admin, li, mut laptop) = with_laptop(backend);
    let base = Utc::now().trunc_subsecs(0) - TimeDelta::hours(1);
    let fault = laptop.report(FaultLevel::A, base, "摄像头无画面");
    laptop.sync();
    office.set_clock(base + TimeDelta::minutes(5));

    // The project manager is granted XY only: HB's fault is not hers, HB itself is 404.
    let pm = office.sign_in("pm", PM_PASSWORD);
    let board = pm.board(&office, "");
    assert!(board.rows.is_empty(), "{board:#?}");
    assert!(board.technicians.is_empty(), "李工 is HB's");
    assert_eq!(
        board
            .contracts
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        vec![XY]
    );
    let refused = pm.get(&office, &format!("/office/v1/board?contract={HB}"));
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (404, "not_found")
    );
    let refused = pm.get(&office, &format!("/office/v1/board?technician={}", li.id));
    assert_eq!(refused.status, 404, "{}", refused.body);
    // Granted HB too, she sees it.
    let granted = admin.send(
        &office,
        "PUT",
        &format!("/office/v1/accounts/{}/grants", pm.session.account.id),
        &json!({ "contracts": [HB, XY] }),
    );
    assert_eq!(granted.status, 200, "{}", granted.body);
    assert_eq!(ids(&pm.board(&office, "")), vec![fault]);

    // Filters: by contract, level, technician (nobody holds it yet), state.
    assert_eq!(
        ids(&admin.board(&office, &format!("?contract={HB}"))),
        vec![fault]
    );
    assert!(
        admin
            .board(&office, &format!("?contract={XY}"))
            .rows
            .is_empty()
    );
    assert_eq!(ids(&admin.board(&office, "?level=A")), vec![fault]);
    assert!(admin.board(&office, "?level=C").rows.is_empty());
    assert!(
        admin
            .board(&office, &format!("?technician={}", li.id))
            .rows
            .is_empty()
    );
    assert_eq!(
        ids(&admin.board(&office, "?state=ok&contract=")),
        vec![fault]
    );
    assert!(
        admin
            .board(&office, "?state=waiting_feedback")
            .rows
            .is_empty()
    );
}

/// A push of one raw change from an enrolled device (as the laptop sends it).
fn push(office: &Office, token: &str, seq: i64, entity: &str, row: Value) {
    let body = json!({
        "sent_at": Utc::now(),
        "changes": [{ "seq": seq, "entity": entity, "op": "insert", "row": row, "at": Utc::now() }],
    });
    let answer = office.request(
        "POST",
        "/v1/push",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", &format!("Bearer {token}")),
        ],
        body.to_string(),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.contains("\"applied\""), "{}", answer.body);
}

fn enroll_raw(office: &Office, admin: &Client, technician: &str) -> String {
    let code = admin.enrollment_code(office, technician);
    let answer = office.request(
        "POST",
        "/v1/enroll",
        &[("Content-Type", "application/json")],
        json!({ "code": code.code, "device_name": "另一台笔记本" }).to_string(),
    );
    assert_eq!(answer.status, 201, "{}", answer.body);
    serde_json::from_str::<Value>(&answer.body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn two_offline_takes_show_both_claimants(backend: Backend) {
    let (office, admin, li, mut laptop) = with_laptop(backend);
    let wang = admin.add_technician(&office, "王工", &[HB]);
    let base = Utc::now().trunc_subsecs(0) - TimeDelta::hours(1);
    let fault = laptop.report(FaultLevel::B, base, "光纤中断");
    laptop.sync();
    office.set_clock(base + TimeDelta::minutes(10));
    assert_eq!(
        row(&admin.board(&office, ""), fault).holder,
        Holder::Unassigned
    );

    // Both took it offline, neither seeing the other's take.
    let take = |technician: &TechnicianItem, id: &str, minute: i64| {
        json!({
            "id": id,
            "fault_id": fault.to_string(),
            "kind": "take",
            "technician_id": technician.id,
            "technician_name": technician.name,
            "supersedes": "[]",
            "reason": "",
            "assigned_by": technician.name,
            "at": (base + TimeDelta::minutes(minute)).to_rfc3339(),
            "recorded_at": (base + TimeDelta::minutes(minute)).to_rfc3339(),
        })
    };
    let li_token = enroll_raw(&office, &admin, &li.id);
    let wang_token = enroll_raw(&office, &admin, &wang.id);
    let li_take = "0190f0f0-0000-7000-8000-00000000000a";
    let wang_take = "0190f0f0-0000-7000-8000-00000000000b";
    push(
        &office,
        &li_token,
        1,
        "fault_assignments",
        take(&li, li_take, 3),
    );
    let board = admin.board(&office, "");
    let Holder::Assigned { current } = &row(&board, fault).holder else {
        panic!("one take: assigned, {:?}", row(&board, fault).holder)
    };
    assert_eq!(current.technician_id.to_string(), li.id);
    assert_eq!(
        ids(&admin.board(&office, &format!("?technician={}", li.id))),
        vec![fault]
    );
    push(
        &office,
        &wang_token,
        1,
        "fault_assignments",
        take(&wang, wang_take, 4),
    );
    let board = admin.board(&office, "");
    let Holder::Disputed { claims } = &row(&board, fault).holder else {
        panic!("two takes: disputed, {:?}", row(&board, fault).holder)
    };
    let claimants: Vec<String> = claims.iter().map(|c| c.technician_id.to_string()).collect();
    assert_eq!(
        claimants,
        vec![li.id.clone(), wang.id.clone()],
        "both, oldest first"
    );
    // Each claimant's filter finds it.
    for t in [&li, &wang] {
        assert_eq!(
            ids(&admin.board(&office, &format!("?technician={}", t.id))),
            vec![fault]
        );
    }
}

fn refused_board_requests_answer_4xx_and_write_nothing(backend: Backend) {
    let (office, admin, _li, mut laptop) = with_laptop(backend);
    laptop.report(
        FaultLevel::A,
        Utc::now().trunc_subsecs(0) - TimeDelta::hours(1),
        "摄像头无画面",
    );
    laptop.sync();
    let pm = office.sign_in("pm", PM_PASSWORD);
    let before = office.dump_tables(&TABLES);
    let cases: Vec<(&str, u16, String)> = vec![
        (
            "no session",
            401,
            office
                .request("GET", "/office/v1/board", &[], "")
                .status
                .to_string(),
        ),
        (
            "a stale cookie",
            401,
            office
                .request(
                    "GET",
                    "/office/v1/board",
                    &[("Cookie", "fieldlog_office=00ff")],
                    "",
                )
                .status
                .to_string(),
        ),
        (
            "another contract",
            404,
            pm.get(&office, &format!("/office/v1/board?contract={HB}"))
                .status
                .to_string(),
        ),
        (
            "an unknown contract",
            404,
            admin
                .get(&office, "/office/v1/board?contract=NOPE")
                .status
                .to_string(),
        ),
        (
            "an unknown technician",
            404,
            admin
                .get(&office, "/office/v1/board?technician=nobody")
                .status
                .to_string(),
        ),
        (
            "a level that is none",
            422,
            admin
                .get(&office, "/office/v1/board?level=D")
                .status
                .to_string(),
        ),
        (
            "a state that is none",
            422,
            admin
                .get(&office, "/office/v1/board?state=late")
                .status
                .to_string(),
        ),
        (
            "an unknown filter",
            422,
            admin
                .get(&office, "/office/v1/board?owner=me")
                .status
                .to_string(),
        ),
    ];
    for (what, expected, got) in cases {
        assert_eq!(got, expected.to_string(), "{what}");
    }
    assert_eq!(
        office.dump_tables(&TABLES),
        before,
        "a refused read wrote nothing"
    );
}

/// The e-government contract promises the customer is told within a day of the fix (反馈): a
/// resolved fault stays on the board, waiting for feedback, until it is.
fn a_resolved_fault_waits_for_feedback_until_the_customer_is_told(backend: Backend) {
    let (office, admin, _li, _hb) = with_laptop(backend);
    let wang = admin.add_technician(&office, "王工", &[XY]);
    let mut laptop = Laptop::enroll_for(&office, &admin, &wang, XY, Preset::CityEgovExtranet);
    let base = Utc::now().trunc_subsecs(0) - TimeDelta::hours(3);
    let minutes = |m: i64| base + TimeDelta::minutes(m);
    let fault = laptop.report(FaultLevel::A, base, "外网专线中断");
    laptop.event(
        fault,
        FaultEventKind::Acknowledged {
            by: "王工".into()
        },
        minutes(5),
    );
    laptop.check_in(fault, minutes(30));
    laptop.event(
        fault,
        FaultEventKind::Resolved {
            note: "更换光模块".into(),
        },
        minutes(60),
    );
    laptop.sync();
    office.set_clock(minutes(120));
    let board = admin.board(&office, "");
    let waiting = row(&board, fault);
    assert!(waiting.waiting_feedback);
    assert_eq!(waiting.state, BoardState::WaitingFeedback);
    assert_eq!(waiting.urgent, Some(ClockKind::Feedback));
    assert_eq!(waiting.seconds_left, Some((24 * 60 - 60) * 60));
    assert_eq!(
        ids(&admin.board(&office, "?state=waiting_feedback")),
        vec![fault]
    );
    assert!(admin.board(&office, "?state=ok").rows.is_empty());

    laptop.event(
        fault,
        FaultEventKind::CustomerInformed {
            how: "电话告知".into(),
        },
        minutes(100),
    );
    laptop.sync();
    assert!(
        admin.board(&office, "").rows.is_empty(),
        "told: off the board"
    );
}

/// A version the server stored but no reader of this build decodes (an event of a newer app, a
/// damaged row) is set aside by the read model: the board of every contract goes on, and a fault
/// synced after it still shows.
fn a_row_no_reader_decodes_is_set_aside_and_the_board_goes_on(backend: Backend) {
    let (office, admin, li, mut laptop) = with_laptop(backend);
    let base = Utc::now().trunc_subsecs(0) - TimeDelta::hours(1);
    let fault = laptop.report(FaultLevel::B, base, "光纤中断");
    laptop.sync();
    assert_eq!(ids(&admin.board(&office, "")), vec![fault]);
    let token = enroll_raw(&office, &admin, &li.id);
    let at = (base + TimeDelta::minutes(5)).to_rfc3339();
    push(
        &office,
        &token,
        1,
        "fault_events",
        json!({
            "id": "0190f0f0-0000-7000-8000-0000000000e1",
            "fault_id": fault.to_string(),
            "kind": "from_a_newer_app",
            "at": at,
            "payload": "{\"kind\":\"from_a_newer_app\"}",
            "recorded_at": at,
        }),
    );
    assert_eq!(
        ids(&admin.board(&office, "")),
        vec![fault],
        "the board goes on"
    );
    let later = laptop.report(FaultLevel::A, base + TimeDelta::minutes(20), "机房断电");
    laptop.sync();
    let mut shown = ids(&admin.board(&office, ""));
    shown.sort();
    let mut expected = vec![fault, later];
    expected.sort();
    assert_eq!(shown, expected, "what synced after it still shows");
}
