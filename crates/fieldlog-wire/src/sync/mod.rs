//! The sync protocol's wire types, versioned like the rest of the wire: `sync::v1` is what laptop
//! and server exchange over HTTP. The rules behind them are written down in `docs/sync-protocol.md`.

pub mod chain_v1;
pub mod v1;
