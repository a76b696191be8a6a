//! Daily maintenance reports. A draft collects entries; signing stores the technician's signature
//! with the hash of the content and locks the report (the database refuses any later change); an
//! amendment is a new draft that starts as a copy of the signed report and points at it.

use crate::sql::{json, opt_text, parse, parse_opt};
use crate::{Result, Store, StoreError};
use crate::{arrivals, attachments, catalog, faults, signature_image, stock};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::ids::{ContractId, EntryId, ReportId, SignatureId, TechnicianId};
use fieldlog_domain::report::{self, DailyReport, NewEntry, PartLine, ReportEntry, ReportStatus};
use fieldlog_domain::signature::{NewSignature, Signature, SignedSubject, SignerRole};
use fieldlog_domain::stock::{MovementKind, StockMovement};
use fieldlog_domain::validate::{self, InvalidInput};
use fieldlog_wire::v1::{HeldEntry, ReportDocument, ReportRow};
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub technician_id: Option<TechnicianId>,
    pub contract_id: Option<ContractId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A signature as captured for a report.
pub type SignatureInput = NewSignature;

pub(crate) fn create_report(
    conn: &Connection,
    technician_id: TechnicianId,
    contract_id: ContractId,
    work_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DailyReport> {
    catalog::technician(conn, technician_id)?;
    let contract = catalog::contract(conn, contract_id)?;
    // Any day of the service period up to today (issue 19: a missed day is filled in later).
    fieldlog_domain::report_versions::check_work_date(
        work_date,
        contract.service_start,
        contract.service_end,
        fieldlog_domain::time::local_date(now),
    )?;
    let existing: Option<String> = conn
        .query_row(
            "SELECT id FROM daily_reports
             WHERE technician_id = ?1 AND contract_id = ?2 AND work_date = ?3 AND amends_id IS NULL",
            (technician_id.to_string(), contract_id.to_string(), work_date),
            |r| r.get(0),
        )
        .optional()?;
    if let Some(existing) = existing {
        return Err(StoreError::conflict(
            format!("{work_date} 的日报已存在（{existing}），请在原日报中添加记录"),
            format!("a report for {work_date} already exists ({existing}); add entries to it"),
        ));
    }
    let report = DailyReport {
        id: ReportId(Uuid::now_v7()),
        technician_id,
        contract_id,
        work_date,
        status: ReportStatus::Draft,
        amends: None,
        amend_reason: None,
        created_at: now,
        signed_at: None,
    };
    insert_report(conn, &report)?;
    Ok(report)
}

fn insert_report(conn: &Connection, report: &DailyReport) -> Result<()> {
    conn.execute(
        "INSERT INTO daily_reports (id, technician_id, contract_id, work_date, status, amends_id,
                                    amend_reason, created_at, signed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL)",
        rusqlite::params![
            report.id.to_string(),
            report.technician_id.to_string(),
            report.contract_id.to_string(),
            report.work_date,
            report.status.code(),
            opt_text(report.amends),
            report.amend_reason,
            report.created_at,
        ],
    )?;
    Ok(())
}

/// A draft report, or the reason it cannot take changes.
fn draft(conn: &Connection, id: ReportId) -> Result<DailyReport> {
    let report = report(conn, id)?;
    if report.status == ReportStatus::Signed {
        return Err(StoreError::SignedImmutable);
    }
    Ok(report)
}

pub(crate) fn add_entry(
    conn: &Connection,
    report_id: ReportId,
    input: NewEntry,
    now: DateTime<Utc>,
) -> Result<ReportEntry> {
    let report = draft(conn, report_id)?;
    let input = input.validate()?;
    let parts = check_parts(conn, &report, &input)?;
    insert_entry(conn, &report, input, parts, EntryVersionOf::default(), now)
}

/// How a new entry row stands to earlier ones (issue 19): the row of its report it replaces, the
/// signed entry it corrects, whether it strikes, and why.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryVersionOf {
    pub supersedes: Option<EntryId>,
    pub position: Option<u32>,
    pub amends_entry: Option<EntryId>,
    pub struck: bool,
    pub change_reason: Option<String>,
}

/// The parts of a new entry, before it exists: (part line, the movement to record).
pub(crate) enum EntryParts {
    /// New lines: each leaves stock when the entry is written.
    Take(Vec<fieldlog_domain::report::NewPartLine>),
    /// The movements an earlier version already recorded, linked again (nothing moves).
    Keep(Vec<StockMovement>),
}

/// Checks that every part of `input` is kept for the report's contract: its lines are to be taken.
pub(crate) fn check_parts(
    conn: &Connection,
    report: &DailyReport,
    input: &NewEntry,
) -> Result<EntryParts> {
    for line in &input.parts {
        let part = catalog::part(conn, line.part_id)?;
        if part.contract_id != report.contract_id {
            return Err(StoreError::conflict(
                format!("备件“{}”不属于本日报的合同", part.name),
                format!("part {} is not kept for this report's contract", part.code),
            ));
        }
    }
    Ok(EntryParts::Take(input.parts.clone()))
}

/// Writes one entry row (and its part lines) into a draft report.
pub(crate) fn insert_entry(
    conn: &Connection,
    report: &DailyReport,
    input: NewEntry,
    parts_in: EntryParts,
    version: EntryVersionOf,
    now: DateTime<Utc>,
) -> Result<ReportEntry> {
    let report_id = report.id;
    let site = catalog::site(conn, input.site_id)?;
    if site.contract_id != report.contract_id {
        return Err(StoreError::conflict(
            format!("点位“{}”不属于本日报的合同", site.name),
            format!("site {} is not under this report's contract", site.code),
        ));
    }
    catalog::check_device_at_site(conn, input.device_id, &site)?;
    if let Some(fault_id) = input.fault_id {
        let fault = faults::fault(conn, fault_id)?;
        if fault.site_id != site.id {
            return Err(StoreError::conflict(
                format!("该故障不在点位“{}”，请重新选择故障", site.name),
                format!("the fault is not at site {}", site.code),
            ));
        }
    }
    let position: u32 = match version.position {
        Some(position) => position,
        None => conn.query_row(
            "SELECT coalesce(max(position), 0) + 1 FROM report_entries WHERE report_id = ?1",
            [report_id.to_string()],
            |r| r.get(0),
        )?,
    };
    let entry_id = EntryId(Uuid::now_v7());
    conn.prepare_cached(
        "INSERT INTO report_entries (id, report_id, position, site_id, device_id, fault_id, fault_cause,
                                     resolved, unresolved_reason, work_done, supersedes_id,
                                     amends_entry_id, struck, change_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(rusqlite::params![
        entry_id.to_string(),
        report_id.to_string(),
        position,
        site.id.to_string(),
        opt_text(input.device_id),
        opt_text(input.fault_id),
        input.fault_cause,
        input.resolved,
        input.unresolved_reason.map(|r| r.code()),
        input.work_done,
        opt_text(version.supersedes),
        opt_text(version.amends_entry),
        version.struck,
        version.change_reason,
    ])?;
    let lines = match parts_in {
        EntryParts::Keep(movements) => {
            for (i, movement) in movements.iter().enumerate() {
                link_part(conn, entry_id, i as u32 + 1, movement)?;
            }
            movements
        }
        EntryParts::Take(lines) => take_lines(conn, report, input.fault_id, entry_id, lines, now)?,
    };
    Ok(ReportEntry {
        id: entry_id,
        report_id,
        position,
        site_id: site.id,
        device_id: input.device_id,
        fault_id: input.fault_id,
        fault_cause: input.fault_cause,
        resolved: input.resolved,
        unresolved_reason: input.unresolved_reason,
        work_done: input.work_done,
        parts: lines.into_iter().map(part_line).collect(),
        amends_entry: version.amends_entry,
        struck: version.struck,
        change_reason: version.change_reason,
    })
}

/// Each new part line leaves stock (a `used` movement pointing at the entry) and is linked.
fn take_lines(
    conn: &Connection,
    report: &DailyReport,
    fault_id: Option<fieldlog_domain::ids::FaultId>,
    entry_id: EntryId,
    lines: Vec<fieldlog_domain::report::NewPartLine>,
    now: DateTime<Utc>,
) -> Result<Vec<StockMovement>> {
    let mut parts = Vec::with_capacity(lines.len());
    for (i, line) in lines.into_iter().enumerate() {
        let movement = stock::record_movement(
            conn,
            stock::NewMovement {
                part_id: line.part_id,
                kind: MovementKind::Used,
                quantity: line.quantity,
                at: now,
                technician_id: Some(report.technician_id),
                fault_id,
                old_serial: line.old_serial.clone(),
                new_serial: line.new_serial.clone(),
                note: None,
            },
            Some(entry_id),
            now,
        )?;
        link_part(conn, entry_id, i as u32 + 1, &movement)?;
        parts.push(movement);
    }
    Ok(parts)
}

fn link_part(
    conn: &Connection,
    entry_id: EntryId,
    position: u32,
    movement: &StockMovement,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO entry_parts (entry_id, position, movement_id) VALUES (?1, ?2, ?3)",
    )?
    .execute((entry_id.to_string(), position, movement.id.to_string()))?;
    Ok(())
}

fn part_line(movement: StockMovement) -> PartLine {
    PartLine {
        part_id: movement.part_id,
        quantity: movement.quantity,
        old_serial: movement.old_serial,
        new_serial: movement.new_serial,
        movement_id: movement.id,
    }
}

pub(crate) fn sign(
    conn: &Connection,
    report_id: ReportId,
    input: SignatureInput,
    now: DateTime<Utc>,
) -> Result<Signature> {
    let report = draft(conn, report_id)?;
    let input = input.validate()?;
    if input.role != SignerRole::Technician {
        return Err(InvalidInput::new(
            "role",
            "日报须由技服人员本人签字",
            "a daily report is signed by the technician",
        )
        .into());
    }
    let technician = catalog::technician(conn, report.technician_id)?;
    if input.signer_name != technician.name {
        return Err(InvalidInput::new(
            "signer_name",
            format!("这份日报属于{}，须由其本人签字", technician.name),
            format!(
                "this report belongs to {} and must be signed by them",
                technician.name
            ),
        )
        .into());
    }
    let entries = entries(conn, report_id)?;
    if entries.is_empty() {
        return Err(InvalidInput::new(
            "entries",
            "日报还没有任何维护记录，请先添加记录再签字",
            "the report has no entries yet; add at least one before signing",
        )
        .into());
    }
    signature_image::check_png_ink(&input.image_png)?;
    let image_sha256 = attachments::put(conn, &input.image_png, "image/png", now)?;
    let signature = Signature {
        id: SignatureId(Uuid::now_v7()),
        subject: SignedSubject::DailyReport,
        subject_id: report_id.as_uuid(),
        signer_name: input.signer_name,
        role: input.role,
        signed_at: now,
        image_sha256,
        strokes: input.strokes,
        content_hash: report::content_hash(&report, &entries),
    };
    // The signature names the entries it covers: one added on another laptop meanwhile is kept
    // apart by the server instead of joining what was signed.
    insert_signature_covering(conn, &signature, Some(&coverage_of(conn, report_id)?))?;
    conn.execute(
        "UPDATE daily_reports SET status = 'signed', signed_at = ?2 WHERE id = ?1 AND status = 'draft'",
        (report_id.to_string(), now),
    )?;
    Ok(signature)
}

/// The technician's report for `contract_id` on today's local date, created as a draft if missing.
pub(crate) fn today_report(
    conn: &Connection,
    technician_id: TechnicianId,
    contract_id: ContractId,
    now: DateTime<Utc>,
) -> Result<ReportId> {
    let day = fieldlog_domain::time::local_date(now);
    let existing: Option<ReportId> = conn
        .query_row(
            "SELECT id FROM daily_reports
             WHERE technician_id = ?1 AND contract_id = ?2 AND work_date = ?3 AND amends_id IS NULL",
            (technician_id.to_string(), contract_id.to_string(), day),
            |r| parse(r, 0),
        )
        .optional()?;
    match existing {
        Some(id) => Ok(id),
        None => Ok(create_report(conn, technician_id, contract_id, day, now)?.id),
    }
}

pub(crate) fn insert_signature(conn: &Connection, signature: &Signature) -> Result<()> {
    insert_signature_covering(conn, signature, None)
}

fn insert_signature_covering(
    conn: &Connection,
    signature: &Signature,
    covers: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO signatures (id, subject, subject_id, signer_name, role, signed_at, image_sha256,
                                 strokes, content_hash, covers)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            signature.id.to_string(),
            signature.subject.code(),
            signature.subject_id.to_string(),
            signature.signer_name,
            signature.role.code(),
            signature.signed_at,
            signature.image_sha256,
            serde_json::to_string(&signature.strokes).expect("strokes serialise"),
            signature.content_hash,
            covers,
        ],
    )?;
    Ok(())
}

pub(crate) fn amend(
    conn: &Connection,
    signed_id: ReportId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<DailyReport> {
    let original = report(conn, signed_id)?;
    if original.status != ReportStatus::Signed {
        return Err(StoreError::conflict(
            "该日报尚未签字，可直接修改，无需修订",
            "the report is not signed yet; edit it directly instead of amending",
        ));
    }
    let reason = validate::required_multiline_text("reason", "修订原因", reason, 500)?;
    let open: Option<String> = conn
        .query_row(
            "SELECT id FROM daily_reports WHERE amends_id = ?1 AND status = 'draft'",
            [signed_id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(open) = open {
        return Err(StoreError::conflict(
            format!("该日报已有未签字的修订稿（{open}），请继续完成它"),
            format!("an unsigned amendment of this report exists ({open}); finish that one"),
        ));
    }
    let later: Option<String> = conn
        .query_row(
            "SELECT id FROM daily_reports WHERE amends_id = ?1 AND status = 'signed'
             ORDER BY signed_at DESC, id DESC LIMIT 1",
            [signed_id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(later) = later {
        // Corrections form one line: each amends the latest signed version (issue 19).
        return Err(StoreError::conflict(
            format!("该日报已有签字的更正版本（{later}），请在最新版本上更正"),
            format!(
                "this report already has a signed correction ({later}); correct the latest version instead"
            ),
        ));
    }
    let amendment = DailyReport {
        id: ReportId(Uuid::now_v7()),
        status: ReportStatus::Draft,
        amends: Some(signed_id),
        amend_reason: Some(reason),
        created_at: now,
        signed_at: None,
        ..original
    };
    insert_report(conn, &amendment)?;
    // The amendment starts as a copy; its part lines point at the same ledger movements, so the
    // correction never counts a part twice. Each copy names the signed entry it corrects.
    for entry in entries(conn, signed_id)? {
        let entry_id = EntryId(Uuid::now_v7());
        conn.execute(
            "INSERT INTO report_entries (id, report_id, position, site_id, device_id, fault_id, fault_cause,
                                         resolved, unresolved_reason, work_done, amends_entry_id)
             SELECT ?1, ?2, position, site_id, device_id, fault_id, fault_cause, resolved,
                    unresolved_reason, work_done, id
             FROM report_entries WHERE id = ?3",
            (entry_id.to_string(), amendment.id.to_string(), entry.id.to_string()),
        )?;
        for (i, line) in entry.parts.iter().enumerate() {
            let movement = stock::movement(conn, line.movement_id)?;
            link_part(conn, entry_id, i as u32 + 1, &movement)?;
        }
    }
    Ok(amendment)
}

const REPORT_COLUMNS: &str =
    "id, technician_id, contract_id, work_date, status, amends_id, amend_reason,
     created_at, signed_at FROM daily_reports";

fn report_row(row: &Row<'_>) -> rusqlite::Result<DailyReport> {
    Ok(DailyReport {
        id: parse(row, 0)?,
        technician_id: parse(row, 1)?,
        contract_id: parse(row, 2)?,
        work_date: row.get(3)?,
        status: parse(row, 4)?,
        amends: parse_opt(row, 5)?,
        amend_reason: row.get(6)?,
        created_at: row.get(7)?,
        signed_at: row.get(8)?,
    })
}

pub(crate) fn report(conn: &Connection, id: ReportId) -> Result<DailyReport> {
    conn.query_row(
        &format!("SELECT {REPORT_COLUMNS} WHERE id = ?1"),
        [id.to_string()],
        report_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("report", id))
}

/// The report's entries, in report order: by position, then id (two laptops may add an entry
/// at the same position; both stay, in the same order everywhere), numbered 1, 2, 3 … as a
/// reader sees them. Entries kept apart (`held_at`) are not part of the report.
pub(crate) fn entries(conn: &Connection, report_id: ReportId) -> Result<Vec<ReportEntry>> {
    entries_where(conn, report_id, Rows::Visible)
}

/// Entries kept apart for review, with when the server kept each apart: never part of the
/// report's content.
pub(crate) fn held_entries(conn: &Connection, report_id: ReportId) -> Result<Vec<HeldEntry>> {
    let mut held_at = conn.prepare_cached("SELECT held_at FROM report_entries WHERE id = ?1")?;
    entries_where(conn, report_id, Rows::Held)?
        .into_iter()
        .map(|entry| {
            let at: Option<String> = held_at.query_row([entry.id.to_string()], |r| r.get(0))?;
            let held_at = at.and_then(|t| t.parse::<DateTime<Utc>>().ok());
            Ok(HeldEntry { entry, held_at })
        })
        .collect()
}

/// Which rows of a report to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// What a reader sees: not held, not replaced by a later row (issue 19), not a deleted draft
    /// entry (struck, correcting nothing).
    Visible,
    /// Kept apart by the server.
    Held,
    /// Every row not held, the replaced ones too: what a signature covers, so the server keeps
    /// none of the report's own history apart.
    Kept,
}

/// SQL condition on `e` (a `report_entries` row) for [`Rows`].
const VISIBLE: &str = "e.held_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM report_entries s WHERE s.supersedes_id = e.id AND s.held_at IS NULL)
    AND NOT (e.struck = 1 AND e.amends_entry_id IS NULL)";

fn entries_where(conn: &Connection, report_id: ReportId, rows: Rows) -> Result<Vec<ReportEntry>> {
    let condition = match rows {
        Rows::Visible => VISIBLE,
        Rows::Held => "e.held_at IS NOT NULL",
        Rows::Kept => "e.held_at IS NULL",
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT e.id, e.report_id, e.position, e.site_id, e.device_id, e.fault_id, e.fault_cause,
                e.resolved, e.unresolved_reason, e.work_done, e.amends_entry_id, e.struck,
                e.change_reason
         FROM report_entries e WHERE e.report_id = ?1 AND {condition}
         ORDER BY e.position, e.id"
    ))?;
    let mut entries: Vec<ReportEntry> = stmt
        .query_map([report_id.to_string()], |row| {
            Ok(ReportEntry {
                id: parse(row, 0)?,
                report_id: parse(row, 1)?,
                position: row.get(2)?,
                site_id: parse(row, 3)?,
                device_id: parse_opt(row, 4)?,
                fault_id: parse_opt(row, 5)?,
                fault_cause: row.get(6)?,
                resolved: row.get(7)?,
                unresolved_reason: parse_opt(row, 8)?,
                work_done: row.get(9)?,
                parts: Vec::new(),
                amends_entry: parse_opt(row, 10)?,
                struck: row.get(11)?,
                change_reason: row.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (i, entry) in entries.iter_mut().enumerate() {
        entry.position = i as u32 + 1;
    }
    let mut parts = conn.prepare_cached(
        "SELECT m.id, m.part_id, m.kind, m.quantity, m.at, m.technician_id, m.fault_id, m.entry_id,
                m.old_serial, m.new_serial, m.note
         FROM entry_parts ep JOIN stock_movements m ON m.id = ep.movement_id
         WHERE ep.entry_id = ?1 ORDER BY ep.position",
    )?;
    for entry in &mut entries {
        entry.parts = parts
            .query_map([entry.id.to_string()], stock::movement_row)?
            .map(|m| m.map(part_line))
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(entries)
}

/// What a signature of the report covers: every row it holds, the replaced ones too (see
/// [`Rows::Kept`]).
fn coverage_of(conn: &Connection, report_id: ReportId) -> Result<String> {
    Ok(report::coverage(&entries_where(
        conn,
        report_id,
        Rows::Kept,
    )?))
}

pub(crate) fn signatures(
    conn: &Connection,
    subject: SignedSubject,
    subject_id: Uuid,
) -> Result<Vec<Signature>> {
    let mut stmt = conn.prepare(
        "SELECT id, subject, subject_id, signer_name, role, signed_at, image_sha256, strokes, content_hash
         FROM signatures WHERE subject = ?1 AND subject_id = ?2 ORDER BY signed_at, id",
    )?;
    Ok(stmt
        .query_map((subject.code(), subject_id.to_string()), |row| {
            Ok(Signature {
                id: parse(row, 0)?,
                subject: parse(row, 1)?,
                subject_id: parse(row, 2)?,
                signer_name: row.get(3)?,
                role: parse(row, 4)?,
                signed_at: row.get(5)?,
                image_sha256: row.get(6)?,
                strokes: json(row, 7)?,
                content_hash: row.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// What each of the report's signatures says it covers (None for signatures made before
/// coverage was recorded).
fn signature_coverage(conn: &Connection, id: ReportId) -> Result<Vec<Option<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT covers FROM signatures WHERE subject = 'daily_report' AND subject_id = ?1",
    )?;
    Ok(stmt
        .query_map([id.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn report_rows(conn: &Connection, filter: &ReportFilter) -> Result<Vec<ReportRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT r.id, r.technician_id, t.name, r.contract_id, c.name, r.work_date, r.status, r.amends_id,
                (SELECT count(*) FROM report_entries e WHERE e.report_id = r.id AND {VISIBLE}), r.signed_at,
                r.created_at, EXISTS (SELECT 1 FROM daily_reports a WHERE a.amends_id = r.id)
         FROM daily_reports r
         JOIN technicians t ON t.id = r.technician_id
         JOIN contracts c ON c.id = r.contract_id
         WHERE (?1 IS NULL OR r.technician_id = ?1) AND (?2 IS NULL OR r.contract_id = ?2)
           AND (?3 IS NULL OR r.work_date >= ?3) AND (?4 IS NULL OR r.work_date <= ?4)
         ORDER BY r.work_date DESC, c.code, t.name, r.created_at"
    ))?;
    Ok(stmt
        .query_map(
            rusqlite::params![
                opt_text(filter.technician_id),
                opt_text(filter.contract_id),
                filter.from,
                filter.to
            ],
            |row| {
                Ok(ReportRow {
                    id: parse(row, 0)?,
                    technician_id: parse(row, 1)?,
                    technician_name: row.get(2)?,
                    contract_id: parse(row, 3)?,
                    contract_name: row.get(4)?,
                    work_date: row.get(5)?,
                    status: parse(row, 6)?,
                    amends: parse_opt(row, 7)?,
                    entry_count: row.get(8)?,
                    signed_at: row.get(9)?,
                    // A correction is made after its day by nature: only an original is 补填.
                    filled_late_at: match row.get::<_, Option<String>>(7)? {
                        Some(_) => None,
                        None => {
                            fieldlog_domain::report_versions::filled_late(row.get(5)?, row.get(10)?)
                        }
                    },
                    corrected: row.get(11)?,
                })
            },
        )?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn document(conn: &Connection, id: ReportId) -> Result<ReportDocument> {
    let report = report(conn, id)?;
    let entries = entries(conn, id)?;
    let signatures = signatures(conn, SignedSubject::DailyReport, id.as_uuid())?;
    let covers = signature_coverage(conn, id)?;
    let content_intact = (report.status == ReportStatus::Signed).then(|| {
        let hash = report::content_hash(&report, &entries);
        let coverage = coverage_of(conn, id).unwrap_or_default();
        !signatures.is_empty()
            && signatures.iter().all(|s| s.content_hash == hash)
            && covers.iter().flatten().all(|c| *c == coverage)
    });
    let held_entries = held_entries(conn, id)?;
    let mut amended_by =
        conn.prepare("SELECT id FROM daily_reports WHERE amends_id = ?1 ORDER BY created_at, id")?;
    let amended_by = amended_by
        .query_map([id.to_string()], |r| parse(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    let row = report_rows(
        conn,
        &ReportFilter {
            technician_id: Some(report.technician_id),
            contract_id: Some(report.contract_id),
            from: Some(report.work_date),
            to: Some(report.work_date),
        },
    )?
    .into_iter()
    .find(|r| r.id == id)
    .ok_or_else(|| StoreError::not_found("report", id))?;
    // A correction is read against the signed report it amends.
    let changes = match report.amends {
        Some(signed) => fieldlog_domain::report_versions::changes(
            &entries_where(conn, signed, Rows::Visible)?,
            &entries,
        ),
        None => Vec::new(),
    };
    Ok(ReportDocument {
        arrivals: arrivals::for_technician_day(conn, report.technician_id, report.work_date)?
            .into_iter()
            .filter(|a| {
                let site_contract = catalog::site(conn, a.site_id).map(|s| s.contract_id);
                site_contract.is_ok_and(|c| c == report.contract_id)
            })
            .collect(),
        report,
        row,
        entries,
        signatures,
        amended_by,
        content_intact,
        held_entries,
        changes,
    })
}

impl Store {
    /// Starts the day's report (a draft) for a technician and contract.
    pub fn create_report(
        &mut self,
        technician_id: TechnicianId,
        contract_id: ContractId,
        work_date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<DailyReport> {
        self.write(|tx| create_report(tx, technician_id, contract_id, work_date, now))
    }

    /// Adds one visited point to a draft report; parts used leave stock in the same transaction.
    pub fn add_report_entry(
        &mut self,
        report_id: ReportId,
        input: NewEntry,
        now: DateTime<Utc>,
    ) -> Result<ReportEntry> {
        self.write(|tx| add_entry(tx, report_id, input, now))
    }

    /// The technician signs: the signature, its image and the content hash are stored and the
    /// report is locked for good.
    pub fn sign_report(
        &mut self,
        report_id: ReportId,
        input: SignatureInput,
        now: DateTime<Utc>,
    ) -> Result<Signature> {
        self.write(|tx| sign(tx, report_id, input, now))
    }

    /// Opens a correction of a signed report: a new draft, a copy of it, pointing at it.
    pub fn amend_report(
        &mut self,
        signed_id: ReportId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<DailyReport> {
        self.write(|tx| amend(tx, signed_id, reason, now))
    }

    pub fn report(&self, id: ReportId) -> Result<DailyReport> {
        report(&self.conn, id)
    }

    /// A report by id or by a unique ending of its id.
    pub fn resolve_report(&self, key: &str) -> Result<ReportId> {
        faults::resolve_id_suffix(&self.conn, "daily_reports", key, "report").map(ReportId)
    }

    pub fn report_rows(&self, filter: &ReportFilter) -> Result<Vec<ReportRow>> {
        report_rows(&self.conn, filter)
    }

    pub fn report_document(&self, id: ReportId) -> Result<ReportDocument> {
        document(&self.conn, id)
    }

    /// The bytes of an attachment (a signature image), by SHA-256.
    pub fn attachment(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        attachments::get(&self.conn, sha256)
    }
}
