//! The summary as a spreadsheet for the client's clerks, who live in Excel: XLSX (written by
//! `rust_xlsxwriter`, no optional features) with the summary table and the fault list on two
//! sheets, and CSV (the summary table) with a UTF-8 byte-order mark, without which Windows Excel
//! reads the Chinese as the local code page and shows garbage.

use crate::summary_table::{self, FAULT_HEADER, HEADER};
use fieldlog_wire::v1::SummaryView;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, thiserror::Error)]
pub enum SpreadsheetError {
    #[error("无法生成 Excel 文件：{0} (writing the XLSX failed)")]
    Xlsx(#[from] XlsxError),
    #[error("无法生成 CSV 文件：{0} (writing the CSV failed)")]
    Csv(#[from] csv::Error),
}
impl SpreadsheetError {
    /// The sentence in English (zh-CN is the `Display`).
    pub fn message_en(&self) -> String {
        match self {
            SpreadsheetError::Xlsx(e) => format!("Writing the XLSX failed: {e}"),
            SpreadsheetError::Csv(e) => format!("Writing the CSV failed: {e}"),
        }
    }
}

/// The sheet names (Excel allows at most 31 characters).
pub const SUMMARY_SHEET: &str = "汇总";
pub const FAULTS_SHEET: &str = "故障明细";

pub fn xlsx(view: &SummaryView) -> Result<Vec<u8>, SpreadsheetError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let title = format!(
        "每月维护报告汇总 {} {}（{}）",
        view.contract_name, view.period, view.client
    );
    let sheet = book.add_worksheet();
    sheet.set_name(SUMMARY_SHEET)?;
    sheet.write_string_with_format(0, 0, &title, &bold)?;
    for (col, head) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, *head, &bold)?;
    }
    for (i, row) in summary_table::rows(view).iter().enumerate() {
        let r = i as u32 + 2;
        sheet.write_string(r, 0, &row.section)?;
        sheet.write_string(r, 1, &row.item)?;
        match row.value {
            Some(v) => sheet.write_number(r, 2, v)?,
            None => sheet.write_string(r, 2, "—")?,
        };
        sheet.write_string(r, 3, &row.note)?;
        sheet.write_string(r, 4, summary_table::fault_list(&row.faults))?;
    }
    for (col, width) in [16.0, 30.0, 10.0, 34.0, 40.0].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }

    let faults = book.add_worksheet();
    faults.set_name(FAULTS_SHEET)?;
    for (col, head) in FAULT_HEADER.iter().enumerate() {
        faults.write_string_with_format(0, col as u16, *head, &bold)?;
    }
    for (i, row) in summary_table::fault_rows(view).iter().enumerate() {
        for (col, text) in row.iter().enumerate() {
            faults.write_string(i as u32 + 1, col as u16, text)?;
        }
    }
    for (col, width) in [12.0, 18.0, 6.0, 26.0, 20.0, 30.0, 10.0, 18.0]
        .into_iter()
        .enumerate()
    {
        faults.set_column_width(col as u16, width)?;
    }
    Ok(book.save_to_buffer()?)
}

/// The summary table as CSV (UTF-8 with a BOM, comma-separated, CRLF as Excel writes it).
pub fn csv(view: &SummaryView) -> Result<Vec<u8>, SpreadsheetError> {
    let mut out = BOM.to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(HEADER)?;
        for row in summary_table::rows(view) {
            writer.write_record([
                row.section,
                row.item,
                summary_table::value_text(row.value),
                row.note,
                summary_table::fault_list(&row.faults),
            ])?;
        }
        writer.flush().map_err(csv::Error::from)?;
    }
    Ok(out)
}
