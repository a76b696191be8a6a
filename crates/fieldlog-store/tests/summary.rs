//! The monthly summary through the store: the hand-counted fixture month
//! (`fixtures/summary-2026-10.md`) on a real database file, a range that is not a month, a month
//! not over yet, and faults that span two months.

mod support;

use support::summary_fixture::{as_hand_count, expected_ranges, load, summary_json};

#[test]
fn the_fixture_month_matches_the_hand_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fieldlog_store::Store::open(dir.path().join("profile.sqlite")).unwrap();
    let loaded = load(&mut store);
    for (name, from, to, expected) in expected_ranges() {
        let summary = store
            .summary(loaded.contract.id, from, to, loaded.now)
            .unwrap();
        let got = as_hand_count(&summary_json(&summary), &loaded.keys, &expected);
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn a_fault_spanning_two_months_is_reported_once_and_repaired_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fieldlog_store::Store::open(dir.path().join("profile.sqlite")).unwrap();
    let loaded = load(&mut store);
    let f7 = loaded.ids["F7"];
    let month = |m: &str| fieldlog_domain::clocks::month_bounds(m).unwrap();
    let (oct, nov) = (month("2026-10"), month("2026-11"));
    let october = store
        .summary(loaded.contract.id, oct.0, oct.1, loaded.now)
        .unwrap();
    let november = store
        .summary(loaded.contract.id, nov.0, nov.1, loaded.now)
        .unwrap();
    let has = |f: &fieldlog_domain::summary::Figure| f.fault_ids.contains(&f7);
    assert!(has(&october.figures.reported) && has(&october.figures.unresolved));
    assert!(!has(&october.figures.repaired));
    assert!(!has(&november.figures.reported) && !has(&november.figures.repaired));
    assert!(has(&november.figures.carried_over_repaired));
    // A closed month reads the same whenever it is made again.
    let later = loaded.now + chrono::TimeDelta::days(40);
    assert_eq!(
        store
            .summary(loaded.contract.id, oct.0, oct.1, later)
            .unwrap(),
        october
    );
}

/// domain.md, row "Force majeure" (police): each claim is listed with its cause, whom the client
/// was told and the answer; only the accepted one (F4) is counted apart and has no breach; the
/// refused one (F12) is breached like any fault; the one still pending at October's close (F13)
/// is pending there and, answered in November, does not change October.
#[test]
fn force_majeure_claims_are_listed_by_state_and_only_the_accepted_is_counted_apart() {
    use fieldlog_domain::fault::{FaultCause, ForceMajeureState};
    let dir = tempfile::tempdir().unwrap();
    let mut store = fieldlog_store::Store::open(dir.path().join("profile.sqlite")).unwrap();
    let loaded = load(&mut store);
    let (from, to) = fieldlog_domain::clocks::month_bounds("2026-10").unwrap();
    let october = store
        .summary(loaded.contract.id, from, to, loaded.now)
        .unwrap();
    let case = |key: &str| {
        october
            .force_majeure_cases
            .iter()
            .find(|c| c.fault_id == loaded.ids[key])
            .unwrap_or_else(|| panic!("{key} listed: {:?}", october.force_majeure_cases))
    };
    let f4 = case("F4");
    assert_eq!(f4.cause, Some(FaultCause::VehicleHit));
    assert_eq!(f4.description, "车辆撞杆：立杆被车辆撞倒");
    assert_eq!(f4.state, Some(ForceMajeureState::Accepted));
    assert_eq!(f4.told.as_deref(), Some("采购人代表甲"));
    assert_eq!(f4.answered_by.as_deref(), Some("采购人代表甲"));
    assert_eq!(case("F12").state, Some(ForceMajeureState::Refused));
    assert_eq!(case("F13").state, Some(ForceMajeureState::Pending));
    assert_eq!(case("F13").answered_at, None);
    let breached = |key: &str| {
        october
            .figures
            .clock_faults
            .iter()
            .any(|c| c.breached.contains(&loaded.ids[key]))
    };
    assert!(!breached("F4"), "accepted: counted apart, not breached");
    assert!(breached("F12") && breached("F13"));
    // Made again after F13's answer, October reads the same.
    let later = store
        .summary(
            loaded.contract.id,
            from,
            to,
            loaded.now + chrono::TimeDelta::days(40),
        )
        .unwrap();
    assert_eq!(later, october);
}

#[test]
fn the_summary_screen_reads_a_month_and_refuses_a_bad_one_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fieldlog_store::Store::open(dir.path().join("profile.sqlite")).unwrap();
    let loaded = load(&mut store);
    let view =
        fieldlog_store::desk::summary(&store, loaded.contract.id, "2026-10", loaded.now).unwrap();
    assert_eq!(view.period, "2026-10");
    assert_eq!(view.summary.figures.reported.count, 9);
    // The drill-down list names every fault a figure counts, this month's and carried over.
    let listed: Vec<_> = view.faults.iter().map(|f| f.id).collect();
    for key in ["F1", "F7", "F8", "F9"] {
        assert!(listed.contains(&loaded.ids[key]), "{key} listed");
    }
    assert!(
        !listed.contains(&loaded.ids["F10"]),
        "resolved before October: not listed"
    );
    let error = fieldlog_store::desk::summary(&store, loaded.contract.id, "2026/10", loaded.now)
        .unwrap_err();
    assert_eq!(error.to_body().code, fieldlog_wire::ErrorCode::InvalidInput);
    assert!(error.to_string().contains("2026-11"), "{error}");
}
