//! Office API v1: technicians, their contracts, enrollment codes (text and QR), the laptops
//! (last sync, changes waiting, app version) and revoking one.
//!
//! | request | who | body → answer |
//! |---|---|---|
//! | `GET /office/v1/technicians` | everyone signed in (managers: technicians of their contracts) | → [`TechnicianItem`]s |
//! | `POST /office/v1/technicians` | administrator, project manager; CSRF | [`NewTechnician`] → 201 [`TechnicianItem`] |
//! | `POST /office/v1/technicians/{id}/contracts` | administrator, project manager (granted contract); CSRF | [`AssignContract`] → [`TechnicianItem`] |
//! | `DELETE /office/v1/technicians/{id}/contracts/{code}` | administrator, project manager (granted contract); CSRF | → [`TechnicianItem`] |
//! | `POST /office/v1/technicians/{id}/enrollment-codes` | administrator, project manager (every contract of the technician granted); CSRF | empty or `{}` → 201 [`EnrollmentCodeAnswer`] |
//! | `DELETE /office/v1/technicians/{id}/enrollment-codes` | administrator, project manager (its technicians); CSRF | → [`CancelledCodes`] |
//! | `GET /office/v1/laptops` | administrator, project manager (laptops of its technicians) | → [`LaptopItem`]s |
//! | `POST /office/v1/laptops/{id}/revoke` | administrator; CSRF | [`RevokeLaptop`] → [`RevokedLaptop`] |
//!
//! A project or customer manager sees a technician only while the technician is assigned at
//! least one of the manager's granted contracts, and sees only those contracts of theirs; a
//! technician outside that is answered 404, as if unknown. Un-assigning a contract means the
//! technician's laptops stop pulling it from their next round, and their further pushes for it
//! are refused `not_assigned`; nothing already stored on the server or on the laptop is removed.
//!
//! An enrollment code is used once and expires [`ENROLLMENT_CODE_DAYS`] days after it is issued.
//! Its QR code holds [`EnrollmentLink`] text: `fieldlog-enroll:1?server=URL&code=CODE` (the
//! server's address percent-encoded), which `fieldlog enroll` accepts in place of the server
//! address and the code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Days an enrollment code stays good after it is issued.
pub const ENROLLMENT_CODE_DAYS: i64 = 7;

/// The scheme of the enrollment text a QR code holds.
pub const ENROLLMENT_SCHEME: &str = "fieldlog-enroll:1";

/// A technician as the office lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TechnicianItem {
    pub id: String,
    pub name: String,
    /// Contract codes assigned (a manager sees only its granted ones), in order.
    pub contracts: Vec<String>,
    /// Laptops enrolled for the technician, revoked ones too.
    pub laptops: Vec<TechnicianLaptop>,
}

/// One of a technician's laptops, briefly (the laptops list has the rest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TechnicianLaptop {
    pub id: String,
    pub name: String,
    pub revoked: bool,
}

/// `POST /office/v1/technicians`: a new technician and the contracts to assign at once (a
/// project manager must name at least one of its granted contracts, or it could not see them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewTechnician {
    pub name: String,
    #[serde(default)]
    pub contracts: Vec<String>,
}

/// `POST /office/v1/technicians/{id}/contracts`: assign one contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AssignContract {
    pub contract: String,
}

/// `POST /office/v1/technicians/{id}/enrollment-codes`: a one-time code, shown once (the server
/// keeps only its hash), with the address the laptop must use and a QR code of both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct EnrollmentCodeAnswer {
    pub technician_id: String,
    pub technician_name: String,
    pub code: String,
    /// The server's address for laptops: its public address (`serve --public-url`), else the
    /// address the console was reached at.
    pub server_url: String,
    pub expires_at: DateTime<Utc>,
    /// The text the QR code holds ([`EnrollmentLink`]).
    pub qr_text: String,
    /// The QR code as an SVG document (dark modules on white, with its quiet zone).
    pub qr_svg: String,
}

/// Who revoked a laptop, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LaptopRevocation {
    pub revoked_at: DateTime<Utc>,
    /// The office login (or the command line's user) that revoked it.
    pub revoked_by: String,
    pub reason: String,
}

/// A laptop as the office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LaptopItem {
    pub id: String,
    pub name: String,
    pub technician_id: String,
    pub technician_name: String,
    pub enrolled_at: DateTime<Utc>,
    /// When the laptop last pushed or pulled (recorded at most about once a minute while nothing
    /// else changes); None before its first sync.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Changes waiting in its outbox, as it last said (None: never said; older apps do not).
    pub waiting_changes: Option<i64>,
    /// Its app version, as it last said (None: never said).
    pub app_version: Option<String>,
    /// Serials (lowercase hex) of the signing certificates the CA issued to it.
    pub certificate_serials: Vec<String>,
    pub revocation: Option<LaptopRevocation>,
}

/// `POST /office/v1/laptops/{id}/revoke` (administrator): why, for whoever reads it later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RevokeLaptop {
    pub reason: String,
}

/// The answer to a revocation: the laptop as it now stands, the number of the CRL published
/// with it (listing its certificates), and how many of its technician's unused enrollment codes
/// were cancelled with it (a lost laptop's owner may have a code lying beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RevokedLaptop {
    pub laptop: LaptopItem,
    pub crl_number: i64,
    pub cancelled_codes: u32,
}

/// The answer to `DELETE /office/v1/technicians/{id}/enrollment-codes`: how many of the
/// technician's unused codes no longer enroll a laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CancelledCodes {
    pub technician_id: String,
    pub cancelled: u32,
}

/// The enrollment text a QR code holds: `fieldlog-enroll:1?server=URL&code=CODE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentLink {
    pub server_url: String,
    pub code: String,
}

impl EnrollmentLink {
    /// The text, with the server's address percent-encoded (the code is hex).
    pub fn to_text(&self) -> String {
        format!(
            "{ENROLLMENT_SCHEME}?server={}&code={}",
            percent_encode(&self.server_url),
            percent_encode(&self.code)
        )
    }

    /// Reads the text back; None when it is not one (another scheme, a part missing, bad
    /// escapes). Unknown parameters are ignored, so a later version may add some.
    pub fn parse(text: &str) -> Option<EnrollmentLink> {
        let query = text
            .trim()
            .strip_prefix(ENROLLMENT_SCHEME)?
            .strip_prefix('?')?;
        let (mut server_url, mut code) = (None, None);
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=')?;
            match name {
                "server" => server_url = Some(percent_decode(value)?),
                "code" => code = Some(percent_decode(value)?),
                _ => {}
            }
        }
        let (server_url, code) = (server_url?, code?);
        (!server_url.is_empty() && !code.is_empty()).then_some(EnrollmentLink { server_url, code })
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_enrollment_text_round_trips_and_escapes_the_address() {
        let link = EnrollmentLink {
            server_url: "https://fieldlog.example:8443".into(),
            code: "0a1b2c3d4e5f60718293".into(),
        };
        let text = link.to_text();
        assert_eq!(
            text,
            "fieldlog-enroll:1?server=https%3A%2F%2Ffieldlog.example%3A8443&code=0a1b2c3d4e5f60718293"
        );
        assert_eq!(EnrollmentLink::parse(&text), Some(link));
    }

    #[test]
    fn other_text_is_not_an_enrollment_link() {
        for text in [
            "https://fieldlog.example",
            "fieldlog-enroll:2?server=a&code=b",
            "fieldlog-enroll:1?server=a",
            "fieldlog-enroll:1?code=b",
            "fieldlog-enroll:1?server=%zz&code=b",
            "fieldlog-enroll:1?server=&code=b",
        ] {
            assert_eq!(EnrollmentLink::parse(text), None, "{text}");
        }
    }

    #[test]
    fn requests_with_unknown_fields_are_refused() {
        assert!(serde_json::from_str::<RevokeLaptop>(r#"{"reason":"x","by":"y"}"#).is_err());
        assert!(serde_json::from_str::<AssignContract>(r#"{"contract":"x","all":1}"#).is_err());
        assert!(serde_json::from_str::<NewTechnician>(r#"{"name":"x","id":"y"}"#).is_err());
    }
}
