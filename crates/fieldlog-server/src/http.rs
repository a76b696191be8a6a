//! The HTTP API of sync v1 (axum). Handlers parse, authenticate and run one storage transaction
//! on a blocking thread; bodies are read as bytes under a size limit and parsed here, so every
//! refusal — too large, not JSON, wrong shape — is a `{code, message}` JSON error.

use crate::error::{Result, ServerError};
use crate::push_queue::PushQueue;
use crate::rules;
use crate::storage::Storage;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::Utc;
use fieldlog_wire::sync::v1::{EnrollRequest, MAX_CHUNK_BYTES, PushRequest};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Largest request body: a full batch of changes fits with room to spare.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// What the handlers share: the storage, and the queue pushes wait in for the one writer.
struct Shared<S> {
    storage: Arc<S>,
    pushes: PushQueue,
}

impl<S> Clone for Shared<S> {
    fn clone(&self) -> Self {
        Shared {
            storage: self.storage.clone(),
            pushes: self.pushes.clone(),
        }
    }
}

impl<S> FromRef<Shared<S>> for Arc<S> {
    fn from_ref(shared: &Shared<S>) -> Arc<S> {
        shared.storage.clone()
    }
}

impl<S> FromRef<Shared<S>> for PushQueue {
    fn from_ref(shared: &Shared<S>) -> PushQueue {
        shared.pushes.clone()
    }
}

/// The router over a storage backend. It starts the push writer thread, which stops with it.
pub fn router<S: Storage>(storage: Arc<S>) -> Router {
    router_with(storage, crate::office::Options::default())
}

/// The same, with the office API (`/office/v1`, crate::office) served as `office` says.
pub fn router_with<S: Storage>(storage: Arc<S>, office: crate::office::Options) -> Router {
    let office = crate::office::http::routes(storage.clone(), office);
    let pushes = PushQueue::start(storage.clone());
    Router::new()
        .route("/v1/enroll", post(enroll::<S>))
        .route("/v1/push", post(push))
        .route("/v1/pull", get(pull::<S>))
        .route(
            "/v1/attachments/{sha256}/status",
            get(attachment_status::<S>),
        )
        .route(
            "/v1/attachments/{sha256}",
            put(upload::<S>).get(download::<S>),
        )
        .route("/v1/timestamp", post(crate::timestamp::handle::<S>))
        .route("/v1/chain", post(chain_push::<S>).get(chain_page::<S>))
        .route("/v1/health", get(|| async { "ok" }))
        .route(crate::revocation::CRL_PATH, get(crl::<S>))
        .fallback(|| async { ServerError::NotFound("该地址 (no such endpoint)".into()) })
        .layer(DefaultBodyLimit::max(
            MAX_BODY_BYTES.max(MAX_CHUNK_BYTES + 1024),
        ))
        .with_state(Shared { storage, pushes })
        .merge(office)
}

/// Runs one read-only transaction on a blocking thread.
async fn in_read<S: Storage, T: Send + 'static>(
    storage: Arc<S>,
    work: impl FnOnce(&mut dyn crate::storage::Tx) -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || storage.read(work))
        .await
        .map_err(|e| ServerError::Storage(e.to_string()))?
}

/// Runs one transaction on a blocking thread (storage drivers block).
async fn in_transaction<S: Storage, T: Send + 'static>(
    storage: Arc<S>,
    work: impl FnOnce(&mut dyn crate::storage::Tx) -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || storage.transaction(work))
        .await
        .map_err(|e| ServerError::Storage(e.to_string()))?
}

fn body(bytes: std::result::Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes> {
    let bytes = bytes.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ServerError::TooLarge { limit },
        _ => ServerError::Malformed(rejection.body_text()),
    })?;
    if bytes.len() > limit {
        return Err(ServerError::TooLarge { limit });
    }
    Ok(bytes)
}

fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| ServerError::Malformed(e.to_string()))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

async fn enroll<S: Storage>(
    State(storage): State<Arc<S>>,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let request: EnrollRequest = json(&body(bytes, 64 * 1024)?)?;
    let response =
        in_transaction(storage, move |tx| rules::enroll(tx, &request, Utc::now())).await?;
    Ok((StatusCode::CREATED, axum::Json(response)).into_response())
}

/// Bodies larger than this are parsed on a blocking thread, not on the async worker.
const PARSE_INLINE_BYTES: usize = 64 * 1024;

async fn push(
    State(pushes): State<PushQueue>,
    headers: HeaderMap,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let token = bearer(&headers);
    // Parsed here, outside the single writer, so the writer's time goes to the changes alone; a
    // bad body is reported only after authentication (in the queue), so an anonymous caller
    // learns nothing about the body's problems.
    let request = match body(bytes, MAX_BODY_BYTES) {
        Ok(bytes) if bytes.len() > PARSE_INLINE_BYTES => {
            tokio::task::spawn_blocking(move || json::<PushRequest>(&bytes))
                .await
                .map_err(|e| ServerError::Storage(e.to_string()))?
        }
        Ok(bytes) => json::<PushRequest>(&bytes),
        Err(e) => Err(e),
    };
    let sent = crate::laptop_report::SentReport::from_headers(&headers);
    let response = pushes.push(token, request, sent).await?;
    Ok(axum::Json(response).into_response())
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    1000
}

async fn pull<S: Storage>(
    State(storage): State<Arc<S>>,
    headers: HeaderMap,
    query: std::result::Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response> {
    let token = bearer(&headers);
    let sent = crate::laptop_report::SentReport::from_headers(&headers);
    let (response, auth) = in_read(storage.clone(), move |tx| {
        let auth = rules::authenticate(tx, token.as_deref())?;
        let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
        Ok((rules::pull(tx, &auth, query.after, query.limit)?, auth))
    })
    .await?;
    // A pull reads beside the writer; it takes the writer only when the laptop's report changed
    // or is a minute old (crate::laptop_report), after its page is read.
    let now = Utc::now();
    if crate::laptop_report::due(&auth.report, &sent, now) {
        // A report not recorded does not cost the laptop its page: the next pull tries again.
        if let Err(e) = in_transaction(storage, move |tx| {
            crate::laptop_report::record(tx, &auth.device_id, &sent, now)
        })
        .await
        {
            eprintln!("laptop report not recorded: {e}");
        }
    }
    Ok(axum::Json(response).into_response())
}

async fn attachment_status<S: Storage>(
    State(storage): State<Arc<S>>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> Result<Response> {
    let token = bearer(&headers);
    let status = in_read(storage, move |tx| {
        let auth = rules::authenticate(tx, token.as_deref())?;
        rules::attachment_status(tx, &auth, &sha256)
    })
    .await?;
    Ok(axum::Json(status).into_response())
}

#[derive(Deserialize)]
struct UploadQuery {
    offset: u64,
    total: u64,
}

async fn upload<S: Storage>(
    State(storage): State<Arc<S>>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
    query: std::result::Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let token = bearer(&headers);
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let bytes = body(bytes, MAX_CHUNK_BYTES);
    let status = in_transaction(storage, move |tx| {
        let auth = rules::authenticate(tx, token.as_deref())?;
        let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
        rules::upload_chunk(
            tx,
            &auth,
            &sha256,
            &mime,
            query.offset,
            query.total,
            &bytes?,
            Utc::now(),
        )
    })
    .await?;
    Ok(axum::Json(status).into_response())
}

async fn download<S: Storage>(
    State(storage): State<Arc<S>>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> Result<Response> {
    let token = bearer(&headers);
    let (mime, bytes) = in_read(storage, move |tx| {
        let auth = rules::authenticate(tx, token.as_deref())?;
        rules::download(tx, &auth, &sha256)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, mime)], bytes).into_response())
}

/// `POST /v1/chain` (crate::chain): the device's evidence-chain links, in one transaction.
async fn chain_push<S: Storage>(
    State(storage): State<Arc<S>>,
    headers: HeaderMap,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let token = bearer(&headers);
    let bytes = body(bytes, MAX_BODY_BYTES);
    let head = in_transaction(storage, move |tx| {
        let auth = rules::authenticate(tx, token.as_deref())?;
        let push = json(&bytes?)?;
        crate::chain::receive(tx, &auth, &push, Utc::now())
    })
    .await?;
    Ok(axum::Json(head).into_response())
}

/// `GET /v1/chain?after=N&limit=M`: the links the server holds for the calling device.
async fn chain_page<S: Storage>(
    State(storage): State<Arc<S>>,
    headers: HeaderMap,
    query: std::result::Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response> {
    let token = bearer(&headers);
    let page = in_read(storage, move |tx| {
        let auth = rules::authenticate(tx, token.as_deref())?;
        let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
        crate::chain::page(tx, &auth, query.after, query.limit)
    })
    .await?;
    Ok(axum::Json(page).into_response())
}

/// `GET /ca/crl.der` (crate::revocation): the CA's current CRL, to anyone (validators fetch it
/// without credentials; it names only serials).
async fn crl<S: Storage>(State(storage): State<Arc<S>>) -> Result<Response> {
    let crl =
        tokio::task::spawn_blocking(move || crate::revocation::current_crl(&*storage, Utc::now()))
            .await
            .map_err(|e| ServerError::Storage(e.to_string()))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pkix-crl"),
            // A cache may keep it an hour: a revocation reaches validators within that.
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        crl.der,
    )
        .into_response())
}
