//! The steps of the first console walk (issue 17), which later walks start from: the first
//! administrator adds a project manager with a grant, the manager creates the police contract
//! from its preset and imports its sites, adds two technicians and enrolls the first one's
//! laptop with a code read from the page.

use super::{Laptop, Walk, api_status};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

pub const ADMIN_LOGIN: &str = "zhao.admin";
pub const ADMIN_PASSWORD: &str = "测试管理员密码-2026-hb";
pub const MANAGER_LOGIN: &str = "qian.pm";
pub const MANAGER_NAME: &str = "钱晓燕";
pub const MANAGER_PASSWORD: &str = "项目经理的密码-2026";
/// The contract the command line makes before the walk (the grants step needs one to tick).
pub const CONTRACT: &str = "HB-POLICE-2026";
/// The police contract the manager creates in the console from its preset.
pub const POLICE: &str = "HB-XL-2027";
pub const POLICE_PRESET: &str = "county-police-village-query";
pub const SITES: usize = 30;
pub const TECHNICIAN: &str = "孙志强";
pub const LAPTOP: &str = "孙志强的笔记本";
/// The second technician on the police contract (no laptop).
pub const SECOND_TECHNICIAN: &str = "李卫东";

/// The walk up to where the catalogue and people pages take over: the first administrator
/// (from the command line) signs in, adds a project manager and grants her the contract, looks
/// at the audit log and signs out (the session is over: the back button shows the sign-in page
/// and the old cookie is refused); the manager signs in and sees her contract only.
pub fn accounts_walk(walk: &Walk) {
    let s = &walk.session;
    walk.open("/");
    walk.shot("01-sign-in");
    // A wrong password is refused with the server's message, in Chinese first.
    walk.session.type_into("input[name=login]", ADMIN_LOGIN);
    walk.session
        .type_into("input[name=password]", "not-the-password");
    s.click_on("[data-testid=sign-in-submit]");
    walk.wait_text("[data-testid=error]", "密码");
    walk.shot("02-sign-in-refused");

    walk.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD);
    // The board is the home page of every role (issue 18).
    walk.on_page("board");

    add_manager(
        walk,
        MANAGER_LOGIN,
        MANAGER_NAME,
        "project_manager",
        MANAGER_PASSWORD,
        CONTRACT,
    );
    walk.shot("04-accounts-grants");

    walk.nav("audit");
    walk.wait_text("[data-testid=audit]", "设置可见合同");
    walk.shot("05-audit");

    // English, then back to Chinese: the switch covers the console's own labels.
    s.click_on("[data-testid=language]");
    walk.wait_text("h1", "Audit log");
    walk.shot("06-audit-english");
    s.click_on("[data-testid=language]");
    walk.wait_text("h1", "审计日志");

    let session_cookie = walk.session_cookie();
    assert_eq!(
        api_status(&walk.server.url, "/office/v1/me", &session_cookie),
        200
    );
    walk.sign_out();
    walk.shot("07-signed-out");
    // The back button does not bring the administrator's pages back, and the old cookie is dead.
    s.back();
    walk.on_page("sign-in");
    assert_eq!(
        api_status(&walk.server.url, "/office/v1/me", &session_cookie),
        401
    );
    assert_eq!(
        api_status(&walk.server.url, "/office/v1/accounts", &session_cookie),
        401
    );

    walk.sign_in(MANAGER_LOGIN, MANAGER_PASSWORD);
    walk.on_page("board");
    assert!(s.find_all("[data-testid=nav-accounts]").is_empty());
    // An administrator's page typed into the address bar is not shown to her.
    walk.open("/console/accounts");
    walk.on_page("unknown");
    walk.shot("08-not-for-manager");
}

/// The administrator, on the accounts page, adds a manager (`role` as the server names it) and
/// grants her `contract` in the grants panel that opens for her.
pub fn add_manager(
    walk: &Walk,
    login: &str,
    name: &str,
    role: &str,
    password: &str,
    contract: &str,
) {
    let s = &walk.session;
    walk.nav("accounts");
    walk.wait_text("[data-testid=accounts]", ADMIN_LOGIN);
    s.type_into("input[name=new-login]", login);
    s.type_into("input[name=new-name]", name);
    walk.choose("select[name=new-role]", role);
    s.type_into("input[name=new-password]", password);
    s.click_on("[data-testid=add-account-submit]");
    walk.wait_text("[data-testid=accounts]", login);
    // Adding a manager opens her grants: tick the contract and save.
    s.find("[data-testid=grants-panel]");
    s.click_on(&format!("input[data-contract='{contract}']"));
    s.click_on("[data-testid=save-grants]");
    walk.wait_text("[data-testid=notice]", "可见合同已保存");
}

/// 30 camera poles, one camera each, as an XLSX the way a client's clerk sends them.
fn sites_xlsx(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "点位编号",
        "点位名称",
        "点位类型",
        "地址",
        "纬度",
        "经度",
        "设备类型",
        "设备型号",
        "序列号",
    ];
    for (col, name) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    for i in 1..=SITES {
        let row = i as u32;
        let cells = [
            format!("XL-{i:03}"),
            format!("测试村{i}号杆"),
            "监控杆".to_owned(),
            format!("测试县测试镇{i}村"),
        ];
        for (col, text) in cells.iter().enumerate() {
            sheet.write_string(row, col as u16, text).unwrap();
        }
        sheet.write_number(row, 4, 30.0 + i as f64 / 100.0).unwrap();
        sheet
            .write_number(row, 5, 114.0 + i as f64 / 100.0)
            .unwrap();
        sheet.write_string(row, 6, "摄像机").unwrap();
        sheet.write_string(row, 7, "测试球机 X1").unwrap();
        sheet.write_string(row, 8, format!("SN-XL-{i:03}")).unwrap();
    }
    book.save(path).unwrap();
}

/// The manager creates the police contract from its preset, imports its 30 sites (a bad file
/// first: refused, its bad rows listed, nothing written), edits a site, adds a device and a
/// spare part.
pub fn catalogue_walk(walk: &Walk, files: &Path) {
    let s = &walk.session;
    walk.nav("contracts");
    s.find("[data-testid=new-contract]");
    walk.shot("09-contracts-manager");
    walk.choose("select[name=preset]", POLICE_PRESET);
    s.type_into("input[name=code]", POLICE);
    s.type_into("input[name=name]", "测试县公安局村级视频查询运维（2027）");
    s.type_into("input[name=client]", "测试县公安局");
    walk.set_value("input[name=service-start]", "2027-01-01");
    walk.set_value("input[name=service-end]", "2027-12-31");
    walk.shot("10-new-contract-from-preset");
    s.click_on("[data-testid=create-contract]");
    walk.on_page("contract");
    walk.wait_text("h1", POLICE);
    walk.wait_text("[data-testid=policy]", "分钟");
    walk.shot("11-contract-detail");

    s.click_on("[data-testid=edit-policy]");
    s.type_into("input[name=feedback]", "30");
    walk.shot("12-policy-edit");
    s.click_on("[data-testid=save-policy]");
    walk.wait_text("[data-testid=notice]", "第 2 版");

    walk.nav("contracts");
    walk.wait_text("[data-testid=contracts]", POLICE);
    walk.shot("12b-contracts-list");
    s.click_on(&format!("tr[data-contract='{POLICE}']"));
    walk.on_page("contract");
    s.click_on("[data-testid=open-catalogue]");
    walk.on_page("catalogue");
    // A bad file first: one row of an unknown kind. Refused whole, the row named.
    let bad = files.join("bad-sites.csv");
    std::fs::write(
        &bad,
        "点位编号,点位名称,点位类型,地址\nXL-900,好的一行,监控杆,测试县\nXL-901,坏的一行,飞艇,测试县\n",
    )
    .unwrap();
    s.choose_file("input[name=import-file]", &bad);
    s.click_on("[data-testid=run-import]");
    walk.wait_text("[data-testid=import-refused]", "3");
    walk.wait_text("[data-testid=site-total]", "0");
    walk.shot("13-import-refused");

    let good = files.join("sites.xlsx");
    sites_xlsx(&good);
    s.choose_file("input[name=import-file]", &good);
    s.click_on("[data-testid=run-import]");
    walk.wait_text("[data-testid=import-done]", &SITES.to_string());
    walk.wait_text("[data-testid=site-total]", &SITES.to_string());
    let progress = s.find("[data-testid=import-progress]");
    assert_eq!(s.attribute(&progress, "value").as_deref(), Some("100"));
    walk.shot("14-imported");

    // Search, then a site edited and a device added to it.
    s.type_into("input[name=site-search]", "XL-007");
    walk.wait_text("[data-testid=site-total]", "1");
    s.click_on("tr[data-site='XL-007']");
    s.type_into("input[name=site-name]", "测试村7号杆（已迁移）");
    s.click_on("[data-testid=save-site]");
    walk.wait_text("[data-testid=sites]", "已迁移");
    s.click_on("[data-testid=add-device]");
    walk.choose("select[name=device-kind]", "power_unit");
    s.type_into("input[name=device-model]", "测试电源 12V");
    s.click_on("[data-testid=save-device]");
    walk.wait_text("[data-testid=devices]", "测试电源 12V");
    walk.shot("15-site-edited");

    s.click_on("[data-testid=tab-parts]");
    s.type_into("input[name=part-code]", "BJ-CAM-01");
    s.type_into("input[name=part-name]", "测试球机备品");
    walk.choose("select[name=part-kind]", "unit");
    s.type_into("input[name=part-model]", "测试球机 X1");
    s.click_on("input[name=part-main]");
    s.click_on("[data-testid=save-part]");
    walk.wait_text("[data-testid=parts]", "BJ-CAM-01");
    walk.shot("16-parts");
}

/// The manager adds two technicians on the police contract and an enrollment code for the first
/// (read from the page); a real laptop enrolls with it and receives the contract, its policy and
/// its 30 sites. Returns the laptop.
pub fn people_walk(walk: &Walk) -> Laptop {
    let s = &walk.session;
    walk.nav("technicians");
    for name in [TECHNICIAN, SECOND_TECHNICIAN] {
        s.type_into("input[name=technician-name]", name);
        let tick = format!("[data-testid=add-technician] input[data-contract='{POLICE}']");
        // The contracts' boxes come with the page's second request: wait for them.
        walk.wait_for(&tick, Duration::from_secs(15));
        let ticked = s.execute(
            "return document.querySelector(arguments[0]).checked;",
            json!([tick]),
        );
        if ticked != json!(true) {
            s.click_on(&tick);
        }
        s.click_on("[data-testid=add-technician-submit]");
        walk.wait_text("[data-testid=technicians]", name);
    }
    s.click_on(&format!(
        "tr[data-technician='{TECHNICIAN}'] [data-testid=issue-code]"
    ));
    let code = s.find("[data-testid=enrollment-code]");
    let code = s.text(&code).trim().to_owned();
    assert!(!code.is_empty(), "an enrollment code on the page");
    let server = walk
        .wait_text("[data-testid=enrollment-server]", "http://")
        .trim()
        .to_owned();
    assert_eq!(
        server, walk.server.url,
        "the code names the server's address"
    );
    let qr = s.find("[data-testid=enrollment-qr]");
    assert!(
        s.attribute(&qr, "src")
            .unwrap_or_default()
            .starts_with("data:image/svg+xml")
    );
    walk.shot("17-technicians-enrollment-code");

    let laptop = Laptop::new(TECHNICIAN);
    laptop.ok(&[
        "enroll",
        "--server",
        &server,
        "--code",
        &code,
        "--device-name",
        LAPTOP,
    ]);
    laptop.ok(&["sync"]);
    let held = laptop.holdings(POLICE);
    assert!(
        held["contracts"].to_string().contains(POLICE),
        "the laptop holds the contract: {}",
        held["contracts"]
    );
    let sites = held["sites"].as_array().expect("a list of sites");
    assert_eq!(sites.len(), SITES, "{}", held["sites"]);
    assert!(held["sites"].to_string().contains("测试村7号杆（已迁移）"));
    assert!(
        held["policy"].to_string().contains("\"feedback_min\":30"),
        "the policy's second version (feedback in 30 min): {}",
        held["policy"]
    );

    walk.nav("laptops");
    walk.wait_text("[data-testid=laptops]", LAPTOP);
    walk.shot("18-laptops-manager");
    assert!(
        s.find_all("[data-testid=revoke]").is_empty(),
        "only an administrator revokes"
    );
    laptop
}
