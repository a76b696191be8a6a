// Generated from fieldlog-wire's Rust types (`fieldlog_wire::ui_contract`, ts-rs): do not edit.
// After changing a type that crosses to the window or the console, run
// `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract` and review the diff.

/**
 * Issue 20: the Settings screen's About, and the notice the app shows when the PDFs have no
 * font: the build's version and commit, and the CJK font found for the PDFs, or the message
 * saying which package to install.
 */
export type About = { version: string, commit: string, pdf_font: string | null, font_missing: string | null, };

/**
 * A work-alone laptop's contract, made from a preset (its SLA policy and spare floor).
 */
export type AloneContract = { code: string, name: string, client: string, 
/**
 * Both days of the service period (empty in the form: refused with the field named).
 */
service_start: string | null, service_end: string | null, 
/**
 * A `PresetCode`.
 */
preset: string, };

export type Arrival = { id: string, technician_id: string, site_id: string, 
/**
 * The fault this visit is for, if any (an inspection visit has none).
 */
fault_id: string | null, 
/**
 * The machine's time at check-in.
 */
arrived_at: string, 
/**
 * From the OS location service, when it offered one.
 */
location: GeoPoint | null, 
/**
 * The technician confirmed the site by hand (no location, or location disagreed).
 */
site_confirmed_by_hand: boolean, 
/**
 * The machine's clock read earlier than a time this profile had already recorded, by more
 * than [`fault::FUTURE_TOLERANCE`]: the arrival time may be wrong.
 */
clock_suspect: boolean, recorded_at: string, };

/**
 * What a laptop holds of the catalogue: contracts, sites, spare parts.
 */
export type Arrived = { contracts: number, sites: number, parts: number, };

/**
 * One assignment record (`fault_assignments`).
 */
export type Assignment = { id: string, fault_id: string, kind: AssignmentKind, technician_id: string, technician_name: string, 
/**
 * The records its writer saw as current (none: the fault was unassigned to them).
 */
supersedes: Array<string>, 
/**
 * Why (a reassignment carries one).
 */
reason: string, 
/**
 * Who made it: the office account's name, or the technician's.
 */
assigned_by: string, 
/**
 * When it was made, as its writer stated it.
 */
at: string, 
/**
 * When it was saved.
 */
recorded_at: string, };

/**
 * Who made an assignment record.
 */
export type AssignmentKind = "assign" | "take";

/**
 * A signature as the signature pad captured it: strokes, and the PNG as a data URL.
 */
export type CapturedSignature = { signer_name: string, role: SignerRole, strokes: Array<Stroke>, png_data_url: string, };

/**
 * A site of a contract's catalogue with the devices at it.
 */
export type CatalogueSite = { site: Site, devices: Array<Device>, };

/**
 * One checklist item with its latest tick, if any.
 */
export type ChecklistItem = { position: number, item: string, tick: InspectionTick | null, };

export type Clock = { kind: ClockKind, state: ClockState, started_at: string | null, deadline: string | null, stopped_at: string | null, 
/**
 * Seconds left until the deadline while running; negative once overdue and still open.
 */
remaining_seconds: number | null, 
/**
 * Which promise this clock measures, in words (e.g. "B级 到场 2 小时").
 */
rule: string, 
/**
 * The same in English (e.g. "Level B: on site within 2 hours"), for the English screens.
 */
rule_en: string, };

/**
 * Why an arrival's time is in doubt.
 */
export type ClockDoubt = "device" | "server" | "both";

/**
 * The faults behind one clock's tally at one level.
 */
export type ClockFaults = { level: FaultLevel, clock: ClockKind, met: Array<string>, breached: Array<string>, running: Array<string>, exempt: Array<string>, };

export type ClockKind = "response" | "arrival" | "resolution" | "feedback" | "major_restoration";

export type ClockState = "not_started" | "running" | "met" | "breached" | "exempt";

/**
 * Arrivals in the range whose time is in doubt, and the faults they were for.
 */
export type ClockSuspect = { faults: Figure, arrivals: Array<SuspectArrival>, };

/**
 * How one clock fared over a set of faults.
 */
export type ClockTally = { met: number, breached: number, running: number, not_started: number, exempt: number, };

/**
 * The completion form (完工确认单) of a fault.
 */
export type CompletionForm = { fault: FaultRow, entries: Array<ReportEntry>, signatures: Array<Signature>, 
/**
 * Both the technician and the customer have signed.
 */
signed: boolean, };

/**
 * SLA compliance per level and clock for the faults reported in [from, to) (local dates).
 */
export type Compliance = { from: string, 
/**
 * Exclusive.
 */
to: string, 
/**
 * The instant the clocks were judged at.
 */
at: string, faults: number, force_majeure_faults: number, levels: Array<LevelCompliance>, };

/**
 * One field of a conflict, both versions side by side.
 */
export type ConflictField = { field: string, ours: JsonValue, theirs: JsonValue, };

/**
 * What can be done about a conflict.
 */
export type ConflictKind = "settle" | "review";

/**
 * A sync conflict as the app shows it (`fieldlog_store::settle` works them out and settles them).
 */
export type ConflictView = { id: number, entity: string, record_id: string, 
/**
 * What a person calls the record (its name, code or description), if it has one.
 */
title: string | null, kind: ConflictKind, 
/**
 * For `settle`: the fields to pick; for `review`: every field that differs.
 */
fields: Array<ConflictField>, 
/**
 * Why the laptop could not take the server's version (for `review`), in the store's words.
 */
reason: string, recorded_at: string, };

export type Contract = { id: string, 
/**
 * Short stable code, e.g. `county-police-village-query`.
 */
code: string, name: string, 
/**
 * The client (采购人).
 */
client: string, service_start: string, service_end: string, spare_floor: SpareFloor, 
/**
 * The policy version new faults are opened under.
 */
policy_version: number, policy: SlaPolicy, };

/**
 * One contract's catalogue as this laptop holds it (issue 17: the office sets it up, sync brings
 * it): the contract with its current SLA policy, its sites with their devices, its spare parts.
 * The app's "合同与点位" screen and `fieldlog contract <code>` show it.
 */
export type ContractCatalogue = { 
/**
 * With the policy version new faults are opened under (`policy_version`, `policy`).
 */
contract: Contract, 
/**
 * The service period is over (today, in Asia/Shanghai, is after `service_end`).
 */
service_ended: boolean, 
/**
 * By point code.
 */
sites: Array<CatalogueSite>, 
/**
 * Spare units first, then parts, each by code.
 */
parts: Array<SparePart>, };

export type DailyReport = { id: string, technician_id: string, contract_id: string, work_date: string, status: ReportStatus, 
/**
 * The signed report this one corrects.
 */
amends: string | null, amend_reason: string | null, created_at: string, signed_at: string | null, };

export type Device = { id: string, site_id: string, kind: DeviceKind, model: string, serial: string | null, };

export type DeviceKind = "camera" | "switch" | "server" | "fibre_line" | "power_unit" | "terminal";

/**
 * The enrollment form: the office's QR text (`fieldlog-enroll:1?server=…&code=…`) or the
 * server's address and the code, the laptop's name, and the administrator's root certificate
 * file's content (PEM or DER bytes: the window reads the chosen file, the core checks it).
 */
export type EnrollForm = { link: string | null, server_url: string, code: string, device_name: string, root_certificate: Array<number> | null, };

/**
 * An enrollment as the window shows it: who and what this laptop now syncs for. The device's
 * token stays in the core (`sync::v1::EnrollResponse` carries it), never in the window.
 */
export type Enrollment = { device_id: string, technician_id: string, technician_name: string, 
/**
 * Codes of the contracts this technician may read and write.
 */
contracts: Array<string>, };

/**
 * The range's events entered later, and the faults they belong to.
 */
export type EnteredLater = { faults: Figure, events: Array<EnteredLaterEvent>, };

/**
 * One fault event saved well after the time stated for it.
 */
export type EnteredLaterEvent = { event_id: string, fault_id: string, 
/**
 * The event kind's code (`acknowledged`, …) and its zh-CN label (what the files print).
 */
kind: string, label: string, 
/**
 * The stated time, and when the laptop saved it.
 */
at: string, recorded_at: string, };

/**
 * One entry of an amendment against the signed report: the entry as it now reads, the signed
 * entry it corrects (none for an added one), and the fields that differ (their codes:
 * `site_id`, `device_id`, `fault_id`, `fault_cause`, `resolved`, `unresolved_reason`,
 * `work_done`, `parts`).
 */
export type EntryChange = { kind: EntryChangeKind, entry: ReportEntry, before: ReportEntry | null, fields: Array<string>, };

/**
 * What an amendment did to one entry of the signed report it corrects.
 */
export type EntryChangeKind = "kept" | "changed" | "struck" | "added";

/**
 * `{code, message}`, as the UI and the CLI's `--json` receive it.
 */
export type ErrorBody = { code: ErrorCode, message: string, 
/**
 * The input field at fault, when there is one, so the UI can point at it.
 */
field?: string, 
/**
 * The values the message names (an id, a balance …), by name, for a UI that wants them apart.
 */
params?: { [key in string]: string }, };

/**
 * Stable error codes. Adding one is a wire change; renaming one breaks the UI.
 */
export type ErrorCode = "invalid_input" | "not_found" | "signed_immutable" | "conflict" | "insufficient_stock" | "storage" | "internal" | "unauthorized" | "forbidden" | "too_large" | "network" | "tampered" | "device_revoked" | "sequence_reused";

/**
 * What the app asks to export: a signed PDF, or the monthly summary as PDF, XLSX or CSV.
 */
export type ExportRequest = { "kind": "daily", report_id: string, } | { "kind": "completion", fault_id: string, } | { "kind": "monthly", contract_id: string, month: string, 
/**
 * PDF unless asked otherwise.
 */
format?: SummaryFormat, };

/**
 * Where an export went.
 */
export type Exported = { path: string, bytes: number, };

export type Fault = { id: string, contract_id: string, site_id: string, device_id: string | null, level: FaultLevel, 
/**
 * When the client reported it: all three clocks start here (resolution from arrival).
 */
reported_at: string, channel: ReportChannel, description: string, 
/**
 * The customer manager who first received it (首问负责制): owner until it is closed.
 */
first_receiver: string, 
/**
 * The contract's SLA policy version this fault was opened under.
 */
policy_version: number, 
/**
 * When this laptop saved it.
 */
recorded_at: string, 
/**
 * Who called it in and on which number (the office's call taking fills them; a fault
 * recorded before issue 18, or on a laptop without them, has none).
 */
caller: string | null, caller_phone: string | null, };

/**
 * What caused a fault, as far as the contract cares (故障原因认定).
 */
export type FaultCause = "ordinary" | "external_force" | "natural_disaster" | "stolen" | "vandalised" | "vehicle_hit" | "weather";

/**
 * A fault with everything recorded about it.
 */
export type FaultDetail = { fault: Fault, row: FaultRow, events: Array<FaultEvent>, arrivals: Array<Arrival>, 
/**
 * Its assignment records (派单, 改派, 接单), oldest first.
 */
assignments: Array<Assignment>, 
/**
 * Issue 19: the events saved well after the time stated for them (补录,
 * `fieldlog_domain::event_time::entered_later`), which the timeline marks.
 */
entered_later: Array<string>, };

export type FaultEvent = { id: string, fault_id: string, 
/**
 * When it happened, as stated by the technician.
 */
at: string, 
/**
 * When this laptop saved it.
 */
recorded_at: string, } & ({ "kind": "acknowledged", by: string, } | { "kind": "remote_attempt", fixed: boolean, note: string, } | { "kind": "escalated", to: string, reason: string, } | { "kind": "on_site", arrival_id: string, } | { "kind": "escalated_on_site", by: string, reason: string, } | { "kind": "spare_substituted", part_id: string, serial: string | null, old_serial?: string | null, } | { "kind": "resolved", note: string, } | { "kind": "unresolved", reason: UnresolvedReason, note: string, } | { "kind": "customer_informed", how: string, } | { "kind": "cause_determined", cause: FaultCause, note: string, } | { "kind": "force_majeure_claimed", cause: FaultCause, told: string, note: string, } | { "kind": "force_majeure_agreement", accepted: boolean, by: string, note: string, });

/**
 * What happened to a fault after it was reported.
 */
export type FaultEventKind = { "kind": "acknowledged", by: string, } | { "kind": "remote_attempt", fixed: boolean, note: string, } | { "kind": "escalated", to: string, reason: string, } | { "kind": "on_site", arrival_id: string, } | { "kind": "escalated_on_site", by: string, reason: string, } | { "kind": "spare_substituted", part_id: string, serial: string | null, old_serial?: string | null, } | { "kind": "resolved", note: string, } | { "kind": "unresolved", reason: UnresolvedReason, note: string, } | { "kind": "customer_informed", how: string, } | { "kind": "cause_determined", cause: FaultCause, note: string, } | { "kind": "force_majeure_claimed", cause: FaultCause, told: string, note: string, } | { "kind": "force_majeure_agreement", accepted: boolean, by: string, note: string, };

/**
 * Who holds a fault, seen from the profile's technician (the server's technician id once the
 * laptop is enrolled), from its assignment records by `fieldlog_domain::dispatch::holder`.
 */
export type FaultHolder = { "state": "unassigned" } | { "state": "mine" } | { "state": "other", name: string, } | { "state": "disputed", names: Array<string>, mine: boolean, };

/**
 * Fault level (故障级别). Both contracts use the same three.
 */
export type FaultLevel = "A" | "B" | "C";

/**
 * One row of a fault list.
 */
export type FaultRow = { id: string, contract_id: string, contract_name: string, site_id: string, site_code: string, site_name: string, 
/**
 * Device kind and model as the Chinese documents print it, e.g. "摄像机 DS-2CD3T46".
 */
device: string | null, 
/**
 * The same apart, so a screen labels the kind in its own language.
 */
device_kind: DeviceKind | null, device_model: string | null, level: FaultLevel, level_label: string, reported_at: string, description: string, first_receiver: string, status: FaultStatus, status_label: string, 
/**
 * The fault's SLA clocks as of the moment the list was read.
 */
clocks: Array<Clock>, 
/**
 * Who holds it, as this laptop knows it (issue 18: the office's assignments, the takes).
 */
holder: FaultHolder, };

/**
 * Where a fault stands, derived from its events.
 */
export type FaultStatus = "reported" | "acknowledged" | "on_site" | "resolved" | "unresolved";

/**
 * Fibre line faults (光纤线路障碍). Counted from the report.
 */
export type FibreRepair = { repair_min: number, 
/**
 * When caused by external force or natural disaster.
 */
external_cause_min: number, };

/**
 * A count and the faults behind it (for drill-down).
 */
export type Figure = { count: number, fault_ids: Array<string>, };

/**
 * The core figures, for the whole contract or one technician.
 */
export type Figures = { reported: Figure, repaired: Figure, unresolved: Figure, unresolved_by_reason: Array<UnresolvedByReason>, 
/**
 * repaired / reported, rounded to 0.1 % by `rounding::share`; `None` when nothing was reported.
 */
resolution_rate: number | null, carried_over_repaired: Figure, carried_over_open: Figure, force_majeure: Figure, 
/**
 * Claimed / pending / accepted / refused, at the close.
 */
force_majeure_claims: ForceMajeureClaims, compliance: Compliance, clock_faults: Array<ClockFaults>, parts_consumed: Array<PartConsumed>, };

/**
 * A finding turned into a fault: its level, and when it was found if earlier than now.
 */
export type FindingToFault = { level: FaultLevel, reported_at: string | null, };

/**
 * An enrollment and its first sync round: what arrived, or why the round must wait (the
 * enrollment is kept either way; background sync retries by itself).
 */
export type FirstEnrollment = { enrollment: Enrollment, 
/**
 * What the laptop holds after the first round, when it went through.
 */
arrived: Arrived | null, 
/**
 * The first round's error, in the user's language, when it did not go through.
 */
sync_error: string | null, };

/**
 * What the first-start screen needs to know. `needed` is the core's verdict: no technician yet,
 * or a laptop that holds no contract and is not enrolled (Today would be empty).
 */
export type FirstStart = { needed: boolean, technician: Technician | null, contracts: number, enrolled: boolean, 
/**
 * The laptop's host name, the default name of the laptop at enrollment, when the OS says it.
 */
host_name: string | null, 
/**
 * The contract presets a work-alone laptop may start from, with what each promises of stock.
 */
presets: Array<PresetChoice>, };

/**
 * Stock against the contract's floor: what the manager must see.
 */
export type FloorStatus = { units: number, parts: number, floor: SpareFloor, units_below_floor: boolean, parts_below_floor: boolean, };

/**
 * A contract whose main-equipment spares are under its floor (issue 19: Today warns).
 */
export type FloorWarning = { contract_id: string, contract_name: string, floor: FloorStatus, };

export type ForceMajeureCase = { fault_id: string, reported_at: string, 
/**
 * The cause as determined, when one was (stolen, vehicle hit, weather, ...).
 */
cause: FaultCause | null, 
/**
 * The cause's label and the note given with it, for the client.
 */
description: string, 
/**
 * Where the claim stood at the close; `None` for a case counted apart under a policy saved
 * before claims were recorded (the determined cause alone).
 */
state: ForceMajeureState | null, 
/**
 * Its label (待确认 / 已认可 / 未认可), empty without a claim.
 */
state_label: string, 
/**
 * Whom the client was told by the claim, and when.
 */
told: string | null, told_at: string | null, 
/**
 * The client's answer, once recorded by the close: when, by whom, the note.
 */
answered_at: string | null, answered_by: string | null, answer_note: string | null, };

/**
 * The force-majeure claims of the cohort, as they stood at the close.
 */
export type ForceMajeureClaims = { claimed: Figure, pending: Figure, accepted: Figure, refused: Figure, };

/**
 * Where a force-majeure claim stands (不可抗拒因素认定).
 */
export type ForceMajeureState = "pending" | "accepted" | "refused";

/**
 * A position from the machine's location service, when it has one.
 */
export type GeoPoint = { lat: number, lon: number, 
/**
 * Radius of uncertainty in metres, as the OS reports it.
 */
accuracy_m: number | null, };

/**
 * An entry kept apart from a signed report, for review: the entry as its sender wrote it, and
 * when the server kept it apart (for an entry that arrived after the signing, when it arrived).
 * Its `position` numbers the held entries 1, 2, 3 … among themselves, never the signed ones.
 */
export type HeldEntry = { 
/**
 * The server's time when it kept the entry apart; `None` if a laptop holds a value it
 * cannot read (never expected).
 */
held_at: string | null, id: string, report_id: string, 
/**
 * 1-based order within the report.
 */
position: number, site_id: string, device_id: string | null, fault_id: string | null, fault_cause: string, resolved: boolean, unresolved_reason: UnresolvedReason | null, work_done: string, parts: Array<PartLine>, 
/**
 * In an amendment: the signed report's entry this one corrects (issue 19). Left out of the
 * JSON when absent, so the content hash of every report signed before stays the same.
 */
amends_entry?: string, 
/**
 * In an amendment: the entry is struck (shown struck through, with its reason).
 */
struck?: boolean, 
/**
 * In an amendment: why the entry was changed or struck.
 */
change_reason?: string, };

/**
 * One inspection with its checklist, findings and the devices at its site (for a finding).
 */
export type InspectionDetail = { inspection: InspectionRow, 
/**
 * `2026-12` or `2026-Q4` for a planned one.
 */
period: string | null, items: Array<ChecklistItem>, findings: Array<InspectionFinding>, devices: Array<Device>, };

/**
 * Something found while inspecting, and the fault it became.
 */
export type InspectionFinding = { id: string, inspection_id: string, site_id: string, site_code: string, site_name: string, device_id: string | null, 
/**
 * The device as the documents print it ("摄像机 DS-2CD3T46").
 */
device: string | null, description: string, recorded_at: string, fault_id: string | null, };

export type InspectionKind = "security_quarterly" | "routine";

/**
 * The inspections screen: every inspection not done (overdue first) and the ones done lately,
 * and the plans.
 */
export type InspectionList = { local_date: string, open: Array<InspectionRow>, done: Array<InspectionRow>, plans: Array<InspectionPlan>, };

/**
 * A contract's inspection plan: which sites, how often (by its kind), which checklist.
 */
export type InspectionPlan = { id: string, contract_id: string, contract_name: string, kind: InspectionKind, checklist: Array<string>, 
/**
 * The sites inspected; None: every site of the contract.
 */
site_ids: Array<string> | null, starts_on: string, ends_on: string | null, };

/**
 * A planned inspection as the Today screen lists it.
 */
export type InspectionRow = { id: string, contract_id: string, site_id: string, site_code: string, site_name: string, kind: InspectionKind, kind_label: string, planned_for: string, checklist: Array<string>, done_arrival_id: string | null, done_at: string | null, 
/**
 * The plan it was made from (issue 19: none for an inspection planned by hand).
 */
plan_id: string | null, 
/**
 * Its last day: after it, not done, it is overdue.
 */
due_by: string | null, 
/**
 * Not done and past its last day, as of the moment the list was read.
 */
overdue: boolean, 
/**
 * How many checklist items have a tick, and how many findings it has.
 */
items_ticked: number, findings: number, };

/**
 * The inspections of one kind due in a range, as the monthly summary counts them.
 */
export type InspectionTally = { kind: InspectionKind, 
/**
 * Due within the range (their last day falls in it).
 */
planned: number, 
/**
 * Of those, done by the range's close.
 */
done: number, 
/**
 * Of those, not done and past their last day at the range's close.
 */
overdue: number, 
/**
 * Findings noted on them.
 */
findings: number, 
/**
 * Of those findings, turned into faults.
 */
findings_to_faults: number, };

/**
 * The latest tick of one checklist item.
 */
export type InspectionTick = { id: string, position: number, item: string, outcome: TickOutcome, note: string, recorded_at: string, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * Where the profile's signing key is kept (issue 14): the app says so when it is not in an OS
 * key store.
 */
export type KeyStorageView = { 
/**
 * In the OS key store (Secret Service, Credential Manager, Keychain).
 */
os_key_store: boolean, 
/**
 * One line for the technician, Chinese first.
 */
message: string, };

export type LevelCompliance = { level: FaultLevel, faults: number, response: ClockTally, arrival: ClockTally, resolution: ClockTally, feedback: ClockTally, major_restoration: ClockTally, response_rate: number | null, arrival_rate: number | null, resolution_rate: number | null, feedback_rate: number | null, major_restoration_rate: number | null, };

/**
 * The three clocks of one level, in minutes. Response and arrival run from the report; resolution
 * runs from arrival on site.
 */
export type LevelLimits = { response_min: number, arrival_min: number, resolution_min: number, };

/**
 * Major fault (重大故障): cleared with spares within a limit; without spares, the device is
 * replaced by other equipment within a longer one. Counted from the report.
 */
export type MajorFaultSpares = { with_spares_min: number, replaced_without_spares_min: number, };

/**
 * A day of a contract's service period with no report of the technician.
 */
export type MissingDay = { contract_id: string, contract_name: string, date: string, };

export type MovementKind = "received" | "used" | "returned" | "transfer_in" | "transfer_out";

export type NewEntry = { site_id: string, device_id: string | null, fault_id: string | null, fault_cause: string, resolved: boolean, unresolved_reason: UnresolvedReason | null, work_done: string, parts: Array<NewPartLine>, };

/**
 * A fault as entered, before it is saved.
 */
export type NewFault = { contract_id: string, site_id: string, device_id: string | null, level: FaultLevel, reported_at: string, channel: ReportChannel, description: string, first_receiver: string, 
/**
 * Who called it in and on which number (optional).
 */
caller: string | null, caller_phone: string | null, };

/**
 * A finding as the form sends it.
 */
export type NewFinding = { site_id: string, device_id: string | null, description: string, };

/**
 * A new plan as the form sends it. An empty checklist takes the kind's default items.
 */
export type NewInspectionPlan = { contract_id: string, kind: InspectionKind, checklist: Array<string>, site_ids: Array<string> | null, starts_on: string, };

export type NewPartLine = { part_id: string, quantity: number, old_serial: string | null, new_serial: string | null, };

/**
 * A site added on the laptop, on the catalogue screen (a work-alone laptop's sites, issue 19).
 */
export type NewSiteForm = { contract_id: string, code: string, name: string, kind: SiteKind, address: string, };

/**
 * A tick as the checklist sends it.
 */
export type NewTick = { position: number, outcome: TickOutcome, note: string, };

export type PartAtClose = { part_id: string, code: string, name: string, kind: SpareKind, balance: number, };

/**
 * Stock of one part.
 */
export type PartBalance = { part_id: string, contract_id: string, code: string, name: string, kind: SpareKind, 
/**
 * The contract's total of this part: held by anyone, or in transit between colleagues.
 */
balance: number, 
/**
 * Issue 19: what this laptop's technician holds (may use, give back or pass on).
 */
mine: number, 
/**
 * Issue 19: sent to a colleague, not yet confirmed by them.
 */
in_transit: number, 
/**
 * Issue 19: whether the part is a spare of the main equipment (the floor counts only those).
 */
main_equipment: boolean, };

export type PartConsumed = { part_id: string, code: string, name: string, kind: SpareKind, quantity: number, 
/**
 * The faults the parts went to (movements not tied to a fault are counted but name none).
 */
fault_ids: Array<string>, };

/**
 * A spare unit or part used on a visit, with the serials of what came out and what went in.
 * Its stock movement is the ledger record; this line points at it.
 */
export type PartLine = { part_id: string, quantity: number, old_serial: string | null, new_serial: string | null, movement_id: string, };

/**
 * One value per fault level.
 */
export type PerLevel<T> = { A: T, B: T, C: T, };

/**
 * One photo as lists show it (the bytes are fetched apart, by its hashes).
 */
export type Photo = { id: string, subject: PhotoSubject, 
/**
 * The id of the fault, arrival or entry.
 */
subject_id: string, stage: PhotoStage, 
/**
 * SHA-256 of the original as it was added (kept whole).
 */
original_sha256: string, mime: string, size_bytes: number, width: number, height: number, 
/**
 * EXIF: when the camera says it was taken.
 */
taken_at: string | null, 
/**
 * EXIF: where (WGS-84 degrees).
 */
lat: number | null, lon: number | null, file_name: string, technician_id: string, added_at: string, 
/**
 * SHA-256 of the thumbnail (a JPEG of at most 320 px); none while another laptop's photo
 * has arrived without it.
 */
thumbnail_sha256: string | null, };

/**
 * A photo's original as a data URL of its own type (the window opens it full size).
 */
export type PhotoOriginal = { mime: string, data_url: string, };

/**
 * When in the repair it was taken.
 */
export type PhotoStage = "before" | "after" | "other";

/**
 * The record a photo shows.
 */
export type PhotoSubject = "fault" | "arrival" | "report_entry";

/**
 * A photo as the window shows it: its facts, and its thumbnail as a `data:image/jpeg` URL (none
 * while a photo synced from another laptop waits for its thumbnail).
 */
export type PhotoView = { photo: Photo, thumbnail_data_url: string | null, };

/**
 * One contract preset (`fieldlog_domain::sla::Preset`) as the first start offers it.
 */
export type PresetChoice = { code: string, 
/**
 * The spare floor the preset carries (main equipment): units (备品) and parts (备件).
 */
spare_units: number, spare_parts: number, };

/**
 * A backup just written: where, how big, and what it carries.
 */
export type ProfileBackup = { path: string, bytes: number, 
/**
 * The signing key is in the backup (so the file is as secret as the laptop's profile).
 */
signing_key: boolean, 
/**
 * The profile was enrolled with a sync server when backed up.
 */
enrolled: boolean, };

/**
 * A restore just done: where the profile as it was is kept, and what to do next.
 */
export type ProfileRestored = { previous_kept_at: string, backup_version: number, signing_key: boolean, enrolled: boolean, };

/**
 * Remote first (远程支持): try remotely first. How the on-site limit reads after that is the
 * contract's own wording (`on_site`): remote first never extends the table's on-site limit.
 */
export type RemoteFirst = { 
/**
 * The time a remote fix is tried in (police: the first hour). An escalation to on-site
 * support later than this counts as made at its end ("escalate at once").
 */
remote_window_min: number, 
/**
 * `AfterEscalation`: on site within this many minutes of the escalation. `LegacyExtends`:
 * counted from the end of the remote window.
 */
on_site_within_min: number, 
/**
 * Absent from policies saved before issue 15, which are judged as they always were.
 */
on_site: RemoteOnSite, };

/**
 * What remote first does to the on-site (arrival) clock.
 */
export type RemoteOnSite = "legacy_extends" | "table_limit" | "after_escalation";

/**
 * How the fault reached us.
 */
export type ReportChannel = "phone" | "wechat" | "monitoring" | "inspection" | "on_site";

/**
 * A report as a reader sees it: header, entries, signatures, and whether the content still
 * matches what was signed.
 */
export type ReportDocument = { report: DailyReport, row: ReportRow, entries: Array<ReportEntry>, arrivals: Array<Arrival>, signatures: Array<Signature>, 
/**
 * Reports that amend this one, oldest first.
 */
amended_by: Array<string>, 
/**
 * `Some(true)` when signed and the content hash still matches; `Some(false)` when it does not.
 */
content_intact: boolean | null, 
/**
 * Entries kept apart for review: they reached the server after the report was signed
 * there, or its signature does not cover them. Never part of the signed content.
 */
held_entries?: Array<HeldEntry>, 
/**
 * Issue 19, a correction only: each of its entries against the signed report it amends
 * (kept, changed with the old values, struck with its reason, added).
 */
changes?: Array<EntryChange>, };

export type ReportEntry = { id: string, report_id: string, 
/**
 * 1-based order within the report.
 */
position: number, site_id: string, device_id: string | null, fault_id: string | null, fault_cause: string, resolved: boolean, unresolved_reason: UnresolvedReason | null, work_done: string, parts: Array<PartLine>, 
/**
 * In an amendment: the signed report's entry this one corrects (issue 19). Left out of the
 * JSON when absent, so the content hash of every report signed before stays the same.
 */
amends_entry?: string, 
/**
 * In an amendment: the entry is struck (shown struck through, with its reason).
 */
struck?: boolean, 
/**
 * In an amendment: why the entry was changed or struck.
 */
change_reason?: string, };

/**
 * The report list and the month's missing days of the profile's technician.
 */
export type ReportList = { rows: Array<ReportRow>, missing_days: Array<MissingDay>, };

/**
 * The report list's filters (issue 19): a contract, a month or a date range, a status.
 */
export type ReportListQuery = { contract_id: string | null, 
/**
 * Any day of the month to list (and whose missing days to show).
 */
month: string | null, from: string | null, to: string | null, status: ReportListStatus | null, };

/**
 * Which reports the list shows, by status as a reader names it.
 */
export type ReportListStatus = "draft" | "signed" | "corrected";

/**
 * One row of a report list.
 */
export type ReportRow = { id: string, technician_id: string, technician_name: string, contract_id: string, contract_name: string, work_date: string, status: ReportStatus, amends: string | null, entry_count: number, signed_at: string | null, 
/**
 * Issue 19: created after its work day had ended (Asia/Shanghai), at this instant: filled
 * in later (补填).
 */
filled_late_at: string | null, 
/**
 * Issue 19: a correction of this report exists (signed or still a draft).
 */
corrected: boolean, };

export type ReportStatus = "draft" | "signed";

/**
 * The app's settings.
 */
export type Settings = { 
/**
 * `zh-CN` (default) or `en`: the store refuses any other, so the UI's type names the two.
 */
language: "zh-CN" | "en", 
/**
 * The sync server, empty until one is set.
 */
server_url: string, };

/**
 * Which version of a field the technician keeps.
 */
export type Side = "ours" | "theirs";

export type Signature = { id: string, subject: SignedSubject, subject_id: string, signer_name: string, role: SignerRole, signed_at: string, 
/**
 * SHA-256 (hex) of the PNG image, kept as an attachment.
 */
image_sha256: string, strokes: Array<Stroke>, 
/**
 * SHA-256 (hex) of the signed record's content at the moment of signing.
 */
content_hash: string, };

/**
 * The kind of record a signature covers.
 */
export type SignedSubject = "daily_report" | "completion_form";

export type SignerRole = "technician" | "customer";

export type Site = { id: string, contract_id: string, 
/**
 * The client's own point number, e.g. `XQ-012`.
 */
code: string, name: string, kind: SiteKind, 
/**
 * County / town / village, as the client writes it.
 */
address: string, location: GeoPoint | null, };

export type SiteKind = "camera_pole" | "machine_room" | "fibre_segment" | "office";

/**
 * A contract's SLA policy. Versioned: editing a contract's policy makes a new version, and a fault
 * keeps the version it was opened under.
 */
export type SlaPolicy = { levels: PerLevel<LevelLimits>, remote_first: RemoteFirst | null, major_fault_spares: MajorFaultSpares | null, fibre: FibreRepair | null, 
/**
 * The customer is told the result within this many minutes after the fault is cleared (反馈).
 */
feedback_min: number | null, 
/**
 * A spare unit of the same model replaces a device not fixed in time (备品备件替代).
 */
spare_substitution: boolean, 
/**
 * Force majeure (不可抗拒因素) is exempt from the clocks unless the contract says otherwise.
 */
force_majeure_counts_as_breach: boolean, 
/**
 * Force majeure is the client's to accept: only a case whose agreement is recorded as
 * accepted is counted apart. Absent (false) in policies saved before issue 15, where the
 * determined cause alone exempted the clocks.
 */
force_majeure_by_agreement: boolean, };

/**
 * The stock floor a contract promises (domain.md: at least 10 spare units and 50 spare parts).
 */
export type SpareFloor = { 
/**
 * Whole spare devices (备品).
 */
units: number, 
/**
 * Spare parts (备件).
 */
parts: number, };

/**
 * A whole spare device (备品) or a spare part (备件): the contract's floor differs for each.
 */
export type SpareKind = "unit" | "part";

export type SparePart = { id: string, contract_id: string, 
/**
 * The branch's material code.
 */
code: string, name: string, kind: SpareKind, model: string | null, 
/**
 * A spare of the contract's main equipment (主要设备): the spare floor counts only these.
 */
main_equipment: boolean, };

/**
 * A stock action of the stock screen (issue 19, item 6), as the app and the CLI send it.
 */
export type StockAction = { "action": "use", part_id: string, quantity: number, reason: string, fault_id: string | null, } | { "action": "give_back", part_id: string, quantity: number, note: string | null, } | { "action": "transfer_to_colleague", part_id: string, to: string, quantity: number, note: string | null, } | { "action": "confirm_transfer", transfer_id: string, } | { "action": "transfer_to_contract", part_id: string, to_contract: string, quantity: number, note: string | null, };

export type StockAtClose = { floor: FloorStatus, 
/**
 * The parts of each kind that is under the contract's floor at the close.
 */
under_floor: Array<PartAtClose>, parts: Array<PartAtClose>, };

export type StockMovement = { id: string, part_id: string, kind: MovementKind, 
/**
 * Always positive; the kind gives the direction.
 */
quantity: number, at: string, technician_id: string | null, fault_id: string | null, entry_id: string | null, old_serial: string | null, new_serial: string | null, note: string | null, 
/**
 * A transfer out to a colleague: the receiver (their profile id).
 */
to_technician_id: string | null, 
/**
 * A transfer in: the transfer out it receives (confirms).
 */
transfer_of: string | null, };

/**
 * Stock of a contract: each part, and the totals against the floor.
 */
export type StockReport = { contract_id: string, contract_name: string, parts: Array<PartBalance>, floor: FloorStatus, 
/**
 * Issue 19: transfers to or from this laptop's technician in this contract, newest first.
 */
transfers: Array<TransferRow>, 
/**
 * Issue 19: colleagues this laptop knows (their profiles came by sync), to transfer to.
 */
colleagues: Array<Technician>, 
/**
 * Issue 19: whether technicians may add parts to this contract's catalogue.
 */
technicians_add_parts: boolean, };

/**
 * One pen stroke: points as (x, y, milliseconds since the stroke began), in canvas pixels.
 */
export type Stroke = { points: Array<[number, number, number]>, };

/**
 * A same-model spare unit installed on a fault (备品备件替代).
 */
export type Substitution = { fault_id: string, at: string, part_id: string, part_code: string, part_name: string, model: string | null, old_serial: string | null, new_serial: string | null, };

export type Summary = { contract_id: string, from: string, 
/**
 * Exclusive.
 */
to: string, 
/**
 * The close: what everything is judged as of.
 */
as_of: string, figures: Figures, force_majeure_cases: Array<ForceMajeureCase>, 
/**
 * Spare substitutions of the range, oldest first.
 */
substitutions: Array<Substitution>, stock: StockAtClose, technicians: Array<TechnicianSummary>, unattributed: Figure, 
/**
 * Arrivals whose time is in doubt (see the module docs).
 */
clock_suspect: ClockSuspect, 
/**
 * Events entered later than they happened (see the module docs; issue 19).
 */
entered_later: EnteredLater, };

/**
 * One fault behind a summary's figures, named for a reader (the drill-down list).
 */
export type SummaryFault = { id: string, reported_at: string, level: FaultLevel, site_code: string, site_name: string, 
/**
 * Device kind and model, e.g. "摄像机 DS-2CD3T46".
 */
device: string | null, 
/**
 * The same apart, so a screen labels the kind in its own language.
 */
device_kind: DeviceKind | null, device_model: string | null, description: string, };

/**
 * The file formats a summary is exported in.
 */
export type SummaryFormat = "pdf" | "xlsx" | "csv";

/**
 * A contract's summary for a month or range (definitions in `fieldlog_domain::summary`) and the
 * faults its figures name, so that any figure can be opened into its faults.
 */
export type SummaryView = { contract_id: string, contract_name: string, client: string, 
/**
 * What the range is called: "2026-10", or "2026-10-01 至 2026-10-10".
 */
period: string, summary: Summary, faults: Array<SummaryFault>, 
/**
 * Inspections due in the range per kind: planned, done, overdue, findings (issue 19 item 5).
 */
inspections: Array<InspectionTally>, };

/**
 * One arrival whose time is in doubt.
 */
export type SuspectArrival = { arrival_id: string, fault_id: string | null, site: string, technician: string, arrived_at: string, received_at: string | null, doubt: ClockDoubt, label: string, };

export type SyncActivity = { state: SyncState, phase: SyncPhase | null, 
/**
 * Changes sent and records received so far in the running (or last) round.
 */
pushed: number, pulled: number, 
/**
 * Changes made here waiting to go up.
 */
pending_changes: number, 
/**
 * Conflicts waiting for the technician.
 */
open_conflicts: number, 
/**
 * The end of the last round that finished without error (kept in the profile).
 */
last_good_sync_at: string | null, 
/**
 * When the next automatic attempt is planned (after a failure).
 */
next_attempt_at: string | null, 
/**
 * What went wrong and what to do (Chinese first), for `offline` and `failed`.
 */
message: string | null, 
/**
 * The server's clock minus this laptop's, in seconds, at the last push.
 */
clock_offset_secs: number | null, 
/**
 * The laptop's clock is off by more than the sync tolerance: the technician should fix it.
 */
clock_off: boolean, server_url: string | null, };

/**
 * The step a running round is at.
 */
export type SyncPhase = "pushing" | "pulling";

/**
 * What background sync is doing, as the app's sync indicator shows it (the `sync-activity`
 * event, and the `sync_activity` / `sync_now` commands).
 */
export type SyncState = "not_enrolled" | "idle" | "syncing" | "offline" | "failed" | "revoked";

export type Technician = { id: string, name: string, 
/**
 * Employee number, as the branch writes it.
 */
staff_no: string | null, };

/**
 * A part the technician adds to a contract's catalogue (issue 19), where the contract allows it.
 */
export type TechnicianPart = { contract_id: string, code: string, name: string, kind: SpareKind, model: string | null, main_equipment: boolean, };

export type TechnicianSummary = { technician_id: string, name: string, figures: Figures, };

/**
 * What the technician found at one checklist item.
 */
export type TickOutcome = "ok" | "not_ok" | "skipped";

/**
 * The technician's day at a glance.
 */
export type Today = { now: string, local_date: string, technician: Technician | null, open_faults: Array<FaultRow>, 
/**
 * Due today or overdue, not done yet.
 */
inspections: Array<InspectionRow>, 
/**
 * This technician's reports for today.
 */
reports: Array<ReportRow>, 
/**
 * Issue 19: the fault list as Today shows it (`fieldlog_domain::today`): mine, unassigned,
 * others', then those whose customer still has to be told, each most urgent first, narrowed
 * by `filter`. (`open_faults` above is the open ones of these, in the same order.)
 */
fault_groups: Array<TodayFaultGroup>, filter: TodayFilter, 
/**
 * Issue 19: contracts whose main-equipment spares are under the floor.
 */
stock_below_floor: Array<FloorWarning>, };

/**
 * One group of Today's fault list (issue 19).
 */
export type TodayFaultGroup = { group: TodayGroup, faults: Array<FaultRow>, 
/**
 * The one-tap actions beside each of its faults (`TodayGroup::offers`): the window draws
 * these and no others.
 */
offers: Array<TodayOffer>, };

/**
 * What narrows Today's fault list (every field empty: everything).
 */
export type TodayFilter = { contract_id: string | null, level: FaultLevel | null, status: FaultStatus | null, 
/**
 * Only the faults this technician holds.
 */
mine_only: boolean, };

/**
 * A group of Today's fault list.
 */
export type TodayGroup = "mine" | "unassigned" | "others" | "awaiting_feedback";

/**
 * A one-tap action Today offers beside each fault of a group (opening the fault is always
 * there). Decided here, from the group, so that the window only draws what the core offers.
 */
export type TodayOffer = "take" | "inform_customer";

/**
 * A transfer between two technicians of a contract (issue 19), as either of them sees it.
 */
export type TransferRow = { 
/**
 * The transfer out.
 */
id: string, part_id: string, code: string, name: string, quantity: number, at: string, from_name: string, to_name: string, 
/**
 * Addressed to this laptop's technician: they confirm it (确认收货).
 */
incoming: boolean, 
/**
 * When the receiver confirmed it; none while in transit.
 */
confirmed_at: string | null, note: string | null, };

export type UnresolvedByReason = { reason: UnresolvedGroup, label: string, figure: Figure, };

/**
 * Why an unresolved fault is unresolved, as the summary groups it.
 */
export type UnresolvedGroup = "power" | "transmission" | "device" | "force_majeure" | "other" | "pending";

/**
 * Why a fault is (still) not resolved. The monthly summary groups unresolved devices by it.
 */
export type UnresolvedReason = "power" | "transmission" | "device" | "force_majeure" | "other";

/**
 * The contract presets' codes (`fieldlog_domain::sla::Preset`), as `adopt_preset` takes them.
 */
export type PresetCode = "county-police-village-query" | "city-egov-extranet";
export const PRESET_CODES: PresetCode[] = ["county-police-village-query", "city-egov-extranet"];
