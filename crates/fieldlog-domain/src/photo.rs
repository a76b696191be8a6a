//! Photos (照片, issue 19): a technician proves a repair with pictures taken before and after it,
//! attached to a fault, an arrival on site or a daily report's entry. The bytes are the store's
//! (content-addressed attachments); here are what a photo is about and what the camera said.

use crate::ids::{PhotoId, TechnicianId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    /// The record a photo shows.
    pub enum PhotoSubject {
        Fault = "fault", "故障", "Fault";
        Arrival = "arrival", "到场记录", "Arrival";
        ReportEntry = "report_entry", "日报条目", "Report entry";
    }
}

code_enum! {
    /// When in the repair it was taken.
    pub enum PhotoStage {
        Before = "before", "维修前", "Before";
        After = "after", "维修后", "After";
        Other = "other", "其他", "Other";
    }
}

/// One photo as lists show it (the bytes are fetched apart, by its hashes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Photo {
    pub id: PhotoId,
    pub subject: PhotoSubject,
    /// The id of the fault, arrival or entry.
    pub subject_id: String,
    pub stage: PhotoStage,
    /// SHA-256 of the original as it was added (kept whole).
    pub original_sha256: String,
    pub mime: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub width: u32,
    pub height: u32,
    /// EXIF: when the camera says it was taken.
    pub taken_at: Option<DateTime<Utc>>,
    /// EXIF: where (WGS-84 degrees).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub file_name: String,
    pub technician_id: TechnicianId,
    pub added_at: DateTime<Utc>,
    /// SHA-256 of the thumbnail (a JPEG of at most 320 px); none while another laptop's photo
    /// has arrived without it.
    pub thumbnail_sha256: Option<String>,
}
