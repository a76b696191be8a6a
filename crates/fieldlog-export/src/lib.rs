//! Exports: a record in the store becomes a signed PDF. This is the only place that knows both the
//! store and `fieldlog-pdf`: it turns records into the PDF crate's plain inputs (names looked up,
//! times in Asia/Shanghai), renders them, and signs them with the profile's key (PAdES), made on
//! first use and kept in the profile database. The store and the future server never see printpdf.

pub mod files;
pub mod site_file;
// Issue 20: the profile's backup as a file.
pub mod profile_backup;
// The summary's files, shared with the server's console (issue 18): re-exported so
// `fieldlog_export::{spreadsheet, summary_table}` keep their names.
pub use fieldlog_summary_files::{spreadsheet, summary_pdf_input, summary_table};

use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::Lang;
use fieldlog_domain::clocks::ClockState;
use fieldlog_domain::ids::{ContractId, FaultId, ReportId};
use fieldlog_domain::report::{PartLine, ReportEntry};
use fieldlog_domain::signature::{Signature, SignerRole};
use fieldlog_domain::time::{china, format_local};
use fieldlog_pdf::{
    ArrivalRow, ClockRow, CompletionFormPdf, DailyReportPdf, EntryRow, FaultInfo, SignatureBlock,
    SigningIdentity,
};
use fieldlog_store::{Store, StoreError};
use fieldlog_wire::v1::SummaryView;
use fieldlog_wire::{ErrorBody, ErrorCode, ToErrorBody};

pub use fieldlog_pdf::{
    Font, FontError, SignatureCheck, SignerTrust, TimeStampCheck, Trust, Verdict, Verification,
    VerifyError, find_font_file, verify_pdf, verify_pdf_trusting,
};

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
    /// Not ready to export yet (unsigned, no technician, a month or file name not understood).
    #[error("{zh} ({en})")]
    NotReady { zh: String, en: String },
    #[error(
        "找不到导出的文件 {0}（可能已被移动或删除），请重新导出 (the exported file is gone: export it again)"
    )]
    NotExported(std::path::PathBuf),
    #[error(transparent)]
    Spreadsheet(#[from] spreadsheet::SpreadsheetError),
    #[error(transparent)]
    SiteFile(#[from] site_file::SiteFileError),
    #[error(transparent)]
    Write(#[from] files::WriteError),
}

pub type Result<T, E = ExportError> = std::result::Result<T, E>;

impl ExportError {
    fn not_ready(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ExportError::NotReady {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The sentence in `lang` (zh-CN is the `Display`).
    pub fn message(&self, lang: Lang) -> String {
        let Lang::En = lang else {
            return self.to_string();
        };
        match self {
            ExportError::Store(e) => e.message(lang),
            ExportError::Pdf(e) => format!("Making the PDF failed: {e}"),
            ExportError::Sign(e) => format!("Signing the PDF failed: {e}"),
            ExportError::Identity(e) => format!(
                "The profile's signing certificate is unusable: {e}. Contact the administrator."
            ),
            ExportError::NotReady { en, .. } => en.clone(),
            ExportError::NotExported(path) => format!(
                "The exported file {} is gone (moved or deleted): export it again.",
                path.display()
            ),
            ExportError::Spreadsheet(e) => e.message_en(),
            ExportError::SiteFile(e) => e.message_en(),
            ExportError::Write(e) => e.message(lang),
        }
    }
}

/// The `{code, message}` the UI and `--json` receive: one mapping for every front end.
impl ToErrorBody for ExportError {
    fn error_body(&self, lang: Lang) -> ErrorBody {
        let message = self.message(lang);
        match self {
            ExportError::Store(e) => e.error_body(lang),
            ExportError::NotReady { .. } => ErrorBody::new(ErrorCode::Conflict, message),
            ExportError::NotExported(_) => ErrorBody::new(ErrorCode::NotFound, message),
            ExportError::Write(e) => e.error_body(lang),
            // The file is not what an import needs: the user fixes the file.
            ExportError::SiteFile(_) => {
                ErrorBody::new(ErrorCode::InvalidInput, message).with_field("file")
            }
            // Font, layout, rendering and signing problems: the message says what to do.
            _ => ErrorBody::new(ErrorCode::Internal, message),
        }
    }
}

impl From<ExportError> for ErrorBody {
    fn from(error: ExportError) -> Self {
        error.error_body(Lang::ZhCn)
    }
}

/// The profile's signing identity: loaded, or made and kept on first use. It is self-issued
/// until the laptop enrolls with a sync server, which issues a certificate for the same key; from
/// then on signatures carry that certificate and its chain up to the server's root.
pub fn signing_identity(store: &mut Store, now: DateTime<Utc>) -> Result<SigningIdentity> {
    // A key still in the profile file goes to the OS key store when one answers (issue 14).
    store.move_signing_key_to_key_store()?;
    if let Some((key, certificate)) = store.signing_identity_pem()? {
        let identity = SigningIdentity::from_pem(&key, &certificate)?;
        return Ok(match store.signing_certificate_chain_pem()? {
            Some(chain) => identity.with_chain_pem(&chain)?,
            None => identity,
        });
    }
    let name = store.profile()?.map(|t| t.name).ok_or_else(|| {
        ExportError::not_ready(
            "请先设置本机技服人员，再导出签名文件",
            "set the technician first",
        )
    })?;
    let identity = SigningIdentity::generate(&name, Some("Fieldlog"), now, 3 * 365)?;
    store.save_signing_identity_pem(&identity.key_pem(), &identity.certificate_pem())?;
    Ok(identity)
}

/// The root the profile trusts for signatures: the top of the chain the sync server sent with
/// the certificate it issued at enrollment (its CA's self-signed root), if enrolled.
pub fn enrolled_root(store: &Store) -> Result<Option<fieldlog_certs::x509_cert::Certificate>> {
    let Some(chain) = store.signing_certificate_chain_pem()? else {
        return Ok(None);
    };
    let certificates = fieldlog_certs::certificates_from_pem(&chain)
        .map_err(|e| ExportError::Identity(fieldlog_pdf::IdentityError::from(e)))?;
    Ok(certificates
        .into_iter()
        .find(|c| fieldlog_certs::issued_by(c, c)))
}

/// How long an export waits for the server's time stamp before it signs without one (B-B).
pub const TIME_STAMP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Signs with the profile's identity. An enrolled laptop asks its server for an RFC 3161 time
/// stamp over the signature (PAdES B-T); when the server cannot be reached, or the laptop is not
/// enrolled, the signature stays B-B ([`signature_level`] tells which one a file got).
fn sign(store: &mut Store, pdf: &[u8], reason: &str, now: DateTime<Utc>) -> Result<Vec<u8>> {
    let identity = signing_identity(store, now)?;
    let signer = identity.common_name();
    let enrolled = store.enrollment()?.is_some();
    let store: &Store = store;
    let stamper = |value: &[u8]| -> Option<Vec<u8>> {
        fieldlog_sync::time_stamp_token(store, value, TIME_STAMP_TIMEOUT).ok()
    };
    Ok(fieldlog_pdf::sign_pdf_stamped(
        pdf,
        &identity,
        &signer,
        reason,
        now.with_timezone(&china()),
        enrolled.then_some(&stamper as fieldlog_pdf::TimeStamper<'_>),
    )?)
}

/// The PAdES level of a file we signed: "B-T" when its (last) signature carries a valid time
/// stamp, else "B-B".
pub fn signature_level(pdf: &[u8]) -> &'static str {
    let stamped = verify_pdf(pdf).ok().is_some_and(|v| {
        v.signatures.last().is_some_and(|s| {
            matches!(
                s.timestamp,
                Some(fieldlog_pdf::TimeStampCheck::Valid { .. })
            )
        })
    });
    if stamped { "B-T" } else { "B-B" }
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
            fieldlog_domain::site::device_label(d.kind, &d.model)
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
        struck: entry.struck,
        change_reason: entry.change_reason.clone(),
    })
}

/// Issue 19: what a correction changed, against the signed report it amends, as the PDF prints it.
fn correction(
    store: &Store,
    doc: &fieldlog_wire::v1::ReportDocument,
) -> Result<Option<fieldlog_pdf::CorrectionPdf>> {
    use fieldlog_domain::report_versions::EntryChangeKind;
    let Some(amends) = doc.report.amends else {
        return Ok(None);
    };
    let original = store.report(amends)?;
    let signed = original.signed_at.map(seconds).unwrap_or_default();
    let id = amends.to_string();
    let short = &id[id.len().saturating_sub(8)..];
    let mut changes = Vec::with_capacity(doc.changes.len());
    for change in &doc.changes {
        let after = entry_row(store, &change.entry)?;
        let summary = |row: &EntryRow| format!("{}：{}；{}", row.point, row.cause, row.work_done);
        let details = match (change.kind, &change.before) {
            (EntryChangeKind::Changed, Some(before)) => {
                let before = entry_row(store, before)?;
                let mut lines = vec![format!("{}：", after.point)];
                for field in &change.fields {
                    let (label, old, new) = match field.as_str() {
                        "site_id" => ("维护点位", before.point.clone(), after.point.clone()),
                        "device_id" => ("设备", before.device.clone(), after.device.clone()),
                        "fault_cause" => ("故障原因", before.cause.clone(), after.cause.clone()),
                        "resolved" | "unresolved_reason" => {
                            ("是否解决", resolved_text(&before), resolved_text(&after))
                        }
                        "work_done" => (
                            "处理情况",
                            before.work_done.clone(),
                            after.work_done.clone(),
                        ),
                        "parts" => ("备件", before.parts.join("、"), after.parts.join("、")),
                        "fault_id" => ("关联故障", "原故障".into(), "新故障".into()),
                        _ => continue,
                    };
                    lines.push(format!("{label}：{old} → {new}"));
                }
                lines.dedup();
                lines
            }
            _ => vec![summary(&after)],
        };
        changes.push(fieldlog_pdf::ChangeRow {
            kind: change.kind.label_zh().to_owned(),
            details,
            reason: change.entry.change_reason.clone(),
        });
    }
    Ok(Some(fieldlog_pdf::CorrectionPdf {
        amends: format!(
            "{} 日报（签字于 {signed}，编号 …{short}）",
            original.work_date
        ),
        reason: doc.report.amend_reason.clone().unwrap_or_default(),
        changes,
    }))
}

fn resolved_text(row: &EntryRow) -> String {
    match (&row.unresolved_reason, row.resolved) {
        (_, true) => "是".into(),
        (Some(reason), false) => format!("否（{reason}）"),
        (None, false) => "否".into(),
    }
}

/// Issue 19: each entry's photos as the PDF shows them, their thumbnails embedded as they are.
fn entry_photos(
    store: &Store,
    entries: &[fieldlog_domain::report::ReportEntry],
) -> Result<Vec<fieldlog_pdf::EntryPhotos>> {
    use fieldlog_domain::photo::PhotoSubject;
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let mut thumbnails = Vec::new();
        for photo in store.photos_of(PhotoSubject::ReportEntry, &entry.id.to_string())? {
            // A thumbnail not yet synced to this laptop, or not a JPEG, is left out.
            let Some(jpeg) = store.photo_thumbnail(&photo)? else {
                continue;
            };
            let Some((width, height)) = fieldlog_pdf::render::jpeg_size(&jpeg) else {
                continue;
            };
            let taken = photo.taken_at.map_or_else(
                || "未记录拍摄时间".to_owned(),
                |t| seconds(t)[..16].to_owned(),
            );
            thumbnails.push(fieldlog_pdf::PhotoThumbnail {
                jpeg,
                width: u32::from(width),
                height: u32::from(height),
                caption: format!("{} · {taken}", photo.stage.label_zh()),
            });
        }
        out.push(fieldlog_pdf::EntryPhotos {
            entry: i + 1,
            thumbnails,
        });
    }
    Ok(out)
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
        return Err(ExportError::not_ready(
            "日报尚未签字，签字后才能导出",
            "sign the report before exporting it",
        ));
    }
    // Content, signatures and their evidence-chain links must match before a fresh signature.
    store.check_report_evidence(report_id)?;
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
        filled_late: doc
            .row
            .filled_late_at
            .map(|at| format!("补填于 {}", seconds(at))),
        correction: correction(store, &doc)?,
        photos: entry_photos(store, &doc.entries)?,
        inspections: inspections_done(
            store,
            doc.report.contract_id,
            doc.report.technician_id,
            doc.report.work_date,
        )?,
    };
    let pdf = fieldlog_pdf::daily_report(&input, font)?;
    sign(store, &pdf, "每日设备维护报告", now)
}

/// Issue 19: the inspections the report's technician completed on its day, as the PDF lists them.
fn inspections_done(
    store: &Store,
    contract_id: ContractId,
    technician_id: fieldlog_domain::ids::TechnicianId,
    day: NaiveDate,
) -> Result<Vec<fieldlog_pdf::InspectionDoneRow>> {
    use fieldlog_domain::inspection::TickOutcome;
    let done = store.inspections_done_by(contract_id, technician_id, day)?;
    Ok(done
        .into_iter()
        .map(|d| {
            let count = |outcome: Option<TickOutcome>| {
                d.items
                    .iter()
                    .filter(|i| match outcome {
                        // Not checked: ticked so, or never ticked.
                        None => i
                            .tick
                            .as_ref()
                            .is_none_or(|t| t.outcome == TickOutcome::Skipped),
                        Some(o) => i.tick.as_ref().is_some_and(|t| t.outcome == o),
                    })
                    .count() as u32
            };
            let i = &d.inspection;
            fieldlog_pdf::InspectionDoneRow {
                kind: match &d.period {
                    Some(period) => format!("{} {period}", i.kind.label_zh()),
                    None => i.kind.label_zh().to_owned(),
                },
                point: format!("{} {}", i.site_code, i.site_name),
                done_at: i.done_at.map_or_else(|| "—".into(), format_local),
                ok: count(Some(TickOutcome::Ok)),
                not_ok: count(Some(TickOutcome::NotOk)),
                not_checked: count(None),
                findings: d
                    .findings
                    .iter()
                    .map(|f| {
                        let what = match &f.device {
                            Some(device) => format!("{device}：{}", f.description),
                            None => f.description.clone(),
                        };
                        match f.fault_id {
                            Some(fault) => format!("{what} → 已转故障（编号 …{}）", id_tail(fault)),
                            None => format!("{what}（未转故障）"),
                        }
                    })
                    .collect(),
            }
        })
        .collect())
}

/// The last eight hex digits of a fault's id, as the documents name a record.
fn id_tail(fault: FaultId) -> String {
    let id = fault.to_string();
    id[id.len() - 8..].to_owned()
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
        return Err(ExportError::not_ready(
            "完工确认单尚未由技服人员和用户代表签字",
            "the completion form is not signed by both yet",
        ));
    };
    store.check_completion_evidence(fault_id)?;
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

/// The first day of `YYYY-MM` and of the month after, or a clear error.
pub fn month_range(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    fieldlog_domain::clocks::month_bounds(month).ok_or_else(|| {
        ExportError::not_ready(
            format!("无法识别的月份“{month}”，请写成 2026-11"),
            format!("month '{month}' not understood: use 2026-11"),
        )
    })
}

/// The monthly summary of a contract (`YYYY-MM`) as a signed PDF. The figures are the store's
/// summary (`fieldlog_domain::summary` defines them), the same the XLSX and CSV carry.
pub fn monthly_summary(
    store: &mut Store,
    contract_id: ContractId,
    month: &str,
    font: &Font,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let (from, to) = month_range(month)?;
    let view = store.summary_view(contract_id, from, to, now)?;
    summary_pdf(store, &view, font, now)
}

/// A summary as a signed PDF.
pub fn summary_pdf(
    store: &mut Store,
    view: &SummaryView,
    font: &Font,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let prepared_by = store.profile()?.map(|t| t.name).unwrap_or_default();
    let input = summary_pdf_input(view, prepared_by, now);
    let pdf = fieldlog_pdf::monthly_summary(&input, font)?;
    sign(store, &pdf, "每月维护报告汇总", now)
}

pub use fieldlog_wire::v1::{ExportRequest, Exported, SummaryFormat};

/// The format a file name asks for by its extension (any case).
pub fn summary_format(path: &std::path::Path) -> Result<SummaryFormat> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("pdf") => Ok(SummaryFormat::Pdf),
        Some("xlsx") => Ok(SummaryFormat::Xlsx),
        Some("csv") => Ok(SummaryFormat::Csv),
        _ => Err(ExportError::not_ready(
            format!(
                "无法从文件名“{}”判断格式，请以 .xlsx、.csv 或 .pdf 结尾",
                path.display()
            ),
            "end the file name in .xlsx, .csv or .pdf",
        )),
    }
}

/// A summary in one format. The PDF needs a CJK font, found on the system.
pub fn summary_file(
    store: &mut Store,
    view: &SummaryView,
    format: SummaryFormat,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    match format {
        SummaryFormat::Pdf => {
            let font = Font::locate().map_err(|e| ExportError::Pdf(e.into()))?;
            summary_pdf(store, view, &font, now)
        }
        SummaryFormat::Xlsx => Ok(spreadsheet::xlsx(view)?),
        SummaryFormat::Csv => Ok(spreadsheet::csv(view)?),
    }
}

/// Imports sites and devices from a .csv or .xlsx file into a contract: all rows or none.
pub fn import_sites(
    store: &mut Store,
    contract_id: ContractId,
    path: &std::path::Path,
) -> Result<fieldlog_store::ImportReport> {
    let rows = site_file::read_site_file(path)?;
    Ok(store.import_sites(contract_id, &rows)?)
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

/// [`export_dir`], made if missing; a folder that cannot be made is a clear error.
pub(crate) fn ready_export_dir() -> Result<std::path::PathBuf> {
    let dir = export_dir();
    std::fs::create_dir_all(&dir).map_err(|e| {
        ExportError::not_ready(
            format!(
                "无法保存到 {}：{e}。请检查磁盘空间和文件夹权限",
                dir.display()
            ),
            format!(
                "cannot save to {}: {e}; check the free disk space and the folder's permissions",
                dir.display()
            ),
        )
    })?;
    Ok(dir)
}

/// Renders, signs and saves one export into [`export_dir`], named for what it is.
pub fn export_to_folder(
    store: &mut Store,
    request: &ExportRequest,
    now: DateTime<Utc>,
) -> Result<Exported> {
    let font = || Font::locate().map_err(|e| ExportError::Pdf(e.into()));
    let stamp = now.with_timezone(&china()).format("%Y%m%d-%H%M%S");
    let (pdf, name) = match request {
        ExportRequest::Daily { report_id } => {
            let report = store.report(*report_id)?;
            (
                daily_report(store, *report_id, &font()?, now)?,
                format!("每日设备维护报告-{}-{stamp}.pdf", report.work_date),
            )
        }
        ExportRequest::Completion { fault_id } => {
            let site = store.site(store.fault(*fault_id)?.site_id)?;
            (
                completion_form(store, *fault_id, &font()?, now)?,
                format!("完工确认单-{}-{stamp}.pdf", site.code),
            )
        }
        ExportRequest::Monthly {
            contract_id,
            month,
            format,
        } => {
            let contract = store.contract(*contract_id)?;
            let (from, to) = month_range(month)?;
            let view = store.summary_view(*contract_id, from, to, now)?;
            (
                summary_file(store, &view, *format, now)?,
                format!(
                    "每月维护报告汇总-{}-{month}-{stamp}.{}",
                    contract.code,
                    format.extension()
                ),
            )
        }
    };
    let dir = ready_export_dir()?;
    // The app never replaces a file: a name already taken gets a number.
    let path = files::fresh_name(&dir, &name);
    files::write_file(&path, &pdf, false, store.path())?;
    Ok(Exported {
        path,
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
