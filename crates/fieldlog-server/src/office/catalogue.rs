//! The office's catalogue (issue 17): contracts with their SLA policies, closing a contract, sites
//! and devices (one by one or imported from CSV/XLSX) and spare parts. Wire types and the route
//! table: `fieldlog_wire::office::v1::catalogue`.
//!
//! **Written as a laptop's push is** (`super::write`). The office is a device of the server's own
//! ([`super::write::OFFICE_DEVICE`], migration 0010, a token hash no token has): every write becomes that device's next numbered
//! changes, applied by [`crate::rules::push`] in the action's one transaction, beside its audit entry. So
//! the rows are exactly the laptop's table rows, their contract is worked out and checked as for
//! any push, contract codes stay unique, each version reaches the feed under the next cursor value
//! and every assigned laptop pulls it unchanged. An edit sends the server's current row as its
//! `base`: a laptop's concurrent edit of another field merges with it, and of the same field is a
//! conflict whose offered value is kept for review while the office's stays
//! (`docs/sync-protocol.md`, "Office writes").
//!
//! The server's own `contracts` table names the contract for assignments and grants, and keeps
//! when and by whom the office closed it: a closed contract's catalogue refuses writes (409),
//! while laptops keep syncing what they recorded.

use super::http::{
    ClientAddress, Office, blocking, changing, csrf, json_body, reading, session_token, writing,
};
use super::write::{Write, new_id, time_text, to_row, write_as_office};
use super::{OfficeError, Result, Session, audit, invalid};
use crate::error::ServerError;
use crate::storage::{Storage, StoredRecord, Tx};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::Lang;
use fieldlog_domain::catalogue as check;
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::{Preset, SlaPolicy};
use fieldlog_domain::stock::SpareKind;
use fieldlog_sheets::plan::device_key;
use fieldlog_sheets::{SiteFileFormat, SiteImportRow};
use fieldlog_wire::office::v1::Role;
use fieldlog_wire::office::v1::catalogue::{
    CloseContract, ContractDetail, ContractSummary, DeviceInput, DeviceItem, ImportAnswer,
    ImportProblem, MAX_IMPORT_BYTES, MAX_IMPORT_PROBLEMS, MAX_SITES_PAGE, NewContract, PartInput,
    PartItem, PolicyEdit, PolicyVersion, PresetItem, SiteInput, SiteItem, SitePage,
};
use fieldlog_wire::sync::v1::Row;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// When and by whom the office closed a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub at: DateTime<Utc>,
    pub by: String,
}

/// What the catalogue needs of a backend's transaction beyond the synced records.
pub trait CatalogueStore {
    /// How many current records of kind `entity` contract `scope` holds.
    fn count_in_scope(&mut self, entity: &str, scope: &str) -> crate::error::Result<i64>;
    fn closed(&mut self, code: &str) -> crate::error::Result<Option<Closed>>;
    fn close(&mut self, code: &str, at: DateTime<Utc>, by: &str) -> crate::error::Result<()>;
}

// ---------------------------------------------------------------------------------------------
// The laptop's table rows (migrations/0001_core.sql, 0003_stock.sql, 0008_contract_promises.sql),
// as the outbox triggers write them.

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ContractRow {
    id: String,
    code: String,
    name: String,
    client: String,
    service_start: NaiveDate,
    service_end: NaiveDate,
    floor_units: i64,
    floor_parts: i64,
    policy_version: i64,
    /// Issue 19 (laptop migration 0014): 1 when technicians may add parts; older rows lack it.
    #[serde(default)]
    technicians_add_parts: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PolicyRow {
    contract_id: String,
    version: i64,
    /// The policy's JSON text, as the laptop keeps it.
    policy: String,
    created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SiteRow {
    id: String,
    contract_id: String,
    code: String,
    name: String,
    kind: SiteKind,
    address: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DeviceRow {
    id: String,
    site_id: String,
    kind: DeviceKind,
    model: String,
    serial: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PartRow {
    id: String,
    contract_id: String,
    code: String,
    name: String,
    kind: SpareKind,
    model: Option<String>,
    /// 0 or 1, as SQLite keeps it; rows from before the column count as main equipment.
    #[serde(default = "one")]
    main_equipment: i64,
}

fn one() -> i64 {
    1
}

fn from_row<T: DeserializeOwned>(record: &StoredRecord) -> Result<T> {
    serde_json::from_value(serde_json::Value::Object(record.row.clone())).map_err(|e| {
        ServerError::Storage(format!(
            "stored {} {} is not a catalogue row: {e}",
            record.entity, record.id
        ))
        .into()
    })
}

// ---------------------------------------------------------------------------------------------
// Who may do what.

/// Project managers and the administrator write the catalogue; customer managers only read it.
fn may_write(session: &Session) -> Result<()> {
    match session.account.role {
        Role::Administrator | Role::ProjectManager => Ok(()),
        Role::CustomerManager => Err(OfficeError::Forbidden),
    }
}

fn not_found(code: &str) -> OfficeError {
    OfficeError::NotFound(format!("合同 {code}"))
}

/// The contract's synced record, if the session sees the contract: another contract reads as
/// one that does not exist.
fn visible(tx: &mut dyn Tx, session: &Session, code: &str) -> Result<StoredRecord> {
    if !super::visible_contracts(tx, &session.account)?
        .iter()
        .any(|c| c.code == code)
    {
        return Err(not_found(code));
    }
    tx.records_in_scope("contracts", code)?
        .into_iter()
        .next()
        .ok_or_else(|| not_found(code))
}

/// The contract's record and row, for a write: the session writes the catalogue, sees the
/// contract, and the contract is not closed.
fn writable(tx: &mut dyn Tx, session: &Session, code: &str) -> Result<(StoredRecord, ContractRow)> {
    may_write(session)?;
    let record = visible(tx, session, code)?;
    if let Some(closed) = tx.catalogue().closed(code)? {
        return Err(OfficeError::Conflict(format!(
            "合同“{code}”已于 {} 关闭，目录不能再修改 (contract {code} was closed: its catalogue is read-only)",
            closed.at.format("%Y-%m-%d")
        )));
    }
    let row = from_row(&record)?;
    Ok((record, row))
}

/// A record of kind `entity` in contract `code`: one of another contract is not found.
fn in_contract(tx: &mut dyn Tx, entity: &str, id: &str, code: &str) -> Result<StoredRecord> {
    tx.record(entity, id)?
        .filter(|r| r.scope.as_deref() == Some(code))
        .ok_or_else(|| OfficeError::NotFound(format!("{entity} {id}")))
}

fn rows_of<T: DeserializeOwned>(tx: &mut dyn Tx, entity: &str, code: &str) -> Result<Vec<T>> {
    tx.records_in_scope(entity, code)?
        .iter()
        .map(from_row)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading.

fn count(tx: &mut dyn Tx, entity: &str, code: &str) -> Result<u32> {
    let n = tx.catalogue().count_in_scope(entity, code)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

fn summary(tx: &mut dyn Tx, contract: &ContractRow) -> Result<ContractSummary> {
    let code = contract.code.as_str();
    Ok(ContractSummary {
        id: contract.id.clone(),
        code: contract.code.clone(),
        name: contract.name.clone(),
        client: contract.client.clone(),
        service_start: contract.service_start,
        service_end: contract.service_end,
        policy_version: u32::try_from(contract.policy_version).unwrap_or(0),
        closed_at: tx.catalogue().closed(code)?.map(|c| c.at),
        sites: count(tx, "sites", code)?,
        devices: count(tx, "devices", code)?,
        parts: count(tx, "spare_parts", code)?,
    })
}

/// The contracts the session sees that have a catalogue (a synced contract record), by code.
pub fn contracts(tx: &mut dyn Tx, session: &Session) -> Result<Vec<ContractSummary>> {
    let mut out = Vec::new();
    for item in super::visible_contracts(tx, &session.account)? {
        if let Some(record) = tx.records_in_scope("contracts", &item.code)?.first() {
            let row: ContractRow = from_row(record)?;
            out.push(summary(tx, &row)?);
        }
    }
    Ok(out)
}

fn policies(tx: &mut dyn Tx, code: &str) -> Result<Vec<PolicyVersion>> {
    let mut versions = rows_of::<PolicyRow>(tx, "sla_policies", code)?
        .into_iter()
        .map(|p| {
            let policy: SlaPolicy = serde_json::from_str(&p.policy).map_err(|e| {
                ServerError::Storage(format!(
                    "stored policy {code}/{} unreadable: {e}",
                    p.version
                ))
            })?;
            Ok(PolicyVersion {
                version: u32::try_from(p.version).unwrap_or(0),
                policy,
                created_at: p.created_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    versions.sort_by_key(|v| v.version);
    Ok(versions)
}

fn detail_of(tx: &mut dyn Tx, contract: &ContractRow) -> Result<ContractDetail> {
    let versions = policies(tx, &contract.code)?;
    let current = u32::try_from(contract.policy_version).unwrap_or(0);
    let policy = versions
        .iter()
        .find(|v| v.version == current)
        .or(versions.last())
        .map(|v| v.policy.clone())
        .ok_or_else(|| {
            ServerError::Storage(format!("contract {} has no SLA policy", contract.code))
        })?;
    Ok(ContractDetail {
        contract: summary(tx, contract)?,
        spare_floor: fieldlog_domain::contract::SpareFloor {
            units: contract.floor_units,
            parts: contract.floor_parts,
        },
        policy,
        versions,
        technicians_add_parts: contract.technicians_add_parts != 0,
    })
}

pub fn detail(tx: &mut dyn Tx, session: &Session, code: &str) -> Result<ContractDetail> {
    let record = visible(tx, session, code)?;
    detail_of(tx, &from_row(&record)?)
}

fn device_item(d: DeviceRow) -> DeviceItem {
    DeviceItem {
        id: d.id,
        site_id: d.site_id,
        kind: d.kind,
        model: d.model,
        serial: d.serial,
    }
}

fn site_item(s: SiteRow, devices: Vec<DeviceItem>) -> SiteItem {
    SiteItem {
        id: s.id,
        code: s.code,
        name: s.name,
        kind: s.kind,
        address: s.address,
        lat: s.lat,
        lon: s.lon,
        devices,
    }
}

#[derive(Debug, Deserialize)]
struct SitesQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: u32,
    #[serde(default = "default_page")]
    limit: u32,
}

fn default_page() -> u32 {
    50
}

/// A page of the contract's sites whose code or name contains `q` (any case), by code.
fn sites_page(
    tx: &mut dyn Tx,
    session: &Session,
    code: &str,
    query: &SitesQuery,
) -> Result<SitePage> {
    visible(tx, session, code)?;
    let q = query.q.trim().to_lowercase();
    let mut sites: Vec<SiteRow> = rows_of::<SiteRow>(tx, "sites", code)?
        .into_iter()
        .filter(|s| {
            q.is_empty() || s.code.to_lowercase().contains(&q) || s.name.to_lowercase().contains(&q)
        })
        .collect();
    sites.sort_by(|a, b| a.code.cmp(&b.code).then_with(|| a.id.cmp(&b.id)));
    let total = u32::try_from(sites.len()).unwrap_or(u32::MAX);
    let limit = query.limit.clamp(1, MAX_SITES_PAGE) as usize;
    let page: Vec<SiteRow> = sites
        .into_iter()
        .skip(query.offset as usize)
        .take(limit)
        .collect();
    let on_page: HashSet<&str> = page.iter().map(|s| s.id.as_str()).collect();
    let mut devices: HashMap<String, Vec<DeviceItem>> = HashMap::new();
    for d in rows_of::<DeviceRow>(tx, "devices", code)? {
        if on_page.contains(d.site_id.as_str()) {
            devices
                .entry(d.site_id.clone())
                .or_default()
                .push(device_item(d));
        }
    }
    let sites = page
        .into_iter()
        .map(|s| {
            let mut at = devices.remove(&s.id).unwrap_or_default();
            at.sort_by(|a, b| a.id.cmp(&b.id));
            site_item(s, at)
        })
        .collect();
    Ok(SitePage {
        sites,
        total,
        offset: query.offset,
    })
}

fn part_item(p: PartRow) -> PartItem {
    PartItem {
        id: p.id,
        code: p.code,
        name: p.name,
        kind: p.kind,
        model: p.model,
        main_equipment: p.main_equipment != 0,
    }
}

fn parts(tx: &mut dyn Tx, session: &Session, code: &str) -> Result<Vec<PartItem>> {
    visible(tx, session, code)?;
    let mut parts: Vec<PartItem> = rows_of::<PartRow>(tx, "spare_parts", code)?
        .into_iter()
        .map(part_item)
        .collect();
    parts.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(parts)
}

pub fn presets() -> Vec<PresetItem> {
    Preset::ALL
        .iter()
        .map(|p| PresetItem {
            code: p.code().to_owned(),
            name_zh: p.name(Lang::ZhCn).to_owned(),
            name_en: p.name(Lang::En).to_owned(),
            policy: p.policy(),
            spare_floor: p.spare_floor(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Writing: each one action, one transaction, its audit entry included.

fn audited(
    tx: &mut dyn Tx,
    session: &Session,
    action: &str,
    detail: serde_json::Value,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    audit(tx, now, Some(&session.account), "", action, detail, address)?;
    Ok(())
}

fn policy_text(policy: &SlaPolicy) -> String {
    serde_json::to_string(policy).expect("a policy serialises")
}

/// Creates a contract with its first policy version; a project manager is granted it.
pub fn add_contract(
    tx: &mut dyn Tx,
    session: &Session,
    new: &NewContract,
    address: &str,
    now: DateTime<Utc>,
) -> Result<ContractDetail> {
    may_write(session)?;
    let text = check::check_contract(
        &new.code,
        &new.name,
        &new.client,
        new.service_start,
        new.service_end,
    )
    .map_err(invalid)?;
    let floor = check::check_spare_floor(new.spare_floor).map_err(invalid)?;
    check::check_policy(&new.policy).map_err(invalid)?;
    tx.add_contract(&text.code, &text.name)?;
    if session.account.role.needs_grants() {
        let mut granted = tx.office().grants(&session.account.id)?;
        granted.push(text.code.clone());
        granted.sort();
        granted.dedup();
        tx.office().set_grants(&session.account.id, &granted)?;
    }
    let contract = ContractRow {
        id: new_id(),
        code: text.code,
        name: text.name,
        client: text.client,
        service_start: new.service_start,
        service_end: new.service_end,
        floor_units: floor.units,
        floor_parts: floor.parts,
        policy_version: 1,
        technicians_add_parts: i64::from(new.technicians_add_parts),
    };
    let policy = PolicyRow {
        contract_id: contract.id.clone(),
        version: 1,
        policy: policy_text(&new.policy),
        created_at: time_text(now),
    };
    write_as_office(
        tx,
        &contract.code,
        vec![
            Write::insert("contracts", to_row(&contract)),
            Write::insert("sla_policies", to_row(&policy)),
        ],
        now,
    )?;
    audited(
        tx,
        session,
        "contract_add",
        serde_json::json!({
            "code": contract.code, "id": contract.id, "name": contract.name,
            "client": contract.client,
        }),
        address,
        now,
    )?;
    detail_of(tx, &contract)
}

/// The contract's next policy version (new faults are opened under it; faults already recorded
/// keep theirs). The same policy again writes nothing.
pub fn edit_policy(
    tx: &mut dyn Tx,
    session: &Session,
    code: &str,
    edit: &PolicyEdit,
    address: &str,
    now: DateTime<Utc>,
) -> Result<ContractDetail> {
    let (record, contract) = writable(tx, session, code)?;
    check::check_policy(&edit.policy).map_err(invalid)?;
    let versions = policies(tx, code)?;
    let current = versions
        .iter()
        .find(|v| i64::from(v.version) == contract.policy_version);
    if current.is_some_and(|v| v.policy == edit.policy) {
        return detail_of(tx, &contract);
    }
    let version = versions.last().map_or(0, |v| i64::from(v.version)) + 1;
    let policy = PolicyRow {
        contract_id: contract.id.clone(),
        version,
        policy: policy_text(&edit.policy),
        created_at: time_text(now),
    };
    let mut fields = Row::new();
    fields.insert("policy_version".into(), version.into());
    write_as_office(
        tx,
        code,
        vec![
            Write::insert("sla_policies", to_row(&policy)),
            Write::update("contracts", &record, fields),
        ],
        now,
    )?;
    audited(
        tx,
        session,
        "policy_edit",
        serde_json::json!({ "code": code, "version": version }),
        address,
        now,
    )?;
    detail_of(
        tx,
        &ContractRow {
            policy_version: version,
            ..contract
        },
    )
}

/// Closes the contract on `on`: its service period ends that day (laptops learn it through
/// sync) and its catalogue is read-only from now on.
pub fn close(
    tx: &mut dyn Tx,
    session: &Session,
    code: &str,
    request: &CloseContract,
    address: &str,
    now: DateTime<Utc>,
) -> Result<ContractDetail> {
    let (record, contract) = writable(tx, session, code)?;
    if request.on < contract.service_start {
        return Err(OfficeError::Invalid(format!(
            "关闭日期 {} 早于服务开始日期 {} (the closing date is before the service period starts)",
            request.on, contract.service_start
        )));
    }
    // Closing ends the period early or on its last day; a later date would lengthen it and then
    // lock the catalogue, which is an extension, not a closing.
    if request.on > contract.service_end {
        return Err(OfficeError::Invalid(format!(
            "关闭日期 {} 晚于服务结束日期 {}；关闭只能提前或按期结束合同，延期请修改合同 (the closing date is after the service period ends: closing cannot extend a contract)",
            request.on, contract.service_end
        )));
    }
    if request.on != contract.service_end {
        let mut fields = Row::new();
        fields.insert("service_end".into(), request.on.to_string().into());
        write_as_office(
            tx,
            code,
            vec![Write::update("contracts", &record, fields)],
            now,
        )?;
    }
    tx.catalogue().close(code, now, &session.account.login)?;
    audited(
        tx,
        session,
        "contract_close",
        serde_json::json!({ "code": code, "on": request.on, "service_end_before": contract.service_end }),
        address,
        now,
    )?;
    detail_of(
        tx,
        &ContractRow {
            service_end: request.on,
            ..contract
        },
    )
}

fn site_fields(input: &SiteInput) -> Result<Row> {
    let text = check::check_site(&input.code, &input.name, &input.address).map_err(invalid)?;
    let location = check::check_location(input.lat, input.lon).map_err(invalid)?;
    let mut row = Row::new();
    row.insert("code".into(), text.code.into());
    row.insert("name".into(), text.name.into());
    row.insert("kind".into(), input.kind.code().into());
    row.insert("address".into(), text.address.into());
    row.insert("lat".into(), location.map(|l| l.0).into());
    row.insert("lon".into(), location.map(|l| l.1).into());
    Ok(row)
}

/// Refuses a code another record of the contract's `entity` has (the laptop's tables keep
/// (contract, code) unique).
fn code_free(
    tx: &mut dyn Tx,
    entity: &str,
    code: &str,
    wanted: &str,
    except: Option<&str>,
) -> Result<()> {
    let taken = tx.records_in_scope(entity, code)?.iter().any(|r| {
        Some(r.id.as_str()) != except && r.row.get("code").and_then(|v| v.as_str()) == Some(wanted)
    });
    if taken {
        return Err(OfficeError::Conflict(format!(
            "编号“{wanted}”在该合同中已存在，请换一个 (code {wanted} is taken in this contract)"
        )));
    }
    Ok(())
}

fn saved<T: DeserializeOwned>(tx: &mut dyn Tx, entity: &str, id: &str) -> Result<T> {
    let record = tx
        .record(entity, id)?
        .ok_or_else(|| ServerError::Storage(format!("{entity} {id} was just saved")))?;
    from_row(&record)
}

/// Adds a site (`id` None) or edits one; an edit that changes nothing writes nothing.
pub fn save_site(
    tx: &mut dyn Tx,
    session: &Session,
    code: &str,
    id: Option<&str>,
    input: &SiteInput,
    address: &str,
    now: DateTime<Utc>,
) -> Result<SiteItem> {
    let (_, contract) = writable(tx, session, code)?;
    let current = id
        .map(|id| in_contract(tx, "sites", id, code))
        .transpose()?;
    let mut fields = site_fields(input)?;
    let wanted = fields["code"].as_str().unwrap_or_default().to_owned();
    code_free(tx, "sites", code, &wanted, id)?;
    let (write, id) = match &current {
        Some(current) => (Write::update("sites", current, fields), current.id.clone()),
        None => {
            let id = new_id();
            fields.insert("id".into(), id.clone().into());
            fields.insert("contract_id".into(), contract.id.clone().into());
            (Write::insert("sites", fields), id)
        }
    };
    if current.as_ref().is_none_or(|c| c.row != write.row) {
        write_as_office(tx, code, vec![write], now)?;
        audited(
            tx,
            session,
            if current.is_some() {
                "site_edit"
            } else {
                "site_add"
            },
            serde_json::json!({ "contract": code, "site_id": id, "code": wanted }),
            address,
            now,
        )?;
    }
    let site: SiteRow = saved(tx, "sites", &id)?;
    let devices = rows_of::<DeviceRow>(tx, "devices", code)?
        .into_iter()
        .filter(|d| d.site_id == id)
        .map(device_item)
        .collect();
    Ok(site_item(site, devices))
}

/// Adds a device (`id` None) or edits one (it may move to another site of the contract).
pub fn save_device(
    tx: &mut dyn Tx,
    session: &Session,
    code: &str,
    id: Option<&str>,
    input: &DeviceInput,
    address: &str,
    now: DateTime<Utc>,
) -> Result<DeviceItem> {
    writable(tx, session, code)?;
    let current = id
        .map(|id| in_contract(tx, "devices", id, code))
        .transpose()?;
    in_contract(tx, "sites", &input.site_id, code)?;
    let (model, serial) =
        check::check_device(&input.model, input.serial.as_deref()).map_err(invalid)?;
    let mut fields = Row::new();
    fields.insert("site_id".into(), input.site_id.clone().into());
    fields.insert("kind".into(), input.kind.code().into());
    fields.insert("model".into(), model.into());
    fields.insert("serial".into(), serial.into());
    let (write, id) = match &current {
        Some(current) => (
            Write::update("devices", current, fields),
            current.id.clone(),
        ),
        None => {
            let id = new_id();
            fields.insert("id".into(), id.clone().into());
            (Write::insert("devices", fields), id)
        }
    };
    if current.as_ref().is_none_or(|c| c.row != write.row) {
        write_as_office(tx, code, vec![write], now)?;
        audited(
            tx,
            session,
            if current.is_some() {
                "device_edit"
            } else {
                "device_add"
            },
            serde_json::json!({ "contract": code, "device_id": id, "site_id": input.site_id }),
            address,
            now,
        )?;
    }
    Ok(device_item(saved(tx, "devices", &id)?))
}

/// Adds a spare part kind (`id` None) or edits one.
pub fn save_part(
    tx: &mut dyn Tx,
    session: &Session,
    code: &str,
    id: Option<&str>,
    input: &PartInput,
    address: &str,
    now: DateTime<Utc>,
) -> Result<PartItem> {
    let (_, contract) = writable(tx, session, code)?;
    let current = id
        .map(|id| in_contract(tx, "spare_parts", id, code))
        .transpose()?;
    let (part_code, name, model) =
        check::check_part(&input.code, &input.name, input.model.as_deref()).map_err(invalid)?;
    code_free(tx, "spare_parts", code, &part_code, id)?;
    let mut fields = Row::new();
    fields.insert("code".into(), part_code.clone().into());
    fields.insert("name".into(), name.into());
    fields.insert("kind".into(), input.kind.code().into());
    fields.insert("model".into(), model.into());
    fields.insert(
        "main_equipment".into(),
        i64::from(input.main_equipment).into(),
    );
    let (write, id) = match &current {
        Some(current) => (
            Write::update("spare_parts", current, fields),
            current.id.clone(),
        ),
        None => {
            let id = new_id();
            fields.insert("id".into(), id.clone().into());
            fields.insert("contract_id".into(), contract.id.clone().into());
            (Write::insert("spare_parts", fields), id)
        }
    };
    if current.as_ref().is_none_or(|c| c.row != write.row) {
        write_as_office(tx, code, vec![write], now)?;
        audited(
            tx,
            session,
            if current.is_some() {
                "part_edit"
            } else {
                "part_add"
            },
            serde_json::json!({ "contract": code, "part_id": id, "code": part_code }),
            address,
            now,
        )?;
    }
    Ok(part_item(saved(tx, "spare_parts", &id)?))
}

/// Imports sites and devices: every row checked (`fieldlog_sheets::plan`, as the laptop's
/// import), then all written, or none with every bad row named.
pub fn import(
    tx: &mut dyn Tx,
    session: &Session,
    code: &str,
    rows: &[SiteImportRow],
    address: &str,
    now: DateTime<Utc>,
) -> Result<ImportAnswer> {
    let (_, contract) = writable(tx, session, code)?;
    let sites = rows_of::<SiteRow>(tx, "sites", code)?;
    let mut site_ids: HashMap<String, String> = sites
        .iter()
        .map(|s| (s.code.clone(), s.id.clone()))
        .collect();
    let code_of: HashMap<&str, &str> = sites
        .iter()
        .map(|s| (s.id.as_str(), s.code.as_str()))
        .collect();
    let present = rows_of::<DeviceRow>(tx, "devices", code)?
        .iter()
        .filter_map(|d| {
            code_of
                .get(d.site_id.as_str())
                .map(|site| device_key(site, d.kind, &d.model, d.serial.as_deref()))
        })
        .collect();
    let codes: HashSet<String> = site_ids.keys().cloned().collect();
    let plan = fieldlog_sheets::plan(rows, &codes, present).map_err(|refusal| {
        let message = format!("{refusal} ({})", refusal.message_en());
        match refusal {
            fieldlog_sheets::ImportRefusal::BadRows(problems) => OfficeError::BadRows {
                message,
                rows: problems
                    .into_iter()
                    .take(MAX_IMPORT_PROBLEMS)
                    .map(|(row, problem)| ImportProblem {
                        row: u32::try_from(row).unwrap_or(u32::MAX),
                        problem,
                    })
                    .collect(),
            },
            fieldlog_sheets::ImportRefusal::Empty => OfficeError::Invalid(message),
        }
    })?;
    let mut writes = Vec::with_capacity(plan.sites.len() + plan.devices.len());
    for site in &plan.sites {
        let row = SiteRow {
            id: new_id(),
            contract_id: contract.id.clone(),
            code: site.code.clone(),
            name: site.name.clone(),
            kind: site.kind,
            address: site.address.clone(),
            lat: site.location.map(|l| l.0),
            lon: site.location.map(|l| l.1),
        };
        site_ids.insert(row.code.clone(), row.id.clone());
        writes.push(Write::insert("sites", to_row(&row)));
    }
    for device in &plan.devices {
        let row = DeviceRow {
            id: new_id(),
            site_id: site_ids[&device.site_code].clone(),
            kind: device.kind,
            model: device.model.clone(),
            serial: device.serial.clone(),
        };
        writes.push(Write::insert("devices", to_row(&row)));
    }
    write_as_office(tx, code, writes, now)?;
    let r = &plan.report;
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    let answer = ImportAnswer {
        rows: n(r.rows),
        sites_added: n(r.sites_added),
        sites_reused: n(r.sites_reused),
        devices_added: n(r.devices_added),
        devices_skipped: n(r.devices_skipped),
    };
    audited(
        tx,
        session,
        "sites_import",
        serde_json::json!({ "contract": code, "report": answer }),
        address,
        now,
    )?;
    Ok(answer)
}

// ---------------------------------------------------------------------------------------------
// Routes.

/// The catalogue's routes, merged into the office router (`super::http::routes`), which adds
/// the body limit, the no-store header and the state. The import alone takes a larger body.
pub(crate) fn routes<S: Storage>() -> Router<Office<S>> {
    const CONTRACT: &str = "/office/v1/catalogue/contracts/{code}";
    Router::new()
        .route("/office/v1/catalogue/presets", get(presets_get::<S>))
        .route(
            "/office/v1/catalogue/contracts",
            get(contracts_get::<S>).post(contract_post::<S>),
        )
        .route(CONTRACT, get(contract_get::<S>))
        .route(&format!("{CONTRACT}/policy"), put(policy_put::<S>))
        .route(&format!("{CONTRACT}/close"), post(close_post::<S>))
        .route(
            &format!("{CONTRACT}/sites"),
            get(sites_get::<S>).post(site_post::<S>),
        )
        .route(&format!("{CONTRACT}/sites/{{id}}"), put(site_put::<S>))
        .route(&format!("{CONTRACT}/devices"), post(device_post::<S>))
        .route(&format!("{CONTRACT}/devices/{{id}}"), put(device_put::<S>))
        .route(
            &format!("{CONTRACT}/import"),
            post(import_post::<S>).layer(axum::extract::DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route(
            &format!("{CONTRACT}/parts"),
            get(parts_get::<S>).post(part_post::<S>),
        )
        .route(&format!("{CONTRACT}/parts/{{id}}"), put(part_put::<S>))
}

type Body = std::result::Result<Bytes, BytesRejection>;

fn created(value: impl Serialize) -> Response {
    (StatusCode::CREATED, axum::Json(value)).into_response()
}

fn ok(value: impl Serialize) -> Response {
    axum::Json(value).into_response()
}

async fn presets_get<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
) -> Result<Response> {
    reading(&office, &headers, |_, _| Ok(())).await?;
    Ok(ok(presets()))
}

async fn contracts_get<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
) -> Result<Response> {
    Ok(ok(reading(&office, &headers, contracts).await?))
}

async fn contract_post<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    let sent = headers.clone();
    let detail = writing(&office, &headers, move |tx, session, now| {
        may_write(session)?;
        let new: NewContract = json_body(&sent, body)?;
        add_contract(tx, session, &new, &address, now)
    })
    .await?;
    Ok(created(detail))
}

async fn contract_get<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response> {
    Ok(ok(reading(&office, &headers, move |tx, session| {
        detail(tx, session, &code)
    })
    .await?))
}

async fn sites_get<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    query: std::result::Result<Query<SitesQuery>, QueryRejection>,
) -> Result<Response> {
    let page = reading(&office, &headers, move |tx, session| {
        let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
        sites_page(tx, session, &code, &query)
    })
    .await?;
    Ok(ok(page))
}

async fn parts_get<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response> {
    Ok(ok(reading(&office, &headers, move |tx, session| {
        parts(tx, session, &code)
    })
    .await?))
}

/// A catalogue write of contract `code` with a JSON body: the body (at most the office's 64 KiB)
/// has been buffered by the extractor; the session, its CSRF token and its right to write the
/// contract are checked before it is parsed; then `work` runs with the body in the same
/// transaction, and its answer is sent with `status`.
#[allow(clippy::too_many_arguments)]
async fn write_json<S: Storage, B: DeserializeOwned, T: Serialize + Send + 'static>(
    office: Office<S>,
    address: String,
    headers: HeaderMap,
    code: String,
    body: Body,
    status: StatusCode,
    work: impl FnOnce(&mut dyn Tx, &Session, &str, &B, &str, DateTime<Utc>) -> Result<T>
    + Send
    + 'static,
) -> Result<Response> {
    let sent = headers.clone();
    let value = writing(&office, &headers, move |tx, session, now| {
        writable(tx, session, &code)?;
        let input: B = json_body(&sent, body)?;
        work(tx, session, &code, &input, &address, now)
    })
    .await?;
    Ok((status, axum::Json(value)).into_response())
}

/// The parts of a catalogue write's request: the state, the client's address and the headers.
type Parts<S> = (State<Office<S>>, ClientAddress, HeaderMap);

async fn policy_put<S: Storage>(
    (State(office), ClientAddress(address), headers): Parts<S>,
    Path(code): Path<String>,
    body: Body,
) -> Result<Response> {
    write_json(
        office,
        address,
        headers,
        code,
        body,
        StatusCode::OK,
        edit_policy,
    )
    .await
}

async fn close_post<S: Storage>(
    (State(office), ClientAddress(address), headers): Parts<S>,
    Path(code): Path<String>,
    body: Body,
) -> Result<Response> {
    write_json(office, address, headers, code, body, StatusCode::OK, close).await
}

async fn site_post<S: Storage>(
    (State(office), ClientAddress(address), headers): Parts<S>,
    Path(code): Path<String>,
    body: Body,
) -> Result<Response> {
    let work = |tx: &mut dyn Tx, s: &Session, code: &str, input: &SiteInput, address: &str, now| {
        save_site(tx, s, code, None, input, address, now)
    };
    write_json(
        office,
        address,
        headers,
        code,
        body,
        StatusCode::CREATED,
        work,
    )
    .await
}

async fn site_put<S: Storage>(
    (State(office), ClientAddress(address), headers): Parts<S>,
    Path((code, id)): Path<(String, String)>,
    body: Body,
) -> Result<Response> {
    let work =
        move |tx: &mut dyn Tx, s: &Session, code: &str, input: &SiteInput, address: &str, now| {
            save_site(tx, s, code, Some(&id), input, address, now)
        };
    write_json(office, address, headers, code, body, StatusCode::OK, work).await
}

async fn device_post<S: Storage>(
    (State(office), ClientAddress(address), headers): Parts<S>,
    Path(code): Path<String>,
    body: Body,
) -> Result<Response> {
    let work =
        |tx: &mut dyn Tx, s: &Session, code: &str, input: &DeviceInput, address: &str, now| {
            save_device(tx, s, code, None, input, address, now)
        };
    write_json(
        office,
        address,
        headers,
        code,
        body,
        StatusCode::CREATED,
        work,
    )
    .await
}

async fn device_put<S: Storage>(
    (State(office), ClientAddress(address), headers): Parts<S>,
    Path((code, id)): Path<(String, String)>,
    body: Body,
) -> Result<Response> {
    let work =
        move |tx: &mut dyn Tx, s: &Session, code: &str, input: &DeviceInput, address: &str, now| {
            save_device(tx, s, code, Some(&id), input, address, now)
        };
    write_json(office, address, headers, code, body, StatusCode::OK, work).await
}

async fn part_post<S: Storage>(
    (State(office), ClientAddress(address), headers): Parts<S>,
    Path(code): Path<String>,
    body: Body,
) -> Result<Response> {
    let work = |tx: &mut dyn Tx, s: &Session, code: &str, input: &PartInput, address: &str, now| {
        save_part(tx, s, code, None, input, address, now)
    };
    write_json(
        office,
        address,
        headers,
        code,
        body,
        StatusCode::CREATED,
        work,
    )
    .await
}

async fn part_put<S: Storage>(
    (State(office), ClientAddress(address), headers): Parts<S>,
    Path((code, id)): Path<(String, String)>,
    body: Body,
) -> Result<Response> {
    let work =
        move |tx: &mut dyn Tx, s: &Session, code: &str, input: &PartInput, address: &str, now| {
            save_part(tx, s, code, Some(&id), input, address, now)
        };
    write_json(office, address, headers, code, body, StatusCode::OK, work).await
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    format: String,
}

/// The session, its CSRF token and its right to write the contract are checked BEFORE the body
/// is read (the request is taken whole, its body unread): an anonymous client cannot make the
/// server hold 8 MiB. The file is then read outside any transaction (an 8 MiB XLSX takes a
/// while), and checked again, planned and written in one transaction.
async fn import_post<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(code): Path<String>,
    query: std::result::Result<Query<ImportQuery>, QueryRejection>,
    request: axum::extract::Request,
) -> Result<Response> {
    let now = (office.options.clock)();
    let (token, csrf) = (session_token(&headers), csrf(&headers));
    let storage = office.storage.clone();
    let checked = code.clone();
    let (check_token, check_csrf) = (token.clone(), csrf.clone());
    blocking(move || {
        super::in_read(&*storage, |tx| {
            let session = super::authenticate(tx, check_token.as_deref(), now, false)?;
            session.check_csrf(check_csrf.as_deref())?;
            writable(tx, &session, &checked).map(|_| ())
        })
    })
    .await?;
    let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
    let format = SiteFileFormat::from_extension(&query.format).ok_or_else(|| {
        OfficeError::Invalid("format 须为 csv 或 xlsx (format must be csv or xlsx)".into())
    })?;
    // The route's `DefaultBodyLimit` travels in the request's extensions, so this read stops
    // at MAX_IMPORT_BYTES.
    let bytes = <Bytes as axum::extract::FromRequest<()>>::from_request(request, &())
        .await
        .map_err(|rejection| match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ServerError::TooLarge {
                limit: MAX_IMPORT_BYTES,
            },
            _ => ServerError::Malformed(rejection.body_text()),
        })?;
    let storage = office.storage.clone();
    let answer = blocking(move || {
        let rows = fieldlog_sheets::read_site_bytes(&bytes, format, "上传的文件")
            .map_err(|e| OfficeError::Invalid(format!("{e} ({})", e.message_en())))?;
        super::in_transaction(&*storage, |tx| {
            let session = changing(tx, token.as_deref(), csrf.as_deref(), now)?;
            import(tx, &session, &code, &rows, &address, now)
        })
    })
    .await?;
    Ok(ok(answer))
}
