//! Accounts, from the administrator's command line: contracts, technicians, assignments, and
//! one-time enrollment codes (shown once; the server keeps only their hash).

use crate::error::{Result, ServerError};
use crate::rules::{random_secret, sha256_hex};
use crate::storage::{ConflictNote, IssuedCertificateRecord, Storage, Tx};
use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_wire::office::v1::people::ENROLLMENT_CODE_DAYS;

pub fn add_contract(storage: &impl Storage, code: &str, name: &str) -> Result<()> {
    let code = code.trim();
    if code.is_empty() || name.trim().is_empty() {
        return Err(ServerError::Malformed(
            "合同编号和名称不能为空 (code and name are required)".into(),
        ));
    }
    storage.transaction(|tx| tx.add_contract(code, name.trim()))
}

/// Creates a technician and returns the new id.
pub fn add_technician(storage: &impl Storage, name: &str) -> Result<String> {
    if name.trim().is_empty() {
        return Err(ServerError::Malformed(
            "姓名不能为空 (name is required)".into(),
        ));
    }
    let id = uuid::Uuid::now_v7().to_string();
    storage.transaction(|tx| tx.add_technician(&id, name.trim()))?;
    Ok(id)
}

pub fn assign(storage: &impl Storage, technician_id: &str, contract_code: &str) -> Result<()> {
    storage.transaction(|tx| tx.assign(technician_id, contract_code))
}

/// Ends an assignment (see `Tx::unassign` for what that means for the laptops).
pub fn unassign(storage: &impl Storage, technician_id: &str, contract_code: &str) -> Result<()> {
    storage.transaction(|tx| {
        if tx.unassign(technician_id, contract_code)? {
            Ok(())
        } else {
            Err(ServerError::NotFound(format!(
                "技服 {technician_id} 的合同 {contract_code} (assignment)"
            )))
        }
    })
}

/// A new one-time enrollment code for the technician (returned once, kept hashed).
pub fn enrollment_code(
    storage: &impl Storage,
    technician_id: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let issued = storage.transaction(|tx| {
        if tx.contracts_of(technician_id)?.is_empty() {
            // Not an error for the data, but an enrollment that can read nothing is a mistake.
            eprintln!(
                "提示：该技服尚未分配合同 (note: the technician has no contract assigned yet)"
            );
        }
        issue_enrollment_code(tx, technician_id, now)
    })?;
    Ok(issued.code)
}

/// An enrollment code as issued: the code itself (shown once) and when it stops being good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// The one way a code is made (the command line's and the office's): random, kept only as its
/// hash, good for [`ENROLLMENT_CODE_DAYS`] days (`rules::enroll` refuses it after).
pub fn issue_enrollment_code(
    tx: &mut dyn Tx,
    technician_id: &str,
    now: DateTime<Utc>,
) -> Result<IssuedCode> {
    // The office's own technician (migration 0010) writes the console's changes; no laptop is
    // ever its.
    if technician_id == crate::office::write::OFFICE_TECHNICIAN {
        return Err(ServerError::NotFound(format!(
            "技服 {technician_id}：办公室账号不能登记笔记本 (technician: the office's own cannot enroll a laptop)"
        )));
    }
    let code = random_secret(10);
    tx.add_enrollment_code(&sha256_hex(code.as_bytes()), technician_id, now)?;
    Ok(IssuedCode {
        code,
        expires_at: now + TimeDelta::days(ENROLLMENT_CODE_DAYS),
    })
}

pub fn conflicts(storage: &impl Storage) -> Result<Vec<ConflictNote>> {
    storage.transaction(|tx| tx.conflicts())
}

/// The root certificate of the server's CA (PEM), made on first use: what validators trust
/// (pyHanko `--trust`, an NSS database for pdfsig, Adobe's trusted certificates).
pub fn ca_certificate(storage: &impl Storage, now: DateTime<Utc>) -> Result<String> {
    storage.transaction(|tx| Ok(crate::ca::authority(tx, now)?.certificate_pem()))
}

/// A TLS certificate and key (PEM) for this server under `hosts` (DNS names or IP addresses),
/// issued by the server's CA, for an administrator who has no other CA: laptops then trust it
/// with `fieldlog enroll --ca-cert` and the root from [`ca_certificate`].
pub fn tls_certificate(
    storage: &impl Storage,
    hosts: &[String],
    valid_days: u32,
    now: DateTime<Utc>,
) -> Result<(String, String)> {
    if hosts.is_empty() || hosts.iter().any(|h| h.trim().is_empty()) {
        return Err(ServerError::Malformed(
            "请至少给出一个主机名或 IP 地址 (give at least one host name or IP address)".into(),
        ));
    }
    let authority = storage.transaction(|tx| crate::ca::authority(tx, now))?;
    fieldlog_certs::tls_server_identity(&authority, hosts, now, valid_days)
        .map_err(|e| ServerError::Authority(e.to_string()))
}

pub fn issued_certificates(storage: &impl Storage) -> Result<Vec<IssuedCertificateRecord>> {
    storage.transaction(|tx| tx.issued_certificates())
}
