//! The office's technicians, enrollment codes and laptops (`/office/v1/technicians…`,
//! `/office/v1/laptops…`, issue 17) on a real server on a loopback port, over a temp SQLite file
//! and a throwaway PostgreSQL database: roles and grants (a manager acts only within its granted
//! contracts), every refusal written nothing (the tables dumped before and after), and a real
//! laptop (the sync client and store) enrolled with a console-issued code, listed with its last
//! sync, app version and waiting count, then revoked from the console: refused `device_revoked`,
//! its data kept, its certificate on the CA's CRL.
//!
//! The harness (server, sign-in, raw HTTP, dump, clock) is `tests/support`, shared with
//! `tests/office.rs` and `tests/office_catalogue.rs`.

#[macro_use]
mod support;

use chrono::{SubsecRound, TimeDelta, Utc};
use fieldlog_wire::office::v1::Role;
use fieldlog_wire::office::v1::people::{
    EnrollmentLink, LaptopItem, RevokedLaptop, TechnicianItem,
};
use serde_json::{Value, json};
use std::io::{Read, Write};
use support::*;

on_each_backend!(
    managers_add_and_assign_technicians_only_within_their_contracts,
    refused_requests_answer_4xx_and_write_nothing,
    a_laptop_enrolled_from_the_console_is_listed_and_revoked_from_it,
    an_enrollment_code_expires_after_seven_days,
    a_manager_issues_codes_only_for_technicians_wholly_within_her_contracts,
    revoking_a_laptop_cancels_the_technicians_unused_codes,
    a_closed_contract_takes_no_technician,
    the_office_technician_gets_no_enrollment_code,
);

const HB: &str = "HB-2026-01";
const XY: &str = "XY-2026-09";

/// Every table this API reads or writes.
const TABLES: [&str; 10] = [
    "contracts",
    "technicians",
    "assignments",
    "enrollment_codes",
    "devices",
    "device_revocations",
    "published_crls",
    "issued_certificates",
    "office_sessions",
    "office_audit",
];

/// A server with two contracts, an administrator, a project manager granted HB (`pm`) and a
/// customer manager granted HB (`cm`). The office's clock starts at the real time (the sync
/// side reads the real clock, and enrollment codes expire against it).
fn with_managers(backend: Backend) -> Office {
    let office = Office::start_at(backend, Utc::now().trunc_subsecs(0));
    let pm = office.add_from_command_line("pm", Role::ProjectManager, PM_PASSWORD);
    let cm = office.add_from_command_line("cm", Role::CustomerManager, PM_PASSWORD);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    for id in [pm, cm] {
        let granted = admin.send(
            &office,
            "PUT",
            &format!("/office/v1/accounts/{id}/grants"),
            &json!({ "contracts": [HB] }),
        );
        assert_eq!(granted.status, 200, "{}", granted.body);
    }
    office
}

/// Every row of [`TABLES`], one line each, tables in order.
fn dump(office: &Office) -> String {
    office.dump_tables(&TABLES)
}

impl Client {
    fn technicians(&self, office: &Office) -> Vec<TechnicianItem> {
        let answer = self.get(office, "/office/v1/technicians");
        assert_eq!(answer.status, 200, "{}", answer.body);
        serde_json::from_str(&answer.body).unwrap()
    }

    fn laptops(&self, office: &Office) -> Vec<LaptopItem> {
        let answer = self.get(office, "/office/v1/laptops");
        assert_eq!(answer.status, 200, "{}", answer.body);
        serde_json::from_str(&answer.body).unwrap()
    }

    /// Assigns `technician` to `contract`; the answer, to check.
    fn assign(&self, office: &Office, technician: &str, contract: &str) -> Answer {
        self.send(
            office,
            "POST",
            &format!("/office/v1/technicians/{technician}/contracts"),
            &json!({ "contract": contract }),
        )
    }

    /// Takes `technician` off `contract`; the answer, to check.
    fn unassign(&self, office: &Office, technician: &str, contract: &str) -> Answer {
        self.send(
            office,
            "DELETE",
            &format!("/office/v1/technicians/{technician}/contracts/{contract}"),
            &json!(null),
        )
    }
}

fn managers_add_and_assign_technicians_only_within_their_contracts(backend: Backend) {
    let office = with_managers(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let pm = office.sign_in("pm", PM_PASSWORD);
    let cm = office.sign_in("cm", PM_PASSWORD);
    assert_eq!(pm.session.contracts, [HB]);

    // The project manager adds a technician to her contract; the administrator one to the other.
    let li = pm.add_technician(&office, "李工", &[HB]);
    assert_eq!(li.contracts, [HB]);
    assert!(li.laptops.is_empty());
    let wang = admin.add_technician(&office, "王工", &[XY]);
    let zhao = admin.add_technician(&office, "赵工", &[]);

    // Each sees what is theirs: the administrator every technician, the managers those of HB.
    let names =
        |list: Vec<TechnicianItem>| -> Vec<String> { list.into_iter().map(|t| t.name).collect() };
    assert_eq!(names(admin.technicians(&office)), ["李工", "王工", "赵工"]);
    assert_eq!(names(pm.technicians(&office)), ["李工"]);
    assert_eq!(names(cm.technicians(&office)), ["李工"]);

    // The administrator gives 李工 the other contract too: the managers still see only HB of his.
    let assigned = admin.assign(&office, &li.id, XY);
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    let all = admin.technicians(&office);
    assert_eq!(all[0].contracts, [HB, XY]);
    assert_eq!(pm.technicians(&office)[0].contracts, [HB]);

    // The project manager brings 王工 into HB? He is not hers to see: 404, as if unknown.
    let not_hers = pm.assign(&office, &wang.id, HB);
    assert_eq!(
        (not_hers.status, not_hers.code()),
        (404, "not_found".into())
    );
    // The administrator does; from then on she sees him, with HB only.
    let assigned = admin.assign(&office, &wang.id, HB);
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    let hers = pm.technicians(&office);
    assert_eq!(names(hers.clone()), ["李工", "王工"]);
    assert_eq!(hers[1].contracts, [HB]);

    // She un-assigns 王工 from HB: he leaves her list, keeps XY.
    let removed = pm.unassign(&office, &wang.id, HB);
    assert_eq!(removed.status, 200, "{}", removed.body);
    let removed: TechnicianItem = serde_json::from_str(&removed.body).unwrap();
    assert!(removed.contracts.is_empty(), "she sees none of his now");
    assert_eq!(names(pm.technicians(&office)), ["李工"]);
    let wang_now = admin
        .technicians(&office)
        .into_iter()
        .find(|t| t.id == wang.id)
        .unwrap();
    assert_eq!(wang_now.contracts, [XY]);

    // The administrator assigns 赵工 (no contract yet) to HB; un-assigning what is not assigned
    // is not found.
    let assigned = admin.assign(&office, &zhao.id, HB);
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    let missing = admin.unassign(&office, &zhao.id, XY);
    assert_eq!((missing.status, missing.code()), (404, "not_found".into()));

    // Laptops: the administrator and the project manager see them; a customer manager may not.
    assert!(admin.laptops(&office).is_empty());
    assert!(pm.laptops(&office).is_empty());
    let denied = cm.get(&office, "/office/v1/laptops");
    assert_eq!((denied.status, denied.code()), (403, "forbidden".into()));

    // Every change is in the audit log, by whom.
    let log = office.audit(&admin);
    let people: Vec<(String, String)> = log
        .entries
        .iter()
        .filter(|e| e.action.starts_with("technician_"))
        .map(|e| (e.action.clone(), e.actor_login.clone()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("technician_add", "pm"),
        ("technician_add", "admin"),
        ("technician_add", "admin"),
        ("technician_assign", "admin"),
        ("technician_assign", "admin"),
        ("technician_unassign", "pm"),
        ("technician_assign", "admin"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(people, expected, "{:?}", actions(&log));
    let unassign = log
        .entries
        .iter()
        .find(|e| e.action == "technician_unassign")
        .unwrap();
    let detail: Value = serde_json::from_str(&unassign.detail).unwrap();
    assert_eq!(detail, json!({ "technician_id": wang.id, "contract": HB }));
    assert_eq!(unassign.address, "127.0.0.1");
}

fn refused_requests_answer_4xx_and_write_nothing(backend: Backend) {
    let office = with_managers(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let pm = office.sign_in("pm", PM_PASSWORD);
    let cm = office.sign_in("cm", PM_PASSWORD);
    let li = pm.add_technician(&office, "李工", &[HB]);
    let wang = admin.add_technician(&office, "王工", &[XY]);
    // A laptop of each, enrolled (the sync API), so revoking has something to refuse.
    let enroll = |technician: &str| -> String {
        let code = admin.enrollment_code(&office, technician);
        let answer = office.request(
            "POST",
            "/v1/enroll",
            &[("Content-Type", "application/json")],
            json!({ "code": code.code, "device_name": "笔记本" }).to_string(),
        );
        assert_eq!(answer.status, 201, "{}", answer.body);
        serde_json::from_str::<Value>(&answer.body).unwrap()["device_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let li_laptop = enroll(&li.id);
    let _wang_laptop = enroll(&wang.id);

    let json_type = ("Content-Type", "application/json");
    let as_admin = vec![
        ("Cookie", admin.cookie.as_str()),
        ("X-Fieldlog-Csrf", admin.csrf.as_str()),
        json_type,
    ];
    let as_pm = vec![
        ("Cookie", pm.cookie.as_str()),
        ("X-Fieldlog-Csrf", pm.csrf.as_str()),
        json_type,
    ];
    let as_cm = vec![
        ("Cookie", cm.cookie.as_str()),
        ("X-Fieldlog-Csrf", cm.csrf.as_str()),
        json_type,
    ];
    let forged = vec![
        ("Cookie", admin.cookie.as_str()),
        (
            "X-Fieldlog-Csrf",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
        json_type,
    ];
    let no_csrf = vec![("Cookie", admin.cookie.as_str()), json_type];
    let other_csrf = vec![
        ("Cookie", admin.cookie.as_str()),
        ("X-Fieldlog-Csrf", pm.csrf.as_str()),
        json_type,
    ];
    let anonymous = vec![json_type];
    let huge = format!(
        r#"{{"name": "{}", "contracts": ["{HB}"]}}"#,
        "长".repeat(40_000)
    );
    let huge_reason = format!(r#"{{"reason": "{}"}}"#, "长".repeat(40_000));
    let add = "/office/v1/technicians".to_owned();
    let new_technician = json!({ "name": "新人", "contracts": [HB] }).to_string();
    let assign_li = format!("/office/v1/technicians/{}/contracts", li.id);
    let assign_wang = format!("/office/v1/technicians/{}/contracts", wang.id);
    let unassign_li = format!("/office/v1/technicians/{}/contracts/{HB}", li.id);
    let unassign_wang = format!("/office/v1/technicians/{}/contracts/{XY}", wang.id);
    let code_li = format!("/office/v1/technicians/{}/enrollment-codes", li.id);
    let code_wang = format!("/office/v1/technicians/{}/enrollment-codes", wang.id);
    let revoke_li = format!("/office/v1/laptops/{li_laptop}/revoke");
    let reason = json!({ "reason": "笔记本遗失" }).to_string();
    let hb = json!({ "contract": HB }).to_string();
    let xy = json!({ "contract": XY }).to_string();

    let mut cases: Vec<Refusal<'_>> = Vec::new();
    // Every changing endpoint: no session, a forged, a missing and another session's CSRF
    // token.
    for (method, path, body) in [
        ("POST", add.clone(), new_technician.clone()),
        ("POST", assign_li.clone(), xy.clone()),
        ("DELETE", unassign_li.clone(), String::new()),
        ("POST", code_li.clone(), String::new()),
        ("POST", revoke_li.clone(), reason.clone()),
    ] {
        for (what, headers, status, code) in [
            ("no session", anonymous.clone(), 401, "unauthorized"),
            ("a forged CSRF token", forged.clone(), 403, "csrf"),
            ("no CSRF token", no_csrf.clone(), 403, "csrf"),
            (
                "another session's CSRF token",
                other_csrf.clone(),
                403,
                "csrf",
            ),
        ] {
            cases.push((
                what,
                method,
                path.clone(),
                headers,
                body.clone(),
                status,
                code,
            ));
        }
    }
    // The reading endpoints without a session.
    for path in ["/office/v1/technicians", "/office/v1/laptops"] {
        cases.push((
            "no session",
            "GET",
            path.into(),
            vec![],
            String::new(),
            401,
            "unauthorized",
        ));
    }
    cases.extend([
        // Wrong role.
        (
            "a customer manager adding",
            "POST",
            add.clone(),
            as_cm.clone(),
            new_technician.clone(),
            403,
            "forbidden",
        ),
        (
            "a customer manager assigning",
            "POST",
            assign_li.clone(),
            as_cm.clone(),
            hb.clone(),
            403,
            "forbidden",
        ),
        (
            "a customer manager un-assigning",
            "DELETE",
            unassign_li.clone(),
            as_cm.clone(),
            String::new(),
            403,
            "forbidden",
        ),
        (
            "a customer manager issuing a code",
            "POST",
            code_li.clone(),
            as_cm.clone(),
            String::new(),
            403,
            "forbidden",
        ),
        (
            "a customer manager listing laptops",
            "GET",
            "/office/v1/laptops".into(),
            as_cm.clone(),
            String::new(),
            403,
            "forbidden",
        ),
        (
            "a project manager revoking",
            "POST",
            revoke_li.clone(),
            as_pm.clone(),
            reason.clone(),
            403,
            "forbidden",
        ),
        // Another contract, another contract's technician.
        (
            "a project manager adding to another contract",
            "POST",
            add.clone(),
            as_pm.clone(),
            json!({ "name": "新人", "contracts": [XY] }).to_string(),
            404,
            "not_found",
        ),
        (
            "a project manager adding to no contract",
            "POST",
            add.clone(),
            as_pm.clone(),
            json!({ "name": "新人" }).to_string(),
            422,
            "invalid_input",
        ),
        (
            "a project manager assigning another contract",
            "POST",
            assign_li.clone(),
            as_pm.clone(),
            xy.clone(),
            404,
            "not_found",
        ),
        (
            "a project manager assigning another contract's technician",
            "POST",
            assign_wang.clone(),
            as_pm.clone(),
            hb.clone(),
            404,
            "not_found",
        ),
        (
            "a project manager un-assigning another contract",
            "DELETE",
            unassign_wang.clone(),
            as_pm.clone(),
            String::new(),
            404,
            "not_found",
        ),
        (
            "a project manager's code for another contract's technician",
            "POST",
            code_wang.clone(),
            as_pm.clone(),
            String::new(),
            404,
            "not_found",
        ),
        // Unknown ids.
        (
            "an unknown contract",
            "POST",
            assign_li.clone(),
            as_admin.clone(),
            json!({ "contract": "NO-SUCH" }).to_string(),
            404,
            "not_found",
        ),
        (
            "an unknown technician",
            "POST",
            "/office/v1/technicians/0190f0f0-0000-7000-8000-000000000000/enrollment-codes".into(),
            as_admin.clone(),
            String::new(),
            404,
            "not_found",
        ),
        (
            "an unknown laptop",
            "POST",
            "/office/v1/laptops/0190f0f0-0000-7000-8000-000000000000/revoke".into(),
            as_admin.clone(),
            reason.clone(),
            404,
            "not_found",
        ),
        // Bad bodies.
        (
            "a malformed body",
            "POST",
            add.clone(),
            as_admin.clone(),
            r#"{"name": "#.into(),
            422,
            "invalid_input",
        ),
        (
            "an unknown field",
            "POST",
            add.clone(),
            as_admin.clone(),
            json!({ "name": "新人", "contracts": [HB], "id": "x" }).to_string(),
            422,
            "invalid_input",
        ),
        (
            "an empty name",
            "POST",
            add.clone(),
            as_admin.clone(),
            json!({ "name": "  " }).to_string(),
            422,
            "invalid_input",
        ),
        (
            "a huge body",
            "POST",
            add.clone(),
            as_admin.clone(),
            huge.clone(),
            413,
            "too_large",
        ),
        (
            "a huge reason",
            "POST",
            revoke_li.clone(),
            as_admin.clone(),
            huge_reason.clone(),
            413,
            "too_large",
        ),
        (
            "an empty reason",
            "POST",
            revoke_li.clone(),
            as_admin.clone(),
            json!({ "reason": " " }).to_string(),
            422,
            "invalid_input",
        ),
        (
            "no reason",
            "POST",
            revoke_li.clone(),
            as_admin.clone(),
            "{}".into(),
            422,
            "invalid_input",
        ),
        (
            "a malformed assignment",
            "POST",
            assign_li.clone(),
            as_admin.clone(),
            "[]".into(),
            422,
            "invalid_input",
        ),
        (
            "fields sent with a code request",
            "POST",
            code_li.clone(),
            as_admin.clone(),
            json!({ "technician_id": wang.id }).to_string(),
            422,
            "invalid_input",
        ),
        (
            "a form, not JSON",
            "POST",
            add.clone(),
            vec![
                ("Cookie", admin.cookie.as_str()),
                ("X-Fieldlog-Csrf", admin.csrf.as_str()),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            "name=x".into(),
            422,
            "invalid_input",
        ),
    ]);

    let before = dump(&office);
    for (what, method, path, headers, body, status, code) in &cases {
        let answer = office.request(method, path, headers, body);
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (*status, *code),
            "{what}: {method} {path}: {}",
            answer.body
        );
        assert_eq!(
            before,
            dump(&office),
            "{what}: {method} {path} wrote something"
        );
    }
    // The laptop revoked once; twice is a conflict that changes nothing.
    let revoked = admin.send(
        &office,
        "POST",
        &revoke_li,
        &json!({ "reason": "笔记本遗失" }),
    );
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let before = dump(&office);
    let again = admin.send(
        &office,
        "POST",
        &revoke_li,
        &json!({ "reason": "再来一次" }),
    );
    assert_eq!((again.status, again.code()), (409, "conflict".into()));
    assert_eq!(before, dump(&office));
}

/// Every table of the laptop's profile but `sync_state`, where a round notes how it ended.
fn laptop_dump(dir: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(dir.join("profile.sqlite")).unwrap();
    let kept = fieldlog_store::migrations::data_dump_except(&conn, &["sync_state"]).unwrap();
    assert!(kept.contains("== sync_outbox"), "the dump names its tables");
    kept
}

fn a_laptop_enrolled_from_the_console_is_listed_and_revoked_from_it(backend: Backend) {
    let office = with_managers(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let pm = office.sign_in("pm", PM_PASSWORD);
    let li = pm.add_technician(&office, "李工", &[HB]);

    // The project manager issues a code: text, the server's address, a QR code of both.
    let code = pm.enrollment_code(&office, &li.id);
    assert_eq!(code.technician_name, "李工");
    assert_eq!(
        code.server_url,
        office.url(),
        "the address the console was reached at"
    );
    assert_eq!(code.expires_at, office.clock() + TimeDelta::days(7));
    let link = EnrollmentLink::parse(&code.qr_text).expect("the QR text is an enrollment link");
    assert_eq!(
        (link.server_url.as_str(), link.code.as_str()),
        (code.server_url.as_str(), code.code.as_str())
    );
    assert!(code.qr_svg.starts_with("<?xml") && code.qr_svg.contains("<svg"));
    let log = office.audit(&admin);
    let issued = log.entries.last().unwrap();
    assert_eq!(issued.action, "enrollment_code_issue");
    assert!(
        !issued.detail.contains(&code.code),
        "the code itself is never logged"
    );

    // A real laptop enrolls with what the QR code says, sets up the contract and syncs.
    let dir = tempfile::tempdir().unwrap();
    let mut store = fieldlog_store::Store::open(dir.path().join("profile.sqlite")).unwrap();
    store.init_profile("李工", None, Utc::now()).unwrap();
    fieldlog_sync::enroll(
        &mut store,
        &link.server_url,
        &link.code,
        "李工的笔记本",
        quick(),
    )
    .unwrap();
    let device_id = store.enrollment().unwrap().unwrap().device_id;
    let listed = admin.laptops(&office);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, device_id);
    assert_eq!(listed[0].name, "李工的笔记本");
    assert_eq!(listed[0].technician_name, "李工");
    assert_eq!(listed[0].last_sync_at, None, "not synced yet");
    assert_eq!(
        listed[0].certificate_serials.len(),
        1,
        "its signing certificate"
    );
    store
        .add_contract(
            HB,
            "测试县雪亮工程运维",
            "测试县公安局",
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            fieldlog_domain::contract::SpareFloor::default(),
            &fieldlog_domain::sla::Preset::CountyPoliceVillageQuery.policy(),
            Utc::now(),
        )
        .unwrap();
    let waiting = store.sync_status().unwrap().pending_changes;
    assert!(waiting > 0);
    let before_round = Utc::now();
    let round = fieldlog_sync::sync_round(&mut store, &quick()).unwrap();
    assert_eq!(round.pushed, waiting as u64);

    // Listed with its last sync, its app version and nothing waiting (the round's pull said 0).
    let listed = pm.laptops(&office);
    assert_eq!(
        listed.len(),
        1,
        "the project manager sees her technician's laptop"
    );
    let laptop = &listed[0];
    let last = laptop.last_sync_at.expect("a last sync");
    assert!(last >= before_round - TimeDelta::seconds(1), "{last}");
    assert_eq!(
        laptop.app_version.as_deref(),
        Some(fieldlog_sync::APP_VERSION)
    );
    assert_eq!(laptop.waiting_changes, Some(0));
    assert_eq!(
        pm.technicians(&office)[0].laptops[0].id,
        device_id,
        "the technician lists the laptop"
    );

    // A pull that says something new is recorded at once; the same again within the minute
    // does not take the writer (nothing written).
    let token = store.enrollment().unwrap().unwrap().token;
    let client = fieldlog_sync::Client::new(&office.url(), Some(token.clone()), quick()).unwrap();
    client.set_waiting(7);
    client.pull(0, 10).unwrap();
    assert_eq!(admin.laptops(&office)[0].waiting_changes, Some(7));
    let before = dump(&office);
    client.pull(0, 10).unwrap();
    assert_eq!(
        before,
        dump(&office),
        "an unchanged report within the minute is not written"
    );
    // An older laptop, without the headers, still pulls; its version is then unknown.
    let old = office.request(
        "GET",
        "/v1/pull?after=0",
        &[("Authorization", &format!("Bearer {token}"))],
        "",
    );
    assert_eq!(old.status, 200, "{}", old.body);
    assert_eq!(admin.laptops(&office)[0].app_version, None);

    // Work waiting on the laptop when the administrator revokes it from the console.
    let contract = store.resolve_contract(HB).unwrap();
    store
        .add_site(fieldlog_store::NewSite {
            contract_id: contract.id,
            code: "CS-001".into(),
            name: "测试村村口".into(),
            kind: fieldlog_domain::site::SiteKind::CameraPole,
            address: "测试县测试村".into(),
            location: None,
        })
        .unwrap();

    // Un-assigned from HB, the laptop's push for it is refused `not_assigned` (403) and nothing
    // it holds is touched; assigned again, it may send it (it does not before the revocation).
    let removed = pm.unassign(&office, &li.id, HB);
    assert_eq!(removed.status, 200, "{}", removed.body);
    let before = laptop_dump(dir.path());
    let refused = fieldlog_sync::sync_round(&mut store, &quick()).unwrap_err();
    assert_eq!(
        refused.code(),
        fieldlog_wire::ErrorCode::Forbidden,
        "{refused}"
    );
    assert!(refused.to_string().contains(HB), "{refused}");
    assert!(
        before == laptop_dump(dir.path()),
        "a refused push changed the laptop's data"
    );
    let back = admin.assign(&office, &li.id, HB);
    assert_eq!(back.status, 200, "{}", back.body);

    let revoked = admin.send(
        &office,
        "POST",
        &format!("/office/v1/laptops/{device_id}/revoke"),
        &json!({ "reason": "笔记本遗失" }),
    );
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let revoked: RevokedLaptop = serde_json::from_str(&revoked.body).unwrap();
    let record = revoked.laptop.revocation.clone().unwrap();
    assert_eq!(record.revoked_by, "admin", "the office login revoked it");
    assert_eq!(record.reason, "笔记本遗失");
    assert_eq!(record.revoked_at, office.clock());
    let log = office.audit(&admin);
    let entry = log.entries.last().unwrap();
    assert_eq!(entry.action, "laptop_revoke");
    let detail: Value = serde_json::from_str(&entry.detail).unwrap();
    assert_eq!(detail["device_id"], device_id.as_str());
    assert_eq!(detail["crl_number"], revoked.crl_number);
    assert!(admin.technicians(&office)[0].laptops[0].revoked);

    // Its next round is refused `device_revoked`, and nothing on it changes.
    let before = laptop_dump(dir.path());
    let refused = fieldlog_sync::sync_round(&mut store, &quick()).unwrap_err();
    assert_eq!(
        refused.code(),
        fieldlog_wire::ErrorCode::DeviceRevoked,
        "{refused}"
    );
    assert!(
        before == laptop_dump(dir.path()),
        "the refused round changed the laptop's data"
    );
    assert!(
        store.sync_status().unwrap().pending_changes > 0,
        "its work still waits"
    );
    for (method, path) in [("POST", "/v1/push"), ("GET", "/v1/pull?after=0")] {
        let answer = office.request(
            method,
            path,
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Content-Type", "application/json"),
            ],
            if method == "POST" {
                r#"{"sent_at":"2026-12-07T00:00:00Z","changes":[]}"#
            } else {
                ""
            },
        );
        assert_eq!(
            (answer.status, answer.code()),
            (403, "device_revoked".into()),
            "{path}"
        );
    }

    // The CA's CRL lists its certificate (read as bytes: it is DER).
    let raw = {
        let mut stream = std::net::TcpStream::connect(office.running.addr).unwrap();
        write!(
            stream,
            "GET /ca/crl.der HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            office.running.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        raw
    };
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let parsed = fieldlog_certs::crl_from_bytes(&raw[split + 4..]).unwrap();
    assert_eq!(
        fieldlog_certs::crl_serials(&parsed),
        revoked.laptop.certificate_serials
    );
    assert_eq!(
        fieldlog_certs::crl_number(&parsed),
        Some(u64::try_from(revoked.crl_number).unwrap())
    );
}

fn an_enrollment_code_expires_after_seven_days(backend: Backend) {
    let office = with_managers(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let li = admin.add_technician(&office, "李工", &[HB]);
    let enroll = |code: &str| {
        office.request(
            "POST",
            "/v1/enroll",
            &[("Content-Type", "application/json")],
            json!({ "code": code, "device_name": "笔记本" }).to_string(),
        )
    };
    // Issued (by the office's clock) eight days ago: refused, like an unknown code.
    let now = office.clock();
    office.set_clock(now - TimeDelta::days(8));
    let admin_then = office.sign_in("admin", ADMIN_PASSWORD);
    let old = admin_then.enrollment_code(&office, &li.id);
    office.set_clock(now);
    let before = dump(&office);
    let refused = enroll(&old.code);
    assert_eq!(
        (refused.status, refused.code()),
        (401, "unauthorized".into()),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("过期"), "{}", refused.body);
    assert_eq!(before, dump(&office));
    // Six days ago: still good.
    office.set_clock(now - TimeDelta::days(6));
    let admin_then = office.sign_in("admin", ADMIN_PASSWORD);
    let recent = admin_then.enrollment_code(&office, &li.id);
    office.set_clock(now);
    assert_eq!(enroll(&recent.code).status, 201);
    drop(admin);
}

/// Enrolls a laptop with `code` over the sync API; the answer.
fn enroll_with(office: &Office, code: &str) -> Answer {
    office.request(
        "POST",
        "/v1/enroll",
        &[("Content-Type", "application/json")],
        json!({ "code": code, "device_name": "笔记本" }).to_string(),
    )
}

/// A laptop enrolls with every contract of its technician: a project manager who could issue
/// a code for a technician who also holds another contract would get, on her own laptop, that
/// contract too. She is refused, and so is an un-granted contract however she names it.
fn a_manager_issues_codes_only_for_technicians_wholly_within_her_contracts(backend: Backend) {
    let office = with_managers(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let pm = office.sign_in("pm", PM_PASSWORD);
    let li = pm.add_technician(&office, "李工", &[HB]);
    // Hers alone: she may.
    let early = pm.enrollment_code(&office, &li.id);
    // The administrator gives 李工 the other contract too: the code she holds, which would now
    // enroll with XY, is cancelled with it.
    let assigned = admin.assign(&office, &li.id, XY);
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    let refused = enroll_with(&office, &early.code);
    assert_eq!(
        (refused.status, refused.code()),
        (401, "unauthorized".into()),
        "{}",
        refused.body
    );
    let log = office.audit(&admin);
    let entry = log
        .entries
        .iter()
        .rfind(|e| e.action == "technician_assign")
        .unwrap();
    let detail: Value = serde_json::from_str(&entry.detail).unwrap();
    assert_eq!(detail["cancelled_codes"], 1, "{detail}");
    let before = dump(&office);
    let refused = pm.send(
        &office,
        "POST",
        &format!("/office/v1/technicians/{}/enrollment-codes", li.id),
        &json!({}),
    );
    assert_eq!(
        (refused.status, refused.code()),
        (403, "forbidden".into()),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(XY) && refused.body.contains("管理员"),
        "says which contract and whom to ask: {}",
        refused.body
    );
    assert_eq!(before, dump(&office), "a refused code wrote something");
    // The administrator still may.
    admin.enrollment_code(&office, &li.id);
    // An existing contract not hers and an unknown one answer alike: 404, nothing written.
    let before = dump(&office);
    for contract in [XY, "NO-SUCH"] {
        for answer in [
            pm.assign(&office, &li.id, contract),
            pm.unassign(&office, &li.id, contract),
            pm.send(
                &office,
                "POST",
                "/office/v1/technicians",
                &json!({ "name": "新人", "contracts": [HB, contract] }),
            ),
        ] {
            assert_eq!(
                (answer.status, answer.code()),
                (404, "not_found".into()),
                "{contract}: {}",
                answer.body
            );
        }
    }
    assert_eq!(before, dump(&office));
}

/// A lost laptop revoked: the codes its technician was issued and has not used stop working
/// too, and the answer and the audit entry say how many; the console can also cancel them alone.
fn revoking_a_laptop_cancels_the_technicians_unused_codes(backend: Backend) {
    let office = with_managers(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let pm = office.sign_in("pm", PM_PASSWORD);
    let li = pm.add_technician(&office, "李工", &[HB]);
    let first = admin.enrollment_code(&office, &li.id);
    let enrolled = enroll_with(&office, &first.code);
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let laptop = serde_json::from_str::<Value>(&enrolled.body).unwrap()["device_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let spare = pm.enrollment_code(&office, &li.id);
    let another = pm.enrollment_code(&office, &li.id);
    let revoked = admin.send(
        &office,
        "POST",
        &format!("/office/v1/laptops/{laptop}/revoke"),
        &json!({ "reason": "笔记本遗失" }),
    );
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let revoked: Value = serde_json::from_str(&revoked.body).unwrap();
    assert_eq!(revoked["cancelled_codes"], 2, "{revoked}");
    let log = office.audit(&admin);
    let entry = log
        .entries
        .iter()
        .find(|e| e.action == "laptop_revoke")
        .unwrap();
    let detail: Value = serde_json::from_str(&entry.detail).unwrap();
    assert_eq!(detail["cancelled_codes"], 2);
    for code in [&spare.code, &another.code] {
        let refused = enroll_with(&office, code);
        assert_eq!(
            (refused.status, refused.code()),
            (401, "unauthorized".into()),
            "{}",
            refused.body
        );
    }

    // Cancelling alone: the project manager for her technician, not a customer manager, not
    // another contract's technician; nothing written by a refusal.
    let cm = office.sign_in("cm", PM_PASSWORD);
    let wang = admin.add_technician(&office, "王工", &[XY]);
    let fresh = pm.enrollment_code(&office, &li.id);
    admin.enrollment_code(&office, &wang.id);
    let cancel = |client: &Client, technician: &str| {
        client.send(
            &office,
            "DELETE",
            &format!("/office/v1/technicians/{technician}/enrollment-codes"),
            &json!(null),
        )
    };
    let before = dump(&office);
    let denied = cancel(&cm, &li.id);
    assert_eq!((denied.status, denied.code()), (403, "forbidden".into()));
    let not_hers = cancel(&pm, &wang.id);
    assert_eq!(
        (not_hers.status, not_hers.code()),
        (404, "not_found".into())
    );
    let anonymous = office.request(
        "DELETE",
        &format!("/office/v1/technicians/{}/enrollment-codes", li.id),
        &[],
        "",
    );
    assert_eq!(anonymous.status, 401);
    assert_eq!(before, dump(&office));
    let cancelled = cancel(&pm, &li.id);
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let cancelled: Value = serde_json::from_str(&cancelled.body).unwrap();
    assert_eq!(cancelled["cancelled"], 1);
    assert_eq!(enroll_with(&office, &fresh.code).status, 401);
    let log = office.audit(&admin);
    assert!(actions(&log).contains(&"enrollment_code_cancel".to_owned()));
    // 王工's code is untouched.
    assert_eq!(
        serde_json::from_str::<Value>(&cancel(&admin, &wang.id).body).unwrap()["cancelled"],
        1
    );
}

/// Only the console hid a closed contract: the server refuses it too, 409, writing nothing.
fn a_closed_contract_takes_no_technician(backend: Backend) {
    let office = with_managers(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let li = admin.add_technician(&office, "李工", &[HB]);
    office
        .raw_sql(&format!(
            "UPDATE contracts SET closed_at = (SELECT created_at FROM office_sessions LIMIT 1), \
             closed_by = 'admin' WHERE code = '{XY}'"
        ))
        .unwrap();
    let before = dump(&office);
    for answer in [
        admin.assign(&office, &li.id, XY),
        admin.send(
            &office,
            "POST",
            "/office/v1/technicians",
            &json!({ "name": "新人", "contracts": [XY] }),
        ),
    ] {
        assert_eq!(
            (answer.status, answer.code()),
            (409, "conflict".into()),
            "{}",
            answer.body
        );
        assert!(answer.body.contains("关闭"), "{}", answer.body);
    }
    assert_eq!(before, dump(&office));
}

/// The office's own technician (migration 0010) is no one's to enroll, even from the command
/// line.
fn the_office_technician_gets_no_enrollment_code(backend: Backend) {
    let office = with_managers(backend);
    let before = dump(&office);
    let refused =
        fieldlog_server::admin::enrollment_code(&*office.storage, "office", office.clock());
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(before, dump(&office));
}
