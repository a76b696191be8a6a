//! Evidence chain, version 1 (issue 14): the laptop sends the links of its evidence chain after
//! each push (`POST /v1/chain`, device token); the server keeps every laptop's chain and refuses
//! a link that does not extend it. `GET /v1/chain?after=N` gives the links the server holds for
//! the calling laptop, so `fieldlog audit verify` can compare its own chain with the server's.
//!
//! A link's hash is `sha256(prev_hash "|" seq "|" kind "|" record_id "|" content_hash)` in
//! lower-case hex; the first link's `prev_hash` is [`GENESIS`].

use serde::{Deserialize, Serialize};

/// The `prev_hash` of the first link.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Most links one request carries.
pub const MAX_LINKS: usize = 1000;

/// The text a link's hash is the SHA-256 of.
pub fn link_preimage(
    prev_hash: &str,
    seq: i64,
    kind: &str,
    record_id: &str,
    content_hash: &str,
) -> String {
    format!("{prev_hash}|{seq}|{kind}|{record_id}|{content_hash}")
}

/// One link: the evidence record it covers (kind and id), the SHA-256 of the record's canonical
/// content, the hash of the link before, and its own hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainLink {
    pub seq: i64,
    pub kind: String,
    pub record_id: String,
    pub content_hash: String,
    pub prev_hash: String,
    pub link_hash: String,
}

/// `POST /v1/chain`: links in order, each following the one before (the first follows the
/// server's head, or repeats links it already holds, unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainPush {
    pub links: Vec<ChainLink>,
}

/// What the server holds of the calling laptop's chain after a push: its last link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    /// 0 before the first link.
    pub seq: i64,
    /// The last link's hash ([`GENESIS`] before the first).
    pub link_hash: String,
}

/// `GET /v1/chain?after=N`: the server's links of the calling laptop after `N`, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainPage {
    pub links: Vec<ChainLink>,
    pub head: ChainHead,
    /// More links follow this page.
    pub more: bool,
}
