//! Issue 19, item 4 in the real app (tauri-driver + WebKitWebDriver under Xvfb): a missed day's
//! report filled in from the report list (it says 补填), a draft entry edited and another
//! deleted, the report signed, then corrected (one entry's cause changed, another struck, each
//! with its reason), the correction signed and exported: its PDF shows the changes and both the
//! original's and the correction's signatures verify. Screenshots under `artifacts/e2e/`.

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::Preset;
use fieldlog_domain::stock::{MovementKind, SpareKind};
use fieldlog_store::{NewDevice, NewMovement, NewPart, NewSite, Store};
use fieldlog_system_tests::app::{WAIT, open_app, shot, wait_text};
use fieldlog_system_tests::webdriver::{Session, TauriDriver};
use std::path::Path;
use std::process::Command;

struct Seeded {
    site_id: String,
    part_id: String,
    missed: NaiveDate,
}

/// A profile with no demo data: a technician, a contract whose service began a few days ago, a
/// site with a camera, and a spare part in stock.
fn seed(db: &Path) -> Seeded {
    let mut store = Store::open(db).unwrap();
    let now = Utc::now();
    let today = fieldlog_domain::time::local_date(now);
    store
        .init_profile("测试技服戊", Some("T-019"), now)
        .unwrap();
    let contract = store
        .add_contract(
            "T-REPORTS",
            "测试县村警查询服务运维",
            "测试县公安局",
            today - TimeDelta::days(4),
            today + TimeDelta::days(365),
            SpareFloor::default(),
            &Preset::CountyPoliceVillageQuery.policy(),
            now,
        )
        .unwrap();
    let site = store
        .add_site(NewSite {
            contract_id: contract.id,
            code: "CS-190".into(),
            name: "测试村村委会".into(),
            kind: SiteKind::CameraPole,
            address: "测试县测试村".into(),
            location: None,
        })
        .unwrap();
    store
        .add_device(NewDevice {
            site_id: site.id,
            kind: DeviceKind::Camera,
            model: "测试摄像机".into(),
            serial: Some("SN-190".into()),
        })
        .unwrap();
    let part = store
        .add_part(NewPart {
            contract_id: contract.id,
            code: "BJ-190".into(),
            name: "电源适配器".into(),
            kind: SpareKind::Part,
            model: None,
        })
        .unwrap();
    store
        .record_movement(
            NewMovement {
                part_id: part.id,
                kind: MovementKind::Received,
                quantity: 5,
                at: now,
                technician_id: None,
                fault_id: None,
                old_serial: None,
                new_serial: None,
                note: None,
            },
            now,
        )
        .unwrap();
    Seeded {
        site_id: site.id.to_string(),
        part_id: part.id.to_string(),
        missed: today - TimeDelta::days(1),
    }
}

/// Waits until one of the elements `css` reads `needle`, reading their text in the page in one
/// step: the entry rows are replaced as each answer arrives, so an element found a moment ago
/// may be gone when its text is asked for.
fn wait_page_text(s: &Session, css: &str, needle: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let texts = s.execute(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);",
            serde_json::json!([css]),
        );
        let found = texts.as_array().is_some_and(|all| {
            all.iter()
                .any(|t| t.as_str().is_some_and(|t| t.contains(needle)))
        });
        if found {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {css} reads {needle:?}; saw {texts}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new(std::env::var("PDFTOTEXT").unwrap_or_else(|_| "pdftotext".into()))
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: cargo xtask setup installs it");
    String::from_utf8(out.stdout).unwrap()
}

fn pdfs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn a_missed_day_filled_in_edited_signed_and_corrected_in_the_real_app() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");
    let seeded = seed(&db);
    let gpu = Path::new("1");
    let exports = dir.path().join("exports");
    let driver = TauriDriver::start(&[
        ("FIELDLOG_DB", db.as_path()),
        ("FIELDLOG_GPU", gpu),
        ("FIELDLOG_EXPORT_DIR", exports.as_path()),
    ]);
    let s = open_app(&driver);

    // The report list, on the missed day's month: the day is listed with its "补填".
    s.click_on("[data-testid=nav-reports]");
    let month = format!("{:04}-{:02}", seeded.missed.year(), seeded.missed.month());
    s.find("[data-testid=filter-month]");
    s.execute(
        "const el = document.querySelector('[data-testid=filter-month]'); el.value = arguments[0]; \
         el.dispatchEvent(new Event('input', {bubbles: true}));",
        serde_json::json!([month]),
    );
    let missed = format!("[data-testid=missing-day][data-date='{}']", seeded.missed);
    s.find(&missed);
    shot(&s, "r01-reports-missing-days");
    s.click_on(&format!("{missed} [data-testid=fill-day]"));
    wait_text(&s, "[data-testid=filled-late]", "补填于");
    wait_text(&s, "[data-testid=report-date]", &seeded.missed.to_string());

    // Three entries, the first with a part.
    let add = |cause: &str, work: &str, part: bool| {
        s.select(
            "[data-testid=entry-form] [data-testid=field-site]",
            &seeded.site_id,
        );
        s.type_into(
            "[data-testid=entry-form] [data-testid=field-fault-cause]",
            cause,
        );
        s.type_into(
            "[data-testid=entry-form] [data-testid=field-work-done]",
            work,
        );
        if part {
            s.click_on("[data-testid=entry-form] [data-testid=add-part]");
            s.select(
                "[data-testid=entry-form] [data-testid=part-0-part]",
                &seeded.part_id,
            );
            s.type_into("[data-testid=entry-form] [data-testid=part-0-qty]", "1");
        }
        s.click_on("[data-testid=entry-form] [data-testid=submit]");
    };
    // The edit form fills in the entry's values once it has looked for a saved draft: typing
    // waits for that, or the values would land on top of what was typed.
    let edit_form_ready = || {
        s.wait_for(
            "[data-testid=entry-edit-form] fieldset:not([disabled])",
            WAIT,
            |found| !found.is_empty(),
        );
    };
    let sign_and_export = || {
        s.click_on("[data-testid=sign-report]");
        s.draw_on("[data-testid=signature-pad][data-role=technician]");
        s.click_on("[data-testid=signature-confirm]");
        wait_text(&s, "[data-testid=report-status]", "已签字");
        s.click_on("[data-testid=export-pdf]");
        wait_text(&s, "[data-testid=export-path]", ".pdf");
    };
    add("网口松", "重新压接网线", true);
    s.wait_for("[data-testid=entry-row]", WAIT, |rows| rows.len() == 1);
    add("镜头起雾", "清洁镜头", false);
    s.wait_for("[data-testid=entry-row]", WAIT, |rows| rows.len() == 2);
    add("记错的一条", "无", false);
    s.wait_for("[data-testid=entry-row]", WAIT, |rows| rows.len() == 3);
    shot(&s, "r02-missed-day-draft");

    // Edit the first entry's cause; delete the third.
    s.click_on("[data-testid=entry-row]:nth-child(1) [data-testid=edit-entry]");
    edit_form_ready();
    s.type_into(
        "[data-testid=entry-edit-form] [data-testid=field-fault-cause]",
        "网口松动",
    );
    shot(&s, "r03-edit-entry");
    s.click_on("[data-testid=entry-edit-form] [data-testid=submit]");
    wait_page_text(&s, "[data-testid=entry-row]", "网口松动");
    let rows = s.execute(
        "return [...document.querySelectorAll('[data-testid=entry-row]')].map(r => r.innerText).join('\\n');",
        serde_json::json!([]),
    );
    let rows = rows.as_str().unwrap_or_default();
    assert!(
        !rows.contains("网口松网口松"),
        "the edit replaced the cause: {rows}"
    );
    s.click_on("[data-testid=entry-row]:nth-child(3) [data-testid=remove-entry]");
    s.click_on("[data-testid=confirm-remove]");
    s.wait_for("[data-testid=entry-row]", WAIT, |rows| rows.len() == 2);
    shot(&s, "r04-draft-edited");

    // Sign it and export it.
    sign_and_export();
    let original_pdf = pdfs(&exports).remove(0);
    let original_bytes = std::fs::read(&original_pdf).unwrap();
    let original_text = pdftotext(&original_pdf);
    assert!(original_text.contains("补填于"), "{original_text}");

    // Correct it: change the first entry's cause, strike the second, each with a reason.
    s.click_on("[data-testid=amend-report]");
    s.type_into(
        "[data-testid=form-amend] [data-testid=field-reason]",
        "故障原因核对有误",
    );
    s.click_on("[data-testid=form-amend] [data-testid=submit]");
    wait_text(&s, "[data-testid=amends-link]", "#");
    s.wait_for("[data-testid=entry-row]", WAIT, |rows| rows.len() == 2);
    s.click_on("[data-testid=entry-row]:nth-child(1) [data-testid=edit-entry]");
    edit_form_ready();
    s.type_into(
        "[data-testid=entry-edit-form] [data-testid=field-fault-cause]",
        "交换机端口故障",
    );
    s.type_into("[data-testid=field-change-reason]", "现场复核为交换机端口");
    s.click_on("[data-testid=entry-edit-form] [data-testid=submit]");
    wait_page_text(&s, "[data-testid=entry-row]", "交换机端口故障");
    s.click_on("[data-testid=entry-row]:nth-child(2) [data-testid=remove-entry]");
    s.type_into("[data-testid=field-remove-reason]", "当日未到该点位");
    s.click_on("[data-testid=confirm-remove]");
    s.wait_for("[data-testid=entry-row][data-struck=true]", WAIT, |rows| {
        rows.len() == 1
    });
    wait_page_text(&s, "[data-testid=change]", "交换机端口故障");
    shot(&s, "r05-correction-draft");

    // Sign the correction and export it: the PDF shows what changed.
    sign_and_export();
    shot(&s, "r06-correction-signed");
    let corrected = pdfs(&exports)
        .into_iter()
        .find(|p| p != &original_pdf)
        .expect("the correction's PDF");
    let bytes = std::fs::read(&corrected).unwrap();
    let verification = fieldlog_export::verify_pdf(&bytes).unwrap();
    assert!(verification.intact && verification.covers_whole_file);
    let text = pdftotext(&corrected);
    for needle in [
        "更正说明",
        "故障原因核对有误",
        "网口松动 → 交换机端口故障",
        "现场复核为交换机端口",
        "当日未到该点位",
        "【已划去】",
    ] {
        assert!(
            text.contains(needle),
            "{needle} in the correction's PDF:\n{text}"
        );
    }
    // The original's PDF is what it was, and its signature still verifies.
    assert_eq!(std::fs::read(&original_pdf).unwrap(), original_bytes);
    let verification = fieldlog_export::verify_pdf(&original_bytes).unwrap();
    assert!(verification.intact && verification.covers_whole_file);

    // The list: the corrected report under the "corrected" filter.
    s.click_on("[data-testid=nav-reports]");
    s.select("[data-testid=filter-status]", "corrected");
    s.wait_for("[data-testid=report-row]", WAIT, |rows| rows.len() == 2);
    wait_page_text(&s, "[data-testid=report-row]", "补填于");
    shot(&s, "r07-reports-corrected");
}
