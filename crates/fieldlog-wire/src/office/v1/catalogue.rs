//! Office API v1: contracts (from a preset or blank), their SLA policies, closing a contract,
//! the sites' and devices' catalogue (one by one, or imported from CSV/XLSX) and the spare-parts
//! catalogue. Every write reaches laptops through the sync feed, as a laptop's push would: the
//! server writes it as its own "office" device, through the same rules (`docs/sync-protocol.md`).
//!
//! Contracts are named by their code (`{code}` below), as grants name them. Project managers write
//! the contracts granted to them (a contract a project manager creates is granted to her), the
//! administrator every contract; customer managers read the contracts granted to them. Another
//! contract's code is answered 404, as one that does not exist.
//!
//! | request | who | body → answer |
//! |---|---|---|
//! | `GET /office/v1/catalogue/presets` | signed in | → [`PresetItem`]s (what the console prefills a new contract with) |
//! | `GET /office/v1/catalogue/contracts` | signed in | → [`ContractSummary`]s it sees |
//! | `POST /office/v1/catalogue/contracts` | administrator, project manager; CSRF | [`NewContract`] → 201 [`ContractDetail`] |
//! | `GET /office/v1/catalogue/contracts/{code}` | granted | → [`ContractDetail`] |
//! | `PUT /office/v1/catalogue/contracts/{code}/policy` | writer, CSRF | [`PolicyEdit`] → [`ContractDetail`] (a new version, for new faults) |
//! | `POST /office/v1/catalogue/contracts/{code}/close` | writer, CSRF | [`CloseContract`] → [`ContractDetail`] |
//! | `GET /office/v1/catalogue/contracts/{code}/sites?q=&offset=&limit=` | granted | → [`SitePage`] |
//! | `POST /office/v1/catalogue/contracts/{code}/sites` | writer, CSRF | [`SiteInput`] → 201 [`SiteItem`] |
//! | `PUT /office/v1/catalogue/contracts/{code}/sites/{id}` | writer, CSRF | [`SiteInput`] → [`SiteItem`] |
//! | `POST /office/v1/catalogue/contracts/{code}/devices` | writer, CSRF | [`DeviceInput`] → 201 [`DeviceItem`] |
//! | `PUT /office/v1/catalogue/contracts/{code}/devices/{id}` | writer, CSRF | [`DeviceInput`] → [`DeviceItem`] |
//! | `POST /office/v1/catalogue/contracts/{code}/import?format=csv\|xlsx` | writer, CSRF | the file as the body (at most [`MAX_IMPORT_BYTES`]) → [`ImportAnswer`] |
//! | `GET /office/v1/catalogue/contracts/{code}/parts` | granted | → [`PartItem`]s |
//! | `POST /office/v1/catalogue/contracts/{code}/parts` | writer, CSRF | [`PartInput`] → 201 [`PartItem`] |
//! | `PUT /office/v1/catalogue/contracts/{code}/parts/{id}` | writer, CSRF | [`PartInput`] → [`PartItem`] |
//!
//! A closed contract refuses every catalogue write with 409 `conflict`; laptops keep syncing the
//! records they made before. An import is all rows or none: a bad file is refused with 422
//! `invalid_input` whose message names every bad row by its spreadsheet number.

use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::SlaPolicy;
use fieldlog_domain::stock::SpareKind;
use serde::{Deserialize, Serialize};

/// Largest import file accepted (a few thousand sites as XLSX are well under it).
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;
/// A sites page holds at most this many sites.
pub const MAX_SITES_PAGE: u32 = 200;

/// A contract preset (domain.md's two contracts): the console fills a new contract's form from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PresetItem {
    /// `fieldlog_domain::sla::Preset::code`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub policy: SlaPolicy,
    pub spare_floor: SpareFloor,
}

/// A contract as the office lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ContractSummary {
    /// The synced contract record's id (the laptops' `contracts.id`).
    pub id: String,
    pub code: String,
    pub name: String,
    pub client: String,
    pub service_start: NaiveDate,
    pub service_end: NaiveDate,
    /// The policy version new faults are opened under.
    pub policy_version: u32,
    /// When the office closed it (then its catalogue is read-only).
    pub closed_at: Option<DateTime<Utc>>,
    pub sites: u32,
    pub devices: u32,
    pub parts: u32,
}

/// `POST /office/v1/catalogue/contracts`: a new contract with its first policy version. The
/// console prefills `policy` and `spare_floor` from a [`PresetItem`] (or leaves them to type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NewContract {
    pub code: String,
    pub name: String,
    pub client: String,
    pub service_start: NaiveDate,
    pub service_end: NaiveDate,
    pub spare_floor: SpareFloor,
    pub policy: SlaPolicy,
    /// Issue 19: technicians may add spare parts to this contract's catalogue on their laptops.
    #[serde(default)]
    pub technicians_add_parts: bool,
}

/// One version of a contract's SLA policy (versions are never changed; a fault keeps its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PolicyVersion {
    pub version: u32,
    pub policy: SlaPolicy,
    /// As the record holds it (the laptop's time text).
    pub created_at: String,
}

/// A contract with its spare floor and every policy version (newest last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ContractDetail {
    pub contract: ContractSummary,
    pub spare_floor: SpareFloor,
    /// The current version's policy (the one new faults are opened under).
    pub policy: SlaPolicy,
    pub versions: Vec<PolicyVersion>,
    /// Issue 19: technicians may add spare parts to this contract's catalogue.
    #[serde(default)]
    pub technicians_add_parts: bool,
}

/// `PUT …/policy`: the contract's next policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PolicyEdit {
    pub policy: SlaPolicy,
}

/// `POST …/close`: the contract ends on `on` (its service period's last day becomes `on`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct CloseContract {
    pub on: NaiveDate,
}

/// A device at a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DeviceItem {
    pub id: String,
    pub site_id: String,
    pub kind: DeviceKind,
    pub model: String,
    pub serial: Option<String>,
}

/// A site with its devices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SiteItem {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: SiteKind,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub devices: Vec<DeviceItem>,
}

/// `GET …/sites?q=&offset=&limit=`: sites whose code or name contains `q`, by code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SitePage {
    pub sites: Vec<SiteItem>,
    /// How many sites match `q` in all.
    pub total: u32,
    pub offset: u32,
}

/// `POST …/sites` (a new site) and `PUT …/sites/{id}` (its new fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    pub code: String,
    pub name: String,
    pub kind: SiteKind,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// `POST …/devices` (a new device) and `PUT …/devices/{id}` (its new fields; it may move to
/// another site of the same contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct DeviceInput {
    pub site_id: String,
    pub kind: DeviceKind,
    pub model: String,
    pub serial: Option<String>,
}

/// A refused import lists at most this many bad rows in its error's `rows` (the message says how
/// many there are in all).
pub const MAX_IMPORT_PROBLEMS: usize = 500;

/// One bad row of a refused import (in the error body's `rows`): its number as the spreadsheet
/// shows it (the header is row 1) and what to fix, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportProblem {
    pub row: u32,
    pub problem: String,
}

/// What an import wrote (as `fieldlog import sites` reports it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportAnswer {
    pub rows: u32,
    pub sites_added: u32,
    pub sites_reused: u32,
    pub devices_added: u32,
    pub devices_skipped: u32,
}

/// A spare part kind of the contract's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PartItem {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    pub model: Option<String>,
    /// A spare of the contract's main equipment (主要设备): the spare floor counts it.
    pub main_equipment: bool,
}

/// `POST …/parts` and `PUT …/parts/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct PartInput {
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    pub model: Option<String>,
    pub main_equipment: bool,
}
