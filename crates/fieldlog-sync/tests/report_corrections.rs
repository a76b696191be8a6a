//! Issue 19, item 4 through a real server on a loopback port, on both backends: a draft entry
//! changed before signing, then a signed report corrected (one entry's cause changed, another
//! struck, each with its reason) and the correction signed, reach a second laptop of the same
//! technician as they are, with the original still signed and intact; and the month counts the
//! corrected version alike on the laptops and in the office console (a struck entry is nobody's
//! work).

mod support;

use chrono::{TimeDelta, Utc};
use fieldlog_domain::fault::{NewFault, ReportChannel};
use fieldlog_domain::ids::FaultId;
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::report_versions::EntryChangeKind;
use fieldlog_domain::sla::FaultLevel;
use serde_json::Value;
use support::office::Console;
use support::{Backend, CONTRACT, Laptop, Server, on_each_backend, settle, start_time};

on_each_backend!(a_corrected_report_reaches_the_other_laptop_and_the_month_counts_it);

fn fault(laptop: &mut Laptop, what: &str) -> FaultId {
    let (contract, site, _) = laptop.contract(CONTRACT);
    let at = start_time() + TimeDelta::minutes(1);
    laptop
        .store
        .record_fault(
            NewFault {
                contract_id: contract,
                site_id: site,
                device_id: None,
                level: FaultLevel::C,
                reported_at: at,
                channel: ReportChannel::Phone,
                description: what.into(),
                first_receiver: "测试经理".into(),
                caller: None,
                caller_phone: None,
            },
            at,
        )
        .unwrap()
        .id
}

fn entry(laptop: &Laptop, fault: FaultId, cause: &str) -> NewEntry {
    let (_, site, _) = laptop.contract(CONTRACT);
    NewEntry {
        site_id: site,
        device_id: None,
        fault_id: Some(fault),
        fault_cause: cause.into(),
        resolved: true,
        unresolved_reason: None,
        work_done: "现场处理".into(),
        parts: vec![],
    }
}

/// The faults nobody worked on, in the console's month.
fn unattributed_on_server(console: &Console, month: &str) -> Vec<String> {
    let view = console.json(
        reqwest::Method::GET,
        &format!("/office/v1/summary?contract={CONTRACT}&month={month}"),
        Value::Null,
    );
    view["summary"]["unattributed"]["fault_ids"]
        .as_array()
        .unwrap_or_else(|| panic!("{view}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn a_corrected_report_reaches_the_other_laptop_and_the_month_counts_it(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("测试甲", &[CONTRACT]);
    let mut first = Laptop::enrolled("测试甲", &server.url(), &code);
    let technician = first.store.enrollment().unwrap().unwrap().technician_id;
    let second_code =
        fieldlog_server::admin::enrollment_code(&*server.storage, &technician, Utc::now()).unwrap();
    let mut second = Laptop::enrolled("测试甲", &server.url(), &second_code);
    second.name = "测试甲（平板）".into();
    first.set_up_contract(CONTRACT);
    let (contract, _, _) = first.contract(CONTRACT);
    let kept = fault(&mut first, "摄像头无图像");
    let struck = fault(&mut first, "误记的故障");
    let me = first.store.profile().unwrap().unwrap();
    let day = fieldlog_domain::time::local_date(start_time());
    let at = |minutes| start_time() + TimeDelta::minutes(minutes);

    // The original: an entry changed while still a draft (a superseding row), one more, signed.
    let report = first
        .store
        .create_report(me.id, contract, day, at(2))
        .unwrap();
    let typo = first
        .store
        .add_report_entry(report.id, entry(&first, kept, "网口松"), at(3))
        .unwrap();
    first
        .store
        .edit_report_entry(typo.id, entry(&first, kept, "网口松动"), None, at(4))
        .unwrap();
    first
        .store
        .add_report_entry(report.id, entry(&first, struck, "光纤中断"), at(5))
        .unwrap();
    support::sign(&mut first, report.id, 6);
    let mut laptops = vec![first, second];
    settle(&mut laptops);
    let original = laptops[1].store.report_document(report.id).unwrap();
    assert_eq!(original.content_intact, Some(true));
    assert_eq!(original.entries.len(), 2);
    assert!(
        original.held_entries.is_empty(),
        "the server keeps none of the report's own history apart"
    );

    // The correction: one cause changed, the other entry struck, each with its reason.
    let amendment = laptops[0]
        .store
        .amend_report(report.id, "故障原因与点位核对有误", at(10))
        .unwrap();
    let copies = laptops[0]
        .store
        .report_document(amendment.id)
        .unwrap()
        .entries;
    let changed = entry(&laptops[0], kept, "交换机端口故障");
    laptops[0]
        .store
        .edit_report_entry(copies[0].id, changed, Some("现场复核为交换机端口"), at(11))
        .unwrap();
    laptops[0]
        .store
        .remove_report_entry(copies[1].id, Some("该故障当日未处理"), at(12))
        .unwrap();
    support::sign(&mut laptops[0], amendment.id, 13);
    settle(&mut laptops);

    for laptop in &laptops {
        let doc = laptop.store.report_document(amendment.id).unwrap();
        assert_eq!(doc.content_intact, Some(true), "{}", laptop.name);
        let kinds: Vec<EntryChangeKind> = doc.changes.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![EntryChangeKind::Changed, EntryChangeKind::Struck],
            "{}",
            laptop.name
        );
        assert!(doc.held_entries.is_empty(), "{}", laptop.name);
        let signed = laptop.store.report_document(report.id).unwrap();
        assert_eq!(signed.entries, original.entries, "{}", laptop.name);
        assert_eq!(signed.content_intact, Some(true), "{}", laptop.name);
        assert!(signed.row.corrected, "{}", laptop.name);
        // The laptop's month counts the corrected version: the struck entry's fault is nobody's.
        let summary = laptop
            .store
            .summary(contract, day, day.succ_opt().unwrap(), Utc::now())
            .unwrap();
        assert!(
            summary.unattributed.fault_ids.contains(&struck),
            "{}: {:?}",
            laptop.name,
            summary.technicians
        );
        assert!(
            !summary.unattributed.fault_ids.contains(&kept),
            "{}",
            laptop.name
        );
        assert!(
            laptop.store.sync_conflicts().unwrap().is_empty(),
            "{}",
            laptop.name
        );
    }

    // The office console's month counts it the same way.
    let console = Console::administrator(&server);
    let month = day.format("%Y-%m").to_string();
    let unattributed = unattributed_on_server(&console, &month);
    assert!(
        unattributed.contains(&struck.to_string()),
        "{unattributed:?}"
    );
    assert!(
        !unattributed.contains(&kept.to_string()),
        "{unattributed:?}"
    );
}
