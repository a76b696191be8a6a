//! The office catalogue (`/office/v1/catalogue/…`, issue 17) on a real server on a loopback port,
//! over a temp SQLite file and a throwaway PostgreSQL database: a project manager creates a
//! contract from a preset, edits its policy, adds and edits sites, devices and parts, imports
//! sites from CSV and XLSX (twice: nothing more the second time), closes the contract; and every
//! refused request (no session, another role, another contract's code or id, a forged CSRF token,
//! a malformed or huge body, a bad file) answers a clear 4xx and writes nothing: the tables are
//! dumped before and after.

#[macro_use]
mod support;

use fieldlog_domain::sla::Preset;
use fieldlog_wire::office::v1::Role;
use fieldlog_wire::office::v1::catalogue::{
    ContractDetail, ContractSummary, DeviceItem, ImportAnswer, ImportProblem, PartItem, PresetItem,
    SiteItem, SitePage,
};
use serde_json::{Value, json};
use support::*;

on_each_backend!(
    a_project_manager_sets_up_a_contract_and_its_catalogue,
    refused_catalogue_requests_answer_4xx_and_write_nothing,
    a_closed_contract_refuses_catalogue_writes,
    an_import_is_refused_before_its_body_arrives,
    an_xlsx_with_a_cell_at_the_far_corner_is_refused_and_the_server_lives,
    an_import_over_the_office_body_limit_succeeds,
);

const PM_LOGIN: &str = "pm.li";
const CM_LOGIN: &str = "cm.wang";
const CONTRACTS: &str = "/office/v1/catalogue/contracts";
const CODE: &str = "GA-2026-01";

/// Every table a catalogue action may write.
const TABLES: [&str; 9] = [
    "contracts",
    "office_grants",
    "office_audit",
    "records",
    "feed",
    "acks",
    "devices",
    "conflicts",
    "assignments",
];

const SITES_CSV: &str = "点位编号,点位名称,点位类型,地址,纬度,经度,设备类型,设备型号,序列号
XQ-001,城关派出所门口,监控杆,城关镇,30.1,114.2,摄像机,QX-200,SN-1
XQ-001,城关派出所门口,监控杆,城关镇,30.1,114.2,交换机,S-8,
XQ-002,河口村委会,camera_pole,河口村,,,camera,QX-200,SN-2
XQ-003,县局机房,机房,县城,,,,,
";

fn police_contract(code: &str) -> Value {
    let preset = Preset::CountyPoliceVillageQuery;
    json!({
        "code": code,
        "name": "测试县村级警务查询系统运维",
        "client": "测试县公安局",
        "service_start": "2026-01-01",
        "service_end": "2027-12-31",
        "spare_floor": preset.spare_floor(),
        "policy": preset.policy(),
    })
}

/// Comma-separated lines as the first sheet of an XLSX, every cell text.
fn xlsx(lines: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in lines.lines().enumerate() {
        for (c, text) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, text).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

impl Client {
    /// A file uploaded as the console sends it: cookie, CSRF header, the bytes as the body.
    fn upload(&self, office: &Office, path: &str, bytes: &[u8]) -> Answer {
        office.request_bytes(
            "POST",
            path,
            &[
                ("Cookie", &self.cookie),
                ("X-Fieldlog-Csrf", &self.csrf),
                ("Content-Type", "application/octet-stream"),
            ],
            bytes,
        )
    }
}

/// A server with a project manager (`pm.li`) and a customer manager (`cm.wang`), the former
/// having created the police contract `CODE`, the latter granted it.
fn with_contract(backend: Backend) -> (Office, Client, Client) {
    let office = Office::start(backend);
    office.add_from_command_line(PM_LOGIN, Role::ProjectManager, PM_PASSWORD);
    let cm_id = office.add_from_command_line(CM_LOGIN, Role::CustomerManager, PM_PASSWORD);
    let pm = office.sign_in(PM_LOGIN, PM_PASSWORD);
    let created = pm.send(&office, "POST", CONTRACTS, &police_contract(CODE));
    assert_eq!(created.status, 201, "{}", created.body);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let granted = admin.send(
        &office,
        "PUT",
        &format!("/office/v1/accounts/{cm_id}/grants"),
        &json!({ "contracts": [CODE] }),
    );
    assert_eq!(granted.status, 200, "{}", granted.body);
    let cm = office.sign_in(CM_LOGIN, PM_PASSWORD);
    (office, pm, cm)
}

fn a_project_manager_sets_up_a_contract_and_its_catalogue(backend: Backend) {
    let (office, pm, cm) = with_contract(backend);
    let contract = format!("{CONTRACTS}/{CODE}");

    let presets: Vec<PresetItem> = parse(&pm.get(&office, "/office/v1/catalogue/presets"));
    assert_eq!(presets.len(), 2);
    assert_eq!(presets[0].policy, Preset::CountyPoliceVillageQuery.policy());

    // The creator is granted the contract; its first policy is the preset's.
    let me: Value = parse(&pm.get(&office, "/office/v1/me"));
    assert_eq!(me["contracts"], json!([CODE]));
    let detail: ContractDetail = parse(&pm.get(&office, &contract));
    assert_eq!(detail.policy, Preset::CountyPoliceVillageQuery.policy());
    assert_eq!(detail.versions.len(), 1);
    assert_eq!(detail.contract.policy_version, 1);
    assert_eq!(detail.spare_floor.units, 10);
    assert_eq!(detail.contract.closed_at, None);
    let again = pm.send(&office, "POST", CONTRACTS, &police_contract(CODE));
    assert_eq!((again.status, again.code()), (409, "conflict".into()));

    // Sites and devices one by one.
    let site: SiteItem = parse(&pm.send(
        &office,
        "POST",
        &format!("{contract}/sites"),
        &json!({ "code": "ZD-01", "name": "中队门口", "kind": "camera_pole", "address": "城关镇", "lat": null, "lon": null }),
    ));
    let device = pm.send(
        &office,
        "POST",
        &format!("{contract}/devices"),
        &json!({ "site_id": site.id, "kind": "camera", "model": "QX-100", "serial": "SN-0" }),
    );
    assert_eq!(device.status, 201, "{}", device.body);
    let device: DeviceItem = parse(&device);
    let edited: SiteItem = parse(&pm.send(
        &office,
        "PUT",
        &format!("{contract}/sites/{}", site.id),
        &json!({ "code": "ZD-01", "name": "中队大门", "kind": "camera_pole", "address": "城关镇", "lat": 30.5, "lon": 114.5 }),
    ));
    assert_eq!(edited.name, "中队大门");
    assert_eq!(edited.lat, Some(30.5));
    assert_eq!(edited.devices, std::slice::from_ref(&device));
    let moved = pm.send(
        &office,
        "PUT",
        &format!("{contract}/devices/{}", device.id),
        &json!({ "site_id": site.id, "kind": "camera", "model": "QX-200", "serial": "SN-0" }),
    );
    assert_eq!(parse::<DeviceItem>(&moved).model, "QX-200");
    let taken = pm.send(
        &office,
        "POST",
        &format!("{contract}/sites"),
        &json!({ "code": "ZD-01", "name": "重复", "kind": "office", "address": "某处", "lat": null, "lon": null }),
    );
    assert_eq!((taken.status, taken.code()), (409, "conflict".into()));

    // The import: CSV, then the same rows as XLSX add nothing more.
    let import = format!("{contract}/import?format=csv");
    let answer: ImportAnswer = parse(&pm.upload(&office, &import, SITES_CSV.as_bytes()));
    assert_eq!(
        answer,
        ImportAnswer {
            rows: 4,
            sites_added: 3,
            sites_reused: 0,
            devices_added: 3,
            devices_skipped: 0,
        }
    );
    let answer: ImportAnswer = parse(&pm.upload(
        &office,
        &format!("{contract}/import?format=xlsx"),
        &xlsx(SITES_CSV),
    ));
    assert_eq!(
        (
            answer.sites_added,
            answer.sites_reused,
            answer.devices_added,
            answer.devices_skipped
        ),
        (0, 3, 0, 3)
    );

    // Pages and search, for the customer manager too (she reads).
    let page: SitePage = parse(&cm.get(&office, &format!("{contract}/sites?limit=2")));
    assert_eq!(page.total, 4);
    assert_eq!(
        page.sites
            .iter()
            .map(|s| s.code.as_str())
            .collect::<Vec<_>>(),
        ["XQ-001", "XQ-002"]
    );
    assert_eq!(page.sites[0].devices.len(), 2);
    let found: SitePage = parse(&cm.get(&office, &format!("{contract}/sites?q=xq-00&offset=2")));
    assert_eq!((found.total, found.sites.len()), (3, 1));
    let found: SitePage =
        parse(&cm.get(&office, &format!("{contract}/sites?q=%E4%B8%AD%E9%98%9F")));
    assert_eq!(
        found.sites.iter().map(|s| &s.code).collect::<Vec<_>>(),
        ["ZD-01"]
    );

    // Parts.
    let part: PartItem = parse(&pm.send(
        &office,
        "POST",
        &format!("{contract}/parts"),
        &json!({ "code": "BJ-01", "name": "摄像机", "kind": "unit", "model": "QX-200", "main_equipment": true }),
    ));
    let part_edit = pm.send(
        &office,
        "PUT",
        &format!("{contract}/parts/{}", part.id),
        &json!({ "code": "BJ-01", "name": "摄像机整机", "kind": "unit", "model": null, "main_equipment": false }),
    );
    assert_eq!(part_edit.status, 200, "{}", part_edit.body);
    let parts: Vec<PartItem> = parse(&cm.get(&office, &format!("{contract}/parts")));
    assert_eq!(parts.len(), 1);
    assert_eq!(
        (
            parts[0].name.as_str(),
            parts[0].model.as_deref(),
            parts[0].main_equipment
        ),
        ("摄像机整机", None, false)
    );

    // A policy edit is a new version; the same policy again writes nothing.
    let mut policy = Preset::CountyPoliceVillageQuery.policy();
    policy.levels.a.arrival_min = 45;
    let edit = json!({ "policy": policy });
    let detail: ContractDetail =
        parse(&pm.send(&office, "PUT", &format!("{contract}/policy"), &edit));
    assert_eq!(detail.contract.policy_version, 2);
    assert_eq!(detail.policy, policy);
    assert_eq!(detail.versions.len(), 2);
    let before = office.dump_tables(&TABLES);
    let same: ContractDetail =
        parse(&pm.send(&office, "PUT", &format!("{contract}/policy"), &edit));
    assert_eq!(same.contract.policy_version, 2);
    assert_eq!(office.dump_tables(&TABLES), before);

    let list: Vec<ContractSummary> = parse(&pm.get(&office, CONTRACTS));
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].sites,
            list[0].devices,
            list[0].parts,
            list[0].policy_version
        ),
        (4, 4, 1, 2)
    );

    // Every action is audited, as the project manager, from her address.
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let log = office.audit(&admin);
    let ours: Vec<&str> = log
        .entries
        .iter()
        .filter(|e| e.actor_login == PM_LOGIN && e.action != "sign_in")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        ours,
        [
            "contract_add",
            "site_add",
            "device_add",
            "site_edit",
            "device_edit",
            "sites_import",
            "sites_import",
            "part_add",
            "part_edit",
            "policy_edit",
        ]
    );
    assert!(log.entries.iter().all(|e| !e.address.is_empty()));
}

fn a_closed_contract_refuses_catalogue_writes(backend: Backend) {
    let (office, pm, cm) = with_contract(backend);
    let contract = format!("{CONTRACTS}/{CODE}");
    let refused = cm.send(
        &office,
        "POST",
        &format!("{contract}/close"),
        &json!({ "on": "2026-06-30" }),
    );
    assert_eq!((refused.status, refused.code()), (403, "forbidden".into()));
    let early = pm.send(
        &office,
        "POST",
        &format!("{contract}/close"),
        &json!({ "on": "2025-06-30" }),
    );
    assert_eq!((early.status, early.code()), (422, "invalid_input".into()));
    // A date after the period's end would lengthen the contract and then lock it.
    let before_late = office.dump_tables(&TABLES);
    let late = pm.send(
        &office,
        "POST",
        &format!("{contract}/close"),
        &json!({ "on": "2028-01-01" }),
    );
    assert_eq!((late.status, late.code()), (422, "invalid_input".into()));
    assert!(late.body.contains("晚于服务结束日期"), "{}", late.body);
    assert_eq!(office.dump_tables(&TABLES), before_late);
    let closed: ContractDetail = parse(&pm.send(
        &office,
        "POST",
        &format!("{contract}/close"),
        &json!({ "on": "2026-06-30" }),
    ));
    assert_eq!(closed.contract.service_end.to_string(), "2026-06-30");
    assert!(closed.contract.closed_at.is_some());
    let before = office.dump_tables(&TABLES);
    for (method, path, body) in [
        (
            "POST",
            format!("{contract}/close"),
            json!({ "on": "2026-06-30" }),
        ),
        (
            "POST",
            format!("{contract}/sites"),
            json!({ "code": "X-1", "name": "某点", "kind": "office", "address": "某处", "lat": null, "lon": null }),
        ),
        (
            "POST",
            format!("{contract}/parts"),
            json!({ "code": "P-1", "name": "某件", "kind": "part", "model": null, "main_equipment": true }),
        ),
        (
            "PUT",
            format!("{contract}/policy"),
            json!({ "policy": Preset::CityEgovExtranet.policy() }),
        ),
    ] {
        let answer = pm.send(&office, method, &path, &body);
        assert_eq!(
            (answer.status, answer.code()),
            (409, "conflict".into()),
            "{path}"
        );
        assert!(answer.body.contains("已于"), "{}", answer.body);
    }
    let import = pm.upload(
        &office,
        &format!("{contract}/import?format=csv"),
        SITES_CSV.as_bytes(),
    );
    assert_eq!(import.status, 409, "{}", import.body);
    assert_eq!(office.dump_tables(&TABLES), before);
    // Still readable.
    let detail: ContractDetail = parse(&cm.get(&office, &contract));
    assert_eq!(detail.contract.closed_at, closed.contract.closed_at);
}

fn refused_catalogue_requests_answer_4xx_and_write_nothing(backend: Backend) {
    let (office, pm, cm) = with_contract(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let contract = format!("{CONTRACTS}/{CODE}");
    // Another contract, the project manager's not: made by the administrator, with a site.
    let other = "QT-2026-02";
    let created = admin.send(&office, "POST", CONTRACTS, &police_contract(other));
    assert_eq!(created.status, 201, "{}", created.body);
    let other_site: SiteItem = parse(&admin.send(
        &office,
        "POST",
        &format!("{CONTRACTS}/{other}/sites"),
        &json!({ "code": "QT-1", "name": "他县点位", "kind": "office", "address": "他县", "lat": null, "lon": null }),
    ));
    let own_site: SiteItem = parse(&pm.send(
        &office,
        "POST",
        &format!("{contract}/sites"),
        &json!({ "code": "ZD-01", "name": "中队门口", "kind": "camera_pole", "address": "城关镇", "lat": null, "lon": null }),
    ));
    let site = json!({ "code": "ZD-02", "name": "新点位", "kind": "camera_pole", "address": "城关镇", "lat": null, "lon": null });
    let json_type = ("Content-Type", "application/json");
    let pm_write = vec![
        ("Cookie", pm.cookie.as_str()),
        ("X-Fieldlog-Csrf", pm.csrf.as_str()),
        json_type,
    ];
    let huge = json!({ "code": "ZD-03", "name": "长".repeat(30_000), "kind": "office", "address": "某处", "lat": null, "lon": null }).to_string();
    let bad_policy = {
        let mut policy = Preset::CountyPoliceVillageQuery.policy();
        policy.levels.b.resolution_min = 0;
        json!({ "policy": policy }).to_string()
    };
    let bad_rows = "点位编号,点位名称,点位类型,地址,纬度,经度,设备类型,设备型号,序列号
XQ-101,好点位,监控杆,某镇,,,摄像机,QX-200,
XQ-102,坏类型,灯塔,某镇,,,,,
,缺编号,监控杆,某镇,,,,,
XQ-104,坏纬度,监控杆,某镇,北纬,114,,,
";
    let sites = format!("{contract}/sites");
    let cases: Vec<Refusal<'_, Vec<u8>>> = vec![
        ("no session", "POST", sites.clone(), vec![json_type], site.to_string().into_bytes(), 401, "unauthorized"),
        ("no session, reading", "GET", contract.clone(), vec![], vec![], 401, "unauthorized"),
        (
            "no CSRF token",
            "POST",
            sites.clone(),
            vec![("Cookie", pm.cookie.as_str()), json_type],
            site.to_string().into_bytes(),
            403,
            "csrf",
        ),
        (
            "a forged CSRF token",
            "POST",
            sites.clone(),
            vec![("Cookie", pm.cookie.as_str()), ("X-Fieldlog-Csrf", "00ff00ff"), json_type],
            site.to_string().into_bytes(),
            403,
            "csrf",
        ),
        (
            "a customer manager writing",
            "POST",
            sites.clone(),
            vec![("Cookie", cm.cookie.as_str()), ("X-Fieldlog-Csrf", cm.csrf.as_str()), json_type],
            site.to_string().into_bytes(),
            403,
            "forbidden",
        ),
        (
            "a customer manager creating a contract",
            "POST",
            CONTRACTS.into(),
            vec![("Cookie", cm.cookie.as_str()), ("X-Fieldlog-Csrf", cm.csrf.as_str()), json_type],
            police_contract("CM-1").to_string().into_bytes(),
            403,
            "forbidden",
        ),
        (
            "another contract's code, reading",
            "GET",
            format!("{CONTRACTS}/{other}"),
            vec![("Cookie", pm.cookie.as_str())],
            vec![],
            404,
            "not_found",
        ),
        (
            "another contract's code, writing",
            "POST",
            format!("{CONTRACTS}/{other}/sites"),
            pm_write.clone(),
            site.to_string().into_bytes(),
            404,
            "not_found",
        ),
        (
            "another contract's site under this contract",
            "PUT",
            format!("{sites}/{}", other_site.id),
            pm_write.clone(),
            site.to_string().into_bytes(),
            404,
            "not_found",
        ),
        (
            "a device at another contract's site",
            "POST",
            format!("{contract}/devices"),
            pm_write.clone(),
            json!({ "site_id": other_site.id, "kind": "camera", "model": "QX-1", "serial": null }).to_string().into_bytes(),
            404,
            "not_found",
        ),
        (
            "a customer manager reading a contract not granted",
            "GET",
            format!("{CONTRACTS}/{other}/parts"),
            vec![("Cookie", cm.cookie.as_str())],
            vec![],
            404,
            "not_found",
        ),
        ("malformed JSON", "POST", sites.clone(), pm_write.clone(), b"{\"code\": ".to_vec(), 422, "invalid_input"),
        (
            "an unknown field",
            "POST",
            sites.clone(),
            pm_write.clone(),
            json!({ "code": "ZD-09", "name": "某", "kind": "office", "address": "某处", "lat": null, "lon": null, "contract_id": "x" }).to_string().into_bytes(),
            422,
            "invalid_input",
        ),
        (
            "not JSON",
            "POST",
            sites.clone(),
            vec![("Cookie", pm.cookie.as_str()), ("X-Fieldlog-Csrf", pm.csrf.as_str()), ("Content-Type", "text/plain")],
            site.to_string().into_bytes(),
            422,
            "invalid_input",
        ),
        ("a huge body", "POST", sites.clone(), pm_write.clone(), huge.into_bytes(), 413, "too_large"),
        (
            "a blank site name",
            "POST",
            sites.clone(),
            pm_write.clone(),
            json!({ "code": "ZD-05", "name": " ", "kind": "office", "address": "某处", "lat": null, "lon": null }).to_string().into_bytes(),
            422,
            "invalid_input",
        ),
        (
            "half a location",
            "PUT",
            format!("{sites}/{}", own_site.id),
            pm_write.clone(),
            json!({ "code": "ZD-01", "name": "中队门口", "kind": "camera_pole", "address": "城关镇", "lat": 30.0, "lon": null }).to_string().into_bytes(),
            422,
            "invalid_input",
        ),
        ("a zero limit in a policy", "PUT", format!("{contract}/policy"), pm_write.clone(), bad_policy.into_bytes(), 422, "invalid_input"),
        (
            "a service period ending before it starts",
            "POST",
            CONTRACTS.into(),
            pm_write.clone(),
            {
                let mut c = police_contract("NEW-1");
                c["service_end"] = json!("2025-01-01");
                c.to_string().into_bytes()
            },
            422,
            "invalid_input",
        ),
        (
            "a bad import file",
            "POST",
            format!("{contract}/import?format=csv"),
            pm_write.clone(),
            bad_rows.as_bytes().to_vec(),
            422,
            "invalid_input",
        ),
        (
            "a file that is no XLSX",
            "POST",
            format!("{contract}/import?format=xlsx"),
            pm_write.clone(),
            b"PK not really a zip".to_vec(),
            422,
            "invalid_input",
        ),
        (
            "an unknown format",
            "POST",
            format!("{contract}/import?format=pdf"),
            pm_write.clone(),
            SITES_CSV.as_bytes().to_vec(),
            422,
            "invalid_input",
        ),
        (
            "an import without CSRF",
            "POST",
            format!("{contract}/import?format=csv"),
            vec![("Cookie", pm.cookie.as_str())],
            SITES_CSV.as_bytes().to_vec(),
            403,
            "csrf",
        ),
        (
            "an import into another contract",
            "POST",
            format!("{CONTRACTS}/{other}/import?format=csv"),
            pm_write.clone(),
            SITES_CSV.as_bytes().to_vec(),
            404,
            "not_found",
        ),
        (
            "an import file over 8 MiB",
            "POST",
            format!("{contract}/import?format=csv"),
            pm_write.clone(),
            vec![b'x'; 8 * 1024 * 1024 + 1],
            413,
            "too_large",
        ),
    ];
    for (what, method, path, headers, body, status, code) in cases {
        let before = office.dump_tables(&TABLES);
        let answer = office.request_bytes(method, &path, &headers, &body);
        assert_eq!(
            (answer.status, answer.code()),
            (status, code.to_owned()),
            "{what}: {}",
            answer.body
        );
        assert_eq!(
            office.dump_tables(&TABLES),
            before,
            "{what} wrote something"
        );
        if what == "a bad import file" {
            let message = serde_json::from_str::<Value>(&answer.body).unwrap()["message"]
                .as_str()
                .unwrap()
                .to_owned();
            for row in [
                "第 3 行：点位类型“灯塔”无法识别",
                "第 4 行：缺少点位编号",
                "第 5 行：纬度“北纬”不是数字",
            ] {
                assert!(message.contains(row), "{message}");
            }
            assert!(!message.contains("第 2 行"), "{message}");
            // The same rows, one by one, for the console to list.
            let rows: Vec<ImportProblem> = serde_json::from_value(
                serde_json::from_str::<Value>(&answer.body).unwrap()["rows"].clone(),
            )
            .unwrap();
            let numbers: Vec<u32> = rows.iter().map(|p| p.row).collect();
            assert_eq!(numbers, [3, 4, 5], "{}", answer.body);
            assert!(rows[0].problem.contains("灯塔"), "{}", answer.body);
        }
    }
}

/// Sends only the head of an import declaring an 8 MiB body and a few bytes of it, and waits at
/// most 10 s for the answer's status line: a server that reads the body before checking the
/// session would wait for the rest.
fn status_before_body(office: &Office, path: &str, headers: &[(&str, &str)]) -> u16 {
    use std::io::{Read, Write};
    let addr = office.url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        8 * 1024 * 1024
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n点位编号,点位名称");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    while !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) => panic!("no answer before the body arrived ({e}) on {path}"),
        }
    }
    let raw = String::from_utf8_lossy(&raw);
    raw.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {raw:?}"))
}

fn an_import_is_refused_before_its_body_arrives(backend: Backend) {
    let (office, pm, cm) = with_contract(backend);
    let import = format!("{CONTRACTS}/{CODE}/import?format=csv");
    let before = office.dump_tables(&TABLES);
    assert_eq!(status_before_body(&office, &import, &[]), 401);
    assert_eq!(
        status_before_body(&office, &import, &[("Cookie", &pm.cookie)]),
        403
    );
    let cm_headers = [
        ("Cookie", cm.cookie.as_str()),
        ("X-Fieldlog-Csrf", &cm.csrf),
    ];
    assert_eq!(status_before_body(&office, &import, &cm_headers), 403);
    assert_eq!(office.dump_tables(&TABLES), before);
}

fn an_xlsx_with_a_cell_at_the_far_corner_is_refused_and_the_server_lives(backend: Backend) {
    let (office, pm, _) = with_contract(backend);
    let contract = format!("{CONTRACTS}/{CODE}");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in ["点位编号", "点位名称", "点位类型", "地址"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    // XFD1048576: a dense read of A1:XFD1048576 asks for 1.7e10 cells.
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bomb = book.save_to_buffer().unwrap();
    let before = office.dump_tables(&TABLES);
    let refused = pm.upload(&office, &format!("{contract}/import?format=xlsx"), &bomb);
    assert_eq!(
        (refused.status, refused.code()),
        (422, "invalid_input".into()),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("20000"), "{}", refused.body);
    assert_eq!(office.dump_tables(&TABLES), before);
    // The same cap for CSV.
    let mut csv = String::from("点位编号,点位名称,点位类型,地址\n");
    for i in 0..=20_000 {
        csv.push_str(&format!("Z-{i},某点,机房,某处\n"));
    }
    let refused = pm.upload(
        &office,
        &format!("{contract}/import?format=csv"),
        csv.as_bytes(),
    );
    assert_eq!(
        (refused.status, refused.code()),
        (422, "invalid_input".into())
    );
    assert!(refused.body.contains("20000"), "{}", refused.body);
    assert_eq!(office.dump_tables(&TABLES), before);
    // Still serving.
    let detail: ContractDetail = parse(&pm.get(&office, &contract));
    assert_eq!(detail.contract.code, CODE);
}

/// The office's routes take at most 64 KiB; the import route its own 8 MiB.
fn an_import_over_the_office_body_limit_succeeds(backend: Backend) {
    let (office, pm, _) = with_contract(backend);
    let mut csv = String::from("点位编号,点位名称,点位类型,地址\n");
    let street = "城关镇某某路某某号院内东侧".repeat(14);
    let mut rows = 0;
    while csv.len() < 1024 * 1024 {
        rows += 1;
        csv.push_str(&format!("BIG-{rows:05},第 {rows} 号点位,监控杆,{street}\n"));
    }
    assert!(rows > 1000, "{rows}");
    let answer = pm.upload(
        &office,
        &format!("{CONTRACTS}/{CODE}/import?format=csv"),
        csv.as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer: ImportAnswer = parse(&answer);
    assert_eq!((answer.rows, answer.sites_added), (rows, rows));
}
