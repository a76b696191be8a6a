//! Local time. Instants are stored in UTC; people read and write Asia/Shanghai time. China has kept
//! UTC+8 all year since 1991, so a fixed offset is exact for every date we handle and spares us a
//! time-zone database.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Asia/Shanghai.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The local (Asia/Shanghai) calendar day an instant falls on.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china()).date_naive()
}

/// The UTC instants [start, end) of a local calendar day.
pub fn local_day_bounds(date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = china()
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc);
    (start, start + chrono::TimeDelta::days(1))
}

/// `2026-11-02 08:05` in local time, as forms and lists show it (24-hour clock).
pub fn format_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&china())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_day_starts_at_16_utc_the_day_before() {
        let (start, end) = local_day_bounds(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert_eq!(start.to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-11-01T16:00:00+00:00");
        // 23:59 UTC on 31 Oct is already 1 Nov in Shanghai.
        let late = "2026-10-31T23:59:00Z".parse().unwrap();
        assert_eq!(
            local_date(late),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        assert_eq!(format_local(late), "2026-11-01 07:59");
    }
}
