//! The application layer: every use case the desktop app and the `fieldlog` CLI share, written
//! once. Each function is one user action (one transaction) or one screen's read; the app's Tauri
//! commands and the CLI's subcommands only turn their input into its arguments (the CLI resolves
//! short ids and codes first) and show what it answers. Actions recorded in a technician's name
//! take the technician from the profile ([`technician`]); the wall clock comes in as `now`.
//!
//! It stays a module of the store rather than a crate of its own: every use case both front doors
//! repeated is a store action (exports and sync already live once, in `fieldlog-export` and
//! `fieldlog-sync`), and as a module it can compose `crate::reports::today_report`-style
//! transaction steps that the store does not make public.

use crate::{NewMovement, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::arrival::{Arrival, NewArrival};
use fieldlog_domain::fault::{FaultEventKind, NewFault};
use fieldlog_domain::ids::{ArrivalId, ContractId, FaultId, PartId, ReportId, SiteId};
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::signature::NewSignature;
use fieldlog_domain::site::Device;
use fieldlog_domain::site::GeoPoint;
use fieldlog_domain::stock::{MovementKind, StockMovement};
use fieldlog_domain::technician::Technician;
use fieldlog_domain::time::local_date;
use fieldlog_domain::validate::InvalidInput;
use fieldlog_wire::v1::{
    CapturedSignature, CatalogueSite, CompletionForm, ContractCatalogue, FaultDetail, FaultRow,
    InspectionRow, ReportDocument, StockReport, SummaryView, Today, TodayFilter, TodayGroup,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The profile's technician, or "no profile yet" (an invalid input on the field `profile`, which
/// each front door words as its own way to make one: Settings in the app, `fieldlog init`).
pub fn technician(store: &Store) -> Result<Technician> {
    technician_of(&store.conn)
}

/// [`technician`] inside a transaction.
pub(crate) fn technician_of(conn: &rusqlite::Connection) -> Result<Technician> {
    crate::catalog::profile(conn)?.ok_or_else(|| {
        InvalidInput::new(
            "profile",
            "请先在“设置”中填写本机技服人员姓名",
            "set the technician's name in Settings first",
        )
        .into()
    })
}

/// The signature pad's capture as the store takes it.
pub fn signature(captured: CapturedSignature) -> Result<NewSignature> {
    let image_png = captured.png_bytes().ok_or_else(|| {
        StoreError::from(InvalidInput::new(
            "png_data_url",
            "签名图片无法读取，请重新签名",
            "the signature image is not a PNG data URL; please sign again",
        ))
    })?;
    Ok(NewSignature {
        signer_name: captured.signer_name,
        role: captured.role,
        image_png,
        strokes: captured.strokes,
    })
}

pub fn today(store: &Store, now: DateTime<Utc>) -> Result<Today> {
    let day = local_date(now);
    let technician = store.profile()?;
    let reports = match &technician {
        Some(t) => store.report_rows(&crate::ReportFilter {
            technician_id: Some(t.id),
            contract_id: None,
            from: Some(day),
            to: Some(day),
        })?,
        None => Vec::new(),
    };
    // Issue 19: mine, unassigned, others', then the customer still to be told; each by time left.
    let filter = TodayFilter::default();
    let fault_groups = store.today_fault_groups(&filter, now)?;
    let open_faults = fault_groups
        .iter()
        .filter(|g| g.group != TodayGroup::AwaitingFeedback)
        .flat_map(|g| g.faults.iter().cloned())
        .collect();
    Ok(Today {
        now,
        local_date: day,
        open_faults,
        inspections: store.due_inspections(day)?,
        reports,
        technician,
        fault_groups,
        filter,
        // Issue 19: the spare floor warns on Today too.
        stock_below_floor: store.floor_warnings()?,
    })
}

/// Today with its fault list narrowed by the window's filters (issue 19).
pub fn today_filtered(store: &Store, filter: TodayFilter, now: DateTime<Utc>) -> Result<Today> {
    let mut today = today(store, now)?;
    if filter != TodayFilter::default() {
        today.fault_groups = store.today_fault_groups(&filter, now)?;
        today.filter = filter;
    }
    Ok(today)
}

/// Check-in on site: the technician's arrival, at `at` (the app: now; the CLI: `--at`).
/// The fault list: the open faults, or all of them, with their clocks as of `now`.
pub fn fault_rows(store: &Store, open_only: bool, now: DateTime<Utc>) -> Result<Vec<FaultRow>> {
    if open_only {
        store.open_fault_rows(now)
    } else {
        store.fault_rows(now)
    }
}

/// Check-in on site: the technician's arrival, at `at` (the app: now; the CLI: `--at`).
pub fn check_in(
    store: &mut Store,
    site_id: SiteId,
    fault_id: Option<FaultId>,
    location: Option<GeoPoint>,
    site_confirmed_by_hand: bool,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Arrival> {
    let technician = technician(store)?;
    store.record_arrival(
        NewArrival {
            technician_id: technician.id,
            site_id,
            fault_id,
            arrived_at: at.unwrap_or(now),
            location,
            site_confirmed_by_hand,
        },
        now,
    )
}

pub fn complete_inspection(
    store: &mut Store,
    id: Uuid,
    arrival_id: ArrivalId,
    now: DateTime<Utc>,
) -> Result<InspectionRow> {
    store.complete_inspection(id, arrival_id, now)
}

pub fn record_fault_event(
    store: &mut Store,
    fault_id: FaultId,
    kind: FaultEventKind,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<FaultDetail> {
    store.record_fault_event(fault_id, at.unwrap_or(now), kind, now)?;
    store.fault_detail(fault_id, now)
}

/// 已告知客户 (issue 19, Today's one-tap): the customer was told the result, at `at` (default
/// now), by `how` (default [`fieldlog_domain::fault::INFORMED_HOW_DEFAULT`], the core's wording,
/// not the window's); answered with the fault as it now stands.
pub fn inform_customer(
    store: &mut Store,
    fault_id: FaultId,
    how: Option<String>,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<FaultDetail> {
    let how = how
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| fieldlog_domain::fault::INFORMED_HOW_DEFAULT.to_owned());
    record_fault_event(
        store,
        fault_id,
        FaultEventKind::CustomerInformed { how },
        at,
        now,
    )
}

/// A same-model spare unit installed on a fault, at `at` (default now), by the profile's
/// technician when there is one.
pub fn substitute_spare(
    store: &mut Store,
    fault_id: FaultId,
    part_id: PartId,
    serial: Option<String>,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<FaultDetail> {
    let technician = store.profile()?.map(|t| t.id);
    store.substitute_spare(
        fault_id,
        part_id,
        serial.as_deref(),
        technician,
        at.unwrap_or(now),
        now,
    )?;
    store.fault_detail(fault_id, now)
}

/// The take (接单): the profile's technician takes an unassigned fault, offline too; answered
/// with the fault as it now stands.
pub fn take_fault(store: &mut Store, fault_id: FaultId, now: DateTime<Utc>) -> Result<FaultDetail> {
    store.take_fault(fault_id, now)?;
    store.fault_detail(fault_id, now)
}

/// A fault reported by the client, answered with everything recorded about it.
pub fn report_fault(store: &mut Store, fault: NewFault, now: DateTime<Utc>) -> Result<FaultDetail> {
    let fault = store.record_fault(fault, now)?;
    store.fault_detail(fault.id, now)
}

/// The contract screen's "take the corrected preset" button: the preset (by its code) becomes the
/// contract's new policy version, for faults reported from now on; faults already recorded keep
/// theirs. Answers the contract as it now stands (its policy version).
pub fn adopt_preset(
    store: &mut Store,
    contract_id: ContractId,
    preset: &str,
    now: DateTime<Utc>,
) -> Result<fieldlog_domain::contract::Contract> {
    let preset = fieldlog_domain::sla::Preset::from_code(preset).ok_or_else(|| {
        InvalidInput::new(
            "preset",
            format!(
                "没有预设规则“{preset}”；可用：county-police-village-query（县公安局村警查询服务）、city-egov-extranet（市电子政务外网）"
            ),
            format!(
                "no preset '{preset}'; use county-police-village-query or city-egov-extranet"
            ),
        )
    })?;
    store.adopt_preset(contract_id, preset, now)?;
    store.contract(contract_id)
}

/// Today's report of the profile's technician for a contract, started as a draft if there is none.
pub fn today_report(
    store: &mut Store,
    contract_id: ContractId,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    let technician = technician(store)?;
    let id = store.write(|tx| crate::reports::today_report(tx, technician.id, contract_id, now))?;
    store.report_document(id)
}

/// A new draft report of the profile's technician for a contract and a work day.
pub fn new_report(
    store: &mut Store,
    contract_id: ContractId,
    work_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    let technician = technician(store)?;
    let report = store.create_report(technician.id, contract_id, work_date, now)?;
    store.report_document(report.id)
}

pub fn add_entry(
    store: &mut Store,
    report_id: ReportId,
    entry: NewEntry,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    store.add_report_entry(report_id, entry, now)?;
    store.report_document(report_id)
}

/// Signs a report with a signature as the signature pad captured it (the app).
pub fn sign_report(
    store: &mut Store,
    report_id: ReportId,
    captured: CapturedSignature,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    sign_report_with(store, report_id, signature(captured)?, now)
}

/// Signs a report with a signature already as the store takes it (the CLI: an image file).
pub fn sign_report_with(
    store: &mut Store,
    report_id: ReportId,
    signature: NewSignature,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    store.sign_report(report_id, signature, now)?;
    store.report_document(report_id)
}

pub fn amend_report(
    store: &mut Store,
    report_id: ReportId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    let amendment = store.amend_report(report_id, reason, now)?;
    store.report_document(amendment.id)
}

pub fn sign_completion(
    store: &mut Store,
    fault_id: FaultId,
    technician: CapturedSignature,
    customer: CapturedSignature,
    now: DateTime<Utc>,
) -> Result<CompletionForm> {
    store.sign_completion(fault_id, signature(technician)?, signature(customer)?, now)?;
    store.completion(fault_id, now)
}

/// Stock of one contract, or of every contract.
pub fn stock(store: &Store, contract_id: Option<ContractId>) -> Result<Vec<StockReport>> {
    match contract_id {
        Some(id) => Ok(vec![store.stock_report(id)?]),
        None => store
            .contracts()?
            .iter()
            .map(|c| store.stock_report(c.id))
            .collect(),
    }
}

/// The catalogue this laptop holds (the office's contracts, as sync brought them, or those made
/// here): each contract with its current policy, its sites with their devices and its spare
/// parts; of one contract, or of all of them. `now` decides which service periods are over.
pub fn catalogue(
    store: &Store,
    contract_id: Option<ContractId>,
    now: DateTime<Utc>,
) -> Result<Vec<ContractCatalogue>> {
    let today = local_date(now);
    let contracts = match contract_id {
        Some(id) => vec![store.contract(id)?],
        None => store.contracts()?,
    };
    contracts
        .into_iter()
        .map(|contract| {
            let mut devices: BTreeMap<SiteId, Vec<Device>> = BTreeMap::new();
            for device in store.contract_devices(contract.id)? {
                devices.entry(device.site_id).or_default().push(device);
            }
            let sites: Vec<CatalogueSite> = store
                .sites(Some(contract.id))?
                .into_iter()
                .map(|site| CatalogueSite {
                    devices: devices.remove(&site.id).unwrap_or_default(),
                    site,
                })
                .collect();
            Ok(ContractCatalogue {
                service_ended: contract.service_ended(today),
                parts: store.parts(contract.id)?,
                sites,
                contract,
            })
        })
        .collect()
}

/// One stock movement as a front door asks for it; the technician is the profile's, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockMove {
    pub part_id: PartId,
    pub kind: MovementKind,
    pub quantity: i64,
    /// When it happened (default now).
    pub at: Option<DateTime<Utc>>,
    pub fault_id: Option<FaultId>,
    pub old_serial: Option<String>,
    pub new_serial: Option<String>,
    pub note: Option<String>,
}

/// Records one stock movement in the ledger.
pub fn move_stock(
    store: &mut Store,
    stock_move: StockMove,
    now: DateTime<Utc>,
) -> Result<StockMovement> {
    let technician_id = store.profile()?.map(|t| t.id);
    store.record_movement(
        NewMovement {
            part_id: stock_move.part_id,
            kind: stock_move.kind,
            quantity: stock_move.quantity,
            at: stock_move.at.unwrap_or(now),
            technician_id,
            fault_id: stock_move.fault_id,
            old_serial: stock_move.old_serial,
            new_serial: stock_move.new_serial,
            note: stock_move.note,
        },
        now,
    )
}

/// The stock screen's movement: recorded now, answered with the stock of every contract.
pub fn record_movement(
    store: &mut Store,
    part_id: PartId,
    kind: MovementKind,
    quantity: i64,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<Vec<StockReport>> {
    move_stock(
        store,
        StockMove {
            part_id,
            kind,
            quantity,
            at: None,
            fault_id: None,
            old_serial: None,
            new_serial: None,
            note,
        },
        now,
    )?;
    stock(store, None)
}

/// Sets the profile's technician (creating the profile on first use).
pub fn set_profile(
    store: &mut Store,
    name: &str,
    staff_no: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Technician> {
    store.write(|tx| crate::catalog::set_profile(tx, name, staff_no, now))
}

/// A signature's handwriting (an attachment) as a PNG data URL for the window.
pub fn signature_image(store: &Store, sha256: &str) -> Result<Option<String>> {
    Ok(store
        .attachment(sha256)?
        .map(|png| fieldlog_wire::v1::png_data_url(&png)))
}

/// The summary screen: a contract's month (`YYYY-MM`), every figure with the faults behind it
/// (definitions in `fieldlog_domain::summary`).
pub fn summary(
    store: &Store,
    contract_id: ContractId,
    month: &str,
    now: DateTime<Utc>,
) -> Result<SummaryView> {
    let (from, to) = month_range(month)?;
    store.summary_view(contract_id, from, to, now)
}

/// A month (`YYYY-MM`) as the local days `[from, to)`, or why it is not one.
pub fn month_range(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    fieldlog_domain::clocks::month_bounds(month).ok_or_else(|| {
        InvalidInput::new(
            "month",
            format!("无法识别的月份“{month}”，请写成 2026-11"),
            format!("unrecognised month '{month}'; use 2026-11"),
        )
        .into()
    })
}

// Issue 19, reports over a real month: the list with its filters and missing days, a draft
// entry changed or deleted, an entry of a correction changed or struck with its reason.

/// The report screen's list: the profile's technician's reports under the filters, and the
/// chosen month's missing days (each one a "补填" away: [`new_report`]).
pub fn report_list(
    store: &Store,
    query: &fieldlog_wire::v1::ReportListQuery,
    now: DateTime<Utc>,
) -> Result<fieldlog_wire::v1::ReportList> {
    let technician = store.profile()?.map(|t| t.id);
    store.report_list(technician, query, local_date(now))
}

/// Changes an entry of a draft (a correction's with `reason`), answered with its report.
pub fn edit_entry(
    store: &mut Store,
    entry_id: fieldlog_domain::ids::EntryId,
    entry: NewEntry,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    let entry = store.edit_report_entry(entry_id, entry, reason, now)?;
    store.report_document(entry.report_id)
}

/// Deletes a draft entry, or strikes a correction's entry with `reason`, answered with its report.
pub fn remove_entry(
    store: &mut Store,
    entry_id: fieldlog_domain::ids::EntryId,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    let entry = store.remove_report_entry(entry_id, reason, now)?;
    store.report_document(entry.report_id)
}

// ---- Inspections by plan (issue 19 item 5) ------------------------------------------------------

/// The inspections screen (and Today's overdue list): the plans' inspections of the periods begun
/// are made first, so a new month's inspections appear as soon as it begins.
pub fn inspection_list(
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<fieldlog_wire::v1::InspectionList> {
    store.inspection_list(now)
}

pub fn inspection_detail(
    store: &Store,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<fieldlog_wire::v1::InspectionDetail> {
    store.inspection_detail(id, now)
}

pub fn add_inspection_plan(
    store: &mut Store,
    input: fieldlog_wire::v1::NewInspectionPlan,
    now: DateTime<Utc>,
) -> Result<fieldlog_wire::v1::InspectionPlan> {
    store.add_inspection_plan(input, now)
}

pub fn tick_inspection(
    store: &mut Store,
    id: Uuid,
    input: fieldlog_wire::v1::NewTick,
    now: DateTime<Utc>,
) -> Result<fieldlog_wire::v1::InspectionDetail> {
    store.tick_inspection(id, input, now)
}

pub fn note_finding(
    store: &mut Store,
    id: Uuid,
    input: fieldlog_wire::v1::NewFinding,
    now: DateTime<Utc>,
) -> Result<fieldlog_wire::v1::InspectionDetail> {
    store.note_finding(id, input, now)
}

/// A finding turned into a fault; answers the inspection as it now reads (the finding names the
/// fault, which the screen opens).
pub fn finding_to_fault(
    store: &mut Store,
    finding_id: Uuid,
    input: fieldlog_wire::v1::FindingToFault,
    now: DateTime<Utc>,
) -> Result<fieldlog_wire::v1::InspectionDetail> {
    store
        .finding_to_fault(finding_id, input, now)
        .map(|(_, detail)| detail)
}

/// The inspections of a contract done on a day, for that day's report.
pub fn inspections_done_on(
    store: &Store,
    contract_id: ContractId,
    day: NaiveDate,
) -> Result<Vec<fieldlog_wire::v1::InspectionDetail>> {
    store.inspections_done_on(contract_id, day)
}

// Issue 19, item 6: the stock screen's actions (use on its own, give back, transfers, a part
// added by the technician), each answered with the stock of every contract.
mod stock_actions;
pub use stock_actions::*;

// Issue 19, photos: the screens' photo actions.
pub mod photos;
