//! The office console's JSON API (issue 17), versioned like the rest of the wire: `office::v1` is
//! what the console in a browser and `fieldlog-server` exchange under `/office/v1/`.

pub mod v1;
