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
 * A contract as the office lists it.
 */
export type ContractItem = { code: string, name: string, };

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
 * `GET`/`PUT /office/v1/accounts/{id}/grants` (administrator): the contracts a project or
 * customer manager sees; a `PUT` replaces the whole list.
 */
export type Grants = { contracts: Array<string>, };

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
 * `POST /office/v1/accounts` (administrator).
 */
export type NewAccount = { login: string, name: string, role: Role, password: string, };

/**
 * `POST /office/v1/technicians`: a new technician and the contracts to assign at once (a
 * project manager must name at least one of its granted contracts, or it could not see them).
 */
export type NewTechnician = { name: string, contracts: Array<string>, };

/**
 * `{code, message}` (Chinese first), with `retry_after` (seconds) when throttled.
 */
export type OfficeErrorBody = { code: OfficeErrorCode, message: string, retry_after?: number, };

/**
 * The office API's error codes: stable, as [`crate::ErrorCode`] is for the app.
 */
export type OfficeErrorCode = "unauthorized" | "bad_credentials" | "throttled" | "csrf" | "forbidden" | "invalid_input" | "too_large" | "not_found" | "conflict" | "storage" | "internal";

/**
 * `POST /office/v1/laptops/{id}/revoke` (administrator): why, for whoever reads it later.
 */
export type RevokeLaptop = { reason: string, };

/**
 * The answer to a revocation: the laptop as it now stands, and the number of the CRL published
 * with it (listing its certificates).
 */
export type RevokedLaptop = { laptop: LaptopItem, crl_number: number, };

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
 * The contract presets' codes (`fieldlog_domain::sla::Preset`), as `adopt_preset` takes them.
 */
export type PresetCode = "county-police-village-query" | "city-egov-extranet";
export const PRESET_CODES: PresetCode[] = ["county-police-village-query", "city-egov-extranet"];
