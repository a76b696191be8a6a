//! Fieldlog's PDF documents: the daily maintenance report (每日设备维护报告), the completion form
//! (完工确认单) and the monthly summary (每月维护报告汇总), plus their PAdES signature.
//!
//! The work is split so that each part can be tested alone:
//! - [`input`]: plain structs with every text already formatted by the caller (times local, e.g.
//!   "2026-11-22 13:05"); this crate depends on none of Fieldlog's other crates.
//! - [`layout`]: pure — input plus font metrics → pages of positioned text, lines, rectangles and
//!   images (points, origin top-left). No printpdf, no I/O.
//! - [`render`]: a thin printpdf pass that turns those pages into PDF bytes with a subset CJK font;
//!   [`compact`] then drops what readers never use (font hinting, empty metadata).
//! - [`fonts`]: finds and loads the one CJK font (system or `FIELDLOG_PDF_FONT`).
//! - [`signing`] / [`verify`]: the technician's key and certificate, the PAdES baseline-B signature
//!   as an incremental update, and its cryptographic check.

pub mod compact;
pub mod fonts;
pub mod input;
pub mod layout;
pub mod render;
pub mod signing;
mod truetype_trim;
pub mod verify;

pub use fonts::{FONT_ENV, Font, FontError, find_font_file};
pub use input::*;
pub use layout::{Layout, LayoutError};
pub use render::RenderError;
pub use signing::{
    IdentityError, SignError, SigningIdentity, TimeStamper, sign_pdf, sign_pdf_stamped,
};
pub use verify::{
    SignatureCheck, SignerTrust, TimeStampCheck, Trust, Verdict, Verification, VerifyError,
    verify_pdf, verify_pdf_trusting,
};

/// Anything that can stop a document from being produced, Chinese first, then English.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(transparent)]
    Font(#[from] FontError),
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(
        "生成的 PDF 无法压缩整理：{0}。请把此错误报告给维护人员。/ Cannot compact the rendered PDF: {0}."
    )]
    Compact(#[from] compact::CompactError),
}

/// Renders a laid-out document and compacts the file.
fn finish(layout: &Layout, font: &Font) -> Result<Vec<u8>, PdfError> {
    let pdf = render::render(layout, font)?;
    Ok(compact::compact(&pdf)?)
}

/// Lays out and renders the daily maintenance report.
pub fn daily_report(input: &DailyReportPdf, font: &Font) -> Result<Vec<u8>, PdfError> {
    finish(&layout::daily::layout(input, &font.metrics())?, font)
}

/// Lays out and renders the completion form.
pub fn completion_form(input: &CompletionFormPdf, font: &Font) -> Result<Vec<u8>, PdfError> {
    finish(&layout::completion::layout(input, &font.metrics())?, font)
}

/// Lays out and renders the monthly summary.
pub fn monthly_summary(input: &MonthlySummaryPdf, font: &Font) -> Result<Vec<u8>, PdfError> {
    finish(&layout::monthly::layout(input, &font.metrics())?, font)
}
