//! Sites / points (点位) and the devices (设备) at them.

use crate::ids::{ContractId, DeviceId, SiteId};
use serde::{Deserialize, Serialize};

code_enum! {
    pub enum SiteKind {
        CameraPole = "camera_pole", "监控杆", "Camera pole";
        MachineRoom = "machine_room", "机房", "Machine room";
        FibreSegment = "fibre_segment", "光纤段", "Fibre segment";
        Office = "office", "办公点", "Office";
    }
}

code_enum! {
    pub enum DeviceKind {
        Camera = "camera", "摄像机", "Camera";
        Switch = "switch", "交换机", "Switch";
        Server = "server", "服务器", "Server";
        FibreLine = "fibre_line", "光纤线路", "Fibre line";
        PowerUnit = "power_unit", "电源", "Power unit";
        Terminal = "terminal", "终端", "Terminal";
    }
}

/// How a device reads in lists, reports and summaries: its kind, then its model ("摄像机 QX-200").
pub fn device_label(kind: DeviceKind, model: &str) -> String {
    format!("{} {model}", kind.label_zh())
}

/// A position from the machine's location service, when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    /// Radius of uncertainty in metres, as the OS reports it.
    pub accuracy_m: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Site {
    pub id: SiteId,
    pub contract_id: ContractId,
    /// The client's own point number, e.g. `XQ-012`.
    pub code: String,
    pub name: String,
    pub kind: SiteKind,
    /// County / town / village, as the client writes it.
    pub address: String,
    pub location: Option<GeoPoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Device {
    pub id: DeviceId,
    pub site_id: SiteId,
    pub kind: DeviceKind,
    pub model: String,
    pub serial: Option<String>,
}
