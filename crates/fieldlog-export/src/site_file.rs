//! Reading a client's list of sites and devices from CSV or XLSX: the readers live in
//! `fieldlog-sheets` (the office console on the server reads the same files); this is their
//! place in the export crate's API, for `import_sites`.

pub use fieldlog_sheets::{SiteFileError, read_csv, read_site_file, read_xlsx};
