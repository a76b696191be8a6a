//! The completion form (完工确认单): when a fault is cleared, the customer representative confirms
//! it on the technician's screen. Both signatures cover the same content, hashed like a report's.

use crate::fault::{Fault, FaultEvent, FaultStatus};
use crate::report::{ReportEntry, hex};
use crate::validate::InvalidInput;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Everything the form shows: the fault, its events (the three clocks' times), and the work done
/// and parts used (the report entries for it). Field order is fixed, so the JSON is canonical.
#[derive(Serialize)]
struct CompletionContent<'a> {
    schema: &'static str,
    fault: &'a Fault,
    events: &'a [FaultEvent],
    entries: &'a [ReportEntry],
}

/// SHA-256 (hex) of the completion form's content.
pub fn content_hash(fault: &Fault, events: &[FaultEvent], entries: &[ReportEntry]) -> String {
    let content = CompletionContent {
        schema: "fieldlog.completion-form.v1",
        fault,
        events,
        entries,
    };
    hex(&Sha256::digest(
        serde_json::to_vec(&content).expect("content serialises"),
    ))
}

/// A completion form is signed only for a resolved fault.
pub fn check_can_sign(status: FaultStatus) -> Result<(), InvalidInput> {
    if status != FaultStatus::Resolved {
        return Err(InvalidInput::new(
            "fault",
            "故障尚未解决，解决后才能请用户签字确认",
            "the fault is not resolved yet; the customer signs once it is",
        ));
    }
    Ok(())
}
