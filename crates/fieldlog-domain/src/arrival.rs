//! Arrivals on site (到场签到): one tap, the machine's time, and the place where the machine knows it.

use crate::fault;
use crate::ids::{ArrivalId, FaultId, SiteId, TechnicianId};
use crate::site::GeoPoint;
use crate::validate::InvalidInput;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Arrival {
    pub id: ArrivalId,
    pub technician_id: TechnicianId,
    pub site_id: SiteId,
    /// The fault this visit is for, if any (an inspection visit has none).
    pub fault_id: Option<FaultId>,
    /// The machine's time at check-in.
    pub arrived_at: DateTime<Utc>,
    /// From the OS location service, when it offered one.
    pub location: Option<GeoPoint>,
    /// The technician confirmed the site by hand (no location, or location disagreed).
    pub site_confirmed_by_hand: bool,
    /// The machine's clock read earlier than a time this profile had already recorded, by more
    /// than [`fault::FUTURE_TOLERANCE`]: the arrival time may be wrong.
    pub clock_suspect: bool,
    pub recorded_at: DateTime<Utc>,
}

/// Whether a clock reading `now` is suspect, given the latest time this profile has already
/// recorded: a clock that went backwards by more than the tolerance was changed or has drifted.
pub fn clock_suspect(now: DateTime<Utc>, latest_recorded: Option<DateTime<Utc>>) -> bool {
    latest_recorded.is_some_and(|latest| now + fault::FUTURE_TOLERANCE < latest)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewArrival {
    pub technician_id: TechnicianId,
    pub site_id: SiteId,
    pub fault_id: Option<FaultId>,
    pub arrived_at: DateTime<Utc>,
    pub location: Option<GeoPoint>,
    pub site_confirmed_by_hand: bool,
}

impl NewArrival {
    /// `fault_reported_at` is the report time of the fault named, if one is.
    pub fn validate(
        self,
        fault_reported_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<Self, InvalidInput> {
        fault::not_in_future("arrived_at", "到场时间", self.arrived_at, now)?;
        if let Some(reported_at) = fault_reported_at
            && self.arrived_at < reported_at
        {
            return Err(InvalidInput::new(
                "arrived_at",
                "到场时间早于报修时间，请检查时间",
                "arrival is earlier than the fault report; check the time",
            ));
        }
        if let Some(point) = self.location
            && !(point.lat.is_finite()
                && point.lon.is_finite()
                && (-90.0..=90.0).contains(&point.lat)
                && (-180.0..=180.0).contains(&point.lon))
        {
            return Err(InvalidInput::new(
                "location",
                "定位坐标无效，请改为手动确认点位",
                "location is not a valid coordinate; confirm the site by hand",
            ));
        }
        if self.location.is_none() && !self.site_confirmed_by_hand {
            return Err(InvalidInput::new(
                "site_confirmed_by_hand",
                "无法获取定位，请手动确认所在点位",
                "no location available; confirm the site by hand",
            ));
        }
        Ok(self)
    }
}
