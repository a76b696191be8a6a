//! Exports: a record in the store becomes a signed PDF. This is the only place that knows both the
//! store and `fieldlog-pdf`: it turns records into the PDF crate's plain inputs (names looked up,
//! times in Asia/Shanghai), renders them, and signs them with the profile's key (PAdES), made on
//! first use and kept in the profile database. The store and the future server never see printpdf.

use chrono::{DateTime, Utc};
use fieldlog_domain::clocks::ClockState;
use fieldlog_domain::fault::{FaultEventKind, FaultStatus, UnresolvedReason};
use fieldlog_domain::ids::{ContractId, FaultId, ReportId};
use fieldlog_domain::report::{PartLine, ReportEntry};
use fieldlog_domain::signature::{Signature, SignerRole};
use fieldlog_domain::stock::MovementKind;
use fieldlog_domain::time::{china, format_local, local_date};
use fieldlog_pdf::{
    ArrivalRow, ClockRow, CompletionFormPdf, DailyReportPdf, EntryRow, FaultInfo, ForceMajeureRow,
    LevelCompliance, MonthlySummaryPdf, PartConsumed, Rate, SignatureBlock, SigningIdentity,
    UnresolvedByReason,
};
use fieldlog_store::{StockFilter, Store, StoreError};
use std::collections::BTreeMap;

pub use fieldlog_pdf::{Font, FontError, Verification, verify_pdf};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Pdf(#[from] fieldlog_pdf::PdfError),
    #[error("PDF 签名失败：{0} (signing the PDF failed)")]
    Sign(#[from] fieldlog_pdf::SignError),
    #[error(
        "本机签名证书无法使用：{0}。请联系管理员 (the profile's signing certificate is unusable)"
    )]
    Identity(#[from] fieldlog_pdf::IdentityError),
    #[error("{0}")]
    NotReady(String),
    #[error(
        "找不到导出的文件 {0}（可能已被移动或删除），请重新导出 (the exported file is gone: export it again)"
    )]
    NotExported(std::path::PathBuf),
}

pub type Result<T, E = ExportError> = std::result::Result<T, E>;

/// The `{code, message}` the UI and `--json` receive: one mapping for every front end.
impl From<ExportError> for fieldlog_wire::ErrorBody {
    fn from(error: ExportError) -> Self {
        use fieldlog_wire::{ErrorBody, ErrorCode};
        match error {
            ExportError::Store(e) => e.to_body(),
            ExportError::NotReady(message) => ErrorBody {
                code: ErrorCode::Conflict,
                message,
                field: None,
            },
            e @ ExportError::NotExported(_) => ErrorBody {
                code: ErrorCode::NotFound,
                message: e.to_string(),
                field: None,
            },
            // Font, layout, rendering and signing problems: the message says what to do.
            other => ErrorBody {
                code: ErrorCode::Internal,
                message: other.to_string(),
                field: None,
            },
        }
    }
}

/// The profile's signing identity: loaded, or made and kept on first use (self-issued until the
/// sync server can issue one).
pub fn signing_identity(store: &mut Store, now: DateTime<Utc>) -> Result<SigningIdentity> {
    if let Some((key, certificate)) = store.signing_identity_pem()? {
        return Ok(SigningIdentity::from_pem(&key, &certificate)?);
    }
    let name = store.profile()?.map(|t| t.name).ok_or_else(|| {
        ExportError::NotReady(
            "请先设置本机技服人员，再导出签名文件 (set the technician first)".into(),
        )
    })?;
    let identity = SigningIdentity::generate(&name, Some("Fieldlog"), now, 3 * 365)?;
    store.save_signing_identity_pem(&identity.key_pem(), &identity.certificate_pem())?;
    Ok(identity)
}

fn sign(store: &mut Store, pdf: &[u8], reason: &str, now: DateTime<Utc>) -> Result<Vec<u8>> {
    let identity = signing_identity(store, now)?;
    let signer = identity.common_name();
    Ok(fieldlog_pdf::sign_pdf(
        pdf,
        &identity,
        &signer,
        reason,
        now.with_timezone(&china()),
    )?)
}

fn seconds(at: DateTime<Utc>) -> String {
    at.with_timezone(&china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn signature_block(store: &Store, signature: &Signature) -> Result<SignatureBlock> {
    Ok(SignatureBlock {
        name: signature.signer_name.clone(),
        role_label: signature.role.label_zh().into(),
        signed_at_local: seconds(signature.signed_at),
        png: store
            .attachment(&signature.image_sha256)?
            .unwrap_or_default(),
    })
}

fn part_text(store: &Store, line: &PartLine) -> Result<String> {
    let part = store.part(line.part_id)?;
    let serials = match (&line.old_serial, &line.new_serial) {
        (None, None) => String::new(),
        (old, new) => format!(
            " 旧 {} → 新 {}",
            old.as_deref().unwrap_or("—"),
            new.as_deref().unwrap_or("—")
        ),
    };
    Ok(format!("{} × {}{serials}", part.name, line.quantity))
}

fn point(store: &Store, site_id: fieldlog_domain::ids::SiteId) -> Result<String> {
    let site = store.site(site_id)?;
    Ok(format!("{} {}", site.code, site.name))
}

fn device(store: &Store, device_id: Option<fieldlog_domain::ids::DeviceId>) -> Result<String> {
    Ok(match device_id {
        Some(id) => {
            let d = store.device(id)?;
            format!("{} {}", d.kind.label_zh(), d.model)
        }
        None => "—".into(),
    })
}

fn entry_row(store: &Store, entry: &ReportEntry) -> Result<EntryRow> {
    Ok(EntryRow {
        point: point(store, entry.site_id)?,
        device: device(store, entry.device_id)?,
        cause: entry.fault_cause.clone(),
        resolved: entry.resolved,
        unresolved_reason: entry.unresolved_reason.map(|r| r.label_zh().to_owned()),
        work_done: entry.work_done.clone(),
        parts: entry
            .parts
            .iter()
            .map(|p| part_text(store, p))
            .collect::<Result<_>>()?,
    })
}

/// The daily report as a signed PDF. Only a signed report is exported: the PDF is evidence.
pub fn daily_report(
    store: &mut Store,
    report_id: ReportId,
    font: &Font,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let doc = store.report_document(report_id)?;
    if doc.signatures.is_empty() {
        return Err(ExportError::NotReady(
            "日报尚未签字，签字后才能导出 (sign the report before exporting it)".into(),
        ));
    }
    let contract = store.contract(doc.report.contract_id)?;
    let input = DailyReportPdf {
        contract_name: contract.name,
        client: contract.client,
        technician: doc.row.technician_name.clone(),
        work_date: doc.report.work_date.to_string(),
        entries: doc
            .entries
            .iter()
            .map(|e| entry_row(store, e))
            .collect::<Result<_>>()?,
        arrivals: doc
            .arrivals
            .iter()
            .map(|a| {
                Ok(ArrivalRow {
                    time: seconds(a.arrived_at),
                    point: point(store, a.site_id)?,
                    location: a.location.map(|l| match l.accuracy_m {
                        Some(acc) => format!("{:.5}, {:.5} ±{acc:.0} m", l.lat, l.lon),
                        None => format!("{:.5}, {:.5}", l.lat, l.lon),
                    }),
                })
            })
            .collect::<Result<_>>()?,
        signatures: doc
            .signatures
            .iter()
            .map(|s| signature_block(store, s))
            .collect::<Result<_>>()?,
    };
    let pdf = fieldlog_pdf::daily_report(&input, font)?;
    sign(store, &pdf, "每日设备维护报告", now)
}

fn clock_state(state: ClockState) -> fieldlog_pdf::ClockState {
    match state {
        ClockState::Met => fieldlog_pdf::ClockState::Met,
        ClockState::Breached => fieldlog_pdf::ClockState::Breached,
        ClockState::Running => fieldlog_pdf::ClockState::Running,
        ClockState::NotStarted | ClockState::Exempt => fieldlog_pdf::ClockState::NotCounted,
    }
}

/// The completion form of a fault both parties signed, as a signed PDF.
pub fn completion_form(
    store: &mut Store,
    fault_id: FaultId,
    font: &Font,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let form = store.completion(fault_id, now)?;
    let by_role = |role: SignerRole| form.signatures.iter().find(|s| s.role == role);
    let (Some(technician), Some(customer)) = (
        by_role(SignerRole::Technician),
        by_role(SignerRole::Customer),
    ) else {
        return Err(ExportError::NotReady(
            "完工确认单尚未由技服人员和用户代表签字 (the completion form is not signed by both yet)".into(),
        ));
    };
    let fault = store.fault(fault_id)?;
    let contract = store.contract(fault.contract_id)?;
    let clocks = store.fault_clocks(fault_id, now)?;
    let mut parts = Vec::new();
    for entry in &form.entries {
        for line in &entry.parts {
            parts.push(part_text(store, line)?);
        }
    }
    let input = CompletionFormPdf {
        contract_name: contract.name,
        client: contract.client,
        fault: FaultInfo {
            level: format!("{}级 {}", fault.level, fault.level.label_zh()),
            point: point(store, fault.site_id)?,
            device: device(store, fault.device_id)?,
            reported_at: format_local(fault.reported_at),
            description: fault.description.clone(),
            first_receiver: fault.first_receiver.clone(),
        },
        clocks: clocks
            .clocks
            .iter()
            .map(|c| ClockRow {
                kind: c.kind.label_zh().into(),
                deadline: c.deadline.map(format_local).unwrap_or_else(|| "—".into()),
                stopped_at: c.stopped_at.map(format_local),
                state: clock_state(c.state),
            })
            .collect(),
        work_done: form
            .entries
            .iter()
            .map(|e| e.work_done.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        parts,
        technician: signature_block(store, technician)?,
        customer: signature_block(store, customer)?,
    };
    let pdf = fieldlog_pdf::completion_form(&input, font)?;
    sign(store, &pdf, "完工确认单", now)
}

/// The monthly summary of a contract (`YYYY-MM`) as a signed PDF. Faults count in the month they
/// were reported (local time); clocks are judged as of `now`. The full definitions of the figures
/// belong to the summary issue; these are the first, simple ones.
pub fn monthly_summary(
    store: &mut Store,
    contract_id: ContractId,
    month: &str,
    font: &Font,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let (from, to) = fieldlog_domain::clocks::month_bounds(month).ok_or_else(|| {
        ExportError::NotReady(format!(
            "无法识别的月份“{month}”，请写成 2026-11 (use 2026-11)"
        ))
    })?;
    let contract = store.contract(contract_id)?;
    let compliance = store.compliance(contract_id, from, to, now)?;
    let in_month = |at: DateTime<Utc>| (from..to).contains(&local_date(at));
    let faults: Vec<_> = store
        .fault_rows(now)?
        .into_iter()
        .filter(|f| f.contract_id == contract_id && in_month(f.reported_at))
        .collect();
    let mut unresolved = UnresolvedByReason {
        power: 0,
        transmission: 0,
        device: 0,
        force_majeure: 0,
        other: 0,
    };
    let mut force_majeure = Vec::new();
    for fault in faults.iter().filter(|f| f.status != FaultStatus::Resolved) {
        let detail = store.fault_detail(fault.id, now)?;
        let reason = detail.events.iter().rev().find_map(|e| match &e.kind {
            FaultEventKind::Unresolved { reason, .. } => Some(*reason),
            _ => None,
        });
        match reason {
            Some(UnresolvedReason::Power) => unresolved.power += 1,
            Some(UnresolvedReason::Transmission) => unresolved.transmission += 1,
            Some(UnresolvedReason::Device) => unresolved.device += 1,
            Some(UnresolvedReason::ForceMajeure) => unresolved.force_majeure += 1,
            Some(UnresolvedReason::Other) | None => unresolved.other += 1,
        }
    }
    for fault in &faults {
        if store.fault_clocks(fault.id, now)?.force_majeure {
            // The clerk needs the cause as determined, not the symptom that was reported.
            let detail = store.fault_detail(fault.id, now)?;
            let cause = detail.events.iter().rev().find_map(|e| match &e.kind {
                FaultEventKind::CauseDetermined { cause, note } if cause.is_force_majeure() => {
                    Some(if note.is_empty() {
                        cause.label_zh().to_owned()
                    } else {
                        format!("{}：{note}", cause.label_zh())
                    })
                }
                FaultEventKind::Unresolved {
                    reason: UnresolvedReason::ForceMajeure,
                    note,
                } => Some(format!("不可抗拒因素：{note}")),
                _ => None,
            });
            force_majeure.push(ForceMajeureRow {
                date: local_date(fault.reported_at).to_string(),
                point: format!("{} {}", fault.site_code, fault.site_name),
                device: fault.device.clone().unwrap_or_else(|| "—".into()),
                description: cause.unwrap_or_else(|| fault.description.clone()),
            });
        }
    }
    let mut consumed: BTreeMap<String, u32> = BTreeMap::new();
    for movement in store.movements(&StockFilter::default())? {
        let part = store.part(movement.part_id)?;
        if part.contract_id == contract_id
            && movement.kind == MovementKind::Used
            && in_month(movement.at)
        {
            *consumed.entry(part.name).or_default() +=
                u32::try_from(movement.quantity).unwrap_or(0);
        }
    }
    let rate = |tally: &fieldlog_domain::clocks::ClockTally| Rate {
        met: tally.met,
        judged: tally.met + tally.breached,
    };
    let input = MonthlySummaryPdf {
        contract_name: contract.name,
        client: contract.client,
        month: month.trim().to_owned(),
        prepared_by: store.profile()?.map(|t| t.name).unwrap_or_default(),
        generated_at: format_local(now),
        devices_reported: faults.len() as u32,
        devices_repaired: faults
            .iter()
            .filter(|f| f.status == FaultStatus::Resolved)
            .count() as u32,
        unresolved,
        compliance: compliance
            .levels
            .iter()
            .map(|l| LevelCompliance {
                level: format!("{}级", l.level),
                faults: l.faults,
                response: rate(&l.response),
                arrival: rate(&l.arrival),
                resolution: rate(&l.resolution),
            })
            .collect(),
        force_majeure,
        parts_consumed: consumed
            .into_iter()
            .map(|(name, quantity)| PartConsumed { name, quantity })
            .collect(),
    };
    let pdf = fieldlog_pdf::monthly_summary(&input, font)?;
    sign(store, &pdf, "每月维护报告汇总", now)
}

/// What the app asks to export.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportRequest {
    Daily {
        report_id: ReportId,
    },
    Completion {
        fault_id: FaultId,
    },
    Monthly {
        contract_id: ContractId,
        month: String,
    },
}

/// Where an export went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Exported {
    pub path: std::path::PathBuf,
    pub bytes: usize,
}

/// The folder exports go to: `FIELDLOG_EXPORT_DIR`, else the user's documents folder's `Fieldlog`
/// subfolder, else the home folder's.
pub fn export_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("FIELDLOG_EXPORT_DIR") {
        return dir.into();
    }
    let user = directories::UserDirs::new();
    user.as_ref()
        .and_then(|u| u.document_dir().map(|d| d.join("Fieldlog")))
        .or_else(|| user.as_ref().map(|u| u.home_dir().join("Fieldlog")))
        .unwrap_or_else(|| std::path::PathBuf::from("Fieldlog"))
}

/// Renders, signs and saves one export into [`export_dir`], named for what it is.
pub fn export_to_folder(
    store: &mut Store,
    request: &ExportRequest,
    now: DateTime<Utc>,
) -> Result<Exported> {
    let font = Font::locate().map_err(|e| ExportError::Pdf(e.into()))?;
    let stamp = now.with_timezone(&china()).format("%Y%m%d-%H%M%S");
    let (pdf, name) = match request {
        ExportRequest::Daily { report_id } => {
            let report = store.report(*report_id)?;
            (
                daily_report(store, *report_id, &font, now)?,
                format!("每日设备维护报告-{}-{stamp}.pdf", report.work_date),
            )
        }
        ExportRequest::Completion { fault_id } => {
            let site = store.site(store.fault(*fault_id)?.site_id)?;
            (
                completion_form(store, *fault_id, &font, now)?,
                format!("完工确认单-{}-{stamp}.pdf", site.code),
            )
        }
        ExportRequest::Monthly { contract_id, month } => {
            let contract = store.contract(*contract_id)?;
            (
                monthly_summary(store, *contract_id, month, &font, now)?,
                format!("每月维护报告汇总-{}-{month}-{stamp}.pdf", contract.code),
            )
        }
    };
    let dir = export_dir();
    let write = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join(&name), &pdf));
    write.map_err(|e| {
        ExportError::NotReady(format!(
            "无法保存到 {}：{e}。请检查磁盘空间和文件夹权限 (cannot save the PDF)",
            dir.display()
        ))
    })?;
    Ok(Exported {
        path: dir.join(name),
        bytes: pdf.len(),
    })
}

/// A file this app exported, checked before the shell asks the OS to open or show it: it must be a
/// file that exists inside [`export_dir`]. The window names the path, so without this check it could
/// ask the OS to open anything on the laptop.
pub fn exported_file(path: &std::path::Path) -> Result<std::path::PathBuf> {
    exported_file_in(&export_dir(), path)
}

fn exported_file_in(dir: &std::path::Path, path: &std::path::Path) -> Result<std::path::PathBuf> {
    let gone = || ExportError::NotExported(path.to_path_buf());
    let file = path.canonicalize().map_err(|_| gone())?;
    let dir = dir.canonicalize().map_err(|_| gone())?;
    if file.starts_with(&dir) && file.is_file() {
        Ok(file)
    } else {
        Err(gone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_existing_files_inside_the_export_folder_are_handed_to_the_os() {
        let root = tempfile::tempdir().unwrap();
        let exports = root.path().join("exports");
        std::fs::create_dir_all(&exports).unwrap();
        let inside = exports.join("每日设备维护报告.pdf");
        std::fs::write(&inside, b"%PDF-1.7").unwrap();
        let outside = root.path().join("secret.txt");
        std::fs::write(&outside, b"x").unwrap();

        assert_eq!(
            exported_file_in(&exports, &inside).unwrap(),
            inside.canonicalize().unwrap()
        );
        for refused in [
            outside.clone(),
            exports.join("../secret.txt"),
            exports.join("missing.pdf"),
            exports.clone(),
        ] {
            let err = exported_file_in(&exports, &refused).unwrap_err();
            assert!(
                matches!(err, ExportError::NotExported(_)),
                "{refused:?}: {err}"
            );
            let body = fieldlog_wire::ErrorBody::from(err);
            assert_eq!(body.code, fieldlog_wire::ErrorCode::NotFound);
            assert!(body.message.contains("请重新导出"), "{}", body.message);
        }
    }
}
