//! A stream of user actions against a profile database, for the crash-safety test: alternately an
//! arrival and a report entry that uses a part (three tables in one transaction). After each action
//! commits, its id is printed and flushed: a printed id is an acknowledged write.
//!
//! Usage: write-stream DB_PATH (the database must have been prepared by the test).

use chrono::Utc;
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::report::{NewEntry, NewPartLine};
use fieldlog_store::{ReportFilter, Store};
use std::io::Write;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: write-stream DB_PATH");
    let mut store = Store::open(&path).expect("open");
    let me = store.profile().expect("profile").expect("prepared profile");
    let contract = store.resolve_contract("crash-test").expect("contract");
    let site = store.resolve_site("CRASH-1").expect("site");
    let part = store.resolve_part("CRASH-P").expect("part");
    let today = fieldlog_domain::time::local_date(Utc::now());
    let report_id = match store
        .report_rows(&ReportFilter {
            technician_id: Some(me.id),
            contract_id: Some(contract.id),
            from: Some(today),
            to: Some(today),
        })
        .expect("reports")
        .first()
    {
        Some(row) => row.id,
        None => {
            store
                .create_report(me.id, contract.id, today, Utc::now())
                .expect("report")
                .id
        }
    };
    let mut out = std::io::stdout().lock();
    for i in 0u64.. {
        let now = Utc::now();
        let line = if i % 2 == 0 {
            let arrival = store
                .record_arrival(
                    NewArrival {
                        technician_id: me.id,
                        site_id: site.id,
                        fault_id: None,
                        arrived_at: now,
                        location: None,
                        site_confirmed_by_hand: true,
                    },
                    now,
                )
                .expect("arrival");
            format!("arrival {}", arrival.id)
        } else {
            let entry = store
                .add_report_entry(
                    report_id,
                    NewEntry {
                        site_id: site.id,
                        device_id: None,
                        fault_id: None,
                        fault_cause: format!("第 {i} 次测试故障"),
                        resolved: true,
                        unresolved_reason: None,
                        work_done: "更换备件".into(),
                        parts: vec![NewPartLine {
                            part_id: part.id,
                            quantity: 1,
                            old_serial: None,
                            new_serial: Some(format!("N{i}")),
                        }],
                    },
                    now,
                )
                .expect("entry");
            format!("entry {}", entry.id)
        };
        // Only now, after the commit returned, is the write acknowledged.
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .expect("stdout");
    }
}
