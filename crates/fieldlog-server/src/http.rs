//! The HTTP API of sync v1 (axum). Handlers parse, authenticate and run one storage transaction
//! on a blocking thread; bodies are read as bytes under a size limit and parsed here, so every
//! refusal — too large, not JSON, wrong shape — is a `{code, message}` JSON error.

use crate::error::{Result, ServerError};
use crate::rules;
use crate::storage::Storage;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
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

/// The router over a storage backend.
pub fn router<S: Storage>(storage: Arc<S>) -> Router {
    Router::new()
        .route("/v1/enroll", post(enroll::<S>))
        .route("/v1/push", post(push::<S>))
        .route("/v1/pull", get(pull::<S>))
        .route(
            "/v1/attachments/{sha256}/status",
            get(attachment_status::<S>),
        )
        .route(
            "/v1/attachments/{sha256}",
            put(upload::<S>).get(download::<S>),
        )
        .route("/v1/health", get(|| async { "ok" }))
        .fallback(|| async { ServerError::NotFound("该地址 (no such endpoint)".into()) })
        .layer(DefaultBodyLimit::max(
            MAX_BODY_BYTES.max(MAX_CHUNK_BYTES + 1024),
        ))
        .with_state(storage)
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

async fn push<S: Storage>(
    State(storage): State<Arc<S>>,
    headers: HeaderMap,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let token = bearer(&headers);
    let bytes = body(bytes, MAX_BODY_BYTES);
    let response = tokio::task::spawn_blocking(move || {
        // Parsed before taking the single writer, so the writer's time goes to the changes
        // alone; a bad body is reported only after authentication, so an anonymous caller
        // learns nothing about the body's problems.
        let request = bytes.and_then(|bytes| json::<PushRequest>(&bytes));
        storage.transaction(move |tx| {
            let auth = rules::authenticate(tx, token.as_deref())?;
            rules::push(tx, &auth, &request?, Utc::now())
        })
    })
    .await
    .map_err(|e| ServerError::Storage(e.to_string()))??;
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
    let response = in_read(storage, move |tx| {
        let auth = rules::authenticate(tx, token.as_deref())?;
        let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
        rules::pull(tx, &auth, query.after, query.limit)
    })
    .await?;
    Ok(axum::Json(response).into_response())
}

async fn attachment_status<S: Storage>(
    State(storage): State<Arc<S>>,
    headers: HeaderMap,
    Path(sha256): Path<String>,
) -> Result<Response> {
    let token = bearer(&headers);
    let status = in_read(storage, move |tx| {
        rules::authenticate(tx, token.as_deref())?;
        rules::attachment_status(tx, &sha256)
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
        rules::authenticate(tx, token.as_deref())?;
        let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
        rules::upload_chunk(tx, &sha256, &mime, query.offset, query.total, &bytes?)
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
