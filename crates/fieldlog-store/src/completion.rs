//! Completion forms (完工确认单): the technician and the customer representative sign, on the
//! technician's screen, that a resolved fault is cleared. Both signatures land in one transaction,
//! with the hash of what the form shows.

use crate::reports::{self, insert_signature, signatures};
use crate::{Result, Store, StoreError, attachments, faults, signature_image};
use chrono::{DateTime, Utc};
use fieldlog_domain::completion;
use fieldlog_domain::fault;
use fieldlog_domain::ids::{FaultId, ReportId, SignatureId};
use fieldlog_domain::report::ReportEntry;
use fieldlog_domain::signature::{NewSignature, Signature, SignedSubject, SignerRole};
use fieldlog_domain::validate::InvalidInput;
use fieldlog_wire::v1::CompletionForm;
use rusqlite::Connection;
use uuid::Uuid;

/// The work done on a fault: its entries in the current version of each report (an amended
/// report's entries are superseded by its signed amendment's).
fn entries_for(conn: &Connection, fault_id: FaultId) -> Result<Vec<ReportEntry>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT r.id FROM report_entries e JOIN daily_reports r ON r.id = e.report_id
         WHERE e.fault_id = ?1
           AND NOT EXISTS (SELECT 1 FROM daily_reports a WHERE a.amends_id = r.id AND a.status = 'signed')
         ORDER BY r.work_date, r.created_at",
    )?;
    let report_ids: Vec<ReportId> = stmt
        .query_map([fault_id.to_string()], |r| crate::sql::parse(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in report_ids {
        out.extend(
            reports::entries(conn, id)?
                .into_iter()
                .filter(|e| e.fault_id == Some(fault_id)),
        );
    }
    Ok(out)
}

pub(crate) fn form(
    conn: &Connection,
    fault_id: FaultId,
    at: DateTime<Utc>,
) -> Result<CompletionForm> {
    let row = faults::fault_rows(conn, false, at)?
        .into_iter()
        .find(|r| r.id == fault_id)
        .ok_or_else(|| StoreError::not_found("fault", fault_id))?;
    let signatures = signatures(conn, SignedSubject::CompletionForm, fault_id.as_uuid())?;
    let signed = [SignerRole::Technician, SignerRole::Customer]
        .iter()
        .all(|role| signatures.iter().any(|s| s.role == *role));
    Ok(CompletionForm {
        fault: row,
        entries: entries_for(conn, fault_id)?,
        signatures,
        signed,
    })
}

fn signature(
    input: NewSignature,
    role: SignerRole,
    fault_id: FaultId,
    content_hash: &str,
    conn: &Connection,
    now: DateTime<Utc>,
) -> Result<Signature> {
    if input.role != role {
        return Err(InvalidInput::new(
            "role",
            "签字人角色不对",
            "the signer's role does not match",
        )
        .into());
    }
    let input = input.validate()?;
    signature_image::check_png_ink(&input.image_png)?;
    Ok(Signature {
        id: SignatureId(Uuid::now_v7()),
        subject: SignedSubject::CompletionForm,
        subject_id: fault_id.as_uuid(),
        signer_name: input.signer_name,
        role,
        signed_at: now,
        image_sha256: attachments::put(conn, &input.image_png, "image/png", now)?,
        strokes: input.strokes,
        content_hash: content_hash.to_owned(),
    })
}

pub(crate) fn sign(
    conn: &Connection,
    fault_id: FaultId,
    technician: NewSignature,
    customer: NewSignature,
    now: DateTime<Utc>,
) -> Result<()> {
    let fault_record = faults::fault(conn, fault_id)?;
    let events = faults::events(conn, fault_id)?;
    completion::check_can_sign(fault::status(&events))?;
    if !signatures(conn, SignedSubject::CompletionForm, fault_id.as_uuid())?.is_empty() {
        return Err(StoreError::SignedImmutable);
    }
    let hash = completion::content_hash(&fault_record, &events, &entries_for(conn, fault_id)?);
    let technician = signature(
        technician,
        SignerRole::Technician,
        fault_id,
        &hash,
        conn,
        now,
    )?;
    let customer = signature(customer, SignerRole::Customer, fault_id, &hash, conn, now)?;
    insert_signature(conn, &technician)?;
    insert_signature(conn, &customer)?;
    Ok(())
}

impl Store {
    /// The completion form of a fault, its clocks as of `at`.
    pub fn completion(&self, fault_id: FaultId, at: DateTime<Utc>) -> Result<CompletionForm> {
        form(&self.conn, fault_id, at)
    }

    /// The technician and the customer sign a resolved fault's completion form (both, or neither).
    pub fn sign_completion(
        &mut self,
        fault_id: FaultId,
        technician: NewSignature,
        customer: NewSignature,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| sign(tx, fault_id, technician, customer, now))
    }
}
