//! Demo data: two contracts (the presets of domain.md), about 50 sites with devices, a month of
//! faults with their events and arrivals, daily reports with entries and spare parts, most of them
//! signed, one amended. All made up: people, villages, serials; only the shape is real.
//!
//! Seeding is one transaction and happens once per database: a second run changes nothing.
//! Randomness is a fixed-seed generator, so the same `now` gives the same month.
//!
//! A crate of its own, so the production store carries no made-up data: the month is written
//! through the store's public actions, all inside one [`Store::batch`]. The `fieldlog demo`
//! command (and through it `cargo xtask run`'s first start) and tests link it; the desktop app
//! and the sync server do not (`cargo xtask tidy` checks).

pub mod photo;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::contract::{Contract, SpareFloor};
use fieldlog_domain::fault::{
    FaultCause, FaultEventKind, NewFault, ReportChannel, UnresolvedReason,
};
use fieldlog_domain::ids::TechnicianId;
use fieldlog_domain::inspection::InspectionKind;
use fieldlog_domain::report::{NewEntry, NewPartLine};
use fieldlog_domain::signature::{NewSignature, SignerRole};
use fieldlog_domain::site::{Device, DeviceKind, GeoPoint, Site, SiteKind};
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_domain::stock::{MovementKind, SpareKind, SparePart};
use fieldlog_domain::technician::Technician;
use fieldlog_domain::time::{china, local_date, local_day_bounds};
use fieldlog_store::{NewDevice, NewMovement, NewPart, NewSite, Result, Store, signature_image};
use serde::Serialize;
use std::collections::BTreeMap;

/// The mark a seeded profile keeps (`demo_seeded_at` in `meta`, as before the demo had a crate).
const SEEDED: &str = "demo";
const DAYS: i64 = 30;

/// What `seed` found or made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    /// False when the database had been seeded before and nothing was written.
    pub created: bool,
    pub contracts: u32,
    pub sites: u32,
    pub devices: u32,
    pub faults: u32,
    pub reports: u32,
    pub signed_reports: u32,
}

/// SplitMix64: tiny, good enough for made-up data, and identical on every platform.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn minutes(&mut self, lo: i64, hi: i64) -> TimeDelta {
        TimeDelta::minutes(lo + self.below((hi - lo).max(1) as u64) as i64)
    }
}

/// Seeds the demo month ending at `now`, once.
pub fn seed(store: &mut Store, now: DateTime<Utc>) -> Result<DemoSummary> {
    store.batch(|store| {
        let seeded = store.seeded_at(SEEDED)?;
        if seeded.is_none() {
            seed_month(store, now)?;
            store.mark_seeded(SEEDED, now)?;
        }
        summary(store, seeded.is_none())
    })
}

fn summary(store: &Store, created: bool) -> Result<DemoSummary> {
    let count =
        |sql: &str| -> Result<u32> { Ok(store.connection().query_row(sql, [], |r| r.get(0))?) };
    Ok(DemoSummary {
        created,
        contracts: count("SELECT count(*) FROM contracts")?,
        sites: count("SELECT count(*) FROM sites")?,
        devices: count("SELECT count(*) FROM devices")?,
        faults: count("SELECT count(*) FROM faults")?,
        reports: count("SELECT count(*) FROM daily_reports")?,
        signed_reports: count("SELECT count(*) FROM daily_reports WHERE status = 'signed'")?,
    })
}

struct Area {
    contract: Contract,
    sites: Vec<(Site, Vec<Device>)>,
    parts: Vec<SparePart>,
}

const VILLAGES: [&str; 18] = [
    "东坪村",
    "石桥村",
    "柳塘村",
    "青溪村",
    "枫林村",
    "白沙村",
    "桃源村",
    "长岭村",
    "新塘村",
    "上坑村",
    "下洋村",
    "龙湾村",
    "竹山村",
    "梅岭村",
    "杉坑村",
    "茶园村",
    "溪头村",
    "岭背村",
];
const TOWNS: [&str; 3] = ["城关镇", "溪口镇", "南山乡"];
const DEPARTMENTS: [&str; 10] = [
    "市政务数据中心",
    "市财政局",
    "市人社局",
    "市自然资源局",
    "市市场监管局",
    "市卫健委",
    "市教育局",
    "市住建局",
    "市交通局",
    "市应急管理局",
];

fn seed_month(store: &mut Store, now: DateTime<Utc>) -> Result<()> {
    let mut dice = Dice(2026);
    let start = now - TimeDelta::days(DAYS);
    let me = store.init_profile("林晓东", Some("JF-0317"), start)?;
    let colleagues = [
        store.add_technician("周文涛", Some("JF-0422"), start)?,
        store.add_technician("陈思远", Some("JF-0536"), start)?,
    ];
    let police = police_area(store, &mut dice, start)?;
    let egov = egov_area(store, start)?;
    for (area, stock_plan) in [
        (&police, [7, 6, 40, 30, 25, 20]),
        (&egov, [5, 4, 40, 30, 20, 16]),
    ] {
        for (part, qty) in area.parts.iter().zip(stock_plan) {
            store.record_movement(receipt(part, qty, start), start)?;
        }
    }

    // A month of faults; each one is played forward only as far as `now`.
    let mut visits: BTreeMap<(NaiveDate, TechnicianId, usize), Vec<Visit>> = BTreeMap::new();
    for day in 0..DAYS {
        for _ in 0..(1 + dice.below(3)) {
            let area_ix = usize::from(!dice.chance(70));
            let area = [&police, &egov][area_ix];
            let technician = if dice.chance(60) {
                &me
            } else {
                dice.pick(&colleagues)
            };
            // Most faults are reported in working hours (07:30–21:30 local), like the real ones.
            let (day_start, _) = local_day_bounds(local_date(start) + TimeDelta::days(day));
            let reported_at = day_start + dice.minutes(450, 1290);
            if reported_at > now {
                continue;
            }
            if let Some(visit) = play_fault(store, &mut dice, area, technician, reported_at, now)? {
                let date = local_date(visit.arrived_at);
                visits
                    .entry((date, technician.id, area_ix))
                    .or_default()
                    .push(visit);
            }
        }
    }
    // Today's open work for the profile's technician: one fault in each open state.
    for (ago_min, stage) in [(10, 0), (50, 1), (170, 2)] {
        let (site, devices) = &police.sites[ago_min as usize % police.sites.len()];
        let reported_at = now - TimeDelta::minutes(ago_min);
        let fault = store.record_fault(
            new_fault(
                &police,
                site,
                devices.first(),
                FaultLevel::B,
                reported_at,
                "摄像机画面中断",
            ),
            reported_at,
        )?;
        if stage >= 1 {
            let at = reported_at + TimeDelta::minutes(9);
            store.record_fault_event(
                fault.id,
                at,
                FaultEventKind::Acknowledged {
                    by: me.name.clone(),
                },
                at,
            )?;
        }
        if stage >= 2 {
            let at = reported_at + TimeDelta::minutes(95);
            store.record_arrival(arrival(&me, site, Some(fault.id), at), at)?;
        }
    }

    write_reports(
        store,
        &mut dice,
        [&police, &egov],
        &me,
        &colleagues,
        visits,
        now,
    )?;
    // Planned inspections: the quarter's security inspection of the data centre, and routine
    // visits to village points, one of them left over from yesterday.
    let today = local_date(now);
    let plan: [(&Area, usize, InspectionKind, i64, &[&str]); 4] = [
        (
            &egov,
            0,
            InspectionKind::SecurityQuarterly,
            0,
            &[
                "核查防火墙策略与日志",
                "检查核心交换机配置备份",
                "检查机房门禁与 UPS 告警记录",
            ],
        ),
        (
            &police,
            3,
            InspectionKind::Routine,
            0,
            &["检查立杆与箱体", "清洁镜头", "核对画面与时间"],
        ),
        (
            &police,
            8,
            InspectionKind::Routine,
            -1,
            &["检查立杆与箱体", "检查电源与防雷"],
        ),
        (
            &police,
            12,
            InspectionKind::Routine,
            3,
            &["检查立杆与箱体", "清洁镜头"],
        ),
    ];
    for (area, site_ix, kind, days, checklist) in plan {
        let site = &area.sites[site_ix].0;
        store.add_inspection(site.id, kind, today + TimeDelta::days(days), checklist)?;
    }
    // The day has started: today's report is open, waiting for the visits.
    let exists: bool = store.connection().query_row(
        "SELECT EXISTS (SELECT 1 FROM daily_reports WHERE technician_id = ?1 AND contract_id = ?2 AND work_date = ?3)",
        (me.id.to_string(), police.contract.id.to_string(), today),
        |r| r.get(0),
    )?;
    if !exists {
        store.create_report(me.id, police.contract.id, today, now)?;
    }
    Ok(())
}

fn police_area(store: &mut Store, dice: &mut Dice, at: DateTime<Utc>) -> Result<Area> {
    let preset = Preset::CountyPoliceVillageQuery;
    let contract = store.add_contract(
        preset.code(),
        "云溪县公安局村警查询服务运维",
        "云溪县公安局",
        NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid date"),
        NaiveDate::from_ymd_opt(2027, 6, 30).expect("valid date"),
        SpareFloor::default(),
        &preset.policy(),
        at,
    )?;
    let mut sites = Vec::new();
    for (i, village) in VILLAGES.iter().enumerate() {
        for (j, spot) in ["村口", "村委会"].iter().enumerate() {
            let n = i * 2 + j + 1;
            let site = store.add_site(NewSite {
                contract_id: contract.id,
                code: format!("YX-{n:03}"),
                name: format!("{village}{spot}监控点"),
                kind: SiteKind::CameraPole,
                address: format!("云溪县{}{village}", TOWNS[i % TOWNS.len()]),
                location: Some(GeoPoint {
                    lat: 27.40 + (dice.below(2000) as f64) / 10_000.0,
                    lon: 117.30 + (dice.below(3000) as f64) / 10_000.0,
                    accuracy_m: None,
                }),
            })?;
            let mut devices = vec![
                device(
                    store,
                    &site,
                    DeviceKind::Camera,
                    if n % 2 == 0 {
                        "球型摄像机 QJ-400"
                    } else {
                        "枪型摄像机 QX-200"
                    },
                    n,
                )?,
                device(store, &site, DeviceKind::PowerUnit, "室外电源箱 PS-12V", n)?,
            ];
            if n % 3 == 0 {
                devices.push(device(
                    store,
                    &site,
                    DeviceKind::Switch,
                    "工业交换机 SW-8P",
                    n,
                )?);
            }
            sites.push((site, devices));
        }
    }
    let parts = [
        ("BP-CAM-QJ", "球型摄像机（备品）", SpareKind::Unit, "QJ-400"),
        ("BP-CAM-QX", "枪型摄像机（备品）", SpareKind::Unit, "QX-200"),
        ("BJ-PWR-12V", "电源适配器 12V", SpareKind::Part, "PA-12V2A"),
        ("BJ-SFP-1G", "光模块 1.25G", SpareKind::Part, "SFP-GE-LX"),
        ("BJ-WPC", "防水接头", SpareKind::Part, "WP-M20"),
        ("BJ-RJ45", "超五类水晶头", SpareKind::Part, "RJ45-C5E"),
    ];
    Ok(Area {
        parts: add_parts(store, &contract, &parts)?,
        contract,
        sites,
    })
}

fn egov_area(store: &mut Store, at: DateTime<Utc>) -> Result<Area> {
    let preset = Preset::CityEgovExtranet;
    let contract = store.add_contract(
        preset.code(),
        "江城市电子政务外网运维",
        "江城市政务服务数据管理局",
        NaiveDate::from_ymd_opt(2024, 10, 1).expect("valid date"),
        NaiveDate::from_ymd_opt(2027, 9, 30).expect("valid date"),
        SpareFloor::default(),
        &preset.policy(),
        at,
    )?;
    let mut sites = Vec::new();
    for (i, department) in DEPARTMENTS.iter().enumerate() {
        let n = i + 1;
        let site = store.add_site(NewSite {
            contract_id: contract.id,
            code: format!("ZW-{n:03}"),
            name: format!("{department}机房"),
            kind: SiteKind::MachineRoom,
            address: format!("江城市{department}"),
            location: None,
        })?;
        let mut devices = vec![
            device(
                store,
                &site,
                DeviceKind::Switch,
                if n == 1 {
                    "核心交换机 CS-6800"
                } else {
                    "汇聚交换机 AS-5700"
                },
                n,
            )?,
            device(store, &site, DeviceKind::PowerUnit, "UPS 10kVA", n)?,
        ];
        if n <= 3 {
            devices.push(device(
                store,
                &site,
                DeviceKind::Server,
                "服务器 SV-2288",
                n,
            )?);
        }
        sites.push((site, devices));
    }
    for (n, department) in DEPARTMENTS.iter().enumerate().skip(1).take(4) {
        let site = store.add_site(NewSite {
            contract_id: contract.id,
            code: format!("ZW-GX{n:02}"),
            name: format!("政务外网光缆第{n}段（数据中心—{department}）"),
            kind: SiteKind::FibreSegment,
            address: "江城市政务外网环网".into(),
            location: None,
        })?;
        let devices = vec![device(
            store,
            &site,
            DeviceKind::FibreLine,
            "24 芯单模光缆",
            100 + n,
        )?];
        sites.push((site, devices));
    }
    let parts = [
        (
            "BP-SW-24",
            "接入交换机（备品）",
            SpareKind::Unit,
            "AS-2700-24",
        ),
        (
            "BP-UPS-MOD",
            "UPS 功率模块（备品）",
            SpareKind::Unit,
            "UPS-PM10",
        ),
        ("BJ-SFP-10G", "光模块 10G", SpareKind::Part, "SFP-10G-LR"),
        ("BJ-PATCH", "单模跳纤 3m", SpareKind::Part, "LC-LC-3M"),
        (
            "BJ-BAT-12V",
            "UPS 蓄电池 12V",
            SpareKind::Part,
            "BAT-12V100",
        ),
        ("BJ-PSU", "交换机电源模块", SpareKind::Part, "PSU-150W"),
    ];
    Ok(Area {
        parts: add_parts(store, &contract, &parts)?,
        contract,
        sites,
    })
}

fn device(
    store: &mut Store,
    site: &Site,
    kind: DeviceKind,
    model: &str,
    n: usize,
) -> Result<Device> {
    store.add_device(NewDevice {
        site_id: site.id,
        kind,
        model: model.into(),
        serial: Some(format!("DEMO-{}-{n:03}", kind.code().to_ascii_uppercase())),
    })
}

fn add_parts(
    store: &mut Store,
    contract: &Contract,
    parts: &[(&str, &str, SpareKind, &str)],
) -> Result<Vec<SparePart>> {
    parts
        .iter()
        .map(|(code, name, kind, model)| {
            store.add_part(NewPart {
                contract_id: contract.id,
                code: (*code).into(),
                name: (*name).into(),
                kind: *kind,
                model: Some((*model).into()),
            })
        })
        .collect()
}

fn receipt(part: &SparePart, quantity: i64, at: DateTime<Utc>) -> NewMovement {
    NewMovement {
        part_id: part.id,
        kind: MovementKind::Received,
        quantity,
        at,
        technician_id: None,
        fault_id: None,
        old_serial: None,
        new_serial: None,
        note: Some("月初备品备件入库".into()),
    }
}

fn new_fault(
    area: &Area,
    site: &Site,
    device: Option<&Device>,
    level: FaultLevel,
    reported_at: DateTime<Utc>,
    description: &str,
) -> NewFault {
    NewFault {
        contract_id: area.contract.id,
        site_id: site.id,
        device_id: device.map(|d| d.id),
        level,
        reported_at,
        channel: ReportChannel::Phone,
        description: description.into(),
        // Made-up customer managers; the one who first took the call owns the fault.
        first_receiver: ["王海燕", "赵立群", "孙雅琴"]
            [reported_at.timestamp().rem_euclid(3) as usize]
            .into(),
        caller: None,
        caller_phone: None,
    }
}

fn arrival(
    technician: &Technician,
    site: &Site,
    fault_id: Option<fieldlog_domain::ids::FaultId>,
    at: DateTime<Utc>,
) -> NewArrival {
    NewArrival {
        technician_id: technician.id,
        site_id: site.id,
        fault_id,
        arrived_at: at,
        location: site.location.map(|l| GeoPoint {
            lat: l.lat + 0.0002,
            lon: l.lon - 0.0001,
            accuracy_m: Some(15.0),
        }),
        site_confirmed_by_hand: site.location.is_none(),
    }
}

/// A visit to write into the day's report.
struct Visit {
    site: Site,
    device: Option<Device>,
    fault_id: fieldlog_domain::ids::FaultId,
    arrived_at: DateTime<Utc>,
    cause: &'static str,
    work: &'static str,
    outcome: Option<UnresolvedReason>,
    part: Option<usize>,
}

/// What usually goes wrong with a kind of device, what was done, and the spare it takes (found
/// in the contract's stock by name). Village poles and machine rooms fail differently.
fn trouble(
    kind: DeviceKind,
    machine_room: bool,
    dice: &mut Dice,
) -> (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
) {
    type Trouble = (
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    );
    let options: &[Trouble] = match (kind, machine_room) {
        (DeviceKind::Camera, _) => &[
            (
                "摄像机画面中断",
                "摄像机网口松动",
                "重新压接网线水晶头，恢复画面",
                Some("水晶头"),
            ),
            (
                "摄像机图像模糊",
                "镜头进水起雾",
                "更换防水接头并清洁镜头",
                Some("防水接头"),
            ),
            (
                "摄像机离线",
                "摄像机主板故障",
                "更换同型号备品摄像机",
                Some("摄像机"),
            ),
        ],
        (DeviceKind::PowerUnit, false) => &[
            (
                "点位断电",
                "电源适配器烧毁",
                "更换电源适配器，恢复供电",
                Some("电源适配器"),
            ),
            ("点位断电", "电源箱空开跳闸", "复位空开并检查线路", None),
        ],
        (DeviceKind::PowerUnit, true) => &[
            (
                "UPS 告警",
                "蓄电池老化",
                "更换蓄电池，复测放电",
                Some("蓄电池"),
            ),
            (
                "UPS 旁路运行",
                "功率模块故障",
                "更换同型号 UPS 功率模块",
                Some("功率模块"),
            ),
        ],
        (DeviceKind::Switch, _) => &[
            (
                "链路中断",
                "光模块老化",
                "更换光模块，链路恢复",
                Some("光模块"),
            ),
            (
                "端口频繁闪断",
                "跳纤弯折损耗过大",
                "更换跳纤，端口稳定",
                Some("跳纤"),
            ),
            (
                "交换机宕机",
                "交换机硬件故障",
                "更换同型号备品交换机",
                Some("交换机（备品）"),
            ),
        ],
        (DeviceKind::Server, _) => &[(
            "业务系统无法访问",
            "服务器电源模块故障",
            "更换电源模块，重启服务",
            Some("电源模块"),
        )],
        (DeviceKind::FibreLine, _) => &[("政务外网中断", "光缆中断", "熔接光缆，恢复传输", None)],
        (DeviceKind::Terminal, _) => &[("终端无法登录", "系统配置错误", "远程协助重新配置", None)],
    };
    *dice.pick(options)
}

/// Plays one fault forward from its report until `now`; returns the visit when someone went on site.
fn play_fault(
    store: &mut Store,
    dice: &mut Dice,
    area: &Area,
    technician: &Technician,
    reported_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<Visit>> {
    let (site, devices) = dice.pick(&area.sites);
    let device = dice.pick(devices);
    let level = match dice.below(10) {
        0 => FaultLevel::A,
        1..=3 => FaultLevel::B,
        _ => FaultLevel::C,
    };
    let limits = *area.contract.policy.levels.get(level);
    let machine_room = site.kind == SiteKind::MachineRoom;
    let (description, cause, work, part_name) = trouble(device.kind, machine_room, dice);
    let part = part_name.and_then(|name| area.parts.iter().position(|p| p.name.contains(name)));
    // Force majeure only where the contract has the rule (the county police).
    let force_majeure = dice.chance(4) && area.contract.policy.has_force_majeure();
    let fault = store.record_fault(
        new_fault(area, site, Some(device), level, reported_at, description),
        reported_at,
    )?;
    // Events are recorded in the order they happened (issue 19: a stated time may not precede
    // the fault's last event), so a drawn time earlier than the last one is moved up to it.
    let last = std::cell::Cell::new(reported_at);
    let event = |store: &mut Store, at: DateTime<Utc>, kind: FaultEventKind| -> Result<bool> {
        let at = at.max(last.get());
        if at > now {
            return Ok(false);
        }
        store.record_fault_event(fault.id, at, kind, at)?;
        last.set(at);
        Ok(true)
    };
    // Mostly on time; about one in ten late, so every clock state shows up.
    let late = |dice: &mut Dice, limit: u32| {
        let limit = i64::from(limit);
        if dice.chance(10) {
            dice.minutes(limit + 5, limit + 60)
        } else {
            dice.minutes(limit / 3, limit)
        }
    };
    let acknowledged_at = reported_at + late(dice, limits.response_min);
    if !event(
        store,
        acknowledged_at,
        FaultEventKind::Acknowledged {
            by: technician.name.clone(),
        },
    )? {
        return Ok(None);
    }
    if level == FaultLevel::C && dice.chance(30) {
        let at = acknowledged_at + dice.minutes(10, 40);
        // Remote first (远程支持): about one try in three fixes it, and nobody needs to go.
        let fixed = dice.chance(35) && !force_majeure;
        let note = if fixed {
            "远程重启设备后恢复"
        } else {
            "远程重启无效，需到场处理"
        };
        event(
            store,
            at,
            FaultEventKind::RemoteAttempt {
                fixed,
                note: note.into(),
            },
        )?;
        let escalates = area
            .contract
            .policy
            .remote_first
            .is_some_and(|r| r.on_site == fieldlog_domain::sla::RemoteOnSite::AfterEscalation);
        if !fixed && escalates {
            // E-government: remote support gives up and hands the fault to on-site support.
            event(
                store,
                at + dice.minutes(1, 10),
                FaultEventKind::EscalatedOnSite {
                    by: "远程支持".into(),
                    reason: "远程无法恢复，转现场".into(),
                },
            )?;
        }
        if fixed {
            let resolved_at = at + dice.minutes(5, 20);
            if event(
                store,
                resolved_at,
                FaultEventKind::Resolved { note: note.into() },
            )? {
                event(
                    store,
                    resolved_at + dice.minutes(10, 60),
                    FaultEventKind::CustomerInformed {
                        how: "电话告知用户".into(),
                    },
                )?;
            }
            return Ok(None);
        }
    }
    if level != FaultLevel::C && dice.chance(15) {
        let at = acknowledged_at + dice.minutes(5, 20);
        event(
            store,
            at,
            FaultEventKind::Escalated {
                to: "网络运维中心二线".into(),
                reason: "需厂家协助定位".into(),
            },
        )?;
    }
    let arrived_at = (reported_at
        + late(dice, limits.arrival_min)
            .max(acknowledged_at - reported_at + TimeDelta::minutes(5)))
    .max(last.get());
    if arrived_at > now {
        return Ok(None);
    }
    store.record_arrival(
        arrival(technician, site, Some(fault.id), arrived_at),
        arrived_at,
    )?;
    last.set(arrived_at);
    if force_majeure {
        let cause = *dice.pick(&[
            FaultCause::VehicleHit,
            FaultCause::Stolen,
            FaultCause::Weather,
        ]);
        event(
            store,
            arrived_at + dice.minutes(10, 30),
            FaultEventKind::CauseDetermined {
                cause,
                note: "现场拍照取证，已报采购人".into(),
            },
        )?;
        // Claimed with the client told; most accepted, some refused, some still pending.
        let claimed_at = arrived_at + dice.minutes(30, 40);
        if event(
            store,
            claimed_at,
            FaultEventKind::ForceMajeureClaimed {
                cause,
                told: "采购人代表".into(),
                note: "电话告知并发送现场照片".into(),
            },
        )? {
            let answer = dice.below(10);
            if answer < 8 {
                event(
                    store,
                    claimed_at + dice.minutes(60, 24 * 60),
                    FaultEventKind::ForceMajeureAgreement {
                        accepted: answer < 6,
                        by: "采购人代表".into(),
                        note: if answer < 6 {
                            "同意按不可抗拒因素处理".into()
                        } else {
                            "不同意，按一般故障计".into()
                        },
                    },
                )?;
            }
        }
    } else if device.kind == DeviceKind::FibreLine && dice.chance(50) {
        let note = "光缆被道路施工挖断".into();
        event(
            store,
            arrived_at + dice.minutes(10, 30),
            FaultEventKind::CauseDetermined {
                cause: FaultCause::ExternalForce,
                note,
            },
        )?;
    }
    // Spare substitution (备品备件替代): a same-model spare unit keeps the point running.
    let mut part = part;
    if let Some(unit) = part
        .map(|ix| &area.parts[ix])
        .filter(|p| p.kind == SpareKind::Unit && p.model.as_deref() == Some(device.model.as_str()))
        && area.contract.policy.spare_substitution
        && store.part_balance(unit.id)? >= 1
    {
        let at = (arrived_at + dice.minutes(20, 60)).max(last.get());
        if at <= now {
            let serial = format!("SP-{:06}", dice.below(1_000_000));
            store.substitute_spare(
                fault.id,
                unit.id,
                Some(&serial),
                Some(technician.id),
                at,
                at,
            )?;
            last.set(at);
            part = None;
        }
    }
    let finished_at = arrived_at + late(dice, limits.resolution_min);
    let outcome = if force_majeure {
        Some(UnresolvedReason::ForceMajeure)
    } else if dice.chance(8) {
        Some(*dice.pick(&[
            UnresolvedReason::Power,
            UnresolvedReason::Transmission,
            UnresolvedReason::Device,
        ]))
    } else {
        None
    };
    let (cause, work) = match outcome {
        Some(UnresolvedReason::ForceMajeure) => {
            ("立杆被车辆撞倒", "现场拍照取证并报采购人，待协商处理")
        }
        Some(UnresolvedReason::Power) => ("市电停电", "已联系供电所，待来电后复测"),
        Some(UnresolvedReason::Transmission) => ("上级传输链路中断", "已报传输专业处理"),
        Some(_) => ("设备主板损坏", "已申请返厂维修"),
        None => (cause, work),
    };
    let closed = match outcome {
        None => event(
            store,
            finished_at,
            FaultEventKind::Resolved { note: work.into() },
        )?,
        Some(reason) => event(
            store,
            finished_at,
            FaultEventKind::Unresolved {
                reason,
                note: work.into(),
            },
        )?,
    };
    if closed && outcome.is_none() && !dice.chance(5) {
        event(
            store,
            finished_at + dice.minutes(10, 90),
            FaultEventKind::CustomerInformed {
                how: "电话告知用户".into(),
            },
        )?;
    }
    Ok(Some(Visit {
        site: site.clone(),
        device: Some(device.clone()),
        fault_id: fault.id,
        arrived_at,
        cause,
        work,
        outcome,
        part: if outcome.is_none() && dice.chance(60) {
            part
        } else {
            None
        },
    }))
}

fn write_reports(
    store: &mut Store,
    dice: &mut Dice,
    areas: [&Area; 2],
    me: &Technician,
    colleagues: &[Technician],
    visits: BTreeMap<(NaiveDate, TechnicianId, usize), Vec<Visit>>,
    now: DateTime<Utc>,
) -> Result<()> {
    let today = local_date(now);
    let people: Vec<&Technician> = std::iter::once(me).chain(colleagues).collect();
    let mut amended = false;
    for ((date, technician_id, area_ix), day_visits) in visits {
        let area = areas[area_ix];
        let technician = people
            .iter()
            .find(|t| t.id == technician_id)
            .expect("visits name known technicians");
        // Reports are written in the evening; today's is still being written.
        let evening = china()
            .from_local_datetime(
                &date.and_time(NaiveTime::from_hms_opt(18, 30, 0).expect("valid time")),
            )
            .single()
            .expect("fixed offset")
            .with_timezone(&Utc)
            .min(now);
        let report = store.create_report(technician.id, area.contract.id, date, evening)?;
        for visit in &day_visits {
            let mut parts = Vec::new();
            if let Some(ix) = visit.part {
                let part = &area.parts[ix];
                if store.part_balance(part.id)? >= 1 {
                    parts.push(NewPartLine {
                        part_id: part.id,
                        quantity: 1,
                        old_serial: Some(format!("OLD-{:06}", dice.below(1_000_000))),
                        new_serial: Some(format!("NEW-{:06}", dice.below(1_000_000))),
                    });
                }
            }
            let entry = NewEntry {
                site_id: visit.site.id,
                device_id: visit.device.as_ref().map(|d| d.id),
                fault_id: Some(visit.fault_id),
                fault_cause: visit.cause.into(),
                resolved: visit.outcome.is_none(),
                unresolved_reason: visit.outcome,
                work_done: visit.work.into(),
                parts,
            };
            store.add_report_entry(report.id, entry, evening)?;
        }
        // Past days are signed, except one colleague who forgot yesterday's.
        let forgot = date + TimeDelta::days(1) == today && technician.id != me.id;
        if date < today && !forgot {
            store.sign_report(report.id, technician_signature(technician), evening)?;
            if !amended && technician.id == me.id && date + TimeDelta::days(10) <= today {
                amended = true;
                let next_morning = evening + TimeDelta::hours(15);
                let amendment =
                    store.amend_report(report.id, "补记更换备件的序列号", next_morning)?;
                store.sign_report(amendment.id, technician_signature(technician), next_morning)?;
            }
        }
    }
    Ok(())
}

/// The technician's handwriting, made up: the same scribble every time for the same person.
fn technician_signature(technician: &Technician) -> NewSignature {
    let seed = technician.name.chars().map(u64::from).sum::<u64>();
    let strokes = signature_image::scribble(technician.name.chars().count(), seed);
    NewSignature {
        signer_name: technician.name.clone(),
        role: SignerRole::Technician,
        image_png: signature_image::render_strokes_png(&strokes, 400, 150),
        strokes,
    }
}

/// The least a profile needs for a photo or an entry to hang on, for the benchmarks: a contract
/// `code` on the county police preset, one camera pole, and one level-B fault called in an hour
/// before `now`.
pub fn one_fault(
    store: &mut Store,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(Contract, Site, fieldlog_domain::fault::Fault)> {
    let contract = store.add_contract(
        code,
        "测试项目",
        "测试采购人",
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date"),
        NaiveDate::from_ymd_opt(2027, 12, 31).expect("a date"),
        Default::default(),
        &Preset::CountyPoliceVillageQuery.policy(),
        now,
    )?;
    let site = store.add_site(NewSite {
        contract_id: contract.id,
        code: "B-01".into(),
        name: "测试点位".into(),
        kind: SiteKind::CameraPole,
        address: "测试地址".into(),
        location: None,
    })?;
    let fault = store.record_fault(
        NewFault {
            contract_id: contract.id,
            site_id: site.id,
            device_id: None,
            level: FaultLevel::B,
            reported_at: now - TimeDelta::hours(1),
            channel: ReportChannel::Phone,
            description: "画面中断".into(),
            first_receiver: "测试客户经理".into(),
            caller: None,
            caller_phone: None,
        },
        now,
    )?;
    Ok((contract, site, fault))
}
