//! The checks of a contract's catalogue fields as a person types them: one place for the laptop's
//! store, the sites import (`fieldlog-sheets`) and the office console on the server, so a value
//! the one accepts the other accepts too. Pure: text in, cleaned text or [`InvalidInput`] out.

use crate::contract::SpareFloor;
use crate::sla::{LevelLimits, SlaPolicy};
use crate::validate::{self, InvalidInput};
use chrono::NaiveDate;

/// A contract's code, name and client, trimmed; its service period must not end before it starts.
pub struct ContractText {
    pub code: String,
    pub name: String,
    pub client: String,
}

pub fn check_contract(
    code: &str,
    name: &str,
    client: &str,
    service_start: NaiveDate,
    service_end: NaiveDate,
) -> Result<ContractText, InvalidInput> {
    let text = ContractText {
        code: validate::required_text("code", "合同编号", code, 64)?,
        name: validate::required_text("name", "项目名称", name, 100)?,
        client: validate::required_text("client", "采购人", client, 100)?,
    };
    if service_end < service_start {
        return Err(InvalidInput::new(
            "service_end",
            "服务结束日期早于开始日期",
            "the service period ends before it starts",
        ));
    }
    Ok(text)
}

/// A spare floor counts whole units and parts: never below zero.
pub fn check_spare_floor(floor: SpareFloor) -> Result<SpareFloor, InvalidInput> {
    if floor.units < 0 || floor.parts < 0 {
        return Err(InvalidInput::new(
            "spare_floor",
            "备品备件下限不能为负数",
            "the spare floor cannot be negative",
        ));
    }
    Ok(floor)
}

/// The longest limit a policy may name: a year, in minutes (a typo of extra zeros is refused).
const MAX_LIMIT_MIN: u32 = 366 * 24 * 60;

/// A policy a person typed: every limit a positive number of minutes up to a year.
pub fn check_policy(policy: &SlaPolicy) -> Result<(), InvalidInput> {
    let levels: [(&str, &LevelLimits); 3] = [
        ("A", &policy.levels.a),
        ("B", &policy.levels.b),
        ("C", &policy.levels.c),
    ];
    let mut limits: Vec<(String, u32)> = Vec::new();
    for (level, l) in levels {
        limits.push((
            format!("{level} 级响应 (level {level} response)"),
            l.response_min,
        ));
        limits.push((
            format!("{level} 级到场 (level {level} arrival)"),
            l.arrival_min,
        ));
        limits.push((
            format!("{level} 级修复 (level {level} resolution)"),
            l.resolution_min,
        ));
    }
    if let Some(r) = &policy.remote_first {
        limits.push(("远程支持时段 (remote window)".into(), r.remote_window_min));
        limits.push((
            "远程后到场 (on site after remote)".into(),
            r.on_site_within_min,
        ));
    }
    if let Some(m) = &policy.major_fault_spares {
        limits.push(("有备件修复 (with spares)".into(), m.with_spares_min));
        limits.push((
            "无备件替换 (replaced without spares)".into(),
            m.replaced_without_spares_min,
        ));
    }
    if let Some(f) = &policy.fibre {
        limits.push(("光纤修复 (fibre repair)".into(), f.repair_min));
        limits.push((
            "外力光纤修复 (fibre, external cause)".into(),
            f.external_cause_min,
        ));
    }
    if let Some(feedback) = policy.feedback_min {
        limits.push(("反馈 (feedback)".into(), feedback));
    }
    match limits
        .into_iter()
        .find(|(_, min)| *min == 0 || *min > MAX_LIMIT_MIN)
    {
        Some((name, min)) => Err(InvalidInput::new(
            "policy",
            format!("时限“{name}”为 {min} 分钟，应在 1 到 {MAX_LIMIT_MIN} 分钟之间"),
            format!("the limit {name} is {min} minutes; it must be 1 to {MAX_LIMIT_MIN}"),
        )),
        None => Ok(()),
    }
}

/// A site's code, name and address, trimmed.
pub struct SiteText {
    pub code: String,
    pub name: String,
    pub address: String,
}

pub fn check_site(code: &str, name: &str, address: &str) -> Result<SiteText, InvalidInput> {
    Ok(SiteText {
        code: validate::required_text("code", "点位编号", code, 32)?,
        name: validate::required_text("name", "点位名称", name, 100)?,
        address: validate::required_text("address", "地址", address, 200)?,
    })
}

/// A site's position: both coordinates or neither, within range.
pub fn check_location(
    lat: Option<f64>,
    lon: Option<f64>,
) -> Result<Option<(f64, f64)>, InvalidInput> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(lat), Some(lon))
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
        {
            Ok(Some((lat, lon)))
        }
        (Some(lat), Some(lon)) => Err(InvalidInput::new(
            "location",
            format!("经纬度 {lat}, {lon} 超出范围"),
            format!("latitude/longitude {lat}, {lon} out of range"),
        )),
        _ => Err(InvalidInput::new(
            "location",
            "经度和纬度须同时填写或同时留空",
            "give both latitude and longitude, or neither",
        )),
    }
}

/// A device's model and serial number, trimmed (an empty serial is none).
pub fn check_device(
    model: &str,
    serial: Option<&str>,
) -> Result<(String, Option<String>), InvalidInput> {
    Ok((
        validate::required_text("model", "设备型号", model, 64)?,
        validate::optional_text("serial", "序列号", serial.unwrap_or(""), 64)?,
    ))
}

/// A spare part's code, name and model, trimmed (an empty model is none).
pub fn check_part(
    code: &str,
    name: &str,
    model: Option<&str>,
) -> Result<(String, String, Option<String>), InvalidInput> {
    Ok((
        validate::required_text("code", "物料编码", code, 32)?,
        validate::required_text("name", "备件名称", name, 100)?,
        validate::optional_text("model", "型号", model.unwrap_or(""), 64)?,
    ))
}
