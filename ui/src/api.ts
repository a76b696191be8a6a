// The window's way into the core: one function per Tauri command in `src-tauri/src/commands.rs`.
// Every command is one call into the core; an error arrives as an `ErrorBody` whose message
// already says what to do, in Chinese first.
//
// The types are generated from the Rust types of `fieldlog-wire` (`./generated/wire.ts`, written by
// `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract`; CI fails when it is stale),
// so nothing here restates a shape the core defines. Below are only the names the screens have
// always used for some of them.
//
// Times are RFC 3339 strings in UTC; show them with `time.ts` (Asia/Shanghai, 24-hour).

import type {
  Arrival,
  CapturedSignature,
  CompletionForm,
  ConflictView,
  Contract,
  ContractCatalogue,
  Device,
  Enrollment,
  ErrorBody,
  ExportRequest,
  Exported,
  FaultDetail,
  FaultEventKind,
  FaultLevel,
  FaultRow,
  Figures,
  GeoPoint,
  InspectionRow,
  KeyStorageView,
  MovementKind,
  NewEntry,
  PhotoOriginal,
  PhotoStage,
  PhotoSubject,
  PhotoView,
  PresetCode,
  ReportDocument,
  ReportList,
  ReportListQuery,
  ReportRow,
  Settings,
  Side,
  Site,
  SparePart,
  StockMovement,
  StockReport,
  StockAction,
  TechnicianPart,
  SummaryView,
  SyncActivity,
  Technician,
  Today,
  // Issue 19, the first start (h1).
  AloneContract,
  EnrollForm,
  FirstEnrollment,
  FirstStart,
  NewSiteForm,
  NewFault,
  TodayFilter,
  // Issue 20: backup and restore.
  ProfileBackup,
  ProfileRestored,
  // Issue 20.
  About,
} from "./generated/wire";

export type * from "./generated/wire";
export { PRESET_CODES } from "./generated/wire";

export type Id = string;
export type Instant = string; // "2026-11-22T05:02:00.123Z"
export type LocalDate = string; // "2026-11-22"
export type Level = FaultLevel;
export type Inspection = InspectionRow;
export type SummaryFigures = Figures;
export type ConflictSide = Side;
export type EnrollResponse = Enrollment;

type Invoke = <T>(
  cmd: string,
  args?: Record<string, unknown> | Uint8Array,
  options?: { headers: Record<string, string> },
) => Promise<T>;

function tauriInvoke(): Invoke {
  const tauri = (window as unknown as { __TAURI__?: { core: { invoke: Invoke } } }).__TAURI__;
  if (!tauri) {
    throw new Error("Fieldlog 必须在桌面程序中运行 (run inside the Fieldlog app)");
  }
  return tauri.core.invoke;
}

function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  return tauriInvoke()<T>(cmd, args);
}

export const api = {
  /** Today; `filter` narrows its fault groups (issue 19). */
  today: (filter: TodayFilter | null = null) => call<Today>("today", { filter }),
  keyStorage: () => call<KeyStorageView>("key_storage"),
  profile: () => call<Technician | null>("profile"),
  contracts: () => call<Contract[]>("contracts"),
  /** Takes the corrected contract preset as a new policy version (faults reported from now on). */
  adoptPreset: (contractId: Id, preset: PresetCode) => call<Contract>("adopt_preset", { contractId, preset }),
  sites: (contractId: Id | null) => call<Site[]>("sites", { contractId }),
  devices: (siteId: Id) => call<Device[]>("devices", { siteId }),
  parts: (contractId: Id) => call<SparePart[]>("parts", { contractId }),
  /** Every contract this laptop holds, with its policy, sites (with devices) and spare parts. */
  catalogue: () => call<ContractCatalogue[]>("catalogue"),

  faults: (openOnly: boolean) => call<FaultRow[]>("faults", { openOnly }),
  faultDetail: (faultId: Id) => call<FaultDetail>("fault_detail", { faultId }),
  /** `at` defaults to now. */
  recordFaultEvent: (faultId: Id, event: FaultEventKind, at: Instant | null = null) =>
    call<FaultDetail>("record_fault_event", { faultId, event, at }),
  /** The take (接单): the profile's technician takes an unassigned fault, offline too. */
  takeFault: (faultId: Id) => call<FaultDetail>("take_fault", { faultId }),
  /** `at`: when the spare went in, when entered later (issue 19); the core checks its limits. */
  substituteSpare: (faultId: Id, partId: Id, serial: string | null, at: Instant | null = null) =>
    call<FaultDetail>("substitute_spare", { faultId, partId, serial, at }),
  /** One-tap check-in: the time is the machine's unless `at` gives when it happened (entered later);
   *  `location` when the OS offers one. */
  checkIn: (siteId: Id, faultId: Id | null, location: GeoPoint | null, siteConfirmedByHand: boolean, at: Instant | null = null) =>
    call<Arrival>("check_in", { siteId, faultId, location, siteConfirmedByHand, at }),
  completeInspection: (inspectionId: Id, arrivalId: Id) =>
    call<Inspection>("complete_inspection", { inspectionId, arrivalId }),

  reports: (from: LocalDate | null, to: LocalDate | null) => call<ReportRow[]>("reports", { from, to }),
  report: (reportId: Id) => call<ReportDocument>("report", { reportId }),
  /** Today's report for this contract, created as a draft if there is none yet. */
  todayReport: (contractId: Id) => call<ReportDocument>("today_report", { contractId }),
  addEntry: (reportId: Id, entry: NewEntry) => call<ReportDocument>("add_entry", { reportId, entry }),
  signReport: (reportId: Id, signature: CapturedSignature) =>
    call<ReportDocument>("sign_report", { reportId, signature }),
  amendReport: (reportId: Id, reason: string) => call<ReportDocument>("amend_report", { reportId, reason }),
  // issue 19: reports over a real month
  /** The report list under its filters, with the chosen month's missing days. */
  reportList: (query: ReportListQuery) => call<ReportList>("report_list", { query }),
  /** A draft report for any day of the service period up to today (a missed day: 补填). */
  newReport: (contractId: Id, workDate: LocalDate) => call<ReportDocument>("new_report", { contractId, workDate }),
  /** Changes a draft entry (a correction's entry: with its reason). */
  editEntry: (entryId: Id, entry: NewEntry, reason: string | null) =>
    call<ReportDocument>("edit_entry", { entryId, entry, reason }),
  /** Deletes a draft entry, or strikes a correction's entry with its reason. */
  removeEntry: (entryId: Id, reason: string | null) => call<ReportDocument>("remove_entry", { entryId, reason }),

  completion: (faultId: Id) => call<CompletionForm>("completion", { faultId }),
  /** A signature's handwriting as a PNG data URL, by the image's SHA-256; null if not on this laptop. */
  signatureImage: (sha256: string) => call<string | null>("signature_image", { sha256 }),
  /** Both signatures at once: the technician's and the customer's. */
  signCompletion: (faultId: Id, technician: CapturedSignature, customer: CapturedSignature) =>
    call<CompletionForm>("sign_completion", { faultId, technician, customer }),

  /** Renders, signs (PAdES) and saves a PDF in the user's Documents/Fieldlog folder. */
  exportPdf: (request: ExportRequest) => call<Exported>("export_pdf", { request }),
  openExport: (path: string) => call<void>("open_export", { path }),
  showExport: (path: string) => call<void>("show_export", { path }),
  summary: (contractId: Id, month: string) => call<SummaryView>("summary", { contractId, month }),

  stock: () => call<StockReport[]>("stock"),
  movements: (partId: Id) => call<StockMovement[]>("movements", { partId }),
  recordMovement: (partId: Id, kind: MovementKind, quantity: number, note: string | null) =>
    call<StockReport[]>("record_movement", { partId, kind, quantity, note }),

  settings: () => call<Settings>("settings"),
  saveSettings: (settings: Settings) => call<Settings>("save_settings", { settings }),
  setProfile: (name: string, staffNo: string | null) => call<Technician>("set_profile", { name, staffNo }),

  /** What the user is typing, kept in the core so a crash or power cut loses at most a second. */
  saveDraft: (key: string, value: unknown) => call<void>("save_draft", { key, value }),
  draft: <T>(key: string) => call<T | null>("draft", { key }),
  clearDraft: (key: string) => call<void>("clear_draft", { key }),

  syncActivity: () => call<SyncActivity>("sync_activity"),
  /** Runs a round now (the background worker's; never two at once). */
  syncNow: () => call<SyncActivity>("sync_now"),
  enroll: (serverUrl: string, code: string, deviceName: string) =>
    call<Enrollment>("enroll", { serverUrl, code, deviceName }),
  syncConflicts: () => call<ConflictView[]>("sync_conflicts"),
  settleConflict: (conflictId: number, picks: Record<string, Side>) =>
    call<ConflictView[]>("settle_conflict", { conflictId, picks }),
  acknowledgeConflict: (conflictId: number) => call<ConflictView[]>("acknowledge_conflict", { conflictId }),

  // Inspections by plan (issue 19 item 5).
  /** Every inspection not done (the plans' periods begun are made first), recent ones, the plans. */
  inspectionList: () => call<import("./generated/wire").InspectionList>("inspection_list"),
  inspectionDetail: (inspectionId: Id) =>
    call<import("./generated/wire").InspectionDetail>("inspection_detail", { inspectionId }),
  addInspectionPlan: (plan: import("./generated/wire").NewInspectionPlan) =>
    call<import("./generated/wire").InspectionPlan>("add_inspection_plan", { plan }),
  tickInspection: (inspectionId: Id, tick: import("./generated/wire").NewTick) =>
    call<import("./generated/wire").InspectionDetail>("tick_inspection", { inspectionId, tick }),
  noteFinding: (inspectionId: Id, finding: import("./generated/wire").NewFinding) =>
    call<import("./generated/wire").InspectionDetail>("note_finding", { inspectionId, finding }),
  findingToFault: (findingId: Id, fault: import("./generated/wire").FindingToFault) =>
    call<import("./generated/wire").InspectionDetail>("finding_to_fault", { findingId, fault }),
  /** A contract's inspections done on a day, for that day's report. */
  inspectionsDoneOn: (contractId: Id, day: LocalDate) =>
    call<import("./generated/wire").InspectionDetail[]>("inspections_done_on", { contractId, day }),

  // Issue 19, the first start (h1).
  firstStart: () => call<FirstStart>("first_start"),
  startAlone: (contract: AloneContract) => call<Contract>("start_alone", { contract }),
  /** Enrolls (the root certificate as the file's bytes), then a first sync round. */
  enrollLaptop: (form: EnrollForm) => call<FirstEnrollment>("enroll_laptop", { form }),
  /** 添加点位 (the catalogue screen): answers the catalogue as it now stands. */
  addSite: (site: NewSiteForm) => call<ContractCatalogue[]>("add_site", { site }),

  /** Issue 19: a call the technician takes (报修); its call time may be earlier than now. */
  reportFault: (fault: NewFault) => call<FaultDetail>("report_fault", { fault }),

  // Issue 19, item 6: stock actions (use on its own, give back, transfers, confirm, add a part).
  stockAction: (action: StockAction) => call<StockReport[]>("stock_action", { action }),
  addPart: (part: TechnicianPart) => call<StockReport[]>("add_part", { part }),

  // Issue 19, photos.
  photos: (subject: PhotoSubject, subjectId: Id) => call<PhotoView[]>("photos", { subject, subjectId }),
  /** The file's bytes go as the raw IPC body (never a path); what it shows rides in one header. */
  addPhoto: (subject: PhotoSubject, subjectId: Id, stage: PhotoStage, fileName: string, bytes: Uint8Array) =>
    tauriInvoke()<PhotoView[]>("add_photo", bytes, {
      headers: { "x-fieldlog-photo": encodeURIComponent(JSON.stringify({ subject, subjectId, stage, fileName })) },
    }),
  photoOriginal: (photoId: Id) => call<PhotoOriginal>("photo_original", { photoId }),

  // Issue 20: backing up and restoring the profile (Settings).
  backupProfile: () => call<ProfileBackup>("backup_profile"),
  profileBackups: () => call<string[]>("profile_backups"),
  restoreProfile: (file: string) => call<ProfileRestored>("restore_profile", { file }),

  // Issue 19 leftovers: Today's one-tap 已告知客户, worded by the core.
  informCustomer: (faultId: Id) => call<FaultDetail>("inform_customer", { faultId }),

  // Issue 20: version, commit and the PDFs' font (the About, the missing-font notice).
  about: () => call<About>("about"),
};

type Listen = <T>(event: string, handler: (e: { payload: T }) => void) => Promise<() => void>;

/** Subscribes to an event the app emits (e.g. `sync-activity`); answers the unsubscribe. */
export function listen<T>(event: string, handler: (payload: T) => void): Promise<() => void> {
  const tauri = (window as unknown as { __TAURI__?: { event: { listen: Listen } } }).__TAURI__;
  if (!tauri) return Promise.resolve(() => {});
  return tauri.event.listen<T>(event, (e) => handler(e.payload));
}

export function isErrorBody(e: unknown): e is ErrorBody {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}
