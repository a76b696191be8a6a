//! Daily equipment maintenance reports (每日设备维护报告): one per technician, contract and working
//! day, an entry per point visited. Once signed, a report is evidence: it is never edited, and a
//! correction is a new report that points at the one it amends.

use crate::fault::UnresolvedReason;
use crate::ids::{
    ContractId, DeviceId, EntryId, FaultId, MovementId, PartId, ReportId, SiteId, TechnicianId,
};
use crate::validate::{self, InvalidInput};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

code_enum! {
    pub enum ReportStatus {
        Draft = "draft", "草稿", "Draft";
        Signed = "signed", "已签字", "Signed";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DailyReport {
    pub id: ReportId,
    pub technician_id: TechnicianId,
    pub contract_id: ContractId,
    pub work_date: NaiveDate,
    pub status: ReportStatus,
    /// The signed report this one corrects.
    pub amends: Option<ReportId>,
    pub amend_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
}

/// A spare unit or part used on a visit, with the serials of what came out and what went in.
/// Its stock movement is the ledger record; this line points at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PartLine {
    pub part_id: PartId,
    pub quantity: i64,
    pub old_serial: Option<String>,
    pub new_serial: Option<String>,
    pub movement_id: MovementId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReportEntry {
    pub id: EntryId,
    pub report_id: ReportId,
    /// 1-based order within the report.
    pub position: u32,
    pub site_id: SiteId,
    pub device_id: Option<DeviceId>,
    pub fault_id: Option<FaultId>,
    pub fault_cause: String,
    pub resolved: bool,
    pub unresolved_reason: Option<UnresolvedReason>,
    pub work_done: String,
    pub parts: Vec<PartLine>,
    /// In an amendment: the signed report's entry this one corrects (issue 19). Left out of the
    /// JSON when absent, so the content hash of every report signed before stays the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub amends_entry: Option<EntryId>,
    /// In an amendment: the entry is struck (shown struck through, with its reason).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub struck: bool,
    /// In an amendment: why the entry was changed or struck.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub change_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewPartLine {
    pub part_id: PartId,
    pub quantity: i64,
    pub old_serial: Option<String>,
    pub new_serial: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewEntry {
    pub site_id: SiteId,
    pub device_id: Option<DeviceId>,
    pub fault_id: Option<FaultId>,
    pub fault_cause: String,
    pub resolved: bool,
    pub unresolved_reason: Option<UnresolvedReason>,
    pub work_done: String,
    pub parts: Vec<NewPartLine>,
}

/// At most this many units of one part on one line: more is a typo, not a repair.
pub const MAX_PART_QUANTITY: i64 = 1000;

impl NewEntry {
    pub fn validate(mut self) -> Result<Self, InvalidInput> {
        self.fault_cause =
            validate::required_text("fault_cause", "故障原因", &self.fault_cause, 200)?;
        self.work_done =
            validate::required_multiline_text("work_done", "处理情况", &self.work_done, 1000)?;
        match (self.resolved, self.unresolved_reason) {
            (false, None) => {
                return Err(InvalidInput::new(
                    "unresolved_reason",
                    "未解决时请选择原因（电源、传输、设备、不可抗拒因素或其他）",
                    "an unresolved entry needs a reason (power, transmission, device, force majeure, other)",
                ));
            }
            (true, Some(_)) => self.unresolved_reason = None,
            _ => {}
        }
        for line in &mut self.parts {
            line.quantity =
                validate::positive_quantity("quantity", line.quantity, MAX_PART_QUANTITY)?;
            line.old_serial = validate::optional_text(
                "old_serial",
                "旧件序列号",
                line.old_serial.as_deref().unwrap_or(""),
                64,
            )?;
            line.new_serial = validate::optional_text(
                "new_serial",
                "新件序列号",
                line.new_serial.as_deref().unwrap_or(""),
                64,
            )?;
        }
        Ok(self)
    }
}

/// What a signature covers: everything a reader of the report sees, nothing that signing changes
/// (status, signing time). Field order is fixed by this struct, so its JSON is canonical.
#[derive(Serialize)]
struct SignedReportContent<'a> {
    schema: &'static str,
    id: ReportId,
    technician_id: TechnicianId,
    contract_id: ContractId,
    work_date: NaiveDate,
    amends: Option<ReportId>,
    amend_reason: Option<&'a str>,
    entries: &'a [ReportEntry],
}

/// SHA-256 (hex) of the report's signed content. Stored with each signature, so any later change to
/// the report, by whatever path, shows as a mismatch.
pub fn content_hash(report: &DailyReport, entries: &[ReportEntry]) -> String {
    let content = SignedReportContent {
        schema: "fieldlog.daily-report.v1",
        id: report.id,
        technician_id: report.technician_id,
        contract_id: report.contract_id,
        work_date: report.work_date,
        amends: report.amends,
        amend_reason: report.amend_reason.as_deref(),
        entries,
    };
    let json = serde_json::to_vec(&content).expect("report content always serialises");
    hex(&Sha256::digest(json))
}

/// The SHA-256 of one entry as a reader sees it (its canonical JSON): a signature lists the
/// entries it covers by id and this hash.
pub fn entry_hash(entry: &ReportEntry) -> String {
    let json = serde_json::to_vec(entry).expect("an entry always serialises");
    hex(&Sha256::digest(json))
}

/// What a signature covers: each entry its signer saw, by id and [`entry_hash`], as the JSON
/// kept beside the signature (`[{"id": …, "sha256": …}]`, in report order).
pub fn coverage(entries: &[ReportEntry]) -> String {
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| serde_json::json!({"id": e.id, "sha256": entry_hash(e)}))
        .collect();
    serde_json::Value::Array(items).to_string()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn entry(cause: &str) -> NewEntry {
        NewEntry {
            site_id: SiteId(Uuid::nil()),
            device_id: None,
            fault_id: None,
            fault_cause: cause.into(),
            resolved: true,
            unresolved_reason: None,
            work_done: "重启设备".into(),
            parts: vec![],
        }
    }

    #[test]
    fn unresolved_needs_a_reason() {
        let mut e = entry("断电");
        e.resolved = false;
        assert_eq!(e.clone().validate().unwrap_err().field, "unresolved_reason");
        e.unresolved_reason = Some(UnresolvedReason::Power);
        assert!(e.validate().is_ok());
    }

    #[test]
    fn resolved_entry_drops_a_stray_reason() {
        let mut e = entry("断电");
        e.unresolved_reason = Some(UnresolvedReason::Power);
        assert_eq!(e.validate().unwrap().unresolved_reason, None);
    }

    #[test]
    fn content_hash_changes_with_any_entry_field() {
        let report = DailyReport {
            id: ReportId(Uuid::nil()),
            technician_id: TechnicianId(Uuid::nil()),
            contract_id: ContractId(Uuid::nil()),
            work_date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            status: ReportStatus::Draft,
            amends: None,
            amend_reason: None,
            created_at: DateTime::UNIX_EPOCH,
            signed_at: None,
        };
        let e = ReportEntry {
            id: EntryId(Uuid::nil()),
            report_id: report.id,
            position: 1,
            site_id: SiteId(Uuid::nil()),
            device_id: None,
            fault_id: None,
            fault_cause: "光模块老化".into(),
            resolved: true,
            unresolved_reason: None,
            work_done: "更换光模块".into(),
            parts: vec![],
            amends_entry: None,
            struck: false,
            change_reason: None,
        };
        let base = content_hash(&report, std::slice::from_ref(&e));
        assert_eq!(base.len(), 64);
        // Signing changes status and time; the hash must not move with them.
        let signed = DailyReport {
            status: ReportStatus::Signed,
            signed_at: Some(DateTime::UNIX_EPOCH),
            ..report.clone()
        };
        assert_eq!(content_hash(&signed, std::slice::from_ref(&e)), base);
        let changed = ReportEntry {
            work_done: "更换光模块。".into(),
            ..e
        };
        assert_ne!(content_hash(&report, &[changed]), base);
    }
}
