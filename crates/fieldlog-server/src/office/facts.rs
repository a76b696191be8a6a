//! The laptop's rows as the server stores them (`records.row`, `feed.row`: the JSON object the
//! outbox triggers of `migrations/*.sql` write), decoded into the domain's own types: what the
//! clocks (`fieldlog_domain::clocks::FaultFacts`), the holder of a fault
//! (`fieldlog_domain::dispatch::holder`) and the monthly summary
//! (`fieldlog_domain::summary::SummaryInput`) are computed from, so the office computes them with
//! the laptop's pure functions over the same facts.
//!
//! A row is decoded straight from its JSON text into a typed struct (no `serde_json::Map` kept):
//! times are text as rusqlite writes chrono (`2026-12-07 14:50:28.123+00:00`) or RFC 3339, both of
//! which chrono reads; booleans are SQLite's 0/1; a fault event's payload and an assignment's
//! `supersedes` are JSON held as text (a column), parsed once more. Columns a kind gained later
//! (`faults.caller`, `spare_parts.main_equipment`, `report_entries.held_at`) default as their
//! migration does.

use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::dispatch::{Assignment, AssignmentKind};
use fieldlog_domain::fault::{Fault, FaultEvent, FaultEventKind};
use fieldlog_domain::ids::{
    AssignmentId, ContractId, DeviceId, EntryId, FaultEventId, FaultId, ReportId, SiteId,
    TechnicianId,
};
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::SlaPolicy;
use fieldlog_domain::stock::{SpareKind, SparePart, StockMovement};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A stored row that is not what its kind's migration writes.
#[derive(Debug, thiserror::Error)]
#[error("stored {entity} row is not a laptop row: {why}")]
pub struct RowError {
    pub entity: String,
    pub why: String,
}

fn decode<T: DeserializeOwned>(entity: &str, text: &str) -> Result<T, RowError> {
    serde_json::from_str(text).map_err(|e| RowError {
        entity: entity.to_owned(),
        why: e.to_string(),
    })
}

/// A JSON document kept in a text column (an event's payload, an assignment's supersedes).
fn nested<T: DeserializeOwned>(entity: &str, column: &str, text: &str) -> Result<T, RowError> {
    serde_json::from_str(text).map_err(|e| RowError {
        entity: entity.to_owned(),
        why: format!("{column}: {e}"),
    })
}

/// SQLite keeps booleans as 0/1 (and a row written by hand may say true/false).
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Int(i64),
        Bool(bool),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Int(n) => n != 0,
        Flag::Bool(b) => b,
    })
}

fn main_by_default() -> bool {
    true
}

/// A contract (`contracts`): its code names its records' scope on the server.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ContractFact {
    pub id: ContractId,
    pub code: String,
    pub name: String,
    pub client: String,
    pub service_start: NaiveDate,
    pub service_end: NaiveDate,
    pub floor_units: i64,
    pub floor_parts: i64,
    pub policy_version: u32,
}

impl ContractFact {
    pub fn spare_floor(&self) -> SpareFloor {
        SpareFloor {
            units: self.floor_units,
            parts: self.floor_parts,
        }
    }
}

/// One version of a contract's SLA policy (`sla_policies`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFact {
    pub contract_id: ContractId,
    pub version: u32,
    pub policy: SlaPolicy,
}

/// A site (`sites`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SiteFact {
    pub id: SiteId,
    pub contract_id: ContractId,
    pub code: String,
    pub name: String,
    pub kind: SiteKind,
}

/// A device at a site (`devices`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeviceFact {
    pub id: DeviceId,
    pub site_id: SiteId,
    pub kind: DeviceKind,
    pub model: String,
}

/// A fault (`faults`), with who called it in (`Fault::caller`; migration 0010: none on faults
/// recorded before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultFact {
    pub fault: Fault,
}

/// A check-in on site (`arrivals`), with the server's receipt of it (the summary's
/// `ArrivalTime`): when the record arrived and whether its device's clock was off then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrivalFact {
    pub id: fieldlog_domain::ids::ArrivalId,
    pub technician_id: TechnicianId,
    pub site_id: SiteId,
    pub fault_id: Option<FaultId>,
    pub arrived_at: DateTime<Utc>,
    /// The laptop's own check (`arrivals.clock_suspect`, 0 before migration 0004).
    pub device_suspect: bool,
    pub received_at: DateTime<Utc>,
    pub server_suspect: bool,
}

/// A technician's profile (`technicians`), as their laptop keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TechnicianFact {
    pub id: TechnicianId,
    pub name: String,
}

/// A daily report (`daily_reports`): whose it is, for the work of its entries.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReportFact {
    pub id: ReportId,
    pub technician_id: TechnicianId,
    pub contract_id: ContractId,
    /// The signed report this one corrects (a correction counts over it once signed, issue 19).
    #[serde(default)]
    pub amends_id: Option<ReportId>,
    #[serde(default)]
    pub signed_at: Option<DateTime<Utc>>,
}

/// A report entry (`report_entries`): the fault it is about, and whether it was kept apart from
/// a signed report (`held_at`, migration 0007): a held entry is nobody's work.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EntryFact {
    pub id: EntryId,
    pub report_id: ReportId,
    pub fault_id: Option<FaultId>,
    #[serde(default)]
    pub held_at: Option<String>,
    /// Issue 19 (migration 0012): the earlier entry of the same report this one replaces, and
    /// whether it strikes (`0`/`1` as SQLite keeps it); rows from before have neither.
    #[serde(default)]
    pub supersedes_id: Option<EntryId>,
    #[serde(default)]
    pub struck: i64,
}

/// One decoded row.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    Contract(ContractFact),
    Policy(PolicyFact),
    Site(SiteFact),
    Device(DeviceFact),
    Fault(FaultFact),
    Event(FaultEvent),
    Arrival(ArrivalFact),
    Assignment(Assignment),
    Technician(TechnicianFact),
    Part(SparePart),
    Movement(StockMovement),
    Report(ReportFact),
    Entry(EntryFact),
    /// A kind nothing here reads (signatures, entry parts, …).
    Other,
    // Inspections by plan (issue 19 item 5): what the month counts of them.
    Inspection(InspectionRecord),
    Finding {
        id: uuid::Uuid,
        inspection_id: uuid::Uuid,
    },
    /// A finding that became a fault (by the finding's id).
    FindingFault(uuid::Uuid),
}

/// An inspection as the month counts it. Columns added later (`due_by`, issue 19) default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InspectionRecord {
    pub id: uuid::Uuid,
    pub contract_id: ContractId,
    pub kind: fieldlog_domain::inspection::InspectionKind,
    pub planned_for: NaiveDate,
    #[serde(default)]
    pub due_by: Option<NaiveDate>,
    #[serde(default)]
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct FindingRow {
    id: uuid::Uuid,
    inspection_id: uuid::Uuid,
}

#[derive(Deserialize)]
struct FindingFaultRow {
    finding_id: uuid::Uuid,
}

#[derive(Deserialize)]
struct PolicyRow {
    contract_id: ContractId,
    version: u32,
    policy: String,
}

#[derive(Deserialize)]
struct EventRow {
    id: FaultEventId,
    fault_id: FaultId,
    at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    payload: String,
}

#[derive(Deserialize)]
struct ArrivalRow {
    id: fieldlog_domain::ids::ArrivalId,
    technician_id: TechnicianId,
    site_id: SiteId,
    fault_id: Option<FaultId>,
    arrived_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "flag")]
    clock_suspect: bool,
}

#[derive(Deserialize)]
struct AssignmentRow {
    id: AssignmentId,
    fault_id: FaultId,
    kind: AssignmentKind,
    technician_id: TechnicianId,
    technician_name: String,
    supersedes: String,
    #[serde(default)]
    reason: String,
    assigned_by: String,
    at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct PartRow {
    id: fieldlog_domain::ids::PartId,
    contract_id: ContractId,
    code: String,
    name: String,
    kind: SpareKind,
    model: Option<String>,
    #[serde(default = "main_by_default", deserialize_with = "flag")]
    main_equipment: bool,
}

/// What the server knows of a stored version beside its row.
#[derive(Debug, Clone, Copy)]
pub struct Receipt {
    pub received_at: DateTime<Utc>,
    pub clock_suspect: bool,
}

/// Decodes the row `text` of kind `entity`.
pub fn fact(entity: &str, text: &str, receipt: Receipt) -> Result<Fact, RowError> {
    Ok(match entity {
        "contracts" => Fact::Contract(decode(entity, text)?),
        "sla_policies" => {
            let row: PolicyRow = decode(entity, text)?;
            Fact::Policy(PolicyFact {
                contract_id: row.contract_id,
                version: row.version,
                policy: nested(entity, "policy", &row.policy)?,
            })
        }
        "sites" => Fact::Site(decode(entity, text)?),
        "devices" => Fact::Device(decode(entity, text)?),
        "faults" => Fact::Fault(FaultFact {
            fault: decode(entity, text)?,
        }),
        "fault_events" => {
            let row: EventRow = decode(entity, text)?;
            let kind: FaultEventKind = nested(entity, "payload", &row.payload)?;
            Fact::Event(FaultEvent {
                id: row.id,
                fault_id: row.fault_id,
                at: row.at,
                recorded_at: row.recorded_at,
                kind,
            })
        }
        "arrivals" => {
            let row: ArrivalRow = decode(entity, text)?;
            Fact::Arrival(ArrivalFact {
                id: row.id,
                technician_id: row.technician_id,
                site_id: row.site_id,
                fault_id: row.fault_id,
                arrived_at: row.arrived_at,
                device_suspect: row.clock_suspect,
                received_at: receipt.received_at,
                server_suspect: receipt.clock_suspect,
            })
        }
        "fault_assignments" => {
            let row: AssignmentRow = decode(entity, text)?;
            Fact::Assignment(Assignment {
                id: row.id,
                fault_id: row.fault_id,
                kind: row.kind,
                technician_id: row.technician_id,
                technician_name: row.technician_name,
                supersedes: nested(entity, "supersedes", &row.supersedes)?,
                reason: row.reason,
                assigned_by: row.assigned_by,
                at: row.at,
                recorded_at: row.recorded_at,
            })
        }
        "technicians" => Fact::Technician(decode(entity, text)?),
        "spare_parts" => {
            let row: PartRow = decode(entity, text)?;
            Fact::Part(SparePart {
                id: row.id,
                contract_id: row.contract_id,
                code: row.code,
                name: row.name,
                kind: row.kind,
                model: row.model,
                main_equipment: row.main_equipment,
            })
        }
        // The domain's movement has the table's columns (recorded_at aside).
        "stock_movements" => Fact::Movement(decode(entity, text)?),
        "daily_reports" => Fact::Report(decode(entity, text)?),
        "report_entries" => Fact::Entry(decode(entity, text)?),
        "inspections" => Fact::Inspection(decode(entity, text)?),
        "inspection_findings" => {
            let row: FindingRow = decode(entity, text)?;
            Fact::Finding {
                id: row.id,
                inspection_id: row.inspection_id,
            }
        }
        "inspection_finding_faults" => {
            let row: FindingFaultRow = decode(entity, text)?;
            Fact::FindingFault(row.finding_id)
        }
        _ => Fact::Other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldlog_domain::fault::{NewFault, ReportChannel};
    use fieldlog_domain::sla::{FaultLevel, Preset};
    use fieldlog_store::{NewDevice, NewSite, Store, desk};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn receipt() -> Receipt {
        Receipt {
            received_at: at("2026-12-01T09:00:00Z"),
            clock_suspect: true,
        }
    }

    /// Every row a real laptop store queues for the server, decoded.
    fn laptop_facts(store: &Store) -> Vec<Fact> {
        store
            .outbox_batch(10_000)
            .unwrap()
            .iter()
            .map(|change| {
                let text = serde_json::to_string(&change.row).unwrap();
                fact(&change.entity, &text, receipt()).unwrap_or_else(|e| panic!("{e}: {text}"))
            })
            .collect()
    }

    #[test]
    fn the_laptops_own_rows_decode_into_the_domains_types() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
        let now = at("2026-12-01T08:30:00Z");
        let me = store.init_profile("测试工程师", None, now).unwrap();
        let contract = store
            .add_contract(
                "HB-2026-01",
                "测试县雪亮工程运维",
                "测试县公安局",
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
                SpareFloor::default(),
                &Preset::CountyPoliceVillageQuery.policy(),
                now,
            )
            .unwrap();
        let site = store
            .add_site(NewSite {
                contract_id: contract.id,
                code: "CS-001".into(),
                name: "测试村村口".into(),
                kind: SiteKind::CameraPole,
                address: "测试县测试村".into(),
                location: None,
            })
            .unwrap();
        let device = store
            .add_device(NewDevice {
                site_id: site.id,
                kind: DeviceKind::Camera,
                model: "DS-TEST-1".into(),
                serial: None,
            })
            .unwrap();
        let reported = at("2026-12-01T08:00:00Z");
        let fault = desk::report_fault(
            &mut store,
            NewFault {
                contract_id: contract.id,
                site_id: site.id,
                device_id: Some(device.id),
                level: FaultLevel::A,
                reported_at: reported,
                channel: ReportChannel::Phone,
                description: "摄像头无画面".into(),
                first_receiver: "客户经理甲".into(),
                caller: None,
                caller_phone: None,
            },
            now,
        )
        .unwrap();
        let fault_id = fault.fault.id;
        desk::record_fault_event(
            &mut store,
            fault_id,
            FaultEventKind::Acknowledged {
                by: "测试工程师".into(),
            },
            Some(at("2026-12-01T08:10:00Z")),
            now,
        )
        .unwrap();
        desk::check_in(
            &mut store,
            site.id,
            Some(fault_id),
            None,
            true,
            Some(at("2026-12-01T08:25:00Z")),
            now,
        )
        .unwrap();

        let facts = laptop_facts(&store);
        let find = |pick: &dyn Fn(&Fact) -> bool| facts.iter().find(|f| pick(f)).cloned();
        let Some(Fact::Contract(c)) = find(&|f| matches!(f, Fact::Contract(_))) else {
            panic!("no contract in {facts:?}")
        };
        assert_eq!((c.id, c.code.as_str()), (contract.id, "HB-2026-01"));
        assert_eq!(c.spare_floor(), SpareFloor::default());
        let Some(Fact::Policy(p)) = find(&|f| matches!(f, Fact::Policy(_))) else {
            panic!("no policy")
        };
        assert_eq!(p.policy, Preset::CountyPoliceVillageQuery.policy());
        assert_eq!((p.contract_id, p.version), (contract.id, 1));
        let Some(Fact::Site(s)) = find(&|f| matches!(f, Fact::Site(_))) else {
            panic!("no site")
        };
        assert_eq!((s.id, s.kind), (site.id, SiteKind::CameraPole));
        let Some(Fact::Device(d)) = find(&|f| matches!(f, Fact::Device(_))) else {
            panic!("no device")
        };
        assert_eq!((d.id, d.kind), (device.id, DeviceKind::Camera));
        let Some(Fact::Fault(f)) = find(&|f| matches!(f, Fact::Fault(_))) else {
            panic!("no fault")
        };
        assert_eq!(f.fault, fault.fault, "the fault as the laptop keeps it");
        assert_eq!((f.fault.caller, f.fault.caller_phone), (None, None));
        let mut events: Vec<FaultEvent> = facts
            .iter()
            .filter_map(|f| match f {
                Fact::Event(e) => Some(e.clone()),
                _ => None,
            })
            .collect();
        events.sort_by_key(|e| e.id);
        assert_eq!(events.len(), 2, "acknowledged, on site");
        assert_eq!(events, store_events(&store, fault_id), "the events as kept");
        let Some(Fact::Arrival(a)) = find(&|f| matches!(f, Fact::Arrival(_))) else {
            panic!("no arrival")
        };
        assert_eq!(
            (a.fault_id, a.technician_id, a.arrived_at),
            (Some(fault_id), me.id, at("2026-12-01T08:25:00Z"))
        );
        assert_eq!(
            (a.received_at, a.server_suspect),
            (receipt().received_at, true),
            "the server's receipt rides along"
        );
        let Some(Fact::Technician(t)) = find(&|f| matches!(f, Fact::Technician(_))) else {
            panic!("no profile")
        };
        assert_eq!((t.id, t.name.as_str()), (me.id, "测试工程师"));
    }

    fn store_events(store: &Store, fault_id: FaultId) -> Vec<FaultEvent> {
        let mut events = store.fault_detail(fault_id, Utc::now()).unwrap().events;
        events.sort_by_key(|e| e.id);
        events
    }

    /// Rows the laptop has no writer for yet (the take of a fault, migration 0010), as its
    /// trigger writes them: `supersedes` is JSON kept as text; times as rusqlite writes them.
    #[test]
    fn an_assignment_row_as_the_trigger_writes_it() {
        let row = serde_json::json!({
            "id": "0190f0f0-0000-7000-8000-000000000002",
            "fault_id": "0190f0f0-0000-7000-8000-000000000001",
            "kind": "take",
            "technician_id": "0190f0f0-0000-7000-8000-000000000003",
            "technician_name": "测试工程师",
            "supersedes": "[\"0190f0f0-0000-7000-8000-000000000009\"]",
            "reason": "",
            "assigned_by": "测试工程师",
            "at": "2026-12-01 08:05:00.123+00:00",
            "recorded_at": "2026-12-01T08:05:01Z",
        });
        let Fact::Assignment(a) = fact("fault_assignments", &row.to_string(), receipt()).unwrap()
        else {
            panic!("not an assignment")
        };
        assert_eq!(a.kind, AssignmentKind::Take);
        assert_eq!(
            a.supersedes,
            vec!["0190f0f0-0000-7000-8000-000000000009".parse().unwrap()]
        );
        assert_eq!(a.at, at("2026-12-01T08:05:00.123Z"));

        let broken = row.to_string().replace("[\\\"", "[oops\\\"");
        let refused = fact("fault_assignments", &broken, receipt()).unwrap_err();
        assert!(refused.to_string().contains("supersedes"), "{refused}");
        assert!(matches!(
            fact("signatures", "{}", receipt()).unwrap(),
            Fact::Other
        ));
    }

    /// Issue 19: an inspection stored before plans existed (no `plan_id`, no `due_by`) still
    /// decodes, its last day being its planned day.
    #[test]
    fn an_inspection_from_before_plans_decodes_with_its_planned_day_as_its_last() {
        let row = serde_json::json!({
            "id": "0190f0f0-0000-7000-8000-000000000013",
            "contract_id": "0190f0f0-0000-7000-8000-000000000001",
            "site_id": "0190f0f0-0000-7000-8000-000000000002",
            "kind": "routine",
            "planned_for": "2026-11-03",
            "checklist": "[\"检查立杆\"]",
            "done_arrival_id": null,
            "done_at": null
        });
        let Fact::Inspection(i) = fact("inspections", &row.to_string(), receipt()).unwrap() else {
            panic!("not an inspection");
        };
        assert_eq!(i.due_by, None);
        assert_eq!(
            fieldlog_domain::inspection::due_by(i.planned_for, i.due_by),
            "2026-11-03".parse().unwrap()
        );
    }
}
