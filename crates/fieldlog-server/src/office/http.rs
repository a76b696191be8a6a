//! `/office/v1/…`: the office API's routes (axum). Each handler authenticates the session cookie,
//! checks the CSRF header on anything that changes state, checks the role, and only then reads
//! its body (at most [`MAX_BODY_BYTES`], JSON only); its work runs in one transaction, its audit
//! entry included. Every refusal is an [`OfficeErrorBody`](fieldlog_wire::office::v1::OfficeErrorBody).

use super::{OfficeError, Options, Result, Session};
use crate::error::ServerError;
use crate::storage::Storage;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fieldlog_wire::office::v1::{
    CSRF_HEADER, Grants, NewAccount, Role, SESSION_COOKIE, SignInRequest,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::sync::Arc;

/// Largest office request body: accounts and grants are small.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

impl IntoResponse for OfficeError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), axum::Json(self.body())).into_response();
        if let OfficeError::Throttled { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}

pub(crate) struct Office<S> {
    pub(crate) storage: Arc<S>,
    pub(crate) options: Options,
    /// The decoded feed the board and the monthly summary read, kept by this process.
    pub(crate) read_model: Arc<super::read_model::ReadModel>,
}

impl<S> Clone for Office<S> {
    fn clone(&self) -> Self {
        Office {
            storage: self.storage.clone(),
            options: self.options.clone(),
            read_model: self.read_model.clone(),
        }
    }
}

/// The office routes over a storage backend.
pub fn routes<S: Storage>(storage: Arc<S>, options: Options) -> Router {
    Router::new()
        .route("/office/v1/sign-in", post(sign_in::<S>))
        .route("/office/v1/sign-out", post(sign_out::<S>))
        .route("/office/v1/me", get(me::<S>))
        .route("/office/v1/contracts", get(contracts::<S>))
        .route(
            "/office/v1/accounts",
            get(accounts::<S>).post(account_add::<S>),
        )
        .route(
            "/office/v1/accounts/{id}/disable",
            post(account_disable::<S>),
        )
        .route(
            "/office/v1/accounts/{id}/grants",
            get(grants::<S>).put(grants_set::<S>),
        )
        .route("/office/v1/audit", get(audit::<S>))
        .merge(super::catalogue::routes::<S>())
        .merge(super::people::routes::<S>())
        .merge(super::board::routes::<S>())
        .merge(super::month::routes::<S>())
        .merge(super::faults::routes::<S>())
        // Refused while it streams in: a stranger's sign-in body is never buffered past this.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(not_stored))
        .with_state(Office {
            storage,
            options,
            read_model: Arc::default(),
        })
}

/// Office answers hold a session's CSRF token and office data: no cache keeps them.
async fn not_stored(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A connection's remote address, as `serve` and `serve_tls` record it for every request
/// (`into_make_service_with_connect_info`), on plain and TLS listeners alike.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddress(pub SocketAddr);

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>>
    for PeerAddress
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        PeerAddress(*stream.remote_addr())
    }
}

impl
    axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, crate::tls::TlsListener>>
    for PeerAddress
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, crate::tls::TlsListener>) -> Self {
        PeerAddress(*stream.remote_addr())
    }
}

/// The client's address, as the connection gives it ("unknown" when served without it).
pub(crate) struct ClientAddress(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<PeerAddress>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.0.ip().to_string()),
        ))
    }
}

/// The session token from the `Cookie` header(s).
pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
}

pub(crate) fn csrf(headers: &HeaderMap) -> Option<String> {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The body as JSON: JSON content only (a cross-site form cannot send it without the browser
/// asking first), at most [`MAX_BODY_BYTES`].
pub(crate) fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<T> {
    let bytes = bytes.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ServerError::TooLarge {
            limit: MAX_BODY_BYTES,
        },
        _ => ServerError::Malformed(rejection.body_text()),
    })?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ServerError::TooLarge {
            limit: MAX_BODY_BYTES,
        }
        .into());
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or("").trim() == "application/json");
    if !is_json {
        return Err(OfficeError::Invalid(
            "请求须为 JSON (Content-Type: application/json)".into(),
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| ServerError::Malformed(e.to_string()).into())
}

/// Runs blocking storage work off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServerError::Storage(e.to_string()))?
}

/// A writing request's session: authenticated (last use brought up to date), CSRF checked.
pub(crate) fn changing(
    tx: &mut dyn crate::storage::Tx,
    token: Option<&str>,
    csrf: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Session> {
    let session = super::authenticate(tx, token, now, true)?;
    session.check_csrf(csrf)?;
    Ok(session)
}

/// Runs a reading request's work as its session, in a read-only transaction.
pub(crate) async fn reading<S: Storage, T: Send + 'static>(
    office: &Office<S>,
    headers: &HeaderMap,
    work: impl FnOnce(&mut dyn crate::storage::Tx, &Session) -> Result<T> + Send + 'static,
) -> Result<T> {
    let now = (office.options.clock)();
    let token = session_token(headers);
    let storage = office.storage.clone();
    blocking(move || {
        super::in_read(&*storage, |tx| {
            let session = super::authenticate(tx, token.as_deref(), now, false)?;
            work(tx, &session)
        })
    })
    .await
}

/// Runs a state-changing request's work as its session (CSRF checked), in one transaction;
/// the work is given the time.
pub(crate) async fn writing<S: Storage, T: Send + 'static>(
    office: &Office<S>,
    headers: &HeaderMap,
    work: impl FnOnce(&mut dyn crate::storage::Tx, &Session, chrono::DateTime<chrono::Utc>) -> Result<T>
    + Send
    + 'static,
) -> Result<T> {
    let now = (office.options.clock)();
    let (token, csrf) = (session_token(headers), csrf(headers));
    let storage = office.storage.clone();
    blocking(move || {
        super::in_transaction(&*storage, |tx| {
            let session = changing(tx, token.as_deref(), csrf.as_deref(), now)?;
            work(tx, &session, now)
        })
    })
    .await
}

fn cookie(options: &Options, value: &str, max_age: i64) -> HeaderValue {
    let secure = if options.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .expect("a cookie of hex digits is a valid header")
}

async fn sign_in<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let request: SignInRequest = json_body(&headers, bytes)?;
    let now = (office.options.clock)();
    let storage = office.storage.clone();
    let signed_in = blocking(move || super::sign_in(&*storage, &request, &address, now)).await?;
    let mut response = axum::Json(signed_in.answer).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie(
            &office.options,
            &signed_in.token,
            super::ABSOLUTE_LIMIT.num_seconds(),
        ),
    );
    Ok(response)
}

async fn sign_out<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
) -> Result<Response> {
    writing(&office, &headers, move |tx, session, now| {
        super::sign_out(tx, session, &address, now)
    })
    .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&office.options, "", 0));
    Ok(response)
}

async fn me<S: Storage>(State(office): State<Office<S>>, headers: HeaderMap) -> Result<Response> {
    let now = (office.options.clock)();
    let token = session_token(&headers);
    let storage = office.storage.clone();
    let answer = blocking(move || {
        super::in_transaction(&*storage, |tx| {
            let session = super::authenticate(tx, token.as_deref(), now, true)?;
            super::me(tx, &session)
        })
    })
    .await?;
    Ok(axum::Json(answer).into_response())
}

async fn contracts<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
) -> Result<Response> {
    let list = reading(&office, &headers, |tx, session| {
        super::visible_contracts(tx, &session.account)
    })
    .await?;
    Ok(axum::Json(list).into_response())
}

async fn accounts<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
) -> Result<Response> {
    let list = reading(&office, &headers, |tx, session| {
        session.require(Role::Administrator)?;
        Ok(tx.office().accounts()?)
    })
    .await?;
    Ok(axum::Json(list).into_response())
}

async fn account_add<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let now = (office.options.clock)();
    let (token, csrf) = (session_token(&headers), csrf(&headers));
    let storage = office.storage.clone();
    let account = blocking(move || {
        // Who may ask, before the body is looked at or a password hashed.
        super::in_read(&*storage, |tx| {
            let session = super::authenticate(tx, token.as_deref(), now, false)?;
            session.check_csrf(csrf.as_deref())?;
            session.require(Role::Administrator)
        })?;
        let new: NewAccount = json_body(&headers, bytes)?;
        let (account, hash) = super::prepare_account(&new, now)?;
        super::in_transaction(&*storage, |tx| {
            let session = changing(tx, token.as_deref(), csrf.as_deref(), now)?;
            session.require(Role::Administrator)?;
            super::add_account(tx, Some(&session.account), &account, &hash, &address, now)
        })?;
        Ok(account)
    })
    .await?;
    Ok((StatusCode::CREATED, axum::Json(account)).into_response())
}

async fn account_disable<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let account = writing(&office, &headers, move |tx, session, now| {
        super::disable_account(tx, session, &id, &address, now)
    })
    .await?;
    Ok(axum::Json(account).into_response())
}

async fn grants<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let grants = reading(&office, &headers, move |tx, session| {
        session.require(Role::Administrator)?;
        if tx.office().account(&id)?.is_none() {
            return Err(OfficeError::NotFound(format!("账号 {id}")));
        }
        Ok(Grants {
            contracts: tx.office().grants(&id)?,
        })
    })
    .await?;
    Ok(axum::Json(grants).into_response())
}

async fn grants_set<S: Storage>(
    State(office): State<Office<S>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Path(id): Path<String>,
    bytes: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let sent = headers.clone();
    let contracts = writing(&office, &headers, move |tx, session, now| {
        session.require(Role::Administrator)?;
        let grants: Grants = json_body(&sent, bytes)?;
        super::set_grants(tx, session, &id, &grants.contracts, &address, now)
    })
    .await?;
    Ok(axum::Json(Grants { contracts }).into_response())
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default)]
    after: i64,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    100
}

async fn audit<S: Storage>(
    State(office): State<Office<S>>,
    headers: HeaderMap,
    query: std::result::Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response> {
    let page = reading(&office, &headers, move |tx, session| {
        session.require(Role::Administrator)?;
        let Query(query) = query.map_err(|e| ServerError::Malformed(e.body_text()))?;
        super::audit_page(tx, session, query.after, query.limit)
    })
    .await?;
    Ok(axum::Json(page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `serve_tls` serves the office with `secure_cookies`: the cookie then never travels over
    /// plain HTTP.
    #[test]
    fn the_session_cookie_is_secure_under_tls_and_always_http_only_and_strict() {
        let tls = Options {
            secure_cookies: true,
            ..Options::default()
        };
        let plain = Options::default();
        let secure = cookie(&tls, "ab12", 60);
        assert_eq!(
            secure.to_str().unwrap(),
            "fieldlog_office=ab12; HttpOnly; SameSite=Strict; Path=/; Max-Age=60; Secure"
        );
        let insecure = cookie(&plain, "ab12", 60);
        assert!(!insecure.to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn the_session_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; fieldlog_office=c0ffee ; lang=zh"),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("c0ffee"));
        assert_eq!(session_token(&HeaderMap::new()), None);
    }
}
