//! Reports over time (issue 19): which day a report may be written for, which days of a month
//! still lack one, whether a report was filled in later (补填), which version of a corrected
//! report counts, and what a correction changed against the signed report it amends.
//!
//! Entries are written once: an edit, a deletion or a strike is a new entry that supersedes the
//! earlier one of the same report (`supersedes`); in an amendment every entry names the signed
//! entry it corrects (`amends_entry`). The laptop's summary and the server's console decide what
//! counts with the same [`counted_entries`].

use crate::ids::{EntryId, ReportId};
use crate::report::ReportEntry;
use crate::time::local_day_bounds;
use crate::validate::InvalidInput;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A report may be written for a day of its contract's service period, up to today (Asia/Shanghai):
/// never for a day still to come, never for a day the contract did not cover.
pub fn check_work_date(
    work_date: NaiveDate,
    service_start: NaiveDate,
    service_end: NaiveDate,
    today: NaiveDate,
) -> Result<(), InvalidInput> {
    if work_date > today {
        return Err(InvalidInput::new(
            "work_date",
            format!("{work_date} 还没有到，不能为将来的日期填写日报"),
            format!("{work_date} has not come yet: a daily report cannot be for a future date"),
        ));
    }
    if work_date < service_start || work_date > service_end {
        return Err(InvalidInput::new(
            "work_date",
            format!(
                "{work_date} 不在合同服务期（{service_start} 至 {service_end}）内，请选择服务期内的日期"
            ),
            format!(
                "{work_date} is outside the contract's service period ({service_start} to {service_end}); pick a day inside it"
            ),
        ));
    }
    Ok(())
}

/// When a report was created after its work day had ended (Asia/Shanghai): filled in later
/// (补填), at that instant. `None` for a report written on its day.
pub fn filled_late(work_date: NaiveDate, created_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (_, day_end) = local_day_bounds(work_date);
    (created_at >= day_end).then_some(created_at)
}

/// The technician's missing working days of the month that holds `month`: every day of that
/// month inside the service period and before `today` that has no report (`reported`). Today is
/// not missing yet (its report is still being written); every day counts as a working day, as
/// the contracts are served 7×24.
pub fn missing_days(
    month: NaiveDate,
    service_start: NaiveDate,
    service_end: NaiveDate,
    today: NaiveDate,
    reported: &BTreeSet<NaiveDate>,
) -> Vec<NaiveDate> {
    let first = month.with_day(1).expect("every month has a first day");
    first
        .iter_days()
        .take_while(|d| d.month() == first.month())
        .filter(|d| *d >= service_start && *d <= service_end && *d < today)
        .filter(|d| !reported.contains(d))
        .collect()
}

/// A report as the counting sees it: which one it amends, and when it was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportVersion {
    pub id: ReportId,
    pub amends: Option<ReportId>,
    pub signed_at: Option<DateTime<Utc>>,
}

/// An entry as the counting sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryVersion {
    pub id: EntryId,
    pub report_id: ReportId,
    /// The earlier entry of the same report this one replaces.
    pub supersedes: Option<EntryId>,
    pub struck: bool,
    /// Kept apart from a signed report by the server: never part of it.
    pub held: bool,
}

/// The entries of a report as a reader sees it: not held apart, not replaced by a later entry of
/// the report. Struck entries stay in the set (an amendment shows them struck through; the store
/// hides a struck entry that corrects nothing: a deleted draft entry); nothing struck counts.
pub fn visible_entries(entries: &[EntryVersion]) -> BTreeSet<EntryId> {
    let superseded: BTreeSet<EntryId> = entries
        .iter()
        .filter(|e| !e.held)
        .filter_map(|e| e.supersedes)
        .collect();
    entries
        .iter()
        .filter(|e| !e.held && !superseded.contains(&e.id))
        .map(|e| e.id)
        .collect()
}

/// The entries that count (the month's work, the console's month): of each report and its
/// corrections, the latest signed correction (by signing time), else the report itself, signed
/// or not; of its entries, those a reader sees ([`visible_entries`]) that are not struck.
pub fn counted_entries(reports: &[ReportVersion], entries: &[EntryVersion]) -> BTreeSet<EntryId> {
    let by_id: BTreeMap<ReportId, &ReportVersion> = reports.iter().map(|r| (r.id, r)).collect();
    let root_of = |start: ReportId| -> ReportId {
        let mut id = start;
        // A chain is short; the bound guards against a cycle no store can write.
        for _ in 0..reports.len() {
            match by_id.get(&id).and_then(|r| r.amends) {
                Some(parent) if by_id.contains_key(&parent) => id = parent,
                _ => break,
            }
        }
        id
    };
    let mut counting: BTreeMap<ReportId, &ReportVersion> = BTreeMap::new();
    for r in reports {
        let root = root_of(r.id);
        let better = match counting.get(&root) {
            None => r.amends.is_none() || r.signed_at.is_some(),
            Some(current) => {
                r.signed_at.is_some()
                    && r.amends.is_some()
                    && (current.amends.is_none()
                        || (r.signed_at, r.id) > (current.signed_at, current.id))
            }
        };
        if better {
            counting.insert(root, r);
        }
    }
    let counted_reports: BTreeSet<ReportId> = counting.values().map(|r| r.id).collect();
    let mut by_report: BTreeMap<ReportId, Vec<EntryVersion>> = BTreeMap::new();
    for e in entries {
        if counted_reports.contains(&e.report_id) {
            by_report.entry(e.report_id).or_default().push(*e);
        }
    }
    let mut out = BTreeSet::new();
    for list in by_report.values() {
        let visible = visible_entries(list);
        out.extend(
            list.iter()
                .filter(|e| visible.contains(&e.id) && !e.struck)
                .map(|e| e.id),
        );
    }
    out
}

code_enum! {
    /// What an amendment did to one entry of the signed report it corrects.
    pub enum EntryChangeKind {
        Kept = "kept", "未改", "Kept";
        Changed = "changed", "更改", "Changed";
        Struck = "struck", "划去", "Struck";
        Added = "added", "新增", "Added";
    }
}

/// One entry of an amendment against the signed report: the entry as it now reads, the signed
/// entry it corrects (none for an added one), and the fields that differ (their codes:
/// `site_id`, `device_id`, `fault_id`, `fault_cause`, `resolved`, `unresolved_reason`,
/// `work_done`, `parts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct EntryChange {
    pub kind: EntryChangeKind,
    pub entry: ReportEntry,
    pub before: Option<ReportEntry>,
    pub fields: Vec<String>,
}

/// What each entry of `amendment` does to the signed entries it corrects (`original`), in the
/// amendment's order.
pub fn changes(original: &[ReportEntry], amendment: &[ReportEntry]) -> Vec<EntryChange> {
    amendment
        .iter()
        .map(|entry| {
            let before = entry
                .amends_entry
                .and_then(|id| original.iter().find(|o| o.id == id));
            let fields = before.map(|b| changed_fields(b, entry)).unwrap_or_default();
            let kind = match before {
                None => EntryChangeKind::Added,
                Some(_) if entry.struck => EntryChangeKind::Struck,
                Some(_) if fields.is_empty() => EntryChangeKind::Kept,
                Some(_) => EntryChangeKind::Changed,
            };
            EntryChange {
                kind,
                entry: entry.clone(),
                before: before.cloned(),
                fields,
            }
        })
        .collect()
}

/// The fields a reader sees that differ between two versions of an entry.
pub fn changed_fields(before: &ReportEntry, after: &ReportEntry) -> Vec<String> {
    let parts = |e: &ReportEntry| {
        e.parts
            .iter()
            .map(|p| {
                (
                    p.part_id,
                    p.quantity,
                    p.old_serial.clone(),
                    p.new_serial.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    [
        ("site_id", before.site_id != after.site_id),
        ("device_id", before.device_id != after.device_id),
        ("fault_id", before.fault_id != after.fault_id),
        ("fault_cause", before.fault_cause != after.fault_cause),
        ("resolved", before.resolved != after.resolved),
        (
            "unresolved_reason",
            before.unresolved_reason != after.unresolved_reason,
        ),
        ("work_done", before.work_done != after.work_done),
        ("parts", parts(before) != parts(after)),
    ]
    .into_iter()
    .filter(|(_, differs)| *differs)
    .map(|(code, _)| code.to_owned())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn work_date_refusals() {
        let (start, end) = (day(3), day(20));
        assert!(check_work_date(day(5), start, end, day(10)).is_ok());
        assert!(check_work_date(day(10), start, end, day(10)).is_ok());
        let future = check_work_date(day(11), start, end, day(10)).unwrap_err();
        assert!(future.message_zh.contains("将来"), "{future:?}");
        let before = check_work_date(day(2), start, end, day(10)).unwrap_err();
        assert!(before.message_zh.contains("服务期"), "{before:?}");
        let after = check_work_date(day(21), start, end, day(25)).unwrap_err();
        assert!(after.message_zh.contains("服务期"), "{after:?}");
    }

    #[test]
    fn filled_late_after_the_local_day_ends() {
        // 2026-11-05 ends at 2026-11-05T16:00Z (Asia/Shanghai midnight).
        let on_day: DateTime<Utc> = "2026-11-05T15:59:59Z".parse().unwrap();
        let next: DateTime<Utc> = "2026-11-05T16:00:00Z".parse().unwrap();
        assert_eq!(filled_late(day(5), on_day), None);
        assert_eq!(filled_late(day(5), next), Some(next));
    }

    #[test]
    fn missing_days_inside_the_period_before_today() {
        let reported: BTreeSet<NaiveDate> = [day(4), day(6)].into();
        let missing = missing_days(day(15), day(3), day(30), day(8), &reported);
        assert_eq!(missing, vec![day(3), day(5), day(7)]);
        // A month before the period has none; a finished month counts to its last day.
        assert!(missing_days(day(15), day(20), day(30), day(25), &BTreeSet::new())[0] == day(20));
        let october = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        assert!(missing_days(october, day(1), day(30), day(25), &BTreeSet::new()).is_empty());
    }

    fn rid(n: u128) -> ReportId {
        ReportId(Uuid::from_u128(n))
    }
    fn eid(n: u128) -> EntryId {
        EntryId(Uuid::from_u128(n))
    }
    fn entry(id: u128, report: u128, supersedes: Option<u128>, struck: bool) -> EntryVersion {
        EntryVersion {
            id: eid(id),
            report_id: rid(report),
            supersedes: supersedes.map(eid),
            struck,
            held: false,
        }
    }

    #[test]
    fn the_latest_signed_correction_counts_without_struck_entries() {
        let t = |h: u32| Some(DateTime::<Utc>::UNIX_EPOCH + chrono::TimeDelta::hours(h.into()));
        let original = ReportVersion {
            id: rid(1),
            amends: None,
            signed_at: t(1),
        };
        let amendment = ReportVersion {
            id: rid(2),
            amends: Some(rid(1)),
            signed_at: t(2),
        };
        let entries = [
            entry(10, 1, None, false),
            entry(11, 1, None, false),
            // The amendment: copies of 10 and 11, the copy of 11 struck, 10 changed.
            entry(20, 2, None, false),
            entry(21, 2, None, false),
            entry(22, 2, Some(21), true),
            entry(23, 2, Some(20), false),
        ];
        let only_original = counted_entries(&[original], &entries);
        assert_eq!(only_original, [eid(10), eid(11)].into());
        let both = counted_entries(&[original, amendment], &entries);
        assert_eq!(both, [eid(23)].into());
        // An amendment still a draft does not count: the signed original does.
        let draft = ReportVersion {
            signed_at: None,
            ..amendment
        };
        assert_eq!(counted_entries(&[original, draft], &entries), only_original);
        // A later correction of the correction counts over both.
        let second = ReportVersion {
            id: rid(3),
            amends: Some(rid(2)),
            signed_at: t(3),
        };
        let mut more = entries.to_vec();
        more.push(entry(30, 3, None, false));
        assert_eq!(
            counted_entries(&[second, original, amendment], &more),
            [eid(30)].into()
        );
    }

    #[test]
    fn a_deleted_draft_entry_is_not_visible() {
        let entries = [entry(1, 1, None, false), entry(2, 1, Some(1), true)];
        assert!(visible_entries(&entries).contains(&eid(2)));
        let report = ReportVersion {
            id: rid(1),
            amends: None,
            signed_at: None,
        };
        assert!(counted_entries(&[report], &entries).is_empty());
    }
}
