//! The first start without demo data (issue 19): what the first-start screen reads (is there a
//! technician, a contract, an enrollment?), what the laptop holds of the catalogue (shown after
//! the first sync round), and the work-alone path: a laptop that is not enrolled makes its first
//! contract from one of the two presets, with the preset's SLA policy and spare floor, then its
//! sites on the catalogue screen. The
//! enrollment path is `fieldlog_sync::enrollment` (it needs the network); both front doors call
//! these, as they call `desk`.

use crate::{Result, Store};
use chrono::{DateTime, Utc};
use fieldlog_domain::contract::Contract;
use fieldlog_domain::sla::Preset;
use fieldlog_domain::validate::InvalidInput;
use fieldlog_wire::v1::{
    AloneContract, Arrived, ContractCatalogue, FirstStart, NewSiteForm, PresetChoice,
};

/// The first-start screen's read. `host_name` is the OS's (the caller asks it: the store does
/// not), offered as the laptop's name at enrollment.
pub fn first_start(store: &Store, host_name: Option<String>) -> Result<FirstStart> {
    let technician = store.profile()?;
    let contracts = held(store)?.contracts;
    let enrolled = store.enrollment()?.is_some();
    Ok(FirstStart {
        needed: technician.is_none() || (contracts == 0 && !enrolled),
        technician,
        contracts,
        enrolled,
        host_name: host_name.filter(|name| !name.trim().is_empty()),
        presets: Preset::ALL
            .into_iter()
            .map(|preset| {
                let floor = preset.spare_floor();
                PresetChoice {
                    code: preset.code().to_owned(),
                    spare_units: floor.units,
                    spare_parts: floor.parts,
                }
            })
            .collect(),
    })
}

/// How many contracts, sites and spare parts this laptop holds (after a first sync round: what
/// arrived).
pub fn held(store: &Store) -> Result<Arrived> {
    Ok(store.conn.query_row(
        "SELECT (SELECT count(*) FROM contracts),
                (SELECT count(*) FROM sites),
                (SELECT count(*) FROM spare_parts)",
        [],
        |row| {
            Ok(Arrived {
                contracts: row.get(0)?,
                sites: row.get(1)?,
                parts: row.get(2)?,
            })
        },
    )?)
}

/// Work alone (单机使用): the technician's first contract, from a preset: its SLA policy exactly
/// as the contract promises it and its spare floor. One transaction; a technician must be named
/// first (the contract's work is recorded in their name).
pub fn start_alone(
    store: &mut Store,
    form: &AloneContract,
    now: DateTime<Utc>,
) -> Result<Contract> {
    crate::desk::technician(store)?;
    let preset = Preset::from_code(form.preset.trim()).ok_or_else(|| {
        InvalidInput::new(
            "preset",
            "请选择合同模板：县公安局村警查询服务或市电子政务外网",
            "choose a contract preset: the county police village query service or the city e-government extranet",
        )
    })?;
    let day = |value: Option<chrono::NaiveDate>, field: &'static str| {
        value.ok_or_else(|| {
            InvalidInput::new(
                field,
                "请填写服务期的开始和结束日期",
                "fill in the first and last day of the service period",
            )
        })
    };
    let service_start = day(form.service_start, "service_start")?;
    let service_end = day(form.service_end, "service_end")?;
    store.add_contract(
        &form.code,
        &form.name,
        &form.client,
        service_start,
        service_end,
        preset.spare_floor(),
        &preset.policy(),
        now,
    )
}

/// A site added on the catalogue screen (what a work-alone laptop needs before its first fault or
/// report entry; an enrolled laptop's sites usually come from the office): one transaction, then
/// the catalogue as the screen shows it next.
pub fn add_site(
    store: &mut Store,
    form: &NewSiteForm,
    now: DateTime<Utc>,
) -> Result<Vec<ContractCatalogue>> {
    store.add_site(crate::NewSite {
        contract_id: form.contract_id,
        code: form.code.clone(),
        name: form.name.clone(),
        kind: form.kind,
        address: form.address.clone(),
        location: None,
    })?;
    crate::desk::catalogue(store, None, now)
}
