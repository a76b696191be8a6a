//! Planned inspections: listed when due, done once by an arrival at their site.

use crate::sql::{json, opt_text, parse, parse_opt};
use crate::{Result, Store, StoreError, arrivals, catalog};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::ids::{ArrivalId, SiteId};
use fieldlog_domain::inspection::{self, InspectionKind};
use fieldlog_domain::validate;
use fieldlog_wire::v1::InspectionRow;
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

pub(crate) fn add(
    conn: &Connection,
    site_id: SiteId,
    kind: InspectionKind,
    planned_for: NaiveDate,
    checklist: &[&str],
) -> Result<InspectionRow> {
    let site = catalog::site(conn, site_id)?;
    let checklist: Vec<String> = checklist
        .iter()
        .map(|item| validate::required_text("checklist", "检查项", item, 100))
        .collect::<Result<_, _>>()?;
    let id = Uuid::now_v7();
    conn.execute(
        "INSERT INTO inspections (id, contract_id, site_id, kind, planned_for, checklist) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (
            id.to_string(),
            site.contract_id.to_string(),
            site.id.to_string(),
            kind.code(),
            planned_for,
            serde_json::to_string(&checklist).expect("strings serialise"),
        ),
    )?;
    row(conn, id)
}

const COLUMNS: &str =
    "i.id, i.contract_id, i.site_id, s.code, s.name, i.kind, i.planned_for, i.checklist,
     i.done_arrival_id, i.done_at, i.plan_id, i.due_by,
     (SELECT count(DISTINCT t.position) FROM inspection_ticks t
      WHERE t.inspection_id = i.id AND t.position < json_array_length(i.checklist)),
     (SELECT count(*) FROM inspection_findings f WHERE f.inspection_id = i.id)
     FROM inspections i JOIN sites s ON s.id = i.site_id";

fn inspection_row(r: &Row<'_>) -> rusqlite::Result<InspectionRow> {
    let kind: InspectionKind = parse(r, 5)?;
    Ok(InspectionRow {
        id: parse(r, 0)?,
        contract_id: parse(r, 1)?,
        site_id: parse(r, 2)?,
        site_code: r.get(3)?,
        site_name: r.get(4)?,
        kind,
        kind_label: kind.label_zh().to_owned(),
        planned_for: r.get(6)?,
        checklist: json(r, 7)?,
        done_arrival_id: parse_opt(r, 8)?,
        done_at: r.get(9)?,
        plan_id: parse_opt(r, 10)?,
        due_by: r.get(11)?,
        // Set by `with_overdue`, which knows the day.
        overdue: false,
        items_ticked: r.get(12)?,
        findings: r.get(13)?,
    })
}

/// Marks each row overdue on `day` or not (`fieldlog_domain::inspection::is_overdue`), filling in
/// the last day of a hand-planned inspection (its planned day).
pub(crate) fn with_overdue(rows: &mut [InspectionRow], day: NaiveDate) {
    for row in rows {
        let due_by = inspection::due_by(row.planned_for, row.due_by);
        row.due_by = Some(due_by);
        row.overdue = inspection::is_overdue(due_by, row.done_at.is_some(), day);
    }
}

/// Every inspection not done yet, whatever its day.
pub(crate) fn open(conn: &Connection) -> Result<Vec<InspectionRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} WHERE i.done_at IS NULL ORDER BY i.planned_for, s.code"
    ))?;
    Ok(stmt
        .query_map([], inspection_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The inspections done on `since` or later (by their local day), latest first.
pub(crate) fn done_since(conn: &Connection, since: NaiveDate) -> Result<Vec<InspectionRow>> {
    let (from, _) = fieldlog_domain::time::local_day_bounds(since);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} WHERE i.done_at >= ?1 ORDER BY i.done_at DESC"
    ))?;
    Ok(stmt
        .query_map([from], inspection_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn row(conn: &Connection, id: Uuid) -> Result<InspectionRow> {
    conn.query_row(
        &format!("SELECT {COLUMNS} WHERE i.id = ?1"),
        [id.to_string()],
        inspection_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("inspection", id))
}

/// Inspections due on `day` (planned for it or earlier) and not done, oldest first.
pub(crate) fn due(conn: &Connection, day: NaiveDate) -> Result<Vec<InspectionRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} WHERE i.done_at IS NULL AND i.planned_for <= ?1 ORDER BY i.planned_for, s.code"
    ))?;
    Ok(stmt
        .query_map([day], inspection_row)?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn complete(
    conn: &Connection,
    id: Uuid,
    arrival_id: ArrivalId,
    now: DateTime<Utc>,
) -> Result<InspectionRow> {
    let inspection = row(conn, id)?;
    if inspection.done_at.is_some() {
        return Err(StoreError::conflict(
            "该巡检已完成",
            "the inspection is already done",
        ));
    }
    // Every item needs a tick first (issue 19): ok, not ok with what is wrong, or not checked
    // with the reason. An item cannot simply be left blank.
    let missing = inspection::unticked(
        inspection.checklist.len(),
        crate::inspection_plans::ticked_positions(conn, id)?,
    );
    if !missing.is_empty() {
        let numbers: Vec<String> = missing.iter().map(|i| (i + 1).to_string()).collect();
        return Err(StoreError::conflict(
            format!(
                "还有{}项检查未勾选（第{}项），请逐项勾选；无法检查的项选“未检查”并写明原因",
                missing.len(),
                numbers.join("、")
            ),
            format!(
                "{} checklist item(s) have no tick (no. {}): tick each one; one that cannot be checked is marked not checked with the reason",
                missing.len(),
                numbers.join(", ")
            ),
        ));
    }
    let arrival = arrivals::arrival(conn, arrival_id)?;
    if arrival.site_id != inspection.site_id {
        return Err(StoreError::conflict(
            format!(
                "到场点位与巡检点位“{}”不一致，请在该点位签到",
                inspection.site_name
            ),
            format!(
                "the arrival is not at the inspection's site {}",
                inspection.site_code
            ),
        ));
    }
    conn.execute(
        "UPDATE inspections SET done_arrival_id = ?2, done_at = ?3 WHERE id = ?1",
        (id.to_string(), opt_text(Some(arrival_id)), now),
    )?;
    row(conn, id)
}

impl Store {
    /// Plans an inspection at a site (admin, demo).
    pub fn add_inspection(
        &mut self,
        site_id: SiteId,
        kind: InspectionKind,
        planned_for: NaiveDate,
        checklist: &[&str],
    ) -> Result<InspectionRow> {
        self.write(|tx| add(tx, site_id, kind, planned_for, checklist))
    }

    pub fn due_inspections(&self, day: NaiveDate) -> Result<Vec<InspectionRow>> {
        due(&self.conn, day)
    }

    /// Marks an inspection done by an arrival at its site.
    pub fn complete_inspection(
        &mut self,
        id: Uuid,
        arrival_id: ArrivalId,
        now: DateTime<Utc>,
    ) -> Result<InspectionRow> {
        self.write(|tx| complete(tx, id, arrival_id, now))
    }
}
