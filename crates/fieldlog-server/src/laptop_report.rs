//! What a laptop says of itself as it syncs (issue 17, for the office's laptops list): its app
//! version and how many changes its outbox holds, in two optional request headers
//! ([`APP_VERSION_HEADER`], [`WAITING_HEADER`]), and when it was last seen.
//!
//! - Push and pull record it only when something changed: the laptop's version or waiting count
//!   differs from what is stored, or the last record is [`RECORD_EVERY`] old or more ([`due`]).
//!   A pull only reads, and runs beside the writer: so a laptop that pulls every few seconds
//!   with nothing new takes the writer at most once a minute. A push writes already: its record
//!   is one `UPDATE` inside its own savepoint, and a batch sent again at once (its answer was
//!   lost) still changes nothing. The count a round's push left behind (what the laptop held
//!   before pushing) is corrected by that round's pull, which says 0.
//! - Old laptops send neither header and keep working: their version and count stay unknown
//!   (NULL), their last sync is still recorded. A header that is not as described (too long,
//!   not printable ASCII, not a count) is ignored, never refused: it is a report, not a request.

use crate::error::Result;
use crate::storage::{LaptopReport, Tx};
use axum::http::HeaderMap;
use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_wire::sync::v1::{APP_VERSION_HEADER, MAX_APP_VERSION_CHARS, WAITING_HEADER};

/// A pull records the laptop's report at most this often while nothing in it changes.
pub const RECORD_EVERY: TimeDelta = TimeDelta::minutes(1);

/// What the request's headers say (each None when absent or not as described).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentReport {
    pub app_version: Option<String>,
    pub waiting_changes: Option<i64>,
}

impl SentReport {
    pub fn from_headers(headers: &HeaderMap) -> SentReport {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        SentReport {
            app_version: text(APP_VERSION_HEADER)
                .filter(|v| {
                    !v.is_empty()
                        && v.len() <= MAX_APP_VERSION_CHARS
                        && v.chars().all(|c| c.is_ascii_graphic() || c == ' ')
                })
                .map(str::to_owned),
            waiting_changes: text(WAITING_HEADER)
                .filter(|v| !v.is_empty() && v.len() <= 18 && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse().ok()),
        }
    }

    /// The report as stored when seen at `now`.
    fn at(&self, now: DateTime<Utc>) -> LaptopReport {
        LaptopReport {
            last_seen_at: Some(now),
            app_version: self.app_version.clone(),
            waiting_changes: self.waiting_changes,
        }
    }
}

/// Whether a push or pull at `now` must record `sent` over `stored`.
pub fn due(stored: &LaptopReport, sent: &SentReport, now: DateTime<Utc>) -> bool {
    let stale = stored
        .last_seen_at
        .is_none_or(|seen| now - seen >= RECORD_EVERY || now < seen);
    stale
        || stored.app_version != sent.app_version
        || stored.waiting_changes != sent.waiting_changes
}

/// Records `sent` as the device's report, seen at `now`.
pub fn record(
    tx: &mut dyn Tx,
    device_id: &str,
    sent: &SentReport,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.record_laptop_report(device_id, &sent.at(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn headers_are_read_and_bad_ones_ignored() {
        let sent = SentReport::from_headers(&headers(&[
            (APP_VERSION_HEADER, "0.1.0"),
            (WAITING_HEADER, "12"),
        ]));
        assert_eq!(sent.app_version.as_deref(), Some("0.1.0"));
        assert_eq!(sent.waiting_changes, Some(12));
        assert_eq!(
            SentReport::from_headers(&HeaderMap::new()),
            SentReport::default()
        );
        let long = "9".repeat(MAX_APP_VERSION_CHARS + 1);
        let bad = SentReport::from_headers(&headers(&[
            (APP_VERSION_HEADER, &long),
            (WAITING_HEADER, "-3"),
        ]));
        assert_eq!(bad, SentReport::default());
        let bad = SentReport::from_headers(&headers(&[(WAITING_HEADER, "99999999999999999999")]));
        assert_eq!(bad.waiting_changes, None);
    }

    #[test]
    fn a_report_is_recorded_when_something_changed_or_a_minute_passed() {
        let t0: DateTime<Utc> = "2026-12-07T08:00:00Z".parse().unwrap();
        let sent = SentReport {
            app_version: Some("0.1.0".into()),
            waiting_changes: Some(0),
        };
        let stored = sent.at(t0);
        assert!(due(&LaptopReport::default(), &sent, t0));
        assert!(!due(&stored, &sent, t0 + TimeDelta::seconds(59)));
        assert!(due(&stored, &sent, t0 + RECORD_EVERY));
        let waiting = SentReport {
            waiting_changes: Some(3),
            ..sent.clone()
        };
        assert!(due(&stored, &waiting, t0 + TimeDelta::seconds(1)));
        let upgraded = SentReport {
            app_version: Some("0.2.0".into()),
            ..sent.clone()
        };
        assert!(due(&stored, &upgraded, t0 + TimeDelta::seconds(1)));
        // An old laptop (no headers) is recorded once a minute too.
        let old = SentReport::default();
        let stored_old = old.at(t0);
        assert!(!due(&stored_old, &old, t0 + TimeDelta::seconds(30)));
        assert!(due(&stored_old, &old, t0 + TimeDelta::seconds(61)));
    }
}
