//! The real desktop app under a real WebDriver (tauri-driver + WebKitWebDriver, under Xvfb).
//! Needs a display and the drivers, so these are `#[ignore]`d in a plain `cargo test`;
//! `cargo xtask test` runs them inside `dbus-run-session -- xvfb-run`.
//!
//! Every screen is saved as a PNG under `artifacts/e2e/` for a person to look at.

use fieldlog_domain::report::ReportStatus;
use fieldlog_domain::signature::SignedSubject;
use fieldlog_store::Store;
use fieldlog_system_tests::app::{
    SharedContract, WAIT, open_app, seeded_db, shared_contract, shot, wait_gone, wait_text,
};
use fieldlog_system_tests::webdriver::{Session, TauriDriver, app_binary};
use std::path::Path;
use std::time::Duration;

/// A technician's day in the real app: open a fault, check in, resolve it, fill today's report with
/// two entries and a part, sign it, have the customer sign the completion form; a signed report
/// offers no way to edit it; then restart the app and find everything; English changes the labels.
#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn a_technicians_day_in_the_real_app() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let (fault_id, site_id, site_code, contract_id, force_majeure_rule) = {
        let store = Store::open(&db).unwrap();
        let fault = store
            .open_fault_rows(chrono::Utc::now())
            .unwrap()
            .into_iter()
            .find(|f| f.status == fieldlog_domain::fault::FaultStatus::Reported)
            .expect("the demo has a fault nobody responded to yet");
        let contract = store.contract(fault.contract_id).unwrap();
        (
            fault.id.to_string(),
            fault.site_id.to_string(),
            fault.site_code.clone(),
            fault.contract_id.to_string(),
            contract.policy.has_force_majeure(),
        )
    };
    // WebKit's default (GPU-composited) rendering here: WebKitWebDriver's screenshot hangs on some
    // screens when the app renders in software, its default on Linux. The crash test below and the
    // start-up benchmark drive the software default.
    let gpu = Path::new("1");
    let exports = dir.path().join("exports");
    let driver = TauriDriver::start(&[
        ("FIELDLOG_DB", db.as_path()),
        ("FIELDLOG_GPU", gpu),
        ("FIELDLOG_EXPORT_DIR", exports.as_path()),
    ]);
    {
        let s = open_app(&driver);
        shot(&s, "01-today");

        // Open the fault from Today.
        s.click_on(&format!(
            "[data-testid=fault-row][data-fault-id='{fault_id}']"
        ));
        s.find("[data-testid=action-checkin]");
        assert!(
            !s.find_all("[data-testid=clock]").is_empty(),
            "the fault shows its clocks"
        );
        shot(&s, "02-fault");

        // One-click check-in; this machine has no location, so the site is confirmed by hand.
        s.click_on("[data-testid=action-checkin]");
        s.click_on("[data-testid=confirm-site]");
        wait_text(&s, "[data-testid=event-row]", "到达现场");
        s.click_on("[data-testid=action-resolve]");
        s.type_into("[data-testid=field-note]", "更换电源适配器，画面恢复");
        s.click_on("[data-testid=submit]");
        s.find("[data-testid=open-completion]");
        shot(&s, "03-fault-resolved");

        // Force majeure (issue 15): claimed with whom the client was told, then the client's
        // answer; a contract without the rule (e-government) refuses the claim and says so.
        s.click_on("[data-testid=action-claim]");
        s.select("[data-testid=field-cause]", "vehicle_hit");
        s.type_into("[data-testid=field-told]", "采购人代表甲");
        s.click_on("[data-testid=submit]");
        if force_majeure_rule {
            wait_text(&s, "[data-testid=event-row]", "申报不可抗拒因素");
            s.click_on("[data-testid=action-agreement]");
            s.select("[data-testid=field-accepted]", "yes");
            s.type_into("[data-testid=field-by]", "采购人代表甲");
            s.click_on("[data-testid=submit]");
            wait_text(&s, "[data-testid=event-row]", "已认可");
        } else {
            wait_text(&s, "[data-testid=error]", "不可抗拒因素");
        }
        shot(&s, "03b-fault-force-majeure");

        // Today's report: two entries, one with a part.
        s.click_on("[data-testid=nav-today]");
        s.click_on(&format!(
            "[data-testid=open-today-report][data-contract-id='{contract_id}']"
        ));
        s.find("[data-testid=field-fault-cause]");
        s.select("[data-testid=field-site]", &site_id);
        s.select("[data-testid=field-fault]", &fault_id);
        s.type_into("[data-testid=field-fault-cause]", "电源适配器烧毁");
        s.type_into("[data-testid=field-work-done]", "更换电源适配器，画面恢复");
        s.click_on("[data-testid=add-part]");
        let adapter = {
            let store = Store::open(&db).unwrap();
            store.resolve_part("BJ-PWR-12V").unwrap().id.to_string()
        };
        s.select("[data-testid=part-0-part]", &adapter);
        s.type_into("[data-testid=part-0-qty]", "1");
        s.type_into("[data-testid=part-0-old]", "OLD-E2E-1");
        s.type_into("[data-testid=part-0-new]", "NEW-E2E-1");
        s.click_on("[data-testid=submit]");
        s.wait_for("[data-testid=entry-row]", WAIT, |rows| rows.len() == 1);
        s.select("[data-testid=field-site]", &site_id);
        s.type_into("[data-testid=field-fault-cause]", "镜头起雾");
        s.type_into("[data-testid=field-work-done]", "清洁镜头，更换防水接头");
        s.click_on("[data-testid=submit]");
        s.wait_for("[data-testid=entry-row]", WAIT, |rows| rows.len() == 2);
        shot(&s, "04-report-draft");

        // The technician signs; the report locks and offers no way to edit it.
        s.click_on("[data-testid=sign-report]");
        s.draw_on("[data-testid=signature-pad][data-role=technician]");
        s.click_on("[data-testid=signature-confirm]");
        wait_text(&s, "[data-testid=report-status]", "已签字");
        for control in [
            "field-fault-cause",
            "field-work-done",
            "submit",
            "sign-report",
        ] {
            assert!(
                s.find_all(&format!("[data-testid={control}]")).is_empty(),
                "a signed report shows {control}"
            );
        }
        s.find("[data-testid=amend-report]");
        s.find("[data-testid=signature-ink]");
        shot(&s, "05-report-signed");

        // Export the signed report from the app: a PAdES-signed PDF lands in the export folder.
        s.click_on("[data-testid=export-pdf]");
        wait_text(&s, "[data-testid=export-path]", ".pdf");
        let saved: Vec<_> = std::fs::read_dir(&exports)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(saved.len(), 1, "{saved:?}");
        let verification = fieldlog_export::verify_pdf(&std::fs::read(&saved[0]).unwrap()).unwrap();
        assert!(verification.intact && verification.covers_whole_file);
        assert_eq!(verification.signer, "林晓东");
        shot(&s, "05b-report-exported");

        // The customer signs the completion form on the technician's screen.
        s.execute(
            "window.location.hash = arguments[0]",
            serde_json::json!([format!("#/faults/{fault_id}")]),
        );
        s.click_on("[data-testid=open-completion]");
        s.type_into("[data-testid=field-customer-name]", "用户代表甲");
        s.draw_on("[data-testid=signature-pad][data-role=technician]");
        s.draw_on("[data-testid=signature-pad][data-role=customer]");
        // Each pad is confirmed on its own (确认), then both are submitted together.
        for confirm in s.find_all("[data-testid=signature-confirm]") {
            s.click(&confirm);
        }
        s.click_on("[data-testid=sign-completion]");
        wait_text(&s, "[data-testid=page-title]", "完工确认单");
        wait_gone(&s, "[data-testid=sign-completion]");
        shot(&s, "06-completion-signed");

        s.click_on("[data-testid=nav-stock]");
        s.wait_for("[data-testid=part-row]", WAIT, |rows| !rows.is_empty());
        shot(&s, "07-stock");
        s.click_on("[data-testid=nav-reports]");
        shot(&s, "08-reports");

        // The monthly summary: this month (Shanghai) by default, the core's figures, and a figure
        // opens the faults behind it, each leading to its fault screen.
        s.click_on("[data-testid=nav-summary]");
        s.select("[data-testid=field-contract]", &contract_id);
        let month = fieldlog_domain::time::local_date(chrono::Utc::now())
            .format("%Y-%m")
            .to_string();
        let shown_month = s.execute(
            "return document.querySelector('[data-testid=field-month]').value",
            serde_json::json!([]),
        );
        assert_eq!(shown_month.as_str(), Some(month.as_str()));
        let figures = format!("[data-testid=summary-figures][data-contract-id='{contract_id}']");
        s.find(&figures);
        let expected = {
            let store = Store::open(&db).unwrap();
            fieldlog_store::desk::summary(
                &store,
                contract_id.parse().unwrap(),
                &month,
                chrono::Utc::now(),
            )
            .unwrap()
        };
        let reported = &expected.summary.figures.reported;
        assert!(reported.count > 0, "the demo reports faults this month");
        let value = s.find(&format!(
            "{figures} [data-testid=figure-reported] [data-testid=figure-value]"
        ));
        assert_eq!(s.text(&value).trim(), reported.count.to_string());
        shot(&s, "08b-summary");
        s.click_on("[data-testid=figure-reported]");
        s.wait_for("[data-testid=drill-fault]", WAIT, |rows| {
            rows.len() == reported.count as usize
        });
        let mut listed: Vec<String> = s
            .find_all("[data-testid=drill-fault]")
            .iter()
            .filter_map(|row| s.attribute(row, "data-fault-id"))
            .collect();
        listed.sort();
        let mut behind: Vec<String> = reported.fault_ids.iter().map(|id| id.to_string()).collect();
        behind.sort();
        assert_eq!(
            listed, behind,
            "the drill-down lists the faults behind the figure"
        );
        shot(&s, "08c-summary-drill");
        for (row, name) in [
            ("compliance-row", "08d-summary-clocks"),
            ("technician-row", "08e-summary-technicians"),
        ] {
            s.execute(
                "document.querySelector(`[data-testid=${arguments[0]}]`).scrollIntoView()",
                serde_json::json!([row]),
            );
            shot(&s, name);
        }
        // Force majeure by the client's answer, and the month's substitutions (issue 15): one row
        // per case and per substitution the core lists.
        for (row, count, name) in [
            (
                "force-majeure-case",
                expected.summary.force_majeure_cases.len(),
                "08f-summary-force-majeure",
            ),
            (
                "substitution",
                expected.summary.substitutions.len(),
                "08g-summary-substitutions",
            ),
        ] {
            let rows = s.find_all(&format!("[data-testid={row}]"));
            assert_eq!(rows.len(), count, "{row} rows");
            if count > 0 {
                s.execute(
                    "document.querySelector(`[data-testid=${arguments[0]}]`).scrollIntoView()",
                    serde_json::json!([row]),
                );
                shot(&s, name);
            }
        }
        let first = expected
            .faults
            .iter()
            .find(|f| f.id == reported.fault_ids[0])
            .unwrap();
        s.click_on(&format!(
            "[data-testid=drill-fault][data-fault-id='{}'] [data-testid=drill-fault-link]",
            first.id
        ));
        wait_text(&s, "[data-testid=page-title]", &first.site_name);
        s.click_on("[data-testid=nav-summary]");
        s.select("[data-testid=field-contract]", &contract_id);
        // The chosen contract's summary is on screen (not the first contract's, about to be
        // replaced and moving the button) before its export is asked for.
        s.find(&figures);
        s.click_on("[data-testid=export-xlsx]");
        wait_text(&s, "[data-testid=export-path]", ".xlsx");

        // 合同与点位: the demo's two contracts with their policies, sites, devices and parts; the
        // search box narrows the sites.
        s.click_on("[data-testid=nav-catalogue]");
        s.wait_for("[data-testid=catalogue-contract]", WAIT, |c| c.len() == 2);
        let limits = wait_text(&s, "[data-testid=policy-limits]", "特大故障");
        assert!(limits.contains("到场"), "{limits}");
        assert!(!s.find_all("[data-testid=catalogue-device]").is_empty());
        assert!(!s.find_all("[data-testid=catalogue-part]").is_empty());
        shot(&s, "08c-catalogue");
        let all_sites = s.find_all("[data-testid=catalogue-site]").len();
        s.type_into("[data-testid=catalogue-search]", &site_code);
        s.wait_for("[data-testid=catalogue-site]", WAIT, |rows| {
            !rows.is_empty() && rows.len() < all_sites
        });
        wait_text(&s, "[data-testid=catalogue-site]", &site_code);
        shot(&s, "08d-catalogue-search");

        s.click_on("[data-testid=nav-settings]");
        s.find("[data-testid=field-language]");
        shot(&s, "09-settings");
        // The contract policies panel: taking the corrected preset answers the version that new
        // faults are opened under (the demo's contracts already hold it: nothing new is written).
        s.wait_for("[data-testid=contract-policy]", WAIT, |rows| {
            !rows.is_empty()
        });
        s.click_on("[data-testid=adopt-preset]");
        let adopted = s.find("[data-testid=adopted]");
        assert!(!s.text(&adopted).trim().is_empty());
        s.execute(
            "document.querySelector('[data-testid=contract-policies]').scrollIntoView()",
            serde_json::json!([]),
        );
        shot(&s, "09b-contract-policies");

        // English: the labels change.
        let nav_zh = s.text(&s.find("[data-testid=nav-today]"));
        s.select("[data-testid=field-language]", "en");
        wait_text(&s, "[data-testid=nav-today]", "Today");
        assert_ne!(s.text(&s.find("[data-testid=nav-today]")), nav_zh);
        shot(&s, "10-settings-en");
    }

    // The app is closed (session dropped). Everything is in the database...
    {
        let store = Store::open(&db).unwrap();
        let report = store
            .report_rows(&Default::default())
            .unwrap()
            .into_iter()
            .find(|r| {
                r.contract_id.to_string() == contract_id
                    && r.work_date == fieldlog_domain::time::local_date(chrono::Utc::now())
                    && r.amends.is_none()
                    && r.technician_name == "林晓东"
            })
            .unwrap();
        let doc = store.report_document(report.id).unwrap();
        assert_eq!(doc.report.status, ReportStatus::Signed);
        assert_eq!(doc.entries.len(), 2);
        assert_eq!(
            doc.entries[0].parts[0].old_serial.as_deref(),
            Some("OLD-E2E-1")
        );
        assert_eq!(doc.content_intact, Some(true));
        let form = store
            .completion(fault_id.parse().unwrap(), chrono::Utc::now())
            .unwrap();
        assert!(form.signed);
        assert!(
            form.signatures
                .iter()
                .all(|sig| sig.subject == SignedSubject::CompletionForm)
        );
        assert_eq!(store.settings().unwrap().language, "en");
    }

    // ... and the restarted app shows it, in the language chosen.
    let s = open_app(&driver);
    wait_text(&s, "[data-testid=nav-today]", "Today");
    s.click_on("[data-testid=nav-reports]");
    s.wait_for("[data-testid=report-row]", WAIT, |rows| !rows.is_empty());
    s.execute(
        "window.location.hash = arguments[0]",
        serde_json::json!([format!("#/faults/{fault_id}")]),
    );
    wait_text(&s, "[data-testid=event-row]", "");
    s.click_on("[data-testid=open-completion]");
    s.find("[data-testid=completion-signed]");
    wait_gone(&s, "[data-testid=sign-completion]");
    shot(&s, "11-after-restart");
}

/// What a technician types into a report survives a crash: the app is killed with SIGKILL a
/// second after the typing stops, and the restarted app shows the form as it was.
#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn typing_survives_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let contract_id = {
        let store = Store::open(&db).unwrap();
        store
            .resolve_contract("county-police-village-query")
            .unwrap()
            .id
            .to_string()
    };
    let driver = TauriDriver::start(&[("FIELDLOG_DB", db.as_path())]);
    let cause = "箱体进水导致电源短路，已断电排水";
    {
        let s = open_app(&driver);
        s.click_on(&format!(
            "[data-testid=open-today-report][data-contract-id='{contract_id}']"
        ));
        s.type_into("[data-testid=field-fault-cause]", cause);
        s.type_into("[data-testid=field-work-done]", "更换电源适配器");
        std::thread::sleep(Duration::from_millis(1000));
        assert!(driver.kill_app(&app_binary()) >= 1, "the app was running");
        // The session's app is gone; dropping the session only cleans up the driver's side.
    }
    let s = open_app(&driver);
    s.click_on(&format!(
        "[data-testid=open-today-report][data-contract-id='{contract_id}']"
    ));
    s.find("[data-testid=field-fault-cause]");
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let value = s.execute(
            "return document.querySelector('[data-testid=field-fault-cause]').value",
            serde_json::json!([]),
        );
        if value.as_str() == Some(cause) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the typed cause was lost: {value}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    shot(&s, "12-draft-after-crash");
}

/// The site's name as a laptop's database holds it.
fn site_name(store: &Store) -> String {
    store
        .connection()
        .query_row("SELECT name FROM sites WHERE code = 'E2E-01'", [], |r| {
            r.get(0)
        })
        .unwrap()
}

/// Sync in the real app against a real server on a loopback port: the technician enrolls from the
/// app with a one-time code, the app syncs in the background and shows the time of the last good
/// sync; another laptop renames a site the app's technician renamed too, the app shows the
/// conflict side by side, the technician keeps their name, and the other laptop receives it.
#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn the_app_syncs_in_the_background_and_a_conflict_is_settled_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now();
    let code = "E2E-2026-01";
    // The other laptop has set the contract up and sent it.
    let SharedContract {
        storage,
        server,
        mut other,
        code_app,
        ..
    } = shared_contract(dir.path(), code, now);
    let sync_other = |other: &mut Store| {
        fieldlog_sync::sync_round(other, &Default::default()).unwrap();
    };

    // The app's profile: a technician, not enrolled yet.
    let db = dir.path().join("profile.sqlite");
    Store::open(&db)
        .unwrap()
        .init_profile("林晓东", Some("T-0042"), now)
        .unwrap();
    let gpu = Path::new("1");
    let driver = TauriDriver::start(&[("FIELDLOG_DB", db.as_path()), ("FIELDLOG_GPU", gpu)]);
    let s = open_app(&driver);
    wait_text(&s, "[data-testid=sync-state]", "未注册同步");

    // Enroll from the app; background sync starts by itself and receives the contract.
    s.click_on("[data-testid=nav-sync]");
    s.type_into("[data-testid=field-server-url]", &server.url());
    s.type_into("[data-testid=field-code]", &code_app);
    s.click_on("[data-testid=enroll]");
    wait_text(&s, "[data-testid=enrolled]", "林晓东");
    wait_text(&s, "[data-testid=sync-state]", "已同步");
    let last_good = wait_text(&s, "[data-testid=sync-last-good]", "上次成功同步");
    let stored = Store::open(&db).unwrap().sync_status().unwrap();
    let at = stored
        .last_good_sync_at
        .expect("the last good sync is kept in the profile");
    assert!(
        last_good.contains(&fieldlog_domain::time::format_local(at)[..16]),
        "{last_good} shows {at}"
    );
    assert_eq!(site_name(&Store::open(&db).unwrap()), "测试村村口");
    shot(&s, "13-sync-enrolled");

    // 合同与点位 shows the catalogue that arrived: the contract, its policy, its site.
    s.click_on("[data-testid=nav-catalogue]");
    let received = wait_text(&s, "[data-testid=catalogue-contract]", code);
    assert!(received.contains("测试县公安局"), "{received}");
    wait_text(&s, "[data-testid=policy-version]", "第 1 版");
    wait_text(&s, "[data-testid=catalogue-site]", "测试村村口");
    shot(&s, "13b-catalogue-synced");
    s.click_on("[data-testid=nav-sync]");

    // Both rename the site: the other laptop first, then this one (a local change the
    // background worker picks up by itself).
    other
        .connection()
        .execute(
            "UPDATE sites SET name = '周改的点位名' WHERE code = 'E2E-01'",
            [],
        )
        .unwrap();
    sync_other(&mut other);
    Store::open(&db)
        .unwrap()
        .connection()
        .execute(
            "UPDATE sites SET name = '林改的点位名' WHERE code = 'E2E-01'",
            [],
        )
        .unwrap();
    wait_text(&s, "[data-testid=sync-conflicts]", "1 个冲突待处理");
    let conflict = "[data-testid=conflict][data-kind=settle]";
    s.find(conflict);
    wait_text(&s, "[data-testid=conflict-field]", "周改的点位名");
    wait_text(&s, "[data-testid=conflict-field]", "林改的点位名");
    shot(&s, "14-sync-conflict");

    // The technician keeps their own name; it goes up and the other laptop receives it.
    s.click_on("[data-testid=pick-ours]");
    s.click_on("[data-testid=settle]");
    s.find("[data-testid=no-conflicts]");
    wait_gone(&s, "[data-testid=sync-conflicts]");
    wait_text(&s, "[data-testid=sync-pending]", "没有待上传的更改");
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        sync_other(&mut other);
        if site_name(&other) == "林改的点位名" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the settled name never reached the other laptop"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(site_name(&Store::open(&db).unwrap()), "林改的点位名");
    shot(&s, "15-sync-settled");

    // Two check-ins, the second on a clock that ran back: the month's summary flags it.
    {
        let mut app = Store::open(&db).unwrap();
        let me = app.profile().unwrap().unwrap();
        let site = app.sites(None).unwrap()[0].id;
        let now = chrono::Utc::now();
        for at in [now, now - chrono::TimeDelta::minutes(10)] {
            app.record_arrival(
                fieldlog_domain::arrival::NewArrival {
                    technician_id: me.id,
                    site_id: site,
                    fault_id: None,
                    arrived_at: at,
                    location: None,
                    site_confirmed_by_hand: true,
                },
                at,
            )
            .unwrap();
        }
    }
    s.click_on("[data-testid=nav-summary]");
    let flagged = wait_text(&s, "[data-testid=clock-suspect-arrival]", "林晓东");
    assert!(flagged.contains("本机时钟倒退"), "{flagged}");
    s.execute(
        "document.querySelector('[data-testid=clock-suspect]').scrollIntoView()",
        serde_json::json!([]),
    );
    shot(&s, "16-summary-clock-suspect");

    // The office revokes this laptop: the next round is refused, the app says so in Chinese and
    // stops; nothing on the laptop is lost. (First the arrivals above have gone up, so the
    // round refused is the one asked for here.)
    wait_text(&s, "[data-testid=sync-pending]", "没有待上传的更改");
    let device = Store::open(&db).unwrap().enrollment().unwrap().unwrap();
    fieldlog_server::revocation::revoke_device(
        &*storage,
        &device.device_id,
        "办公室管理员",
        "笔记本遗失",
        chrono::Utc::now(),
    )
    .unwrap();
    let before = Store::open(&db)
        .unwrap()
        .sync_status()
        .unwrap()
        .pending_changes;
    s.click_on("[data-testid=nav-sync]");
    s.click_on("[data-testid=sync-screen-now]");
    wait_text(&s, "[data-testid=sync-state]", "本机已被停用");
    let said = wait_text(&s, "[data-testid=sync-revoked]", "停用");
    assert!(
        said.contains("没有丢失或删除") && said.contains("注册码"),
        "{said}"
    );
    assert!(
        s.find_all("[data-testid=sync-now]").is_empty(),
        "no sync-now while revoked"
    );
    assert_eq!(
        Store::open(&db)
            .unwrap()
            .sync_status()
            .unwrap()
            .pending_changes,
        before
    );
    shot(&s, "17-sync-revoked");
}

/// What the screen shows outside user data (`[data-user]`: names, descriptions, notes a person
/// typed) that contains a Han character: text, placeholders, titles and the window title. Text
/// marked as Chinese on purpose (`lang="zh-CN"`: the language picker's "简体中文") is skipped too.
const HAN_OUTSIDE_USER_DATA: &str = r#"
const han = /\p{Script=Han}/u;
const found = [];
if (han.test(document.title)) found.push('title: ' + document.title);
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  const el = node.parentElement;
  if (!el || el.closest('[data-user]') || el.closest('[lang^=zh]') || el.closest('script,style')) continue;
  if (han.test(node.textContent)) found.push(el.tagName + ': ' + node.textContent.trim().slice(0, 120));
}
for (const el of document.querySelectorAll('[placeholder],[title],[aria-label]')) {
  if (el.closest('[data-user]') || el.closest('[lang^=zh]')) continue;
  for (const name of ['placeholder', 'title', 'aria-label']) {
    const value = el.getAttribute(name);
    if (value && han.test(value)) found.push(el.tagName + '[' + name + ']: ' + value);
  }
}
return found;
"#;

/// The Chinese left on the screen outside user data, as `screen: what` lines.
fn chinese_on_screen(s: &Session, screen: &str) -> Vec<String> {
    // Let the screen's data arrive and render.
    std::thread::sleep(Duration::from_millis(500));
    let found = s.execute(HAN_OUTSIDE_USER_DATA, serde_json::json!([]));
    let found: Vec<String> = serde_json::from_value(found).unwrap();
    if !found.is_empty() {
        shot(s, &format!("en-{screen}"));
    }
    found
        .into_iter()
        .map(|f| format!("{screen}: {f}"))
        .collect()
}

/// The app in English (issue 16): on every screen the technician's-day test visits, no Han
/// character is shown outside data a person typed (the demo's names and notes are Chinese).
#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn in_english_no_chinese_is_shown_outside_user_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    let (fault_id, open_fault_id, contract_id, report_id) = {
        let mut store = Store::open(&db).unwrap();
        let mut settings = store.settings().unwrap();
        settings.language = "en".into();
        store.save_settings(&settings).unwrap();
        let rows = store.fault_rows(chrono::Utc::now()).unwrap();
        let fault = rows
            .iter()
            .find(|f| f.status == fieldlog_domain::fault::FaultStatus::Resolved)
            .expect("the demo has a resolved fault");
        let open = rows
            .iter()
            .find(|f| f.status == fieldlog_domain::fault::FaultStatus::Reported)
            .expect("the demo has a fault nobody responded to yet");
        let report = store
            .report_rows(&Default::default())
            .unwrap()
            .into_iter()
            .find(|r| r.status == ReportStatus::Signed)
            .expect("the demo has a signed report");
        (
            fault.id.to_string(),
            open.id.to_string(),
            fault.contract_id.to_string(),
            report.id.to_string(),
        )
    };
    let driver = TauriDriver::start(&[
        ("FIELDLOG_DB", db.as_path()),
        ("FIELDLOG_GPU", Path::new("1")),
    ]);
    let s = open_app(&driver);
    wait_text(&s, "[data-testid=nav-today]", "Today");
    let mut chinese = chinese_on_screen(&s, "today");

    s.click_on("[data-testid=nav-faults]");
    s.wait_for("[data-testid=fault-row]", WAIT, |rows| !rows.is_empty());
    chinese.extend(chinese_on_screen(&s, "faults"));

    s.execute(
        "window.location.hash = arguments[0]",
        serde_json::json!([format!("#/faults/{fault_id}")]),
    );
    s.wait_for("[data-testid=event-row]", WAIT, |rows| !rows.is_empty());
    chinese.extend(chinese_on_screen(&s, "fault-detail"));

    s.click_on("[data-testid=open-completion]");
    s.find("[data-testid=page-title]");
    chinese.extend(chinese_on_screen(&s, "completion"));

    // An open fault, and each of its action forms (the day's test fills them in).
    s.execute(
        "window.location.hash = arguments[0]",
        serde_json::json!([format!("#/faults/{open_fault_id}")]),
    );
    s.find("[data-testid=action-checkin]");
    chinese.extend(chinese_on_screen(&s, "open-fault"));
    let actions: Vec<String> = s
        .find_all("button[data-testid^=action-]")
        .iter()
        .filter_map(|b| s.attribute(b, "data-testid"))
        .collect();
    assert!(
        actions.len() > 3,
        "the open fault offers its actions: {actions:?}"
    );
    for action in actions {
        s.click_on(&format!("[data-testid={action}]"));
        chinese.extend(chinese_on_screen(&s, &format!("open-fault-{action}")));
    }

    s.click_on("[data-testid=nav-reports]");
    s.wait_for("[data-testid=report-row]", WAIT, |rows| !rows.is_empty());
    chinese.extend(chinese_on_screen(&s, "reports"));

    s.execute(
        "window.location.hash = arguments[0]",
        serde_json::json!([format!("#/report/{report_id}")]),
    );
    s.find("[data-testid=report-status]");
    chinese.extend(chinese_on_screen(&s, "report"));

    s.click_on("[data-testid=amend-report]");
    s.find("[data-testid=form-amend]");
    chinese.extend(chinese_on_screen(&s, "report-amend"));
    // A refusal from the core (no reason given) is said in English too.
    s.click_on("[data-testid=form-amend] [data-testid=submit]");
    let refusal = wait_text(&s, "[data-testid=error]", "");
    assert!(!refusal.trim().is_empty());
    chinese.extend(chinese_on_screen(&s, "report-amend-refused"));

    // Today's report, a draft with its entry form.
    s.click_on("[data-testid=nav-today]");
    s.click_on("[data-testid=open-today-report]");
    s.find("[data-testid=field-fault-cause]");
    chinese.extend(chinese_on_screen(&s, "report-draft"));

    s.click_on("[data-testid=nav-stock]");
    s.wait_for("[data-testid=part-row]", WAIT, |rows| !rows.is_empty());
    chinese.extend(chinese_on_screen(&s, "stock"));

    s.click_on("[data-testid=nav-summary]");
    s.select("[data-testid=field-contract]", &contract_id);
    s.find(&format!(
        "[data-testid=summary-figures][data-contract-id='{contract_id}']"
    ));
    s.click_on("[data-testid=figure-reported]");
    s.wait_for("[data-testid=drill-fault]", WAIT, |rows| !rows.is_empty());
    chinese.extend(chinese_on_screen(&s, "summary"));

    s.click_on("[data-testid=nav-catalogue]");
    s.wait_for("[data-testid=catalogue-site]", WAIT, |rows| {
        !rows.is_empty()
    });
    chinese.extend(chinese_on_screen(&s, "catalogue"));
    shot(&s, "19-catalogue-en");

    s.click_on("[data-testid=nav-settings]");
    s.wait_for("[data-testid=contract-policy]", WAIT, |rows| {
        !rows.is_empty()
    });
    chinese.extend(chinese_on_screen(&s, "settings"));

    s.click_on("[data-testid=nav-sync]");
    s.find("[data-testid=sync-state]");
    chinese.extend(chinese_on_screen(&s, "sync"));

    assert!(
        chinese.is_empty(),
        "Chinese outside user data in English mode:\n{}",
        chinese.join("\n")
    );
}
