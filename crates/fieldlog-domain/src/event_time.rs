//! When a fault event happened, as the technician states it (实际发生时间), against when the laptop
//! saved it. A phone acknowledgement is often typed in twenty minutes after the call was taken:
//! the clocks judge the stated time (`FaultEvent::at`), and the saved time (`recorded_at`) is kept
//! beside it, so an event stated much earlier than it was saved is marked "entered later" (补录)
//! and listed in the monthly summary for checking, as arrivals with a doubtful clock are.
//!
//! The stated time has limits, checked here as a pure function (time passed in): not before the
//! fault was reported (the clocks start at the call), not in the future, and not before the
//! fault's last recorded event (events are entered in the order they happened; a forgotten one is
//! told apart by its mark, it does not slip in between).

use crate::fault::FUTURE_TOLERANCE;
use crate::time::format_local;
use crate::validate::InvalidInput;
use chrono::{DateTime, TimeDelta, Utc};

/// How much later than its stated time an event may be saved and still count as recorded as it
/// happened. Beyond it the event is "entered later" (补录). Five minutes, the same allowance as
/// the arrival's clock-skew rule (`fault::FUTURE_TOLERANCE`): typing the form takes a minute or
/// two; a quarter of an hour is a call remembered afterwards.
pub const ENTERED_LATER_AFTER: TimeDelta = TimeDelta::minutes(5);

/// Whether an event stated at `at` and saved at `recorded_at` was entered later.
pub fn entered_later(at: DateTime<Utc>, recorded_at: DateTime<Utc>) -> bool {
    recorded_at - at > ENTERED_LATER_AFTER
}

/// The limits of a new event's stated time `at`, as of `now`: not before `reported_at` (the
/// fault's call time), not later than `now` (beyond the clock tolerance), not before
/// `last_event_at` (the latest stated time among the fault's events, if any). The message names
/// the limit in local time.
pub fn check(
    reported_at: DateTime<Utc>,
    last_event_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), InvalidInput> {
    if at > now + FUTURE_TOLERANCE {
        return Err(InvalidInput::new(
            "at",
            format!(
                "“实际发生时间”{} 晚于当前时间 {}，请检查时间或本机时钟",
                format_local(at),
                format_local(now)
            ),
            format!(
                "the time it happened ({}) is later than now ({}); check the time or this computer's clock",
                format_local(at),
                format_local(now)
            ),
        ));
    }
    if at < reported_at {
        return Err(InvalidInput::new(
            "at",
            format!(
                "“实际发生时间”{} 早于报修时间 {}，请填写报修之后的时间",
                format_local(at),
                format_local(reported_at)
            ),
            format!(
                "the time it happened ({}) is before the fault was reported ({}); give a later time",
                format_local(at),
                format_local(reported_at)
            ),
        ));
    }
    if let Some(last) = last_event_at
        && at < last
    {
        return Err(InvalidInput::new(
            "at",
            format!(
                "“实际发生时间”{} 早于该故障上一条记录的时间 {}，请填写此后的时间",
                format_local(at),
                format_local(last)
            ),
            format!(
                "the time it happened ({}) is before the fault's last recorded event ({}); give a later time",
                format_local(at),
                format_local(last)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(hhmm: &str) -> DateTime<Utc> {
        // Local (UTC+8) 2026-12-07 hh:mm.
        format!("2026-12-07T{hhmm}:00+08:00")
            .parse::<DateTime<chrono::FixedOffset>>()
            .unwrap()
            .with_timezone(&Utc)
    }

    /// (what, reported, last event, stated, now, refused with a message containing)
    type Case = (
        &'static str,
        &'static str,
        Option<&'static str>,
        &'static str,
        &'static str,
        Option<&'static str>,
    );

    #[test]
    fn a_stated_time_lies_between_the_call_or_the_last_event_and_now() {
        let cases: [Case; 9] = [
            ("now", "10:00", None, "10:30", "10:30", None),
            ("twenty minutes ago", "10:00", None, "10:10", "10:30", None),
            ("at the call itself", "10:00", None, "10:00", "10:30", None),
            (
                "a minute before the call",
                "10:00",
                None,
                "09:59",
                "10:30",
                Some("早于报修时间 2026-12-07 10:00"),
            ),
            (
                "at the last event",
                "10:00",
                Some("10:20"),
                "10:20",
                "10:30",
                None,
            ),
            (
                "before the last event",
                "10:00",
                Some("10:20"),
                "10:19",
                "10:30",
                Some("早于该故障上一条记录的时间 2026-12-07 10:20"),
            ),
            (
                "within the clock tolerance ahead",
                "10:00",
                None,
                "10:35",
                "10:30",
                None,
            ),
            (
                "beyond the clock tolerance ahead",
                "10:00",
                None,
                "10:36",
                "10:30",
                Some("晚于当前时间 2026-12-07 10:30"),
            ),
            (
                "ahead, even after the last event",
                "10:00",
                Some("10:20"),
                "11:00",
                "10:30",
                Some("晚于当前时间"),
            ),
        ];
        for (what, reported, last, stated, now, refused) in cases {
            let result = check(t(reported), last.map(t), t(stated), t(now));
            match refused {
                None => assert!(result.is_ok(), "{what}: {result:?}"),
                Some(words) => {
                    let error = result.expect_err(what);
                    assert_eq!(error.field, "at", "{what}");
                    assert!(
                        error.message_zh.contains(words),
                        "{what}: {}",
                        error.message_zh
                    );
                }
            }
        }
    }

    /// (saved this long after the stated time, entered later)
    #[test]
    fn an_event_saved_more_than_five_minutes_after_its_time_was_entered_later() {
        let cases = [
            (TimeDelta::zero(), false),
            (TimeDelta::minutes(5), false),
            (TimeDelta::minutes(5) + TimeDelta::seconds(1), true),
            (TimeDelta::minutes(20), true),
            // Saved "before" it happened (a clock a little ahead): not entered later.
            (-TimeDelta::minutes(3), false),
        ];
        for (delay, later) in cases {
            assert_eq!(
                entered_later(t("10:00"), t("10:00") + delay),
                later,
                "{delay}"
            );
        }
    }
}
