//! The monthly summary's facts, gathered in a fixed handful of set-based queries (faults, their
//! events, who worked on them, technicians, parts, movements, policies) whatever the number of
//! faults, then handed to the domain's pure `summary::summarise`. The definitions of the figures
//! live there.

use crate::faults::{FaultWhere, PolicyCache, event_row, fault_where_row};
use crate::sql::{parse, parse_opt};
use crate::{Result, Store};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::clocks::FaultFacts;
use fieldlog_domain::fault::FaultEvent;
use fieldlog_domain::ids::{ContractId, EntryId, FaultId, ReportId, TechnicianId};
use fieldlog_domain::report_versions::{EntryVersion, ReportVersion, counted_entries};
use fieldlog_domain::site::DeviceKind;
use fieldlog_domain::sla::SlaPolicy;
use fieldlog_domain::summary::{self, ArrivalTime, FaultWork, Summary, SummaryInput};
use fieldlog_domain::time::local_day_bounds;
use fieldlog_wire::v1::{SummaryFault, SummaryView};
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};

/// The faults a summary of `[start, end)` needs: those reported in the range, and those reported
/// earlier that were not resolved before it began (they may be carried over). A fault resolved
/// before the range figures nowhere in it.
const CHOSEN: &str = "chosen AS (
    SELECT f.id FROM faults f
    WHERE f.contract_id = ?1 AND f.reported_at < ?3
      AND (f.reported_at >= ?2
           OR NOT EXISTS (SELECT 1 FROM fault_events r
                          WHERE r.fault_id = f.id AND r.kind = 'resolved' AND r.at < ?2)))";

fn bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    (local_day_bounds(from).0, local_day_bounds(to).0)
}

fn chosen_faults(
    conn: &Connection,
    contract_id: ContractId,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<FaultWhere>> {
    let mut stmt = conn.prepare(&format!(
        "WITH {CHOSEN}
         SELECT f.id, f.contract_id, f.site_id, f.device_id, f.level, f.reported_at, f.channel,
                f.description, f.first_receiver, f.policy_version, f.recorded_at, f.caller,
                f.caller_phone, d.kind, s.kind
         FROM faults f JOIN chosen c ON c.id = f.id LEFT JOIN devices d ON d.id = f.device_id
         LEFT JOIN sites s ON s.id = f.site_id
         ORDER BY f.reported_at, f.id"
    ))?;
    let rows = stmt.query_map(
        rusqlite::params![contract_id.to_string(), start, end],
        fault_where_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn chosen_events(
    conn: &Connection,
    contract_id: ContractId,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<HashMap<FaultId, Vec<FaultEvent>>> {
    let mut stmt = conn.prepare(&format!(
        "WITH {CHOSEN}
         SELECT e.id, e.fault_id, e.at, e.recorded_at, e.payload
         FROM fault_events e JOIN chosen c ON c.id = e.fault_id
         ORDER BY e.at, e.id"
    ))?;
    let mut out: HashMap<FaultId, Vec<FaultEvent>> = HashMap::new();
    let rows = stmt.query_map(
        rusqlite::params![contract_id.to_string(), start, end],
        event_row,
    )?;
    for event in rows {
        let event = event?;
        out.entry(event.fault_id).or_default().push(event);
    }
    Ok(out)
}

/// Who worked on the chosen faults: checked in for them, or wrote a report entry about them.
/// Only entries that count make anyone's work (`report_versions::counted_entries`, as the
/// server's console counts them): not one kept apart from a signed report (`held_at`; its part
/// movements still count: stock is a ledger), not a replaced, deleted or struck one, and of a
/// corrected report only its latest signed correction's.
fn chosen_work(
    conn: &Connection,
    contract_id: ContractId,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<FaultWork>> {
    let params = rusqlite::params![contract_id.to_string(), start, end];
    let mut stmt = conn.prepare(&format!(
        "WITH {CHOSEN}
         SELECT a.fault_id, a.technician_id FROM arrivals a JOIN chosen c ON c.id = a.fault_id"
    ))?;
    let mut work: Vec<FaultWork> = stmt
        .query_map(params, |row| {
            Ok(FaultWork {
                fault_id: parse(row, 0)?,
                technician_id: parse(row, 1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(&format!("WITH {CHOSEN} SELECT id FROM chosen"))?;
    let chosen: HashSet<FaultId> = stmt
        .query_map(params, |row| parse(row, 0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT id, amends_id, signed_at, technician_id FROM daily_reports WHERE contract_id = ?1",
    )?;
    let mut technician_of: HashMap<ReportId, TechnicianId> = HashMap::new();
    let reports: Vec<ReportVersion> = stmt
        .query_map([contract_id.to_string()], |row| {
            technician_of.insert(parse(row, 0)?, parse(row, 3)?);
            Ok(ReportVersion {
                id: parse(row, 0)?,
                amends: parse_opt(row, 1)?,
                signed_at: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT e.id, e.report_id, e.supersedes_id, e.struck, e.held_at IS NOT NULL, e.fault_id
         FROM report_entries e JOIN daily_reports r ON r.id = e.report_id WHERE r.contract_id = ?1",
    )?;
    let mut fault_of: HashMap<EntryId, FaultId> = HashMap::new();
    let entries: Vec<EntryVersion> = stmt
        .query_map([contract_id.to_string()], |row| {
            if let Some(fault) = parse_opt(row, 5)? {
                fault_of.insert(parse(row, 0)?, fault);
            }
            Ok(EntryVersion {
                id: parse(row, 0)?,
                report_id: parse(row, 1)?,
                supersedes: parse_opt(row, 2)?,
                struck: row.get(3)?,
                held: row.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let report_of: HashMap<EntryId, ReportId> =
        entries.iter().map(|e| (e.id, e.report_id)).collect();
    for id in counted_entries(&reports, &entries) {
        let (Some(fault_id), Some(technician_id)) = (
            fault_of.get(&id).filter(|f| chosen.contains(f)),
            report_of.get(&id).and_then(|r| technician_of.get(r)),
        ) else {
            continue;
        };
        work.push(FaultWork {
            fault_id: *fault_id,
            technician_id: *technician_id,
        });
    }
    work.sort_by_key(|w| (w.fault_id, w.technician_id));
    work.dedup();
    Ok(work)
}

/// The contract's arrivals dated in `[start, end)`, with the sync server's receipt where there is
/// one (`sync_receipts`, kept from the feed): the facts of the clock-suspect flags.
fn arrival_times(
    conn: &Connection,
    contract_id: ContractId,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<ArrivalTime>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.fault_id, a.site_id, s.code || ' ' || s.name, a.technician_id,
                a.arrived_at, a.clock_suspect, r.received_at, r.clock_suspect
         FROM arrivals a JOIN sites s ON s.id = a.site_id
         LEFT JOIN sync_receipts r ON r.entity = 'arrivals' AND r.record_id = a.id
         WHERE s.contract_id = ?1 AND a.arrived_at >= ?2 AND a.arrived_at < ?3
         ORDER BY a.arrived_at, a.id",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![contract_id.to_string(), start, end],
        |row| {
            let received_at: Option<DateTime<Utc>> = row.get(7)?;
            let server_suspect: Option<bool> = row.get(8)?;
            Ok(ArrivalTime {
                arrival_id: parse(row, 0)?,
                fault_id: crate::sql::parse_opt(row, 1)?,
                site_id: parse(row, 2)?,
                site: row.get(3)?,
                technician_id: parse(row, 4)?,
                arrived_at: row.get(5)?,
                device_suspect: row.get(6)?,
                received: received_at.zip(server_suspect),
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn technicians(conn: &Connection) -> Result<Vec<(TechnicianId, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM technicians ORDER BY name, id")?;
    let rows = stmt.query_map([], |row| Ok((parse(row, 0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn movements_before(
    conn: &Connection,
    contract_id: ContractId,
    end: DateTime<Utc>,
) -> Result<Vec<fieldlog_domain::stock::StockMovement>> {
    let mut stmt = conn.prepare(
        "SELECT m.id, m.part_id, m.kind, m.quantity, m.at, m.technician_id, m.fault_id,
                m.entry_id, m.old_serial, m.new_serial, m.note FROM stock_movements m JOIN spare_parts p ON p.id = m.part_id
         WHERE p.contract_id = ?1 AND m.at < ?2 ORDER BY m.at, m.id",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![contract_id.to_string(), end],
        crate::stock::movement_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The summary of a contract for the local dates `[from, to)` as it stood at the range's
    /// close (or at `now`, for a range not over yet). See `fieldlog_domain::summary`.
    pub fn summary(
        &self,
        contract_id: ContractId,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Summary> {
        let contract = crate::catalog::contract(&self.conn, contract_id)?;
        let range = bounds(from, to);
        let faults = chosen_faults(&self.conn, contract_id, range)?;
        let events = chosen_events(&self.conn, contract_id, range)?;
        let work = chosen_work(&self.conn, contract_id, range)?;
        let technicians = technicians(&self.conn)?;
        let parts = crate::catalog::parts(&self.conn, contract_id)?;
        let movements = movements_before(&self.conn, contract_id, range.1)?;
        let arrivals = arrival_times(&self.conn, contract_id, range)?;
        let mut cache = PolicyCache::default();
        let policies: Vec<SlaPolicy> = faults
            .iter()
            .map(|(f, _, _)| cache.get(&self.conn, f.contract_id, f.policy_version))
            .collect::<Result<_>>()?;
        let facts: Vec<FaultFacts<'_>> = faults
            .iter()
            .zip(&policies)
            .map(|((fault, device_kind, site_kind), policy)| FaultFacts {
                fault,
                policy,
                device_kind: *device_kind,
                site_kind: *site_kind,
                events: events.get(&fault.id).map_or(&[][..], Vec::as_slice),
            })
            .collect();
        Ok(summary::summarise(
            SummaryInput {
                contract_id,
                faults: &facts,
                work: &work,
                technicians: &technicians,
                parts: &parts,
                movements: &movements,
                floor: contract.spare_floor,
                arrivals: &arrivals,
            },
            from,
            to,
            now,
        ))
    }
}

fn summary_faults(
    conn: &Connection,
    contract_id: ContractId,
    range: (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<SummaryFault>> {
    let mut stmt = conn.prepare(&format!(
        "WITH {CHOSEN}
         SELECT f.id, f.reported_at, f.level, s.code, s.name, d.kind, d.model, f.description
         FROM faults f JOIN chosen c ON c.id = f.id JOIN sites s ON s.id = f.site_id
         LEFT JOIN devices d ON d.id = f.device_id
         ORDER BY f.reported_at, f.id"
    ))?;
    let rows = stmt.query_map(
        rusqlite::params![contract_id.to_string(), range.0, range.1],
        |row| {
            let kind: Option<DeviceKind> = crate::sql::parse_opt(row, 5)?;
            let model: Option<String> = row.get(6)?;
            Ok(SummaryFault {
                id: parse(row, 0)?,
                reported_at: row.get(1)?,
                level: parse(row, 2)?,
                site_code: row.get(3)?,
                site_name: row.get(4)?,
                device: kind
                    .zip(model.as_ref())
                    .map(|(k, m)| fieldlog_domain::site::device_label(k, m)),
                device_kind: kind,
                device_model: model,
                description: row.get(7)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The summary with the contract's names and the faults its figures name (for drill-down
    /// and exports).
    pub fn summary_view(
        &self,
        contract_id: ContractId,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<SummaryView> {
        let contract = crate::catalog::contract(&self.conn, contract_id)?;
        let summary = self.summary(contract_id, from, to, now)?;
        let named = summary.named_faults();
        let faults = summary_faults(&self.conn, contract_id, bounds(from, to))?
            .into_iter()
            .filter(|f| named.contains(&f.id))
            .collect();
        Ok(SummaryView {
            contract_id,
            contract_name: contract.name,
            client: contract.client,
            period: summary::period_label(from, to),
            summary,
            faults,
            // Inspections by plan (issue 19 item 5).
            inspections: crate::inspection_plans::summary_tally(
                &self.conn,
                contract_id,
                from,
                to,
                now,
            )?,
        })
    }
}
