// The contract between the window and the core: the JSON shapes of `fieldlog-wire` and
// `fieldlog-domain` (as serde writes them), and one function per Tauri command in
// `src-tauri/src/commands.rs`. Every command is one call into the core; an error arrives as
// {code, message, field?} with a message that already says what to do, in Chinese first.
//
// Times are RFC 3339 strings in UTC; show them with `time.ts` (Asia/Shanghai, 24-hour).

export type Id = string;
export type Instant = string; // "2026-11-22T05:02:00.123Z"
export type LocalDate = string; // "2026-11-22"

export type ErrorCode =
  | "invalid_input"
  | "not_found"
  | "signed_immutable"
  | "conflict"
  | "insufficient_stock"
  | "storage"
  | "internal"
  // Sync (fieldlog-wire's ErrorCode; the app does not sync yet, but the codes are the wire's).
  | "unauthorized"
  | "forbidden"
  | "too_large"
  | "network"
  // Evidence failed its integrity check (issue 14): nothing is exported or signed from it.
  | "tampered";

/** Where the signing key is kept (fieldlog-wire's KeyStorageView). */
export interface KeyStorageView {
  os_key_store: boolean;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  /** The sentence in the language of the app's settings (the core says it). */
  message: string;
  field?: string;
  /** The values the sentence names (an id, a balance …), by name. */
  params?: Record<string, string>;
}

export type Level = "A" | "B" | "C";
export type FaultStatus = "reported" | "acknowledged" | "on_site" | "resolved" | "unresolved";
export type ClockKind = "response" | "arrival" | "resolution" | "feedback" | "major_restoration";
export type ClockState = "not_started" | "running" | "met" | "breached" | "exempt";
export type UnresolvedReason = "power" | "transmission" | "device" | "force_majeure" | "other";
export type FaultCause =
  | "ordinary"
  | "external_force"
  | "natural_disaster"
  | "stolen"
  | "vandalised"
  | "vehicle_hit"
  | "weather";
export type SpareKind = "unit" | "part";
export type MovementKind = "received" | "used" | "returned" | "transfer_in" | "transfer_out";
export type SignerRole = "technician" | "customer";
export type ReportStatus = "draft" | "signed";

export interface Clock {
  kind: ClockKind;
  state: ClockState;
  started_at: Instant | null;
  deadline: Instant | null;
  stopped_at: Instant | null;
  /** Seconds left while running; negative once overdue and still open. */
  remaining_seconds: number | null;
  /** The promise in words, Chinese, e.g. "B级 到场 2 小时". */
  rule: string;
  /** The rule in English, for the English screens. */
  rule_en: string;
}

export interface Technician {
  id: Id;
  name: string;
  staff_no: string | null;
}

export interface GeoPoint {
  lat: number;
  lon: number;
  accuracy_m: number | null;
}

/** The contract presets of domain.md (fieldlog_domain::sla::Preset codes). */
export type PresetCode = "county-police-village-query" | "city-egov-extranet";
export const PRESET_CODES: PresetCode[] = ["county-police-village-query", "city-egov-extranet"];

export interface Contract {
  id: Id;
  code: string;
  name: string;
  client: string;
  service_start: LocalDate;
  service_end: LocalDate;
  spare_floor: { units: number; parts: number };
  policy_version: number;
}

export interface Site {
  id: Id;
  contract_id: Id;
  code: string;
  name: string;
  kind: "camera_pole" | "machine_room" | "fibre_segment" | "office";
  address: string;
  location: GeoPoint | null;
}

export interface Device {
  id: Id;
  site_id: Id;
  kind: "camera" | "switch" | "server" | "fibre_line" | "power_unit" | "terminal";
  model: string;
  serial: string | null;
}

export interface SparePart {
  id: Id;
  contract_id: Id;
  code: string;
  name: string;
  kind: SpareKind;
  model: string | null;
}

export interface FaultRow {
  id: Id;
  contract_id: Id;
  contract_name: string;
  site_id: Id;
  site_code: string;
  site_name: string;
  device: string | null;
  device_kind: Device["kind"] | null;
  device_model: string | null;
  level: Level;
  level_label: string;
  reported_at: Instant;
  description: string;
  first_receiver: string;
  status: FaultStatus;
  status_label: string;
  clocks: Clock[];
}

/** A lifecycle event as sent by the UI (the `kind` tag plus its fields). */
export type FaultEventKind =
  | { kind: "acknowledged"; by: string }
  | { kind: "remote_attempt"; fixed: boolean; note: string }
  | { kind: "escalated"; to: string; reason: string }
  | { kind: "on_site"; arrival_id: Id }
  | { kind: "spare_substituted"; part_id: Id; serial: string | null; old_serial?: string | null }
  | { kind: "resolved"; note: string }
  | { kind: "unresolved"; reason: UnresolvedReason; note: string }
  | { kind: "customer_informed"; how: string }
  | { kind: "cause_determined"; cause: FaultCause; note: string }
  | { kind: "escalated_on_site"; by: string; reason: string }
  | { kind: "force_majeure_claimed"; cause: FaultCause; told: string; note: string }
  | { kind: "force_majeure_agreement"; accepted: boolean; by: string; note: string };

/** Where a force-majeure claim stands (fieldlog_domain::fault::ForceMajeureState). */
export type ForceMajeureState = "pending" | "accepted" | "refused";

export type FaultEvent = FaultEventKind & { id: Id; fault_id: Id; at: Instant; recorded_at: Instant };

export interface Arrival {
  id: Id;
  technician_id: Id;
  site_id: Id;
  fault_id: Id | null;
  arrived_at: Instant;
  location: GeoPoint | null;
  site_confirmed_by_hand: boolean;
  /** The machine's clock read earlier than a time already recorded: the time may be wrong. */
  clock_suspect: boolean;
  recorded_at: Instant;
}

export interface Fault {
  id: Id;
  contract_id: Id;
  site_id: Id;
  device_id: Id | null;
  level: Level;
  reported_at: Instant;
  channel: string;
  description: string;
  first_receiver: string;
  policy_version: number;
  recorded_at: Instant;
}

export interface FaultDetail {
  fault: Fault;
  row: FaultRow;
  events: FaultEvent[];
  arrivals: Arrival[];
}

export interface PartLine {
  part_id: Id;
  quantity: number;
  old_serial: string | null;
  new_serial: string | null;
  movement_id: Id;
}

export interface ReportEntry {
  id: Id;
  report_id: Id;
  position: number;
  site_id: Id;
  device_id: Id | null;
  fault_id: Id | null;
  fault_cause: string;
  resolved: boolean;
  unresolved_reason: UnresolvedReason | null;
  work_done: string;
  parts: PartLine[];
}

export interface NewEntry {
  site_id: Id;
  device_id: Id | null;
  fault_id: Id | null;
  fault_cause: string;
  resolved: boolean;
  unresolved_reason: UnresolvedReason | null;
  work_done: string;
  parts: { part_id: Id; quantity: number; old_serial: string | null; new_serial: string | null }[];
}

export interface Signature {
  id: Id;
  subject: "daily_report" | "completion_form";
  subject_id: Id;
  signer_name: string;
  role: SignerRole;
  signed_at: Instant;
  image_sha256: string;
  content_hash: string;
}

/** A signature as captured on the pad: strokes as [x, y, ms] points, and the PNG as a data URL. */
export interface CapturedSignature {
  signer_name: string;
  role: SignerRole;
  strokes: { points: [number, number, number][] }[];
  png_data_url: string;
}

export interface DailyReport {
  id: Id;
  technician_id: Id;
  contract_id: Id;
  work_date: LocalDate;
  status: ReportStatus;
  amends: Id | null;
  amend_reason: string | null;
  created_at: Instant;
  signed_at: Instant | null;
}

export interface ReportRow {
  id: Id;
  technician_id: Id;
  technician_name: string;
  contract_id: Id;
  contract_name: string;
  work_date: LocalDate;
  status: ReportStatus;
  amends: Id | null;
  entry_count: number;
  signed_at: Instant | null;
}

export interface ReportDocument {
  report: DailyReport;
  row: ReportRow;
  entries: ReportEntry[];
  arrivals: Arrival[];
  signatures: Signature[];
  amended_by: Id[];
  content_intact: boolean | null;
  /** Entries kept apart for review (they reached a signed report after its signing): never part of the signed content. Absent when none. */
  held_entries?: HeldEntry[];
}

/** An entry kept apart from a signed report, with when the sync server kept it apart (for a late entry, when it arrived). */
export interface HeldEntry extends ReportEntry {
  held_at: string | null;
}

export interface Inspection {
  id: Id;
  contract_id: Id;
  site_id: Id;
  site_code: string;
  site_name: string;
  kind: "security_quarterly" | "routine";
  kind_label: string;
  planned_for: LocalDate;
  checklist: string[];
  done_at: Instant | null;
}

/** The completion form (完工确认单) of a resolved fault. */
export interface CompletionForm {
  fault: FaultRow;
  entries: ReportEntry[];
  signatures: Signature[];
  /** True once both the technician and the customer have signed. */
  signed: boolean;
}

export interface PartBalance {
  part_id: Id;
  contract_id: Id;
  code: string;
  name: string;
  kind: SpareKind;
  balance: number;
}

export interface StockReport {
  contract_id: Id;
  contract_name: string;
  parts: PartBalance[];
  floor: {
    units: number;
    parts: number;
    floor: { units: number; parts: number };
    units_below_floor: boolean;
    parts_below_floor: boolean;
  };
}

export interface StockMovement {
  id: Id;
  part_id: Id;
  kind: MovementKind;
  quantity: number;
  at: Instant;
  technician_id: Id | null;
  fault_id: Id | null;
  entry_id: Id | null;
  old_serial: string | null;
  new_serial: string | null;
  note: string | null;
}

export interface Settings {
  language: "zh-CN" | "en";
  server_url: string;
}

export interface Today {
  now: Instant;
  local_date: LocalDate;
  technician: Technician | null;
  open_faults: FaultRow[];
  /** Planned inspections due today or overdue, not yet done. */
  inspections: Inspection[];
  /** This technician's reports for today, one per contract worked on. */
  reports: ReportRow[];
}

/** What to export: a signed PDF, or the monthly summary as XLSX or CSV for the client's clerks. */
export type ExportRequest =
  | { kind: "daily"; report_id: Id }
  | { kind: "completion"; fault_id: Id }
  | { kind: "monthly"; contract_id: Id; month: string; format?: "pdf" | "xlsx" | "csv" };

/** A count and the faults behind it (drill-down). */
export interface Figure {
  count: number;
  fault_ids: Id[];
}

export interface ClockTally {
  met: number;
  breached: number;
  running: number;
  not_started: number;
  exempt: number;
}

export interface LevelCompliance {
  level: Level;
  faults: number;
  response: ClockTally;
  arrival: ClockTally;
  resolution: ClockTally;
  feedback: ClockTally;
  major_restoration: ClockTally;
  response_rate: number | null;
  arrival_rate: number | null;
  resolution_rate: number | null;
  feedback_rate: number | null;
  major_restoration_rate: number | null;
}

export interface Compliance {
  from: LocalDate;
  to: LocalDate;
  at: Instant;
  faults: number;
  force_majeure_faults: number;
  levels: LevelCompliance[];
}

export type UnresolvedGroup = UnresolvedReason | "pending";

/** The summary's figures, for the contract or one technician (fieldlog_domain::summary). */
export interface SummaryFigures {
  reported: Figure;
  repaired: Figure;
  unresolved: Figure;
  unresolved_by_reason: { reason: UnresolvedGroup; label: string; figure: Figure }[];
  resolution_rate: number | null;
  carried_over_repaired: Figure;
  carried_over_open: Figure;
  force_majeure: Figure;
  /** The cohort's force-majeure claims at the close: only accepted ones are counted apart. */
  force_majeure_claims: { claimed: Figure; pending: Figure; accepted: Figure; refused: Figure };
  compliance: Compliance;
  clock_faults: {
    level: Level;
    clock: ClockKind;
    met: Id[];
    breached: Id[];
    running: Id[];
    exempt: Id[];
  }[];
  parts_consumed: {
    part_id: Id;
    code: string;
    name: string;
    kind: SpareKind;
    quantity: number;
    fault_ids: Id[];
  }[];
}

export interface PartAtClose {
  part_id: Id;
  code: string;
  name: string;
  kind: SpareKind;
  balance: number;
}

export interface Summary {
  contract_id: Id;
  from: LocalDate;
  /** Exclusive. */
  to: LocalDate;
  /** The range's close: everything is judged as it stood then. */
  as_of: Instant;
  figures: SummaryFigures;
  force_majeure_cases: {
    fault_id: Id;
    reported_at: Instant;
    cause: FaultCause | null;
    description: string;
    /** Null for a case counted apart under a policy version from before claims were recorded. */
    state: ForceMajeureState | null;
    state_label: string;
    told: string | null;
    told_at: Instant | null;
    answered_at: Instant | null;
    answered_by: string | null;
    answer_note: string | null;
  }[];
  /** Same-model spare units installed in the range (备品备件替代). */
  substitutions: {
    fault_id: Id;
    at: Instant;
    part_id: Id;
    part_code: string;
    part_name: string;
    model: string | null;
    old_serial: string | null;
    new_serial: string | null;
  }[];
  stock: { floor: StockReport["floor"]; under_floor: PartAtClose[]; parts: PartAtClose[] };
  technicians: { technician_id: Id; name: string; figures: SummaryFigures }[];
  unattributed: Figure;
  /** Arrivals whose device clock was in doubt, and the faults they were for. */
  clock_suspect: { faults: Figure; arrivals: SuspectArrival[] };
}

export type ClockDoubt = "device" | "server" | "both";

/** An arrival on site whose recorded time may be wrong (the device's clock was off). */
export interface SuspectArrival {
  arrival_id: Id;
  fault_id: Id | null;
  site: string;
  technician: string;
  arrived_at: Instant;
  /** When the sync server received it, once it has. */
  received_at: Instant | null;
  doubt: ClockDoubt;
  label: string;
}

/** One fault a summary's figures name. */
export interface SummaryFault {
  id: Id;
  reported_at: Instant;
  level: Level;
  site_code: string;
  site_name: string;
  device: string | null;
  device_kind: Device["kind"] | null;
  device_model: string | null;
  description: string;
}

export interface SummaryView {
  contract_id: Id;
  contract_name: string;
  client: string;
  period: string;
  summary: Summary;
  faults: SummaryFault[];
}

// Sync (fieldlog-wire's v1::SyncActivity, fieldlog-store's settle::ConflictView).

export type SyncState = "not_enrolled" | "idle" | "syncing" | "offline" | "failed";
export type SyncPhase = "pushing" | "pulling";

/** What background sync is doing: also pushed as the `sync-activity` event. */
export interface SyncActivity {
  state: SyncState;
  phase: SyncPhase | null;
  pushed: number;
  pulled: number;
  pending_changes: number;
  open_conflicts: number;
  last_good_sync_at: Instant | null;
  next_attempt_at: Instant | null;
  /** What went wrong and what to do, Chinese first. */
  message: string | null;
  clock_offset_secs: number | null;
  /** The laptop's clock is off by more than the sync tolerance. */
  clock_off: boolean;
  server_url: string | null;
}

export interface EnrollResponse {
  device_id: string;
  technician_id: string;
  technician_name: string;
  contracts: string[];
}

export type ConflictSide = "ours" | "theirs";
/** `settle`: the technician picks per field; `review`: evidence, both versions kept, read-only. */
export type ConflictKind = "settle" | "review";
export type JsonValue = string | number | boolean | null;

export interface ConflictField {
  field: string;
  ours: JsonValue;
  theirs: JsonValue;
}

export interface ConflictView {
  id: number;
  entity: string;
  record_id: string;
  title: string | null;
  kind: ConflictKind;
  fields: ConflictField[];
  reason: string;
  recorded_at: Instant;
}

type Invoke = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;

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
  today: () => call<Today>("today"),
  keyStorage: () => call<KeyStorageView>("key_storage"),
  profile: () => call<Technician | null>("profile"),
  contracts: () => call<Contract[]>("contracts"),
  /** Takes the corrected contract preset as a new policy version (faults reported from now on). */
  adoptPreset: (contractId: Id, preset: PresetCode) => call<Contract>("adopt_preset", { contractId, preset }),
  sites: (contractId: Id | null) => call<Site[]>("sites", { contractId }),
  devices: (siteId: Id) => call<Device[]>("devices", { siteId }),
  parts: (contractId: Id) => call<SparePart[]>("parts", { contractId }),

  faults: (openOnly: boolean) => call<FaultRow[]>("faults", { openOnly }),
  faultDetail: (faultId: Id) => call<FaultDetail>("fault_detail", { faultId }),
  /** `at` defaults to now. */
  recordFaultEvent: (faultId: Id, event: FaultEventKind, at: Instant | null = null) =>
    call<FaultDetail>("record_fault_event", { faultId, event, at }),
  substituteSpare: (faultId: Id, partId: Id, serial: string | null) =>
    call<FaultDetail>("substitute_spare", { faultId, partId, serial }),
  /** One-tap check-in: the time is the machine's; `location` when the OS offers one. */
  checkIn: (siteId: Id, faultId: Id | null, location: GeoPoint | null, siteConfirmedByHand: boolean) =>
    call<Arrival>("check_in", { siteId, faultId, location, siteConfirmedByHand }),
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

  completion: (faultId: Id) => call<CompletionForm>("completion", { faultId }),
  /** A signature's handwriting as a PNG data URL, by the image's SHA-256; null if not on this laptop. */
  signatureImage: (sha256: string) => call<string | null>("signature_image", { sha256 }),
  /** Both signatures at once: the technician's and the customer's. */
  signCompletion: (faultId: Id, technician: CapturedSignature, customer: CapturedSignature) =>
    call<CompletionForm>("sign_completion", { faultId, technician, customer }),

  /** Renders, signs (PAdES) and saves a PDF in the user's Documents/Fieldlog folder. */
  exportPdf: (request: ExportRequest) => call<{ path: string; bytes: number }>("export_pdf", { request }),
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
    call<EnrollResponse>("enroll", { serverUrl, code, deviceName }),
  syncConflicts: () => call<ConflictView[]>("sync_conflicts"),
  settleConflict: (conflictId: number, picks: Record<string, ConflictSide>) =>
    call<ConflictView[]>("settle_conflict", { conflictId, picks }),
  acknowledgeConflict: (conflictId: number) => call<ConflictView[]>("acknowledge_conflict", { conflictId }),
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
