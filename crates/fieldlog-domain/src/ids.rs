//! Typed ids. Every record gets a UUIDv7 made on the device that created it, so records made offline
//! on different laptops never collide and sort roughly by creation time.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        /// A UUID string on the wire, so the UI's generated types say `string`.
        impl ts_rs::TS for $name {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            fn name(_: &ts_rs::Config) -> String {
                "string".to_owned()
            }
            fn inline(_: &ts_rs::Config) -> String {
                "string".to_owned()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    )+};
}

id_type! {
    /// A contract / project (项目).
    ContractId;
    /// A site / point (点位).
    SiteId;
    /// A device (设备) at a site.
    DeviceId;
    /// A technician (技服人员).
    TechnicianId;
    /// A fault report (报修).
    FaultId;
    /// One event in a fault's lifecycle.
    FaultEventId;
    /// An arrival on site (到场签到).
    ArrivalId;
    /// A daily maintenance report (每日设备维护报告).
    ReportId;
    /// One entry (one point visited) of a daily report.
    EntryId;
    /// A handwritten signature (签字).
    SignatureId;
    /// A kind of spare unit or spare part kept in stock.
    PartId;
    /// One stock movement in the ledger.
    MovementId;
    AssignmentId;
    /// A photo (照片) of a fault, an arrival or a report entry (issue 19).
    PhotoId;
}
