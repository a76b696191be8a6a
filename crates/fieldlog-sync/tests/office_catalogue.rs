//! The office's catalogue reaches a real laptop (issue 17), on both backends: a project manager
//! signs in to the office API of a real server on a loopback port, creates the police contract
//! from its preset, imports its sites and devices from CSV and adds a spare part; a technician's
//! laptop (a real store file) enrolls with a real one-time code and syncs, and its store then shows
//! the contract, the policy (equal to the preset), the sites, the devices and the part. Then the
//! project manager edits the policy and a site, and both arrive at the next sync too.

mod support;

use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::Preset;
use fieldlog_domain::stock::SpareKind;
use fieldlog_server::office;
use fieldlog_wire::office::v1::{NewAccount, Role};
use serde_json::json;
use support::office::Console;
use support::{Backend, Laptop, Server, on_each_backend};

on_each_backend!(the_office_catalogue_reaches_an_enrolled_laptop);

const CODE: &str = "GA-2026-01";
const SITES_CSV: &str = "点位编号,点位名称,点位类型,地址,纬度,经度,设备类型,设备型号,序列号
XQ-001,城关派出所门口,监控杆,城关镇,30.1,114.2,摄像机,QX-200,SN-1
XQ-001,城关派出所门口,监控杆,城关镇,30.1,114.2,交换机,S-8,
XQ-002,河口村委会,监控杆,河口村,,,摄像机,QX-200,SN-2
";

fn the_office_catalogue_reaches_an_enrolled_laptop(backend: Backend) {
    let server = Server::start(backend);
    office::add_account_from_command_line(
        &*server.storage,
        &NewAccount {
            login: "pm.li".into(),
            name: "李经理".into(),
            role: Role::ProjectManager,
            password: "project-manager-pass".into(),
        },
        "command line:test",
        chrono::Utc::now(),
    )
    .unwrap();
    let pm = Console::sign_in(&server, "pm.li", "project-manager-pass");
    let preset = Preset::CountyPoliceVillageQuery;
    let contracts = "/office/v1/catalogue/contracts";
    pm.json(
        reqwest::Method::POST,
        contracts,
        json!({
            "code": CODE,
            "name": "测试县村级警务查询系统运维",
            "client": "测试县公安局",
            "service_start": "2026-01-01",
            "service_end": "2027-12-31",
            "spare_floor": preset.spare_floor(),
            "policy": preset.policy(),
        }),
    );
    let contract = format!("{contracts}/{CODE}");
    let imported = pm.send(
        reqwest::Method::POST,
        &format!("{contract}/import?format=csv"),
        SITES_CSV.into(),
    );
    assert_eq!(imported["sites_added"], 2);
    pm.json(
        reqwest::Method::POST,
        &format!("{contract}/parts"),
        json!({ "code": "BJ-01", "name": "摄像机", "kind": "unit", "model": "QX-200", "main_equipment": true }),
    );

    let code = server.technician("张工", &[CODE]);
    let mut laptop = Laptop::enrolled("张工", &server.url(), &code);
    laptop.sync();
    let store = &laptop.store;
    let got = store.resolve_contract(CODE).unwrap();
    assert_eq!(got.client, "测试县公安局");
    assert_eq!(got.policy_version, 1);
    assert_eq!(got.policy, preset.policy());
    assert_eq!(got.spare_floor, preset.spare_floor());
    let sites = store.sites(Some(got.id)).unwrap();
    assert_eq!(
        sites
            .iter()
            .map(|s| (s.code.as_str(), s.name.as_str(), s.kind))
            .collect::<Vec<_>>(),
        [
            ("XQ-001", "城关派出所门口", SiteKind::CameraPole),
            ("XQ-002", "河口村委会", SiteKind::CameraPole),
        ]
    );
    assert_eq!(
        sites[0].location.map(|l| (l.lat, l.lon)),
        Some((30.1, 114.2))
    );
    assert_eq!(store.devices(sites[0].id).unwrap().len(), 2);
    let serials: Vec<Option<String>> = store
        .devices(sites[1].id)
        .unwrap()
        .into_iter()
        .map(|d| d.serial)
        .collect();
    assert_eq!(serials, [Some("SN-2".to_owned())]);
    let parts = store.parts(got.id).unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(
        (
            parts[0].code.as_str(),
            parts[0].kind,
            parts[0].main_equipment
        ),
        ("BJ-01", SpareKind::Unit, true)
    );

    // The office edits the policy and a site: both arrive.
    let mut policy = preset.policy();
    policy.levels.a.arrival_min = 45;
    pm.json(
        reqwest::Method::PUT,
        &format!("{contract}/policy"),
        json!({ "policy": policy }),
    );
    pm.json(
        reqwest::Method::PUT,
        &format!("{contract}/sites/{}", sites[1].id),
        json!({ "code": "XQ-002", "name": "河口村委会（新址）", "kind": "camera_pole", "address": "河口村二组", "lat": null, "lon": null }),
    );
    laptop.sync();
    let store = &laptop.store;
    let got = store.resolve_contract(CODE).unwrap();
    assert_eq!(got.policy_version, 2);
    assert_eq!(got.policy, policy);
    assert_eq!(store.policy(got.id, 1).unwrap(), preset.policy());
    let site = &store.sites(Some(got.id)).unwrap()[1];
    assert_eq!(
        (site.name.as_str(), site.address.as_str()),
        ("河口村委会（新址）", "河口村二组")
    );
    // Nothing the laptop received goes back as its own change.
    assert_eq!(laptop.sync().pushed, 0);
}
