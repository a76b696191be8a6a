//! RFC 3161 time stamps over HTTP: `POST /v1/timestamp` with a TimeStampReq
//! (`application/timestamp-query`) answers a TimeStampResp (`application/timestamp-reply`)
//! whose token is signed by the server's time-stamping authority. Its key lives in this
//! process only; its certificate is issued by the server's CA (extended key usage
//! timeStamping, critical) when the first request comes, and again when it nears its end, so
//! a validator that trusts the server's root trusts the stamped time (PAdES B-T).
//!
//! Time stamps are open to anyone who can reach the server, as public TSAs are: a token says
//! only "these bytes existed at this time", and a request is a hash.

use crate::error::{Result, ServerError};
use crate::storage::Storage;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use fieldlog_certs::timestamp::TimeStampAuthority;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A TimeStampReq is a hash and a few fields: well under a kilobyte.
pub const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// The TSA's certificate is reissued (with a new key) when less than this is left of it.
const RENEW_DAYS: i64 = 30;
const VALID_DAYS: u32 = 365;

/// One TSA per server CA (tests run several servers in one process), by the CA's certificate.
static AUTHORITIES: Mutex<Option<HashMap<Vec<u8>, TimeStampAuthority>>> = Mutex::new(None);

/// The TSA of the CA in `storage`, made or renewed as needed.
pub fn authority(storage: &impl Storage, now: DateTime<Utc>) -> Result<TimeStampAuthority> {
    let ca = storage.transaction(|tx| crate::ca::authority(tx, now))?;
    let mut held = AUTHORITIES
        .lock()
        .map_err(|_| ServerError::Storage("time-stamping authority lock poisoned".into()))?;
    let held = held.get_or_insert_with(HashMap::new);
    let key = ca.certificate_der();
    if let Some(tsa) = held.get(&key)
        && tsa.valid_at(now + chrono::Duration::days(RENEW_DAYS))
    {
        return Ok(tsa.clone());
    }
    let tsa = ca
        .time_stamping_authority(now, VALID_DAYS)
        .map_err(|e| ServerError::Authority(e.to_string()))?;
    held.insert(key, tsa.clone());
    Ok(tsa)
}

/// `POST /v1/timestamp`.
pub async fn handle<S: Storage>(
    State(storage): State<Arc<S>>,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let request = bytes.map_err(|e| ServerError::Malformed(e.body_text()))?;
    if request.len() > MAX_REQUEST_BYTES {
        return Err(ServerError::TooLarge {
            limit: MAX_REQUEST_BYTES,
        });
    }
    let reply = tokio::task::spawn_blocking(move || {
        let now = Utc::now();
        authority(&*storage, now).map(|tsa| tsa.respond(&request, now))
    })
    .await
    .map_err(|e| ServerError::Storage(e.to_string()))??;
    Ok((
        [(header::CONTENT_TYPE, "application/timestamp-reply")],
        reply,
    )
        .into_response())
}
