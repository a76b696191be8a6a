//! Office API, version 1 (`/office/v1/…` on `fieldlog-server`): office accounts and their roles,
//! sign-in, grants of contracts to managers, and the office audit log.
//!
//! A session is a cookie ([`SESSION_COOKIE`]: HttpOnly, SameSite=Strict, Path=/, Secure under
//! TLS) holding a random token; every request that changes something must also carry the
//! session's CSRF token (given at sign-in and by `GET /office/v1/me`) in the [`CSRF_HEADER`]
//! header. Errors are [`OfficeErrorBody`]: `{code, message}` (Chinese first), plus
//! `retry_after` when sign-in is throttled.
//!
//! | request | who | body → answer |
//! |---|---|---|
//! | `POST /office/v1/sign-in` | anyone | [`SignInRequest`] → [`SessionAnswer`], sets the cookie |
//! | `POST /office/v1/sign-out` | signed in, CSRF | → 204, clears the cookie |
//! | `GET /office/v1/me` | signed in | → [`SessionAnswer`] (the CSRF token again, after a reload) |
//! | `GET /office/v1/contracts` | signed in | → [`ContractItem`]s it sees (a manager: the granted ones) |
//! | `GET /office/v1/accounts` | administrator | → [`Account`]s |
//! | `POST /office/v1/accounts` | administrator, CSRF | [`NewAccount`] → 201 [`Account`] |
//! | `POST /office/v1/accounts/{id}/disable` | administrator, CSRF | → [`Account`] (its sessions end) |
//! | `GET /office/v1/accounts/{id}/grants` | administrator | → [`Grants`] |
//! | `PUT /office/v1/accounts/{id}/grants` | administrator, CSRF | [`Grants`] → [`Grants`] (replaces the list) |
//! | `GET /office/v1/audit?after=SEQ&limit=N` | administrator | → [`AuditPage`] |
//!
//! Bodies are JSON (`Content-Type: application/json`, at most 64 KiB). A refused request changes
//! nothing: 401 `unauthorized` (no session) or `bad_credentials`, 403 `csrf` or `forbidden`,
//! 422 `invalid_input`, 413 `too_large`, 404, 409, 429 `throttled` with `retry_after`.

pub mod board;
pub mod catalogue;
pub mod faults;
pub mod people;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "fieldlog_office";
/// The header that carries the session's CSRF token on every state-changing request.
pub const CSRF_HEADER: &str = "x-fieldlog-csrf";
/// Where the office API lives on the server.
pub const PREFIX: &str = "/office/v1";

/// What an office account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Accounts, laptops, certificates; sees every contract and the audit log.
    Administrator,
    /// Contracts, policies, catalogue, summaries of the contracts granted.
    ProjectManager,
    /// Takes fault calls and dispatches them, for the contracts granted.
    CustomerManager,
}

impl Role {
    /// The stable name stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::ProjectManager => "project_manager",
            Role::CustomerManager => "customer_manager",
        }
    }

    /// Reads a stored or typed name; the command line's short forms (`admin`, `project-manager`,
    /// `customer-manager`) too.
    pub fn parse(name: &str) -> Option<Role> {
        match name.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "administrator" | "admin" => Some(Role::Administrator),
            "project_manager" | "pm" => Some(Role::ProjectManager),
            "customer_manager" | "cm" => Some(Role::CustomerManager),
            _ => None,
        }
    }

    /// Whether the role sees only the contracts granted to it.
    pub fn needs_grants(self) -> bool {
        self != Role::Administrator
    }
}

/// An office account as the console shows it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Account {
    pub id: String,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

/// `POST /office/v1/sign-in`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub login: String,
    pub password: String,
}

/// The answer to a sign-in and to `GET /office/v1/me`: who is signed in, the session's CSRF
/// token (to send in [`CSRF_HEADER`]), and when the session ends at the latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SessionAnswer {
    pub account: Account,
    pub csrf_token: String,
    /// The contracts this account sees (all of them for an administrator).
    pub contracts: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

/// `POST /office/v1/accounts` (administrator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

/// A contract as the office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ContractItem {
    pub code: String,
    pub name: String,
}

/// `GET`/`PUT /office/v1/accounts/{id}/grants` (administrator): the contracts a project or
/// customer manager sees; a `PUT` replaces the whole list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Grants {
    pub contracts: Vec<String>,
}

/// One entry of the office audit log: who, when, what, from where. Append-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// The account that acted (None for the command line and for refused sign-ins).
    pub actor_id: Option<String>,
    /// The login that acted or was tried; `(command line)` for `fieldlog-server` subcommands.
    pub actor_login: String,
    /// A stable name: `sign_in`, `sign_in_failed`, `sign_in_throttled`, `sign_out`,
    /// `account_add`, `account_disable`, `grants_set`; technicians and laptops ([`people`]):
    /// `technician_add`, `technician_assign`, `technician_unassign`, `enrollment_code_issue`,
    /// `laptop_revoke`.
    pub action: String,
    /// What the action was about, as JSON text.
    pub detail: String,
    /// The client's address, or `command line:USER`.
    pub address: String,
}

/// `GET /office/v1/audit?after=SEQ&limit=N` (administrator), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// `after` for the next page; None when this page reached the end.
    pub next_after: Option<i64>,
}

/// The office API's error codes: stable, as [`crate::ErrorCode`] is for the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OfficeErrorCode {
    /// No session, or it ended (signed out, expired, account disabled): sign in again.
    Unauthorized,
    /// Wrong login or password.
    BadCredentials,
    /// Too many failed sign-ins: try again after `retry_after` seconds.
    Throttled,
    /// The CSRF token is missing or does not match the session's.
    Csrf,
    /// The account's role may not do this, or the contract is not granted to it.
    Forbidden,
    InvalidInput,
    TooLarge,
    NotFound,
    Conflict,
    Storage,
    Internal,
    /// The server lacks something an administrator installs (a CJK font for the monthly
    /// summary's PDF): the message names it.
    Unavailable,
}

/// `{code, message}` (Chinese first), with `retry_after` (seconds) when throttled and `rows`
/// when an import is refused for its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OfficeErrorBody {
    pub code: OfficeErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[ts(optional)]
    pub retry_after: Option<u64>,
    /// A refused import's bad rows, in file order (at most
    /// [`catalogue::MAX_IMPORT_PROBLEMS`]); `message` stays the readable sentence.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[ts(optional)]
    pub rows: Option<Vec<catalogue::ImportProblem>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stable_names() {
        for role in [
            Role::Administrator,
            Role::ProjectManager,
            Role::CustomerManager,
        ] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        assert_eq!(Role::parse("admin"), Some(Role::Administrator));
        assert_eq!(Role::parse("project-manager"), Some(Role::ProjectManager));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn a_sign_in_with_unknown_fields_is_refused() {
        let parsed: Result<SignInRequest, _> =
            serde_json::from_str(r#"{"login":"a","password":"b","admin":true}"#);
        assert!(parsed.is_err());
    }
}
