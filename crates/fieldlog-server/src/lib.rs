//! The central sync server (`docs/sync-protocol.md`): enrolls laptops with one-time codes, takes
//! their change batches exactly once, merges or keeps conflicting versions for review, and serves
//! a paged feed of what each technician may read. Imports neither Tauri nor printpdf.
//!
//! - `rules`: the protocol's rules, written once over the storage trait;
//! - `storage`: the trait the rules use; `sql`: that trait written once, in SQL both databases
//!   speak, over one executor per backend; `sqlite`: the default backend; `postgres`: the same
//!   on PostgreSQL (each its connection, transaction start and numbered migrations under
//!   `migrations/`); `database`: one of the two, chosen by the `--db` location;
//! - `http`: the axum router; `push_queue`: the one thread that applies pushes, many to a
//!   commit (the one group commit of both backends); `admin`: accounts from the command line;
//! - `ca`: the server's certificate authority, which issues PDF-signing certificates at enrollment;
//! - `office`: office accounts, sessions, CSRF, sign-in throttling and the office audit log
//!   (`/office/v1`, issue 17);
//! - `revocation`: laptops cut off (their token refused, their certificates on the CA's CRL);
//! - `console`: the office console's pages, embedded at compile time (`build.rs`), at `/console/`;
//! - `tls`: HTTPS through rustls (`serve --tls-cert --tls-key`).

pub mod admin;
// Issue 20: `fieldlog-server backup`.
pub mod backup;
pub mod ca;
pub mod chain;
pub mod config_file;
pub mod console;
pub mod database;
pub mod error;
pub mod http;
pub mod laptop_report;
pub mod office;
pub mod postgres;
pub mod push_queue;
pub mod revocation;
pub mod rules;
mod sql;
pub mod sqlite;
pub mod storage;
pub mod timestamp;
pub mod tls;
#[cfg(test)]
mod upgrade_check;

pub use crate::postgres::PostgresStorage;
pub use database::Database;
pub use error::ServerError;
pub use sqlite::SqliteStorage;
pub use storage::Storage;

use std::net::SocketAddr;
use std::sync::Arc;

/// Serves the API on `listener` until the future `shutdown` completes.
pub async fn serve<S: Storage>(
    storage: Arc<S>,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(storage, listener, office::Options::default(), shutdown).await
}

/// [`serve`] with the office API's options (tests pass their own clock).
pub async fn serve_with<S: Storage>(
    storage: Arc<S>,
    listener: tokio::net::TcpListener,
    office: office::Options,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // With each connection's address: the office audit log says where an action came from.
    let app = http::router_with(storage, office)
        .into_make_service_with_connect_info::<office::http::PeerAddress>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves the API over HTTPS on `listener` (see `tls`) until `shutdown` completes.
pub async fn serve_tls<S: Storage>(
    storage: Arc<S>,
    listener: tokio::net::TcpListener,
    config: Arc<rustls::ServerConfig>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tls::TlsListener::new(listener, config)?;
    let office = office::Options {
        secure_cookies: true,
        ..office::Options::default()
    };
    let app = http::router_with(storage, office)
        .into_make_service_with_connect_info::<office::http::PeerAddress>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// A server on its own thread and runtime, for tests and benchmarks: bound to `addr` (port 0 picks
/// a free one), stopped when the handle is dropped.
pub struct RunningServer {
    pub addr: SocketAddr,
    tls: bool,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    pub fn start<S: Storage>(storage: Arc<S>, addr: SocketAddr) -> std::io::Result<RunningServer> {
        RunningServer::start_with(storage, addr, None, office::Options::default())
    }

    /// Plain HTTP with the office API's own options (a test's clock).
    pub fn start_office<S: Storage>(
        storage: Arc<S>,
        addr: SocketAddr,
        office: office::Options,
    ) -> std::io::Result<RunningServer> {
        RunningServer::start_with(storage, addr, None, office)
    }

    /// The same over HTTPS, with a TLS certificate chain and key (PEM).
    pub fn start_tls<S: Storage>(
        storage: Arc<S>,
        addr: SocketAddr,
        certificate_pem: &str,
        key_pem: &str,
    ) -> std::io::Result<RunningServer> {
        let config = tls::server_config(certificate_pem.as_bytes(), key_pem.as_bytes())
            .map_err(std::io::Error::other)?;
        RunningServer::start_with(storage, addr, Some(config), office::Options::default())
    }

    fn start_with<S: Storage>(
        storage: Arc<S>,
        addr: SocketAddr,
        tls: Option<Arc<rustls::ServerConfig>>,
        office: office::Options,
    ) -> std::io::Result<RunningServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind(addr))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let is_tls = tls.is_some();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let stopped = async {
                    let _ = stopped.await;
                };
                let _ = match tls {
                    Some(config) => serve_tls(storage, listener, config, stopped).await,
                    None => serve_with(storage, listener, office, stopped).await,
                };
            });
        });
        Ok(RunningServer {
            addr,
            tls: is_tls,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
