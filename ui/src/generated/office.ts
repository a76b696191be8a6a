// Generated from fieldlog-wire's Rust types (`fieldlog_wire::ui_contract`, ts-rs): do not edit.
// After changing a type that crosses to the window or the console, run
// `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract` and review the diff.

/**
 * An office account as the console shows it (never its password hash).
 */
export type Account = { id: string, login: string, name: string, role: Role, disabled: boolean, created_at: string, };

/**
 * `POST /office/v1/technicians/{id}/contracts`: assign one contract.
 */
export type AssignContract = { contract: string, };

/**
 * `POST /office/v1/faults/{id}/assignments`: assign (派单) or reassign (改派) the fault. A
 * reassignment (someone holds it) needs a reason; a disputed fault is settled by it.
 */
export type AssignRequest = { technician_id: string, reason: string, };

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
 * One entry of the office audit log: who, when, what, from where. Append-only.
 */
export type AuditEntry = { seq: number, at: string, 
/**
 * The account that acted (None for the command line and for refused sign-ins).
 */
actor_id: string | null, 
/**
 * The login that acted or was tried; `(command line)` for `fieldlog-server` subcommands.
 */
actor_login: string, 
/**
 * A stable name: `sign_in`, `sign_in_failed`, `sign_in_throttled`, `sign_out`,
 * `account_add`, `account_disable`, `grants_set`; technicians and laptops ([`people`]):
 * `technician_add`, `technician_assign`, `technician_unassign`, `enrollment_code_issue`,
 * `laptop_revoke`.
 */
action: string, 
/**
 * What the action was about, as JSON text.
 */
detail: string, 
/**
 * The client's address, or `command line:USER`.
 */
address: string, };

/**
 * `GET /office/v1/audit?after=SEQ&limit=N` (administrator), oldest first.
 */
export type AuditPage = { entries: Array<AuditEntry>, 
/**
 * `after` for the next page; None when this page reached the end.
 */
next_after: number | null, };

/**
 * `GET /office/v1/board`.
 */
export type Board = { 
/**
 * The server's time the clocks were computed at.
 */
computed_at: string, refresh_seconds: number, 
/**
 * Sorted by time left, least first (overdue first); faults with no running clock last.
 */
rows: Array<BoardRow>, technicians: Array<BoardTechnician>, contracts: Array<BoardContract>, };

/**
 * A clock as the board shows it: the domain's `Clock` without its rule's words (2,000 rows of
 * them every few seconds is the board's whole weight).
 */
export type BoardClock = { kind: ClockKind, state: ClockState, deadline: string | null, 
/**
 * Seconds left while it runs (negative: overdue and still running).
 */
remaining_seconds: number | null, };

/**
 * A contract the account sees (the contract filter's choices).
 */
export type BoardContract = { code: string, name: string, };

/**
 * A laptop of a technician, when the server last heard from it.
 */
export type BoardLaptop = { id: string, name: string, last_seen_at: string | null, revoked: boolean, };

/**
 * `GET /office/v1/board` query.
 */
export type BoardQuery = { contract: string | null, level: FaultLevel | null, technician: string | null, state: BoardState | null, };

/**
 * One fault on the board.
 */
export type BoardRow = { fault_id: string, contract_code: string, site_code: string, site_name: string, 
/**
 * The device's label (kind and model), when the fault names one.
 */
device: string | null, level: FaultLevel, reported_at: string, description: string, first_receiver: string, caller: string | null, status: FaultStatus, 
/**
 * Who holds it (a disputed fault lists every claimant).
 */
holder: Holder, 
/**
 * Every clock that has started, as the domain judges it at [`Board::computed_at`] (its rule
 * in words is on the fault's own page).
 */
clocks: Array<BoardClock>, 
/**
 * The running clock with the least time left (None: none runs).
 */
urgent: ClockKind | null, 
/**
 * Its seconds left (negative: overdue).
 */
seconds_left: number | null, 
/**
 * Its whole limit, in seconds (deadline − start).
 */
limit_seconds: number | null, state: BoardState, 
/**
 * Resolved and the customer not yet told.
 */
waiting_feedback: boolean, };

/**
 * How a fault stands on the board.
 */
export type BoardState = "ok" | "near" | "breached" | "waiting_feedback";

/**
 * A technician of the contracts shown, and when their laptops last synced.
 */
export type BoardTechnician = { id: string, name: string, 
/**
 * The latest sync of any of their laptops (None: never synced).
 */
last_heard_at: string | null, laptops: Array<BoardLaptop>, };

/**
 * The answer to `DELETE /office/v1/technicians/{id}/enrollment-codes`: how many of the
 * technician's unused codes no longer enroll a laptop.
 */
export type CancelledCodes = { technician_id: string, cancelled: number, };

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

export type ClockKind = "response" | "arrival" | "resolution" | "feedback" | "major_restoration";

export type ClockState = "not_started" | "running" | "met" | "breached" | "exempt";

/**
 * `POST …/close`: the contract ends on `on` (its service period's last day becomes `on`).
 */
export type CloseContract = { on: string, };

/**
 * A contract with its spare floor and every policy version (newest last).
 */
export type ContractDetail = { contract: ContractSummary, spare_floor: SpareFloor, 
/**
 * The current version's policy (the one new faults are opened under).
 */
policy: SlaPolicy, versions: Array<PolicyVersion>, 
/**
 * Issue 19: technicians may add spare parts to this contract's catalogue.
 */
technicians_add_parts: boolean, };

/**
 * A contract as the office lists it.
 */
export type ContractItem = { code: string, name: string, };

/**
 * A contract as the office lists it.
 */
export type ContractSummary = { 
/**
 * The synced contract record's id (the laptops' `contracts.id`).
 */
id: string, code: string, name: string, client: string, service_start: string, service_end: string, 
/**
 * The policy version new faults are opened under.
 */
policy_version: number, 
/**
 * When the office closed it (then its catalogue is read-only).
 */
closed_at: string | null, sites: number, devices: number, parts: number, };

/**
 * `POST …/devices` (a new device) and `PUT …/devices/{id}` (its new fields; it may move to
 * another site of the same contract).
 */
export type DeviceInput = { site_id: string, kind: DeviceKind, model: string, serial: string | null, };

/**
 * A device at a site.
 */
export type DeviceItem = { id: string, site_id: string, kind: DeviceKind, model: string, serial: string | null, };

export type DeviceKind = "camera" | "switch" | "server" | "fibre_line" | "power_unit" | "terminal";

/**
 * `POST /office/v1/technicians/{id}/enrollment-codes`: a one-time code, shown once (the server
 * keeps only its hash), with the address the laptop must use and a QR code of both.
 */
export type EnrollmentCodeAnswer = { technician_id: string, technician_name: string, code: string, 
/**
 * The server's address for laptops: its public address (`serve --public-url`), else the
 * address the console was reached at.
 */
server_url: string, expires_at: string, 
/**
 * The text the QR code holds ([`EnrollmentLink`]).
 */
qr_text: string, 
/**
 * The QR code as an SVG document (dark modules on white, with its quiet zone).
 */
qr_svg: string, };

/**
 * An arrival on site recorded for the fault (by a laptop).
 */
export type FaultArrival = { id: string, technician_id: string, arrived_at: string, recorded_at: string, };

/**
 * What caused a fault, as far as the contract cares (故障原因认定).
 */
export type FaultCause = "ordinary" | "external_force" | "natural_disaster" | "stolen" | "vandalised" | "vehicle_hit" | "weather";

export type FaultClocks = { fault_id: string, at: string, 
/**
 * Counted apart as force majeure (under the current rule: the client accepted the claim).
 */
force_majeure: boolean, 
/**
 * Where a force-majeure claim stands, when one was made.
 */
force_majeure_claim: ForceMajeureState | null, clocks: Array<Clock>, };

/**
 * One fault, whole, as the server holds it now.
 */
export type FaultDetail = { id: string, contract: string, contract_name: string, site_id: string, site_code: string, site_name: string, site_kind: SiteKind | null, device_id: string | null, device_kind: DeviceKind | null, device_model: string | null, level: FaultLevel, channel: ReportChannel, 
/**
 * When the client called: the clocks start here.
 */
reported_at: string, 
/**
 * When it was recorded (typed in).
 */
recorded_at: string, 
/**
 * Absent on faults a laptop recorded without a caller.
 */
caller: string | null, caller_phone: string | null, description: string, 
/**
 * The first receiver (首问负责人): owner until it is closed.
 */
first_receiver: string, policy_version: number, status: FaultStatus, 
/**
 * Its events, in the order they happened.
 */
events: Array<FaultEvent>, arrivals: Array<FaultArrival>, 
/**
 * Its assignment records, oldest first.
 */
assignments: Array<Assignment>, 
/**
 * Who holds it now (`fieldlog_domain::dispatch::holder`); disputed claims are listed.
 */
holder: Holder, 
/**
 * The force-majeure claim and the client's answer, when a claim was made.
 */
force_majeure: ForceMajeureClaim | null, 
/**
 * Whether the client's answer to a pending claim may be recorded (the policy asks for it).
 */
force_majeure_answerable: boolean, 
/**
 * Its clocks as of `clocks.at` (`fieldlog_domain::clocks::clocks`, as on the laptop).
 */
clocks: FaultClocks, 
/**
 * Technicians of the contract it may be dispatched to.
 */
technicians: Array<TechnicianChoice>, };

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
 * Fault level (故障级别). Both contracts use the same three.
 */
export type FaultLevel = "A" | "B" | "C";

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
 * `POST /office/v1/faults/{id}/force-majeure-answer`: the client's answer to the technician's
 * force-majeure claim (协商结果), as the customer manager heard it.
 */
export type ForceMajeureAnswer = { accepted: boolean, 
/**
 * The client's person who answered.
 */
by: string, note: string, 
/**
 * When they answered.
 */
at: string, };

/**
 * A force-majeure claim and the client's answer, as they stood at `at`.
 */
export type ForceMajeureClaim = { cause: FaultCause, 
/**
 * When the client was told, and whom.
 */
told_at: string, told: string, note: string, state: ForceMajeureState, 
/**
 * The agreement, once recorded: when, by whom, with what note.
 */
answered_at: string | null, answered_by: string | null, answer_note: string | null, };

/**
 * Where a force-majeure claim stands (不可抗拒因素认定).
 */
export type ForceMajeureState = "pending" | "accepted" | "refused";

/**
 * `GET`/`PUT /office/v1/accounts/{id}/grants` (administrator): the contracts a project or
 * customer manager sees; a `PUT` replaces the whole list.
 */
export type Grants = { contracts: Array<string>, };

/**
 * Who holds a fault now.
 */
export type Holder = { "state": "unassigned" } | { "state": "assigned", current: Assignment, } | { "state": "disputed", claims: Array<Assignment>, };

/**
 * What an import wrote (as `fieldlog import sites` reports it).
 */
export type ImportAnswer = { rows: number, sites_added: number, sites_reused: number, devices_added: number, devices_skipped: number, };

/**
 * One bad row of a refused import (in the error body's `rows`): its number as the spreadsheet
 * shows it (the header is row 1) and what to fix, in Chinese.
 */
export type ImportProblem = { row: number, problem: string, };

/**
 * A laptop as the office lists it.
 */
export type LaptopItem = { id: string, name: string, technician_id: string, technician_name: string, enrolled_at: string, 
/**
 * When the laptop last pushed or pulled (recorded at most about once a minute while nothing
 * else changes); None before its first sync.
 */
last_sync_at: string | null, 
/**
 * Changes waiting in its outbox, as it last said (None: never said; older apps do not).
 */
waiting_changes: number | null, 
/**
 * Its app version, as it last said (None: never said).
 */
app_version: string | null, 
/**
 * Serials (lowercase hex) of the signing certificates the CA issued to it.
 */
certificate_serials: Array<string>, revocation: LaptopRevocation | null, };

/**
 * Who revoked a laptop, when and why.
 */
export type LaptopRevocation = { revoked_at: string, 
/**
 * The office login (or the command line's user) that revoked it.
 */
revoked_by: string, reason: string, };

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
 * `POST /office/v1/accounts` (administrator).
 */
export type NewAccount = { login: string, name: string, role: Role, password: string, };

/**
 * `POST /office/v1/catalogue/contracts`: a new contract with its first policy version. The
 * console prefills `policy` and `spare_floor` from a [`PresetItem`] (or leaves them to type).
 */
export type NewContract = { code: string, name: string, client: string, service_start: string, service_end: string, spare_floor: SpareFloor, policy: SlaPolicy, 
/**
 * Issue 19: technicians may add spare parts to this contract's catalogue on their laptops.
 */
technicians_add_parts: boolean, };

/**
 * `POST /office/v1/technicians`: a new technician and the contracts to assign at once (a
 * project manager must name at least one of its granted contracts, or it could not see them).
 */
export type NewTechnician = { name: string, contracts: Array<string>, };

/**
 * `{code, message}` (Chinese first), with `retry_after` (seconds) when throttled and `rows`
 * when an import is refused for its rows.
 */
export type OfficeErrorBody = { code: OfficeErrorCode, message: string, retry_after?: number, 
/**
 * A refused import's bad rows, in file order (at most
 * [`catalogue::MAX_IMPORT_PROBLEMS`]); `message` stays the readable sentence.
 */
rows?: Array<ImportProblem>, };

/**
 * The office API's error codes: stable, as [`crate::ErrorCode`] is for the app.
 */
export type OfficeErrorCode = "unauthorized" | "bad_credentials" | "throttled" | "csrf" | "forbidden" | "invalid_input" | "too_large" | "not_found" | "conflict" | "storage" | "internal" | "unavailable";

/**
 * `POST …/parts` and `PUT …/parts/{id}`.
 */
export type PartInput = { code: string, name: string, kind: SpareKind, model: string | null, main_equipment: boolean, };

/**
 * A spare part kind of the contract's catalogue.
 */
export type PartItem = { id: string, code: string, name: string, kind: SpareKind, model: string | null, 
/**
 * A spare of the contract's main equipment (主要设备): the spare floor counts it.
 */
main_equipment: boolean, };

/**
 * One value per fault level.
 */
export type PerLevel<T> = { A: T, B: T, C: T, };

/**
 * `PUT …/policy`: the contract's next policy version.
 */
export type PolicyEdit = { policy: SlaPolicy, };

/**
 * One version of a contract's SLA policy (versions are never changed; a fault keeps its own).
 */
export type PolicyVersion = { version: number, policy: SlaPolicy, 
/**
 * As the record holds it (the laptop's time text).
 */
created_at: string, };

/**
 * A contract preset (domain.md's two contracts): the console fills a new contract's form from it.
 */
export type PresetItem = { 
/**
 * `fieldlog_domain::sla::Preset::code`.
 */
code: string, name_zh: string, name_en: string, policy: SlaPolicy, spare_floor: SpareFloor, };

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
 * `POST /office/v1/laptops/{id}/revoke` (administrator): why, for whoever reads it later.
 */
export type RevokeLaptop = { reason: string, };

/**
 * The answer to a revocation: the laptop as it now stands, the number of the CRL published
 * with it (listing its certificates), and how many of its technician's unused enrollment codes
 * were cancelled with it (a lost laptop's owner may have a code lying beside it).
 */
export type RevokedLaptop = { laptop: LaptopItem, crl_number: number, cancelled_codes: number, };

/**
 * What an office account may do.
 */
export type Role = "administrator" | "project_manager" | "customer_manager";

/**
 * The answer to a sign-in and to `GET /office/v1/me`: who is signed in, the session's CSRF
 * token (to send in [`CSRF_HEADER`]), and when the session ends at the latest.
 */
export type SessionAnswer = { account: Account, csrf_token: string, 
/**
 * The contracts this account sees (all of them for an administrator).
 */
contracts: Array<string>, expires_at: string, };

/**
 * `POST /office/v1/sign-in`.
 */
export type SignInRequest = { login: string, password: string, };

/**
 * `POST …/sites` (a new site) and `PUT …/sites/{id}` (its new fields).
 */
export type SiteInput = { code: string, name: string, kind: SiteKind, address: string, lat: number | null, lon: number | null, };

/**
 * A site with its devices.
 */
export type SiteItem = { id: string, code: string, name: string, kind: SiteKind, address: string, lat: number | null, lon: number | null, devices: Array<DeviceItem>, };

export type SiteKind = "camera_pole" | "machine_room" | "fibre_segment" | "office";

/**
 * `GET …/sites?q=&offset=&limit=`: sites whose code or name contains `q`, by code.
 */
export type SitePage = { sites: Array<SiteItem>, 
/**
 * How many sites match `q` in all.
 */
total: number, offset: number, };

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

/**
 * `POST /office/v1/faults`: a call taken (报修登记). The signed-in account is its first
 * receiver (首问负责人); with `assign_to`, the call and its first assignment are one action.
 */
export type TakeCall = { 
/**
 * The fault's id (a UUID the console makes when the form opens): the same call sent again
 * after a lost answer is the same fault. Absent: the server makes one.
 */
id: string | null, 
/**
 * The contract's code.
 */
contract: string, site_id: string, device_id: string | null, level: FaultLevel, 
/**
 * When the client called: at most 7 days ago, not ahead of the server's clock by more than
 * a few minutes.
 */
reported_at: string, 
/**
 * Who called, and on which number (digits, `+`, `-`, spaces; at most 20 characters).
 */
caller: string, caller_phone: string, 
/**
 * What the caller said.
 */
description: string, 
/**
 * How the call came (the hotline is a phone call). Absent: phone. The office takes calls,
 * messages and alerts; faults found on inspection or on site are the laptop's to record.
 */
channel: ReportChannel | null, 
/**
 * A technician (server id) of the contract to dispatch it to at once.
 */
assign_to: string | null, };

/**
 * A technician the fault may be dispatched to (assigned to its contract).
 */
export type TechnicianChoice = { id: string, name: string, };

/**
 * A technician as the office lists them.
 */
export type TechnicianItem = { id: string, name: string, 
/**
 * Contract codes assigned (a manager sees only its granted ones), in order.
 */
contracts: Array<string>, 
/**
 * Laptops enrolled for the technician, revoked ones too.
 */
laptops: Array<TechnicianLaptop>, };

/**
 * One of a technician's laptops, briefly (the laptops list has the rest).
 */
export type TechnicianLaptop = { id: string, name: string, revoked: boolean, };

/**
 * Why a fault is (still) not resolved. The monthly summary groups unresolved devices by it.
 */
export type UnresolvedReason = "power" | "transmission" | "device" | "force_majeure" | "other";

/**
 * The contract presets' codes (`fieldlog_domain::sla::Preset`), as `adopt_preset` takes them.
 */
export type PresetCode = "county-police-village-query" | "city-egov-extranet";
export const PRESET_CODES: PresetCode[] = ["county-police-village-query", "city-egov-extranet"];
