//! SLA through the store: lifecycle refusals write nothing, a fault keeps the policy version it
//! was opened under, a spare substitution is one transaction, and the demo exercises every clock
//! state so the app and the summaries have something real to show.

mod support;

use chrono::TimeDelta;
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::clocks::{ClockKind, ClockState};
use fieldlog_domain::fault::{FaultEventKind, NewFault, ReportChannel};
use fieldlog_domain::sla::FaultLevel;
use fieldlog_domain::stock::SpareKind;
use fieldlog_store::{NewPart, StoreError};
use std::collections::BTreeSet;
use support::fixture;

fn new_fault(f: &support::Fixture, level: FaultLevel, minutes_ago: i64) -> NewFault {
    NewFault {
        contract_id: f.contract.id,
        site_id: f.site.id,
        device_id: Some(f.device.id),
        level,
        reported_at: f.now - TimeDelta::minutes(minutes_ago),
        channel: ReportChannel::Phone,
        description: "画面中断".into(),
        first_receiver: "客户经理甲".into(),
        caller: None,
        caller_phone: None,
    }
}

#[test]
fn an_impossible_event_is_refused_and_nothing_is_written() {
    let mut f = fixture();
    let fault = f
        .store
        .record_fault(new_fault(&f, FaultLevel::B, 60), f.now)
        .unwrap();
    f.store
        .record_fault_event(
            fault.id,
            f.now - TimeDelta::minutes(50),
            FaultEventKind::Acknowledged { by: "甲".into() },
            f.now,
        )
        .unwrap();
    let before = f.dump();
    let refused = [
        (
            f.now - TimeDelta::minutes(40),
            FaultEventKind::Resolved {
                note: "修好了".into(),
            },
        ), // before arrival
        (
            f.now - TimeDelta::minutes(90),
            FaultEventKind::Escalated {
                to: "二线".into(),
                reason: "x".into(),
            },
        ), // before the report
        (
            f.now + TimeDelta::hours(1),
            FaultEventKind::CustomerInformed {
                how: "电话".into()
            },
        ), // in the future
        (f.now, FaultEventKind::Acknowledged { by: "乙".into() }), // twice
    ];
    for (at, kind) in refused {
        let error = f
            .store
            .record_fault_event(fault.id, at, kind.clone(), f.now)
            .unwrap_err();
        assert!(matches!(error, StoreError::Invalid(_)), "{kind:?}: {error}");
        assert_eq!(error.to_body().code, fieldlog_wire::ErrorCode::InvalidInput);
    }
    assert_eq!(f.dump(), before);
}

#[test]
fn a_fault_keeps_the_policy_version_it_was_opened_under() {
    let mut f = fixture();
    let old = f
        .store
        .record_fault(new_fault(&f, FaultLevel::A, 30), f.now)
        .unwrap();
    let mut stricter = f.store.policy(f.contract.id, 1).unwrap();
    stricter.levels.a.response_min = 5;
    assert_eq!(
        f.store.set_policy(f.contract.id, &stricter, f.now).unwrap(),
        2
    );
    let new = f
        .store
        .record_fault(new_fault(&f, FaultLevel::A, 30), f.now)
        .unwrap();
    assert_eq!((old.policy_version, new.policy_version), (1, 2));
    // Neither is acknowledged; 10 minutes after each report the old one still runs (15 min) and
    // the new one is breached (5 min).
    let at = f.now - TimeDelta::minutes(20);
    let old_response = f
        .store
        .fault_clocks(old.id, at)
        .unwrap()
        .get(ClockKind::Response)
        .unwrap()
        .clone();
    let new_response = f
        .store
        .fault_clocks(new.id, at)
        .unwrap()
        .get(ClockKind::Response)
        .unwrap()
        .clone();
    assert_eq!(old_response.state, ClockState::Running);
    assert_eq!(new_response.state, ClockState::Breached);
    // Version 1 is still there, unchanged, and cannot be rewritten.
    assert_eq!(
        f.store
            .policy(f.contract.id, 1)
            .unwrap()
            .levels
            .a
            .response_min,
        15
    );
    let rewrite = f.store.connection().execute(
        "UPDATE sla_policies SET policy = '{}' WHERE version = 1",
        [],
    );
    assert!(matches!(
        StoreError::from(rewrite.unwrap_err()),
        StoreError::AppendOnly(_)
    ));
}

#[test]
fn a_spare_substitution_takes_a_unit_out_of_stock_in_the_same_action() {
    let mut f = fixture();
    let unit = f
        .store
        .add_part(NewPart {
            contract_id: f.contract.id,
            code: "BP-T".into(),
            name: "备品摄像机".into(),
            kind: SpareKind::Unit,
            // The failed device's model: a substitution takes the same model (issue 15).
            model: Some("测试摄像机".into()),
        })
        .unwrap();
    let fault = f
        .store
        .record_fault(new_fault(&f, FaultLevel::B, 120), f.now)
        .unwrap();
    // No arrival yet: the lifecycle refuses, and no unit leaves stock (there is none anyway).
    let before = f.dump();
    let early = f
        .store
        .substitute_spare(fault.id, unit.id, Some("SN-1"), Some(f.me.id), f.now, f.now)
        .unwrap_err();
    assert!(matches!(early, StoreError::Invalid(_)), "{early}");
    assert_eq!(f.dump(), before);

    f.store
        .record_arrival(
            NewArrival {
                technician_id: f.me.id,
                site_id: f.site.id,
                fault_id: Some(fault.id),
                arrived_at: f.now - TimeDelta::minutes(60),
                location: None,
                site_confirmed_by_hand: true,
            },
            f.now,
        )
        .unwrap();
    // On site, but no unit in stock: refused whole — no event without its movement.
    let before = f.dump();
    let short = f
        .store
        .substitute_spare(fault.id, unit.id, Some("SN-1"), Some(f.me.id), f.now, f.now)
        .unwrap_err();
    assert!(
        matches!(short, StoreError::InsufficientStock { .. }),
        "{short}"
    );
    assert_eq!(f.dump(), before);
}

#[test]
fn clocks_run_down_live_in_the_fault_list() {
    let mut f = fixture();
    let fault = f
        .store
        .record_fault(new_fault(&f, FaultLevel::C, 5), f.now)
        .unwrap();
    let rows = f.store.open_fault_rows(f.now).unwrap();
    let row = rows.iter().find(|r| r.id == fault.id).unwrap();
    let response = row
        .clocks
        .iter()
        .find(|c| c.kind == ClockKind::Response)
        .unwrap();
    assert_eq!(response.state, ClockState::Running);
    assert_eq!(response.remaining_seconds, Some(10 * 60));
}

#[test]
fn the_demo_exercises_every_clock_state() {
    let mut f = fixture();
    fieldlog_demo::seed(&mut f.store, f.now).unwrap();
    let mut seen = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for row in f.store.fault_rows(f.now).unwrap() {
        for clock in &row.clocks {
            seen.insert(clock.state);
            kinds.insert((clock.kind, clock.state));
        }
    }
    let all: BTreeSet<ClockState> = ClockState::ALL.iter().copied().collect();
    assert_eq!(seen, all, "demo clock states");
    for kind in [
        ClockKind::Response,
        ClockKind::Arrival,
        ClockKind::Resolution,
    ] {
        for state in [ClockState::Met, ClockState::Running] {
            assert!(
                kinds.contains(&(kind, state)),
                "demo has no {kind} clock {state}"
            );
        }
    }
    assert!(
        kinds.contains(&(ClockKind::MajorRestoration, ClockState::Met)),
        "demo has a major fault under the spares rule"
    );
    // The month's compliance counts force majeure apart.
    let (from, to) =
        fieldlog_domain::clocks::month_bounds(&f.now.format("%Y-%m").to_string()).unwrap();
    let compliance = f.store.compliance(f.contract.id, from, to, f.now).unwrap();
    assert_eq!(
        compliance.faults, 0,
        "the fixture's own contract has no demo faults"
    );
    let police = f
        .store
        .resolve_contract("county-police-village-query")
        .unwrap();
    let (from, _) = fieldlog_domain::clocks::month_bounds(
        &(f.now - TimeDelta::days(40)).format("%Y-%m").to_string(),
    )
    .unwrap();
    let whole = f.store.compliance(police.id, from, to, f.now).unwrap();
    assert!(
        whole.faults >= 20 && whole.force_majeure_faults >= 1,
        "{whole:?}"
    );
}

/// domain.md, row "Spare substitution": a spare of the same model as the failed device, the old
/// and the new serial recorded; another model is refused with both models named, nothing written.
#[test]
fn a_spare_substitution_takes_the_same_model_and_records_both_serials() {
    let mut f = fixture();
    let add = |f: &mut support::Fixture, code: &str, model: &str| {
        let unit = f
            .store
            .add_part(NewPart {
                contract_id: f.contract.id,
                code: code.into(),
                name: "备品摄像机".into(),
                kind: SpareKind::Unit,
                model: Some(model.into()),
            })
            .unwrap();
        f.store
            .record_movement(
                fieldlog_store::NewMovement {
                    part_id: unit.id,
                    kind: fieldlog_domain::stock::MovementKind::Received,
                    quantity: 2,
                    at: f.now - TimeDelta::days(1),
                    technician_id: None,
                    fault_id: None,
                    old_serial: None,
                    new_serial: None,
                    note: None,
                },
                f.now,
            )
            .unwrap();
        unit
    };
    let other = add(&mut f, "BP-QJ", "QJ-400");
    let same = add(&mut f, "BP-T", "测试摄像机");
    let fault = f
        .store
        .record_fault(new_fault(&f, FaultLevel::B, 120), f.now)
        .unwrap();
    f.store
        .record_arrival(
            NewArrival {
                technician_id: f.me.id,
                site_id: f.site.id,
                fault_id: Some(fault.id),
                arrived_at: f.now - TimeDelta::minutes(60),
                location: None,
                site_confirmed_by_hand: true,
            },
            f.now,
        )
        .unwrap();
    let before = f.dump();
    let refused = f
        .store
        .substitute_spare(
            fault.id,
            other.id,
            Some("SN-NEW"),
            Some(f.me.id),
            f.now,
            f.now,
        )
        .unwrap_err();
    let message = refused.to_string();
    assert!(
        message.contains("QJ-400") && message.contains("测试摄像机"),
        "names both models: {message}"
    );
    assert_eq!(f.dump(), before, "nothing written");
    let movement = f
        .store
        .substitute_spare(
            fault.id,
            same.id,
            Some("SN-NEW"),
            Some(f.me.id),
            f.now,
            f.now,
        )
        .unwrap();
    assert_eq!(movement.old_serial.as_deref(), Some("SN-T1"));
    assert_eq!(movement.new_serial.as_deref(), Some("SN-NEW"));
    let detail = f.store.fault_detail(fault.id, f.now).unwrap();
    assert!(detail.events.iter().any(|e| matches!(
        &e.kind,
        FaultEventKind::SpareSubstituted { serial: Some(new), old_serial: Some(old), .. }
            if new == "SN-NEW" && old == "SN-T1"
    )));
}

/// Existing data: a contract created from the police preset before issue 15 holds the old policy
/// (feedback, remote first extending the on-site limit, force majeure on the cause alone). A fault
/// opened under it keeps that reading after the contract takes the corrected preset; faults
/// reported from then on are judged under the new version. Adopting twice writes nothing.
#[test]
fn a_contract_takes_the_corrected_preset_as_a_new_version_and_old_faults_keep_theirs() {
    use fieldlog_domain::sla::{Preset, SlaPolicy};
    let mut f = fixture();
    // The police preset as it was shipped before issue 15, as its JSON was stored.
    let old: SlaPolicy = serde_json::from_str(
        r#"{"levels":{"A":{"response_min":15,"arrival_min":60,"resolution_min":240},
            "B":{"response_min":15,"arrival_min":120,"resolution_min":180},
            "C":{"response_min":15,"arrival_min":120,"resolution_min":120}},
            "remote_first":{"remote_window_min":60,"on_site_within_min":120},
            "major_fault_spares":null,"fibre":null,"feedback_min":1440,
            "spare_substitution":true,"force_majeure_counts_as_breach":false}"#,
    )
    .unwrap();
    let old_version = f.store.set_policy(f.contract.id, &old, f.now).unwrap();
    let remote_then_late = |f: &mut support::Fixture, minutes_ago: i64| {
        let fault = f
            .store
            .record_fault(new_fault(f, FaultLevel::C, minutes_ago), f.now)
            .unwrap();
        let reported = fault.reported_at;
        f.store
            .record_fault_event(
                fault.id,
                reported + TimeDelta::minutes(30),
                FaultEventKind::RemoteAttempt {
                    fixed: false,
                    note: "远程无效".into(),
                },
                f.now,
            )
            .unwrap();
        f.store
            .record_arrival(
                NewArrival {
                    technician_id: f.me.id,
                    site_id: f.site.id,
                    fault_id: Some(fault.id),
                    // 2 h 30 min after the report: within the old 1 h + 2 h, past the table's 2 h.
                    arrived_at: reported + TimeDelta::minutes(150),
                    location: None,
                    site_confirmed_by_hand: true,
                },
                f.now,
            )
            .unwrap();
        fault
    };
    let before = remote_then_late(&mut f, 300);
    let arrival = |f: &support::Fixture, id| {
        f.store
            .fault_clocks(id, f.now)
            .unwrap()
            .get(ClockKind::Arrival)
            .unwrap()
            .state
    };
    assert_eq!(arrival(&f, before.id), ClockState::Met, "the old reading");
    let version = f
        .store
        .adopt_preset(f.contract.id, Preset::CountyPoliceVillageQuery, f.now)
        .unwrap();
    assert_eq!(version, old_version + 1);
    assert_eq!(
        f.store.policy(f.contract.id, version).unwrap(),
        Preset::CountyPoliceVillageQuery.policy()
    );
    // Again: nothing written.
    let dump = f.dump();
    assert_eq!(
        f.store
            .adopt_preset(f.contract.id, Preset::CountyPoliceVillageQuery, f.now)
            .unwrap(),
        version
    );
    assert_eq!(f.dump(), dump);
    // The fault opened under the old version is judged as it was; a new one is not.
    assert_eq!(arrival(&f, before.id), ClockState::Met);
    let after = remote_then_late(&mut f, 200);
    assert_eq!(after.policy_version, version);
    assert_eq!(arrival(&f, after.id), ClockState::Breached);
    let clocks = f.store.fault_clocks(after.id, f.now).unwrap();
    assert!(
        clocks.get(ClockKind::Feedback).is_none(),
        "police: no feedback"
    );
}

/// domain.md, row "Force majeure": e-government has none, so a claim there is refused and
/// nothing is written.
#[test]
fn a_force_majeure_claim_is_refused_under_a_contract_without_the_rule() {
    use fieldlog_domain::sla::Preset;
    let mut f = fixture();
    f.store
        .set_policy(f.contract.id, &Preset::CityEgovExtranet.policy(), f.now)
        .unwrap();
    let fault = f
        .store
        .record_fault(new_fault(&f, FaultLevel::B, 60), f.now)
        .unwrap();
    let before = f.dump();
    let refused = f
        .store
        .record_fault_event(
            fault.id,
            f.now,
            FaultEventKind::ForceMajeureClaimed {
                cause: fieldlog_domain::fault::FaultCause::Weather,
                told: "采购人代表".into(),
                note: String::new(),
            },
            f.now,
        )
        .unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(_)), "{refused}");
    assert!(refused.to_string().contains("不可抗拒因素"));
    assert_eq!(f.dump(), before);
}
