//! The check of an import's rows, as a pure function: what to add, or every bad row by number.
//! The caller (the laptop's store, the server's office console) writes the plan in one
//! transaction, or nothing when it is refused.
//!
//! A row is one device at a site; a site with several devices appears on several rows (the first
//! row with a site code defines the site; a row without a device kind and model only names the
//! site). A site code already in the contract is reused, not refused, and a device already at its
//! site (same serial, or same kind and model when there is no serial) is skipped, so importing
//! the same file twice adds nothing the second time.

use crate::SiteImportRow;
use fieldlog_domain::catalogue;
use fieldlog_domain::site::{DeviceKind, SiteKind};
use serde::Serialize;
use std::collections::HashSet;

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub sites_added: usize,
    pub sites_reused: usize,
    pub devices_added: usize,
    pub devices_skipped: usize,
}

/// A site the import adds (its fields checked).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSite {
    pub code: String,
    pub name: String,
    pub kind: SiteKind,
    pub address: String,
    pub location: Option<(f64, f64)>,
}

/// A device the import adds, at the site with code `site_code` (new or already there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedDevice {
    pub site_code: String,
    pub kind: DeviceKind,
    pub model: String,
    pub serial: Option<String>,
}

/// What to write, in this order: the sites, then the devices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportPlan {
    pub sites: Vec<PlannedSite>,
    pub devices: Vec<PlannedDevice>,
    pub report: ImportReport,
}

/// Why nothing of a file is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportRefusal {
    #[error("文件中没有数据行，未导入任何内容")]
    Empty,
    /// Every bad row (its number and what to fix, in Chinese), in file order.
    #[error("{}", listed(.0))]
    BadRows(Vec<(usize, String)>),
}

/// At most this many bad rows are listed; a file with more is probably the wrong file.
const MAX_LISTED: usize = 20;

fn listed(problems: &[(usize, String)]) -> String {
    let more = problems.len().saturating_sub(MAX_LISTED);
    let mut text = problems
        .iter()
        .take(MAX_LISTED)
        .map(|(row, reason)| format!("第 {row} 行：{reason}"))
        .collect::<Vec<_>>()
        .join("；");
    if more > 0 {
        text.push_str(&format!("；另有 {more} 行有误"));
    }
    text.push_str("。整个文件未导入，请改正后重新导入");
    text
}

impl ImportRefusal {
    /// The sentence in English (zh-CN is the `Display`).
    pub fn message_en(&self) -> &'static str {
        match self {
            ImportRefusal::Empty => "the file has no data rows; nothing was imported",
            ImportRefusal::BadRows(_) => {
                "some rows are wrong (see the row numbers); nothing of the file was imported"
            }
        }
    }
}

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

fn location(row: &SiteImportRow) -> Result<Option<(f64, f64)>, String> {
    let number = |text: &str, name: &str| -> Result<Option<f64>, String> {
        match text {
            "" => Ok(None),
            text => text
                .parse()
                .map(Some)
                .map_err(|_| format!("{name}“{text}”不是数字")),
        }
    };
    catalogue::check_location(number(&row.lat, "纬度")?, number(&row.lon, "经度")?)
        .map_err(|e| e.message_zh)
}

/// A device's identity at its site: its serial, or its kind and model when it has none.
pub type DeviceKey = (String, Option<String>, DeviceKind, String);

/// The key a device at `site_code` is skipped by when the site has it already.
pub fn device_key(
    site_code: &str,
    kind: DeviceKind,
    model: &str,
    serial: Option<&str>,
) -> DeviceKey {
    match serial {
        Some(serial) => (
            site_code.to_owned(),
            Some(serial.to_owned()),
            kind,
            String::new(),
        ),
        None => (site_code.to_owned(), None, kind, model.to_owned()),
    }
}

/// Checks one row into the plan; `Err` is the reason, in Chinese, for the row report.
fn plan_row(
    row: &SiteImportRow,
    existing_sites: &HashSet<String>,
    devices_present: &mut HashSet<DeviceKey>,
    planned_sites: &mut HashSet<String>,
    plan: &mut ImportPlan,
) -> Result<(), String> {
    let code = row.site_code.trim();
    if code.is_empty() {
        return Err("缺少点位编号".into());
    }
    if !existing_sites.contains(code) && !planned_sites.contains(code) {
        let kind = kind_of(&row.site_kind, SiteKind::ALL, SiteKind::label_zh).ok_or_else(|| {
            format!(
                "点位类型“{}”无法识别，请填写：{}",
                row.site_kind,
                labels(SiteKind::ALL, SiteKind::label_zh)
            )
        })?;
        let text =
            catalogue::check_site(code, &row.site_name, &row.address).map_err(|e| e.message_zh)?;
        let location = location(row)?;
        planned_sites.insert(code.to_owned());
        plan.sites.push(PlannedSite {
            code: text.code,
            name: text.name,
            kind,
            address: text.address,
            location,
        });
    }
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
    let serial = (!row.serial.is_empty()).then_some(row.serial.as_str());
    let (model, serial) =
        catalogue::check_device(&row.device_model, serial).map_err(|e| e.message_zh)?;
    if !devices_present.insert(device_key(code, kind, &model, serial.as_deref())) {
        plan.report.devices_skipped += 1;
        return Ok(());
    }
    plan.devices.push(PlannedDevice {
        site_code: code.to_owned(),
        kind,
        model,
        serial,
    });
    plan.report.devices_added += 1;
    Ok(())
}

/// Checks every row against the contract's site codes and the devices already at its sites
/// (their [`device_key`]s): the plan to write, or every bad row.
pub fn plan(
    rows: &[SiteImportRow],
    existing_sites: &HashSet<String>,
    mut devices_present: HashSet<DeviceKey>,
) -> Result<ImportPlan, ImportRefusal> {
    if rows.is_empty() {
        return Err(ImportRefusal::Empty);
    }
    let mut plan = ImportPlan {
        report: ImportReport {
            rows: rows.len(),
            ..ImportReport::default()
        },
        ..ImportPlan::default()
    };
    let mut planned_sites = HashSet::new();
    let mut problems = Vec::new();
    for row in rows {
        if let Err(reason) = plan_row(
            row,
            existing_sites,
            &mut devices_present,
            &mut planned_sites,
            &mut plan,
        ) {
            problems.push((row.row, reason));
        }
    }
    if !problems.is_empty() {
        return Err(ImportRefusal::BadRows(problems));
    }
    plan.report.sites_added = plan.sites.len();
    // Codes named by a row that were already in the contract.
    let named: HashSet<&str> = rows.iter().map(|r| r.site_code.trim()).collect();
    plan.report.sites_reused = named.len() - plan.report.sites_added;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize, code: &str, device_model: &str, serial: &str) -> SiteImportRow {
        SiteImportRow {
            row: n,
            site_code: code.into(),
            site_name: format!("点位 {code}"),
            site_kind: "监控杆".into(),
            address: "某县某镇".into(),
            device_kind: if device_model.is_empty() {
                ""
            } else {
                "camera"
            }
            .into(),
            device_model: device_model.into(),
            serial: serial.into(),
            ..SiteImportRow::default()
        }
    }

    #[test]
    fn a_site_on_several_rows_is_added_once_and_a_repeated_device_is_skipped() {
        let rows = [
            row(2, "A-1", "QX-200", "S1"),
            row(3, "A-1", "QX-200", "S2"),
            row(4, "A-1", "QX-200", "S1"),
            row(5, "B-1", "", ""),
        ];
        let plan = plan(&rows, &HashSet::new(), HashSet::new()).unwrap();
        assert_eq!(plan.sites.len(), 2);
        assert_eq!(plan.devices.len(), 2);
        assert_eq!(plan.report.devices_skipped, 1);
        assert_eq!(plan.report.sites_reused, 0);
    }

    #[test]
    fn known_sites_and_devices_are_reused_and_skipped() {
        let rows = [row(2, "A-1", "QX-200", "S1")];
        let sites = HashSet::from(["A-1".to_owned()]);
        let devices = HashSet::from([device_key("A-1", DeviceKind::Camera, "QX-200", Some("S1"))]);
        let plan = plan(&rows, &sites, devices).unwrap();
        assert!(plan.sites.is_empty() && plan.devices.is_empty());
        assert_eq!(plan.report.sites_reused, 1);
        assert_eq!(plan.report.devices_skipped, 1);
    }

    #[test]
    fn every_bad_row_is_named() {
        let mut bad_kind = row(3, "A-2", "QX-200", "");
        bad_kind.site_kind = "灯塔".into();
        let mut bad_lat = row(4, "A-3", "", "");
        bad_lat.lat = "北纬".into();
        bad_lat.lon = "1".into();
        let rows = [row(2, "A-1", "", ""), bad_kind, bad_lat, row(5, "", "", "")];
        let refusal = plan(&rows, &HashSet::new(), HashSet::new()).unwrap_err();
        let ImportRefusal::BadRows(problems) = &refusal else {
            panic!("{refusal:?}");
        };
        let numbers: Vec<usize> = problems.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [3, 4, 5]);
        let text = refusal.to_string();
        assert!(text.contains("第 3 行：点位类型“灯塔”无法识别"), "{text}");
        assert!(text.contains("第 4 行：纬度“北纬”不是数字"), "{text}");
        assert!(text.ends_with("整个文件未导入，请改正后重新导入"), "{text}");
        assert_eq!(
            plan(&[], &HashSet::new(), HashSet::new()),
            Err(ImportRefusal::Empty)
        );
    }
}
