//! The error every boundary reports: a small, stable set of codes the UI can branch on, and a
//! message a technician can act on (Chinese first, English in brackets).

use serde::{Deserialize, Serialize};

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
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
