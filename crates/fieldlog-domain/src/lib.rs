//! Fieldlog's domain: what a field-maintenance technician and a project manager deal with under a
//! service commitment (服务承诺), as plain data plus pure rules.
//!
//! Nothing here does I/O or reads the clock: every instant is passed in, so the same inputs always
//! give the same answer and the rules can be tested table by table. Ids are made by the caller (the
//! store makes UUIDv7 on the device).
//!
//! See `../shared/domain.md` for the contract our users are held to.

#[macro_use]
mod code_enum;

pub mod arrival;
pub mod catalogue;
pub mod clocks;
pub mod completion;
pub mod contract;
pub mod dispatch;
pub mod event_time;
pub mod fault;
pub mod ids;
pub mod inspection;
pub mod labels;
pub mod lifecycle;
pub mod photo;
pub mod report;
pub mod report_versions;
pub mod rounding;
pub mod signature;
pub mod site;
pub mod sla;
pub mod stock;
pub mod summary;
pub mod technician;
pub mod time;
pub mod today;
pub mod validate;

pub use code_enum::UnknownCode;
pub use labels::{Label, Lang};
pub use validate::InvalidInput;
