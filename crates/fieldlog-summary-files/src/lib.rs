//! The monthly summary as files, from a `fieldlog_wire::v1::SummaryView` alone (no store, no
//! server storage): [`summary_table`] (the rows a client's clerk reads), [`spreadsheet`] (XLSX and
//! CSV with a UTF-8 BOM) and [`summary_pdf_input`] (the plain input of `fieldlog_pdf`'s monthly
//! summary). The laptop (`fieldlog-export`) and the server's console (`office/month.rs`) both call
//! these, so a summary exported on either reads the same.

pub mod spreadsheet;
pub mod summary_table;

use chrono::{DateTime, Utc};
use fieldlog_domain::ids::FaultId;
use fieldlog_domain::summary::UnresolvedGroup;
use fieldlog_domain::time::{format_local, local_date};
use fieldlog_pdf::{
    ForceMajeureRow, LevelCompliance, MonthlySummaryPdf, PartConsumed, Rate, UnresolvedByReason,
};
use fieldlog_wire::v1::{SummaryFault, SummaryView};
use std::collections::HashMap;

/// The PDF's plain input from a summary: names and labels only, no further store reads.
pub fn summary_pdf_input(
    view: &SummaryView,
    prepared_by: String,
    now: DateTime<Utc>,
) -> MonthlySummaryPdf {
    let s = &view.summary;
    let f = &s.figures;
    let by_reason = |group: UnresolvedGroup| {
        f.unresolved_by_reason
            .iter()
            .find(|r| r.reason == group)
            .map_or(0, |r| r.figure.count)
    };
    let faults: HashMap<FaultId, &SummaryFault> = view.faults.iter().map(|f| (f.id, f)).collect();
    let rate = |tally: &fieldlog_domain::clocks::ClockTally| Rate {
        met: tally.met,
        judged: tally.met + tally.breached,
    };
    let floor = &s.stock.floor;
    let below = |b: bool| if b { "，低于下限" } else { "" };
    MonthlySummaryPdf {
        contract_name: view.contract_name.clone(),
        client: view.client.clone(),
        month: view.period.clone(),
        prepared_by,
        generated_at: format_local(now),
        devices_reported: f.reported.count,
        devices_repaired: f.repaired.count,
        unresolved: UnresolvedByReason {
            power: by_reason(UnresolvedGroup::Power),
            transmission: by_reason(UnresolvedGroup::Transmission),
            device: by_reason(UnresolvedGroup::Device),
            force_majeure: by_reason(UnresolvedGroup::ForceMajeure),
            other: by_reason(UnresolvedGroup::Other),
            pending: by_reason(UnresolvedGroup::Pending),
        },
        carried_over_repaired: f.carried_over_repaired.count,
        carried_over_open: f.carried_over_open.count,
        compliance: f
            .compliance
            .levels
            .iter()
            .map(|l| LevelCompliance {
                level: format!("{}级", l.level),
                faults: l.faults,
                response: rate(&l.response),
                arrival: rate(&l.arrival),
                resolution: rate(&l.resolution),
            })
            .collect(),
        force_majeure: s
            .force_majeure_cases
            .iter()
            .map(|case| {
                let fault = faults.get(&case.fault_id);
                ForceMajeureRow {
                    date: local_date(case.reported_at).to_string(),
                    point: fault
                        .map(|f| format!("{} {}", f.site_code, f.site_name))
                        .unwrap_or_default(),
                    device: fault
                        .and_then(|f| f.device.clone())
                        .unwrap_or_else(|| "—".into()),
                    description: case.description.clone(),
                    agreement: summary_table::agreement_text(case),
                }
            })
            .collect(),
        further_clocks: summary_table::further_clocks(&f.compliance)
            .into_iter()
            .map(|(level, kind, tally)| fieldlog_pdf::input::FurtherClock {
                level: format!("{level}级"),
                clock: kind.label_zh().to_owned(),
                rate: rate(tally),
            })
            .collect(),
        force_majeure_claims: summary_table::claims_text(&f.force_majeure_claims),
        substitutions: s
            .substitutions
            .iter()
            .map(|x| {
                let fault = faults.get(&x.fault_id);
                fieldlog_pdf::input::SubstitutionRow {
                    date: local_date(x.at).to_string(),
                    point: fault
                        .map(|f| format!("{} {}", f.site_code, f.site_name))
                        .unwrap_or_default(),
                    part: summary_table::substitution_part(x),
                    old_serial: x.old_serial.clone().unwrap_or_else(|| "—".into()),
                    new_serial: x.new_serial.clone().unwrap_or_else(|| "—".into()),
                }
            })
            .collect(),
        parts_consumed: f
            .parts_consumed
            .iter()
            .map(|p| PartConsumed {
                name: format!("{} {}", p.code, p.name),
                quantity: u32::try_from(p.quantity).unwrap_or(u32::MAX),
            })
            .collect(),
        stock_at_close: Some(format!(
            "期末库存：备品 {}（下限 {}{}），备件 {}（下限 {}{}）。",
            floor.units,
            floor.floor.units,
            below(floor.units_below_floor),
            floor.parts,
            floor.floor.parts,
            below(floor.parts_below_floor)
        )),
        clock_suspect: s
            .clock_suspect
            .arrivals
            .iter()
            .map(|a| fieldlog_pdf::input::ClockSuspectRow {
                arrived_at: format_local(a.arrived_at),
                point: a.site.clone(),
                technician: a.technician.clone(),
                reason: a.label.clone(),
                received_at: a.received_at.map_or_else(|| "—".into(), format_local),
            })
            .collect(),
        entered_later: s
            .entered_later
            .events
            .iter()
            .map(|e| fieldlog_pdf::input::EnteredLaterRow {
                at: format_local(e.at),
                point: faults
                    .get(&e.fault_id)
                    .map(|f| format!("{} {}", f.site_code, f.site_name))
                    .unwrap_or_default(),
                event: e.label.clone(),
                recorded_at: format_local(e.recorded_at),
            })
            .collect(),
        // Issue 19: the kinds with any inspection due, as the summary screen and XLSX count them.
        inspections: view
            .inspections
            .iter()
            .filter(|t| t.planned > 0)
            .map(|t| fieldlog_pdf::input::InspectionTallyRow {
                kind: t.kind.label_zh().to_owned(),
                planned: t.planned,
                done: t.done,
                overdue: t.overdue,
                findings: t.findings,
                findings_to_faults: t.findings_to_faults,
            })
            .collect(),
    }
}
