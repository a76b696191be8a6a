//! Inspections by plan (issue 19 item 5): a contract's monthly and quarterly plans, the period's
//! inspections they make (the same rows on every laptop: `planned_inspection_id`), the checklist's
//! ticks, findings, and a finding turned into a fault in one transaction.

use crate::inspections::{self, with_overdue};
use crate::sql::{json, parse, parse_opt};
use crate::{Result, Store, StoreError, catalog, faults};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::fault::{NewFault, ReportChannel};
use fieldlog_domain::ids::{ContractId, FaultId, SiteId, TechnicianId};
use fieldlog_domain::inspection::{self, InspectionKind, Period};
use fieldlog_domain::time::local_date;
use fieldlog_domain::validate::{self, InvalidInput};
use fieldlog_wire::v1::{
    ChecklistItem, FindingToFault, InspectionDetail, InspectionFinding, InspectionList,
    InspectionPlan, InspectionRow, InspectionTick, NewFinding, NewInspectionPlan, NewTick,
};
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

/// The most items a checklist holds.
const MAX_ITEMS: usize = 40;

const PLAN_COLUMNS: &str = "p.id, p.contract_id, c.name, p.kind, p.checklist, p.site_ids,
     p.starts_on, p.ends_on FROM inspection_plans p JOIN contracts c ON c.id = p.contract_id";

fn plan_row(r: &Row<'_>) -> rusqlite::Result<InspectionPlan> {
    let site_ids: Option<String> = r.get(5)?;
    Ok(InspectionPlan {
        id: parse(r, 0)?,
        contract_id: parse(r, 1)?,
        contract_name: r.get(2)?,
        kind: parse(r, 3)?,
        checklist: json(r, 4)?,
        site_ids: match site_ids {
            Some(_) => Some(json(r, 5)?),
            None => None,
        },
        starts_on: r.get(6)?,
        ends_on: r.get(7)?,
    })
}

fn plans(conn: &Connection) -> Result<Vec<InspectionPlan>> {
    let mut stmt = conn.prepare(&format!("SELECT {PLAN_COLUMNS} ORDER BY c.name, p.kind"))?;
    Ok(stmt
        .query_map([], plan_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The checklist as typed: each item one line, at least one, at most [`MAX_ITEMS`]; none given
/// takes the kind's default items.
fn checklist(kind: InspectionKind, items: &[String]) -> Result<Vec<String>> {
    let items: Vec<&str> = items
        .iter()
        .map(|i| i.trim())
        .filter(|i| !i.is_empty())
        .collect();
    if items.is_empty() {
        return Ok(kind
            .default_checklist()
            .iter()
            .map(|&i| i.to_owned())
            .collect());
    }
    if items.len() > MAX_ITEMS {
        return Err(InvalidInput::new(
            "checklist",
            format!("检查项最多{MAX_ITEMS}项，请合并或删减"),
            format!("a checklist holds at most {MAX_ITEMS} items"),
        )
        .into());
    }
    Ok(items
        .into_iter()
        .map(|item| validate::required_text("checklist", "检查项", item, 100))
        .collect::<Result<_, _>>()?)
}

fn add_plan(
    conn: &Connection,
    input: NewInspectionPlan,
    now: DateTime<Utc>,
) -> Result<InspectionPlan> {
    let contract = catalog::contract(conn, input.contract_id)?;
    let checklist = checklist(input.kind, &input.checklist)?;
    if let Some(site_ids) = &input.site_ids {
        if site_ids.is_empty() {
            return Err(InvalidInput::new(
                "site_ids",
                "请至少选择一个点位，或选择“全部点位”",
                "choose at least one site, or all sites",
            )
            .into());
        }
        for &site_id in site_ids {
            let site = catalog::site(conn, site_id)?;
            if site.contract_id != contract.id {
                return Err(StoreError::conflict(
                    format!(
                        "点位“{}”不属于合同“{}”，请重新选择点位",
                        site.name, contract.name
                    ),
                    format!(
                        "site {} does not belong to contract {}",
                        site.code, contract.code
                    ),
                ));
            }
        }
    }
    let id = Uuid::now_v7();
    conn.execute(
        "INSERT INTO inspection_plans (id, contract_id, kind, checklist, site_ids, starts_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (
            id.to_string(),
            contract.id.to_string(),
            input.kind.code(),
            serde_json::to_string(&checklist).expect("strings serialise"),
            input
                .site_ids
                .as_ref()
                .map(|ids| serde_json::to_string(ids).expect("ids serialise")),
            input.starts_on,
            now,
        ),
    )?;
    make_periods(conn, local_date(now))?;
    conn.query_row(
        &format!("SELECT {PLAN_COLUMNS} WHERE p.id = ?1"),
        [id.to_string()],
        plan_row,
    )
    .map_err(Into::into)
}

/// Makes every plan's inspections of the periods begun by `day` that this laptop does not hold
/// yet. Each row's id and content follow from (plan, site, period) alone, so another laptop that
/// made it too made the same row; a row already here (maybe done) is left as it is.
pub(crate) fn make_periods(conn: &Connection, day: NaiveDate) -> Result<()> {
    for plan in plans(conn)? {
        let last = plan.ends_on.map_or(day, |end| end.min(day));
        let periods = inspection::periods_begun(plan.kind, plan.starts_on, last);
        if periods.is_empty() {
            continue;
        }
        let sites: Vec<SiteId> = match &plan.site_ids {
            // A site this laptop does not hold yet (its record still on the way) waits for it:
            // the next opening makes its inspection.
            Some(ids) => ids
                .iter()
                .copied()
                .filter(|&id| catalog::site(conn, id).is_ok())
                .collect(),
            None => catalog::sites(conn, Some(plan.contract_id))?
                .into_iter()
                .map(|s| s.id)
                .collect(),
        };
        let checklist = serde_json::to_string(&plan.checklist).expect("strings serialise");
        let mut insert = conn.prepare_cached(
            "INSERT OR IGNORE INTO inspections
                 (id, contract_id, site_id, kind, planned_for, checklist, plan_id, due_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for period in &periods {
            for &site_id in &sites {
                let id = inspection::planned_inspection_id(plan.id, site_id, *period);
                insert.execute((
                    id.to_string(),
                    plan.contract_id.to_string(),
                    site_id.to_string(),
                    plan.kind.code(),
                    period.first_day,
                    &checklist,
                    plan.id.to_string(),
                    period.last_day,
                ))?;
            }
        }
    }
    Ok(())
}

/// An inspection that may still take ticks and findings: refused once it is done.
fn open_inspection(
    conn: &Connection,
    id: Uuid,
    what_zh: &str,
    what_en: &str,
) -> Result<InspectionRow> {
    let row = inspections::row(conn, id)?;
    if row.done_at.is_some() {
        return Err(StoreError::conflict(
            format!("该巡检已完成，不能再{what_zh}（已完成的巡检是存档证据）"),
            format!("the inspection is done: it takes no more {what_en} (it is evidence now)"),
        ));
    }
    Ok(row)
}

fn tick(conn: &Connection, id: Uuid, input: NewTick, now: DateTime<Utc>) -> Result<()> {
    let inspection = open_inspection(conn, id, "勾选检查项", "ticks")?;
    let Some(item) = inspection.checklist.get(input.position as usize) else {
        return Err(InvalidInput::new(
            "position",
            format!("检查项第{}项不存在，请刷新后重试", input.position + 1),
            format!("the checklist has no item {}", input.position + 1),
        )
        .into());
    };
    let note = if input.outcome.needs_note() {
        validate::required_text("note", "说明（异常情况或未检查原因）", &input.note, 200)?
    } else {
        validate::optional_text("note", "说明", &input.note, 200)?.unwrap_or_default()
    };
    conn.execute(
        "INSERT INTO inspection_ticks (id, inspection_id, position, item, outcome, note, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        (
            Uuid::now_v7().to_string(),
            id.to_string(),
            input.position,
            item,
            input.outcome.code(),
            note,
            now,
        ),
    )?;
    Ok(())
}

fn note_finding(
    conn: &Connection,
    id: Uuid,
    input: NewFinding,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let inspection = open_inspection(conn, id, "记录发现", "findings")?;
    let site = catalog::site(conn, input.site_id)?;
    if site.contract_id != inspection.contract_id {
        return Err(StoreError::conflict(
            format!("点位“{}”不属于本巡检的合同，请选择本合同的点位", site.name),
            format!(
                "site {} belongs to another contract than the inspection",
                site.code
            ),
        ));
    }
    catalog::check_device_at_site(conn, input.device_id, &site)?;
    let description =
        validate::required_multiline_text("description", "发现的问题", &input.description, 500)?;
    let finding = Uuid::now_v7();
    conn.execute(
        "INSERT INTO inspection_findings (id, inspection_id, site_id, device_id, description, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (
            finding.to_string(),
            id.to_string(),
            site.id.to_string(),
            input.device_id.map(|d| d.to_string()),
            description,
            now,
        ),
    )?;
    Ok(finding)
}

const FINDING_COLUMNS: &str = "f.id, f.inspection_id, f.site_id, s.code, s.name, f.device_id,
     d.kind, d.model, f.description, f.recorded_at, l.fault_id
     FROM inspection_findings f JOIN sites s ON s.id = f.site_id
     LEFT JOIN devices d ON d.id = f.device_id
     LEFT JOIN inspection_finding_faults l ON l.finding_id = f.id";

fn finding_row(r: &Row<'_>) -> rusqlite::Result<InspectionFinding> {
    let kind: Option<fieldlog_domain::site::DeviceKind> = parse_opt(r, 6)?;
    let model: Option<String> = r.get(7)?;
    Ok(InspectionFinding {
        id: parse(r, 0)?,
        inspection_id: parse(r, 1)?,
        site_id: parse(r, 2)?,
        site_code: r.get(3)?,
        site_name: r.get(4)?,
        device_id: parse_opt(r, 5)?,
        device: kind
            .map(|k| fieldlog_domain::site::device_label(k, model.as_deref().unwrap_or_default())),
        description: r.get(8)?,
        recorded_at: r.get(9)?,
        fault_id: parse_opt(r, 10)?,
    })
}

fn finding(conn: &Connection, id: Uuid) -> Result<InspectionFinding> {
    conn.query_row(
        &format!("SELECT {FINDING_COLUMNS} WHERE f.id = ?1"),
        [id.to_string()],
        finding_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("finding", id))
}

/// The fault a finding becomes, recorded by the store's own fault action, and the finding's link
/// to it, in the caller's one transaction.
fn finding_to_fault(
    conn: &Connection,
    finding_id: Uuid,
    input: FindingToFault,
    now: DateTime<Utc>,
) -> Result<FaultId> {
    let found = finding(conn, finding_id)?;
    if found.fault_id.is_some() {
        return Err(StoreError::conflict(
            "该发现已转为故障，请在故障列表中查看",
            "the finding is already a fault; see the fault list",
        ));
    }
    let inspection = inspections::row(conn, found.inspection_id)?;
    let technician = crate::desk::technician_of(conn)?;
    // The id follows from the finding: a colleague's laptop turning the same finding into a
    // fault offline makes the same fault, which sync keeps once (docs/sync-protocol.md).
    let fault = faults::record_fault_as(
        conn,
        FaultId(inspection::finding_fault_id(finding_id)),
        NewFault {
            contract_id: inspection.contract_id,
            site_id: found.site_id,
            device_id: found.device_id,
            level: input.level,
            reported_at: input.reported_at.unwrap_or(now),
            channel: ReportChannel::Inspection,
            description: found.description,
            first_receiver: technician.name,
            caller: None,
            caller_phone: None,
        },
        now,
    )?;
    conn.execute(
        "INSERT INTO inspection_finding_faults (finding_id, fault_id, recorded_at) VALUES (?1, ?2, ?3)",
        (finding_id.to_string(), fault.id.to_string(), now),
    )?;
    Ok(fault.id)
}

/// The latest tick of each item, by position.
fn latest_ticks(conn: &Connection, id: Uuid) -> Result<Vec<InspectionTick>> {
    let mut stmt = conn.prepare(
        "SELECT id, position, item, outcome, note, recorded_at FROM inspection_ticks
         WHERE inspection_id = ?1 ORDER BY position, recorded_at, id",
    )?;
    let all: Vec<InspectionTick> = stmt
        .query_map([id.to_string()], |r| {
            Ok(InspectionTick {
                id: parse(r, 0)?,
                position: r.get(1)?,
                item: r.get(2)?,
                outcome: parse(r, 3)?,
                note: r.get(4)?,
                recorded_at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Ordered by position then time: the last of each position is the one that counts.
    let mut latest: Vec<InspectionTick> = Vec::new();
    for tick in all {
        match latest.last_mut() {
            Some(last) if last.position == tick.position => *last = tick,
            _ => latest.push(tick),
        }
    }
    Ok(latest)
}

/// The positions of the checklist that have a tick (for the completion check).
pub(crate) fn ticked_positions(conn: &Connection, id: Uuid) -> Result<Vec<usize>> {
    Ok(latest_ticks(conn, id)?
        .into_iter()
        .map(|t| t.position as usize)
        .collect())
}

fn detail(conn: &Connection, id: Uuid, day: NaiveDate) -> Result<InspectionDetail> {
    let mut rows = vec![inspections::row(conn, id)?];
    with_overdue(&mut rows, day);
    let inspection = rows.remove(0);
    let ticks = latest_ticks(conn, id)?;
    let items = inspection
        .checklist
        .iter()
        .enumerate()
        .map(|(position, item)| ChecklistItem {
            position: position as u32,
            item: item.clone(),
            tick: ticks
                .iter()
                .find(|t| t.position as usize == position)
                .cloned(),
        })
        .collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT {FINDING_COLUMNS} WHERE f.inspection_id = ?1 ORDER BY f.recorded_at, f.id"
    ))?;
    let findings = stmt
        .query_map([id.to_string()], finding_row)?
        .collect::<rusqlite::Result<_>>()?;
    let period = inspection
        .plan_id
        .map(|_| Period::holding(inspection.kind, inspection.planned_for).code(inspection.kind));
    Ok(InspectionDetail {
        devices: catalog::devices(conn, inspection.site_id)?,
        period,
        items,
        findings,
        inspection,
    })
}

fn list(conn: &Connection, day: NaiveDate) -> Result<InspectionList> {
    let mut open = inspections::open(conn)?;
    with_overdue(&mut open, day);
    // Overdue first, then by their last day.
    open.sort_by_key(|r| (!r.overdue, r.due_by.unwrap_or(r.planned_for)));
    let mut done = inspections::done_since(conn, day - chrono::TimeDelta::days(31))?;
    with_overdue(&mut done, day);
    Ok(InspectionList {
        local_date: day,
        open,
        done,
        plans: plans(conn)?,
    })
}

/// What the inspection screens and the CLI call (through `desk`), each action one transaction.
impl Store {
    /// Adds a contract's plan and makes its inspections of the periods begun so far.
    pub fn add_inspection_plan(
        &mut self,
        input: NewInspectionPlan,
        now: DateTime<Utc>,
    ) -> Result<InspectionPlan> {
        self.write(|tx| add_plan(tx, input, now))
    }

    /// Makes the plans' inspections of the periods begun by now (opening the inspections list
    /// or Today does), then lists them.
    pub fn inspection_list(&mut self, now: DateTime<Utc>) -> Result<InspectionList> {
        let day = local_date(now);
        self.write(|tx| {
            make_periods(tx, day)?;
            list(tx, day)
        })
    }

    pub fn inspection_detail(&self, id: Uuid, now: DateTime<Utc>) -> Result<InspectionDetail> {
        detail(&self.conn, id, local_date(now))
    }

    /// Ticks one checklist item (again: the latest tick counts until the inspection is done).
    pub fn tick_inspection(
        &mut self,
        id: Uuid,
        input: NewTick,
        now: DateTime<Utc>,
    ) -> Result<InspectionDetail> {
        self.write(|tx| {
            tick(tx, id, input, now)?;
            detail(tx, id, local_date(now))
        })
    }

    /// Notes a finding on an inspection not yet done.
    pub fn note_finding(
        &mut self,
        id: Uuid,
        input: NewFinding,
        now: DateTime<Utc>,
    ) -> Result<InspectionDetail> {
        self.write(|tx| {
            note_finding(tx, id, input, now)?;
            detail(tx, id, local_date(now))
        })
    }

    /// Turns a finding into a fault (channel: found on inspection) in one transaction.
    pub fn finding_to_fault(
        &mut self,
        finding_id: Uuid,
        input: FindingToFault,
        now: DateTime<Utc>,
    ) -> Result<(FaultId, InspectionDetail)> {
        self.write(|tx| {
            let fault = finding_to_fault(tx, finding_id, input, now)?;
            let inspection = finding(tx, finding_id)?.inspection_id;
            Ok((fault, detail(tx, inspection, local_date(now))?))
        })
    }

    /// The plans of one contract, or all.
    pub fn inspection_plans(&self, contract_id: Option<ContractId>) -> Result<Vec<InspectionPlan>> {
        Ok(plans(&self.conn)?
            .into_iter()
            .filter(|p| contract_id.is_none_or(|c| p.contract_id == c))
            .collect())
    }
}

/// The monthly summary's inspection facts of a contract: those due in the local days `[from, to)`.
pub(crate) fn summary_facts(
    conn: &Connection,
    contract_id: ContractId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<inspection::InspectionFact>> {
    let mut stmt = conn.prepare(
        "SELECT i.id, i.contract_id, i.kind, coalesce(i.due_by, i.planned_for), i.done_at,
                (SELECT count(*) FROM inspection_findings f WHERE f.inspection_id = i.id),
                (SELECT count(*) FROM inspection_findings f
                 JOIN inspection_finding_faults l ON l.finding_id = f.id WHERE f.inspection_id = i.id)
         FROM inspections i
         WHERE i.contract_id = ?1 AND coalesce(i.due_by, i.planned_for) >= ?2
           AND coalesce(i.due_by, i.planned_for) < ?3",
    )?;
    Ok(stmt
        .query_map((contract_id.to_string(), from, to), |r| {
            Ok(inspection::InspectionFact {
                id: parse(r, 0)?,
                contract_id: parse(r, 1)?,
                kind: parse(r, 2)?,
                due_by: r.get(3)?,
                done_at: r.get(4)?,
                findings: r.get(5)?,
                findings_to_faults: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// The inspections of the summary's range, counted per kind (`inspection::count_inspections`).
pub(crate) fn summary_tally(
    conn: &Connection,
    contract_id: ContractId,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<inspection::InspectionTally>> {
    let facts = summary_facts(conn, contract_id, from, to)?;
    let close = fieldlog_domain::summary::close_of(to, now);
    Ok(inspection::count_inspections(&facts, from, to, close))
}

/// The inspections of a contract done on a local day, with their checklists and findings: what
/// that day's report shows beside its entries.
/// The inspections of a contract done on `day`, and of those only the ones `technician`
/// completed when given (the arrival that closed them is theirs: a daily report lists its own
/// technician's).
fn done_on(
    conn: &Connection,
    contract_id: ContractId,
    technician: Option<TechnicianId>,
    day: NaiveDate,
) -> Result<Vec<InspectionDetail>> {
    let (start, end) = fieldlog_domain::time::local_day_bounds(day);
    let ids: Vec<Uuid> = conn
        .prepare(
            "SELECT i.id FROM inspections i LEFT JOIN arrivals a ON a.id = i.done_arrival_id
             WHERE i.contract_id = ?1 AND i.done_at >= ?2 AND i.done_at < ?3
               AND (?4 IS NULL OR a.technician_id = ?4)
             ORDER BY i.done_at, i.id",
        )?
        .query_map(
            (
                contract_id.to_string(),
                start,
                end,
                technician.map(|t| t.to_string()),
            ),
            |r| parse(r, 0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| detail(conn, id, day)).collect()
}

impl Store {
    /// The inspections of a contract `technician` completed on `day` (the daily report's PDF).
    pub fn inspections_done_by(
        &self,
        contract_id: ContractId,
        technician: TechnicianId,
        day: NaiveDate,
    ) -> Result<Vec<InspectionDetail>> {
        done_on(&self.conn, contract_id, Some(technician), day)
    }

    /// The inspections of a contract done on `day` (the daily report's inspections).
    pub fn inspections_done_on(
        &self,
        contract_id: ContractId,
        day: NaiveDate,
    ) -> Result<Vec<InspectionDetail>> {
        done_on(&self.conn, contract_id, None, day)
    }
}

impl Store {
    /// An inspection by its full id or the last digits of it (the CLI).
    pub fn resolve_inspection(&self, key: &str) -> Result<Uuid> {
        faults::resolve_id_suffix(&self.conn, "inspections", key, "inspection")
    }

    /// A finding by its full id or the last digits of it (the CLI).
    pub fn resolve_finding(&self, key: &str) -> Result<Uuid> {
        faults::resolve_id_suffix(&self.conn, "inspection_findings", key, "finding")
    }
}
