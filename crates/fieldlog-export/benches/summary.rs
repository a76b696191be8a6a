//! Summary benchmark (issues 5 and 7): the signed monthly summary PDF of a contract month with
//! 5,000 faults (goal: within 1 s, the export whole), and the summary of a year with 50,000
//! faults. Reported, never asserted.
//!
//! Run: `cargo bench -p fieldlog-export --bench summary`
//!
//! - A real database file in a temp dir, opened with `Store::open`. Profile, contract (county
//!   police preset), 200 sites with a camera each, 12 technicians and 6 spare parts are made
//!   through the store API; the year's faults are bulk-inserted with raw SQL, bound as the store
//!   binds them: 5,000 reported in October 2026 and 45,000 over the other eleven months, each with
//!   an acknowledgement, a technician's arrival on site (arrival row and `on_site` event), and
//!   then resolved and the customer informed (88%), or unresolved with a reason (12%); 3% get a
//!   force-majeure cause; one part in five is used from stock.
//! - "Monthly PDF, whole" is timed from opening the database to the signed PDF written to disk:
//!   `Store::open`, the store's set-based queries, the pure summary, layout, rendering with the
//!   CJK font subset, PAdES signing, `fs::write`. The font is located once before (as the app does
//!   at start); its lookup is timed separately.
//! - "Year summary" is `Store::summary_view` for 2025-11-01..2026-11-01 (50,000 faults), and the
//!   year's XLSX beside it.
//!
//! Environment: `FIELDLOG_BENCH_ROUNDS` (timed rounds, default 5; one untimed warm-up first);
//! `FIELDLOG_BENCH_DB` (a new file to build the database in and keep, default a temp dir).

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::fault::{FaultCause, FaultEventKind, UnresolvedReason};
use fieldlog_domain::ids::{ArrivalId, ContractId, FaultId};
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::Preset;
use fieldlog_domain::stock::{MovementKind, SpareKind};
use fieldlog_export::{Font, SummaryFormat};
use fieldlog_store::{NewDevice, NewMovement, NewPart, NewSite, Store};
use std::path::Path;
use std::time::{Duration, Instant};
use uuid::Uuid;

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

const OCTOBER_FAULTS: usize = 5_000;
const YEAR_FAULTS: usize = 50_000;
const SITES: usize = 200;
const TECHNICIANS: usize = 12;

fn local(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    fieldlog_domain::time::china()
        .with_ymd_and_hms(y, m, d, 0, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// A cheap deterministic generator (xorshift), so every run builds the same year.
struct Rand(u64);

impl Rand {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct World {
    contract: ContractId,
}

fn build(path: &Path) -> BenchResult<World> {
    let mut store = Store::open(path)?;
    let start = local(2025, 10, 1);
    let me = store.init_profile("基准技服甲", Some("B-001"), start)?;
    let contract = store.add_contract(
        "bench",
        "基准测试项目",
        "基准采购人",
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        SpareFloor::default(),
        &Preset::CountyPoliceVillageQuery.policy(),
        start,
    )?;
    let mut techs = vec![me.id];
    for i in 1..TECHNICIANS {
        techs.push(
            store
                .add_technician(&format!("基准技服{i:02}"), None, start)?
                .id,
        );
    }
    let mut sites = Vec::new();
    for i in 0..SITES {
        let site = store.add_site(NewSite {
            contract_id: contract.id,
            code: format!("B-{i:03}"),
            name: format!("基准村{i:03}号监控点"),
            kind: SiteKind::CameraPole,
            address: "基准县".into(),
            location: None,
        })?;
        let device = store.add_device(NewDevice {
            site_id: site.id,
            kind: DeviceKind::Camera,
            model: "基准摄像机".into(),
            serial: None,
        })?;
        sites.push((site.id, device.id));
    }
    let mut parts = Vec::new();
    for i in 0..6 {
        let part = store.add_part(NewPart {
            contract_id: contract.id,
            code: format!("BP-{i}"),
            name: format!("基准备件{i}"),
            kind: if i < 2 {
                SpareKind::Unit
            } else {
                SpareKind::Part
            },
            model: None,
        })?;
        store.record_movement(
            NewMovement {
                part_id: part.id,
                kind: MovementKind::Received,
                quantity: 20_000,
                at: start,
                technician_id: None,
                fault_id: None,
                old_serial: None,
                new_serial: None,
                note: None,
            },
            start,
        )?;
        parts.push(part.id);
    }
    drop(store);

    let mut conn = rusqlite::Connection::open(path)?;
    // The evidence chain's triggers (migration 0009) call it, as on the store's own connection.
    fieldlog_store::chain::register_functions(&conn)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let tx = conn.transaction()?;
    let mut rand = Rand(0x5eed_1234_abcd_9876);
    let october = (local(2026, 10, 1), local(2026, 11, 1));
    let year = (local(2025, 11, 1), local(2026, 11, 1));
    let recorded = local(2026, 11, 20);
    {
        let mut fault = tx.prepare(
            "INSERT INTO faults (id, contract_id, site_id, device_id, level, reported_at, channel,
                                 description, first_receiver, policy_version, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'phone', '摄像机无图像', '客户经理甲', 1, ?7)",
        )?;
        let mut event = tx.prepare(
            "INSERT INTO fault_events (id, fault_id, kind, at, payload, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut arrival = tx.prepare(
            "INSERT INTO arrivals (id, technician_id, site_id, fault_id, arrived_at,
                                   site_confirmed_by_hand, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
        )?;
        let mut movement = tx.prepare(
            "INSERT INTO stock_movements (id, part_id, kind, quantity, at, technician_id, fault_id,
                                          recorded_at)
             VALUES (?1, ?2, 'used', 1, ?3, ?4, ?5, ?6)",
        )?;
        let mut add_event = |fault_id: FaultId, at: DateTime<Utc>, kind: FaultEventKind| {
            event.execute(rusqlite::params![
                Uuid::now_v7().to_string(),
                fault_id.to_string(),
                kind.code(),
                at,
                serde_json::to_string(&kind).unwrap(),
                recorded,
            ])
        };
        for i in 0..YEAR_FAULTS {
            let (from, to) = if i < OCTOBER_FAULTS {
                october
            } else {
                // The other eleven months: the year minus October.
                (year.0, october.0)
            };
            let span = (to - from).num_seconds() as u64 - 86_400;
            let reported = from + TimeDelta::seconds(rand.below(span) as i64);
            let id = FaultId(Uuid::now_v7());
            let (site, device) = sites[rand.below(SITES as u64) as usize];
            let tech = techs[rand.below(TECHNICIANS as u64) as usize];
            let level = ["A", "B", "C", "C", "C"][rand.below(5) as usize];
            fault.execute(rusqlite::params![
                id.to_string(),
                contract.id.to_string(),
                site.to_string(),
                device.to_string(),
                level,
                reported,
                recorded,
            ])?;
            let minutes = |m: u64| TimeDelta::minutes(m as i64);
            let ack = reported + minutes(2 + rand.below(20));
            add_event(
                id,
                ack,
                FaultEventKind::Acknowledged {
                    by: "值班".into()
                },
            )?;
            let on_site = ack + minutes(20 + rand.below(100));
            let arrival_id = ArrivalId(Uuid::now_v7());
            arrival.execute(rusqlite::params![
                arrival_id.to_string(),
                tech.to_string(),
                site.to_string(),
                id.to_string(),
                on_site,
                recorded,
            ])?;
            add_event(id, on_site, FaultEventKind::OnSite { arrival_id })?;
            if rand.below(100) < 3 {
                add_event(
                    id,
                    on_site + minutes(5),
                    FaultEventKind::CauseDetermined {
                        cause: FaultCause::Weather,
                        note: "雷击".into(),
                    },
                )?;
            }
            let done = on_site + minutes(15 + rand.below(200));
            if rand.below(100) < 88 {
                add_event(
                    id,
                    done,
                    FaultEventKind::Resolved {
                        note: "恢复".into(),
                    },
                )?;
                add_event(
                    id,
                    done + minutes(10 + rand.below(60)),
                    FaultEventKind::CustomerInformed {
                        how: "电话".into()
                    },
                )?;
            } else {
                let reason = [
                    UnresolvedReason::Power,
                    UnresolvedReason::Transmission,
                    UnresolvedReason::Device,
                    UnresolvedReason::Other,
                ][rand.below(4) as usize];
                add_event(
                    id,
                    done,
                    FaultEventKind::Unresolved {
                        reason,
                        note: String::new(),
                    },
                )?;
            }
            if rand.below(5) == 0 {
                movement.execute(rusqlite::params![
                    Uuid::now_v7().to_string(),
                    parts[rand.below(parts.len() as u64) as usize].to_string(),
                    done,
                    tech.to_string(),
                    id.to_string(),
                    recorded,
                ])?;
            }
        }
    }
    tx.commit()?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;")?;
    Ok(World {
        contract: contract.id,
    })
}

fn stats(label: &str, samples: &mut [Duration]) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = samples[samples.len() / 2];
    println!(
        "| {label} | {} | {:.0} | {:.0} | {:.0} |",
        samples.len(),
        ms(median),
        ms(samples[0]),
        ms(*samples.last().unwrap())
    );
}

fn main() -> BenchResult<()> {
    let rounds: usize = std::env::var("FIELDLOG_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir()?;
    // FIELDLOG_BENCH_DB keeps the database (e.g. to time the `fieldlog` binary on it).
    let db = std::env::var_os("FIELDLOG_BENCH_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("bench.sqlite"));
    if db.exists() {
        return Err(format!("{} exists; give a new path", db.display()).into());
    }
    let t = Instant::now();
    let world = build(&db)?;
    println!(
        "built {YEAR_FAULTS} faults ({OCTOBER_FAULTS} in 2026-10) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let font = Font::locate()?;
    let font_lookup = t.elapsed();
    let now = local(2026, 11, 20);
    let (oct_from, oct_to) = fieldlog_export::month_range("2026-10")?;
    let year = (
        NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
    );
    let (mut pdf_whole, mut month_summary, mut year_summary, mut year_xlsx) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut pdf_bytes, mut xlsx_bytes, mut checked) = (0, 0, None);
    for round in 0..=rounds {
        let t = Instant::now();
        let mut store = Store::open(&db)?;
        let view = store.summary_view(world.contract, oct_from, oct_to, now)?;
        let summary_done = t.elapsed();
        let pdf = fieldlog_export::summary_pdf(&mut store, &view, &font, now)?;
        std::fs::write(dir.path().join("monthly.pdf"), &pdf)?;
        let whole = t.elapsed();
        pdf_bytes = pdf.len();
        checked = Some((
            view.summary.figures.reported.count,
            view.summary.figures.repaired.count,
        ));

        let t = Instant::now();
        let year_view = store.summary_view(world.contract, year.0, year.1, now)?;
        let year_done = t.elapsed();
        let xlsx = fieldlog_export::summary_file(&mut store, &year_view, SummaryFormat::Xlsx, now)?;
        let xlsx_done = t.elapsed() - year_done;
        xlsx_bytes = xlsx.len();
        assert_eq!(
            year_view.summary.figures.reported.count as usize,
            YEAR_FAULTS
        );
        if round > 0 {
            pdf_whole.push(whole);
            month_summary.push(summary_done);
            year_summary.push(year_done);
            year_xlsx.push(xlsx_done);
        }
    }
    let (reported, repaired) = checked.unwrap();
    println!(
        "October: {reported} reported, {repaired} repaired; PDF {pdf_bytes} bytes; year XLSX {xlsx_bytes} bytes"
    );
    println!(
        "font lookup (once per process): {:.0} ms",
        font_lookup.as_secs_f64() * 1000.0
    );
    println!("| what | rounds | median ms | min | max |");
    println!("|---|---:|---:|---:|---:|");
    stats(
        "monthly summary PDF, 5,000 faults, whole (open, summary, layout, render, sign, write)",
        &mut pdf_whole,
    );
    stats(
        "  of which the summary (store queries + pure summary)",
        &mut month_summary,
    );
    stats(
        "summary of a year, 50,000 faults (`Store::summary_view`)",
        &mut year_summary,
    );
    stats("  the year's XLSX from that summary", &mut year_xlsx);
    Ok(())
}
