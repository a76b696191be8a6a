//! What the desktop app calls. Each function is one user action (one transaction) or one screen's
//! read, and returns what the screen shows next, so a Tauri command stays one call into the core.

use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use fieldlog_domain::arrival::{Arrival, NewArrival};
use fieldlog_domain::fault::FaultEventKind;
use fieldlog_domain::ids::{ArrivalId, ContractId, FaultId, PartId, ReportId, SiteId};
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::signature::NewSignature;
use fieldlog_domain::site::GeoPoint;
use fieldlog_domain::stock::MovementKind;
use fieldlog_domain::technician::Technician;
use fieldlog_domain::time::local_date;
use fieldlog_domain::validate::InvalidInput;
use fieldlog_wire::v1::{
    CapturedSignature, CompletionForm, FaultDetail, InspectionRow, ReportDocument, StockReport,
    SummaryView, Today,
};
use uuid::Uuid;

fn profile(store: &Store) -> Result<Technician> {
    store.profile()?.ok_or_else(|| {
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
    Ok(Today {
        now,
        local_date: day,
        open_faults: store.open_fault_rows(now)?,
        inspections: store.due_inspections(day)?,
        reports,
        technician,
    })
}

pub fn check_in(
    store: &mut Store,
    site_id: SiteId,
    fault_id: Option<FaultId>,
    location: Option<GeoPoint>,
    site_confirmed_by_hand: bool,
    now: DateTime<Utc>,
) -> Result<Arrival> {
    let technician = profile(store)?;
    store.record_arrival(
        NewArrival {
            technician_id: technician.id,
            site_id,
            fault_id,
            arrived_at: now,
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

pub fn substitute_spare(
    store: &mut Store,
    fault_id: FaultId,
    part_id: PartId,
    serial: Option<String>,
    now: DateTime<Utc>,
) -> Result<FaultDetail> {
    let technician = store.profile()?.map(|t| t.id);
    store.substitute_spare(fault_id, part_id, serial.as_deref(), technician, now, now)?;
    store.fault_detail(fault_id, now)
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
            format!("没有预设规则“{preset}”，请选择县公安局村警查询服务或市电子政务外网"),
            format!(
                "no preset '{preset}'; choose county-police-village-query or city-egov-extranet"
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
    let technician = profile(store)?;
    let id = store.write(|tx| crate::reports::today_report(tx, technician.id, contract_id, now))?;
    store.report_document(id)
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

pub fn sign_report(
    store: &mut Store,
    report_id: ReportId,
    captured: CapturedSignature,
    now: DateTime<Utc>,
) -> Result<ReportDocument> {
    store.sign_report(report_id, signature(captured)?, now)?;
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

/// Stock of every contract.
pub fn stock(store: &Store) -> Result<Vec<StockReport>> {
    store
        .contracts()?
        .iter()
        .map(|c| store.stock_report(c.id))
        .collect()
}

pub fn record_movement(
    store: &mut Store,
    part_id: PartId,
    kind: MovementKind,
    quantity: i64,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<Vec<StockReport>> {
    let technician_id = store.profile()?.map(|t| t.id);
    store.record_movement(
        crate::NewMovement {
            part_id,
            kind,
            quantity,
            at: now,
            technician_id,
            fault_id: None,
            old_serial: None,
            new_serial: None,
            note,
        },
        now,
    )?;
    stock(store)
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
    let (from, to) = fieldlog_domain::clocks::month_bounds(month).ok_or_else(|| {
        InvalidInput::new(
            "month",
            format!("无法识别的月份“{month}”，请写成 2026-11"),
            format!("unrecognised month '{month}'; use 2026-11"),
        )
    })?;
    store.summary_view(contract_id, from, to, now)
}
