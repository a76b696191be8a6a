//! Content-addressed attachments (signature images, later photos): stored once under their SHA-256,
//! so the same bytes are never kept twice and sync can move them by hash.

use crate::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// At most this many bytes in a signature's attachment (a signature PNG is a few KB). Photos have
/// their own cap (`photo_image::MAX_PHOTO_BYTES`).
pub const MAX_ATTACHMENT_BYTES: usize = 16 * 1024 * 1024;

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stores `bytes` (if not already there) and returns their SHA-256.
pub(crate) fn put(
    conn: &Connection,
    bytes: &[u8],
    mime: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(fieldlog_domain::InvalidInput::new(
            "attachment",
            "附件过大（超过 16 MB），请压缩后再添加",
            "the attachment is larger than 16 MB",
        )
        .into());
    }
    put_checked(conn, bytes, mime, now)
}

/// Stores `bytes` whose size its caller has checked against its own kind's cap (a photo's is
/// 30 MB, `photo_image::MAX_PHOTO_BYTES`; what sync receives is capped by the server).
pub(crate) fn put_checked(
    conn: &Connection,
    bytes: &[u8],
    mime: &str,
    now: DateTime<Utc>,
) -> Result<String> {
    let sha = sha256_hex(bytes);
    conn.execute(
        "INSERT INTO attachments (sha256, mime, bytes, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (sha256) DO NOTHING",
        (&sha, mime, bytes, now),
    )?;
    Ok(sha)
}

pub(crate) fn get(conn: &Connection, sha256: &str) -> Result<Option<Vec<u8>>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT bytes FROM attachments WHERE sha256 = ?1",
            [sha256],
            |r| r.get(0),
        )
        .optional()?)
}
