//! Reading a client's list of sites and devices from CSV (UTF-8, with or without a BOM) or XLSX
//! (first sheet, read with calamine) into rows, and the pure check of those rows
//! ([`plan::plan`]). One place for both importers: the laptop's (`fieldlog import sites`, through
//! `fieldlog-export` and the store) and the office console's on the server. The first row holds
//! the column names, Chinese or English, in any order; row numbers are the spreadsheet's
//! (header = 1), so an error points at the line the clerk sees.

pub mod plan;

pub use plan::{ImportPlan, ImportRefusal, ImportReport, PlannedDevice, PlannedSite, plan};

use calamine::{Data, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

/// A file holds at most this many rows under its header: a client's list is a few thousand
/// sites, and a cap keeps a crafted file (a cell at the sheet's far corner, a CSV of millions of
/// lines) from taking the server's memory.
pub const MAX_ROWS: usize = 20_000;

/// Cells right of this many columns are not read: the list has 9 columns, and a row of 16,384
/// (XFD) cells times 20,000 rows would again be gigabytes.
pub const MAX_COLUMNS: usize = 64;

/// The UTF-8 byte order mark Excel writes before a CSV UTF-8 file.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One row as read from the file, cells as text (trimmed by the reader, empty when blank).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteImportRow {
    /// The row's number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub site_code: String,
    pub site_name: String,
    /// A code (`camera_pole`) or its Chinese label (监控杆).
    pub site_kind: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    pub device_kind: String,
    pub device_model: String,
    pub serial: String,
}

/// Which reader a file needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteFileFormat {
    Csv,
    Xlsx,
}

impl SiteFileFormat {
    /// From a file name's extension or a format's name (`csv`, `xlsx`, any case).
    pub fn from_extension(ext: &str) -> Option<SiteFileFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(SiteFileFormat::Csv),
            "xlsx" => Some(SiteFileFormat::Xlsx),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SiteFileError {
    #[error("无法读取 {path}：{reason} (cannot read the file)")]
    Read { path: String, reason: String },
    #[error(
        "文件 {0} 不是 UTF-8 编码。请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”，或直接导入 .xlsx (the CSV is not UTF-8; save it as CSV UTF-8 or import the .xlsx)"
    )]
    NotUtf8(String),
    #[error("第 {row} 行无法解析：{reason} (row {row} cannot be read)")]
    Csv { row: usize, reason: String },
    #[error("无法打开 Excel 文件：{0} (cannot open the XLSX)")]
    Xlsx(String),
    #[error(
        "缺少列“{0}”。第一行须为列名：点位编号、点位名称、点位类型、地址，可选 纬度、经度、设备类型、设备型号、序列号 (missing column)"
    )]
    MissingColumn(&'static str),
    #[error(
        "文件超过 {max} 行（不含列名行），请拆分为多个文件分别导入 (the file has more than {max} rows; split it)"
    )]
    TooManyRows { max: usize },
    #[error("无法从文件名判断格式，请使用 .csv 或 .xlsx 文件 (use a .csv or .xlsx file)")]
    UnknownFormat,
}

impl SiteFileError {
    /// The sentence in English (zh-CN is the `Display`).
    pub fn message_en(&self) -> String {
        match self {
            SiteFileError::Read { path, reason } => format!("Cannot read {path}: {reason}."),
            SiteFileError::NotUtf8(path) => format!(
                "The CSV {path} is not UTF-8: in Excel, save it as \"CSV UTF-8 (comma delimited)\", or import the .xlsx."
            ),
            SiteFileError::Csv { row, reason } => format!("Row {row} cannot be read: {reason}."),
            SiteFileError::Xlsx(reason) => format!("Cannot open the XLSX: {reason}."),
            SiteFileError::MissingColumn(column) => {
                let alias = COLUMNS
                    .iter()
                    .find(|(zh, _, _)| zh == column)
                    .map_or(*column, |(_, en, _)| *en);
                format!(
                    "Missing column '{alias}'. The first row names the columns: site_code, site_name, site_kind, address, and optionally lat, lon, device_kind, device_model, serial."
                )
            }
            SiteFileError::TooManyRows { max } => format!(
                "The file has more than {max} rows under its header: split it into several files."
            ),
            SiteFileError::UnknownFormat => "Use a .csv or .xlsx file.".into(),
        }
    }
}

/// The columns, by their Chinese name and an English alias.
const COLUMNS: [(&str, &str, bool); 9] = [
    ("点位编号", "site_code", true),
    ("点位名称", "site_name", true),
    ("点位类型", "site_kind", true),
    ("地址", "address", true),
    ("纬度", "lat", false),
    ("经度", "lon", false),
    ("设备类型", "device_kind", false),
    ("设备型号", "device_model", false),
    ("序列号", "serial", false),
];

/// Rows of cells as text, each with its spreadsheet row number; the first is the header.
fn to_rows(
    header: &[String],
    rows: Vec<(usize, Vec<String>)>,
) -> Result<Vec<SiteImportRow>, SiteFileError> {
    let mut index = [None; 9];
    for (i, (zh, en, required)) in COLUMNS.iter().enumerate() {
        index[i] = header
            .iter()
            .position(|h| h.trim() == *zh || h.trim().eq_ignore_ascii_case(en));
        if *required && index[i].is_none() {
            return Err(SiteFileError::MissingColumn(zh));
        }
    }
    Ok(rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(row, cells)| {
            let cell = |i: usize| {
                index[i]
                    .and_then(|c| cells.get(c))
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default()
            };
            SiteImportRow {
                row,
                site_code: cell(0),
                site_name: cell(1),
                site_kind: cell(2),
                address: cell(3),
                lat: cell(4),
                lon: cell(5),
                device_kind: cell(6),
                device_model: cell(7),
                serial: cell(8),
            }
        })
        .collect())
}

pub fn read_csv(bytes: &[u8], name: &str) -> Result<Vec<SiteImportRow>, SiteFileError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|_| SiteFileError::NotUtf8(name.into()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut all = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| SiteFileError::Csv {
            row: i + 1,
            reason: e.to_string(),
        })?;
        if i > MAX_ROWS {
            return Err(SiteFileError::TooManyRows { max: MAX_ROWS });
        }
        all.push((i + 1, record.iter().map(str::to_owned).collect::<Vec<_>>()));
    }
    let Some((_, header)) = all.first().cloned() else {
        return Err(SiteFileError::MissingColumn(COLUMNS[0].0));
    };
    to_rows(&header, all.into_iter().skip(1).collect())
}

fn cell_text(cell: Data) -> String {
    match cell {
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The first sheet, read cell by cell: calamine's `worksheet_range` allocates the sheet's whole
/// extent, so one cell at XFD1048576 would ask for 1.7e10 cells and abort the process. Cells are
/// kept sparsely; a cell below the row cap refuses the file, right of [`MAX_COLUMNS`] is skipped.
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<SiteImportRow>, SiteFileError> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| SiteFileError::Xlsx(e.to_string()))?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| SiteFileError::Xlsx("没有工作表 (no sheet)".into()))?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| SiteFileError::Xlsx(e.to_string()))?;
    let mut by_row: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| SiteFileError::Xlsx(e.to_string()))?
    {
        let (row, column) = cell.get_position();
        let (row, column) = (row as usize + 1, column as usize);
        // The header may not be on row 1, so the cap counts from the first row read.
        let header_row = by_row.keys().next().copied().unwrap_or(row);
        if row > header_row + MAX_ROWS || row < header_row && header_row - row > MAX_ROWS {
            return Err(SiteFileError::TooManyRows { max: MAX_ROWS });
        }
        if column >= MAX_COLUMNS {
            continue;
        }
        let text = cell_text(Data::from(cell.get_value().clone()));
        let line = by_row.entry(row).or_default();
        if line.len() <= column {
            line.resize(column + 1, String::new());
        }
        line[column] = text;
    }
    let mut rows = by_row.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(SiteFileError::MissingColumn(COLUMNS[0].0));
    };
    to_rows(&header, rows.collect())
}

/// Reads a file's bytes as `format`; `name` is how errors name the file.
pub fn read_site_bytes(
    bytes: &[u8],
    format: SiteFileFormat,
    name: &str,
) -> Result<Vec<SiteImportRow>, SiteFileError> {
    match format {
        SiteFileFormat::Csv => read_csv(bytes, name),
        SiteFileFormat::Xlsx => read_xlsx(bytes),
    }
}

/// Reads a .csv or .xlsx file (by its extension).
pub fn read_site_file(path: &Path) -> Result<Vec<SiteImportRow>, SiteFileError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| SiteFileError::Read {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(SiteFileFormat::from_extension)
        .ok_or(SiteFileError::UnknownFormat)?;
    read_site_bytes(&bytes, format, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header and one cell at the sheet's far corner (XFD1048576): a few kilobytes that a
    /// dense read turns into 1.7e10 cells.
    #[test]
    fn an_xlsx_with_a_cell_at_the_far_corner_is_refused_without_reading_its_extent() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, name) in ["点位编号", "点位名称", "点位类型", "地址"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *name).unwrap();
        }
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(bytes.len() < 16 * 1024);
        let refused = read_xlsx(&bytes).unwrap_err();
        assert!(matches!(
            refused,
            SiteFileError::TooManyRows { max: MAX_ROWS }
        ));
        assert!(refused.to_string().contains("20000"), "{refused}");
    }

    #[test]
    fn an_xlsx_with_far_right_cells_reads_its_columns() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let lines = [
            ["点位编号", "点位名称", "点位类型", "地址"],
            ["XQ-1", "某点", "机房", "某处"],
        ];
        for (r, line) in lines.iter().enumerate() {
            for (c, text) in line.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *text).unwrap();
            }
            sheet.write_string(r as u32, 16_383, "备注").unwrap();
        }
        let rows = read_xlsx(&book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].row, rows[0].site_code.as_str()), (2, "XQ-1"));
    }

    #[test]
    fn a_csv_over_the_row_cap_is_refused_and_one_at_the_cap_is_read() {
        let header = "点位编号,点位名称,点位类型,地址\n";
        let line = |i: usize| format!("XQ-{i},某点,机房,某处\n");
        let at_cap: String = std::iter::once(header.to_owned())
            .chain((0..MAX_ROWS).map(line))
            .collect();
        assert_eq!(
            read_csv(at_cap.as_bytes(), "a.csv").unwrap().len(),
            MAX_ROWS
        );
        let over = format!("{at_cap}{}", line(MAX_ROWS));
        let refused = read_csv(over.as_bytes(), "a.csv").unwrap_err();
        assert!(matches!(
            refused,
            SiteFileError::TooManyRows { max: MAX_ROWS }
        ));
    }
}
