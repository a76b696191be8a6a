//! Importing sites (点位) and their devices from a client's list, one user action: every row is
//! checked, and one bad row means nothing of the file is written (one transaction, rolled back),
//! with every bad row reported by its row number and what to fix.
//!
//! A row is one device at a site; a site with several devices appears on several rows (the first
//! row with a site code defines the site; a row without a device kind and model only names the
//! site). A site code already in the contract is reused, not refused, and a device already at its
//! site (same serial, or same kind and model when there is no serial) is skipped, so importing
//! the same file twice adds nothing the second time.

use crate::catalog::{self, NewDevice, NewSite};
use crate::{Result, Store, StoreError};
use fieldlog_domain::InvalidInput;
use fieldlog_domain::ids::{ContractId, SiteId};
use fieldlog_domain::site::{DeviceKind, GeoPoint, SiteKind};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;

/// One row as read from the file, cells as text (trimmed by the reader, empty when blank).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteImportRow {
    /// The row's number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub site_code: String,
    pub site_name: String,
    /// A code (`camera_pole`) or its Chinese label (监控杆).
    pub site_kind: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    pub device_kind: String,
    pub device_model: String,
    pub serial: String,
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub sites_added: usize,
    pub sites_reused: usize,
    pub devices_added: usize,
    pub devices_skipped: usize,
}

/// At most this many bad rows are listed; a file with more is probably the wrong file.
const MAX_LISTED: usize = 20;

fn kind_of<T: Copy + std::str::FromStr>(
    text: &str,
    all: &[T],
    label: impl Fn(T) -> &'static str,
) -> Option<T> {
    text.parse()
        .ok()
        .or_else(|| all.iter().copied().find(|k| label(*k) == text))
}

fn labels<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|k| label(*k)).collect::<Vec<_>>().join("、")
}

fn location(row: &SiteImportRow) -> std::result::Result<Option<GeoPoint>, String> {
    match (row.lat.as_str(), row.lon.as_str()) {
        ("", "") => Ok(None),
        (lat, lon) => {
            let lat: f64 = lat.parse().map_err(|_| format!("纬度“{lat}”不是数字"))?;
            let lon: f64 = lon.parse().map_err(|_| format!("经度“{lon}”不是数字"))?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(format!("经纬度 {lat}, {lon} 超出范围"));
            }
            Ok(Some(GeoPoint {
                lat,
                lon,
                accuracy_m: None,
            }))
        }
    }
}

/// A refused row's reason for the report: the Chinese message of a failed check.
fn reason(error: StoreError) -> String {
    match error {
        StoreError::Invalid(e) => e.message_zh,
        other => other.to_string(),
    }
}

/// Checks and writes one row; `Err` is the reason, in Chinese, for the row report.
fn import_row(
    conn: &Connection,
    contract_id: ContractId,
    row: &SiteImportRow,
    sites: &mut HashMap<String, SiteId>,
    report: &mut ImportReport,
) -> std::result::Result<(), String> {
    let code = row.site_code.trim();
    if code.is_empty() {
        return Err("缺少点位编号".into());
    }
    let site_id = match sites.get(code) {
        Some(id) => *id,
        None => {
            let kind =
                kind_of(&row.site_kind, SiteKind::ALL, SiteKind::label_zh).ok_or_else(|| {
                    format!(
                        "点位类型“{}”无法识别，请填写：{}",
                        row.site_kind,
                        labels(SiteKind::ALL, SiteKind::label_zh)
                    )
                })?;
            let site = catalog::add_site(
                conn,
                NewSite {
                    contract_id,
                    code: code.into(),
                    name: row.site_name.clone(),
                    kind,
                    address: row.address.clone(),
                    location: location(row)?,
                },
            )
            .map_err(reason)?;
            report.sites_added += 1;
            sites.insert(code.into(), site.id);
            site.id
        }
    };
    if row.device_kind.is_empty() && row.device_model.is_empty() {
        return if row.serial.is_empty() {
            Ok(())
        } else {
            Err("填写了序列号，但缺少设备类型和型号".into())
        };
    }
    let kind =
        kind_of(&row.device_kind, DeviceKind::ALL, DeviceKind::label_zh).ok_or_else(|| {
            format!(
                "设备类型“{}”无法识别，请填写：{}",
                row.device_kind,
                labels(DeviceKind::ALL, DeviceKind::label_zh)
            )
        })?;
    let serial = (!row.serial.is_empty()).then(|| row.serial.clone());
    let present: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM devices WHERE site_id = ?1 AND
               CASE WHEN ?4 IS NULL THEN serial IS NULL AND kind = ?2 AND model = ?3
                    ELSE serial = ?4 END)",
            rusqlite::params![
                site_id.to_string(),
                kind.code(),
                row.device_model.trim(),
                serial
            ],
            |r| r.get(0),
        )
        .map_err(|e| reason(e.into()))?;
    if present {
        report.devices_skipped += 1;
        return Ok(());
    }
    catalog::add_device(
        conn,
        NewDevice {
            site_id,
            kind,
            model: row.device_model.clone(),
            serial,
        },
    )
    .map_err(reason)?;
    report.devices_added += 1;
    Ok(())
}

impl Store {
    /// Imports sites and devices into a contract in one transaction: all rows, or none. The
    /// error lists every bad row (up to 20) by its number.
    pub fn import_sites(
        &mut self,
        contract_id: ContractId,
        rows: &[SiteImportRow],
    ) -> Result<ImportReport> {
        self.write(|tx| {
            catalog::contract(tx, contract_id)?;
            let mut sites: HashMap<String, SiteId> = catalog::sites(tx, Some(contract_id))?
                .into_iter()
                .map(|s| (s.code, s.id))
                .collect();
            let mut report = ImportReport {
                rows: rows.len(),
                ..ImportReport::default()
            };
            let mut problems = Vec::new();
            for row in rows {
                if let Err(reason) = import_row(tx, contract_id, row, &mut sites, &mut report) {
                    problems.push(format!("第 {} 行：{reason}", row.row));
                }
            }
            if rows.is_empty() {
                return Err(StoreError::Invalid(InvalidInput::new(
                    "file",
                    "文件中没有数据行，未导入任何内容",
                    "the file has no data rows; nothing was imported",
                )));
            }
            if !problems.is_empty() {
                let more = problems.len().saturating_sub(MAX_LISTED);
                let mut listed = problems
                    .into_iter()
                    .take(MAX_LISTED)
                    .collect::<Vec<_>>()
                    .join("；");
                if more > 0 {
                    listed.push_str(&format!("；另有 {more} 行有误"));
                }
                return Err(StoreError::Invalid(InvalidInput::new(
                    "file",
                    format!("{listed}。整个文件未导入，请改正后重新导入"),
                    "some rows are wrong (see the row numbers); nothing of the file was imported",
                )));
            }
            // Codes named by a row that were already in the contract.
            let named: std::collections::HashSet<&str> =
                rows.iter().map(|r| r.site_code.trim()).collect();
            report.sites_reused = named.len() - report.sites_added;
            Ok(report)
        })
    }
}
