//! The office's fault desk (`/office/v1/faults…`, issue 18) on a real server on a loopback port,
//! over a temp SQLite file and a throwaway PostgreSQL database: a customer manager takes a call
//! and dispatches it in one action, the records reach an enrolled laptop's pull unchanged, the
//! clocks start at the call time (not when it was typed), a reassignment needs a reason and
//! supersedes what was current, the client's force-majeure answer follows a laptop's claim, and
//! every refused request (no session, wrong role, another contract, no CSRF token, bad body, bad
//! input) answers 4xx and writes nothing (the tables dumped before and after).
//!
//! The harness (server, sign-in, raw HTTP, dump, clock) is `tests/support`.

#[macro_use]
mod support;

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use fieldlog_domain::clocks::{ClockKind, ClockState};
use fieldlog_domain::dispatch::Holder;
use fieldlog_domain::fault::ForceMajeureState;
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_wire::office::v1::Role;
use fieldlog_wire::office::v1::catalogue::{DeviceItem, SiteItem};
use fieldlog_wire::office::v1::faults::FaultDetail;
use fieldlog_wire::office::v1::people::{EnrollmentCodeAnswer, TechnicianItem};
use serde_json::{Value, json};
use support::*;

on_each_backend!(
    a_call_taken_and_dispatched_reaches_the_laptop,
    a_call_sent_twice_is_one_fault,
    a_reassignment_needs_a_reason_and_a_technician_of_the_contract,
    the_client_answers_a_force_majeure_claim_made_on_the_laptop,
    refused_fault_requests_answer_4xx_and_write_nothing,
);

const CONTRACTS: &str = "/office/v1/catalogue/contracts";
const CODE: &str = "GA-2026-01";
/// A contract the customer manager is not granted.
const OTHER: &str = "GA-2026-02";
/// The e-government contract: no force-majeure rule.
const EGOV: &str = "ZW-2026-01";

/// Every table a fault action may write.
const TABLES: [&str; 6] = [
    "office_audit",
    "records",
    "feed",
    "acks",
    "devices",
    "conflicts",
];

fn dump(office: &Office) -> String {
    office.dump_tables(&TABLES)
}

fn contract(code: &str, preset: Preset) -> Value {
    json!({
        "code": code,
        "name": format!("{code} 运维"),
        "client": "测试县公安局",
        "service_start": "2026-01-01",
        "service_end": "2027-12-31",
        "spare_floor": preset.spare_floor(),
        "policy": preset.policy(),
    })
}

/// What the tests need: the office, its people, and a site with a device per contract.
struct Desk {
    office: Office,
    admin: Client,
    pm: Client,
    cm: Client,
    site: SiteItem,
    device: DeviceItem,
    other_site: SiteItem,
    egov_site: SiteItem,
    li: TechnicianItem,
    wang: TechnicianItem,
    /// On another contract only.
    zhao: TechnicianItem,
}

impl Desk {
    /// Three contracts made by the project manager (`pm`), the customer manager (`cm`) granted
    /// CODE and EGOV; technicians 李工 and 王工 on CODE, 赵工 on OTHER. The clock is the real
    /// time (enrollment codes expire against it).
    fn new(backend: Backend) -> Desk {
        let office = Office::start_at(backend, Utc::now().trunc_subsecs(0));
        office.add_from_command_line("pm", Role::ProjectManager, PM_PASSWORD);
        let cm_id = office.add_from_command_line("cm", Role::CustomerManager, PM_PASSWORD);
        let pm = office.sign_in("pm", PM_PASSWORD);
        let admin = office.sign_in("admin", ADMIN_PASSWORD);
        let mut sites = Vec::new();
        for (code, preset) in [
            (CODE, Preset::CountyPoliceVillageQuery),
            (OTHER, Preset::CountyPoliceVillageQuery),
            (EGOV, Preset::CityEgovExtranet),
        ] {
            let created = pm.send(&office, "POST", CONTRACTS, &contract(code, preset));
            assert_eq!(created.status, 201, "{}", created.body);
            let site: SiteItem = parse(&pm.send(
                &office,
                "POST",
                &format!("{CONTRACTS}/{code}/sites"),
                &json!({ "code": "ZD-01", "name": "中队门口", "kind": "camera_pole", "address": "城关镇", "lat": null, "lon": null }),
            ));
            sites.push(site);
        }
        let device: DeviceItem = parse(&pm.send(
            &office,
            "POST",
            &format!("{CONTRACTS}/{CODE}/devices"),
            &json!({ "site_id": sites[0].id, "kind": "camera", "model": "QX-100", "serial": "SN-0" }),
        ));
        let granted = admin.send(
            &office,
            "PUT",
            &format!("/office/v1/accounts/{cm_id}/grants"),
            &json!({ "contracts": [CODE, EGOV] }),
        );
        assert_eq!(granted.status, 200, "{}", granted.body);
        let cm = office.sign_in("cm", PM_PASSWORD);
        let technician = |name: &str, code: &str| -> TechnicianItem {
            parse(&pm.send(
                &office,
                "POST",
                "/office/v1/technicians",
                &json!({ "name": name, "contracts": [code] }),
            ))
        };
        let li = technician("李工", CODE);
        let wang = technician("王工", CODE);
        let zhao = technician("赵工", OTHER);
        let egov_site = sites.pop().unwrap();
        let other_site = sites.pop().unwrap();
        let site = sites.pop().unwrap();
        Desk {
            office,
            admin,
            pm,
            cm,
            site,
            device,
            other_site,
            egov_site,
            li,
            wang,
            zhao,
        }
    }

    fn call(&self, site: &SiteItem, code: &str, reported_at: DateTime<Utc>) -> Value {
        json!({
            "contract": code,
            "site_id": site.id,
            "level": "A",
            "reported_at": reported_at,
            "caller": "报修人甲",
            "caller_phone": "138-0000-0001",
            "description": "中队门口摄像机无图像",
        })
    }

    /// Takes a call on CODE's site as `client`; the fault.
    fn take(&self, client: &Client, body: &Value) -> FaultDetail {
        let answer = client.send(&self.office, "POST", "/office/v1/faults", body);
        assert_eq!(answer.status, 201, "{}", answer.body);
        parse(&answer)
    }

    fn assign(&self, client: &Client, fault: &str, technician: &str, reason: &str) -> Answer {
        client.send(
            &self.office,
            "POST",
            &format!("/office/v1/faults/{fault}/assignments"),
            &json!({ "technician_id": technician, "reason": reason }),
        )
    }

    /// Enrolls a laptop of `technician`; its token.
    fn laptop(&self, technician: &str) -> String {
        let code: EnrollmentCodeAnswer = parse(&self.admin.send(
            &self.office,
            "POST",
            &format!("/office/v1/technicians/{technician}/enrollment-codes"),
            &json!({}),
        ));
        let answer = self.office.request(
            "POST",
            "/v1/enroll",
            &[("Content-Type", "application/json")],
            json!({ "code": code.code, "device_name": "笔记本" }).to_string(),
        );
        assert_eq!(answer.status, 201, "{}", answer.body);
        parse::<Value>(&answer)["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Everything the laptop's pull brings: (entity, row) in feed order.
    fn pull(&self, token: &str) -> Vec<(String, Value)> {
        let answer = self.office.request(
            "GET",
            "/v1/pull?after=0&limit=1000",
            &[("Authorization", &format!("Bearer {token}"))],
            "",
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        let pulled: Value = parse(&answer);
        pulled["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["entity"].as_str().unwrap().to_owned(), r["row"].clone()))
            .collect()
    }

    /// Pushes one change from the laptop, as its outbox would send it.
    fn push(&self, token: &str, seq: i64, entity: &str, row: Value) {
        let now = self.office.clock();
        let answer = self.office.request(
            "POST",
            "/v1/push",
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Content-Type", "application/json"),
            ],
            json!({ "sent_at": now, "changes": [{
                "seq": seq, "entity": entity, "op": "insert", "row": row, "at": now,
            }] })
            .to_string(),
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        let acks: Value = parse(&answer);
        assert_eq!(acks["acks"][0]["status"], "applied", "{}", answer.body);
    }
}

fn rows_of<'a>(pulled: &'a [(String, Value)], entity: &str) -> Vec<&'a Value> {
    pulled
        .iter()
        .filter(|(e, _)| e == entity)
        .map(|(_, r)| r)
        .collect()
}

fn a_call_taken_and_dispatched_reaches_the_laptop(backend: Backend) {
    let desk = Desk::new(backend);
    let office = &desk.office;
    let now = office.clock();
    // The client called twenty minutes ago; the customer manager types it in now.
    let called = now - TimeDelta::minutes(20);
    let mut body = desk.call(&desk.site, CODE, called);
    body["device_id"] = json!(desk.device.id);
    body["assign_to"] = json!(desk.li.id);
    let fault = desk.take(&desk.cm, &body);

    assert_eq!(fault.contract, CODE);
    assert_eq!(fault.site_code, "ZD-01");
    assert_eq!(fault.device_model.as_deref(), Some("QX-100"));
    assert_eq!(fault.first_receiver, "cm 测试");
    assert_eq!(fault.caller.as_deref(), Some("报修人甲"));
    assert_eq!(fault.caller_phone.as_deref(), Some("138-0000-0001"));
    assert_eq!(fault.reported_at, called);
    assert_eq!(fault.recorded_at, now);
    assert_eq!(fault.policy_version, 1);
    // The clocks run from the call, not from the typing.
    // Level A must be answered within minutes: typed 20 minutes after the call, the response
    // is already late, as it would be on the laptop.
    let limits = *Preset::CountyPoliceVillageQuery
        .policy()
        .levels
        .get(FaultLevel::A);
    assert!(
        limits.response_min < 20,
        "the case needs a short response limit"
    );
    let response = fault.clocks.get(ClockKind::Response).unwrap();
    assert_eq!(response.started_at, Some(called));
    assert_eq!(
        response.deadline,
        Some(called + TimeDelta::minutes(limits.response_min.into()))
    );
    assert_eq!(response.state, ClockState::Breached);
    let arrival = fault.clocks.get(ClockKind::Arrival).unwrap();
    assert_eq!(arrival.started_at, Some(called));
    assert_eq!(arrival.state, ClockState::Running);
    let limit = arrival.deadline.unwrap() - called;
    assert_eq!(limit, TimeDelta::minutes(limits.arrival_min.into()));
    assert_eq!(
        arrival.remaining_seconds,
        Some((limit - TimeDelta::minutes(20)).num_seconds())
    );
    // Dispatched in the same action.
    let Holder::Assigned { current } = &fault.holder else {
        panic!("assigned: {:?}", fault.holder)
    };
    assert_eq!(current.technician_id.to_string(), desk.li.id);
    assert_eq!(current.technician_name, "李工");
    assert_eq!(current.assigned_by, "cm 测试");
    assert!(current.supersedes.is_empty());
    assert_eq!(
        fault
            .technicians
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["李工", "王工"]
    );

    // 李工's laptop pulls the fault and its assignment as laptop rows.
    let token = desk.laptop(&desk.li.id);
    let pulled = desk.pull(&token);
    let faults = rows_of(&pulled, "faults");
    assert_eq!(faults.len(), 1);
    let row = faults[0];
    assert_eq!(row["id"], json!(fault.id));
    assert_eq!(row["level"], "A");
    assert_eq!(row["channel"], "phone");
    assert_eq!(row["caller"], "报修人甲");
    assert_eq!(row["device_id"], json!(desk.device.id));
    assert_eq!(
        row["reported_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        called
    );
    let assignments = rows_of(&pulled, "fault_assignments");
    assert_eq!(assignments.len(), 1);
    assert_eq!(assignments[0]["technician_id"], json!(desk.li.id));
    assert_eq!(assignments[0]["supersedes"], "[]");
    // The fault comes before its assignment in the feed, as a laptop applies them.
    let position = |entity: &str| pulled.iter().position(|(e, _)| e == entity).unwrap();
    assert!(position("faults") < position("fault_assignments"));

    // Read again: the same, clocks moved on with the server's clock.
    office.advance(TimeDelta::minutes(5));
    let again: FaultDetail = parse(
        &desk
            .pm
            .get(office, &format!("/office/v1/faults/{}", fault.id)),
    );
    let arrival = again.clocks.get(ClockKind::Arrival).unwrap();
    assert_eq!(
        arrival.remaining_seconds,
        Some((limit - TimeDelta::minutes(25)).num_seconds())
    );
    let audit = actions(&office.audit(&desk.admin));
    assert!(audit.contains(&"fault_take_call".to_owned()), "{audit:?}");
}

fn a_reassignment_needs_a_reason_and_a_technician_of_the_contract(backend: Backend) {
    let desk = Desk::new(backend);
    let office = &desk.office;
    let fault = desk.take(&desk.cm, &desk.call(&desk.site, CODE, office.clock()));
    assert_eq!(fault.holder, Holder::Unassigned);

    // The project manager dispatches it; no reason is needed the first time.
    let first = desk.assign(&desk.pm, &fault.id, &desk.li.id, "");
    assert_eq!(first.status, 200, "{}", first.body);
    let first: FaultDetail = parse(&first);
    let first_id = first.assignments[0].id;

    // Reassigning without a reason, to a technician of another contract, or to the same one:
    // refused, nothing written.
    let before = dump(office);
    for (technician, reason, status, code) in [
        (&desk.wang.id, "  ", 422, "invalid_input"),
        (&desk.zhao.id, "换人", 422, "invalid_input"),
        (&desk.li.id, "换人", 409, "conflict"),
        (
            &"00000000-0000-0000-0000-000000000000".to_owned(),
            "换人",
            422,
            "invalid_input",
        ),
    ] {
        let refused = desk.assign(&desk.pm, &fault.id, technician, reason);
        assert_eq!(
            (refused.status, refused.code().as_str()),
            (status, code),
            "{technician} {reason:?}: {}",
            refused.body
        );
    }
    assert_eq!(dump(office), before);

    // With a reason: 王工 holds it, his record supersedes 李工's.
    office.advance(TimeDelta::minutes(3));
    let second = desk.assign(&desk.cm, &fault.id, &desk.wang.id, "李工在外地");
    assert_eq!(second.status, 200, "{}", second.body);
    let second: FaultDetail = parse(&second);
    assert_eq!(second.assignments.len(), 2);
    let Holder::Assigned { current } = &second.holder else {
        panic!("assigned: {:?}", second.holder)
    };
    assert_eq!(current.technician_id.to_string(), desk.wang.id);
    assert_eq!(current.supersedes, [first_id]);
    assert_eq!(current.reason, "李工在外地");

    // Another call, taken offline on two laptops before either synced: disputed, both claims
    // shown; the office's next assignment supersedes both.
    let open = desk.take(&desk.cm, &desk.call(&desk.site, CODE, office.clock()));
    let li = desk.laptop(&desk.li.id);
    let wang = desk.laptop(&desk.wang.id);
    let take = |id: &str, technician: &TechnicianItem| {
        json!({
            "id": id, "fault_id": open.id, "kind": "take",
            "technician_id": technician.id, "technician_name": technician.name,
            "supersedes": "[]", "reason": "",
            "assigned_by": technician.name, "at": office.clock(), "recorded_at": office.clock(),
        })
    };
    desk.push(
        &li,
        1,
        "fault_assignments",
        take("0193a000-0000-7000-8000-000000000001", &desk.li),
    );
    desk.push(
        &wang,
        1,
        "fault_assignments",
        take("0193a000-0000-7000-8000-000000000002", &desk.wang),
    );
    let disputed: FaultDetail = parse(
        &desk
            .pm
            .get(office, &format!("/office/v1/faults/{}", open.id)),
    );
    let Holder::Disputed { claims } = &disputed.holder else {
        panic!("disputed: {:?}", disputed.holder)
    };
    assert_eq!(claims.len(), 2);
    let settled = desk.assign(&desk.pm, &open.id, &desk.li.id, "两人同时接单，定为李工");
    assert_eq!(settled.status, 200, "{}", settled.body);
    let settled: FaultDetail = parse(&settled);
    let Holder::Assigned { current } = &settled.holder else {
        panic!("assigned: {:?}", settled.holder)
    };
    assert_eq!(current.supersedes.len(), 2);
    assert_eq!(current.technician_id.to_string(), desk.li.id);
}

fn the_client_answers_a_force_majeure_claim_made_on_the_laptop(backend: Backend) {
    let desk = Desk::new(backend);
    let office = &desk.office;
    let called = office.clock() - TimeDelta::hours(1);
    let mut body = desk.call(&desk.site, CODE, called);
    body["assign_to"] = json!(desk.li.id);
    let fault = desk.take(&desk.cm, &body);
    let path = format!("/office/v1/faults/{}/force-majeure-answer", fault.id);
    let answer = json!({ "accepted": true, "by": "用户方张科长", "note": "同意按不可抗拒因素处理", "at": office.clock() });

    // No claim yet: refused, nothing written.
    let before = dump(office);
    let early = desk.cm.send(office, "POST", &path, &answer);
    assert_eq!(
        (early.status, early.code()),
        (409, "conflict".into()),
        "{}",
        early.body
    );
    assert_eq!(dump(office), before);

    // 李工's laptop claims it (a pole hit by a vehicle), the client told.
    let token = desk.laptop(&desk.li.id);
    let claimed_at = called + TimeDelta::minutes(30);
    desk.push(
        &token,
        1,
        "fault_events",
        json!({
            "id": "0193a000-0000-7000-8000-0000000000e1", "fault_id": fault.id,
            "kind": "force_majeure_claimed", "at": claimed_at,
            "payload": json!({ "kind": "force_majeure_claimed", "cause": "vehicle_hit", "told": "用户方张科长", "note": "立杆被撞" }).to_string(),
            "recorded_at": claimed_at,
        }),
    );
    let claimed: FaultDetail = parse(
        &desk
            .cm
            .get(office, &format!("/office/v1/faults/{}", fault.id)),
    );
    assert_eq!(
        claimed.force_majeure.as_ref().map(|c| c.state),
        Some(ForceMajeureState::Pending)
    );
    assert!(claimed.force_majeure_answerable);

    // A project manager does not record the client's answer; the customer manager does.
    let refused = desk.pm.send(office, "POST", &path, &answer);
    assert_eq!((refused.status, refused.code()), (403, "forbidden".into()));
    let answered = desk.cm.send(office, "POST", &path, &answer);
    assert_eq!(answered.status, 200, "{}", answered.body);
    let answered: FaultDetail = parse(&answered);
    let claim = answered.force_majeure.unwrap();
    assert_eq!(claim.state, ForceMajeureState::Accepted);
    assert_eq!(claim.answered_by.as_deref(), Some("用户方张科长"));
    assert!(!answered.force_majeure_answerable);
    assert!(answered.clocks.force_majeure);

    // Once is enough.
    let before = dump(office);
    let twice = desk.cm.send(office, "POST", &path, &answer);
    assert_eq!((twice.status, twice.code()), (409, "conflict".into()));
    assert_eq!(dump(office), before);

    // The laptop receives the answer as a fault event.
    let pulled = desk.pull(&token);
    let events = rows_of(&pulled, "fault_events");
    let agreement = events
        .iter()
        .find(|e| e["kind"] == "force_majeure_agreement")
        .expect("the answer reaches the laptop");
    let payload: Value = serde_json::from_str(agreement["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["accepted"], true);
    assert_eq!(payload["by"], "用户方张科长");

    // The e-government contract has no force-majeure rule: its faults take no answer.
    let egov = desk.take(&desk.cm, &desk.call(&desk.egov_site, EGOV, office.clock()));
    let before = dump(office);
    let refused = desk.cm.send(
        office,
        "POST",
        &format!("/office/v1/faults/{}/force-majeure-answer", egov.id),
        &answer,
    );
    assert_eq!((refused.status, refused.code()), (409, "conflict".into()));
    assert_eq!(dump(office), before);
}

fn refused_fault_requests_answer_4xx_and_write_nothing(backend: Backend) {
    let desk = Desk::new(backend);
    let office = &desk.office;
    let now = office.clock();
    let fault = desk.take(&desk.cm, &desk.call(&desk.site, CODE, now));
    let other = desk.take(&desk.admin, &desk.call(&desk.other_site, OTHER, now));
    // The other contract closed: no new call on it.
    let closed = desk.pm.send(
        office,
        "POST",
        &format!("{CONTRACTS}/{OTHER}/close"),
        &json!({ "on": now.date_naive() }),
    );
    assert_eq!(closed.status, 200, "{}", closed.body);

    let good_call = desk.call(&desk.site, CODE, now).to_string();
    let with = |change: &dyn Fn(&mut Value)| -> String {
        let mut body = desk.call(&desk.site, CODE, now);
        change(&mut body);
        body.to_string()
    };
    let faults = "/office/v1/faults".to_owned();
    let assign = format!("/office/v1/faults/{}/assignments", fault.id);
    let assign_other = format!("/office/v1/faults/{}/assignments", other.id);
    let answer = format!("/office/v1/faults/{}/force-majeure-answer", fault.id);
    let answer_other = format!("/office/v1/faults/{}/force-majeure-answer", other.id);
    let good_assign = json!({ "technician_id": desk.li.id, "reason": "" }).to_string();
    let good_answer =
        json!({ "accepted": false, "by": "张科长", "note": "", "at": now }).to_string();
    let json_type = ("Content-Type", "application/json");
    let cm = vec![
        ("Cookie", desk.cm.cookie.as_str()),
        ("X-Fieldlog-Csrf", desk.cm.csrf.as_str()),
        json_type,
    ];
    let pm = vec![
        ("Cookie", desk.pm.cookie.as_str()),
        ("X-Fieldlog-Csrf", desk.pm.csrf.as_str()),
        json_type,
    ];
    let admin = vec![
        ("Cookie", desk.admin.cookie.as_str()),
        ("X-Fieldlog-Csrf", desk.admin.csrf.as_str()),
        json_type,
    ];
    let no_csrf = vec![("Cookie", desk.cm.cookie.as_str()), json_type];
    let forged = vec![
        ("Cookie", desk.cm.cookie.as_str()),
        ("X-Fieldlog-Csrf", "0000"),
        json_type,
    ];
    let cases: Vec<Refusal> = vec![
        ("no session", "POST", faults.clone(), vec![json_type], good_call.clone(), 401, "unauthorized"),
        ("no session, assign", "POST", assign.clone(), vec![json_type], good_assign.clone(), 401, "unauthorized"),
        ("no session, answer", "POST", answer.clone(), vec![json_type], good_answer.clone(), 401, "unauthorized"),
        ("no CSRF token", "POST", faults.clone(), no_csrf.clone(), good_call.clone(), 403, "csrf"),
        ("no CSRF token, assign", "POST", assign.clone(), no_csrf.clone(), good_assign.clone(), 403, "csrf"),
        ("a forged CSRF token, answer", "POST", answer.clone(), forged.clone(), good_answer.clone(), 403, "csrf"),
        ("a project manager answers for the client", "POST", answer.clone(), pm.clone(), good_answer.clone(), 403, "forbidden"),
        ("another contract's call", "POST", faults.clone(), cm.clone(), with(&|b| b["contract"] = json!(OTHER)), 404, "not_found"),
        ("another contract's site", "POST", faults.clone(), cm.clone(), with(&|b| b["site_id"] = json!(desk.other_site.id)), 404, "not_found"),
        ("an unknown contract", "POST", faults.clone(), admin.clone(), with(&|b| b["contract"] = json!("NO-SUCH")), 404, "not_found"),
        ("another contract's fault, assign", "POST", assign_other.clone(), cm.clone(), good_assign.clone(), 404, "not_found"),
        ("another contract's fault, answer", "POST", answer_other.clone(), cm.clone(), good_answer.clone(), 404, "not_found"),
        ("a closed contract", "POST", faults.clone(), admin.clone(), json!({ "contract": OTHER, "site_id": desk.other_site.id, "level": "B", "reported_at": now, "caller": "甲", "caller_phone": "13800000002", "description": "无图像" }).to_string(), 409, "conflict"),
        ("not JSON", "POST", faults.clone(), cm.clone(), "{".into(), 422, "invalid_input"),
        ("an unknown field", "POST", faults.clone(), cm.clone(), with(&|b| b["first_receiver"] = json!("别人")), 422, "invalid_input"),
        ("an unknown field, assign", "POST", assign.clone(), cm.clone(), json!({ "technician_id": desk.li.id, "reason": "", "supersedes": [] }).to_string(), 422, "invalid_input"),
        ("a call in the future", "POST", faults.clone(), cm.clone(), with(&|b| b["reported_at"] = json!(now + TimeDelta::minutes(30))), 422, "invalid_input"),
        ("a call eight days old", "POST", faults.clone(), cm.clone(), with(&|b| b["reported_at"] = json!(now - TimeDelta::days(8))), 422, "invalid_input"),
        ("a phone with letters", "POST", faults.clone(), cm.clone(), with(&|b| b["caller_phone"] = json!("138abc")), 422, "invalid_input"),
        ("a phone too long", "POST", faults.clone(), cm.clone(), with(&|b| b["caller_phone"] = json!("1380000000113800000001")), 422, "invalid_input"),
        ("no caller", "POST", faults.clone(), cm.clone(), with(&|b| b["caller"] = json!(" ")), 422, "invalid_input"),
        ("no description", "POST", faults.clone(), cm.clone(), with(&|b| b["description"] = json!("")), 422, "invalid_input"),
        ("a device of another site", "POST", faults.clone(), cm.clone(), with(&|b| { b["site_id"] = json!(desk.egov_site.id); b["contract"] = json!(EGOV); b["device_id"] = json!(desk.device.id) }), 422, "invalid_input"),
        ("found on inspection", "POST", faults.clone(), cm.clone(), with(&|b| b["channel"] = json!("inspection")), 422, "invalid_input"),
        ("dispatched to another contract's technician", "POST", faults.clone(), cm.clone(), with(&|b| b["assign_to"] = json!(desk.zhao.id)), 422, "invalid_input"),
        ("an unknown fault", "POST", "/office/v1/faults/0193a000-0000-7000-8000-00000000ffff/assignments".into(), admin.clone(), good_assign.clone(), 404, "not_found"),
    ];
    refuse_each(office, cases, dump);
    // Reading another contract's fault is not found either; without a session, unauthorized.
    let read = desk
        .cm
        .get(office, &format!("/office/v1/faults/{}", other.id));
    assert_eq!((read.status, read.code()), (404, "not_found".into()));
    let read = office.request("GET", &format!("/office/v1/faults/{}", fault.id), &[], "");
    assert_eq!((read.status, read.code()), (401, "unauthorized".into()));
}

/// The console names the fault it is taking (an id made when the form opens), so a call whose
/// answer was lost and is sent again is the same fault, not a second one with its own clocks; the
/// same id from another account, or for another contract, is refused.
fn a_call_sent_twice_is_one_fault(backend: Backend) {
    let desk = Desk::new(backend);
    let office = &desk.office;
    let mut body = desk.call(&desk.site, CODE, office.clock() - TimeDelta::minutes(5));
    body["id"] = json!(uuid::Uuid::now_v7().to_string());
    body["assign_to"] = json!(desk.li.id);
    let first = desk.take(&desk.cm, &body);
    assert_eq!(
        first.id,
        body["id"].as_str().unwrap(),
        "the console's id is the fault's"
    );
    let before = dump(office);
    let again = desk.cm.send(office, "POST", "/office/v1/faults", &body);
    assert_eq!(again.status, 200, "{}", again.body);
    let again: FaultDetail = parse(&again);
    assert_eq!(again.id, first.id);
    assert_eq!(dump(office), before, "sent twice: nothing more written");
    let other = desk.admin.send(office, "POST", "/office/v1/faults", &body);
    assert_eq!(other.status, 409, "{}", other.body);
    assert_eq!(
        dump(office),
        before,
        "another account's repeat: nothing written"
    );
}
