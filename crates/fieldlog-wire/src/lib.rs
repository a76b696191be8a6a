//! Wire types: what crosses a process boundary — to the desktop UI, out of the CLI as JSON, and
//! (with the sync issue) between laptop and server. They live here, in one place, and are versioned:
//! a breaking change makes a new `vN` module and bumps [`WIRE_VERSION`]; old versions stay until no
//! client speaks them.

pub mod error;
pub mod office;
pub mod sync;
pub mod ui_contract;
pub mod v1;

pub use error::{ErrorBody, ErrorCode, ToErrorBody};
/// The language a message is said in (re-exported so a front end needs only the wire crate).
pub use fieldlog_domain::Lang;

/// The newest wire version this build speaks.
pub const WIRE_VERSION: u32 = 1;
