//! `GET /office/v1/board` (issue 18): every open fault of the contracts the account sees, with
//! its holder and live clocks, most urgent first, and when each technician's laptops last synced.
//! Wire types and the rules of the answer: `fieldlog_wire::office::v1::board`.
//!
//! Nothing is judged here that the domain judges: a fault is open by `fault::status`, its holder
//! is `dispatch::holder`, its clocks `clocks::clocks` at the server's time (the laptop's own
//! functions). The board only picks, of those clocks, the running one with the least time left
//! and says whether it is near breach (under [`NEAR_SHARE`] of its limit left).
//!
//! The records come from the process's read model (`office::read_model`), caught up from the
//! feed at each request inside the request's read transaction; the accounts, grants and laptops
//! from the same transaction.

use super::http::{Office, blocking, session_token};
use super::read_model::{FaultRecords, Model, ReadModel};
use super::{OfficeError, Result, Session};
use crate::error::ServerError;
use crate::storage::{Storage, Tx};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use fieldlog_domain::clocks::{self, Clock, ClockState};
use fieldlog_domain::dispatch;
use fieldlog_domain::fault;
use fieldlog_domain::ids::{ContractId, TechnicianId};
use fieldlog_domain::site::device_label;
use fieldlog_wire::office::v1::board::{
    Board, BoardClock, BoardContract, BoardLaptop, BoardQuery, BoardRow, BoardState,
    BoardTechnician, NEAR_SHARE, REFRESH_SECONDS,
};
use std::collections::{HashMap, HashSet};

/// The board's route. It reads the process's one read model (`Office::read_model`, shared
/// with the month close: each server process keeps the feed decoded once).
pub(crate) fn routes<S: Storage>() -> Router<Office<S>> {
    Router::new().route("/office/v1/board", get(board::<S>))
}

async fn board<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    query: std::result::Result<Query<BoardQuery>, QueryRejection>,
) -> Result<Response> {
    let now = (office.options.clock)();
    let token = session_token(&headers);
    let storage = office.storage.clone();
    let model = office.read_model.clone();
    let board = blocking(move || {
        super::in_read(&*storage, |tx| {
            // Who asks first: an anonymous caller learns nothing of what it asked.
            let session = super::authenticate(tx, token.as_deref(), now, false)?;
            let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
            compute(tx, &session, &model, &query, now)
        })
    })
    .await?;
    Ok(Json(board).into_response())
}

/// A filter naming nothing (`?contract=`) is no filter.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The board as `session` sees it at `now`.
pub fn compute(
    tx: &mut dyn Tx,
    session: &Session,
    model: &ReadModel,
    query: &BoardQuery,
    now: DateTime<Utc>,
) -> Result<Board> {
    let mut contracts = super::visible_contracts(tx, &session.account)?;
    if let Some(code) = given(&query.contract) {
        // Another contract reads as one that does not exist.
        if !contracts.iter().any(|c| c.code == code) {
            return Err(OfficeError::NotFound(format!("合同 {code}")));
        }
    }
    let technicians = technicians(tx, &contracts.iter().map(|c| c.code.clone()).collect())?;
    let technician = match given(&query.technician) {
        Some(id) => {
            if !technicians.iter().any(|t| t.id == id) {
                return Err(OfficeError::NotFound(format!("技服人员 {id}")));
            }
            Some(
                id.parse::<TechnicianId>()
                    .map_err(|_| OfficeError::NotFound(format!("技服人员 {id}")))?,
            )
        }
        None => None,
    };
    let model = model.current(tx)?;
    let shown: HashMap<ContractId, String> = contracts
        .iter()
        .filter(|c| given(&query.contract).is_none_or(|code| code == c.code))
        .filter_map(|c| {
            let id = model.contract_by_code(&c.code)?.id;
            Some((id, c.code.clone()))
        })
        .collect();
    let mut rows: Vec<BoardRow> = model
        .faults
        .values()
        .filter_map(|records| row(&model, records, &shown, now))
        .filter(|r| query.level.is_none_or(|l| r.level == l))
        .filter(|r| technician.is_none_or(|t| r.holder.involves(t)))
        .filter(|r| {
            query.state.is_none_or(|s| match s {
                BoardState::WaitingFeedback => r.waiting_feedback,
                other => r.state == other,
            })
        })
        .collect();
    // Least time left first (overdue first); faults with no running clock after, oldest first.
    rows.sort_by_key(|r| {
        (
            r.seconds_left.is_none(),
            r.seconds_left,
            r.reported_at,
            r.fault_id,
        )
    });
    contracts.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Board {
        computed_at: now,
        refresh_seconds: REFRESH_SECONDS,
        rows,
        technicians,
        contracts: contracts
            .into_iter()
            .map(|c| BoardContract {
                code: c.code,
                name: c.name,
            })
            .collect(),
    })
}

/// The fault's board row, when it belongs to a shown contract and is open (or waits for the
/// customer to be told).
fn row(
    model: &Model,
    records: &FaultRecords,
    shown: &HashMap<ContractId, String>,
    now: DateTime<Utc>,
) -> Option<BoardRow> {
    let fact = records.fact.as_ref()?;
    let contract_code = shown.get(&fact.fault.contract_id)?;
    let facts = model.fault_facts(records)?;
    // `status` reads the events in the order they happened, as far as they have by now: the
    // model keeps them in that order, so that is a prefix.
    let happened = &records.events[..records.events.partition_point(|e| e.at <= now)];
    let status = fault::status(happened);
    let judged = clocks::clocks(facts, now);
    let waiting_feedback = clocks::awaiting_feedback(status, &judged.clocks);
    if !status.is_open() && !waiting_feedback {
        return None;
    }
    let urgent = clocks::most_urgent(&judged.clocks);
    let limit_seconds = urgent.and_then(limit_of);
    let seconds_left = urgent.and_then(|c| c.remaining_seconds);
    let state = if judged
        .clocks
        .iter()
        .any(|c| c.state == ClockState::Breached)
    {
        BoardState::Breached
    } else if judged
        .clocks
        .iter()
        .filter(|c| clocks::counting(c))
        .any(|c| {
            // Any running clock under its share, not only the one with the least time left: a
            // resolution clock at 50 of 240 min is near while the response clock has 20 of 30.
            c.remaining_seconds
                .zip(limit_of(c))
                .is_some_and(|(left, limit)| (left as f64) < NEAR_SHARE * limit as f64)
        })
    {
        BoardState::Near
    } else if waiting_feedback {
        BoardState::WaitingFeedback
    } else {
        BoardState::Ok
    };
    let fault = &fact.fault;
    let site = model.sites.get(&fault.site_id);
    Some(BoardRow {
        fault_id: fault.id,
        contract_code: contract_code.clone(),
        site_code: site.map(|s| s.code.clone()).unwrap_or_default(),
        site_name: site.map(|s| s.name.clone()).unwrap_or_default(),
        device: fault
            .device_id
            .and_then(|d| model.devices.get(&d))
            .map(|d| device_label(d.kind, &d.model)),
        level: fault.level,
        reported_at: fault.reported_at,
        description: fault.description.clone(),
        first_receiver: fault.first_receiver.clone(),
        caller: fact.fault.caller.clone(),
        status,
        holder: dispatch::holder(&records.assignments),
        urgent: urgent.map(|c| c.kind),
        seconds_left,
        limit_seconds,
        clocks: judged
            .clocks
            .into_iter()
            .filter(|c| c.state != ClockState::NotStarted)
            .map(|c| BoardClock {
                kind: c.kind,
                state: c.state,
                deadline: c.deadline,
                remaining_seconds: c.remaining_seconds,
            })
            .collect(),
        state,
        waiting_feedback,
    })
}

/// A started clock's whole limit, in seconds.
fn limit_of(clock: &Clock) -> Option<i64> {
    Some((clock.deadline? - clock.started_at?).num_seconds())
}

/// The technicians assigned one of `codes`, with their laptops and when they last synced.
fn technicians(tx: &mut dyn Tx, codes: &HashSet<String>) -> Result<Vec<BoardTechnician>> {
    let assigned: HashSet<String> = tx
        .assignments()?
        .into_iter()
        .filter(|(_, code)| codes.contains(code))
        .map(|(technician, _)| technician)
        .collect();
    let mut laptops: HashMap<String, Vec<BoardLaptop>> = HashMap::new();
    for device in tx.revocation().devices()? {
        laptops
            .entry(device.technician_id)
            .or_default()
            .push(BoardLaptop {
                id: device.device_id,
                name: device.name,
                last_seen_at: device.report.last_seen_at,
                revoked: device.revocation.is_some(),
            });
    }
    let mut list: Vec<BoardTechnician> = tx
        .technicians()?
        .into_iter()
        .filter(|(id, _)| assigned.contains(id))
        .map(|(id, name)| {
            let laptops = laptops.remove(&id).unwrap_or_default();
            BoardTechnician {
                last_heard_at: laptops.iter().filter_map(|l| l.last_seen_at).max(),
                id,
                name,
                laptops,
            }
        })
        .collect();
    list.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    Ok(list)
}
