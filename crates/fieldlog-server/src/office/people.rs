//! `/office/v1/technicians…` and `/office/v1/laptops…` (issue 17): technicians and their
//! contracts, enrollment codes (text and QR), the laptops and revoking one. Wire types and the
//! route table: `fieldlog_wire::office::v1::people`.
//!
//! Who may do what (decided by the lead):
//! - an administrator everything, and alone revokes a laptop;
//! - a project manager adds technicians, assigns and un-assigns them to its *granted* contracts
//!   only, sees their laptops, cancels their unused enrollment codes, and issues enrollment codes
//!   only for technicians *every* contract of whom is granted to it: a laptop enrolls with all
//!   its technician's contracts, so a code for a technician who also holds another contract would
//!   give her laptop that contract (refused 403, "ask an administrator");
//! - a customer manager reads the technicians of its contracts (dispatch comes in part 2).
//!
//! A manager sees a technician only while the technician holds one of its granted contracts,
//! and only those contracts of the technician's; any other technician is answered 404 as if
//! unknown, and so is a contract not granted (existing or not: no probing). A closed contract
//! takes no technician (409). Revoking a laptop, or assigning a technician a new contract, also
//! cancels the technician's unused enrollment codes (a code enrolls with the contracts held when
//! it is used, so one issued by a manager must not outlive a contract added that is not hers). Every change runs in one transaction with its audit entry (`technician_add`,
//! `technician_assign`, `technician_unassign`, `enrollment_code_issue`,
//! `enrollment_code_cancel`, `laptop_revoke`); a refusal writes nothing.
//!
//! Un-assigning a contract removes the assignment only: from their next round the technician's
//! laptops no longer pull it and their pushes for it are refused `not_assigned` (as for any
//! contract not assigned), and nothing already stored, on the server or on a laptop, is removed.

use super::http::{ClientAddress, Office, json_body, reading, writing};
use super::{OfficeError, Result, Session, audit};
use crate::error::ServerError;
use crate::revocation::DeviceState;
use crate::storage::{Storage, Tx};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use chrono::{DateTime, Utc};
use fieldlog_wire::office::v1::Role;
use fieldlog_wire::office::v1::people::{
    AssignContract, CancelledCodes, EnrollmentCodeAnswer, EnrollmentLink, LaptopItem,
    LaptopRevocation, NewTechnician, RevokeLaptop, RevokedLaptop, TechnicianItem, TechnicianLaptop,
};
use serde::Deserialize;
use std::collections::HashMap;

/// Longest technician name accepted.
const MAX_NAME_CHARS: usize = 100;

/// The routes of this module, merged into `office::http::routes`.
pub(super) fn routes<S: Storage>() -> Router<Office<S>> {
    Router::new()
        .route(
            "/office/v1/technicians",
            get(technicians::<S>).post(technician_add::<S>),
        )
        .route("/office/v1/technicians/{id}/contracts", post(assign::<S>))
        .route(
            "/office/v1/technicians/{id}/contracts/{code}",
            delete(unassign::<S>),
        )
        .route(
            "/office/v1/technicians/{id}/enrollment-codes",
            post(enrollment_code::<S>).delete(cancel_codes::<S>),
        )
        .route("/office/v1/laptops", get(laptops::<S>))
        .route("/office/v1/laptops/{id}/revoke", post(revoke::<S>))
}

/// Refuses the request unless the account has one of `roles`.
fn require_one_of(session: &Session, roles: &[Role]) -> Result<()> {
    if roles.contains(&session.account.role) {
        Ok(())
    } else {
        Err(OfficeError::Forbidden)
    }
}

/// The contracts a session acts within: None for an administrator (every one), else its grants.
fn granted(tx: &mut dyn Tx, session: &Session) -> Result<Option<Vec<String>>> {
    if session.account.role.needs_grants() {
        Ok(Some(tx.office().grants(&session.account.id)?))
    } else {
        Ok(None)
    }
}

/// Every technician the session sees, with the contracts it sees of theirs and their laptops.
/// A fixed handful of queries, however many technicians.
fn technician_items(tx: &mut dyn Tx, session: &Session) -> Result<Vec<TechnicianItem>> {
    let granted = granted(tx, session)?;
    let mut contracts: HashMap<String, Vec<String>> = HashMap::new();
    for (technician, code) in tx.assignments()? {
        if granted.as_ref().is_none_or(|g| g.contains(&code)) {
            contracts.entry(technician).or_default().push(code);
        }
    }
    let mut laptops: HashMap<String, Vec<TechnicianLaptop>> = HashMap::new();
    for device in tx.revocation().devices()? {
        laptops
            .entry(device.technician_id)
            .or_default()
            .push(TechnicianLaptop {
                id: device.device_id,
                name: device.name,
                revoked: device.revocation.is_some(),
            });
    }
    Ok(tx
        .technicians()?
        .into_iter()
        .filter_map(|(id, name)| {
            let contracts = contracts.remove(&id).unwrap_or_default();
            if granted.is_some() && contracts.is_empty() {
                return None;
            }
            let laptops = laptops.remove(&id).unwrap_or_default();
            Some(TechnicianItem {
                id,
                name,
                contracts,
                laptops,
            })
        })
        .collect())
}

/// The technician as the session sees it, or 404 (unknown, or none of the manager's).
fn technician_for(tx: &mut dyn Tx, session: &Session, id: &str) -> Result<TechnicianItem> {
    technician_items(tx, session)?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| OfficeError::NotFound(format!("技服 {id} (technician)")))
}

/// Refuses a contract the session may not name: not granted to a manager, or unknown. Both are
/// answered 404 alike (as the catalogue does), so a manager cannot probe which codes exist.
fn check_contract(tx: &mut dyn Tx, session: &Session, code: &str) -> Result<()> {
    let not_found = || OfficeError::NotFound(format!("合同 {code} (contract)"));
    if let Some(granted) = granted(tx, session)?
        && !granted.iter().any(|g| g == code)
    {
        return Err(not_found());
    }
    if !tx.office().all_contracts()?.iter().any(|c| c.code == code) {
        return Err(not_found());
    }
    Ok(())
}

/// [`check_contract`], and refuses a closed contract (migration 0010): no one is assigned to
/// it any more (409). Un-assigning from a closed contract stays allowed.
fn check_open_contract(tx: &mut dyn Tx, session: &Session, code: &str) -> Result<()> {
    check_contract(tx, session, code)?;
    if let Some(closed) = tx.catalogue().closed(code)? {
        return Err(OfficeError::Conflict(format!(
            "合同 {code} 已于 {} 关闭，不能再分配技服 (contract {code} was closed on {}: \
             no technician can be assigned to it)",
            closed.at.format("%Y-%m-%d"),
            closed.at.format("%Y-%m-%d"),
        )));
    }
    Ok(())
}

/// Refuses a manager an action that gives a laptop of the technician access (an enrollment
/// code): a laptop enrolls with *every* contract of its technician, so every one of them must
/// be granted to the manager, or her laptop would reach a contract that is not hers.
fn check_every_contract_granted(tx: &mut dyn Tx, session: &Session, id: &str) -> Result<()> {
    let Some(granted) = granted(tx, session)? else {
        return Ok(());
    };
    let others: Vec<String> = tx
        .contracts_of(id)?
        .into_iter()
        .filter(|c| !granted.contains(c))
        .collect();
    if others.is_empty() {
        return Ok(());
    }
    let others = others.join(", ");
    Err(OfficeError::ForbiddenBecause(format!(
        "该技服还分配了您未获授权的合同 {others}，其笔记本会同步这些合同：请联系管理员签发登记码 \
         (the technician also holds contract {others}, not granted to you, which the laptop would \
         sync: ask an administrator to issue the enrollment code)"
    )))
}

async fn technicians<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
) -> Result<Response> {
    let list = reading(&office, &headers, technician_items).await?;
    Ok(axum::Json(list).into_response())
}

async fn technician_add<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let sent = headers.clone();
    let item = writing(&office, &headers, move |tx, session, now| {
        require_one_of(session, &[Role::Administrator, Role::ProjectManager])?;
        let new: NewTechnician = json_body(&sent, bytes)?;
        add_technician(tx, session, &new, &address, now)
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(item)).into_response())
}

fn add_technician(
    tx: &mut dyn Tx,
    session: &Session,
    new: &NewTechnician,
    address: &str,
    now: DateTime<Utc>,
) -> Result<TechnicianItem> {
    let name = new.name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(OfficeError::Invalid(
            "请填写技服姓名（不超过 100 个字符） (a technician's name is required, at most 100 characters)"
                .into(),
        ));
    }
    let mut codes = new.contracts.clone();
    codes.sort();
    codes.dedup();
    if session.account.role.needs_grants() && codes.is_empty() {
        return Err(OfficeError::Invalid(
            "请至少分配一个您负责的合同 (assign at least one of your contracts)".into(),
        ));
    }
    for code in &codes {
        check_open_contract(tx, session, code)?;
    }
    let id = uuid::Uuid::now_v7().to_string();
    tx.add_technician(&id, name)?;
    for code in &codes {
        tx.assign(&id, code)?;
    }
    audit(
        tx,
        now,
        Some(&session.account),
        "",
        "technician_add",
        serde_json::json!({ "technician_id": id, "name": name, "contracts": codes }),
        address,
    )?;
    technician_for(tx, session, &id)
}

async fn assign<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let sent = headers.clone();
    let item = writing(&office, &headers, move |tx, session, now| {
        require_one_of(session, &[Role::Administrator, Role::ProjectManager])?;
        let AssignContract { contract } = json_body(&sent, bytes)?;
        technician_for(tx, session, &id)?;
        check_open_contract(tx, session, &contract)?;
        let new = !tx.contracts_of(&id)?.contains(&contract);
        tx.assign(&id, &contract)?;
        // An unused code enrolls with every contract held at redemption: one a project manager
        // issued before this contract (perhaps not hers) was added would reach it. So a new
        // contract ends the technician's unused codes; a fresh one is issued by whoever may.
        let cancelled_codes = if new {
            tx.cancel_enrollment_codes(&id, now)?
        } else {
            0
        };
        audit(
            tx,
            now,
            Some(&session.account),
            "",
            "technician_assign",
            serde_json::json!({
                "technician_id": id, "contract": contract, "cancelled_codes": cancelled_codes,
            }),
            &address,
        )?;
        technician_for(tx, session, &id)
    })
    .await?;
    Ok(axum::Json(item).into_response())
}

async fn unassign<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path((id, contract)): Path<(String, String)>,
) -> Result<Response> {
    let item = writing(&office, &headers, move |tx, session, now| {
        require_one_of(session, &[Role::Administrator, Role::ProjectManager])?;
        technician_for(tx, session, &id)?;
        check_contract(tx, session, &contract)?;
        if !tx.unassign(&id, &contract)? {
            return Err(OfficeError::NotFound(format!(
                "技服 {id} 的合同 {contract} (the technician is not assigned this contract)"
            )));
        }
        audit(
            tx,
            now,
            Some(&session.account),
            "",
            "technician_unassign",
            serde_json::json!({ "technician_id": id, "contract": contract }),
            &address,
        )?;
        // A manager who took away its last contract of the technician no longer sees them.
        let mut contracts = tx.contracts_of(&id)?;
        if let Some(granted) = granted(tx, session)? {
            contracts.retain(|c| granted.contains(c));
        }
        let name = tx
            .technicians()?
            .into_iter()
            .find(|(t, _)| *t == id)
            .map(|(_, name)| name)
            .unwrap_or_default();
        let laptops = tx
            .revocation()
            .devices()?
            .into_iter()
            .filter(|d| d.technician_id == id)
            .map(|d| TechnicianLaptop {
                id: d.device_id,
                name: d.name,
                revoked: d.revocation.is_some(),
            })
            .collect();
        Ok(TechnicianItem {
            id,
            name,
            contracts,
            laptops,
        })
    })
    .await?;
    Ok(axum::Json(item).into_response())
}

/// An enrollment code's request body: nothing, or `{}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoFields {}

/// The address this request reached the server at (`Host`), with the scheme it was served
/// with: what a laptop beside the console would use, when no public address is set.
fn served_address(headers: &HeaderMap, tls: bool) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?.trim();
    let plausible = !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    plausible.then(|| format!("{}://{host}", if tls { "https" } else { "http" }))
}

async fn enrollment_code<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let sent = headers.clone();
    // `secure_cookies` is set exactly when the server speaks HTTPS (`serve_tls`).
    let served_at = served_address(&headers, office.options.secure_cookies);
    let issued = writing(&office, &headers, move |tx, session, now| {
        require_one_of(session, &[Role::Administrator, Role::ProjectManager])?;
        let empty = matches!(&bytes, Ok(b) if b.is_empty());
        if !empty {
            let NoFields {} = json_body(&sent, bytes)?;
        }
        let technician = technician_for(tx, session, &id)?;
        check_every_contract_granted(tx, session, &technician.id)?;
        let server_url = match crate::revocation::public_url_in(tx)? {
            Some(url) => url,
            None => served_at.ok_or_else(|| {
                OfficeError::Invalid(
                    "无法确定服务器地址，请用 serve --public-url 设置 \
                     (the server's address is unknown: set it with serve --public-url)"
                        .into(),
                )
            })?,
        };
        let code = crate::admin::issue_enrollment_code(tx, &technician.id, now)?;
        audit(
            tx,
            now,
            Some(&session.account),
            "",
            "enrollment_code_issue",
            // Never the code itself: it is shown once, to the one who asked.
            serde_json::json!({
                "technician_id": technician.id, "server_url": server_url,
                "expires_at": code.expires_at,
            }),
            &address,
        )?;
        Ok((technician, server_url, code))
    })
    .await?;
    let (technician, server_url, code) = issued;
    // Drawn after the transaction: the writer is not held for it.
    let qr_text = EnrollmentLink {
        server_url: server_url.clone(),
        code: code.code.clone(),
    }
    .to_text();
    let qr_svg = qr_svg(&qr_text)?;
    let answer = EnrollmentCodeAnswer {
        technician_id: technician.id,
        technician_name: technician.name,
        code: code.code,
        server_url,
        expires_at: code.expires_at,
        qr_text,
        qr_svg,
    };
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

/// Cancels the technician's unused enrollment codes (a code handed out by mistake, or lost):
/// an administrator any technician's, a project manager those of the technicians she sees.
/// Taking access away needs no grant of the technician's other contracts.
async fn cancel_codes<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let cancelled = writing(&office, &headers, move |tx, session, now| {
        require_one_of(session, &[Role::Administrator, Role::ProjectManager])?;
        let technician = technician_for(tx, session, &id)?;
        let cancelled = tx.cancel_enrollment_codes(&technician.id, now)?;
        audit(
            tx,
            now,
            Some(&session.account),
            "",
            "enrollment_code_cancel",
            serde_json::json!({ "technician_id": technician.id, "cancelled": cancelled }),
            &address,
        )?;
        Ok(CancelledCodes {
            technician_id: technician.id,
            cancelled,
        })
    })
    .await?;
    Ok(axum::Json(cancelled).into_response())
}

/// `text` as a QR code in SVG (error correction M: a phone reads it off a screen or a print).
pub fn qr_svg(text: &str) -> Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ServerError::Storage(format!("QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

fn laptop_item(device: DeviceState) -> LaptopItem {
    LaptopItem {
        id: device.device_id,
        name: device.name,
        technician_id: device.technician_id,
        technician_name: device.technician_name,
        enrolled_at: device.enrolled_at,
        last_sync_at: device.report.last_seen_at,
        waiting_changes: device.report.waiting_changes,
        app_version: device.report.app_version,
        certificate_serials: device.certificate_serials,
        revocation: device.revocation.map(|r| LaptopRevocation {
            revoked_at: r.revoked_at,
            revoked_by: r.revoked_by,
            reason: r.reason,
        }),
    }
}

/// The laptops the session sees: every one for an administrator, those of its technicians for
/// a project manager. A fixed handful of queries however many laptops (the console's
/// benchmark lists 200).
fn laptop_items(tx: &mut dyn Tx, session: &Session) -> Result<Vec<LaptopItem>> {
    require_one_of(session, &[Role::Administrator, Role::ProjectManager])?;
    // A manager's technicians: those assigned one of its contracts (one query, no more).
    let visible: Option<std::collections::HashSet<String>> = match granted(tx, session)? {
        Some(granted) => Some(
            tx.assignments()?
                .into_iter()
                .filter(|(_, code)| granted.contains(code))
                .map(|(technician, _)| technician)
                .collect(),
        ),
        None => None,
    };
    let devices = tx.revocation().devices()?;
    Ok(devices
        .into_iter()
        .filter(|d| {
            visible
                .as_ref()
                .is_none_or(|v| v.contains(&d.technician_id))
        })
        .map(laptop_item)
        .collect())
}

async fn laptops<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
) -> Result<Response> {
    let list = reading(&office, &headers, laptop_items).await?;
    Ok(axum::Json(list).into_response())
}

async fn revoke<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let sent = headers.clone();
    let revoked = writing(&office, &headers, move |tx, session, now| {
        session.require(Role::Administrator)?;
        let RevokeLaptop { reason } = json_body(&sent, bytes)?;
        // The one way to revoke (the command line's too); the actor is the office login.
        let revoked =
            crate::revocation::revoke_device_in(tx, &id, &session.account.login, &reason, now)?;
        audit(
            tx,
            now,
            Some(&session.account),
            "",
            "laptop_revoke",
            serde_json::json!({
                "device_id": revoked.device.device_id,
                "name": revoked.device.name,
                "technician_id": revoked.device.technician_id,
                "reason": reason.trim(),
                "certificate_serials": revoked.device.certificate_serials,
                "crl_number": revoked.crl_number,
                "cancelled_codes": revoked.cancelled_codes,
            }),
            &address,
        )?;
        Ok(RevokedLaptop {
            laptop: laptop_item(revoked.device),
            crl_number: revoked.crl_number,
            cancelled_codes: revoked.cancelled_codes,
        })
    })
    .await?;
    Ok(axum::Json(revoked).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_served_address_comes_from_the_host_header_with_the_scheme_served() {
        let mut headers = HeaderMap::new();
        assert_eq!(served_address(&headers, false), None);
        headers.insert(header::HOST, HeaderValue::from_static("192.0.2.10:8740"));
        assert_eq!(
            served_address(&headers, false).as_deref(),
            Some("http://192.0.2.10:8740")
        );
        headers.insert(header::HOST, HeaderValue::from_static("fieldlog.example"));
        assert_eq!(
            served_address(&headers, true).as_deref(),
            Some("https://fieldlog.example")
        );
        headers.insert(
            header::HOST,
            HeaderValue::from_static("evil.example/path?x"),
        );
        assert_eq!(served_address(&headers, true), None);
    }

    #[test]
    fn the_qr_code_is_an_svg_document() {
        let svg =
            qr_svg("fieldlog-enroll:1?server=http%3A%2F%2F192.0.2.10%3A8740&code=00ff").unwrap();
        assert!(svg.starts_with("<?xml"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.contains("<svg") && svg.contains("#000000"));
    }
}
