//! Cutting a laptop off (issue 17): its device token is refused from the moment it is revoked,
//! and its PDF-signing certificates are revoked with it, on a certificate revocation list the
//! server's CA signs and publishes at [`CRL_PATH`].
//!
//! - [`revoke_device`] is the one way to revoke: the `device-revoke` command calls it, and the
//!   office console will too. One transaction records who, when and why, and publishes the next
//!   CRL, so no moment exists where the token is refused but the certificate still looks good.
//! - A revoked device's requests fail with `device_revoked` (403, [`ServerError::DeviceRevoked`])
//!   on every endpoint that takes a token (`rules::authenticate`: the token's lookup reads the
//!   revocation in the same query, so no request pays a round trip more). Nothing is deleted: the
//!   laptop keeps its data and its outbox, and the server keeps what it sent.
//! - CRLs are X.509 v2, numbered (CRL Number), valid [`CRL_VALID_DAYS`] and kept once signed
//!   (`published_crls`), so one number always names one list; [`current_crl`] signs the next one
//!   only when the last is older than [`CRL_REISSUE_AFTER_HOURS`].
//! - Every certificate the CA issues names the CRL's URL (CRL Distribution Points), from the
//!   server's public address ([`set_public_url`], `serve --public-url`): a validator checking
//!   revocation (pyHanko, Adobe) fetches it from there.
//!
//! Storage is this module's own (migration 0008 of each backend), reached through
//! [`RevocationStore`], which the storage written once (`crate::sql`) implements.

use crate::error::{Result, ServerError};
use crate::storage::{Storage, Tx};
use chrono::{DateTime, Utc};

/// Where the CRL is served, on the server's own address.
pub const CRL_PATH: &str = "/ca/crl.der";
/// How long a published CRL says it is good for (its nextUpdate).
pub const CRL_VALID_DAYS: u32 = 7;
/// A CRL older than this is replaced by a fresh one when asked for, well before its nextUpdate,
/// so a validator never holds a list that has run out.
pub const CRL_REISSUE_AFTER_HOURS: i64 = 24;
/// The setting naming the server's public address.
const PUBLIC_URL: &str = "public_url";

/// Who revoked a device, when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub revoked_at: DateTime<Utc>,
    pub revoked_by: String,
    pub reason: String,
}

/// An enrolled device as the office sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceState {
    pub device_id: String,
    pub name: String,
    pub technician_id: String,
    pub technician_name: String,
    pub enrolled_at: DateTime<Utc>,
    /// Serials of the signing certificates the CA issued to it.
    pub certificate_serials: Vec<String>,
    pub revocation: Option<Revocation>,
    /// What it last said of itself when it synced (crate::laptop_report).
    pub report: crate::storage::LaptopReport,
}

/// A CRL as the CA signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedCrl {
    pub number: i64,
    pub this_update: DateTime<Utc>,
    pub next_update: DateTime<Utc>,
    pub der: Vec<u8>,
}

/// What revocation needs of a backend's transaction.
pub trait RevocationStore {
    /// Every device, in enrollment order, with its technician, certificates and revocation.
    fn devices(&mut self) -> Result<Vec<DeviceState>>;
    fn device_revocation(&mut self, device_id: &str) -> Result<Option<Revocation>>;
    /// Records the revocation; false when the device does not exist.
    fn add_device_revocation(&mut self, device_id: &str, revocation: &Revocation) -> Result<bool>;
    /// Serials of every certificate issued to a revoked device, with when it was revoked.
    fn revoked_serials(&mut self) -> Result<Vec<(String, DateTime<Utc>)>>;
    /// The CRL with the highest number.
    fn latest_crl(&mut self) -> Result<Option<PublishedCrl>>;
    fn add_crl(&mut self, crl: &PublishedCrl) -> Result<()>;
    fn setting(&mut self, name: &str) -> Result<Option<String>>;
    fn set_setting(&mut self, name: &str, value: &str) -> Result<()>;
}

/// What [`revoke_device`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedDevice {
    pub device: DeviceState,
    /// The CRL published with the revocation, listing the device's certificates.
    pub crl_number: i64,
    /// How many unused enrollment codes of the device's technician were cancelled with it.
    pub cancelled_codes: u32,
}

/// Revokes `device_id`: from `now` on its token is refused, and a new CRL lists its signing
/// certificates. `by` names who did it (an office account, or the command line's user); a
/// reason is required, for whoever reads the record later. A device already revoked is a
/// conflict that changes nothing (its first record stands).
pub fn revoke_device(
    storage: &impl Storage,
    device_id: &str,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RevokedDevice> {
    storage.transaction(|tx| revoke_device_in(tx, device_id, by, reason, now))
}

/// [`revoke_device`] inside the caller's transaction (the office's, which writes its audit entry
/// in the same one).
pub fn revoke_device_in(
    tx: &mut dyn Tx,
    device_id: &str,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<RevokedDevice> {
    let (by, reason) = (by.trim(), reason.trim());
    if by.is_empty() || reason.is_empty() {
        return Err(ServerError::Malformed(
            "请写明操作人和停用原因 (who revokes and why are both required)".into(),
        ));
    }
    if reason.chars().count() > 500 || reason.chars().any(char::is_control) {
        return Err(ServerError::Malformed(
            "停用原因最多 500 字，且不含控制字符 (the reason is at most 500 characters, without control characters)".into(),
        ));
    }
    if let Some(earlier) = tx.revocation().device_revocation(device_id)? {
        return Err(ServerError::conflict(
            format!(
                "该笔记本已于 {} 被 {} 停用",
                earlier.revoked_at.format("%Y-%m-%d %H:%M UTC"),
                earlier.revoked_by
            ),
            "this laptop is already revoked",
        ));
    }
    let revocation = Revocation {
        revoked_at: now,
        revoked_by: by.to_owned(),
        reason: reason.to_owned(),
    };
    if !tx
        .revocation()
        .add_device_revocation(device_id, &revocation)?
    {
        return Err(ServerError::NotFound(format!(
            "笔记本 {device_id} (device)"
        )));
    }
    let crl = publish_crl(tx, now)?;
    let device = tx
        .revocation()
        .devices()?
        .into_iter()
        .find(|d| d.device_id == device_id)
        .ok_or_else(|| ServerError::Storage("revoked device vanished".into()))?;
    // A lost laptop's owner may have a code lying beside it: it would enroll a new laptop with
    // the same contracts, so the revocation ends those too (a new one is issued when needed).
    let cancelled_codes = tx.cancel_enrollment_codes(&device.technician_id, now)?;
    Ok(RevokedDevice {
        device,
        crl_number: crl.number,
        cancelled_codes,
    })
}

/// Every device with its state, for the office.
pub fn devices(storage: &impl Storage) -> Result<Vec<DeviceState>> {
    storage.read(|tx| tx.revocation().devices())
}

/// Signs and keeps the next CRL: every certificate of a revoked device, numbered one past the
/// last list.
fn publish_crl(tx: &mut dyn Tx, now: DateTime<Utc>) -> Result<PublishedCrl> {
    let authority = crate::ca::authority(tx, now)?;
    let number = tx
        .revocation()
        .latest_crl()?
        .map_or(1, |last| last.number + 1);
    let revoked = tx.revocation().revoked_serials()?;
    let crl = authority
        .numbered_crl(
            &revoked,
            Some(u64::try_from(number).unwrap_or_default()),
            now,
            CRL_VALID_DAYS,
        )
        .map_err(|e| ServerError::Authority(e.to_string()))?;
    let published = PublishedCrl {
        number,
        this_update: now,
        next_update: now + chrono::Duration::days(i64::from(CRL_VALID_DAYS)),
        der: fieldlog_certs::crl_der(&crl).map_err(|e| ServerError::Authority(e.to_string()))?,
    };
    tx.revocation().add_crl(&published)?;
    Ok(published)
}

fn fresh(crl: &PublishedCrl, now: DateTime<Utc>) -> bool {
    now >= crl.this_update
        && now - crl.this_update < chrono::Duration::hours(CRL_REISSUE_AFTER_HOURS)
}

/// The CRL to serve now (DER): the last one published while it is fresh, else the next one,
/// signed and kept first.
pub fn current_crl(storage: &impl Storage, now: DateTime<Utc>) -> Result<PublishedCrl> {
    if let Some(last) = storage.read(|tx| tx.revocation().latest_crl())?
        && fresh(&last, now)
    {
        return Ok(last);
    }
    // Looked at again inside the writing transaction: another request may have just made it.
    storage.transaction(|tx| match tx.revocation().latest_crl()? {
        Some(last) if fresh(&last, now) => Ok(last),
        _ => publish_crl(tx, now),
    })
}

/// The URL certificates name for the CRL, once the server's public address is set.
pub fn crl_url(tx: &mut dyn Tx) -> Result<Option<String>> {
    Ok(tx
        .revocation()
        .setting(PUBLIC_URL)?
        .map(|base| format!("{}{CRL_PATH}", base.trim_end_matches('/'))))
}

/// Sets the address laptops and validators reach this server at (`http://` or `https://`, host
/// and optional port, no path): certificates issued from now on name its CRL there.
pub fn set_public_url(storage: &impl Storage, url: &str) -> Result<()> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let valid = rest.is_some_and(|host| {
        !host.is_empty()
            && !host.contains(['/', '?', '#', '@'])
            && host.is_ascii()
            && !host
                .chars()
                .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
    });
    if !valid {
        return Err(ServerError::Malformed(format!(
            "服务器对外地址应形如 https://主机名:端口 ({url}: the public address must look like https://host:port)"
        )));
    }
    storage.transaction(|tx| tx.revocation().set_setting(PUBLIC_URL, url))
}

/// The server's public address, if set.
pub fn public_url(storage: &impl Storage) -> Result<Option<String>> {
    storage.read(public_url_in)
}

/// [`public_url`] inside the caller's transaction.
pub fn public_url_in(tx: &mut dyn Tx) -> Result<Option<String>> {
    tx.revocation().setting(PUBLIC_URL)
}
