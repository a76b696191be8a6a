// Generated from fieldlog-wire's Rust types (`fieldlog_wire::ui_contract`, ts-rs): do not edit.
// After changing a type that crosses to the window or the console, run
// `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract` and review the diff.

/**
 * An office account as the console shows it (never its password hash).
 */
export type Account = { id: string, login: string, name: string, role: Role, disabled: boolean, created_at: string, };

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
 * `account_add`, `account_disable`, `grants_set`.
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
 * `GET`/`PUT /office/v1/accounts/{id}/grants` (administrator): the contracts a project or
 * customer manager sees; a `PUT` replaces the whole list.
 */
export type Grants = { contracts: Array<string>, };

/**
 * `POST /office/v1/accounts` (administrator).
 */
export type NewAccount = { login: string, name: string, role: Role, password: string, };

/**
 * `{code, message}` (Chinese first), with `retry_after` (seconds) when throttled.
 */
export type OfficeErrorBody = { code: OfficeErrorCode, message: string, retry_after?: number, };

/**
 * The office API's error codes: stable, as [`crate::ErrorCode`] is for the app.
 */
export type OfficeErrorCode = "unauthorized" | "bad_credentials" | "throttled" | "csrf" | "forbidden" | "invalid_input" | "too_large" | "not_found" | "conflict" | "storage" | "internal";

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
 * The contract presets' codes (`fieldlog_domain::sla::Preset`), as `adopt_preset` takes them.
 */
export type PresetCode = "county-police-village-query" | "city-egov-extranet";
export const PRESET_CODES: PresetCode[] = ["county-police-village-query", "city-egov-extranet"];
