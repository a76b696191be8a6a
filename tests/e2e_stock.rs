//! Issue 19, item 6, in the real app (tauri-driver + WebKitWebDriver under Xvfb) against a real
//! server on a loopback port: the app's technician (A) sees the spare floor warning on Today,
//! transfers parts to a colleague (B, a second laptop driven through the core), uses a part on
//! its own; B confirms the transfer; after sync the app shows it confirmed and the balances moved.
//!
//! Screenshots land under `artifacts/e2e/` for a person to look at.

use fieldlog_domain::stock::MovementKind;
use fieldlog_store::Store;
use fieldlog_store::desk::{self, StockAction};
use fieldlog_system_tests::app::{
    SharedContract, WAIT, open_app, shared_contract, shot, wait_text,
};
use fieldlog_system_tests::webdriver::TauriDriver;
use std::path::Path;

#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn a_transfer_between_two_laptops_a_use_on_its_own_and_the_floor_on_today() {
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now();
    let sync = |store: &mut Store| {
        fieldlog_sync::sync_round(store, &Default::default()).unwrap();
    };
    let SharedContract {
        server,
        mut other,
        contract,
        code_app,
        ..
    } = shared_contract(dir.path(), "E2E-STOCK-01", now);

    // B's laptop adds one spare part to the contract (floor: 10 units, 50 parts).
    let part = other
        .add_part(fieldlog_store::NewPart {
            contract_id: contract.id,
            code: "BJ-01".into(),
            name: "电源适配器".into(),
            kind: fieldlog_domain::stock::SpareKind::Part,
            model: None,
        })
        .unwrap();
    sync(&mut other);

    // The app's laptop: A's profile, enrolled; A receives 10 adapters into their own stock.
    let db = dir.path().join("profile.sqlite");
    {
        let mut app = Store::open(&db).unwrap();
        app.init_profile("林晓东", Some("T-0042"), now).unwrap();
        fieldlog_sync::enroll(
            &mut app,
            &server.url(),
            &code_app,
            "林晓东的笔记本",
            Default::default(),
        )
        .unwrap();
        sync(&mut app);
        desk::record_movement(&mut app, part.id, MovementKind::Received, 10, None, now).unwrap();
        sync(&mut app);
    }
    sync(&mut other);

    let gpu = Path::new("1");
    let driver = TauriDriver::start(&[("FIELDLOG_DB", db.as_path()), ("FIELDLOG_GPU", gpu)]);
    let s = open_app(&driver);

    // Today warns: 10 main-equipment parts against a floor of 50.
    let warning = wait_text(
        &s,
        "[data-testid=today-floor-contract]",
        "测试县雪亮工程运维",
    );
    assert!(warning.contains("备件 10 / 下限 50"), "{warning}");
    shot(&s, "stock-01-today-floor-warning");

    // The stock screen: A holds 10.
    s.click_on("[data-testid=nav-stock]");
    wait_text(&s, "[data-testid=part-mine]", "10");
    s.click_on("[data-testid=part-row] [data-testid=choose-part]");
    s.find("[data-testid=form-stock-action]");

    // Transfer 4 to 周建国.
    s.select("[data-testid=field-action]", "transfer");
    let colleague = other.profile().unwrap().unwrap().id.to_string();
    s.select("[data-testid=field-colleague]", &colleague);
    s.type_into("[data-testid=field-action-quantity]", "4");
    s.type_into("[data-testid=field-action-text]", "支援周建国的片区");
    s.click_on("[data-testid=submit-action]");
    let sent = wait_text(&s, "[data-testid=transfer-row]", "在途");
    assert!(sent.contains("周建国"), "{sent}");
    wait_text(&s, "[data-testid=part-mine]", "6");
    wait_text(&s, "[data-testid=part-in-transit]", "4");
    wait_text(&s, "[data-testid=part-balance]", "10");
    shot(&s, "stock-02-transfer-in-transit");

    // A use on its own: a reason is required.
    s.select("[data-testid=field-action]", "use");
    s.type_into("[data-testid=field-action-quantity]", "1");
    s.click_on("[data-testid=submit-action]");
    wait_text(&s, "[data-testid=error]", "用途");
    s.type_into(
        "[data-testid=field-action-text]",
        "巡检时更换松动的电源适配器",
    );
    s.click_on("[data-testid=submit-action]");
    wait_text(&s, "[data-testid=part-mine]", "5");
    wait_text(
        &s,
        "[data-testid=movement-row][data-kind=used]",
        "巡检时更换",
    );
    shot(&s, "stock-03-used-on-its-own");

    // The app syncs (the sync screen's button); B pulls, sees it incoming, confirms, syncs.
    s.click_on("[data-testid=nav-sync]");
    s.click_on("[data-testid=sync-screen-now]");
    wait_text(&s, "[data-testid=sync-pending]", "没有待上传的更改");
    sync(&mut other);
    let incoming = desk::stock(&other, Some(contract.id)).unwrap()[0]
        .transfers
        .clone();
    assert_eq!(incoming.len(), 1, "B sees the transfer");
    assert!(incoming[0].incoming && incoming[0].confirmed_at.is_none());
    desk::stock_action(
        &mut other,
        StockAction::ConfirmTransfer {
            transfer_id: incoming[0].id,
        },
        chrono::Utc::now(),
    )
    .unwrap();
    sync(&mut other);
    let b_part = &desk::stock(&other, Some(contract.id)).unwrap()[0].parts[0];
    assert_eq!((b_part.mine, b_part.in_transit), (4, 0));

    // The app pulls the confirmation: confirmed, nothing in transit, the balances moved.
    s.click_on("[data-testid=sync-screen-now]");
    let deadline = std::time::Instant::now() + WAIT;
    while Store::open(&db)
        .unwrap()
        .movements(&Default::default())
        .unwrap()
        .len()
        < 4
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the confirmation never arrived"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    s.click_on("[data-testid=nav-stock]");
    let confirmed = wait_text(&s, "[data-testid=transfer-row]", "已确认收货");
    assert!(confirmed.contains("周建国"), "{confirmed}");
    wait_text(&s, "[data-testid=part-in-transit]", "0");
    wait_text(&s, "[data-testid=part-mine]", "5");
    wait_text(&s, "[data-testid=part-balance]", "9");
    shot(&s, "stock-04-transfer-confirmed");
}
