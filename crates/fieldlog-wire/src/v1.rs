//! Wire version 1: the rows and documents the UI and the CLI's `--json` show, and every other type
//! a Tauri command takes or answers. The UI's TypeScript types are generated from these
//! (`crate::ui_contract`, checked in as `ui/src/generated/wire.ts`), so this module is the one
//! place the window's contract is written.
//!
//! Domain records that cross as they are (a contract, a site, a fault's events …) are re-exported
//! here rather than copied: their serde shape *is* part of wire v1, and a change to one shows up
//! as a change of the generated file, reviewed like any other wire change.

use chrono::{DateTime, NaiveDate, Utc};
pub use fieldlog_domain::arrival::Arrival;
use fieldlog_domain::clocks::Clock;
use fieldlog_domain::fault::{Fault, FaultEvent, FaultStatus};
use fieldlog_domain::ids::{
    ArrivalId, ContractId, FaultId, MovementId, PartId, ReportId, SiteId, TechnicianId,
};
use fieldlog_domain::inspection::InspectionKind;
use fieldlog_domain::report::{DailyReport, ReportEntry, ReportStatus};
use fieldlog_domain::signature::Signature;
use fieldlog_domain::signature::{SignerRole, Stroke};
use fieldlog_domain::site::DeviceKind;
use fieldlog_domain::sla::FaultLevel;
use fieldlog_domain::stock::{FloorStatus, SpareKind};
pub use fieldlog_domain::technician::Technician;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use fieldlog_domain::contract::Contract;
pub use fieldlog_domain::dispatch::{Assignment, AssignmentKind};
pub use fieldlog_domain::fault::FaultEventKind;
pub use fieldlog_domain::fault::NewFault;
pub use fieldlog_domain::report::NewEntry;
pub use fieldlog_domain::site::{Device, GeoPoint, Site};
pub use fieldlog_domain::stock::{MovementKind, SparePart, StockMovement};

/// One row of a fault list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FaultRow {
    pub id: FaultId,
    pub contract_id: ContractId,
    pub contract_name: String,
    pub site_id: SiteId,
    pub site_code: String,
    pub site_name: String,
    /// Device kind and model as the Chinese documents print it, e.g. "摄像机 DS-2CD3T46".
    pub device: Option<String>,
    /// The same apart, so a screen labels the kind in its own language.
    #[serde(default)]
    pub device_kind: Option<DeviceKind>,
    #[serde(default)]
    pub device_model: Option<String>,
    pub level: FaultLevel,
    pub level_label: String,
    pub reported_at: DateTime<Utc>,
    pub description: String,
    pub first_receiver: String,
    pub status: FaultStatus,
    pub status_label: String,
    /// The fault's SLA clocks as of the moment the list was read.
    pub clocks: Vec<Clock>,
    /// Who holds it, as this laptop knows it (issue 18: the office's assignments, the takes).
    #[serde(default)]
    pub holder: FaultHolder,
}

/// Who holds a fault, seen from the profile's technician (the server's technician id once the
/// laptop is enrolled), from its assignment records by `fieldlog_domain::dispatch::holder`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FaultHolder {
    /// Nobody: a technician may take it (接单).
    #[default]
    Unassigned,
    /// This technician's (我的).
    Mine,
    /// Another technician's (已派给 X).
    Other { name: String },
    /// Several records made without seeing each other (冲突): every claimant's name, oldest
    /// claim first, until the office assigns it again; `mine` when one of them is this technician.
    Disputed { names: Vec<String>, mine: bool },
}

/// A fault with everything recorded about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FaultDetail {
    pub fault: Fault,
    pub row: FaultRow,
    pub events: Vec<FaultEvent>,
    pub arrivals: Vec<Arrival>,
    /// Its assignment records (派单, 改派, 接单), oldest first.
    #[serde(default)]
    pub assignments: Vec<Assignment>,
    /// Issue 19: the events saved well after the time stated for them (补录,
    /// `fieldlog_domain::event_time::entered_later`), which the timeline marks.
    #[serde(default)]
    pub entered_later: Vec<fieldlog_domain::ids::FaultEventId>,
}

/// One row of a report list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportRow {
    pub id: ReportId,
    pub technician_id: TechnicianId,
    pub technician_name: String,
    pub contract_id: ContractId,
    pub contract_name: String,
    pub work_date: NaiveDate,
    pub status: ReportStatus,
    pub amends: Option<ReportId>,
    pub entry_count: u32,
    pub signed_at: Option<DateTime<Utc>>,
    /// Issue 19: created after its work day had ended (Asia/Shanghai), at this instant: filled
    /// in later (补填).
    #[serde(default)]
    pub filled_late_at: Option<DateTime<Utc>>,
    /// Issue 19: a correction of this report exists (signed or still a draft).
    #[serde(default)]
    pub corrected: bool,
}

/// A report as a reader sees it: header, entries, signatures, and whether the content still
/// matches what was signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportDocument {
    pub report: DailyReport,
    pub row: ReportRow,
    pub entries: Vec<ReportEntry>,
    pub arrivals: Vec<Arrival>,
    pub signatures: Vec<Signature>,
    /// Reports that amend this one, oldest first.
    pub amended_by: Vec<ReportId>,
    /// `Some(true)` when signed and the content hash still matches; `Some(false)` when it does not.
    pub content_intact: Option<bool>,
    /// Entries kept apart for review: they reached the server after the report was signed
    /// there, or its signature does not cover them. Never part of the signed content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_entries: Vec<HeldEntry>,
    /// Issue 19, a correction only: each of its entries against the signed report it amends
    /// (kept, changed with the old values, struck with its reason, added).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<fieldlog_domain::report_versions::EntryChange>,
}

/// An entry kept apart from a signed report, for review: the entry as its sender wrote it, and
/// when the server kept it apart (for an entry that arrived after the signing, when it arrived).
/// Its `position` numbers the held entries 1, 2, 3 … among themselves, never the signed ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HeldEntry {
    #[serde(flatten)]
    pub entry: ReportEntry,
    /// The server's time when it kept the entry apart; `None` if a laptop holds a value it
    /// cannot read (never expected).
    pub held_at: Option<DateTime<Utc>>,
}

/// Stock of one part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PartBalance {
    pub part_id: PartId,
    pub contract_id: ContractId,
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    /// The contract's total of this part: held by anyone, or in transit between colleagues.
    pub balance: i64,
    /// Issue 19: what this laptop's technician holds (may use, give back or pass on).
    #[serde(default)]
    pub mine: i64,
    /// Issue 19: sent to a colleague, not yet confirmed by them.
    #[serde(default)]
    pub in_transit: i64,
    /// Issue 19: whether the part is a spare of the main equipment (the floor counts only those).
    #[serde(default)]
    pub main_equipment: bool,
}

/// Stock of a contract: each part, and the totals against the floor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StockReport {
    pub contract_id: ContractId,
    pub contract_name: String,
    pub parts: Vec<PartBalance>,
    pub floor: FloorStatus,
    /// Issue 19: transfers to or from this laptop's technician in this contract, newest first.
    #[serde(default)]
    pub transfers: Vec<TransferRow>,
    /// Issue 19: colleagues this laptop knows (their profiles came by sync), to transfer to.
    #[serde(default)]
    pub colleagues: Vec<Technician>,
    /// Issue 19: whether technicians may add parts to this contract's catalogue.
    #[serde(default)]
    pub technicians_add_parts: bool,
}

/// A transfer between two technicians of a contract (issue 19), as either of them sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TransferRow {
    /// The transfer out.
    pub id: MovementId,
    pub part_id: PartId,
    pub code: String,
    pub name: String,
    pub quantity: i64,
    pub at: DateTime<Utc>,
    pub from_name: String,
    pub to_name: String,
    /// Addressed to this laptop's technician: they confirm it (确认收货).
    pub incoming: bool,
    /// When the receiver confirmed it; none while in transit.
    pub confirmed_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// A contract whose main-equipment spares are under its floor (issue 19: Today warns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FloorWarning {
    pub contract_id: ContractId,
    pub contract_name: String,
    pub floor: FloorStatus,
}

/// One contract's catalogue as this laptop holds it (issue 17: the office sets it up, sync brings
/// it): the contract with its current SLA policy, its sites with their devices, its spare parts.
/// The app's "合同与点位" screen and `fieldlog contract <code>` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContractCatalogue {
    /// With the policy version new faults are opened under (`policy_version`, `policy`).
    pub contract: Contract,
    /// The service period is over (today, in Asia/Shanghai, is after `service_end`).
    pub service_ended: bool,
    /// By point code.
    pub sites: Vec<CatalogueSite>,
    /// Spare units first, then parts, each by code.
    pub parts: Vec<SparePart>,
}

/// A site of a contract's catalogue with the devices at it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CatalogueSite {
    pub site: Site,
    pub devices: Vec<Device>,
}

/// A planned inspection as the Today screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InspectionRow {
    pub id: uuid::Uuid,
    pub contract_id: ContractId,
    pub site_id: SiteId,
    pub site_code: String,
    pub site_name: String,
    pub kind: InspectionKind,
    pub kind_label: String,
    pub planned_for: NaiveDate,
    pub checklist: Vec<String>,
    pub done_arrival_id: Option<ArrivalId>,
    pub done_at: Option<DateTime<Utc>>,
    /// The plan it was made from (issue 19: none for an inspection planned by hand).
    #[serde(default)]
    pub plan_id: Option<uuid::Uuid>,
    /// Its last day: after it, not done, it is overdue.
    #[serde(default)]
    pub due_by: Option<NaiveDate>,
    /// Not done and past its last day, as of the moment the list was read.
    #[serde(default)]
    pub overdue: bool,
    /// How many checklist items have a tick, and how many findings it has.
    #[serde(default)]
    pub items_ticked: u32,
    #[serde(default)]
    pub findings: u32,
}

/// The technician's day at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Today {
    pub now: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub technician: Option<Technician>,
    pub open_faults: Vec<FaultRow>,
    /// Due today or overdue, not done yet.
    pub inspections: Vec<InspectionRow>,
    /// This technician's reports for today.
    pub reports: Vec<ReportRow>,
    /// Issue 19: the fault list as Today shows it (`fieldlog_domain::today`): mine, unassigned,
    /// others', then those whose customer still has to be told, each most urgent first, narrowed
    /// by `filter`. (`open_faults` above is the open ones of these, in the same order.)
    #[serde(default)]
    pub fault_groups: Vec<TodayFaultGroup>,
    #[serde(default)]
    pub filter: TodayFilter,
    /// Issue 19: contracts whose main-equipment spares are under the floor.
    #[serde(default)]
    pub stock_below_floor: Vec<FloorWarning>,
}

pub use fieldlog_domain::today::{TodayFilter, TodayGroup, TodayOffer};

/// One group of Today's fault list (issue 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TodayFaultGroup {
    pub group: TodayGroup,
    pub faults: Vec<FaultRow>,
    /// The one-tap actions beside each of its faults (`TodayGroup::offers`): the window draws
    /// these and no others.
    #[serde(default)]
    pub offers: Vec<TodayOffer>,
}

/// The completion form (完工确认单) of a fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CompletionForm {
    pub fault: FaultRow,
    pub entries: Vec<ReportEntry>,
    pub signatures: Vec<Signature>,
    /// Both the technician and the customer have signed.
    pub signed: bool,
}

/// The app's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// `zh-CN` (default) or `en`: the store refuses any other, so the UI's type names the two.
    #[ts(type = "\"zh-CN\" | \"en\"")]
    pub language: String,
    /// The sync server, empty until one is set.
    pub server_url: String,
}

/// A signature as the signature pad captured it: strokes, and the PNG as a data URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CapturedSignature {
    pub signer_name: String,
    pub role: SignerRole,
    pub strokes: Vec<Stroke>,
    pub png_data_url: String,
}

/// PNG bytes as a `data:image/png;base64,...` URL, the form the window shows images in.
pub fn png_data_url(png: &[u8]) -> String {
    use base64::Engine;
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

impl CapturedSignature {
    /// The PNG bytes of `data:image/png;base64,...`; `None` when it is not a base64 PNG data URL.
    pub fn png_bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine;
        let b64 = self.png_data_url.strip_prefix("data:image/png;base64,")?;
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()
    }
}

/// One fault behind a summary's figures, named for a reader (the drill-down list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SummaryFault {
    pub id: FaultId,
    pub reported_at: DateTime<Utc>,
    pub level: FaultLevel,
    pub site_code: String,
    pub site_name: String,
    /// Device kind and model, e.g. "摄像机 DS-2CD3T46".
    pub device: Option<String>,
    /// The same apart, so a screen labels the kind in its own language.
    #[serde(default)]
    pub device_kind: Option<DeviceKind>,
    #[serde(default)]
    pub device_model: Option<String>,
    pub description: String,
}

/// A contract's summary for a month or range (definitions in `fieldlog_domain::summary`) and the
/// faults its figures name, so that any figure can be opened into its faults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SummaryView {
    pub contract_id: ContractId,
    pub contract_name: String,
    pub client: String,
    /// What the range is called: "2026-10", or "2026-10-01 至 2026-10-10".
    pub period: String,
    pub summary: fieldlog_domain::summary::Summary,
    pub faults: Vec<SummaryFault>,
    /// Inspections due in the range per kind: planned, done, overdue, findings (issue 19 item 5).
    #[serde(default)]
    pub inspections: Vec<fieldlog_domain::inspection::InspectionTally>,
}

/// What background sync is doing, as the app's sync indicator shows it (the `sync-activity`
/// event, and the `sync_activity` / `sync_now` commands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// This profile is not enrolled with a server: nothing syncs.
    NotEnrolled,
    /// Up to date as of `last_good_sync_at` (changes may be waiting for the next round).
    Idle,
    /// A round is running (`phase`, `pushed`, `pulled`).
    Syncing,
    /// The server could not be reached; retried automatically at `next_attempt_at`.
    Offline,
    /// The server refused (e.g. a contract no longer assigned): `message` says what to do.
    Failed,
    /// The office revoked this laptop: nothing syncs, and nothing is retried, until it is enrolled
    /// again with a new code; everything on it is kept. `message` says so and what to do.
    Revoked,
}

/// The step a running round is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    Pushing,
    Pulling,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncActivity {
    pub state: SyncState,
    pub phase: Option<SyncPhase>,
    /// Changes sent and records received so far in the running (or last) round.
    pub pushed: u64,
    pub pulled: u64,
    /// Changes made here waiting to go up.
    pub pending_changes: i64,
    /// Conflicts waiting for the technician.
    pub open_conflicts: i64,
    /// The end of the last round that finished without error (kept in the profile).
    pub last_good_sync_at: Option<DateTime<Utc>>,
    /// When the next automatic attempt is planned (after a failure).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// What went wrong and what to do (Chinese first), for `offline` and `failed`.
    pub message: Option<String>,
    /// The server's clock minus this laptop's, in seconds, at the last push.
    pub clock_offset_secs: Option<i64>,
    /// The laptop's clock is off by more than the sync tolerance: the technician should fix it.
    pub clock_off: bool,
    pub server_url: Option<String>,
}

/// Where the profile's signing key is kept (issue 14): the app says so when it is not in an OS
/// key store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyStorageView {
    /// In the OS key store (Secret Service, Credential Manager, Keychain).
    pub os_key_store: bool,
    /// One line for the technician, Chinese first.
    pub message: String,
}

/// A sync conflict as the app shows it (`fieldlog_store::settle` works them out and settles them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConflictView {
    pub id: i64,
    pub entity: String,
    pub record_id: String,
    /// What a person calls the record (its name, code or description), if it has one.
    pub title: Option<String>,
    pub kind: ConflictKind,
    /// For `settle`: the fields to pick; for `review`: every field that differs.
    pub fields: Vec<ConflictField>,
    /// Why the laptop could not take the server's version (for `review`), in the store's words.
    pub reason: String,
    pub recorded_at: DateTime<Utc>,
}

/// Which version of a field the technician keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// This laptop's value.
    Ours,
    /// The server's value.
    Theirs,
}

/// What can be done about a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// An editable record: the technician picks per field.
    Settle,
    /// Evidence: both versions are kept for review; nothing can be rewritten.
    Review,
}

/// One field of a conflict, both versions side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConflictField {
    pub field: String,
    pub ours: serde_json::Value,
    pub theirs: serde_json::Value,
}

/// The file formats a summary is exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SummaryFormat {
    /// Signed, for filing.
    #[default]
    Pdf,
    /// For the client's clerks, who work in Excel.
    Xlsx,
    /// UTF-8 with a BOM, so Windows Excel shows the Chinese.
    Csv,
}

impl SummaryFormat {
    pub fn extension(self) -> &'static str {
        match self {
            SummaryFormat::Pdf => "pdf",
            SummaryFormat::Xlsx => "xlsx",
            SummaryFormat::Csv => "csv",
        }
    }
}

/// What the app asks to export: a signed PDF, or the monthly summary as PDF, XLSX or CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
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
        /// PDF unless asked otherwise.
        #[serde(default)]
        #[ts(as = "Option<SummaryFormat>", optional)]
        format: SummaryFormat,
    },
}

/// Where an export went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Exported {
    pub path: std::path::PathBuf,
    pub bytes: usize,
}

/// An enrollment as the window shows it: who and what this laptop now syncs for. The device's
/// token stays in the core (`sync::v1::EnrollResponse` carries it), never in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Enrollment {
    pub device_id: String,
    pub technician_id: String,
    pub technician_name: String,
    /// Codes of the contracts this technician may read and write.
    pub contracts: Vec<String>,
}

impl From<crate::sync::v1::EnrollResponse> for Enrollment {
    fn from(response: crate::sync::v1::EnrollResponse) -> Self {
        Self {
            device_id: response.device_id,
            technician_id: response.technician_id,
            technician_name: response.technician_name,
            contracts: response.contracts,
        }
    }
}

// Issue 19: the report list's filters and the month's missing days.

/// Which reports the list shows, by status as a reader names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportListStatus {
    Draft,
    Signed,
    /// Signed reports that a correction amends, and the corrections themselves.
    Corrected,
}

/// The report list's filters (issue 19): a contract, a month or a date range, a status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportListQuery {
    #[serde(default)]
    pub contract_id: Option<ContractId>,
    /// Any day of the month to list (and whose missing days to show).
    #[serde(default)]
    pub month: Option<NaiveDate>,
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub to: Option<NaiveDate>,
    #[serde(default)]
    pub status: Option<ReportListStatus>,
}

/// A day of a contract's service period with no report of the technician.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MissingDay {
    pub contract_id: ContractId,
    pub contract_name: String,
    pub date: NaiveDate,
}

/// The report list and the month's missing days of the profile's technician.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportList {
    pub rows: Vec<ReportRow>,
    pub missing_days: Vec<MissingDay>,
}

// ---- Inspections by plan (issue 19 item 5) ------------------------------------------------------

pub use fieldlog_domain::inspection::{InspectionTally, TickOutcome};

/// A contract's inspection plan: which sites, how often (by its kind), which checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InspectionPlan {
    pub id: uuid::Uuid,
    pub contract_id: ContractId,
    pub contract_name: String,
    pub kind: InspectionKind,
    pub checklist: Vec<String>,
    /// The sites inspected; None: every site of the contract.
    pub site_ids: Option<Vec<SiteId>>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// A new plan as the form sends it. An empty checklist takes the kind's default items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewInspectionPlan {
    pub contract_id: ContractId,
    pub kind: InspectionKind,
    #[serde(default)]
    pub checklist: Vec<String>,
    #[serde(default)]
    pub site_ids: Option<Vec<SiteId>>,
    pub starts_on: NaiveDate,
}

/// The latest tick of one checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InspectionTick {
    pub id: uuid::Uuid,
    pub position: u32,
    pub item: String,
    pub outcome: TickOutcome,
    pub note: String,
    pub recorded_at: DateTime<Utc>,
}

/// One checklist item with its latest tick, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistItem {
    pub position: u32,
    pub item: String,
    pub tick: Option<InspectionTick>,
}

/// Something found while inspecting, and the fault it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InspectionFinding {
    pub id: uuid::Uuid,
    pub inspection_id: uuid::Uuid,
    pub site_id: SiteId,
    pub site_code: String,
    pub site_name: String,
    pub device_id: Option<fieldlog_domain::ids::DeviceId>,
    /// The device as the documents print it ("摄像机 DS-2CD3T46").
    pub device: Option<String>,
    pub description: String,
    pub recorded_at: DateTime<Utc>,
    pub fault_id: Option<FaultId>,
}

/// One inspection with its checklist, findings and the devices at its site (for a finding).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InspectionDetail {
    pub inspection: InspectionRow,
    /// `2026-12` or `2026-Q4` for a planned one.
    pub period: Option<String>,
    pub items: Vec<ChecklistItem>,
    pub findings: Vec<InspectionFinding>,
    pub devices: Vec<fieldlog_domain::site::Device>,
}

/// The inspections screen: every inspection not done (overdue first) and the ones done lately,
/// and the plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InspectionList {
    pub local_date: NaiveDate,
    pub open: Vec<InspectionRow>,
    pub done: Vec<InspectionRow>,
    pub plans: Vec<InspectionPlan>,
}

/// A tick as the checklist sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewTick {
    pub position: u32,
    pub outcome: TickOutcome,
    #[serde(default)]
    pub note: String,
}

/// A finding as the form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewFinding {
    pub site_id: SiteId,
    #[serde(default)]
    pub device_id: Option<fieldlog_domain::ids::DeviceId>,
    pub description: String,
}

/// A finding turned into a fault: its level, and when it was found if earlier than now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FindingToFault {
    pub level: FaultLevel,
    #[serde(default)]
    pub reported_at: Option<DateTime<Utc>>,
}

// Issue 19, the first start (no demo data): what the first-start screen reads, the enrollment form
// it (and the Sync screen) sends, and what a work-alone laptop's first contract is made from.

/// What the first-start screen needs to know. `needed` is the core's verdict: no technician yet,
/// or a laptop that holds no contract and is not enrolled (Today would be empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FirstStart {
    pub needed: bool,
    pub technician: Option<Technician>,
    pub contracts: u32,
    pub enrolled: bool,
    /// The laptop's host name, the default name of the laptop at enrollment, when the OS says it.
    pub host_name: Option<String>,
    /// The contract presets a work-alone laptop may start from, with what each promises of stock.
    pub presets: Vec<PresetChoice>,
}

/// One contract preset (`fieldlog_domain::sla::Preset`) as the first start offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PresetChoice {
    pub code: String,
    /// The spare floor the preset carries (main equipment): units (备品) and parts (备件).
    pub spare_units: i64,
    pub spare_parts: i64,
}

/// The enrollment form: the office's QR text (`fieldlog-enroll:1?server=…&code=…`) or the
/// server's address and the code, the laptop's name, and the administrator's root certificate
/// file's content (PEM or DER bytes: the window reads the chosen file, the core checks it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EnrollForm {
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub server_url: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub device_name: String,
    #[serde(default)]
    pub root_certificate: Option<Vec<u8>>,
}

/// An enrollment and its first sync round: what arrived, or why the round must wait (the
/// enrollment is kept either way; background sync retries by itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FirstEnrollment {
    pub enrollment: Enrollment,
    /// What the laptop holds after the first round, when it went through.
    pub arrived: Option<Arrived>,
    /// The first round's error, in the user's language, when it did not go through.
    pub sync_error: Option<String>,
}

/// What a laptop holds of the catalogue: contracts, sites, spare parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Arrived {
    pub contracts: u32,
    pub sites: u32,
    pub parts: u32,
}

/// A work-alone laptop's contract, made from a preset (its SLA policy and spare floor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AloneContract {
    pub code: String,
    pub name: String,
    pub client: String,
    /// Both days of the service period (empty in the form: refused with the field named).
    pub service_start: Option<NaiveDate>,
    pub service_end: Option<NaiveDate>,
    /// A `PresetCode`.
    pub preset: String,
}

/// A site added on the laptop, on the catalogue screen (a work-alone laptop's sites, issue 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewSiteForm {
    pub contract_id: ContractId,
    pub code: String,
    pub name: String,
    pub kind: fieldlog_domain::site::SiteKind,
    pub address: String,
}

/// A stock action of the stock screen (issue 19, item 6), as the app and the CLI send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum StockAction {
    /// Used on its own, outside a report entry: a reason, optionally a fault.
    Use {
        part_id: PartId,
        quantity: i64,
        reason: String,
        fault_id: Option<FaultId>,
    },
    /// Given back to the office's warehouse (退库).
    GiveBack {
        part_id: PartId,
        quantity: i64,
        note: Option<String>,
    },
    /// To a colleague of the contract, who confirms it.
    TransferToColleague {
        part_id: PartId,
        to: TechnicianId,
        quantity: i64,
        note: Option<String>,
    },
    /// The receiver's confirmation (确认收货) of a transfer out.
    ConfirmTransfer { transfer_id: MovementId },
    /// To the part of the same code in another contract.
    TransferToContract {
        part_id: PartId,
        to_contract: ContractId,
        quantity: i64,
        note: Option<String>,
    },
}

/// A part the technician adds to a contract's catalogue (issue 19), where the contract allows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TechnicianPart {
    pub contract_id: ContractId,
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    pub model: Option<String>,
    pub main_equipment: bool,
}

// Issue 19, photos.
pub use fieldlog_domain::photo::{Photo, PhotoStage, PhotoSubject};

/// A photo as the window shows it: its facts, and its thumbnail as a `data:image/jpeg` URL (none
/// while a photo synced from another laptop waits for its thumbnail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PhotoView {
    pub photo: Photo,
    pub thumbnail_data_url: Option<String>,
}

/// A photo's original as a data URL of its own type (the window opens it full size).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PhotoOriginal {
    pub mime: String,
    pub data_url: String,
}

/// Bytes as a `data:<mime>;base64,...` URL.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

// Issue 20: backing up and restoring the profile (Settings).

/// A backup just written: where, how big, and what it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProfileBackup {
    pub path: std::path::PathBuf,
    pub bytes: u64,
    /// The signing key is in the backup (so the file is as secret as the laptop's profile).
    pub signing_key: bool,
    /// The profile was enrolled with a sync server when backed up.
    pub enrolled: bool,
}

/// A restore just done: where the profile as it was is kept, and what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProfileRestored {
    pub previous_kept_at: std::path::PathBuf,
    pub backup_version: i64,
    pub signing_key: bool,
    pub enrolled: bool,
}

/// Issue 20: the Settings screen's About, and the notice the app shows when the PDFs have no
/// font: the build's version and commit, and the CJK font found for the PDFs, or the message
/// saying which package to install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct About {
    pub version: String,
    pub commit: String,
    pub pdf_font: Option<String>,
    pub font_missing: Option<String>,
}
