//! The error every boundary reports: a small, stable set of codes the UI can branch on, the values
//! the sentence names (`params`), and a message a technician can act on, in the user's language
//! (zh-CN: Chinese first, English in brackets; English: English only).
//!
//! The core renders the sentence, not the UI: most messages carry detail only the core has (which
//! field, which limit, the database's own reason, a path), the CLI needs the same sentences without
//! a browser, and a second copy of every sentence in TypeScript is the duplication issue 16
//! removes. So each error type says itself in either language ([`ToErrorBody`]), and the front end
//! passes the language in (the app's setting, the CLI's `--lang` or `LANG`).

use fieldlog_domain::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Stable error codes. Adding one is a wire change; renaming one breaks the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input cannot be saved as given; the message says which field and why.
    InvalidInput,
    /// The record named does not exist (on this laptop).
    NotFound,
    /// The record is signed and cannot be changed; amend it instead.
    SignedImmutable,
    /// Saving would contradict what is already recorded (a duplicate, an impossible sequence).
    Conflict,
    /// Not enough stock recorded for the movement.
    InsufficientStock,
    /// The local database could not be read or written.
    Storage,
    /// A bug: nothing the user did; the message asks them to report it.
    Internal,
    /// Sync: the device token (or enrollment code) is missing, unknown or used up.
    Unauthorized,
    /// Sync: the technician is not assigned to the contract the data belongs to.
    Forbidden,
    /// Sync: the request body is larger than the server accepts.
    TooLarge,
    /// Sync: the server cannot be reached or answered with something unexpected.
    Network,
    /// Evidence failed its integrity check (content hash or evidence-chain link): it was changed
    /// behind the application's back. Nothing is exported or signed from it.
    Tampered,
    /// Sync: the office revoked this laptop; its token is refused on every endpoint. Its data
    /// stays on it; the technician contacts the office.
    DeviceRevoked,
    /// Sync: the laptop's change numbers were already used by its device for other records (a
    /// profile restored from a backup older than its last sync). Nothing was stored; the laptop
    /// keeps its changes and must be revoked and enrolled again as a new device (issue 20).
    SequenceReused,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::SignedImmutable => "signed_immutable",
            ErrorCode::Conflict => "conflict",
            ErrorCode::InsufficientStock => "insufficient_stock",
            ErrorCode::Storage => "storage",
            ErrorCode::Internal => "internal",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Network => "network",
            ErrorCode::Tampered => "tampered",
            ErrorCode::DeviceRevoked => "device_revoked",
            ErrorCode::SequenceReused => "sequence_reused",
        }
    }
}

/// `{code, message}`, as the UI and the CLI's `--json` receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    /// The input field at fault, when there is one, so the UI can point at it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[ts(optional)]
    pub field: Option<String>,
    /// The values the message names (an id, a balance …), by name, for a UI that wants them apart.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub params: BTreeMap<String, String>,
}

impl ErrorBody {
    /// A body with no field and no parameters.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            code,
            message: message.into(),
            field: None,
            params: BTreeMap::new(),
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_param(mut self, name: &str, value: impl ToString) -> Self {
        self.params.insert(name.to_owned(), value.to_string());
        self
    }
}

/// An error that can say itself in either language, as the UI and `--json` receive it.
pub trait ToErrorBody {
    fn error_body(&self, lang: Lang) -> ErrorBody;
}

/// A body already made (a server's answer, an internal failure) stays as it is.
impl ToErrorBody for ErrorBody {
    fn error_body(&self, _lang: Lang) -> ErrorBody {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_stable_strings() {
        for code in [
            ErrorCode::InvalidInput,
            ErrorCode::NotFound,
            ErrorCode::SignedImmutable,
            ErrorCode::Conflict,
            ErrorCode::InsufficientStock,
            ErrorCode::Storage,
            ErrorCode::Internal,
            ErrorCode::Unauthorized,
            ErrorCode::Forbidden,
            ErrorCode::TooLarge,
            ErrorCode::Network,
            ErrorCode::Tampered,
            ErrorCode::DeviceRevoked,
            ErrorCode::SequenceReused,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
