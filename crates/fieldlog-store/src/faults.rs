//! Faults and their lifecycle events. The fault row holds the facts at report time and is never
//! rewritten; what happens afterwards is appended to `fault_events`.

use crate::catalog;
use crate::sql::{json, opt_text, parse, parse_opt};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::clocks::{self, Compliance, FaultClocks, FaultFacts};
use fieldlog_domain::fault::{self, Fault, FaultEvent, FaultEventKind, NewFault};
use fieldlog_domain::ids::{ContractId, FaultEventId, FaultId};
use fieldlog_domain::lifecycle;
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::SlaPolicy;
use fieldlog_wire::v1::{FaultDetail, FaultRow};
use rusqlite::{Connection, OptionalExtension, Row};
use std::collections::HashMap;
use uuid::Uuid;

/// Records a new fault (报修) inside the caller's transaction: checks the input
/// (`NewFault::validate`), that the site belongs to the contract and the device (if any) to the
/// site, and opens it under the contract's current policy version. This is the one place a fault
/// row is written on the laptop: `Store::record_fault` runs it in a transaction of its own, and an
/// action that records a fault together with other rows (an inspection's finding turned into a
/// fault, issue 19) calls it with its own `&Transaction` (which derefs to the `Connection`), so
/// both commit or neither does. Write no fault SQL elsewhere.
pub(crate) fn record_fault(
    conn: &Connection,
    input: NewFault,
    now: DateTime<Utc>,
) -> Result<Fault> {
    record_fault_as(conn, FaultId(Uuid::now_v7()), input, now)
}

/// [`record_fault`] under an id the caller derives (a finding's fault: the same id on every
/// laptop, `fieldlog_domain::inspection::finding_fault_id`).
pub(crate) fn record_fault_as(
    conn: &Connection,
    id: FaultId,
    input: NewFault,
    now: DateTime<Utc>,
) -> Result<Fault> {
    let input = input.validate(now)?;
    let contract = catalog::contract(conn, input.contract_id)?;
    let site = catalog::site(conn, input.site_id)?;
    if site.contract_id != contract.id {
        return Err(StoreError::conflict(
            format!("点位“{}”不属于合同“{}”", site.name, contract.name),
            format!(
                "site {} does not belong to contract {}",
                site.code, contract.code
            ),
        ));
    }
    catalog::check_device_at_site(conn, input.device_id, &site)?;
    let fault = Fault {
        id,
        contract_id: input.contract_id,
        site_id: input.site_id,
        device_id: input.device_id,
        level: input.level,
        reported_at: input.reported_at,
        channel: input.channel,
        description: input.description,
        first_receiver: input.first_receiver,
        policy_version: contract.policy_version,
        recorded_at: now,
        caller: input.caller,
        caller_phone: input.caller_phone,
    };
    conn.execute(
        "INSERT INTO faults (id, contract_id, site_id, device_id, level, reported_at, channel,
                             description, first_receiver, policy_version, recorded_at,
                             caller, caller_phone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        rusqlite::params![
            fault.id.to_string(),
            fault.contract_id.to_string(),
            fault.site_id.to_string(),
            opt_text(fault.device_id),
            fault.level.code(),
            fault.reported_at,
            fault.channel.code(),
            fault.description,
            fault.first_receiver,
            fault.policy_version,
            fault.recorded_at,
            fault.caller,
            fault.caller_phone,
        ],
    )?;
    Ok(fault)
}

/// Appends an event after checking its stated time `at` (`event_time::check`: not before the
/// call, not before the fault's last event, not in the future) and its place in the lifecycle.
/// `now` is kept as `recorded_at`; an event whose `at` is well before it is "entered later".
pub(crate) fn record_event(
    conn: &Connection,
    fault_id: FaultId,
    at: DateTime<Utc>,
    kind: FaultEventKind,
    now: DateTime<Utc>,
) -> Result<FaultEvent> {
    let fault = fault(conn, fault_id)?;
    let kind = kind.validate()?;
    let event = FaultEvent {
        id: FaultEventId(Uuid::now_v7()),
        fault_id,
        at,
        recorded_at: now,
        kind,
    };
    let existing = events(conn, fault_id)?;
    fieldlog_domain::event_time::check(
        fault.reported_at,
        existing.iter().map(|e| e.at).max(),
        at,
        now,
    )?;
    lifecycle::check_event(&fault, &existing, &event, now)?;
    if matches!(event.kind, FaultEventKind::ForceMajeureClaimed { .. })
        && !policy(conn, fault.contract_id, fault.policy_version)?.has_force_majeure()
    {
        // E-government: "—" (its only external-cause rule is the fibre one, set by the cause).
        return Err(fieldlog_domain::validate::InvalidInput::new(
            "kind",
            "该合同未约定不可抗拒因素条款，请改为登记“原因认定”（光纤外力破坏、自然灾害按 7 天计）",
            "this contract has no force-majeure rule; record the cause instead (fibre cut by external force or natural disaster: 7 days)",
        )
        .into());
    }
    conn.execute(
        "INSERT INTO fault_events (id, fault_id, kind, at, payload, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            event.id.to_string(),
            fault_id.to_string(),
            event.kind.code(),
            at,
            serde_json::to_string(&event.kind).expect("event serialises"),
            now,
        ],
    )?;
    Ok(event)
}

pub(crate) const FAULT_COLUMNS: &str =
    "id, contract_id, site_id, device_id, level, reported_at, channel,
     description, first_receiver, policy_version, recorded_at, caller, caller_phone FROM faults";

pub(crate) fn fault_row(row: &Row<'_>) -> rusqlite::Result<Fault> {
    Ok(Fault {
        id: parse(row, 0)?,
        contract_id: parse(row, 1)?,
        site_id: parse(row, 2)?,
        device_id: parse_opt(row, 3)?,
        level: parse(row, 4)?,
        reported_at: row.get(5)?,
        channel: parse(row, 6)?,
        description: row.get(7)?,
        first_receiver: row.get(8)?,
        policy_version: row.get(9)?,
        recorded_at: row.get(10)?,
        caller: row.get(11)?,
        caller_phone: row.get(12)?,
    })
}

pub(crate) fn fault(conn: &Connection, id: FaultId) -> Result<Fault> {
    conn.query_row(
        &format!("SELECT {FAULT_COLUMNS} WHERE id = ?1"),
        [id.to_string()],
        fault_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("fault", id))
}

pub(crate) fn event_row(row: &Row<'_>) -> rusqlite::Result<FaultEvent> {
    Ok(FaultEvent {
        id: parse(row, 0)?,
        fault_id: parse(row, 1)?,
        at: row.get(2)?,
        recorded_at: row.get(3)?,
        kind: json(row, 4)?,
    })
}

/// A fault's events in the order they happened (ties in the order they were recorded).
pub(crate) fn events(conn: &Connection, fault_id: FaultId) -> Result<Vec<FaultEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, fault_id, at, recorded_at, payload FROM fault_events WHERE fault_id = ?1 ORDER BY at, id",
    )?;
    Ok(stmt
        .query_map([fault_id.to_string()], event_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Fault list rows with their clocks as of `at`, newest report first; `open_only` keeps the
/// faults still to act on.
pub(crate) fn fault_rows(
    conn: &Connection,
    open_only: bool,
    at: DateTime<Utc>,
) -> Result<Vec<FaultRow>> {
    let mut policies = PolicyCache::default();
    let mut events_by_fault: HashMap<FaultId, Vec<FaultEvent>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT id, fault_id, at, recorded_at, payload FROM fault_events ORDER BY at, id",
    )?;
    for event in stmt.query_map([], event_row)? {
        let event = event?;
        events_by_fault
            .entry(event.fault_id)
            .or_default()
            .push(event);
    }
    let mut stmt = conn.prepare(
        "SELECT f.id, f.contract_id, c.name, f.site_id, s.code, s.name,
                d.model, d.kind, f.level, f.reported_at, f.description, f.first_receiver
         FROM faults f
         JOIN contracts c ON c.id = f.contract_id
         JOIN sites s ON s.id = f.site_id
         LEFT JOIN devices d ON d.id = f.device_id
         ORDER BY f.reported_at DESC, f.id DESC",
    )?;
    let facts: HashMap<FaultId, FaultWhere> = all_faults(conn, None, None)?
        .into_iter()
        .map(|f| (f.0.id, f))
        .collect();
    let rows = stmt.query_map([], |row| {
        let id: FaultId = parse(row, 0)?;
        let device_kind: Option<fieldlog_domain::site::DeviceKind> = parse_opt(row, 7)?;
        let device_model: Option<String> = row.get(6)?;
        let level: fieldlog_domain::sla::FaultLevel = parse(row, 8)?;
        Ok(FaultRow {
            id,
            contract_id: parse(row, 1)?,
            contract_name: row.get(2)?,
            site_id: parse(row, 3)?,
            site_code: row.get(4)?,
            site_name: row.get(5)?,
            device: device_kind
                .zip(device_model.as_ref())
                .map(|(k, m)| fieldlog_domain::site::device_label(k, m)),
            device_kind,
            device_model,
            level,
            level_label: level.label_zh().to_owned(),
            reported_at: row.get(9)?,
            description: row.get(10)?,
            first_receiver: row.get(11)?,
            status: fault::FaultStatus::Reported,
            status_label: String::new(),
            clocks: Vec::new(),
            holder: Default::default(),
        })
    })?;
    let assignments = crate::dispatch::assignments_by_fault(conn)?;
    let me = crate::dispatch::me(conn)?;
    let mut out = Vec::new();
    for row in rows {
        let mut row = row?;
        if let Some(records) = assignments.get(&row.id) {
            row.holder =
                crate::dispatch::holder_view(&fieldlog_domain::dispatch::holder(records), me);
        }
        let events = events_by_fault.get(&row.id).map_or(&[][..], Vec::as_slice);
        row.status = fault::status(events);
        row.status_label = row.status.label_zh().to_owned();
        if open_only && !row.status.is_open() {
            continue;
        }
        if let Some((fault, device_kind, site_kind)) = facts.get(&row.id) {
            let policy = policies.get(conn, fault.contract_id, fault.policy_version)?;
            row.clocks = clocks::clocks(
                FaultFacts {
                    fault,
                    policy: &policy,
                    device_kind: *device_kind,
                    site_kind: *site_kind,
                    events,
                },
                at,
            )
            .clocks;
        }
        out.push(row);
    }
    Ok(out)
}

impl Store {
    /// Records a new fault report (报修) under the contract's current SLA policy version.
    pub fn record_fault(&mut self, input: NewFault, now: DateTime<Utc>) -> Result<Fault> {
        self.write(|tx| record_fault(tx, input, now))
    }

    /// Appends one lifecycle event to a fault.
    pub fn record_fault_event(
        &mut self,
        fault_id: FaultId,
        at: DateTime<Utc>,
        kind: FaultEventKind,
        now: DateTime<Utc>,
    ) -> Result<FaultEvent> {
        self.write(|tx| record_event(tx, fault_id, at, kind, now))
    }

    pub fn fault(&self, id: FaultId) -> Result<Fault> {
        fault(&self.conn, id)
    }

    /// Every fault, newest first, with its derived status and its clocks as of `at`.
    pub fn fault_rows(&self, at: DateTime<Utc>) -> Result<Vec<FaultRow>> {
        fault_rows(&self.conn, false, at)
    }

    /// The faults a technician still has to act on, newest first, with clocks as of `at`.
    pub fn open_fault_rows(&self, at: DateTime<Utc>) -> Result<Vec<FaultRow>> {
        fault_rows(&self.conn, true, at)
    }

    /// A fault's clocks as of `at`, under the policy version it was opened with.
    pub fn fault_clocks(&self, id: FaultId, at: DateTime<Utc>) -> Result<FaultClocks> {
        let fault = fault(&self.conn, id)?;
        let device_kind = match fault.device_id {
            Some(device) => Some(crate::catalog::device(&self.conn, device)?.kind),
            None => None,
        };
        let site_kind = Some(crate::catalog::site(&self.conn, fault.site_id)?.kind);
        let policy = policy(&self.conn, fault.contract_id, fault.policy_version)?;
        let events = events(&self.conn, id)?;
        Ok(clocks::clocks(
            FaultFacts {
                fault: &fault,
                policy: &policy,
                device_kind,
                site_kind,
                events: &events,
            },
            at,
        ))
    }

    /// SLA compliance of a contract's faults reported in [from, to) (local dates), judged at `at`.
    pub fn compliance(
        &self,
        contract_id: ContractId,
        from: NaiveDate,
        to: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<Compliance> {
        crate::catalog::contract(&self.conn, contract_id)?;
        let (start, _) = fieldlog_domain::time::local_day_bounds(from);
        let (end, _) = fieldlog_domain::time::local_day_bounds(to);
        let faults = all_faults(&self.conn, Some(contract_id), Some((start, end)))?;
        let mut events_by_fault: HashMap<FaultId, Vec<FaultEvent>> = HashMap::new();
        for (fault, _, _) in &faults {
            events_by_fault.insert(fault.id, events(&self.conn, fault.id)?);
        }
        let mut policies = PolicyCache::default();
        let mut owned = Vec::with_capacity(faults.len());
        for (fault, _, _) in &faults {
            owned.push(policies.get(&self.conn, fault.contract_id, fault.policy_version)?);
        }
        let facts: Vec<FaultFacts<'_>> = faults
            .iter()
            .zip(&owned)
            .map(|((fault, device_kind, site_kind), policy)| FaultFacts {
                fault,
                policy,
                device_kind: *device_kind,
                site_kind: *site_kind,
                events: &events_by_fault[&fault.id],
            })
            .collect();
        Ok(clocks::compliance(&facts, from, to, at))
    }

    /// The SLA policy a contract's version number names.
    pub fn policy(&self, contract_id: ContractId, version: u32) -> Result<SlaPolicy> {
        policy(&self.conn, contract_id, version)
    }

    /// Edits a contract's SLA policy: a new version that new faults are opened under; faults
    /// already open keep theirs. Returns the new version number.
    pub fn set_policy(
        &mut self,
        contract_id: ContractId,
        policy: &SlaPolicy,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        self.write(|tx| {
            let contract = crate::catalog::contract(tx, contract_id)?;
            let version = contract.policy_version + 1;
            tx.execute(
                "INSERT INTO sla_policies (contract_id, version, policy, created_at) VALUES (?1, ?2, ?3, ?4)",
                (contract_id.to_string(), version, serde_json::to_string(policy).expect("policy serialises"), now),
            )?;
            tx.execute(
                "UPDATE contracts SET policy_version = ?2 WHERE id = ?1",
                (contract_id.to_string(), version),
            )?;
            Ok(version)
        })
    }

    /// Takes a preset's policy as the contract's new policy version (for a contract created from
    /// the preset before it was corrected): faults reported from then on are judged under it,
    /// faults already recorded keep their version. Nothing is written when the current version
    /// already is the preset. Returns the version new faults are opened under.
    pub fn adopt_preset(
        &mut self,
        contract_id: ContractId,
        preset: fieldlog_domain::sla::Preset,
        now: DateTime<Utc>,
    ) -> Result<u32> {
        let contract = crate::catalog::contract(&self.conn, contract_id)?;
        let wanted = preset.policy();
        if policy(&self.conn, contract_id, contract.policy_version)? == wanted {
            return Ok(contract.policy_version);
        }
        self.set_policy(contract_id, &wanted, now)
    }

    /// A fault by id or by a unique ending of its id (lists show the last 8 digits).
    pub fn resolve_fault(&self, key: &str) -> Result<FaultId> {
        resolve_id_suffix(&self.conn, "faults", key, "fault").map(FaultId)
    }

    /// A fault with its events, arrivals and clocks as of `at`.
    pub fn fault_detail(&self, id: FaultId, at: DateTime<Utc>) -> Result<FaultDetail> {
        let fault = fault(&self.conn, id)?;
        let row = fault_rows(&self.conn, false, at)?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| StoreError::not_found("fault", id))?;
        let events = events(&self.conn, id)?;
        Ok(FaultDetail {
            row,
            entered_later: events
                .iter()
                .filter(|e| fieldlog_domain::event_time::entered_later(e.at, e.recorded_at))
                .map(|e| e.id)
                .collect(),
            events,
            arrivals: crate::arrivals::for_fault(&self.conn, id)?,
            assignments: crate::dispatch::assignments(&self.conn, id)?,
            fault,
        })
    }
}

/// Resolves a full id, or an unambiguous ending of at least 6 hex digits. UUIDv7 ids start with
/// a timestamp, so their endings (random bits) are what tell records apart.
pub(crate) fn resolve_id_suffix(
    conn: &Connection,
    table: &'static str,
    key: &str,
    what: &'static str,
) -> Result<Uuid> {
    let key = key.trim().to_ascii_lowercase();
    if let Ok(uuid) = Uuid::parse_str(&key) {
        return Ok(uuid);
    }
    if key.len() < 6 || !key.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(StoreError::not_found(what, key));
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT id FROM {table} WHERE id LIKE '%' || ?1 LIMIT 2"
    ))?;
    let ids: Vec<Uuid> = stmt
        .query_map([&key], |r| parse(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [id] => Ok(*id),
        [] => Err(StoreError::not_found(what, key)),
        _ => Err(StoreError::conflict(
            format!("编号“{key}”对应多条记录，请输入完整编号"),
            format!("id ending '{key}' matches more than one record; give the full id"),
        )),
    }
}

/// A fault with the kinds of its device and its site (what the fibre promise looks at).
pub(crate) type FaultWhere = (Fault, Option<DeviceKind>, Option<SiteKind>);

/// Reads a `FaultWhere` from `FAULT_COLUMNS` followed by the device's and the site's kind.
pub(crate) fn fault_where_row(row: &Row<'_>) -> rusqlite::Result<FaultWhere> {
    Ok((
        fault_row(row)?,
        parse_opt::<DeviceKind>(row, 13)?,
        parse_opt::<SiteKind>(row, 14)?,
    ))
}

/// Faults with their device and site kinds, optionally of one contract and reported in [start, end).
fn all_faults(
    conn: &Connection,
    contract_id: Option<ContractId>,
    reported: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Result<Vec<FaultWhere>> {
    let mut stmt = conn.prepare(
        "SELECT f.id, f.contract_id, f.site_id, f.device_id, f.level, f.reported_at, f.channel,
                f.description, f.first_receiver, f.policy_version, f.recorded_at, f.caller,
                f.caller_phone, d.kind, s.kind
         FROM faults f LEFT JOIN devices d ON d.id = f.device_id
         LEFT JOIN sites s ON s.id = f.site_id
         WHERE (?1 IS NULL OR f.contract_id = ?1)
           AND (?2 IS NULL OR f.reported_at >= ?2) AND (?3 IS NULL OR f.reported_at < ?3)
         ORDER BY f.reported_at, f.id",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![
            opt_text(contract_id),
            reported.map(|r| r.0),
            reported.map(|r| r.1)
        ],
        fault_where_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn policy(
    conn: &Connection,
    contract_id: ContractId,
    version: u32,
) -> Result<SlaPolicy> {
    conn.query_row(
        "SELECT policy FROM sla_policies WHERE contract_id = ?1 AND version = ?2",
        (contract_id.to_string(), version),
        |r| json(r, 0),
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("policy", format!("{contract_id} v{version}")))
}

/// Policies by (contract, version), read once per query.
#[derive(Default)]
pub(crate) struct PolicyCache(HashMap<(ContractId, u32), SlaPolicy>);

impl PolicyCache {
    pub(crate) fn get(
        &mut self,
        conn: &Connection,
        contract_id: ContractId,
        version: u32,
    ) -> Result<SlaPolicy> {
        if let Some(policy) = self.0.get(&(contract_id, version)) {
            return Ok(policy.clone());
        }
        let policy = policy(conn, contract_id, version)?;
        self.0.insert((contract_id, version), policy.clone());
        Ok(policy)
    }
}
