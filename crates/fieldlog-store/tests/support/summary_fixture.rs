//! Loads the hand-counted summary fixture (`tests/fixtures/summary-2026-10.json`) into a real
//! store through its public API, and compares a computed summary with the hand count
//! (`summary-2026-10.expected.json`, reasoning in `summary-2026-10.md`). Shared by the store's
//! tests and the CLI's (`#[path]`), so both check the same count.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::contract::Contract;
use fieldlog_domain::fault::{FaultEventKind, NewFault, ReportChannel};
use fieldlog_domain::ids::{FaultId, PartId, TechnicianId};
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_domain::stock::{MovementKind, SpareKind};
use fieldlog_domain::summary::Summary;
use fieldlog_store::{NewDevice, NewMovement, NewPart, NewSite, Store};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fieldlog-store/tests/fixtures")
        .canonicalize()
        .expect("the fixtures folder exists")
}

fn read(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

pub fn local(text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    fieldlog_domain::time::china()
        .from_local_datetime(&naive)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

pub struct Loaded {
    pub contract: Contract,
    pub now: DateTime<Utc>,
    /// Fixture key (F1, ...) by fault id, and back.
    pub keys: HashMap<FaultId, String>,
    pub ids: HashMap<String, FaultId>,
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

/// Writes the fixture into `store` (a fresh database).
pub fn load(store: &mut Store) -> Loaded {
    let fx = read("summary-2026-10.json");
    let now = local(s(&fx["now"]));
    let setup = local("2026-09-01 08:00");
    let names: Vec<&str> = fx["technicians"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    let mut techs: HashMap<String, TechnicianId> = HashMap::new();
    let me = store.init_profile(names[0], None, setup).unwrap();
    techs.insert(names[0].into(), me.id);
    for name in &names[1..] {
        let t = store.add_technician(name, None, setup).unwrap();
        techs.insert((*name).into(), t.id);
    }
    let preset = Preset::from_code(s(&fx["contract"])).unwrap();
    let contract = store
        .add_contract(
            "summary-fixture",
            "汇总测试项目",
            "测试采购人",
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            preset.spare_floor(),
            &preset.policy(),
            setup,
        )
        .unwrap();
    let mut sites = HashMap::new();
    for site in fx["sites"].as_array().unwrap() {
        let saved = store
            .add_site(NewSite {
                contract_id: contract.id,
                code: s(&site["code"]).into(),
                name: s(&site["name"]).into(),
                kind: SiteKind::CameraPole,
                address: "测试县".into(),
                location: None,
            })
            .unwrap();
        let device = store
            .add_device(NewDevice {
                site_id: saved.id,
                kind: s(&site["device"]).parse::<DeviceKind>().unwrap(),
                model: s(&site["model"]).into(),
                serial: site.get("serial").map(|v| s(v).to_owned()),
            })
            .unwrap();
        sites.insert(s(&site["code"]).to_owned(), (saved.id, device.id));
    }
    let mut parts: HashMap<String, PartId> = HashMap::new();
    for part in fx["parts"].as_array().unwrap() {
        let saved = store
            .add_part_as(
                NewPart {
                    contract_id: contract.id,
                    code: s(&part["code"]).into(),
                    name: s(&part["name"]).into(),
                    kind: s(&part["kind"]).parse::<SpareKind>().unwrap(),
                    model: part.get("model").map(|v| s(v).to_owned()),
                },
                part.get("main").is_none_or(|m| m.as_bool().unwrap()),
            )
            .unwrap();
        store
            .record_movement(
                NewMovement {
                    part_id: saved.id,
                    kind: MovementKind::Received,
                    quantity: part["received"].as_i64().unwrap(),
                    at: local(s(&part["at"])),
                    technician_id: None,
                    fault_id: None,
                    old_serial: None,
                    new_serial: None,
                    note: None,
                },
                now,
            )
            .unwrap();
        parts.insert(s(&part["code"]).into(), saved.id);
    }
    let (mut keys, mut ids) = (HashMap::new(), HashMap::new());
    for f in fx["faults"].as_array().unwrap() {
        let (site_id, device_id) = sites[s(&f["site"])];
        let fault = store
            .record_fault(
                NewFault {
                    contract_id: contract.id,
                    site_id,
                    device_id: Some(device_id),
                    level: s(&f["level"]).parse::<FaultLevel>().unwrap(),
                    reported_at: local(s(&f["reported"])),
                    channel: ReportChannel::Phone,
                    description: format!("{} 画面中断", s(&f["key"])),
                    first_receiver: "客户经理甲".into(),
                    caller: None,
                    caller_phone: None,
                },
                now,
            )
            .unwrap();
        for e in f["events"].as_array().unwrap() {
            let at = local(s(&e["at"]));
            let kind = match s(&e["do"]) {
                "arrive" => {
                    store
                        .record_arrival(
                            NewArrival {
                                technician_id: techs[s(&e["by"])],
                                site_id,
                                fault_id: Some(fault.id),
                                arrived_at: at,
                                location: None,
                                site_confirmed_by_hand: true,
                            },
                            now,
                        )
                        .unwrap();
                    continue;
                }
                "ack" => FaultEventKind::Acknowledged {
                    by: "值班".into()
                },
                "remote_fixed" => FaultEventKind::RemoteAttempt {
                    fixed: true,
                    note: "远程重启".into(),
                },
                "resolved" => FaultEventKind::Resolved {
                    note: "恢复".into(),
                },
                "unresolved" => FaultEventKind::Unresolved {
                    reason: s(&e["reason"]).parse().unwrap(),
                    note: String::new(),
                },
                "informed" => FaultEventKind::CustomerInformed {
                    how: "电话".into()
                },
                "substitute" => {
                    store
                        .substitute_spare(
                            fault.id,
                            parts[s(&e["part"])],
                            Some(s(&e["serial"])),
                            Some(techs[s(&e["by"])]),
                            at,
                            now,
                        )
                        .unwrap();
                    continue;
                }
                "claim" => FaultEventKind::ForceMajeureClaimed {
                    cause: s(&e["cause"]).parse().unwrap(),
                    told: s(&e["told"]).into(),
                    note: s(&e["note"]).into(),
                },
                "agree" => FaultEventKind::ForceMajeureAgreement {
                    accepted: e["accepted"].as_bool().unwrap(),
                    by: s(&e["by"]).into(),
                    note: s(&e["note"]).into(),
                },
                "cause" => FaultEventKind::CauseDetermined {
                    cause: s(&e["cause"]).parse().unwrap(),
                    note: s(&e["note"]).into(),
                },
                other => panic!("unknown fixture event {other}"),
            };
            store.record_fault_event(fault.id, at, kind, now).unwrap();
        }
        keys.insert(fault.id, s(&f["key"]).to_owned());
        ids.insert(s(&f["key"]).to_owned(), fault.id);
    }
    for m in fx["movements"].as_array().unwrap() {
        store
            .record_movement(
                NewMovement {
                    part_id: parts[s(&m["part"])],
                    kind: MovementKind::Used,
                    quantity: m["qty"].as_i64().unwrap(),
                    at: local(s(&m["at"])),
                    technician_id: Some(techs[s(&m["by"])]),
                    fault_id: m.get("fault").map(|k| ids[s(k)]),
                    old_serial: None,
                    new_serial: None,
                    note: None,
                },
                now,
            )
            .unwrap();
    }
    Loaded {
        contract,
        now,
        keys,
        ids,
    }
}

/// The hand-counted ranges: (name, from, to exclusive, expected).
pub fn expected_ranges() -> Vec<(String, NaiveDate, NaiveDate, Value)> {
    read("summary-2026-10.expected.json")["ranges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                s(&r["name"]).to_owned(),
                s(&r["from"]).parse().unwrap(),
                s(&r["to"]).parse().unwrap(),
                r.clone(),
            )
        })
        .collect()
}

/// A summary as the hand count writes it (fixture keys, sorted), from the summary's JSON: the
/// same shape whether it came from the store or from `fieldlog --json summary`.
pub fn as_hand_count(summary: &Value, keys: &HashMap<FaultId, String>, like: &Value) -> Value {
    let to_keys = |ids: &Value| -> Value {
        let mut out: Vec<String> = ids
            .as_array()
            .unwrap()
            .iter()
            .map(|id| keys[&s(id).parse::<FaultId>().unwrap()].clone())
            .collect();
        out.sort_by_key(|k| (k.len(), k.clone()));
        Value::from(out)
    };
    let figures = &summary["figures"];
    let fig = |name: &str| to_keys(&figures[name]["fault_ids"]);
    let mut out = serde_json::Map::new();
    out.insert("name".into(), like["name"].clone());
    out.insert("from".into(), summary["from"].clone());
    out.insert("to".into(), summary["to"].clone());
    for name in [
        "reported",
        "repaired",
        "unresolved",
        "carried_over_repaired",
        "carried_over_open",
        "force_majeure",
    ] {
        out.insert(name.into(), fig(name));
    }
    let claims = &figures["force_majeure_claims"];
    out.insert(
        "force_majeure_claims".into(),
        serde_json::json!({
            "claimed": to_keys(&claims["claimed"]["fault_ids"]),
            "pending": to_keys(&claims["pending"]["fault_ids"]),
            "accepted": to_keys(&claims["accepted"]["fault_ids"]),
            "refused": to_keys(&claims["refused"]["fault_ids"]),
        }),
    );
    let key_of = |id: &Value| keys[&s(id).parse::<FaultId>().unwrap()].clone();
    let cases: Vec<Value> = summary["force_majeure_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::json!([key_of(&c["fault_id"]), c["cause"], c["state"]]))
        .collect();
    out.insert("force_majeure_cases".into(), cases.into());
    let substitutions: Vec<Value> = summary["substitutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            serde_json::json!([
                key_of(&x["fault_id"]),
                x["part_code"],
                x["old_serial"],
                x["new_serial"]
            ])
        })
        .collect();
    out.insert("substitutions".into(), substitutions.into());
    let mut reasons = serde_json::Map::new();
    for r in figures["unresolved_by_reason"].as_array().unwrap() {
        reasons.insert(s(&r["reason"]).into(), to_keys(&r["figure"]["fault_ids"]));
    }
    out.insert("unresolved_by_reason".into(), reasons.into());
    let (repaired, reported) = (
        figures["repaired"]["count"].as_u64().unwrap(),
        figures["reported"]["count"].as_u64().unwrap(),
    );
    let rate = figures["resolution_rate"].as_f64();
    // repaired / reported on the one rounding rule's 0.1 % grid (fieldlog_domain::rounding).
    assert_eq!(
        rate,
        (reported > 0).then(|| ((repaired * 2000 + reported) / (2 * reported)) as f64 / 1000.0),
        "the rate is repaired / reported, rounded to 0.1 %"
    );
    out.insert(
        "resolution_rate".into(),
        serde_json::json!([repaired, reported]),
    );
    if like.get("sla").is_some() {
        let mut sla = serde_json::Map::new();
        for row in figures["clock_faults"].as_array().unwrap() {
            let mut states = serde_json::Map::new();
            for state in ["met", "breached", "running", "exempt"] {
                let ids = to_keys(&row[state]);
                if !ids.as_array().unwrap().is_empty() {
                    states.insert(state.into(), ids);
                }
            }
            if !states.is_empty() {
                sla.insert(
                    format!("{}/{}", s(&row["level"]), s(&row["clock"])),
                    states.into(),
                );
            }
        }
        // The drill-down lists agree with the tallies of clocks::compliance.
        for level in summary["figures"]["compliance"]["levels"]
            .as_array()
            .unwrap()
        {
            for clock in [
                "response",
                "arrival",
                "resolution",
                "feedback",
                "major_restoration",
            ] {
                let key = format!("{}/{clock}", s(&level["level"]));
                for state in ["met", "breached", "running", "exempt"] {
                    let listed = sla
                        .get(&key)
                        .and_then(|v| v.get(state))
                        .map_or(0, |v| v.as_array().unwrap().len() as u64);
                    assert_eq!(
                        level[clock][state].as_u64().unwrap(),
                        listed,
                        "{key} {state}"
                    );
                }
            }
        }
        out.insert("sla".into(), sla.into());
    }
    let mut consumed = serde_json::Map::new();
    for p in figures["parts_consumed"].as_array().unwrap() {
        consumed.insert(
            s(&p["code"]).into(),
            serde_json::json!([p["quantity"], to_keys(&p["fault_ids"])]),
        );
    }
    out.insert("parts_consumed".into(), consumed.into());
    let stock = &summary["stock"];
    let under: Vec<Value> = stock["under_floor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].clone())
        .collect();
    out.insert(
        "stock".into(),
        serde_json::json!({
            "units": stock["floor"]["units"],
            "parts": stock["floor"]["parts"],
            "units_below_floor": stock["floor"]["units_below_floor"],
            "parts_below_floor": stock["floor"]["parts_below_floor"],
            "under_floor": under,
        }),
    );
    if like.get("technicians").is_some() {
        let mut techs = serde_json::Map::new();
        for t in summary["technicians"].as_array().unwrap() {
            let f = &t["figures"];
            let mut parts = BTreeMap::new();
            for p in f["parts_consumed"].as_array().unwrap() {
                parts.insert(s(&p["code"]).to_owned(), p["quantity"].clone());
            }
            techs.insert(
                s(&t["name"]).into(),
                serde_json::json!({
                    "reported": to_keys(&f["reported"]["fault_ids"]),
                    "repaired": to_keys(&f["repaired"]["fault_ids"]),
                    "carried_over_repaired": to_keys(&f["carried_over_repaired"]["fault_ids"]),
                    "carried_over_open": to_keys(&f["carried_over_open"]["fault_ids"]),
                    "parts": parts,
                }),
            );
        }
        out.insert("technicians".into(), techs.into());
    }
    out.insert(
        "unattributed".into(),
        to_keys(&summary["unattributed"]["fault_ids"]),
    );
    Value::Object(out)
}

/// The store's summary as JSON, exactly as `--json` prints it.
pub fn summary_json(summary: &Summary) -> Value {
    serde_json::to_value(summary).unwrap()
}
