//! What the real-app end-to-end tests (`tests/e2e_*.rs`, run by `cargo xtask test` under Xvfb with
//! tauri-driver and WebKitWebDriver) share: a profile seeded with the demo month, opening the app,
//! waiting for text, and screenshots for a person to look at.

use crate::webdriver::{Session, TauriDriver, app_binary};
use fieldlog_store::Store;
use std::path::Path;
use std::time::Duration;

/// How long a step may take before the test fails with what the screen shows.
pub const WAIT: Duration = Duration::from_secs(20);

pub fn seeded_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("profile.sqlite");
    let mut store = Store::open(&db).unwrap();
    fieldlog_demo::seed(&mut store, chrono::Utc::now()).unwrap();
    db
}

pub fn open_app(driver: &TauriDriver) -> Session {
    let session = Session::new(driver, &app_binary());
    session.wait_for("[data-ready=true]", WAIT, |found| !found.is_empty());
    session
}

pub fn wait_text(session: &Session, css: &str, needle: &str) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let texts: Vec<String> = session
            .find_all(css)
            .iter()
            .map(|e| session.text(e))
            .collect();
        if let Some(found) = texts.iter().find(|t| t.contains(needle)) {
            return found.clone();
        }
        if std::time::Instant::now() > deadline {
            let errors: Vec<String> = session
                .find_all("[data-testid=error]")
                .iter()
                .map(|e| session.text(e))
                .collect();
            session.screenshot("failure");
            panic!("no {css} containing {needle:?}; saw {texts:?}; errors on screen: {errors:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until `css` is gone; on time-out, fails with the error the screen shows.
pub fn wait_gone(session: &Session, css: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    while !session.find_all(css).is_empty() {
        if std::time::Instant::now() > deadline {
            let errors: Vec<String> = session
                .find_all("[data-testid=error]")
                .iter()
                .map(|e| session.text(e))
                .collect();
            session.screenshot("failure");
            panic!("{css} is still shown; errors on screen: {errors:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn shot(session: &Session, name: &str) {
    // Let WebKit paint before the picture is taken.
    std::thread::sleep(Duration::from_millis(300));
    session.screenshot(name);
}

/// What the office's lead sets up from their own laptop before a walk syncs: the county police
/// contract `code` (2026–2027, the preset's policy) with one camera-pole site.
pub fn lead_sets_up_contract(
    lead: &mut Store,
    code: &str,
    name: &str,
    site: (&str, &str),
    now: chrono::DateTime<chrono::Utc>,
) -> fieldlog_domain::contract::Contract {
    let contract = lead
        .add_contract(
            code,
            name,
            "测试县公安局",
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            Default::default(),
            &fieldlog_domain::sla::Preset::CountyPoliceVillageQuery.policy(),
            now,
        )
        .unwrap();
    lead.add_site(fieldlog_store::NewSite {
        contract_id: contract.id,
        code: site.0.into(),
        name: site.1.into(),
        kind: fieldlog_domain::site::SiteKind::CameraPole,
        address: "测试县测试村".into(),
        location: None,
    })
    .unwrap();
    contract
}
