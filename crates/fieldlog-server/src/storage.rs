//! What the server keeps, behind one trait so SQLite (the default: one file, no set-up) and other
//! databases offer the same API. The sync rules (`push`) are written once against [`Tx`], and
//! [`Tx`] itself once, in `crate::sql`, over a backend's executor. Every request runs in one [`Storage::transaction`]: it all
//! lands, or (on any error) nothing does.

use crate::error::Result;
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::v1::{Ack, FeedRecord, Row, Scope, StoredRow};

/// An enrolled device, as its token proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuth {
    pub device_id: String,
    pub technician_id: String,
    /// Codes of the contracts the technician is assigned to (none once revoked).
    pub contracts: Vec<String>,
    /// When the office revoked the device (crate::revocation): then its token is refused.
    pub revoked_at: Option<DateTime<Utc>>,
    /// What the device last said of itself (crate::laptop_report), read in the same query.
    pub report: LaptopReport,
}

/// What a laptop last said of itself when it synced (crate::laptop_report, migration 0009).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaptopReport {
    /// When it last pushed or pulled (None before its first sync).
    pub last_seen_at: Option<DateTime<Utc>>,
    /// Its app version (None: never said).
    pub app_version: Option<String>,
    /// Changes its outbox held (None: never said).
    pub waiting_changes: Option<i64>,
}

/// The current version of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub entity: String,
    pub id: String,
    pub rev: i64,
    pub row: Row,
    /// The contract code it belongs to (None for a technician profile).
    pub scope: Option<String>,
    /// The server technician whose device sent the version.
    pub owner: String,
    pub received_at: DateTime<Utc>,
    pub clock_suspect: bool,
    /// SHA-256 of an attachment it still waits for (then nobody else sees it yet).
    pub waiting_for: Option<String>,
}

impl StoredRecord {
    /// The SHA-256 of the attachment the version points at, if its kind has one (the feed keeps
    /// it beside the row, so a download can be checked against what the device may read).
    pub fn attachment(&self) -> Option<String> {
        fieldlog_wire::sync::v1::entity_named(&self.entity)
            .and_then(|e| e.attachment)
            .and_then(|c| self.row.get(c))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    }

    /// The record a child belongs to, kept beside the row so a parent's children are found
    /// without reading rows (`Tx::children`): a daily report's entries and signatures, and a
    /// fault's events, assignment records and arrivals (issue 18: the office reads a fault
    /// whole; an arrival's scope is its site, but it is read with its fault). Other kinds keep
    /// none, so storing them costs no index entry. Migrations 0005 and 0011 backfill it.
    pub fn parent(&self) -> Option<String> {
        let entity = fieldlog_wire::sync::v1::entity_named(&self.entity)?;
        match entity.scope {
            Scope::Parent("daily_reports" | "faults", _) | Scope::SignatureSubject => {
                entity.parent_id(&self.row)
            }
            _ if entity.name == "arrivals" => self
                .row
                .get("fault_id")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            _ => None,
        }
    }
}

/// A row as the JSON text both backends store.
pub fn row_json(row: &Row) -> String {
    // Serialised in place: wrapping it in a Value first would copy the whole row per call.
    serde_json::to_string(row).expect("a JSON object always serialises")
}

/// Stored row text as it goes into a pull answer. Checked to be JSON (a cheap scan, nothing
/// allocated per field), so a damaged row fails the request instead of the laptop's parse.
pub fn stored_row(text: String) -> Result<StoredRow> {
    serde_json::value::RawValue::from_string(text)
        .map_err(|e| crate::error::ServerError::Storage(format!("stored row is not JSON: {e}")))
}

/// One version in the feed, as the office's read model reads it: the row's JSON text as stored,
/// decoded by its reader (`office::facts`).
#[derive(Debug, Clone, PartialEq)]
pub struct FeedVersion {
    pub seq: i64,
    pub entity: String,
    pub id: String,
    pub row: String,
    /// The contract code (None for a technician profile).
    pub scope: Option<String>,
    pub received_at: DateTime<Utc>,
    pub clock_suspect: bool,
}

/// How much of an attachment has arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobState {
    pub mime: String,
    pub total: u64,
    pub received: u64,
    pub complete: bool,
    /// The device that started the upload (None for uploads kept before this was recorded).
    pub uploaded_by: Option<String>,
}

/// A version that could not be merged, kept for review.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictNote {
    pub entity: String,
    pub id: String,
    pub device_id: String,
    pub fields: Vec<String>,
    pub kept: Row,
    pub offered: Row,
    pub at: DateTime<Utc>,
}

/// A certificate the server's CA issued (`issued_certificates`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCertificateRecord {
    /// Lowercase hex, as validators print it.
    pub serial: String,
    pub technician_id: String,
    pub device_id: String,
    pub not_after: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
    pub certificate_pem: String,
}

/// One transaction's worth of storage operations.
pub trait Tx {
    /// The evidence chain's own storage (crate::chain).
    fn chain(&mut self) -> &mut dyn crate::chain::ChainStore;
    /// The office's own storage (crate::office).
    fn office(&mut self) -> &mut dyn crate::office::OfficeStore;
    /// Revoked devices, published CRLs and the server's settings (crate::revocation).
    fn revocation(&mut self) -> &mut dyn crate::revocation::RevocationStore;
    /// The office catalogue's own columns and counts (crate::office::catalogue).
    fn catalogue(&mut self) -> &mut dyn crate::office::catalogue::CatalogueStore;

    // Accounts
    fn add_contract(&mut self, code: &str, name: &str) -> Result<()>;
    fn add_technician(&mut self, id: &str, name: &str) -> Result<()>;
    fn assign(&mut self, technician_id: &str, contract_code: &str) -> Result<()>;
    /// Ends an assignment; false when there was none (nothing written). The technician's
    /// laptops stop pulling the contract and their pushes for it are refused; nothing stored
    /// is removed.
    fn unassign(&mut self, technician_id: &str, contract_code: &str) -> Result<bool>;
    /// Every technician (id, name), by id (UUIDv7: the order they were added in).
    fn technicians(&mut self) -> Result<Vec<(String, String)>>;
    /// Every assignment (technician id, contract code), by technician then contract.
    fn assignments(&mut self) -> Result<Vec<(String, String)>>;
    /// Records what a device said of itself as it synced at `report.last_seen_at`.
    fn record_laptop_report(&mut self, device_id: &str, report: &LaptopReport) -> Result<()>;
    fn add_enrollment_code(
        &mut self,
        code_hash: &str,
        technician_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Marks every unused enrollment code of the technician used at `now` (cancelled: none of
    /// them enrolls a laptop any more); how many.
    fn cancel_enrollment_codes(&mut self, technician_id: &str, now: DateTime<Utc>) -> Result<u32>;
    /// Uses up an enrollment code: the device is created with its token hash. Returns the
    /// technician (id, name), or None when the code is unknown or used.
    /// Codes issued before `issued_after` count as expired (unknown).
    fn redeem_enrollment_code(
        &mut self,
        code_hash: &str,
        device_id: &str,
        device_name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
        issued_after: DateTime<Utc>,
    ) -> Result<Option<(String, String)>>;
    fn device_by_token_hash(&mut self, token_hash: &str) -> Result<Option<DeviceAuth>>;
    fn contracts_of(&mut self, technician_id: &str) -> Result<Vec<String>>;

    // Change batches
    /// The highest change sequence stored for the device (0 before its first push).
    fn device_high_seq(&mut self, device_id: &str) -> Result<i64>;
    fn set_device_high_seq(&mut self, device_id: &str, seq: i64) -> Result<()>;
    fn stored_ack(&mut self, device_id: &str, seq: i64) -> Result<Option<Ack>>;
    fn store_ack(&mut self, device_id: &str, ack: &Ack) -> Result<()>;

    // Records and the feed
    fn record(&mut self, entity: &str, id: &str) -> Result<Option<StoredRecord>>;
    /// The contract code of a stored record: None when the server does not have it, Some(None)
    /// when it belongs to no contract. The parent lookup of every pushed change: it reads one
    /// column instead of parsing the parent's whole row.
    fn record_scope(&mut self, entity: &str, id: &str) -> Result<Option<Option<String>>>;
    /// The current records of kind `entity` that belong to `parent_id` (a daily report's
    /// entries and signatures; a fault's events, assignment records and arrivals), in id order.
    fn children(&mut self, entity: &str, parent_id: &str) -> Result<Vec<StoredRecord>>;
    /// Every current record of kind `entity`, in id order (a one-off look over old data).
    fn records_of(&mut self, entity: &str) -> Result<Vec<StoredRecord>>;
    /// The current records of kind `entity` in contract `scope`, in id order (contracts by code).
    fn records_in_scope(&mut self, entity: &str, scope: &str) -> Result<Vec<StoredRecord>>;
    /// Inserts or replaces the current version and, with `publish`, appends it to the feed under
    /// the next cursor value. One call, so the row is serialised once for both tables.
    /// `sent_by` names the device that sent exactly this version (it holds it already, so its
    /// pulls skip it); None when the stored version differs from what any device sent.
    fn save_record(
        &mut self,
        record: &StoredRecord,
        publish: bool,
        sent_by: Option<&str>,
    ) -> Result<()>;
    /// The highest cursor value in the feed (0 when empty), in the request's snapshot.
    fn feed_high_water(&mut self) -> Result<i64>;
    fn add_conflict(&mut self, note: &ConflictNote) -> Result<()>;
    /// Feed records of contract `scope` after `after`, oldest first, at most `limit`: one range
    /// of an index on (scope, seq), however many other contracts share the feed. Versions that
    /// `device_id` itself sent are left out.
    fn pull_scope(
        &mut self,
        scope: &str,
        after: i64,
        limit: u32,
        device_id: &str,
    ) -> Result<Vec<FeedRecord<StoredRow>>>;
    /// Feed records of technician profiles (they belong to no contract) after `after` that
    /// `technician_id` may read: their own, and those of technicians sharing a contract with
    /// them, so arrivals and reports can name who made them. Oldest first, at most `limit`;
    /// versions that `device_id` itself sent are left out.
    fn pull_profiles(
        &mut self,
        technician_id: &str,
        after: i64,
        limit: u32,
        device_id: &str,
    ) -> Result<Vec<FeedRecord<StoredRow>>>;
    /// Every feed version after `after`, of every contract and profile, oldest first, at most
    /// `limit`: what the office's read model (`office::read_model`) catches up from. The feed is
    /// in commit order (one writer at a time), so nothing below the last value read appears later.
    fn feed_after(&mut self, after: i64, limit: u32) -> Result<Vec<FeedVersion>>;
    /// Records waiting for the attachment `sha256`.
    fn waiting_for(&mut self, sha256: &str) -> Result<Vec<StoredRecord>>;

    // Attachments
    fn blob_state(&mut self, sha256: &str) -> Result<Option<BlobState>>;
    /// Starts an upload, noting the device that started it and when.
    fn blob_start(
        &mut self,
        sha256: &str,
        mime: &str,
        total: u64,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Drops uploads started before `before` that no stored record points at (nor waits for);
    /// returns how many.
    fn blob_discard_unreferenced(&mut self, before: DateTime<Utc>) -> Result<u64>;
    fn blob_append(&mut self, sha256: &str, chunk: &[u8]) -> Result<()>;
    fn blob_bytes(&mut self, sha256: &str) -> Result<Option<Vec<u8>>>;
    fn blob_mark_complete(&mut self, sha256: &str) -> Result<()>;
    fn blob_discard(&mut self, sha256: &str) -> Result<()>;
    /// Whether a record the device may read points at the attachment.
    fn may_read_blob(&mut self, auth: &DeviceAuth, sha256: &str) -> Result<bool>;

    // The certificate authority (`ca`)
    /// The CA's key and root certificate (PEM), once made.
    fn server_ca(&mut self) -> Result<Option<(String, String)>>;
    /// Keeps the CA unless one is already kept (then this does nothing: the first one stays).
    fn init_server_ca(
        &mut self,
        key_pem: &str,
        certificate_pem: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;
    fn add_issued_certificate(&mut self, record: &IssuedCertificateRecord) -> Result<()>;
    /// Every issued certificate, oldest first.
    fn issued_certificates(&mut self) -> Result<Vec<IssuedCertificateRecord>>;

    // Review
    fn conflicts(&mut self) -> Result<Vec<ConflictNote>>;
    /// Feed records whose sender's clock was off by more than the tolerance: (entity, id, received_at).
    fn clock_suspects(&mut self) -> Result<Vec<(String, String, DateTime<Utc>)>>;
}

/// One unit of work for [`Storage::transactions`].
pub type Work<'a, T> = Box<dyn FnOnce(&mut dyn Tx) -> Result<T> + 'a>;

/// A database the server can run on.
pub trait Storage: Send + Sync + 'static {
    /// Runs one work in its own transaction: it all lands, or (on any error) nothing does.
    fn transaction<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut outcomes = self.transactions(vec![Box::new(work) as Work<'_, T>]);
        outcomes.pop().expect("one outcome per work")
    }

    /// Runs `works` in order, each all or nothing on its own (one failing rolls back only its
    /// own writes), and answers each once its work is durable: both backends make them durable
    /// together, with one commit (the push queue's group commit).
    fn transactions<'a, T>(&self, works: Vec<Work<'a, T>>) -> Vec<Result<T>>;

    /// A transaction that only reads (pulls, downloads): a backend may run it beside the writer
    /// on a consistent snapshot. It must not write.
    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.transaction(work)
    }
}
