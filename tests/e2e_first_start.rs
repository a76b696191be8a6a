//! Issue 19, the first start, in the real app (tauri-driver + WebKitWebDriver, under Xvfb): an
//! EMPTY profile folder (no demo data) opens the first start. (a) The technician gives a name and
//! staff number and enrolls against a real server over HTTPS, the administrator's root
//! certificate chosen in the window's file input (a file that is not a certificate first: refused,
//! nothing typed lost); the first round brings the contract and its site, shown on Today and in
//! the catalogue. (b) Another empty profile works alone: a contract from a preset, its first site
//! added on the catalogue screen, Today usable.
//!
//! Screenshots land under `artifacts/e2e/first-start-*.png`.

use chrono::Utc;
use fieldlog_server::{RunningServer, SqliteStorage, admin};
use fieldlog_store::Store;
use fieldlog_system_tests::app::{lead_sets_up_contract, open_app, shot, wait_text};
use fieldlog_system_tests::webdriver::{Session, TauriDriver};
use std::path::Path;
use std::sync::Arc;

const CONTRACT: &str = "E2E-FS-01";

/// The value of an input, read from the page.
fn value_of(s: &Session, css: &str) -> String {
    s.execute(
        "return document.querySelector(arguments[0]).value;",
        serde_json::json!([css]),
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// A screenshot with `css` (an error under the form) scrolled into view.
fn shot_showing(s: &Session, css: &str, name: &str) {
    s.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
        serde_json::json!([css]),
    );
    shot(s, name);
}

/// The app on an empty profile folder: the database does not exist yet.
fn app_on_empty_profile(dir: &Path) -> (TauriDriver, std::path::PathBuf) {
    let db = dir.join("profile").join("profile.sqlite");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    assert!(!db.exists());
    // GPU compositing, as the other walks: WebKitWebDriver's screenshots hang on some screens
    // rendered in software.
    let driver = TauriDriver::start(&[
        ("FIELDLOG_DB", db.as_path()),
        ("FIELDLOG_GPU", Path::new("1")),
    ]);
    (driver, db)
}

/// Step 1 of the first start: the technician's name and staff number.
fn name_the_technician(s: &Session, shot_name: &str) {
    s.find("[data-testid=first-start]");
    s.find("[data-testid=form-first-who]");
    shot(s, shot_name);
    s.type_into(
        "[data-testid=first-start-who] [data-testid=field-name]",
        "测试林晓",
    );
    s.type_into(
        "[data-testid=first-start-who] [data-testid=field-staff-no]",
        "T-0019",
    );
    s.click_on("[data-testid=first-who-next]");
    wait_text(s, "[data-testid=first-start-technician]", "测试林晓");
    s.find("[data-testid=first-start-choice]");
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn an_empty_profile_enrolls_over_https_with_the_root_file_chosen_in_the_window() {
    let dir = tempfile::tempdir().unwrap();

    // The office: a server over HTTPS (its certificate from a throwaway CA), a technician with a
    // one-time code, and the contract set up by the lead's laptop, with a site.
    let ca = fieldlog_certs::Authority::generate(
        "测试用 TLS 根证书",
        Some("Fieldlog 测试"),
        Utc::now(),
        30,
    )
    .unwrap();
    let (cert, key) =
        fieldlog_certs::tls_server_identity(&ca, &["127.0.0.1".to_owned()], Utc::now(), 7).unwrap();
    let storage = Arc::new(SqliteStorage::open(dir.path().join("server.sqlite")).unwrap());
    admin::add_contract(&*storage, CONTRACT, "测试县雪亮工程运维").unwrap();
    let code_for = |name: &str| {
        let id = admin::add_technician(&*storage, name).unwrap();
        admin::assign(&*storage, &id, CONTRACT).unwrap();
        admin::enrollment_code(&*storage, &id, Utc::now()).unwrap()
    };
    let (code_lead, code_app) = (code_for("测试组长"), code_for("测试林晓"));
    let server =
        RunningServer::start_tls(storage.clone(), "127.0.0.1:0".parse().unwrap(), &cert, &key)
            .unwrap();
    assert!(server.url().starts_with("https://"), "{}", server.url());
    let root_pem = ca.certificate_pem();
    let mut lead = Store::open(dir.path().join("lead.sqlite")).unwrap();
    let now = Utc::now();
    lead.init_profile("测试组长", None, now).unwrap();
    fieldlog_sync::enroll_trusting(
        &mut lead,
        &server.url(),
        &code_lead,
        "组长的笔记本",
        Some(&root_pem),
        Default::default(),
    )
    .unwrap();
    let contract = lead_sets_up_contract(
        &mut lead,
        CONTRACT,
        "测试县雪亮工程运维",
        ("FS-01", "测试村村委会"),
        now,
    );
    lead.add_part(fieldlog_store::NewPart {
        contract_id: contract.id,
        code: "BJ-FS-01".into(),
        name: "网络摄像机".into(),
        kind: fieldlog_domain::stock::SpareKind::Unit,
        model: Some("IPC-T1".into()),
    })
    .unwrap();
    fieldlog_sync::sync_round(&mut lead, &Default::default()).unwrap();

    // The administrator's root as a DER file (.cer), and a file that is not a certificate.
    let root_file = dir.path().join("fieldlog-root.cer");
    std::fs::write(&root_file, ca.certificate_der()).unwrap();
    let not_a_certificate = dir.path().join("readme.txt");
    std::fs::write(&not_a_certificate, "这不是证书 (not a certificate)\n").unwrap();

    let (driver, db) = app_on_empty_profile(dir.path());
    let s = open_app(&driver);
    name_the_technician(&s, "first-start-01-who");
    shot(&s, "first-start-02-choice");

    s.click_on("[data-testid=choose-enroll]");
    s.type_into("[data-testid=field-server-url]", &server.url());
    s.type_into("[data-testid=field-code]", &code_app);
    s.type_into("[data-testid=field-device-name]", "测试林晓的笔记本");

    // A file that is not a certificate: refused by the core, clearly; nothing typed is lost.
    s.choose_file("[data-testid=field-root]", &not_a_certificate);
    wait_text(&s, "[data-testid=root-chosen]", "readme.txt");
    s.click_on("[data-testid=enroll]");
    wait_text(
        &s,
        "[data-testid=form-enroll] [data-testid=error]",
        "根证书文件无法读取",
    );
    assert_eq!(value_of(&s, "[data-testid=field-code]"), code_app);
    assert_eq!(value_of(&s, "[data-testid=field-server-url]"), server.url());
    assert!(Store::open(&db).unwrap().enrollment().unwrap().is_none());
    shot_showing(
        &s,
        "[data-testid=form-enroll] [data-testid=error]",
        "first-start-03-not-a-certificate",
    );

    // The real root file: enrolled over HTTPS, and the first round brings the contract and site.
    s.choose_file("[data-testid=field-root]", &root_file);
    wait_text(&s, "[data-testid=root-chosen]", "fieldlog-root.cer");
    s.click_on("[data-testid=enroll]");
    let result = wait_text(&s, "[data-testid=first-start-result]", "首次同步完成");
    assert!(
        result.contains("1 个合同、1 个点位、1 种备品备件"),
        "{result}"
    );
    shot(&s, "first-start-04-enrolled");
    {
        let store = Store::open(&db).unwrap();
        assert!(store.enrollment().unwrap().is_some());
        assert_eq!(
            store.server_tls_root_pem().unwrap().as_deref(),
            Some(root_pem.as_str()),
            "the profile keeps the root for later rounds"
        );
        assert_eq!(
            store.resolve_contract(CONTRACT).unwrap().client,
            "测试县公安局"
        );
    }

    // Today offers the contract's report; the catalogue shows the contract and its site.
    s.click_on("[data-testid=first-start-today]");
    wait_text(&s, "[data-testid=open-today-report]", "测试县雪亮工程运维");
    shot(&s, "first-start-05-today-enrolled");
    s.click_on("[data-testid=nav-catalogue]");
    wait_text(&s, "[data-testid=catalogue-contract]", CONTRACT);
    wait_text(&s, "[data-testid=catalogue-site]", "测试村村委会");
    shot(&s, "first-start-06-catalogue-enrolled");
    // Background sync runs on the kept root.
    s.click_on("[data-testid=nav-sync]");
    wait_text(&s, "[data-testid=sync-state]", "已同步");
    shot(&s, "first-start-07-sync-screen");
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn an_empty_profile_works_alone_from_a_preset_and_today_is_usable() {
    let dir = tempfile::tempdir().unwrap();
    let (driver, db) = app_on_empty_profile(dir.path());
    let s = open_app(&driver);
    name_the_technician(&s, "first-start-11-who");

    s.click_on("[data-testid=choose-alone]");
    s.find("[data-testid=form-alone]");
    s.select("[data-testid=field-preset]", "city-egov-extranet");
    s.type_into("[data-testid=field-contract-code]", "DZZW-2026-01");
    s.type_into(
        "[data-testid=field-contract-name]",
        "测试市电子政务外网运维",
    );
    // A refusal first (no client): the core names it, the form keeps what was typed.
    s.click_on("[data-testid=create-contract]");
    wait_text(&s, "[data-testid=form-alone] [data-testid=error]", "采购人");
    assert_eq!(
        value_of(&s, "[data-testid=field-contract-code]"),
        "DZZW-2026-01"
    );
    shot_showing(
        &s,
        "[data-testid=form-alone] [data-testid=error]",
        "first-start-12-alone-refused",
    );
    s.type_into("[data-testid=field-client]", "测试市大数据中心");
    shot(&s, "first-start-13-alone-form");
    s.click_on("[data-testid=create-contract]");
    wait_text(&s, "[data-testid=first-start-result]", "DZZW-2026-01");
    wait_text(&s, "[data-testid=first-start-alone-next]", "合同与点位");
    shot(&s, "first-start-14-alone-done");
    {
        let store = Store::open(&db).unwrap();
        let contract = store.resolve_contract("DZZW-2026-01").unwrap();
        let preset = fieldlog_domain::sla::Preset::CityEgovExtranet;
        assert_eq!(contract.policy, preset.policy());
        assert_eq!(contract.spare_floor, preset.spare_floor());
        assert!(store.enrollment().unwrap().is_none());
    }

    // Its first site, on the catalogue screen (an empty code first: refused, the rest kept).
    s.click_on("[data-testid=first-start-catalogue]");
    wait_text(&s, "[data-testid=catalogue-contract]", "DZZW-2026-01");
    s.click_on("[data-testid=add-site-open]");
    s.type_into("[data-testid=field-site-name]", "测试市政务中心机房");
    s.select("[data-testid=field-site-kind]", "machine_room");
    s.type_into("[data-testid=field-site-address]", "测试市测试路 1 号");
    s.click_on("[data-testid=add-site]");
    wait_text(
        &s,
        "[data-testid=form-add-site] [data-testid=error]",
        "点位编号",
    );
    assert_eq!(
        value_of(&s, "[data-testid=field-site-name]"),
        "测试市政务中心机房"
    );
    s.type_into("[data-testid=field-site-code]", "JF-01");
    s.click_on("[data-testid=add-site]");
    wait_text(&s, "[data-testid=catalogue-site]", "测试市政务中心机房");
    shot(&s, "first-start-15-catalogue-site-added");

    // Today is usable: the contract's daily report opens.
    s.click_on("[data-testid=nav-today]");
    wait_text(
        &s,
        "[data-testid=open-today-report]",
        "测试市电子政务外网运维",
    );
    shot(&s, "first-start-16-today-alone");
    s.click_on("[data-testid=open-today-report]");
    s.find("[data-testid=report-status]");
    shot(&s, "first-start-17-report-alone");
}
