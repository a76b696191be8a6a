//! The server's copy of every laptop's evidence chain (issue 14, wire `sync::chain_v1`).
//!
//! After each push a laptop sends the links of its chain it has not sent yet. The server checks
//! that they extend what it holds for that device — next sequence number, the previous link's
//! hash, the link's own hash recomputed here — and keeps them; a link that does not extend the
//! chain (the laptop's chain was rewritten after it was sent) is refused, and what the server
//! holds stays as it was. A laptop's `fieldlog audit verify` compares its chain with this copy,
//! so editing or deleting a synced record and recomputing the laptop's chain to match is found.
//! [`verify_chain`] is the server's own check of what it holds.
//!
//! Storage is this module's own: one table, `evidence_chains` (migration 0006 of each backend,
//! `migrations/sqlite/` and `migrations/postgres/`), reached through [`ChainStore`], which the
//! storage written once (`crate::sql`) implements.

use crate::error::{Result, ServerError};
use crate::rules::sha256_hex;
use crate::storage::{DeviceAuth, Tx};
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::chain_v1::{
    ChainHead, ChainLink, ChainPage, ChainPush, GENESIS, MAX_LINKS, link_preimage,
};

/// What the chain needs of a backend's transaction.
pub trait ChainStore {
    /// The device's last link (seq 0 and [`GENESIS`] before the first).
    fn chain_head(&mut self, device_id: &str) -> Result<ChainHead>;
    fn chain_link(&mut self, device_id: &str, seq: i64) -> Result<Option<ChainLink>>;
    fn append_chain_link(
        &mut self,
        device_id: &str,
        link: &ChainLink,
        at: DateTime<Utc>,
    ) -> Result<()>;
    /// Links after `after`, at most `limit`, in order.
    fn chain_links(&mut self, device_id: &str, after: i64, limit: i64) -> Result<Vec<ChainLink>>;
    /// Every device that has sent links.
    fn chain_devices(&mut self) -> Result<Vec<String>>;
}

/// The head before any link.
pub fn empty_head() -> ChainHead {
    ChainHead {
        seq: 0,
        link_hash: GENESIS.to_owned(),
    }
}

fn recomputed(link: &ChainLink) -> String {
    sha256_hex(
        link_preimage(
            &link.prev_hash,
            link.seq,
            &link.kind,
            &link.record_id,
            &link.content_hash,
        )
        .as_bytes(),
    )
}

fn refused(seq: i64, why_zh: &str, why_en: &str) -> ServerError {
    ServerError::Conflict {
        zh: format!(
            "证据链第 {seq} 环不接续服务器保存的证据链（{why_zh}）：本机证据可能被改动，请联系管理员"
        ),
        en: format!(
            "evidence-chain link {seq} does not extend the chain the server holds ({why_en}): this laptop's evidence may have been changed"
        ),
    }
}

/// `POST /v1/chain`: keeps the links that extend the device's chain; links it already holds must
/// come again unchanged. All or nothing: one bad link refuses the request.
pub fn receive(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    push: &ChainPush,
    now: DateTime<Utc>,
) -> Result<ChainHead> {
    if push.links.len() > MAX_LINKS {
        return Err(ServerError::Malformed(format!(
            "at most {MAX_LINKS} links per request"
        )));
    }
    let chain = tx.chain();
    let mut head = chain.chain_head(&auth.device_id)?;
    for link in &push.links {
        if link.seq <= head.seq {
            if chain.chain_link(&auth.device_id, link.seq)?.as_ref() != Some(link) {
                return Err(refused(
                    link.seq,
                    "与已保存的不同",
                    "differs from the one held",
                ));
            }
            continue;
        }
        if link.seq != head.seq + 1 {
            return Err(refused(link.seq, "序号不连续", "sequence gap"));
        }
        if link.prev_hash != head.link_hash {
            return Err(refused(
                link.seq,
                "前一环哈希不符",
                "previous hash does not match",
            ));
        }
        if link.link_hash != recomputed(link) {
            return Err(refused(
                link.seq,
                "本环哈希不符",
                "its own hash does not match",
            ));
        }
        chain.append_chain_link(&auth.device_id, link, now)?;
        head = ChainHead {
            seq: link.seq,
            link_hash: link.link_hash.clone(),
        };
    }
    Ok(head)
}

/// `GET /v1/chain?after=N`: the calling device's links after `N`.
pub fn page(tx: &mut dyn Tx, auth: &DeviceAuth, after: i64, limit: u32) -> Result<ChainPage> {
    let limit = i64::from(limit.clamp(1, MAX_LINKS as u32));
    let chain = tx.chain();
    let mut links = chain.chain_links(&auth.device_id, after, limit + 1)?;
    let more = links.len() as i64 > limit;
    links.truncate(limit as usize);
    Ok(ChainPage {
        links,
        head: chain.chain_head(&auth.device_id)?,
        more,
    })
}

/// The server's own check of a device's chain as stored: every link follows from the one before
/// and hashes to what it says. The sequence numbers of links that do not.
pub fn verify_chain(tx: &mut dyn Tx, device_id: &str) -> Result<Vec<i64>> {
    let chain = tx.chain();
    let mut bad = Vec::new();
    let mut prev = empty_head();
    let mut after = 0;
    loop {
        let links = chain.chain_links(device_id, after, MAX_LINKS as i64)?;
        let Some(last) = links.last() else {
            return Ok(bad);
        };
        after = last.seq;
        for link in links {
            if link.seq != prev.seq + 1
                || link.prev_hash != prev.link_hash
                || link.link_hash != recomputed(&link)
            {
                bad.push(link.seq);
            }
            prev = ChainHead {
                seq: link.seq,
                link_hash: link.link_hash,
            };
        }
    }
}

/// One device's chain as the server's own check found it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainAudit {
    pub device_id: String,
    pub links: i64,
    /// Links that do not follow from the one before or do not hash to what they say.
    pub bad_links: Vec<i64>,
}

/// `fieldlog-server audit-chains`: [`verify_chain`] for every device.
pub fn audit_chains(storage: &impl crate::storage::Storage) -> Result<Vec<ChainAudit>> {
    storage.read(|tx| {
        let devices = tx.chain().chain_devices()?;
        devices
            .into_iter()
            .map(|device_id| {
                let bad_links = verify_chain(tx, &device_id)?;
                let links = tx.chain().chain_head(&device_id)?.seq;
                Ok(ChainAudit {
                    device_id,
                    links,
                    bad_links,
                })
            })
            .collect()
    })
}
