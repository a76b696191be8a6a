//! Shared fixtures for the store's integration tests: a real database file in a temp directory,
//! with one contract, one site with a device, one spare part in stock, and a profile.

#![allow(dead_code)]

pub mod summary_fixture;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fieldlog_domain::contract::{Contract, SpareFloor};
use fieldlog_domain::report::{NewEntry, NewPartLine};
use fieldlog_domain::signature::{NewSignature, SignerRole};
use fieldlog_domain::site::{Device, DeviceKind, Site, SiteKind};
use fieldlog_domain::sla::Preset;
use fieldlog_domain::stock::{MovementKind, SpareKind, SparePart};
use fieldlog_domain::technician::Technician;
use fieldlog_store::{NewDevice, NewMovement, NewPart, NewSite, Store, signature_image};

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub now: DateTime<Utc>,
    pub me: Technician,
    pub contract: Contract,
    pub site: Site,
    pub device: Device,
    pub part: SparePart,
}

pub fn now() -> DateTime<Utc> {
    "2026-11-02T10:00:00Z".parse().unwrap()
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    let now = now();
    let start = now - TimeDelta::days(1);
    let me = store
        .init_profile("测试技服甲", Some("T-001"), start)
        .unwrap();
    let preset = Preset::CountyPoliceVillageQuery;
    let contract = store
        .add_contract(
            "test-contract",
            "测试项目",
            "测试采购人",
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            SpareFloor::default(),
            &preset.policy(),
            start,
        )
        .unwrap();
    let site = store
        .add_site(NewSite {
            contract_id: contract.id,
            code: "T-001".into(),
            name: "测试村村口监控点".into(),
            kind: SiteKind::CameraPole,
            address: "测试县测试村".into(),
            location: None,
        })
        .unwrap();
    let device = store
        .add_device(NewDevice {
            site_id: site.id,
            kind: DeviceKind::Camera,
            model: "测试摄像机".into(),
            serial: Some("SN-T1".into()),
        })
        .unwrap();
    let part = store
        .add_part(NewPart {
            contract_id: contract.id,
            code: "BJ-T".into(),
            name: "测试备件".into(),
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
                at: start,
                technician_id: None,
                fault_id: None,
                old_serial: None,
                new_serial: None,
                note: None,
            },
            start,
        )
        .unwrap();
    Fixture {
        dir,
        store,
        now,
        me,
        contract,
        site,
        device,
        part,
    }
}

impl Fixture {
    pub fn entry(&self, cause: &str, parts: i64) -> NewEntry {
        NewEntry {
            site_id: self.site.id,
            device_id: Some(self.device.id),
            fault_id: None,
            fault_cause: cause.into(),
            resolved: true,
            unresolved_reason: None,
            work_done: "更换备件，恢复正常".into(),
            parts: (parts > 0)
                .then(|| NewPartLine {
                    part_id: self.part.id,
                    quantity: parts,
                    old_serial: Some("OLD-1".into()),
                    new_serial: Some("NEW-1".into()),
                })
                .into_iter()
                .collect(),
        }
    }

    pub fn signature(&self) -> NewSignature {
        let strokes = signature_image::scribble(3, 7);
        NewSignature {
            signer_name: self.me.name.clone(),
            role: SignerRole::Technician,
            image_png: signature_image::render_strokes_png(&strokes, 400, 150),
            strokes,
        }
    }

    pub fn dump(&self) -> String {
        fieldlog_store::migrations::data_dump(self.store.connection()).unwrap()
    }

    pub fn today(&self) -> NaiveDate {
        fieldlog_domain::time::local_date(self.now)
    }

    /// Today's report with two entries (the first with a part), signed five minutes later.
    pub fn signed_report(&mut self) -> fieldlog_domain::ids::ReportId {
        let report = self
            .store
            .create_report(self.me.id, self.contract.id, self.today(), self.now)
            .unwrap();
        for (cause, parts) in [("摄像机网口松动", 1), ("镜头起雾", 0)] {
            let entry = self.entry(cause, parts);
            self.store
                .add_report_entry(report.id, entry, self.now)
                .unwrap();
        }
        let signature = self.signature();
        self.store
            .sign_report(report.id, signature, self.now + TimeDelta::minutes(5))
            .unwrap();
        report.id
    }
}
