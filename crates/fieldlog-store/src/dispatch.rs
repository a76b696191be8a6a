//! Who holds a fault on this laptop (issue 18): the assignment records (`fault_assignments`)
//! the office's dispatch brought by sync and the technician's own takes (接单), read into
//! `fieldlog_domain::dispatch::Assignment` and judged by its pure `holder`.
//!
//! "Mine" is the server's technician id once the laptop is enrolled (the office assigns to the
//! technician it knows; the profile's local id is not his on the server), the profile's id before.
//! A take is recorded only enrolled: its technician must be the one the server knows the device
//! by, or the server would refuse the push that carries it.

use crate::sql::{json, parse};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use fieldlog_domain::dispatch::{self, Assignment, AssignmentKind, DispatchRefusal, Holder};
use fieldlog_domain::ids::{AssignmentId, FaultId, TechnicianId};
use fieldlog_domain::validate::InvalidInput;
use fieldlog_wire::v1::FaultHolder;
use rusqlite::{Connection, Row};
use std::collections::HashMap;
use uuid::Uuid;

const COLUMNS: &str = "id, fault_id, kind, technician_id, technician_name, supersedes, reason,
     assigned_by, at, recorded_at FROM fault_assignments";

fn assignment_row(row: &Row<'_>) -> rusqlite::Result<Assignment> {
    Ok(Assignment {
        id: parse(row, 0)?,
        fault_id: parse(row, 1)?,
        kind: parse(row, 2)?,
        technician_id: parse(row, 3)?,
        technician_name: row.get(4)?,
        supersedes: json(row, 5)?,
        reason: row.get(6)?,
        assigned_by: row.get(7)?,
        // Times as rusqlite writes chrono, or RFC 3339 (chrono's FromStr reads both).
        at: parse(row, 8)?,
        recorded_at: parse(row, 9)?,
    })
}

/// One fault's records, oldest first.
pub(crate) fn assignments(conn: &Connection, fault_id: FaultId) -> Result<Vec<Assignment>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} WHERE fault_id = ?1 ORDER BY at, id"
    ))?;
    Ok(stmt
        .query_map([fault_id.to_string()], assignment_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Every fault's records, by fault (one query for a whole list).
pub(crate) fn assignments_by_fault(conn: &Connection) -> Result<HashMap<FaultId, Vec<Assignment>>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} ORDER BY at, id"))?;
    let mut out: HashMap<FaultId, Vec<Assignment>> = HashMap::new();
    for record in stmt.query_map([], assignment_row)? {
        let record = record?;
        out.entry(record.fault_id).or_default().push(record);
    }
    Ok(out)
}

/// The technician this laptop's "mine" means: the server's id once enrolled, else the profile's.
pub(crate) fn me(conn: &Connection) -> Result<Option<TechnicianId>> {
    if let Some(id) = enrolled_technician(conn)? {
        return Ok(Some(id));
    }
    Ok(crate::catalog::profile(conn)?.map(|t| t.id))
}

fn enrolled_technician(conn: &Connection) -> Result<Option<TechnicianId>> {
    let id: Option<String> = conn
        .query_row(
            "SELECT technician_id FROM sync_state WHERE id = 1 AND device_token IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    Ok(id.and_then(|id| Uuid::parse_str(&id).ok().map(TechnicianId)))
}

/// The holder as the fault lists show it to `me`.
pub(crate) fn holder_view(holder: &Holder, me: Option<TechnicianId>) -> FaultHolder {
    match holder {
        Holder::Unassigned => FaultHolder::Unassigned,
        Holder::Assigned { current } if Some(current.technician_id) == me => FaultHolder::Mine,
        Holder::Assigned { current } => FaultHolder::Other {
            name: current.technician_name.clone(),
        },
        Holder::Disputed { claims } => FaultHolder::Disputed {
            names: claims.iter().map(|c| c.technician_name.clone()).collect(),
            mine: me.is_some_and(|me| holder.involves(me)),
        },
    }
}

/// The take (接单), inside the caller's transaction: checked against the records this laptop
/// holds, recorded in the enrolled technician's name, superseding nothing.
pub(crate) fn take_fault(
    conn: &Connection,
    fault_id: FaultId,
    now: DateTime<Utc>,
) -> Result<Assignment> {
    let fault = crate::faults::fault(conn, fault_id)?;
    let profile = crate::desk::technician_of(conn)?;
    let Some(technician_id) = enrolled_technician(conn)? else {
        return Err(InvalidInput::new(
            "enrollment",
            "本机尚未注册到同步服务器：接单要以办公室登记的技服人员身份记录，请先在“设置”中用注册码注册本机",
            "this laptop is not enrolled with the sync server: a take is recorded as the technician the office knows; enroll this laptop in Settings first",
        )
        .into());
    };
    let events = crate::faults::events(conn, fault_id)?;
    if !fieldlog_domain::fault::status(&events).is_open() {
        return Err(StoreError::conflict(
            "该故障已解决，不能再接单",
            "the fault is already resolved: it cannot be taken",
        ));
    }
    let records = assignments(conn, fault.id)?;
    let held = dispatch::holder(&records);
    dispatch::check(&held, AssignmentKind::Take, technician_id, "")
        .map_err(|refusal| refused(refusal, &held, technician_id))?;
    let record = Assignment {
        id: AssignmentId(Uuid::now_v7()),
        fault_id,
        kind: AssignmentKind::Take,
        technician_id,
        technician_name: profile.name.clone(),
        supersedes: held.supersede_all(),
        reason: String::new(),
        assigned_by: profile.name,
        at: now,
        recorded_at: now,
    };
    conn.execute(
        "INSERT INTO fault_assignments (id, fault_id, kind, technician_id, technician_name,
                                        supersedes, reason, assigned_by, at, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            record.id.to_string(),
            record.fault_id.to_string(),
            record.kind.code(),
            record.technician_id.to_string(),
            record.technician_name,
            serde_json::to_string(&record.supersedes).expect("ids serialise"),
            record.reason,
            record.assigned_by,
            record.at,
            record.recorded_at,
        ],
    )?;
    Ok(record)
}

/// Why a take was refused, naming who holds the fault.
fn refused(refusal: DispatchRefusal, held: &Holder, me: TechnicianId) -> StoreError {
    let names = held
        .current()
        .iter()
        .map(|a| a.technician_name.as_str())
        .collect::<Vec<_>>();
    match held {
        _ if held.technician() == Some(me) => StoreError::conflict(
            "该故障已经是您的，无需再接单",
            "the fault is already yours: nothing to take",
        ),
        Holder::Disputed { .. } => StoreError::conflict(
            format!(
                "该故障已有多人接单（{}），请等待办公室重新派单",
                names.join("、")
            ),
            format!(
                "the fault is claimed by several technicians ({}): wait for the office to assign it",
                names.join(", ")
            ),
        ),
        _ => StoreError::conflict(
            format!(
                "该故障已派给 {}，不能接单；如需改派请联系办公室",
                names.join("、")
            ),
            format!(
                "the fault is already assigned to {} ({refusal}): ask the office to reassign it",
                names.join(", ")
            ),
        ),
    }
}

impl Store {
    /// Takes an unassigned fault (接单), offline too: one transaction, a 'take' record in the
    /// enrolled technician's name that sync carries to the office.
    pub fn take_fault(&mut self, fault_id: FaultId, now: DateTime<Utc>) -> Result<Assignment> {
        self.write(|tx| take_fault(tx, fault_id, now))
    }

    /// A fault's assignment records, oldest first.
    pub fn fault_assignments(&self, fault_id: FaultId) -> Result<Vec<Assignment>> {
        assignments(&self.conn, fault_id)
    }

    /// Who holds a fault, as this laptop knows it.
    pub fn fault_holder(&self, fault_id: FaultId) -> Result<Holder> {
        Ok(dispatch::holder(&assignments(&self.conn, fault_id)?))
    }
}
