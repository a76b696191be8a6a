//! The laptop's sync client (`docs/sync-protocol.md`). One round pushes the outbox in batches
//! (oldest first, attachments before the records that need them), then pulls the server's feed in
//! pages until it is drained. Every step is safe to repeat: a batch resent after a lost answer is
//! answered the same, a page applied twice changes nothing, so a failed request is simply retried
//! with backoff, and a round cut short resumes where it stopped.
//!
//! Blocking HTTP (reqwest): the CLI runs one round, the app runs rounds on a background thread.
//! https:// goes through rustls (ring), trusting the system's roots plus the administrator's
//! root given at enrollment; a certificate it does not trust is a clear, non-retried error.
//! Enrolling also sends the profile's PDF-signing public key and keeps the certificate the
//! server's CA issues for it.

use chrono::{DateTime, Utc};
use fieldlog_store::sync::{Enrollment, IssuedSigningCertificate};
use fieldlog_store::{Store, StoreError};
use fieldlog_wire::sync::chain_v1::{ChainHead, ChainLink, ChainPage, ChainPush, MAX_LINKS};
use fieldlog_wire::sync::v1::{
    APP_VERSION_HEADER, AttachmentStatus, EnrollRequest, EnrollResponse, IssuedCertificate,
    MAX_CHUNK_BYTES, PullResponse, PushRequest, PushResponse, WAITING_HEADER,
};
use fieldlog_wire::{ErrorBody, ErrorCode, Lang, ToErrorBody};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

pub mod background;
// Issue 19: enrolling from the app's form, with a first round (h1).
pub mod enrollment;

pub use fieldlog_wire::v1::SyncPhase;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "本机尚未注册到服务器，请先运行 fieldlog enroll (this laptop is not enrolled: run fieldlog enroll first)"
    )]
    NotEnrolled,
    #[error(
        "无法连接同步服务器：{0}。数据已保存在本机，联网后会自动重试 (cannot reach the sync server; your data is saved here and will be sent later)"
    )]
    Network(String),
    #[error(
        "无法与同步服务器建立安全连接：服务器证书不受信任或无效（{0}）。请检查服务器证书；如果管理员给了根证书，请在注册时选择该根证书文件（命令行：fieldlog enroll --ca-cert）。本机数据未改动 (the server's TLS certificate is not trusted or not valid: check the server certificate, or give the administrator's root certificate with --ca-cert; nothing here was changed)"
    )]
    Tls(String),
    #[error(
        "根证书文件无法读取（需要 PEM 或 DER 格式的 X.509 证书，通常是 .pem、.crt 或 .cer 文件）：{0}。请选择管理员给的根证书文件；本机没有任何改动 (the root certificate file is not an X.509 certificate in PEM or DER: choose the root certificate file the administrator gave you; nothing here was changed)"
    )]
    BadRoot(String),
    #[error(
        "服务器签发的签名证书无法使用：{0}。请联系管理员 (the signing certificate the server issued is unusable: ask the administrator)"
    )]
    Certificate(String),
    /// The office revoked this laptop (`device_revoked`): said by the laptop itself, in the
    /// user's language, because what matters here is what happens on *this* laptop (nothing is
    /// lost) and what to do next; the server's own sentence is kept in `server_message`.
    #[error(
        "本机已被办公室停用（吊销），不能再同步。本机上的全部数据，包括还没有上传的更改，都保留在本机，没有丢失或删除。请联系办公室的管理员；如需继续同步，请向管理员索取新的注册码，重新注册本机（“同步”页的“重新注册本机”，或 fieldlog enroll）。(this laptop was cut off by the office and can no longer sync; everything on it, changes not yet sent included, stays on this laptop: nothing was lost or deleted. Contact the office administrator; to sync again, ask for a new enrollment code and enroll this laptop again.)"
    )]
    Revoked { server_message: String },
    /// The server already holds other records under this laptop's change numbers
    /// (`sequence_reused`): the profile was restored from a backup older than the device's last
    /// sync (issue 20). Said by the laptop, like a revocation: what stays here and what to do.
    #[error(
        "本机档案来自较旧的备份：请管理员在控制台停用本机，然后重新注册；未上传的记录会保留并在重新注册后上传。服务器没有保存这次上传的任何记录。(this profile was restored from a backup older than this laptop's last sync: ask the administrator to revoke this laptop in the console, then enroll it again; the records not yet sent stay here and are sent after enrolling again. The server stored nothing of this upload.)"
    )]
    SequenceReused { server_message: String },
    #[error("{}", .body.message)]
    Refused { status: u16, body: ErrorBody },
    #[error(
        "本机另一个同步正在进行（例如桌面程序正在后台同步），请稍后再试 (another sync round is running for this profile; try again shortly)"
    )]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Enrolling could not reach the server (issue 19): unlike a round's, nothing will retry it,
    /// so the sentence says what to check.
    #[error(
        "无法连接服务器 {server_url}：{why}。请检查服务器地址（如 https://192.0.2.10:8740）和网络连接后再点“注册”；本机没有任何改动 (cannot reach the server: check its address and the network, then enroll again; nothing here was changed)"
    )]
    EnrollUnreachable { server_url: String, why: String },
}

impl SyncError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::NotEnrolled => ErrorCode::Unauthorized,
            SyncError::Network(_) | SyncError::Tls(_) | SyncError::Certificate(_) => {
                ErrorCode::Network
            }
            SyncError::BadRoot(_) => ErrorCode::InvalidInput,
            SyncError::Revoked { .. } => ErrorCode::DeviceRevoked,
            SyncError::SequenceReused { .. } => ErrorCode::SequenceReused,
            SyncError::Refused { body, .. } => body.code,
            SyncError::Busy => ErrorCode::Conflict,
            SyncError::Store(e) => e.code(),
            SyncError::EnrollUnreachable { .. } => ErrorCode::Network,
        }
    }

    /// The body in zh-CN.
    pub fn to_body(&self) -> ErrorBody {
        self.error_body(Lang::ZhCn)
    }

    /// The sentence in `lang` (zh-CN is the `Display`). A server's refusal is said as the server
    /// said it.
    pub fn message(&self, lang: Lang) -> String {
        let Lang::En = lang else {
            return self.to_string();
        };
        match self {
            SyncError::NotEnrolled => {
                "This laptop is not enrolled with a sync server: enroll it first.".into()
            }
            SyncError::Network(why) => format!(
                "Cannot reach the sync server: {why}. Your data is saved here and will be sent when the network is back."
            ),
            SyncError::Tls(why) => format!(
                "No secure connection to the sync server: its certificate is not trusted or not valid ({why}). Check the server certificate, or choose the administrator's root certificate file when enrolling (on the command line: fieldlog enroll --ca-cert). Nothing here was changed."
            ),
            SyncError::BadRoot(why) => format!(
                "The root certificate file is not an X.509 certificate in PEM or DER (usually a .pem, .crt or .cer file): {why}. Choose the root certificate file the administrator gave you. Nothing here was changed."
            ),
            SyncError::Certificate(why) => format!(
                "The signing certificate the server issued is unusable: {why}. Ask the administrator."
            ),
            SyncError::Revoked { .. } => {
                "This laptop was cut off by the office and can no longer sync. Everything on it, changes not yet sent included, stays on this laptop: nothing was lost or deleted. Contact the office administrator; to sync again, ask for a new enrollment code and enroll this laptop again (Sync → Enroll this laptop again, or fieldlog enroll)."
                    .into()
            }
            SyncError::SequenceReused { .. } => {
                "This profile was restored from a backup older than this laptop's last sync: ask the administrator to revoke this laptop in the console, then enroll it again. The records not yet sent stay here and are sent after enrolling again; the server stored nothing of this upload."
                    .into()
            }
            SyncError::Refused { body, .. } => body.message.clone(),
            SyncError::Busy => {
                "Another sync round is running for this profile (the desktop app may be syncing in the background): try again shortly."
                    .into()
            }
            SyncError::Store(e) => e.message(lang),
            SyncError::EnrollUnreachable { server_url, why } => format!(
                "Cannot reach the server {server_url}: {why}. Check its address (such as https://192.0.2.10:8740) and the network, then enroll again. Nothing here was changed."
            ),
        }
    }

    /// Worth trying again: the network or the server's storage, not a refusal of the request
    /// (nor an untrusted certificate, which will not go away by itself).
    pub fn transient(&self) -> bool {
        match self {
            SyncError::Network(_) | SyncError::Busy => true,
            SyncError::Refused { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

impl ToErrorBody for SyncError {
    fn error_body(&self, lang: Lang) -> ErrorBody {
        match self {
            SyncError::Store(e) => e.error_body(lang),
            SyncError::Refused { body, .. } => body.clone(),
            _ => ErrorBody::new(self.code(), self.message(lang)),
        }
    }
}

impl From<SyncError> for ErrorBody {
    fn from(error: SyncError) -> Self {
        error.to_body()
    }
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

/// How a round talks to the server.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Changes per pushed batch.
    pub batch: usize,
    /// Records per pulled page.
    pub page: u32,
    /// Attempts per request before the round gives up (it resumes next round).
    pub attempts: u32,
    /// First wait between attempts; doubled each time up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            batch: 500,
            page: 1000,
            attempts: 6,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
        }
    }
}

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundReport {
    pub pushed: u64,
    pub pulled: u64,
    pub applied: u64,
    pub conflicts: u64,
    pub attachments_up: u64,
    pub attachments_down: u64,
    pub clock_suspect: bool,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The HTTP side of a round.
pub struct Client {
    http: reqwest::blocking::Client,
    base: String,
    token: Option<String>,
    options: SyncOptions,
    /// The server's clock minus ours (seconds), from the `Date` of its last answer.
    clock_offset: Mutex<Option<i64>>,
    /// Changes the outbox holds, as last counted: sent with every request (`WAITING_HEADER`)
    /// for the office's laptops list. None until a round counts it.
    waiting: Mutex<Option<i64>>,
}

/// The app version every request names (`APP_VERSION_HEADER`): the workspace's version, which
/// the app, the CLI and this crate share.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A non-2xx answer: the server's `{code, message}`, or a plain description if it sent none. A
/// revoked laptop's refusal becomes [`SyncError::Revoked`], which background sync stops on.
fn refusal(status: reqwest::StatusCode, bytes: &[u8]) -> SyncError {
    let body = serde_json::from_slice::<ErrorBody>(bytes).unwrap_or_else(|_| {
        ErrorBody::new(
            if status.is_server_error() {
                ErrorCode::Network
            } else {
                ErrorCode::InvalidInput
            },
            format!(
                "服务器拒绝了请求（HTTP {}） (the server refused the request: HTTP {})",
                status.as_u16(),
                status.as_u16()
            ),
        )
    });
    if body.code == ErrorCode::DeviceRevoked {
        return SyncError::Revoked {
            server_message: body.message,
        };
    }
    if body.code == ErrorCode::SequenceReused {
        return SyncError::SequenceReused {
            server_message: body.message,
        };
    }
    SyncError::Refused {
        status: status.as_u16(),
        body,
    }
}

/// A failed request: a TLS certificate problem (not worth retrying: it will not go away by
/// itself) or a plain network failure.
fn network(error: reqwest::Error) -> SyncError {
    match certificate_problem(&error) {
        Some(problem) => SyncError::Tls(problem),
        None => SyncError::Network(error.to_string()),
    }
}

/// The rustls certificate error somewhere in `error`'s causes, if any. rustls errors reach us
/// wrapped in (nested) `io::Error`s, whose `source()` skips the wrapped error itself, so an
/// `io::Error` is followed through `get_ref` instead.
fn certificate_problem(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(error);
    while let Some(current) = next {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            )
            .then(|| tls.to_string());
        }
        next = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}

/// Makes ring the process's rustls crypto provider (reqwest is built without one). Idempotent;
/// a provider installed before is left in place.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The profile's technician's name (the CLI's and the app's default laptop name).
pub(crate) fn profile_name(store: &Store) -> Result<String> {
    Ok(fieldlog_store::desk::technician(store)?.name)
}

/// Reads the administrator's root certificate(s) (PEM) for TLS.
fn tls_roots(pem: &str) -> Result<Vec<reqwest::Certificate>> {
    fieldlog_certs::certificates_from_pem(pem).map_err(|e| SyncError::BadRoot(e.to_string()))?;
    reqwest::Certificate::from_pem_bundle(pem.as_bytes())
        .map_err(|e| SyncError::BadRoot(e.to_string()))
}

impl Client {
    pub fn new(server_url: &str, token: Option<String>, options: SyncOptions) -> Result<Client> {
        Client::trusting(server_url, token, options, None)
    }

    /// A client that also trusts `tls_root_pem` (beside the system's roots) for https:// URLs.
    pub fn trusting(
        server_url: &str,
        token: Option<String>,
        options: SyncOptions,
        tls_root_pem: Option<&str>,
    ) -> Result<Client> {
        install_tls_provider();
        let mut builder = reqwest::blocking::Client::builder().timeout(options.timeout);
        if let Some(pem) = tls_root_pem {
            builder = builder.tls_certs_merge(tls_roots(pem)?);
        }
        let http = builder.build().map_err(network)?;
        Ok(Client {
            http,
            base: server_url.trim_end_matches('/').to_owned(),
            token,
            options,
            clock_offset: Mutex::new(None),
            waiting: Mutex::new(None),
        })
    }

    /// The server's clock minus this laptop's, in seconds, from the `Date` header of the last
    /// answer (whole seconds: plenty against a tolerance of minutes).
    pub fn clock_offset_secs(&self) -> Option<i64> {
        self.clock_offset.lock().ok().and_then(|o| *o)
    }

    fn note_server_date(&self, response: &reqwest::blocking::Response) {
        let server = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok());
        if let (Some(server), Ok(mut offset)) = (server, self.clock_offset.lock()) {
            *offset = Some((server.with_timezone(&Utc) - Utc::now()).num_seconds());
        }
    }

    /// Tells the server, from the next request on, how many changes the outbox holds.
    pub fn set_waiting(&self, count: i64) {
        if let Ok(mut waiting) = self.waiting.lock() {
            *waiting = Some(count.max(0));
        }
    }

    fn authorised(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        // What the laptop says of itself, for the office (the server ignores what it cannot
        // read, and older servers ignore both).
        let mut request = request.header(APP_VERSION_HEADER, APP_VERSION);
        if let Some(waiting) = self.waiting.lock().ok().and_then(|w| *w) {
            request = request.header(WAITING_HEADER, waiting.to_string());
        }
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Sends a request, reading the whole answer; a non-2xx answer becomes `Refused`.
    fn send(&self, request: reqwest::blocking::RequestBuilder) -> Result<Vec<u8>> {
        let response = self.authorised(request).send().map_err(network)?;
        self.note_server_date(&response);
        let status = response.status();
        let bytes = response.bytes().map_err(network)?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        Err(refusal(status, &bytes))
    }

    /// Runs `attempt` until it succeeds, fails for good, or runs out of attempts, waiting with
    /// exponential backoff between tries while the failure is transient.
    fn retrying<T>(&self, attempt: impl Fn() -> Result<T>) -> Result<T> {
        let mut wait = self.options.backoff;
        let mut tries = 1;
        loop {
            match attempt() {
                Err(error) if error.transient() && tries < self.options.attempts => {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(self.options.max_backoff);
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    /// `send` + JSON, retried. A body cut short fails to parse and counts as a network failure:
    /// the request is repeated, which the protocol makes harmless.
    fn call<T: serde::de::DeserializeOwned>(
        &self,
        make: impl Fn() -> reqwest::blocking::RequestBuilder,
    ) -> Result<T> {
        self.retrying(|| {
            let bytes = self.send(make())?;
            serde_json::from_slice::<T>(&bytes)
                .map_err(|e| SyncError::Network(format!("incomplete answer: {e}")))
        })
    }

    pub fn enroll(&self, request: &EnrollRequest) -> Result<EnrollResponse> {
        // Not retried: a code is single-use, and an answer lost after the server used it cannot
        // be fetched again; the technician asks for a new code.
        let bytes = self.send(
            self.http
                .post(format!("{}/v1/enroll", self.base))
                .json(request),
        )?;
        serde_json::from_slice(&bytes).map_err(|e| SyncError::Network(e.to_string()))
    }

    /// Sends a batch (rows parsed or, as a round sends them, as the outbox's JSON text).
    pub fn push<R: serde::Serialize>(&self, request: &PushRequest<R>) -> Result<PushResponse> {
        self.call(|| {
            self.http
                .post(format!("{}/v1/push", self.base))
                .json(request)
        })
    }

    /// Sends evidence-chain links (`POST /v1/chain`); the answer is the server's head.
    pub fn push_chain(&self, push: &ChainPush) -> Result<ChainHead> {
        self.call(|| self.http.post(format!("{}/v1/chain", self.base)).json(push))
    }

    /// The links the server holds for this laptop after `after` (`GET /v1/chain`).
    pub fn chain_page(&self, after: i64) -> Result<ChainPage> {
        self.call(|| {
            self.http.get(format!(
                "{}/v1/chain?after={after}&limit={MAX_LINKS}",
                self.base
            ))
        })
    }

    pub fn pull(&self, after: i64, limit: u32) -> Result<PullResponse> {
        self.call(|| {
            self.http
                .get(format!("{}/v1/pull?after={after}&limit={limit}", self.base))
        })
    }

    /// Uploads an attachment, resuming after whatever the server already holds.
    pub fn upload_attachment(&self, sha256: &str, mime: &str, bytes: &[u8]) -> Result<bool> {
        let status: AttachmentStatus = self.call(|| {
            self.http
                .get(format!("{}/v1/attachments/{sha256}/status", self.base))
        })?;
        if status.complete {
            return Ok(false);
        }
        let mut offset = status.received as usize;
        while offset < bytes.len() {
            let end = (offset + MAX_CHUNK_BYTES).min(bytes.len());
            let chunk = bytes[offset..end].to_vec();
            let at = offset;
            let status: AttachmentStatus = self.call(|| {
                self.http
                    .put(format!(
                        "{}/v1/attachments/{sha256}?offset={at}&total={}",
                        self.base,
                        bytes.len()
                    ))
                    .header(reqwest::header::CONTENT_TYPE, mime)
                    .body(chunk.clone())
            })?;
            offset = status.received as usize;
            if status.complete {
                break;
            }
        }
        Ok(true)
    }

    pub fn download_attachment(&self, sha256: &str) -> Result<(String, Vec<u8>)> {
        self.retrying(|| {
            let response = self
                .authorised(
                    self.http
                        .get(format!("{}/v1/attachments/{sha256}", self.base)),
                )
                .send()
                .map_err(network)?;
            let mime = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/octet-stream")
                .to_owned();
            let status = response.status();
            let bytes = response.bytes().map_err(network)?;
            if !status.is_success() {
                return Err(refusal(status, &bytes));
            }
            Ok((mime, bytes.to_vec()))
        })
    }
}

/// Enrolls this laptop with a one-time code and remembers the server (see [`enroll_trusting`]).
pub fn enroll(
    store: &mut Store,
    server_url: &str,
    code: &str,
    device_name: &str,
    options: SyncOptions,
) -> Result<EnrollResponse> {
    enroll_trusting(store, server_url, code, device_name, None, options)
}

/// Enrolls this laptop with a one-time code, trusting `tls_root_pem` (the administrator's root
/// certificate, PEM) for an https:// server beside the system's roots. The profile's PDF-signing
/// public key goes along (a key pair is made if the profile has none: the private key stays
/// here); the certificate the server issues for it, with its chain, replaces the self-issued one,
/// in the same transaction that keeps the enrollment and the root. A server too old to issue
/// certificates leaves the profile's identity as it was.
pub fn enroll_trusting(
    store: &mut Store,
    server_url: &str,
    code: &str,
    device_name: &str,
    tls_root_pem: Option<&str>,
    options: SyncOptions,
) -> Result<EnrollResponse> {
    let key_pem = match store.signing_identity_pem()? {
        Some((key, _)) => key,
        None => fieldlog_certs::new_private_key_pem(),
    };
    let public_key = fieldlog_certs::public_key_pem(&key_pem)
        .map_err(|e| SyncError::Certificate(e.to_string()))?;
    let client = Client::trusting(server_url, None, options, tls_root_pem)?;
    let response = client.enroll(&EnrollRequest {
        code: code.to_owned(),
        device_name: device_name.to_owned(),
        signing_public_key: Some(public_key.clone()),
    })?;
    let issued = response
        .signing_certificate
        .as_ref()
        .map(|issued| checked_certificate(issued, &public_key, key_pem))
        .transpose()?;
    store.save_enrollment_with_certificate(
        &Enrollment {
            server_url: server_url.trim_end_matches('/').to_owned(),
            device_id: response.device_id.clone(),
            token: response.token.clone(),
            technician_id: response.technician_id.clone(),
        },
        issued.as_ref(),
        tls_root_pem,
    )?;
    Ok(response)
}

/// [`enroll`] from any thread, an async runtime's too (the app's commands run on one): blocking
/// reqwest starts a runtime of its own, which panics when started or dropped inside another, so
/// the request runs on a scoped thread of its own.
pub fn enroll_from_any_thread(
    store: &mut Store,
    server_url: &str,
    code: &str,
    device_name: &str,
    options: SyncOptions,
) -> Result<EnrollResponse> {
    on_own_thread(|| enroll(store, server_url, code, device_name, options))
}

/// Runs an enrollment's requests on a scoped thread of its own (see [`enroll_from_any_thread`]).
pub(crate) fn on_own_thread<T: Send>(call: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|scope| {
        scope.spawn(call).join().unwrap_or_else(|_| {
            Err(SyncError::Network(
                "注册请求意外中断，请重试 (the enrollment request broke off; try again)".into(),
            ))
        })
    })
}

/// An RFC 3161 time-stamp token (DER) from the enrolled server's time-stamping authority over
/// `stamped` (a signature value, for PAdES B-T), checked before it is handed back: it stamps
/// these bytes, carries our nonce and is signed by a time-stamping certificate. One attempt
/// within `timeout`: an export does not wait for a server that is away (it stays B-B). Runs the
/// request on a thread of its own, so it may be called from an async runtime's thread too.
pub fn time_stamp_token(store: &Store, stamped: &[u8], timeout: Duration) -> Result<Vec<u8>> {
    let enrollment = store.enrollment()?.ok_or(SyncError::NotEnrolled)?;
    let tls_root = store.server_tls_root_pem()?;
    let bad = |e: fieldlog_certs::CertError| SyncError::Certificate(e.to_string());
    let (request, nonce) = fieldlog_certs::timestamp::request_over(stamped).map_err(bad)?;
    let options = SyncOptions {
        attempts: 1,
        timeout,
        ..SyncOptions::default()
    };
    let reply = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let client =
                    Client::trusting(&enrollment.server_url, None, options, tls_root.as_deref())?;
                client.send(
                    client
                        .http
                        .post(format!("{}/v1/timestamp", client.base))
                        .header(reqwest::header::CONTENT_TYPE, "application/timestamp-query")
                        .body(request),
                )
            })
            .join()
            .unwrap_or_else(|_| {
                Err(SyncError::Network(
                    "时间戳请求意外中断 (the time-stamp request broke off)".into(),
                ))
            })
    })?;
    let token = fieldlog_certs::timestamp::token_from_response(&reply).map_err(bad)?;
    fieldlog_certs::timestamp::check_token(&token, stamped, Some(&nonce)).map_err(bad)?;
    Ok(token)
}

/// The issued certificate, checked before the profile keeps it: it certifies our public key,
/// and each certificate of the chain issued the one below it, up to a self-signed root.
fn checked_certificate(
    issued: &IssuedCertificate,
    public_key_pem: &str,
    key_pem: String,
) -> Result<IssuedSigningCertificate> {
    let bad = |e: &dyn std::fmt::Display| SyncError::Certificate(e.to_string());
    let leaf = fieldlog_certs::certificates_from_pem(&issued.certificate_pem)
        .map_err(|e| bad(&e))?
        .remove(0);
    if !fieldlog_certs::certifies_public_key(&leaf, public_key_pem) {
        return Err(bad(
            &"它不是为本机的签名密钥签发的 (it is not for this laptop's key)",
        ));
    }
    let chain_pem = issued.chain_pem.concat();
    let chain = fieldlog_certs::certificates_from_pem(&chain_pem).map_err(|e| bad(&e))?;
    let mut below = &leaf;
    for issuer in &chain {
        if !fieldlog_certs::issued_by(below, issuer) {
            return Err(bad(&"证书链不连贯 (the chain is broken)"));
        }
        below = issuer;
    }
    if !fieldlog_certs::issued_by(below, below) {
        return Err(bad(
            &"证书链没有到达根证书 (the chain does not reach a root)",
        ));
    }
    Ok(IssuedSigningCertificate {
        key_pem,
        certificate_pem: issued.certificate_pem.clone(),
        chain_pem,
    })
}

/// One sync round: push everything waiting, then pull until the feed is drained. The outcome
/// (the time of a good round, or the error) is recorded for the app to show.
pub fn sync_round(store: &mut Store, options: &SyncOptions) -> Result<RoundReport> {
    sync_round_reporting(store, options, &mut |_, _| {})
}

/// [`sync_round`], telling `progress` after every pushed batch and pulled page where the round
/// stands (for the app's progress display).
pub fn sync_round_reporting(
    store: &mut Store,
    options: &SyncOptions,
    progress: &mut dyn FnMut(SyncPhase, &RoundReport),
) -> Result<RoundReport> {
    let _held = round_lock(store)?;
    let outcome = round(store, options, progress);
    let note = match &outcome {
        Ok(report) => Ok(report.finished_at.unwrap_or_else(Utc::now)),
        Err(error) => Err(error.to_string()),
    };
    store.record_sync_outcome(note)?;
    outcome
}

/// The file whose lock a round holds: one round at a time per profile, also across processes
/// (the app's background worker and `fieldlog sync` at the same moment). The OS releases the lock
/// when the file is dropped, or when the process dies.
pub fn round_lock_path(store: &Store) -> std::path::PathBuf {
    let mut name = store.path().as_os_str().to_owned();
    name.push(".sync-lock");
    name.into()
}

fn round_lock(store: &Store) -> Result<std::fs::File> {
    let path = round_lock_path(store);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            SyncError::Store(StoreError::Open {
                path: path.clone(),
                reason: e.to_string(),
            })
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(SyncError::Busy),
        Err(std::fs::TryLockError::Error(e)) => Err(SyncError::Store(StoreError::Open {
            path,
            reason: e.to_string(),
        })),
    }
}

/// Sends the outbox in batches. While the server stores one batch, the laptop records its answer
/// to the one before (one request in flight, so the server still receives batches in order): the
/// two machines work at once instead of taking turns. A failure on either side stops the round
/// with the outbox as the last recorded answer left it; what the server stored meanwhile is
/// answered from its stored acks when the batch is sent again.
fn push_outbox(
    store: &mut Store,
    client: &Client,
    options: &SyncOptions,
    report: &mut RoundReport,
    progress: &mut dyn FnMut(SyncPhase, &RoundReport),
) -> Result<()> {
    // The answer not yet recorded here, and the first sequence number of its batch.
    let mut unrecorded: Option<(PushResponse, i64)> = None;
    // The last change sent: the next batch starts after it, whether or not its answer is recorded.
    let mut sent_through = 0;
    loop {
        let batch = store.outbox_batch_text_after(sent_through, options.batch.max(1))?;
        let Some(first) = batch.first().map(|c| c.seq) else {
            break;
        };
        sent_through = batch.last().map_or(first, |c| c.seq);
        for (sha, mime, bytes) in store.attachments_for(&batch)? {
            if client.upload_attachment(&sha, &mime, &bytes)? {
                report.attachments_up += 1;
            }
        }
        let request = PushRequest {
            sent_at: Utc::now(),
            changes: batch,
        };
        let (sent, recorded) = std::thread::scope(|scope| {
            let sending = scope.spawn(|| client.push(&request));
            let recorded = match unrecorded.take() {
                Some((response, first)) => record_push(store, &response, first, report),
                None => Ok(()),
            };
            let sent = sending
                .join()
                .unwrap_or_else(|_| Err(SyncError::Network("push thread panicked".into())));
            (sent, recorded)
        });
        recorded?;
        progress(SyncPhase::Pushing, report);
        unrecorded = Some((sent?, first));
    }
    if let Some((response, first)) = unrecorded {
        record_push(store, &response, first, report)?;
        progress(SyncPhase::Pushing, report);
    }
    Ok(())
}

/// Takes the feed page by page. While the laptop applies one page, the next is already on its
/// way (its cursor is in the page before, so nothing waits for the apply): the server reads and
/// sends while the laptop writes. Pages are applied in order, each with its cursor in one
/// transaction, so a failure leaves the cursor at the last page applied.
fn pull_feed(
    store: &mut Store,
    client: &Client,
    options: &SyncOptions,
    report: &mut RoundReport,
    progress: &mut dyn FnMut(SyncPhase, &RoundReport),
) -> Result<()> {
    let mut page = client.pull(store.sync_status()?.pull_cursor, options.page)?;
    loop {
        let (next, applied) = std::thread::scope(|scope| {
            let fetching = page
                .more
                .then(|| scope.spawn(|| client.pull(page.cursor, options.page)));
            let applied = apply_page(store, client, &page, report);
            let next = fetching.map(|f| {
                f.join()
                    .unwrap_or_else(|_| Err(SyncError::Network("pull thread panicked".into())))
            });
            (next, applied)
        });
        applied?;
        progress(SyncPhase::Pulling, report);
        match next {
            Some(next) => page = next?,
            None => return Ok(()),
        }
    }
}

/// Fetches the attachments a page needs that the laptop lacks, then applies the page.
fn apply_page(
    store: &mut Store,
    client: &Client,
    page: &PullResponse,
    report: &mut RoundReport,
) -> Result<()> {
    let mut attachments = Vec::new();
    for sha in store.missing_attachments(page)? {
        let (mime, bytes) = client.download_attachment(&sha)?;
        attachments.push((sha, mime, bytes));
        report.attachments_down += 1;
    }
    let applied = store.apply_pull_page(page, &attachments, Utc::now())?;
    report.pulled += page.records.len() as u64;
    report.applied += applied.applied;
    report.conflicts += applied.refused;
    Ok(())
}

/// Records the server's answer to the batch starting at `first` and counts it in the report.
fn record_push(
    store: &mut Store,
    response: &PushResponse,
    first: i64,
    report: &mut RoundReport,
) -> Result<()> {
    if response.stored_through < first {
        // The server stored nothing of this batch: going round again would loop.
        return Err(SyncError::Network(format!(
            "server stored through {} but the batch starts at {first}",
            response.stored_through
        )));
    }
    report.pushed += response.acks.len() as u64;
    report.conflicts += response
        .acks
        .iter()
        .filter(|a| {
            !a.fields.is_empty() || a.status == fieldlog_wire::sync::v1::AckStatus::Conflict
        })
        .count() as u64;
    report.clock_suspect |= response.clock_suspect;
    store.apply_push_response(response, Utc::now())?;
    Ok(())
}

fn round(
    store: &mut Store,
    options: &SyncOptions,
    progress: &mut dyn FnMut(SyncPhase, &RoundReport),
) -> Result<RoundReport> {
    let client = enrolled_client(store, options)?;
    let mut report = RoundReport::default();
    progress(SyncPhase::Pushing, &report);
    // Counted before the push and again before the pull: the pull tells the office what the
    // push left waiting (0 after a good push, unless the technician wrote meanwhile).
    client.set_waiting(store.sync_status()?.pending_changes);
    push_outbox(store, &client, options, &mut report, progress)?;
    send_chain(store, &client)?;
    client.set_waiting(store.sync_status()?.pending_changes);
    progress(SyncPhase::Pulling, &report);
    pull_feed(store, &client, options, &mut report, progress)?;
    // The laptop's clock against the server's, from the last answer: the app asks the
    // technician to fix a clock that is off (the server flags what such a laptop sends).
    if let Some(offset) = client.clock_offset_secs() {
        store.record_clock_offset(offset, Utc::now())?;
    }
    report.finished_at = Some(Utc::now());
    Ok(report)
}

/// Sends the evidence-chain links the server has not acknowledged yet (issue 14, `chain_v1`),
/// after the push: the server keeps every laptop's chain and refuses links that do not extend it.
fn send_chain(store: &mut Store, client: &Client) -> Result<()> {
    loop {
        let links = store.chain_links(store.chain_sent_seq()?, MAX_LINKS)?;
        if links.is_empty() {
            return Ok(());
        }
        let head = client.push_chain(&ChainPush { links })?;
        store.record_chain_sent(head.seq)?;
    }
}

/// A client for the server this profile is enrolled with, with its token and extra TLS root.
fn enrolled_client(store: &Store, options: &SyncOptions) -> Result<Client> {
    let enrollment = store.enrollment()?.ok_or(SyncError::NotEnrolled)?;
    Client::trusting(
        &enrollment.server_url,
        Some(enrollment.token),
        options.clone(),
        store.server_tls_root_pem()?.as_deref(),
    )
}

/// Every link the sync server holds of this laptop's evidence chain, for `audit verify`.
pub fn server_chain(store: &Store, options: &SyncOptions) -> Result<Vec<ChainLink>> {
    let client = enrolled_client(store, options)?;
    let mut links = Vec::new();
    loop {
        let page = client.chain_page(links.last().map_or(0, |l: &ChainLink| l.seq))?;
        links.extend(page.links);
        if !page.more {
            return Ok(links);
        }
    }
}
