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

/// A real sync server on a loopback port (SQLite) holding one contract with two technicians assigned:
/// the app's (林晓东, code `code_app`, not enrolled yet) and a colleague (周建国) whose laptop `other`
/// is enrolled, has set the contract up with one camera-pole site (`lead_sets_up_contract`) and sent
/// it. What the walks that sync beside the app (background sync, photos, stock) start from.
pub struct SharedContract {
    pub storage: std::sync::Arc<fieldlog_server::SqliteStorage>,
    pub server: fieldlog_server::RunningServer,
    pub other: Store,
    pub contract: fieldlog_domain::contract::Contract,
    pub site: fieldlog_domain::site::Site,
    pub code_app: String,
}

pub fn shared_contract(
    dir: &Path,
    code: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> SharedContract {
    use fieldlog_server::{RunningServer, SqliteStorage, admin};
    let storage = std::sync::Arc::new(SqliteStorage::open(dir.join("server.sqlite")).unwrap());
    let name = "测试县雪亮工程运维";
    admin::add_contract(&*storage, code, name).unwrap();
    let enroll_code = |technician: &str| {
        let id = admin::add_technician(&*storage, technician).unwrap();
        admin::assign(&*storage, &id, code).unwrap();
        admin::enrollment_code(&*storage, &id, chrono::Utc::now()).unwrap()
    };
    let (code_app, code_other) = (enroll_code("林晓东"), enroll_code("周建国"));
    let server = RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();

    let mut other = Store::open(dir.join("other.sqlite")).unwrap();
    other.init_profile("周建国", None, now).unwrap();
    fieldlog_sync::enroll(
        &mut other,
        &server.url(),
        &code_other,
        "周建国的笔记本",
        Default::default(),
    )
    .unwrap();
    let contract = lead_sets_up_contract(&mut other, code, name, ("E2E-01", "测试村村口"), now);
    let site = other.sites(Some(contract.id)).unwrap().remove(0);
    fieldlog_sync::sync_round(&mut other, &Default::default()).unwrap();
    SharedContract {
        storage,
        server,
        other,
        contract,
        site,
        code_app,
    }
}
