//! Handwritten signatures (签字确认): who signed, in what role, when, the ink, and the hash of what
//! was signed.

use crate::validate::InvalidInput;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::SignatureId;

code_enum! {
    pub enum SignerRole {
        Technician = "technician", "技服人员", "Technician";
        Customer = "customer", "用户代表", "Customer representative";
    }
}

code_enum! {
    /// The kind of record a signature covers.
    pub enum SignedSubject {
        DailyReport = "daily_report", "每日设备维护报告", "Daily maintenance report";
        CompletionForm = "completion_form", "完工确认单", "Completion form";
    }
}

/// One pen stroke: points as (x, y, milliseconds since the stroke began), in canvas pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Stroke {
    pub points: Vec<[f32; 3]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Signature {
    pub id: SignatureId,
    pub subject: SignedSubject,
    pub subject_id: Uuid,
    pub signer_name: String,
    pub role: SignerRole,
    pub signed_at: DateTime<Utc>,
    /// SHA-256 (hex) of the PNG image, kept as an attachment.
    pub image_sha256: String,
    pub strokes: Vec<Stroke>,
    /// SHA-256 (hex) of the signed record's content at the moment of signing.
    pub content_hash: String,
}

/// A signature as captured, before it is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewSignature {
    pub signer_name: String,
    pub role: SignerRole,
    pub image_png: Vec<u8>,
    pub strokes: Vec<Stroke>,
}

/// Ink smaller than this (in canvas pixels, either way) is a dot or a slip, not a signature.
pub const MIN_INK_EXTENT_PX: f32 = 20.0;

/// Refuses strokes that cannot be a signature: none, or a single dot. A signature captured as an
/// image only (CLI, import) has no strokes; its image is checked for ink by the store.
pub fn check_strokes(strokes: &[Stroke]) -> Result<(), InvalidInput> {
    let points: Vec<&[f32; 3]> = strokes.iter().flat_map(|s| &s.points).collect();
    let Some(first) = points.first() else {
        return Ok(());
    };
    let (mut min_x, mut max_x, mut min_y, mut max_y) = (first[0], first[0], first[1], first[1]);
    for p in &points {
        min_x = min_x.min(p[0]);
        max_x = max_x.max(p[0]);
        min_y = min_y.min(p[1]);
        max_y = max_y.max(p[1]);
    }
    if points.len() < 5 || (max_x - min_x).max(max_y - min_y) < MIN_INK_EXTENT_PX {
        return Err(InvalidInput::new(
            "strokes",
            "签名太短或只有一个点，请重新签名",
            "the signature is empty or a single dot; please sign again",
        ));
    }
    Ok(())
}

impl NewSignature {
    pub fn validate(mut self) -> Result<Self, InvalidInput> {
        self.signer_name =
            crate::validate::required_text("signer_name", "签字人姓名", &self.signer_name, 50)?;
        check_strokes(&self.strokes)?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dot_is_not_a_signature() {
        let dot = Stroke {
            points: vec![[10.0, 10.0, 0.0]; 8],
        };
        assert!(check_strokes(&[dot]).is_err());
        let scribble = Stroke {
            points: (0..20)
                .map(|i| [i as f32 * 5.0, (i % 3) as f32 * 10.0, i as f32])
                .collect(),
        };
        assert!(check_strokes(&[scribble]).is_ok());
    }
}
