//! The office's fault desk (issue 18): taking the call (报修登记), dispatching it (派单 / 改派),
//! recording the client's answer to a force-majeure claim, and one fault read whole with its
//! live clocks. Wire types and the route table: `fieldlog_wire::office::v1::faults`.
//!
//! Every write is the server's own `office` device's change (`super::write`): the `faults` row,
//! a `fault_assignments` record, a `fault_events` row are exactly what a laptop would write, so
//! laptops receive them by their next pull, and the rules the laptop follows are the domain's
//! same functions: `NewFault::validate` for the call, `dispatch::{holder, check}` for an
//! assignment, `lifecycle::check_event` for the answer, `clocks::clocks` for the clocks.
//!
//! A fault belongs to its contract: one of a contract the account does not see is not found
//! (404), whatever the request. A fault's children (events, assignments, arrivals) are read by
//! their parent column (`StoredRecord::parent`, migration 0011), not by scanning the contract.

use super::facts::{self, Fact, Receipt};
use super::http::{ClientAddress, Office, json_body, reading, writing};
use super::write::{Write, time_text, to_row, write_as_office};
use super::{OfficeError, Result, Session, audit, invalid};
use crate::error::ServerError;
use crate::storage::{Storage, StoredRecord, Tx, row_json};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use fieldlog_domain::clocks::{self, FaultFacts};
use fieldlog_domain::dispatch::{self, Assignment, AssignmentKind, DispatchRefusal};
use fieldlog_domain::fault::{
    self, Fault, FaultEvent, FaultEventKind, ForceMajeureState, NewFault, ReportChannel,
};
use fieldlog_domain::ids::{ContractId, DeviceId, FaultEventId, FaultId, SiteId, TechnicianId};
use fieldlog_domain::lifecycle;
use fieldlog_domain::sla::SlaPolicy;
use fieldlog_wire::office::v1::Role;
use fieldlog_wire::office::v1::faults::{
    AssignRequest, FaultArrival, FaultDetail, ForceMajeureAnswer, TakeCall, TechnicianChoice,
};
use fieldlog_wire::sync::v1::Row;
use serde::de::DeserializeOwned;
use std::str::FromStr;

pub(crate) fn routes<S: Storage>() -> Router<Office<S>> {
    Router::new()
        .route("/office/v1/faults", post(take_call_post::<S>))
        .route("/office/v1/faults/{id}", get(fault_get::<S>))
        .route("/office/v1/faults/{id}/assignments", post(assign_post::<S>))
        .route(
            "/office/v1/faults/{id}/force-majeure-answer",
            post(force_majeure_post::<S>),
        )
}

// ---------------------------------------------------------------------------------------------
// Rows, decoded by `super::facts` (the one decoder of laptop rows on the server).

fn decoded(record: &StoredRecord) -> Result<Fact> {
    let receipt = Receipt {
        received_at: record.received_at,
        clock_suspect: record.clock_suspect,
    };
    facts::fact(&record.entity, &row_json(&record.row), receipt)
        .map_err(|e| ServerError::Storage(e.to_string()).into())
}

fn not_a(record: &StoredRecord) -> OfficeError {
    ServerError::Storage(format!(
        "stored {} {} is not of its kind",
        record.entity, record.id
    ))
    .into()
}

/// An id sent by the console: not a UUID is as unknown as a UUID nobody has.
fn id_of<T: FromStr>(text: &str, what: &str) -> Result<T> {
    text.trim()
        .parse()
        .map_err(|_| OfficeError::NotFound(format!("{what} {text}")))
}

fn not_found_fault(id: &str) -> OfficeError {
    OfficeError::NotFound(format!("故障 {id} (fault)"))
}

// ---------------------------------------------------------------------------------------------
// What a fault is made of, as the server holds it.

/// A fault with everything its detail and its rules are computed from.
struct Held {
    record: StoredRecord,
    code: String,
    fault: Fault,
    events: Vec<FaultEvent>,
    assignments: Vec<Assignment>,
    arrivals: Vec<FaultArrival>,
    policy: SlaPolicy,
}

/// The contract `code` as the session sees it: its synced record, or 404.
fn visible_contract(tx: &mut dyn Tx, session: &Session, code: &str) -> Result<facts::ContractFact> {
    let not_found = || OfficeError::NotFound(format!("合同 {code} (contract)"));
    if !super::visible_contracts(tx, &session.account)?
        .iter()
        .any(|c| c.code == code)
    {
        return Err(not_found());
    }
    let record = tx
        .records_in_scope("contracts", code)?
        .into_iter()
        .next()
        .ok_or_else(not_found)?;
    match decoded(&record)? {
        Fact::Contract(c) => Ok(c),
        _ => Err(not_a(&record)),
    }
}

fn policy_of(tx: &mut dyn Tx, contract: ContractId, version: u32) -> Result<SlaPolicy> {
    let id = format!("{contract}/{version}");
    let record = tx
        .record("sla_policies", &id)?
        .ok_or_else(|| ServerError::Storage(format!("policy {id} of a stored fault is missing")))?;
    match decoded(&record)? {
        Fact::Policy(p) => Ok(p.policy),
        _ => Err(not_a(&record)),
    }
}

/// The children of kind `entity` of fault `id`, decoded by `pick`.
fn children<T>(
    tx: &mut dyn Tx,
    entity: &str,
    id: &str,
    pick: impl Fn(Fact) -> Option<T>,
) -> Result<Vec<T>> {
    tx.children(entity, id)?
        .iter()
        .map(|r| decoded(r).and_then(|f| pick(f).ok_or_else(|| not_a(r))))
        .collect()
}

/// Fault `id` with its children, if the session sees its contract; else 404.
fn held(tx: &mut dyn Tx, session: &Session, id: &str) -> Result<Held> {
    let record = tx
        .record("faults", id)?
        .ok_or_else(|| not_found_fault(id))?;
    let code = record.scope.clone().ok_or_else(|| not_found_fault(id))?;
    if !super::visible_contracts(tx, &session.account)?
        .iter()
        .any(|c| c.code == code)
    {
        return Err(not_found_fault(id));
    }
    let Fact::Fault(fact) = decoded(&record)? else {
        return Err(not_a(&record));
    };
    let mut events = children(tx, "fault_events", id, |f| match f {
        Fact::Event(e) => Some(e),
        _ => None,
    })?;
    events.sort_by_key(|e| (e.at, e.id));
    let mut assignments = children(tx, "fault_assignments", id, |f| match f {
        Fact::Assignment(a) => Some(a),
        _ => None,
    })?;
    assignments.sort_by_key(|a| (a.at, a.id));
    let mut arrivals = children(tx, "arrivals", id, |f| match f {
        Fact::Arrival(a) => Some(FaultArrival {
            id: a.id.to_string(),
            technician_id: a.technician_id.to_string(),
            arrived_at: a.arrived_at,
            recorded_at: a.received_at,
        }),
        _ => None,
    })?;
    arrivals.sort_by_key(|a| a.arrived_at);
    let policy = policy_of(tx, fact.fault.contract_id, fact.fault.policy_version)?;
    Ok(Held {
        record,
        code,
        fault: fact.fault,
        events,
        assignments,
        arrivals,
        policy,
    })
}

/// The technicians assigned to contract `code` on the server (id, name), by name.
fn technicians_of(tx: &mut dyn Tx, code: &str) -> Result<Vec<TechnicianChoice>> {
    let on_contract: Vec<String> = tx
        .assignments()?
        .into_iter()
        .filter(|(_, c)| c == code)
        .map(|(t, _)| t)
        .collect();
    let mut out: Vec<TechnicianChoice> = tx
        .technicians()?
        .into_iter()
        .filter(|(id, _)| on_contract.contains(id))
        .map(|(id, name)| TechnicianChoice { id, name })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}

/// Whether the client's answer to a claim is asked for by the fault's policy: it has a
/// force-majeure rule, settled by agreement (the e-government contract has neither; a policy
/// saved before issue 15 exempted by the determined cause alone).
fn answer_asked(policy: &SlaPolicy) -> bool {
    policy.has_force_majeure() && policy.force_majeure_by_agreement
}

fn detail_of(tx: &mut dyn Tx, held: Held, now: DateTime<Utc>) -> Result<FaultDetail> {
    let contract = tx
        .records_in_scope("contracts", &held.code)?
        .into_iter()
        .next()
        .ok_or_else(|| ServerError::Storage(format!("contract {} is missing", held.code)))?;
    let Fact::Contract(contract) = decoded(&contract)? else {
        return Err(not_a(&contract));
    };
    let site = tx
        .record("sites", &held.fault.site_id.to_string())?
        .ok_or_else(|| ServerError::Storage(format!("site of fault {} missing", held.record.id)))?;
    let Fact::Site(site) = decoded(&site)? else {
        return Err(not_a(&site));
    };
    let device = match held.fault.device_id {
        Some(id) => match tx.record("devices", &id.to_string())? {
            Some(record) => match decoded(&record)? {
                Fact::Device(d) => Some(d),
                _ => return Err(not_a(&record)),
            },
            None => None,
        },
        None => None,
    };
    let clocks = clocks::clocks(
        FaultFacts {
            fault: &held.fault,
            policy: &held.policy,
            device_kind: device.as_ref().map(|d| d.kind),
            site_kind: Some(site.kind),
            events: &held.events,
        },
        now,
    );
    let claim = fault::force_majeure_claim(&held.events, now);
    let answerable = answer_asked(&held.policy)
        && claim
            .as_ref()
            .is_some_and(|c| c.state == ForceMajeureState::Pending);
    let technicians = technicians_of(tx, &held.code)?;
    let fault = held.fault;
    Ok(FaultDetail {
        id: fault.id.to_string(),
        contract: held.code,
        contract_name: contract.name,
        site_id: site.id.to_string(),
        site_code: site.code,
        site_name: site.name,
        site_kind: Some(site.kind),
        device_id: fault.device_id.map(|d| d.to_string()),
        device_kind: device.as_ref().map(|d| d.kind),
        device_model: device.map(|d| d.model),
        level: fault.level,
        channel: fault.channel,
        reported_at: fault.reported_at,
        recorded_at: fault.recorded_at,
        caller: fault.caller,
        caller_phone: fault.caller_phone,
        description: fault.description,
        first_receiver: fault.first_receiver,
        policy_version: fault.policy_version,
        status: fault::status(&held.events),
        holder: dispatch::holder(&held.assignments),
        events: held.events,
        arrivals: held.arrivals,
        assignments: held.assignments,
        force_majeure: claim,
        force_majeure_answerable: answerable,
        clocks,
        technicians,
    })
}

/// `GET /office/v1/faults/{id}`.
pub fn detail(
    tx: &mut dyn Tx,
    session: &Session,
    id: &str,
    now: DateTime<Utc>,
) -> Result<FaultDetail> {
    let held = held(tx, session, id)?;
    detail_of(tx, held, now)
}

// ---------------------------------------------------------------------------------------------
// Writing: each one action, one transaction, its audit entry included.

fn refusal(refusal: DispatchRefusal) -> OfficeError {
    match refusal {
        DispatchRefusal::ReasonRequired => {
            OfficeError::Invalid("改派须填写原因 (a reassignment needs a reason)".into())
        }
        DispatchRefusal::SameTechnician => OfficeError::Conflict(
            "该故障已派给这位技服 (the fault is already assigned to this technician)".into(),
        ),
        DispatchRefusal::AlreadyHeld => {
            OfficeError::Conflict("该故障已有人负责 (the fault is already assigned)".into())
        }
    }
}

#[allow(clippy::too_many_arguments)]
/// The assignment record of `technician` (server id) over the fault's current records, checked
/// by the domain's rule; the technician must be assigned to the fault's contract.
fn assignment_write(
    tx: &mut dyn Tx,
    session: &Session,
    code: &str,
    fault: &Fault,
    records: &[Assignment],
    technician: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(Write, Assignment)> {
    let not_on_contract = || {
        OfficeError::Invalid(format!(
            "该技服未分配到合同 {code}，请先在“技服”页分配合同 (the technician is not assigned to contract {code}: assign the contract first)"
        ))
    };
    let technician = technician.trim();
    if !tx.contracts_of(technician)?.iter().any(|c| c == code) {
        return Err(not_on_contract());
    }
    let name = tx
        .technicians()?
        .into_iter()
        .find(|(id, _)| id == technician)
        .map(|(_, name)| name)
        .ok_or_else(not_on_contract)?;
    let technician_id: TechnicianId = technician.parse().map_err(|_| not_on_contract())?;
    let reason =
        fieldlog_domain::validate::optional_multiline_text("reason", "改派原因", reason, 500)
            .map_err(invalid)?
            .unwrap_or_default();
    let now_held = dispatch::holder(records);
    dispatch::check(&now_held, AssignmentKind::Assign, technician_id, &reason).map_err(refusal)?;
    let record = Assignment {
        id: fieldlog_domain::ids::AssignmentId(uuid::Uuid::now_v7()),
        fault_id: fault.id,
        kind: AssignmentKind::Assign,
        technician_id,
        technician_name: name,
        supersedes: now_held.supersede_all(),
        reason,
        assigned_by: session.account.name.clone(),
        at: now,
        recorded_at: now,
    };
    let mut row = Row::new();
    row.insert("id".into(), record.id.to_string().into());
    row.insert("fault_id".into(), record.fault_id.to_string().into());
    row.insert("kind".into(), record.kind.code().into());
    row.insert(
        "technician_id".into(),
        record.technician_id.to_string().into(),
    );
    row.insert(
        "technician_name".into(),
        record.technician_name.clone().into(),
    );
    // A JSON array kept as text, as the laptop's column (migration 0010) holds it.
    row.insert(
        "supersedes".into(),
        serde_json::to_string(&record.supersedes)
            .expect("ids serialise")
            .into(),
    );
    row.insert("reason".into(), record.reason.clone().into());
    row.insert("assigned_by".into(), record.assigned_by.clone().into());
    row.insert("at".into(), time_text(now).into());
    row.insert("recorded_at".into(), time_text(now).into());
    Ok((Write::insert("fault_assignments", row), record))
}

/// The office's channels: a call (the hotline is one), a message, an alert. Faults found on
/// inspection or on site are recorded on the laptop, by whoever found them.
fn office_channel(channel: Option<ReportChannel>) -> Result<ReportChannel> {
    match channel.unwrap_or(ReportChannel::Phone) {
        c @ (ReportChannel::Phone | ReportChannel::Wechat | ReportChannel::Monitoring) => Ok(c),
        ReportChannel::Inspection | ReportChannel::OnSite => Err(OfficeError::Invalid(
            "巡检发现或现场报修的故障由技服在笔记本上登记 (faults found on inspection or on site are recorded on the laptop)".into(),
        )),
    }
}

/// `POST /office/v1/faults`: the call, and with `assign_to` its first assignment, in one
/// transaction; the signed-in account is the first receiver.
pub fn take_call(
    tx: &mut dyn Tx,
    session: &Session,
    call: &TakeCall,
    address: &str,
    now: DateTime<Utc>,
) -> Result<TakenCall> {
    let code = call.contract.trim();
    let contract = visible_contract(tx, session, code)?;
    if let Some(closed) = tx.catalogue().closed(code)? {
        return Err(OfficeError::Conflict(format!(
            "合同“{code}”已于 {} 关闭，不能再登记报修 (contract {code} was closed: it takes no new calls)",
            closed.at.format("%Y-%m-%d")
        )));
    }
    let fault_id = match call.id.as_deref().map(str::trim) {
        None | Some("") => FaultId(uuid::Uuid::now_v7()),
        Some(text) => id_of(text, "故障 (fault)")?,
    };
    if let Some(taken) = tx.record("faults", &fault_id.to_string())? {
        // Sent again after a lost answer: the same account's call on the same contract is the
        // fault already taken, answered as it stands. Anything else under that id is refused.
        let same_call = taken.scope.as_deref() == Some(code)
            && taken.owner == super::write::OFFICE_TECHNICIAN
            && taken.row.get("first_receiver").and_then(|v| v.as_str())
                == Some(session.account.name.as_str());
        if !same_call {
            return Err(OfficeError::Conflict(
                "该编号已被另一条报修使用，请重新打开报修登记 (the id is another fault's: open the call form again)".into(),
            ));
        }
        return Ok(TakenCall::Again(detail(
            tx,
            session,
            &fault_id.to_string(),
            now,
        )?));
    }
    let site_not_found = || OfficeError::NotFound(format!("点位 {} (site)", call.site_id));
    let site_id: SiteId = id_of(&call.site_id, "点位 (site)")?;
    let site = tx
        .record("sites", &site_id.to_string())?
        .filter(|r| r.scope.as_deref() == Some(code))
        .ok_or_else(site_not_found)?;
    let device_id: Option<DeviceId> = match call.device_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => {
            let id: DeviceId = id_of(text, "设备 (device)")?;
            let on_site = match tx.record("devices", &id.to_string())? {
                Some(record) => match decoded(&record)? {
                    Fact::Device(d) => d.site_id == site_id,
                    _ => false,
                },
                None => false,
            };
            if !on_site {
                return Err(OfficeError::Invalid(format!(
                    "设备 {text} 不在该点位 (the device is not at this site)"
                )));
            }
            Some(id)
        }
    };
    let channel = office_channel(call.channel)?;
    let (caller, caller_phone) =
        fault::check_caller(&call.caller, &call.caller_phone).map_err(invalid)?;
    fault::check_call_time(call.reported_at, now).map_err(invalid)?;
    let new = NewFault {
        contract_id: contract.id,
        site_id,
        device_id,
        level: call.level,
        reported_at: call.reported_at,
        channel,
        description: call.description.clone(),
        first_receiver: session.account.name.clone(),
        caller: Some(caller.clone()),
        caller_phone: Some(caller_phone),
    }
    .validate(now)
    .map_err(invalid)?;
    let fault = Fault {
        id: fault_id,
        contract_id: new.contract_id,
        site_id: new.site_id,
        device_id: new.device_id,
        level: new.level,
        reported_at: new.reported_at,
        channel: new.channel,
        description: new.description,
        first_receiver: new.first_receiver,
        policy_version: contract.policy_version,
        recorded_at: now,
        caller: new.caller,
        caller_phone: new.caller_phone,
    };
    let mut row = to_row(&fault);
    // The laptop's text for times and codes (as its outbox trigger writes them).
    row.insert("reported_at".into(), time_text(fault.reported_at).into());
    row.insert("recorded_at".into(), time_text(now).into());
    let mut writes = vec![Write::insert("faults", row)];
    let mut assigned = None;
    if let Some(technician) = call.assign_to.as_deref().filter(|t| !t.trim().is_empty()) {
        let (write, record) =
            assignment_write(tx, session, code, &fault, &[], technician, "", now)?;
        writes.push(write);
        assigned = Some(record);
    }
    write_as_office(tx, code, writes, now)?;
    audit(
        tx,
        now,
        Some(&session.account),
        "",
        "fault_take_call",
        serde_json::json!({
            "contract": code, "fault": fault.id, "site": site.id, "level": fault.level.code(),
            "reported_at": fault.reported_at, "caller": caller,
            "assigned_to": assigned.as_ref().map(|a| a.technician_id),
        }),
        address,
    )?;
    Ok(TakenCall::New(detail(
        tx,
        session,
        &fault.id.to_string(),
        now,
    )?))
}

/// What taking a call did: a new fault (201), or the one this call already made (sent again,
/// 200). Either is answered as the fault's detail.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub enum TakenCall {
    New(FaultDetail),
    Again(FaultDetail),
}

/// `POST /office/v1/faults/{id}/assignments`.
pub fn assign(
    tx: &mut dyn Tx,
    session: &Session,
    id: &str,
    request: &AssignRequest,
    address: &str,
    now: DateTime<Utc>,
) -> Result<FaultDetail> {
    let held = held(tx, session, id)?;
    // A fault already resolved (or closed as unresolved) has nobody left to send: a dispatch
    // would put it back on a technician's Today for nothing. Work still owed (the customer's
    // feedback) is the first receiver's, not a technician's.
    if !fault::status(&held.events).is_open() {
        return Err(OfficeError::Conflict(
            "该故障已处理完毕，无需派单；如需再次处理请登记新的报修 (the fault is no longer open: \
             nothing to dispatch; take a new call if it needs work again)"
                .into(),
        ));
    }
    let (write, record) = assignment_write(
        tx,
        session,
        &held.code,
        &held.fault,
        &held.assignments,
        &request.technician_id,
        &request.reason,
        now,
    )?;
    write_as_office(tx, &held.code, vec![write], now)?;
    audit(
        tx,
        now,
        Some(&session.account),
        "",
        "fault_assign",
        serde_json::json!({
            "contract": held.code, "fault": id, "assignment": record.id,
            "technician": record.technician_id, "supersedes": record.supersedes,
            "reason": record.reason,
        }),
        address,
    )?;
    detail(tx, session, id, now)
}

/// Customer managers (first receivers) and the administrator record the client's answer.
fn may_answer(session: &Session) -> Result<()> {
    match session.account.role {
        Role::Administrator | Role::CustomerManager => Ok(()),
        Role::ProjectManager => Err(OfficeError::Forbidden),
    }
}

/// `POST /office/v1/faults/{id}/force-majeure-answer`: a `ForceMajeureAgreement` event, checked
/// by the laptop's own lifecycle rule (a claim first, one answer).
pub fn answer_force_majeure(
    tx: &mut dyn Tx,
    session: &Session,
    id: &str,
    answer: &ForceMajeureAnswer,
    address: &str,
    now: DateTime<Utc>,
) -> Result<FaultDetail> {
    may_answer(session)?;
    let held = held(tx, session, id)?;
    if !answer_asked(&held.policy) {
        return Err(OfficeError::Conflict(
            "该故障适用的合同条款没有由用户认定的不可抗拒因素 (the fault's contract policy has no force-majeure rule settled by the client)".into(),
        ));
    }
    let kind = FaultEventKind::ForceMajeureAgreement {
        accepted: answer.accepted,
        by: answer.by.clone(),
        note: answer.note.clone(),
    }
    .validate()
    .map_err(invalid)?;
    if matches!(&kind, FaultEventKind::ForceMajeureAgreement { by, .. } if by.is_empty()) {
        return Err(OfficeError::Invalid(
            "请填写用户确认人 (say who answered for the client)".into(),
        ));
    }
    let event = FaultEvent {
        id: FaultEventId(uuid::Uuid::now_v7()),
        fault_id: held.fault.id,
        at: answer.at,
        recorded_at: now,
        kind,
    };
    lifecycle::check_event(&held.fault, &held.events, &event, now)
        .map_err(|e| OfficeError::Conflict(format!("{} ({})", e.message_zh, e.message_en)))?;
    let mut row = Row::new();
    row.insert("id".into(), event.id.to_string().into());
    row.insert("fault_id".into(), event.fault_id.to_string().into());
    row.insert("kind".into(), event.kind.code().into());
    row.insert("at".into(), time_text(event.at).into());
    row.insert(
        "payload".into(),
        serde_json::to_string(&event.kind)
            .expect("an event serialises")
            .into(),
    );
    row.insert("recorded_at".into(), time_text(now).into());
    write_as_office(
        tx,
        &held.code,
        vec![Write::insert("fault_events", row)],
        now,
    )?;
    audit(
        tx,
        now,
        Some(&session.account),
        "",
        "fault_force_majeure_answer",
        serde_json::json!({
            "contract": held.code, "fault": id, "event": event.id,
            "accepted": answer.accepted, "at": answer.at,
        }),
        address,
    )?;
    detail(tx, session, id, now)
}

// ---------------------------------------------------------------------------------------------
// Routes.

type Body = std::result::Result<Bytes, BytesRejection>;

async fn fault_get<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let now = (office.options.clock)();
    let detail = reading(&office, &headers, move |tx, session| {
        detail(tx, session, &id, now)
    })
    .await?;
    Ok(axum::Json(detail).into_response())
}

/// A fault write with a JSON body: the session and its CSRF token are checked (`writing`),
/// then `check` (role, the fault's visibility) before the body is parsed, so a stranger's body
/// is never looked at; then `work` in the same transaction.
async fn write_json<S: Storage, B: DeserializeOwned, T: serde::Serialize + Send + 'static>(
    office: Office<S>,
    address: String,
    headers: HeaderMap,
    body: Body,
    status: fn(&T) -> StatusCode,
    check: impl FnOnce(&mut dyn Tx, &Session) -> Result<()> + Send + 'static,
    work: impl FnOnce(&mut dyn Tx, &Session, &B, &str, DateTime<Utc>) -> Result<T> + Send + 'static,
) -> Result<Response> {
    let sent = headers.clone();
    let value = writing(&office, &headers, move |tx, session, now| {
        check(tx, session)?;
        let input: B = json_body(&sent, body)?;
        work(tx, session, &input, &address, now)
    })
    .await?;
    Ok((status(&value), axum::Json(value)).into_response())
}

async fn take_call_post<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    body: Body,
) -> Result<Response> {
    write_json(
        office,
        address,
        headers,
        body,
        |taken| match taken {
            TakenCall::New(_) => StatusCode::CREATED,
            TakenCall::Again(_) => StatusCode::OK,
        },
        |_, _| Ok(()),
        take_call,
    )
    .await
}

/// What a write on one fault does: the session's role is checked (`may`) and the fault must be
/// one the session sees, before the body is parsed; then `work` with the fault's id.
type FaultWork<B> = fn(&mut dyn Tx, &Session, &str, &B, &str, DateTime<Utc>) -> Result<FaultDetail>;

async fn fault_write<S: Storage, B: DeserializeOwned + 'static>(
    (State(office), ClientAddress(address), headers): (State<Office<S>>, ClientAddress, HeaderMap),
    id: String,
    body: Body,
    may: fn(&Session) -> Result<()>,
    work: FaultWork<B>,
) -> Result<Response> {
    let checked = id.clone();
    write_json(
        office,
        address,
        headers,
        body,
        |_| StatusCode::OK,
        move |tx, session| {
            may(session)?;
            held(tx, session, &checked).map(|_| ())
        },
        move |tx, session, input: &B, address, now| work(tx, session, &id, input, address, now),
    )
    .await
}

/// Every role dispatches (on the contracts it sees).
fn anyone(_: &Session) -> Result<()> {
    Ok(())
}

async fn assign_post<S: Storage>(
    state: State<Office<S>>,
    address: ClientAddress,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response> {
    fault_write((state, address, headers), id, body, anyone, assign).await
}

async fn force_majeure_post<S: Storage>(
    state: State<Office<S>>,
    address: ClientAddress,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response> {
    let work: FaultWork<ForceMajeureAnswer> = answer_force_majeure;
    fault_write((state, address, headers), id, body, may_answer, work).await
}
