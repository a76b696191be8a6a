//! Arrivals on site. Checking in for a fault also stops its arrival clock: the `on_site` event is
//! appended in the same transaction as the arrival, the first time only.

use crate::catalog;
use crate::faults;
use crate::sql::{opt_text, parse, parse_opt};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::arrival::{Arrival, NewArrival};
use fieldlog_domain::fault::FaultEventKind;
use fieldlog_domain::ids::{ArrivalId, FaultId, TechnicianId};
use fieldlog_domain::site::GeoPoint;
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

pub(crate) fn record_arrival(
    conn: &Connection,
    input: NewArrival,
    now: DateTime<Utc>,
) -> Result<Arrival> {
    catalog::technician(conn, input.technician_id)?;
    let site = catalog::site(conn, input.site_id)?;
    let fault = input
        .fault_id
        .map(|id| faults::fault(conn, id))
        .transpose()?;
    if let Some(fault) = &fault
        && fault.site_id != site.id
    {
        let fault_site = catalog::site(conn, fault.site_id)?;
        return Err(StoreError::conflict(
            format!(
                "该故障在点位“{}”，不是“{}”，请确认所在点位",
                fault_site.name, site.name
            ),
            format!(
                "the fault is at site {}, not {}",
                fault_site.code, site.code
            ),
        ));
    }
    let input = input.validate(fault.as_ref().map(|f| f.reported_at), now)?;
    // The newest clock reading this profile has saved with an arrival; a clock that reads earlier
    // than that (beyond the tolerance) went backwards.
    let high_water: Option<DateTime<Utc>> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'clock_high_water'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
        .map(|t| t.with_timezone(&Utc));
    let clock_suspect = fieldlog_domain::arrival::clock_suspect(now, high_water);
    if high_water.is_none_or(|h| now > h) {
        conn.prepare_cached(
            "INSERT INTO meta (key, value) VALUES ('clock_high_water', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?
        .execute([now.to_rfc3339()])?;
    }
    let arrival = Arrival {
        id: ArrivalId(Uuid::now_v7()),
        technician_id: input.technician_id,
        site_id: input.site_id,
        fault_id: input.fault_id,
        arrived_at: input.arrived_at,
        location: input.location,
        site_confirmed_by_hand: input.site_confirmed_by_hand,
        clock_suspect,
        recorded_at: now,
    };
    insert(conn, &arrival)?;
    if let Some(fault) = fault {
        // The first arrival stops the arrival clock; a later visit (a return trip, a visit after
        // it was resolved) is recorded as an arrival only.
        let events = faults::events(conn, fault.id)?;
        let already_on_site = events
            .iter()
            .any(|e| matches!(e.kind, FaultEventKind::OnSite { .. }));
        let resolved = events
            .iter()
            .any(|e| matches!(e.kind, FaultEventKind::Resolved { .. }));
        if !already_on_site && !resolved {
            faults::record_event(
                conn,
                fault.id,
                arrival.arrived_at,
                FaultEventKind::OnSite {
                    arrival_id: arrival.id,
                },
                now,
            )?;
        }
    }
    Ok(arrival)
}

fn insert(conn: &Connection, arrival: &Arrival) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO arrivals (id, technician_id, site_id, fault_id, arrived_at, lat, lon, accuracy_m,
                               site_confirmed_by_hand, recorded_at, clock_suspect)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    stmt.execute(rusqlite::params![
        arrival.id.to_string(),
        arrival.technician_id.to_string(),
        arrival.site_id.to_string(),
        opt_text(arrival.fault_id),
        arrival.arrived_at,
        arrival.location.map(|l| l.lat),
        arrival.location.map(|l| l.lon),
        arrival.location.and_then(|l| l.accuracy_m),
        arrival.site_confirmed_by_hand,
        arrival.recorded_at,
        arrival.clock_suspect,
    ])?;
    Ok(())
}

const COLUMNS: &str = "id, technician_id, site_id, fault_id, arrived_at, lat, lon, accuracy_m,
     site_confirmed_by_hand, recorded_at, clock_suspect FROM arrivals";

fn arrival_row(row: &Row<'_>) -> rusqlite::Result<Arrival> {
    let lat: Option<f64> = row.get(5)?;
    let lon: Option<f64> = row.get(6)?;
    let accuracy_m: Option<f64> = row.get(7)?;
    Ok(Arrival {
        id: parse(row, 0)?,
        technician_id: parse(row, 1)?,
        site_id: parse(row, 2)?,
        fault_id: parse_opt(row, 3)?,
        arrived_at: row.get(4)?,
        location: lat.zip(lon).map(|(lat, lon)| GeoPoint {
            lat,
            lon,
            accuracy_m,
        }),
        site_confirmed_by_hand: row.get(8)?,
        recorded_at: row.get(9)?,
        clock_suspect: row.get(10)?,
    })
}

pub(crate) fn arrival(conn: &Connection, id: ArrivalId) -> Result<Arrival> {
    conn.query_row(
        &format!("SELECT {COLUMNS} WHERE id = ?1"),
        [id.to_string()],
        arrival_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("arrival", id))
}

pub(crate) fn for_fault(conn: &Connection, fault_id: FaultId) -> Result<Vec<Arrival>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} WHERE fault_id = ?1 ORDER BY arrived_at, id"
    ))?;
    Ok(stmt
        .query_map([fault_id.to_string()], arrival_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// A technician's arrivals on one local (Asia/Shanghai) working day.
pub(crate) fn for_technician_day(
    conn: &Connection,
    technician_id: TechnicianId,
    day: NaiveDate,
) -> Result<Vec<Arrival>> {
    let (start, end) = fieldlog_domain::time::local_day_bounds(day);
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} WHERE technician_id = ?1 AND arrived_at >= ?2 AND arrived_at < ?3 ORDER BY arrived_at, id"
    ))?;
    Ok(stmt
        .query_map((technician_id.to_string(), start, end), arrival_row)?
        .collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// One-tap check-in on site (到场签到).
    pub fn record_arrival(&mut self, input: NewArrival, now: DateTime<Utc>) -> Result<Arrival> {
        self.write(|tx| record_arrival(tx, input, now))
    }

    pub fn arrivals_for_fault(&self, fault_id: FaultId) -> Result<Vec<Arrival>> {
        for_fault(&self.conn, fault_id)
    }
}
