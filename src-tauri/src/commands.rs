//! Tauri commands: the window's only way into the core, mirrored one to one by `ui/src/api.ts`.
//! Each deserialises its arguments, makes one call into `fieldlog-store` (usually its `desk`
//! module, which returns what the screen shows next), and converts the error to `{code, message}`.
//! Every type a command takes or answers is a `fieldlog_wire::v1` type: the UI's TypeScript types
//! are generated from them (`ui/src/generated/wire.ts`).
//! The wall clock enters here (`Utc::now()`): the core always takes time as an argument.
//! Commands run off the main thread (`async`), so a slow disk never freezes the window.

use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::ids::{ArrivalId, ContractId, FaultId, PartId, ReportId, SiteId};
use fieldlog_store::{ReportFilter, StockFilter, Store, desk};
use fieldlog_sync::background::Worker;
use fieldlog_wire::v1::{
    Arrival, CapturedSignature, CompletionForm, ConflictView, Contract, ContractCatalogue, Device,
    Enrollment, ExportRequest, Exported, FaultDetail, FaultEventKind, FaultRow, GeoPoint,
    InspectionRow, KeyStorageView, MovementKind, NewEntry, ReportDocument, ReportRow, Settings,
    Side, Site, SparePart, StockMovement, StockReport, SummaryView, SyncActivity, Technician,
    Today, TodayFilter,
};
// Issue 19, the first start (h1).
use fieldlog_wire::v1::{AloneContract, EnrollForm, FirstEnrollment, FirstStart, NewSiteForm};
use fieldlog_wire::{ErrorBody, ErrorCode, ToErrorBody};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use uuid::Uuid;

/// The open profile database, shared by all commands.
pub struct AppState {
    store: Mutex<Store>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self {
            store: Mutex::new(store),
        }
    }

    /// Runs one core call; its error, whichever crate's, becomes `{code, message}` in the
    /// language of the app's settings.
    fn with<T, E: ToErrorBody>(
        &self,
        call: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, ErrorBody> {
        let mut store = self.store.lock().map_err(|_| {
            ErrorBody::new(
                ErrorCode::Internal,
                "内部错误：数据库连接不可用，请重启 Fieldlog (internal error: restart Fieldlog)",
            )
        })?;
        call(&mut store).map_err(|error| error.error_body(store.language()))
    }
}

type Reply<T> = Result<T, ErrorBody>;

#[tauri::command(async)]
pub fn today(state: State<'_, AppState>, filter: Option<TodayFilter>) -> Reply<Today> {
    state.with(|store| desk::today_filtered(store, filter.unwrap_or_default(), Utc::now()))
}

#[tauri::command(async)]
pub fn profile(state: State<'_, AppState>) -> Reply<Option<Technician>> {
    state.with(|store| store.profile())
}

#[tauri::command(async)]
pub fn set_profile(
    state: State<'_, AppState>,
    name: String,
    staff_no: Option<String>,
) -> Reply<Technician> {
    state.with(|store| desk::set_profile(store, &name, staff_no.as_deref(), Utc::now()))
}

#[tauri::command(async)]
pub fn contracts(state: State<'_, AppState>) -> Reply<Vec<Contract>> {
    state.with(|store| store.contracts())
}

#[tauri::command(async)]
pub fn sites(state: State<'_, AppState>, contract_id: Option<ContractId>) -> Reply<Vec<Site>> {
    state.with(|store| store.sites(contract_id))
}

#[tauri::command(async)]
pub fn devices(state: State<'_, AppState>, site_id: SiteId) -> Reply<Vec<Device>> {
    state.with(|store| store.devices(site_id))
}

#[tauri::command(async)]
pub fn parts(state: State<'_, AppState>, contract_id: ContractId) -> Reply<Vec<SparePart>> {
    state.with(|store| store.parts(contract_id))
}

/// The "合同与点位" screen: every contract this laptop holds, with its policy, sites, devices
/// and spare parts.
#[tauri::command(async)]
pub fn catalogue(state: State<'_, AppState>) -> Reply<Vec<ContractCatalogue>> {
    state.with(|store| desk::catalogue(store, None, Utc::now()))
}

#[tauri::command(async)]
pub fn faults(state: State<'_, AppState>, open_only: bool) -> Reply<Vec<FaultRow>> {
    state.with(|store| desk::fault_rows(store, open_only, Utc::now()))
}

/// Kept for the first window's script and older UIs: the open faults.
#[tauri::command(async)]
pub fn open_faults(state: State<'_, AppState>) -> Reply<Vec<FaultRow>> {
    state.with(|store| store.open_fault_rows(Utc::now()))
}

#[tauri::command(async)]
pub fn fault_detail(state: State<'_, AppState>, fault_id: FaultId) -> Reply<FaultDetail> {
    state.with(|store| store.fault_detail(fault_id, Utc::now()))
}

#[tauri::command(async)]
pub fn record_fault_event(
    state: State<'_, AppState>,
    fault_id: FaultId,
    event: FaultEventKind,
    at: Option<DateTime<Utc>>,
) -> Reply<FaultDetail> {
    state.with(|store| desk::record_fault_event(store, fault_id, event, at, Utc::now()))
}

#[tauri::command(async)]
pub fn take_fault(state: State<'_, AppState>, fault_id: FaultId) -> Reply<FaultDetail> {
    state.with(|store| desk::take_fault(store, fault_id, Utc::now()))
}

/// A spare substitution, at `at` when the technician gives when it happened (issue 19: entered
/// later, checked like every other event), else now.
#[tauri::command(async)]
pub fn substitute_spare(
    state: State<'_, AppState>,
    fault_id: FaultId,
    part_id: PartId,
    serial: Option<String>,
    at: Option<DateTime<Utc>>,
) -> Reply<FaultDetail> {
    state.with(|store| desk::substitute_spare(store, fault_id, part_id, serial, at, Utc::now()))
}

#[tauri::command(async)]
pub fn check_in(
    state: State<'_, AppState>,
    site_id: SiteId,
    fault_id: Option<FaultId>,
    location: Option<GeoPoint>,
    site_confirmed_by_hand: bool,
    at: Option<DateTime<Utc>>,
) -> Reply<Arrival> {
    state.with(|store| {
        desk::check_in(
            store,
            site_id,
            fault_id,
            location,
            site_confirmed_by_hand,
            at,
            Utc::now(),
        )
    })
}

#[tauri::command(async)]
pub fn complete_inspection(
    state: State<'_, AppState>,
    inspection_id: Uuid,
    arrival_id: ArrivalId,
) -> Reply<InspectionRow> {
    state.with(|store| desk::complete_inspection(store, inspection_id, arrival_id, Utc::now()))
}

#[tauri::command(async)]
pub fn reports(
    state: State<'_, AppState>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Reply<Vec<ReportRow>> {
    state.with(|store| {
        store.report_rows(&ReportFilter {
            technician_id: None,
            contract_id: None,
            from,
            to,
        })
    })
}

#[tauri::command(async)]
pub fn report(state: State<'_, AppState>, report_id: ReportId) -> Reply<ReportDocument> {
    state.with(|store| store.report_document(report_id))
}

#[tauri::command(async)]
pub fn today_report(state: State<'_, AppState>, contract_id: ContractId) -> Reply<ReportDocument> {
    state.with(|store| desk::today_report(store, contract_id, Utc::now()))
}

#[tauri::command(async)]
pub fn add_entry(
    state: State<'_, AppState>,
    report_id: ReportId,
    entry: NewEntry,
) -> Reply<ReportDocument> {
    state.with(|store| desk::add_entry(store, report_id, entry, Utc::now()))
}

#[tauri::command(async)]
pub fn sign_report(
    state: State<'_, AppState>,
    report_id: ReportId,
    signature: CapturedSignature,
) -> Reply<ReportDocument> {
    state.with(|store| desk::sign_report(store, report_id, signature, Utc::now()))
}

#[tauri::command(async)]
pub fn amend_report(
    state: State<'_, AppState>,
    report_id: ReportId,
    reason: String,
) -> Reply<ReportDocument> {
    state.with(|store| desk::amend_report(store, report_id, &reason, Utc::now()))
}

#[tauri::command(async)]
pub fn completion(state: State<'_, AppState>, fault_id: FaultId) -> Reply<CompletionForm> {
    state.with(|store| store.completion(fault_id, Utc::now()))
}

#[tauri::command(async)]
pub fn signature_image(state: State<'_, AppState>, sha256: String) -> Reply<Option<String>> {
    state.with(|store| desk::signature_image(store, &sha256))
}

#[tauri::command(async)]
pub fn sign_completion(
    state: State<'_, AppState>,
    fault_id: FaultId,
    technician: CapturedSignature,
    customer: CapturedSignature,
) -> Reply<CompletionForm> {
    state.with(|store| desk::sign_completion(store, fault_id, technician, customer, Utc::now()))
}

#[tauri::command(async)]
pub fn stock(state: State<'_, AppState>) -> Reply<Vec<StockReport>> {
    state.with(|store| desk::stock(store, None))
}

#[tauri::command(async)]
pub fn movements(state: State<'_, AppState>, part_id: PartId) -> Reply<Vec<StockMovement>> {
    state.with(|store| {
        store.movements(&StockFilter {
            part_id: Some(part_id),
        })
    })
}

#[tauri::command(async)]
pub fn record_movement(
    state: State<'_, AppState>,
    part_id: PartId,
    kind: MovementKind,
    quantity: i64,
    note: Option<String>,
) -> Reply<Vec<StockReport>> {
    state.with(|store| desk::record_movement(store, part_id, kind, quantity, note, Utc::now()))
}

#[tauri::command(async)]
pub fn settings(state: State<'_, AppState>) -> Reply<Settings> {
    state.with(|store| store.settings())
}

/// Where the signing key is kept: the export screen says so when it is only in the profile file.
#[tauri::command(async)]
pub fn key_storage(state: State<'_, AppState>) -> Reply<KeyStorageView> {
    state.with(|store| store.signing_key_storage().map(Into::into))
}

#[tauri::command(async)]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Reply<Settings> {
    state.with(|store| store.save_settings(&settings))
}

#[tauri::command(async)]
pub fn save_draft(state: State<'_, AppState>, key: String, value: serde_json::Value) -> Reply<()> {
    state.with(|store| store.save_draft(&key, &value, Utc::now()))
}

#[tauri::command(async)]
pub fn draft(state: State<'_, AppState>, key: String) -> Reply<Option<serde_json::Value>> {
    state.with(|store| store.draft(&key))
}

#[tauri::command(async)]
pub fn clear_draft(state: State<'_, AppState>, key: String) -> Reply<()> {
    state.with(|store| store.clear_draft(&key))
}

/// Takes a corrected contract preset as the contract's new SLA policy version.
#[tauri::command(async)]
pub fn adopt_preset(
    state: State<'_, AppState>,
    contract_id: ContractId,
    preset: String,
) -> Reply<Contract> {
    state.with(|store| desk::adopt_preset(store, contract_id, &preset, Utc::now()))
}

/// The monthly summary screen: the figures of a contract's month, each with its faults.
#[tauri::command(async)]
pub fn summary(
    state: State<'_, AppState>,
    contract_id: ContractId,
    month: String,
) -> Reply<SummaryView> {
    state.with(|store| desk::summary(store, contract_id, &month, Utc::now()))
}

/// Renders, signs and saves a PDF; answers where it went. Errors arrive as {code, message}.
#[tauri::command(async)]
pub fn export_pdf(state: State<'_, AppState>, request: ExportRequest) -> Reply<Exported> {
    state.with(|store| fieldlog_export::export_to_folder(store, &request, Utc::now()))
}

/// The OS could not open or show a file the app saved: say where it is, so it can be found by hand.
fn os_refused(file: &std::path::Path, error: tauri_plugin_opener::Error) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::Internal,
        format!(
            "系统无法打开该文件（{error}）。文件已保存在 {}，请在文件管理器中手动打开 (the system could not open the file; it is saved at that path)",
            file.display()
        ),
    )
}

/// Opens an exported file in the laptop's default program for it.
#[tauri::command(async)]
pub fn open_export<R: Runtime>(app: AppHandle<R>, path: PathBuf) -> Reply<()> {
    let file = fieldlog_export::exported_file(&path)?;
    app.opener()
        .open_path(file.to_string_lossy(), None::<&str>)
        .map_err(|e| os_refused(&file, e))
}

/// Shows an exported file in its folder.
#[tauri::command(async)]
pub fn show_export<R: Runtime>(app: AppHandle<R>, path: PathBuf) -> Reply<()> {
    let file = fieldlog_export::exported_file(&path)?;
    app.opener()
        .reveal_item_in_dir(&file)
        .map_err(|e| os_refused(&file, e))
}

/// Background sync as the indicator shows it (updates also arrive as `sync-activity` events).
#[tauri::command(async)]
pub fn sync_activity(worker: State<'_, Worker>) -> Reply<SyncActivity> {
    Ok(worker.activity())
}

/// "立即同步": a round now (never a second one beside a running round).
#[tauri::command(async)]
pub fn sync_now(worker: State<'_, Worker>) -> Reply<SyncActivity> {
    Ok(worker.sync_now())
}

/// Enrolls this profile with a server and a one-time code; background sync then starts by itself.
#[tauri::command(async)]
pub fn enroll(
    state: State<'_, AppState>,
    server_url: String,
    code: String,
    device_name: String,
) -> Reply<Enrollment> {
    state.with(|store| {
        fieldlog_sync::enroll_from_any_thread(
            store,
            server_url.trim(),
            &code,
            &device_name,
            fieldlog_sync::SyncOptions::default(),
        )
        .map(Enrollment::from)
    })
}

/// Conflicts waiting for the technician.
#[tauri::command(async)]
pub fn sync_conflicts(state: State<'_, AppState>) -> Reply<Vec<ConflictView>> {
    state.with(|store| store.conflict_views())
}

/// Settles an editable record's conflict with a pick per field; answers the conflicts still open.
#[tauri::command(async)]
pub fn settle_conflict(
    state: State<'_, AppState>,
    conflict_id: i64,
    picks: BTreeMap<String, Side>,
) -> Reply<Vec<ConflictView>> {
    state.with(|store| store.settle_conflict(conflict_id, &picks, Utc::now()))
}

/// Acknowledges a conflict kept for review (evidence); answers the conflicts still open.
#[tauri::command(async)]
pub fn acknowledge_conflict(
    state: State<'_, AppState>,
    conflict_id: i64,
) -> Reply<Vec<ConflictView>> {
    state.with(|store| store.acknowledge_conflict(conflict_id, Utc::now()))
}

// Issue 19, reports over a real month: the list's filters and missing days, a missed day's
// report, a draft entry changed or deleted, a correction's entry changed or struck.

#[tauri::command(async)]
pub fn report_list(
    state: State<'_, AppState>,
    query: fieldlog_wire::v1::ReportListQuery,
) -> Reply<fieldlog_wire::v1::ReportList> {
    state.with(|store| desk::report_list(store, &query, Utc::now()))
}

#[tauri::command(async)]
pub fn new_report(
    state: State<'_, AppState>,
    contract_id: ContractId,
    work_date: NaiveDate,
) -> Reply<ReportDocument> {
    state.with(|store| desk::new_report(store, contract_id, work_date, Utc::now()))
}

#[tauri::command(async)]
pub fn edit_entry(
    state: State<'_, AppState>,
    entry_id: fieldlog_domain::ids::EntryId,
    entry: NewEntry,
    reason: Option<String>,
) -> Reply<ReportDocument> {
    state.with(|store| desk::edit_entry(store, entry_id, entry, reason.as_deref(), Utc::now()))
}

#[tauri::command(async)]
pub fn remove_entry(
    state: State<'_, AppState>,
    entry_id: fieldlog_domain::ids::EntryId,
    reason: Option<String>,
) -> Reply<ReportDocument> {
    state.with(|store| desk::remove_entry(store, entry_id, reason.as_deref(), Utc::now()))
}

// ---- Inspections by plan (issue 19 item 5) ------------------------------------------------------

#[tauri::command(async)]
pub fn inspection_list(state: State<'_, AppState>) -> Reply<fieldlog_wire::v1::InspectionList> {
    state.with(|store| desk::inspection_list(store, Utc::now()))
}

#[tauri::command(async)]
pub fn inspection_detail(
    state: State<'_, AppState>,
    inspection_id: Uuid,
) -> Reply<fieldlog_wire::v1::InspectionDetail> {
    state.with(|store| desk::inspection_detail(store, inspection_id, Utc::now()))
}

#[tauri::command(async)]
pub fn add_inspection_plan(
    state: State<'_, AppState>,
    plan: fieldlog_wire::v1::NewInspectionPlan,
) -> Reply<fieldlog_wire::v1::InspectionPlan> {
    state.with(|store| desk::add_inspection_plan(store, plan, Utc::now()))
}

#[tauri::command(async)]
pub fn tick_inspection(
    state: State<'_, AppState>,
    inspection_id: Uuid,
    tick: fieldlog_wire::v1::NewTick,
) -> Reply<fieldlog_wire::v1::InspectionDetail> {
    state.with(|store| desk::tick_inspection(store, inspection_id, tick, Utc::now()))
}

#[tauri::command(async)]
pub fn note_finding(
    state: State<'_, AppState>,
    inspection_id: Uuid,
    finding: fieldlog_wire::v1::NewFinding,
) -> Reply<fieldlog_wire::v1::InspectionDetail> {
    state.with(|store| desk::note_finding(store, inspection_id, finding, Utc::now()))
}

#[tauri::command(async)]
pub fn finding_to_fault(
    state: State<'_, AppState>,
    finding_id: Uuid,
    fault: fieldlog_wire::v1::FindingToFault,
) -> Reply<fieldlog_wire::v1::InspectionDetail> {
    state.with(|store| desk::finding_to_fault(store, finding_id, fault, Utc::now()))
}

#[tauri::command(async)]
pub fn inspections_done_on(
    state: State<'_, AppState>,
    contract_id: ContractId,
    day: NaiveDate,
) -> Reply<Vec<fieldlog_wire::v1::InspectionDetail>> {
    state.with(|store| desk::inspections_done_on(store, contract_id, day))
}

// Issue 19, the first start without demo data (h1).

/// The first-start screen: is there a technician, a contract, an enrollment; the laptop's host
/// name (asked of the OS here, as the clock is) and the presets to work alone from.
#[tauri::command(async)]
pub fn first_start(state: State<'_, AppState>) -> Reply<FirstStart> {
    state.with(|store| {
        fieldlog_store::first_start::first_start(store, fieldlog_sync::enrollment::host_name())
    })
}

/// 单机使用: the first contract, from a preset.
#[tauri::command(async)]
pub fn start_alone(state: State<'_, AppState>, contract: AloneContract) -> Reply<Contract> {
    state.with(|store| fieldlog_store::first_start::start_alone(store, &contract, Utc::now()))
}

/// 注册到服务器 (first start and the Sync screen): the form, the root certificate as bytes, then a
/// first round; background sync takes over afterwards.
#[tauri::command(async)]
pub fn enroll_laptop(state: State<'_, AppState>, form: EnrollForm) -> Reply<FirstEnrollment> {
    state.with(|store| {
        fieldlog_sync::enrollment::enroll_and_sync(
            store,
            &form,
            fieldlog_sync::enrollment::app_options(),
        )
    })
}

/// 添加点位 on the catalogue screen: answers the catalogue as it now stands.
#[tauri::command(async)]
pub fn add_site(state: State<'_, AppState>, site: NewSiteForm) -> Reply<Vec<ContractCatalogue>> {
    state.with(|store| fieldlog_store::first_start::add_site(store, &site, Utc::now()))
}

/// Issue 19: a call the technician takes in the app (报修), its call time possibly earlier.
#[tauri::command(async)]
pub fn report_fault(
    state: State<'_, AppState>,
    fault: fieldlog_wire::v1::NewFault,
) -> Reply<FaultDetail> {
    state.with(|store| fieldlog_store::fault_entry::record_call(store, fault, Utc::now()))
}

// Issue 19, item 6: the stock screen's actions (use on its own, give back, transfers and their
// confirmation, a part added by the technician).

#[tauri::command(async)]
pub fn stock_action(
    state: State<'_, AppState>,
    action: fieldlog_wire::v1::StockAction,
) -> Reply<Vec<StockReport>> {
    state.with(|store| desk::record_stock_action(store, action, Utc::now()))
}

#[tauri::command(async)]
pub fn add_part(
    state: State<'_, AppState>,
    part: fieldlog_wire::v1::TechnicianPart,
) -> Reply<Vec<StockReport>> {
    state.with(|store| desk::add_part(store, part))
}

// Issue 19, photos.

#[tauri::command(async)]
pub fn photos(
    state: State<'_, AppState>,
    subject: fieldlog_wire::v1::PhotoSubject,
    subject_id: String,
) -> Reply<Vec<fieldlog_wire::v1::PhotoView>> {
    state.with(|store| desk::photos::list(store, subject, &subject_id))
}

/// What the window says about a photo it sends: one header, percent-encoded JSON (headers are
/// ASCII; a file name may be Chinese).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhotoHeader {
    subject: fieldlog_wire::v1::PhotoSubject,
    subject_id: String,
    stage: fieldlog_wire::v1::PhotoStage,
    file_name: String,
}

/// Adds a photo: the file's bytes are the raw IPC body (Tauri 2 passes them without JSON), so
/// the window never names a path; the core checks that they are a photo.
#[tauri::command(async)]
pub fn add_photo(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Reply<Vec<fieldlog_wire::v1::PhotoView>> {
    let malformed = || {
        ErrorBody::new(
            ErrorCode::InvalidInput,
            "照片没有传到（窗口发来的不是文件内容），请重新选择照片 (the photo did not arrive as file bytes; pick it again)",
        )
    };
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(malformed());
    };
    let header: PhotoHeader = request
        .headers()
        .get("x-fieldlog-photo")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| percent_encoding::percent_decode_str(v).decode_utf8().ok())
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or_else(malformed)?;
    let input = fieldlog_store::NewPhoto {
        subject: header.subject,
        subject_id: header.subject_id,
        stage: header.stage,
        file_name: header.file_name,
        bytes: bytes.clone(),
    };
    state.with(|store| desk::photos::add(store, input, Utc::now()))
}

#[tauri::command(async)]
pub fn photo_original(
    state: State<'_, AppState>,
    photo_id: String,
) -> Reply<fieldlog_wire::v1::PhotoOriginal> {
    state.with(|store| desk::photos::original(store, &photo_id))
}

// Issue 20: backing up and restoring the profile (Settings).

/// Backs the profile up into the export folder (a fresh name, never replacing a file).
#[tauri::command(async)]
pub fn backup_profile(state: State<'_, AppState>) -> Reply<fieldlog_wire::v1::ProfileBackup> {
    state.with(|store| fieldlog_export::profile_backup::backup_to_folder(store, Utc::now()))
}

/// The backups in the export folder, newest first: what the restore form offers.
#[tauri::command(async)]
pub fn profile_backups() -> Reply<Vec<PathBuf>> {
    Ok(fieldlog_export::profile_backup::backups_in_folder())
}

/// Restores the profile from `file`, keeping the current one aside.
#[tauri::command(async)]
pub fn restore_profile(
    state: State<'_, AppState>,
    file: PathBuf,
) -> Reply<fieldlog_wire::v1::ProfileRestored> {
    state.with(|store| {
        store
            .restore_from(&file, Utc::now())
            .map(fieldlog_export::profile_backup::restored_view)
    })
}

/// Issue 19, Today's one-tap 已告知客户: the core words how the customer was told.
#[tauri::command(async)]
pub fn inform_customer(state: State<'_, AppState>, fault_id: FaultId) -> Reply<FaultDetail> {
    state.with(|store| desk::inform_customer(store, fault_id, None, None, Utc::now()))
}

/// Issue 20: the About (version, commit) and whether the PDFs have a CJK font; needs no store.
#[tauri::command]
pub fn about() -> fieldlog_wire::v1::About {
    let font = fieldlog_export::find_font_file();
    fieldlog_wire::v1::About {
        version: env!("CARGO_PKG_VERSION").into(),
        commit: env!("FIELDLOG_COMMIT").into(),
        pdf_font: font.as_ref().ok().map(|path| path.display().to_string()),
        font_missing: font.err().map(|e| e.to_string()),
    }
}
