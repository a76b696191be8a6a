//! Support for Fieldlog's system tests: tests that span processes (crash safety now; the real app
//! under WebDriver with the desktop-app issue; the office console in headless Chromium).

pub mod app;
pub mod console;
// The crash-safety writer as a child process (crash safety; issue 20's backup beside it).
pub mod stream_writer;
pub mod webdriver;

use chrono::{NaiveDate, TimeDelta, Utc};
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::Preset;
use fieldlog_domain::stock::{MovementKind, SpareKind};
use fieldlog_store::{NewDevice, NewMovement, NewPart, NewSite, Store};

/// Creates a profile database with what a stream of writes needs: a technician, a contract, a site
/// with a device, and a spare part with plenty in stock.
pub fn prepare_stream_db(path: &std::path::Path) -> Store {
    let mut store = Store::open(path).expect("open");
    let now = Utc::now() - TimeDelta::days(1);
    store.init_profile("压测技服", None, now).expect("profile");
    let contract = store
        .add_contract(
            "crash-test",
            "断电测试项目",
            "测试采购人",
            NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
            NaiveDate::from_ymd_opt(2030, 1, 1).expect("date"),
            SpareFloor::default(),
            &Preset::CityEgovExtranet.policy(),
            now,
        )
        .expect("contract");
    let site = store
        .add_site(NewSite {
            contract_id: contract.id,
            code: "CRASH-1".into(),
            name: "断电测试机房".into(),
            kind: SiteKind::MachineRoom,
            address: "测试县".into(),
            location: None,
        })
        .expect("site");
    store
        .add_device(NewDevice {
            site_id: site.id,
            kind: DeviceKind::Switch,
            model: "测试交换机".into(),
            serial: Some("CRASH-SW".into()),
        })
        .expect("device");
    let part = store
        .add_part(NewPart {
            contract_id: contract.id,
            code: "CRASH-P".into(),
            name: "测试备件".into(),
            kind: SpareKind::Part,
            model: None,
        })
        .expect("part");
    store
        .record_movement(
            NewMovement {
                part_id: part.id,
                kind: MovementKind::Received,
                quantity: 100_000,
                at: now,
                technician_id: None,
                fault_id: None,
                old_serial: None,
                new_serial: None,
                note: None,
            },
            now,
        )
        .expect("stock");
    store
}
