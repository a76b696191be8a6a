//! Shared fixtures for the sync tests: a real server on a loopback port (port 0) over a temp
//! SQLite file or a fresh PostgreSQL database ([`Backend`]), and laptops that are real store
//! files enrolled with real one-time codes.

#![allow(dead_code)]

pub mod office;
pub mod proxy;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::fault::{NewFault, ReportChannel};
use fieldlog_domain::ids::{ContractId, PartId, SiteId};
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::signature::{NewSignature, SignerRole};
use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_domain::stock::{MovementKind, SpareKind};
use fieldlog_server::postgres::ThrowawayDatabase;
use fieldlog_server::{Database, RunningServer, SqliteStorage, admin};
use fieldlog_store::{NewMovement, NewPart, NewSite, Store, signature_image};
use fieldlog_sync::SyncOptions;
use std::sync::Arc;
use std::time::Duration;

pub const CONTRACT: &str = "HB-2026-01";
pub const OTHER_CONTRACT: &str = "XY-2026-09";

/// The server's database in a test: each backend runs the same tests (see [`on_each_backend`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temp dir.
    Sqlite,
    /// A fresh database of its own in the PostgreSQL cluster at `FIELDLOG_TEST_POSTGRES_URL`,
    /// dropped afterwards.
    Postgres,
}

/// Generates, for each listed `fn name(backend: Backend)`, the tests `sqlite::name` and
/// `postgres::name`. The PostgreSQL ones fail (never skip) when no cluster is given.
#[allow(unused_macros)] // not every test file runs on both backends
macro_rules! on_each_backend {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name($crate::support::Backend::Sqlite)
            })+
        }
        mod postgres {
            $(#[test]
            fn $name() {
                super::$name($crate::support::Backend::Postgres)
            })+
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_each_backend;

pub struct Server {
    // Fields drop in order: the server stops before its storage closes, and the database goes last.
    pub running: RunningServer,
    pub storage: Arc<Database>,
    place: Place,
}

/// Where the server's data lives, removed when the test ends.
enum Place {
    Sqlite(tempfile::TempDir),
    Postgres(Box<ThrowawayDatabase>),
}

impl Server {
    pub fn start(backend: Backend) -> Server {
        Server::start_with(backend, |storage| {
            RunningServer::start(storage, "127.0.0.1:0".parse().unwrap()).unwrap()
        })
    }

    /// The server over HTTPS with the given certificate and key (PEM).
    pub fn start_tls(backend: Backend, cert_pem: &str, key_pem: &str) -> Server {
        Server::start_with(backend, |storage| {
            RunningServer::start_tls(storage, "127.0.0.1:0".parse().unwrap(), cert_pem, key_pem)
                .unwrap()
        })
    }

    /// Stops serving, then serves the same data on the same port over HTTPS with another
    /// certificate (a server whose certificate changed).
    pub fn restart_tls(&mut self, cert_pem: &str, key_pem: &str) {
        let addr = self.running.addr;
        // Stop the old listener first: the new one binds the same port.
        self.running =
            RunningServer::start(self.storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
        self.running =
            RunningServer::start_tls(self.storage.clone(), addr, cert_pem, key_pem).unwrap();
    }

    fn start_with(backend: Backend, serve: impl FnOnce(Arc<Database>) -> RunningServer) -> Server {
        let (place, storage) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let storage = SqliteStorage::open(dir.path().join("server.sqlite")).unwrap();
                (Place::Sqlite(dir), Database::Sqlite(storage))
            }
            Backend::Postgres => {
                let database = ThrowawayDatabase::for_test();
                let storage = database.open().unwrap();
                (
                    Place::Postgres(Box::new(database)),
                    Database::Postgres(Box::new(storage)),
                )
            }
        };
        let storage = Arc::new(storage);
        admin::add_contract(&*storage, CONTRACT, "测试县雪亮工程运维").unwrap();
        admin::add_contract(&*storage, OTHER_CONTRACT, "另一县运维").unwrap();
        let running = serve(storage.clone());
        Server {
            running,
            storage,
            place,
        }
    }

    pub fn url(&self) -> String {
        self.running.url()
    }

    /// Stops serving and serves the same data again on the same port (a server restart: work
    /// in flight is cut).
    pub fn restart(&mut self) {
        let addr = self.running.addr;
        // Stop the old listener first: the new one binds the same port.
        self.running =
            RunningServer::start(self.storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
        self.running = RunningServer::start(self.storage.clone(), addr).unwrap();
    }

    /// A technician assigned to `contracts`, and a one-time code for their laptop.
    pub fn technician(&self, name: &str, contracts: &[&str]) -> String {
        let id = admin::add_technician(&*self.storage, name).unwrap();
        for code in contracts {
            admin::assign(&*self.storage, &id, code).unwrap();
        }
        admin::enrollment_code(&*self.storage, &id, Utc::now()).unwrap()
    }

    /// Every table of the server's database, for "nothing was written" checks.
    pub fn dump(&self) -> String {
        match &self.place {
            Place::Sqlite(dir) => sqlite_dump(&dir.path().join("server.sqlite")),
            Place::Postgres(database) => postgres_dump(database),
        }
    }

    /// Runs `sql` (plain SQL both databases understand) on the server's database behind its
    /// back: what time passing, or an older release, would have left there.
    pub fn execute(&self, sql: &str) {
        match &self.place {
            Place::Sqlite(dir) => {
                rusqlite::Connection::open(dir.path().join("server.sqlite"))
                    .unwrap()
                    .execute_batch(sql)
                    .unwrap();
            }
            Place::Postgres(database) => {
                database
                    .config
                    .connect(postgres::NoTls)
                    .unwrap()
                    .batch_execute(sql)
                    .unwrap();
            }
        }
    }

    /// The one integer that `sql` (plain SQL both databases understand) selects.
    pub fn count(&self, sql: &str) -> i64 {
        match &self.place {
            Place::Sqlite(dir) => rusqlite::Connection::open(dir.path().join("server.sqlite"))
                .unwrap()
                .query_row(sql, [], |r| r.get(0))
                .unwrap(),
            Place::Postgres(database) => database
                .config
                .connect(postgres::NoTls)
                .unwrap()
                .query_one(sql, &[])
                .unwrap()
                .get(0),
        }
    }
}

fn sqlite_dump(path: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        out.push_str(&format!("== {table}\n"));
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<String> = (0..n)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            out.push_str(&values.join(" | "));
            out.push('\n');
        }
    }
    out
}

/// Every table, each row as PostgreSQL's text of the whole row, in a fixed order.
fn postgres_dump(database: &ThrowawayDatabase) -> String {
    let mut client = database.config.connect(postgres::NoTls).unwrap();
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = String::new();
    for table in tables {
        out.push_str(&format!("== {table}\n"));
        for row in client
            .query(
                &format!("SELECT t::text FROM \"{table}\" t ORDER BY 1"),
                &[],
            )
            .unwrap()
        {
            out.push_str(row.get(0));
            out.push('\n');
        }
    }
    out
}

/// Options for tests: quick retries, many of them (the fault-injection proxy fails often).
pub fn quick() -> SyncOptions {
    SyncOptions {
        batch: 50,
        page: 40,
        attempts: 40,
        backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(50),
        timeout: Duration::from_secs(10),
    }
}

pub fn start_time() -> DateTime<Utc> {
    "2026-11-02T01:00:00Z".parse().unwrap()
}

pub struct Laptop {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub name: String,
}

impl Laptop {
    /// A laptop with a profile, enrolled with `code` at `url`.
    pub fn enrolled(name: &str, url: &str, code: &str) -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
        store.init_profile(name, None, start_time()).unwrap();
        fieldlog_sync::enroll(&mut store, url, code, &format!("{name}的笔记本"), quick()).unwrap();
        Laptop {
            dir,
            store,
            name: name.to_owned(),
        }
    }

    pub fn sync(&mut self) -> fieldlog_sync::RoundReport {
        fieldlog_sync::sync_round(&mut self.store, &quick()).unwrap()
    }

    pub fn sync_with(
        &mut self,
        options: &SyncOptions,
    ) -> fieldlog_sync::Result<fieldlog_sync::RoundReport> {
        fieldlog_sync::sync_round(&mut self.store, options)
    }

    /// The contract with one site and one spare part (5 in stock): what a lead sets up once.
    pub fn set_up_contract(&mut self, code: &str) -> (ContractId, SiteId, PartId) {
        let at = start_time();
        let contract = self
            .store
            .add_contract(
                code,
                "测试县雪亮工程运维",
                "测试县公安局",
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
                SpareFloor::default(),
                &Preset::CountyPoliceVillageQuery.policy(),
                at,
            )
            .unwrap();
        let site = self
            .store
            .add_site(NewSite {
                contract_id: contract.id,
                code: "CS-001".into(),
                name: "测试村村口".into(),
                kind: SiteKind::CameraPole,
                address: "测试县测试村".into(),
                location: None,
            })
            .unwrap();
        let part = self
            .store
            .add_part(NewPart {
                contract_id: contract.id,
                code: "BJ-01".into(),
                name: "电源适配器".into(),
                kind: SpareKind::Part,
                model: None,
            })
            .unwrap();
        self.store
            .record_movement(
                NewMovement {
                    part_id: part.id,
                    kind: MovementKind::Received,
                    quantity: 5,
                    at,
                    technician_id: None,
                    fault_id: None,
                    old_serial: None,
                    new_serial: None,
                    note: None,
                },
                at,
            )
            .unwrap();
        (contract.id, site.id, part.id)
    }

    pub fn contract(&self, code: &str) -> (ContractId, SiteId, PartId) {
        let contract = self.store.resolve_contract(code).unwrap();
        let site = self.store.sites(Some(contract.id)).unwrap()[0].id;
        let part = self.store.parts(contract.id).unwrap()[0].id;
        (contract.id, site, part)
    }

    /// A day of offline work: a fault, an arrival, a part used, and (if `report`) a signed report.
    pub fn offline_work(&mut self, code: &str, minutes: i64, report: bool) {
        let (contract, site, part) = self.contract(code);
        let now = start_time() + TimeDelta::minutes(minutes);
        let me = self.store.profile().unwrap().unwrap();
        let fault = self
            .store
            .record_fault(
                NewFault {
                    contract_id: contract,
                    site_id: site,
                    device_id: None,
                    level: FaultLevel::B,
                    reported_at: now,
                    channel: ReportChannel::Phone,
                    description: format!("{}报：摄像机无图像（{minutes}）", self.name),
                    first_receiver: "测试经理".into(),
                    caller: None,
                    caller_phone: None,
                },
                now,
            )
            .unwrap();
        self.store
            .record_arrival(
                NewArrival {
                    technician_id: me.id,
                    site_id: site,
                    fault_id: Some(fault.id),
                    arrived_at: now + TimeDelta::minutes(20),
                    location: None,
                    site_confirmed_by_hand: true,
                },
                now + TimeDelta::minutes(20),
            )
            .unwrap();
        self.store
            .record_movement(
                NewMovement {
                    part_id: part,
                    kind: MovementKind::Used,
                    quantity: 1,
                    at: now + TimeDelta::minutes(30),
                    technician_id: Some(me.id),
                    fault_id: Some(fault.id),
                    old_serial: None,
                    new_serial: None,
                    note: None,
                },
                now + TimeDelta::minutes(30),
            )
            .unwrap();
        if report {
            let day = fieldlog_domain::time::local_date(now);
            let draft = self.store.create_report(me.id, contract, day, now).unwrap();
            self.store
                .add_report_entry(
                    draft.id,
                    NewEntry {
                        site_id: site,
                        device_id: None,
                        fault_id: Some(fault.id),
                        fault_cause: "电源故障".into(),
                        resolved: true,
                        unresolved_reason: None,
                        work_done: "更换电源适配器".into(),
                        parts: Vec::new(),
                    },
                    now + TimeDelta::minutes(40),
                )
                .unwrap();
            let strokes = signature_image::scribble(3, minutes as u64);
            self.store
                .sign_report(
                    draft.id,
                    NewSignature {
                        signer_name: self.name.clone(),
                        role: SignerRole::Technician,
                        image_png: signature_image::render_strokes_png(&strokes, 400, 150),
                        strokes,
                    },
                    now + TimeDelta::minutes(50),
                )
                .unwrap();
        }
    }

    pub fn records(&self) -> Vec<(String, String, fieldlog_wire::sync::v1::Row)> {
        self.store.synced_records().unwrap()
    }

    pub fn balance(&self, code: &str) -> i64 {
        let (_, _, part) = self.contract(code);
        self.store.part_balance(part).unwrap()
    }

    /// A fault of `CONTRACT` recorded here, and a photo of it of `width` × `height`: the fault's
    /// id and the photo's bytes (photo sync and the evidence chain's tests).
    pub fn photo_of_a_fault(&mut self, width: u16, height: u16) -> (String, Vec<u8>) {
        let (contract, site, _) = self.contract(CONTRACT);
        let at = start_time();
        let fault = self
            .store
            .record_fault(
                NewFault {
                    contract_id: contract,
                    site_id: site,
                    device_id: None,
                    level: FaultLevel::B,
                    reported_at: at,
                    channel: ReportChannel::Phone,
                    description: "画面中断".into(),
                    first_receiver: "测试客户经理".into(),
                    caller: None,
                    caller_phone: None,
                },
                at,
            )
            .unwrap();
        let bytes = fieldlog_demo::photo::sample_jpeg(width, height, 7, None);
        self.store
            .add_photo(
                fieldlog_store::NewPhoto {
                    subject: fieldlog_domain::photo::PhotoSubject::Fault,
                    subject_id: fault.id.to_string(),
                    stage: fieldlog_domain::photo::PhotoStage::After,
                    file_name: "修复后.jpg".into(),
                    bytes: bytes.clone(),
                },
                at,
            )
            .unwrap();
        (fault.id.to_string(), bytes)
    }
}

/// Syncs every laptop until none has anything left to send and all hold the same records.
pub fn settle(laptops: &mut [Laptop]) {
    for _ in 0..3 {
        for laptop in laptops.iter_mut() {
            laptop.sync();
        }
    }
}

/// After every laptop synced until quiet: a laptop enrolled afresh for `contracts` holds exactly
/// what the server gives their readers, and every laptop holds the same, row for row (the fresh
/// laptop's own profile aside), the fresh one having refused nothing.
pub fn assert_converged(server: &Server, laptops: &[Laptop], contracts: &[&str]) {
    let mut observer = Laptop::enrolled(
        "观察员",
        &server.url(),
        &server.technician("观察员", contracts),
    );
    observer.sync();
    observer.sync();
    assert!(
        observer.store.sync_conflicts().unwrap().is_empty(),
        "a fresh laptop refused what the server holds: {:?}",
        observer.store.sync_conflicts().unwrap()
    );
    let me = observer.store.profile().unwrap().unwrap().id.to_string();
    let records = |laptop: &Laptop| -> Vec<(String, String, fieldlog_wire::sync::v1::Row)> {
        laptop
            .records()
            .into_iter()
            .filter(|(entity, id, _)| !(entity == "technicians" && *id == me))
            .collect()
    };
    let server_records = records(&observer);
    assert!(!server_records.is_empty());
    for laptop in laptops {
        let held = records(laptop);
        for (a, b) in held.iter().zip(&server_records) {
            assert_eq!(a, b, "{} differs from the server", laptop.name);
        }
        assert_eq!(
            held.len(),
            server_records.len(),
            "{} holds a different number of records than the server",
            laptop.name
        );
    }
}

/// An entry with one part used (a stock movement), for a report at `site`.
pub fn entry(site: fieldlog_domain::ids::SiteId, part: fieldlog_domain::ids::PartId) -> NewEntry {
    NewEntry {
        site_id: site,
        device_id: None,
        fault_id: None,
        fault_cause: "电源故障".into(),
        resolved: true,
        unresolved_reason: None,
        work_done: "更换电源适配器".into(),
        parts: vec![fieldlog_domain::report::NewPartLine {
            part_id: part,
            quantity: 1,
            old_serial: None,
            new_serial: None,
        }],
    }
}

/// Signs `report` on `laptop` as its technician, `minutes` after the start.
pub fn sign(laptop: &mut Laptop, report: fieldlog_domain::ids::ReportId, minutes: i64) {
    let me = laptop.store.profile().unwrap().unwrap();
    let strokes = signature_image::scribble(3, minutes as u64);
    laptop
        .store
        .sign_report(
            report,
            NewSignature {
                signer_name: me.name,
                role: SignerRole::Technician,
                image_png: signature_image::render_strokes_png(&strokes, 400, 150),
                strokes,
            },
            start_time() + TimeDelta::minutes(minutes),
        )
        .unwrap();
}

// Issue 20: a server restored from its backup.
impl Server {
    /// Backs this server's database up with `fieldlog-server backup` while it serves (SQLite:
    /// the online backup API; PostgreSQL: pg_dump), restores it the documented way into a fresh
    /// place of the same backend (the SQLite file copied in as the new server's database;
    /// `pg_restore` into a new, empty database), and serves that on its own loopback port.
    pub fn backup_and_restore(&self, dir: &std::path::Path) -> Server {
        let out = dir.join("server-backup");
        let (place, storage) = match &self.place {
            Place::Sqlite(old) => {
                let db = old.path().join("server.sqlite");
                fieldlog_server::backup::backup(&db.display().to_string(), &out).unwrap();
                let fresh = tempfile::tempdir().unwrap();
                std::fs::copy(&out, fresh.path().join("server.sqlite")).unwrap();
                let storage = SqliteStorage::open(fresh.path().join("server.sqlite")).unwrap();
                (Place::Sqlite(fresh), Database::Sqlite(storage))
            }
            Place::Postgres(old) => {
                fieldlog_server::backup::backup(&old.url(), &out).unwrap();
                let fresh = ThrowawayDatabase::for_test();
                let restored = std::process::Command::new("pg_restore")
                    .args(["--no-owner", "--exit-on-error", "--dbname"])
                    .arg(fresh.url())
                    .arg(&out)
                    .output()
                    .expect("pg_restore (the PostgreSQL client tools) is needed");
                assert!(
                    restored.status.success(),
                    "pg_restore: {}",
                    String::from_utf8_lossy(&restored.stderr)
                );
                let storage = fresh.open().unwrap();
                (
                    Place::Postgres(Box::new(fresh)),
                    Database::Postgres(Box::new(storage)),
                )
            }
        };
        let storage = Arc::new(storage);
        let running =
            RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
        Server {
            running,
            storage,
            place,
        }
    }
}
