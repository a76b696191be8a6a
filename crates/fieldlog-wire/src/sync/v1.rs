//! Sync protocol version 1 (`docs/sync-protocol.md`): enrollment, change batches keyed by
//! (device, sequence), a paged pull by server cursor, content-addressed attachments, and the
//! table of synced record kinds with the conflict rule each one follows.
//!
//! Records travel as rows: a JSON object of the row's columns exactly as the laptop's SQLite file
//! holds them (text, integers, reals, null). Both sides read the same [`ENTITIES`] table, so the
//! client and the server agree on what is mergeable, what is evidence, and which contract a
//! record belongs to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Path prefix of every endpoint of this version.
pub const PREFIX: &str = "/v1";

/// A pushed batch holds at most this many changes (the client sends fewer; the server refuses more).
pub const MAX_BATCH_CHANGES: usize = 1000;
/// A pull page holds at most this many records.
pub const MAX_PAGE_RECORDS: u32 = 5000;
/// An upload chunk of an attachment is at most this many bytes.
pub const MAX_CHUNK_BYTES: usize = 1024 * 1024;
/// A device clock further than this from the server's, when it pushes, flags what it sent.
pub const CLOCK_TOLERANCE_SECS: i64 = 300;
/// Request header on push and pull: the laptop's app version (at most [`MAX_APP_VERSION_CHARS`]
/// printable ASCII characters), shown in the office's laptops list. Optional: older apps send
/// none, and a value that is not as described is ignored, never refused.
pub const APP_VERSION_HEADER: &str = "x-fieldlog-app-version";
/// Request header on push and pull: how many changes the laptop's outbox holds as it sends the
/// request (a decimal count), shown in the office's laptops list. Optional, like the version.
pub const WAITING_HEADER: &str = "x-fieldlog-waiting";
/// The longest app version the server keeps.
pub const MAX_APP_VERSION_CHARS: usize = 64;

/// How a kind of record behaves when two versions meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictRule {
    /// Evidence (faults, events, arrivals, signatures, stock movements, …): written once. A second,
    /// different version under the same id is kept for review and never replaces the first.
    /// Stock is a ledger of such records, so two technicians' movements simply both count.
    Immutable,
    /// Editable until final (drafts, profiles): changes merge field by field against the version
    /// the device edited; the same field changed two ways is a conflict, the server's value stays
    /// and the other is kept for review. Once `final_when` holds, it behaves as [`Immutable`].
    ///
    /// [`Immutable`]: ConflictRule::Immutable
    Mergeable,
}

/// Which contract a record belongs to: that decides who may push and pull it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The record is a contract; its scope is its own `code` column.
    OwnCode(&'static str),
    /// The scope of the parent record named by this column (`entity`, `column`).
    Parent(&'static str, &'static str),
    /// A signature: the parent is a daily report or a fault (completion form) by `subject`.
    SignatureSubject,
    /// A technician profile: visible to whoever shares a contract with the technician who sent it.
    Technician,
    /// A record about one of several kinds (a photo, issue 19): its `subject` column names which,
    /// as (value, entity) pairs, and `subject_id` the parent's id.
    Subject(&'static [(&'static str, &'static str)]),
}

/// A synced kind of record: one table of the laptop's database.
#[derive(Debug, Clone, Copy)]
pub struct Entity {
    pub name: &'static str,
    /// Primary-key columns; a record's id is their values joined by `/`.
    pub key: &'static [&'static str],
    pub rule: ConflictRule,
    pub scope: Scope,
    /// For mergeable records: (column, value) that makes the record final (signed, done).
    /// `None` as the value means "not null".
    pub final_when: Option<(&'static str, Option<&'static str>)>,
    /// A column holding the SHA-256 of an attachment the record needs to be complete.
    pub attachment: Option<&'static str>,
    /// Other records this one points at, as (column, entity), besides its scope's parent. The
    /// server checks that each one it is given lies in the same contract as the record.
    /// (Technician profiles belong to no contract and are not listed.)
    pub refs: &'static [(&'static str, &'static str)],
}

const fn entity(
    name: &'static str,
    key: &'static [&'static str],
    rule: ConflictRule,
    scope: Scope,
) -> Entity {
    Entity {
        name,
        key,
        rule,
        scope,
        final_when: None,
        attachment: None,
        refs: &[],
    }
}

use ConflictRule::{Immutable, Mergeable};
use Scope::{OwnCode, Parent, SignatureSubject, Subject, Technician};

/// Every synced kind of record. Anything not here (settings, form drafts, the signing key, sync
/// bookkeeping) stays on the laptop. Attachments' bytes travel separately, by hash.
pub const ENTITIES: &[Entity] = &[
    entity("technicians", &["id"], Mergeable, Technician),
    entity("contracts", &["id"], Mergeable, OwnCode("code")),
    entity(
        "sla_policies",
        &["contract_id", "version"],
        Immutable,
        Parent("contracts", "contract_id"),
    ),
    entity(
        "sites",
        &["id"],
        Mergeable,
        Parent("contracts", "contract_id"),
    ),
    entity("devices", &["id"], Mergeable, Parent("sites", "site_id")),
    entity(
        "spare_parts",
        &["id"],
        Mergeable,
        Parent("contracts", "contract_id"),
    ),
    Entity {
        refs: &[("site_id", "sites"), ("device_id", "devices")],
        ..entity(
            "faults",
            &["id"],
            Immutable,
            Parent("contracts", "contract_id"),
        )
    },
    entity(
        "fault_events",
        &["id"],
        Immutable,
        Parent("faults", "fault_id"),
    ),
    Entity {
        refs: &[("fault_id", "faults")],
        ..entity("arrivals", &["id"], Immutable, Parent("sites", "site_id"))
    },
    // Who holds a fault (issue 18): the office's assignments and the technicians' takes, each
    // naming the ones its writer saw as current (`fieldlog_domain::dispatch`).
    entity(
        "fault_assignments",
        &["id"],
        Immutable,
        Parent("faults", "fault_id"),
    ),
    Entity {
        final_when: Some(("done_at", None)),
        refs: &[
            ("site_id", "sites"),
            ("done_arrival_id", "arrivals"),
            ("plan_id", "inspection_plans"),
        ],
        ..entity(
            "inspections",
            &["id"],
            Mergeable,
            Parent("contracts", "contract_id"),
        )
    },
    Entity {
        final_when: Some(("status", Some("signed"))),
        refs: &[("amends_id", "daily_reports")],
        ..entity(
            "daily_reports",
            &["id"],
            Mergeable,
            Parent("contracts", "contract_id"),
        )
    },
    Entity {
        refs: &[
            ("site_id", "sites"),
            ("device_id", "devices"),
            ("fault_id", "faults"),
            // issue 19: the row of the same report an edit replaces, the signed entry a
            // correction's entry corrects
            ("supersedes_id", "report_entries"),
            ("amends_entry_id", "report_entries"),
        ],
        ..entity(
            "report_entries",
            &["id"],
            Immutable,
            Parent("daily_reports", "report_id"),
        )
    },
    Entity {
        refs: &[("fault_id", "faults"), ("entry_id", "report_entries")],
        ..entity(
            "stock_movements",
            &["id"],
            Immutable,
            Parent("spare_parts", "part_id"),
        )
    },
    Entity {
        refs: &[("movement_id", "stock_movements")],
        ..entity(
            "entry_parts",
            &["entry_id", "position"],
            Immutable,
            Parent("report_entries", "entry_id"),
        )
    },
    Entity {
        attachment: Some("image_sha256"),
        ..entity("signatures", &["id"], Immutable, SignatureSubject)
    },
    // Inspections by plan (issue 19 item 5): the plans (edited by the office or a technician),
    // each period's inspections (in `inspections`, made alike by every laptop), the checklist's
    // ticks, findings and the faults they became (all append-only).
    entity(
        "inspection_plans",
        &["id"],
        Mergeable,
        Parent("contracts", "contract_id"),
    ),
    entity(
        "inspection_ticks",
        &["id"],
        Immutable,
        Parent("inspections", "inspection_id"),
    ),
    Entity {
        refs: &[("site_id", "sites"), ("device_id", "devices")],
        ..entity(
            "inspection_findings",
            &["id"],
            Immutable,
            Parent("inspections", "inspection_id"),
        )
    },
    Entity {
        refs: &[("fault_id", "faults")],
        ..entity(
            "inspection_finding_faults",
            &["finding_id"],
            Immutable,
            Parent("inspection_findings", "finding_id"),
        )
    },
    // Photos (issue 19): the original is the record's attachment; its thumbnail is a record of its
    // own, since a record waits for one attachment.
    Entity {
        attachment: Some("original_sha256"),
        ..entity(
            "photos",
            &["id"],
            Immutable,
            Subject(&[
                ("fault", "faults"),
                ("arrival", "arrivals"),
                ("report_entry", "report_entries"),
            ]),
        )
    },
    Entity {
        attachment: Some("thumbnail_sha256"),
        ..entity(
            "photo_thumbnails",
            &["photo_id"],
            Immutable,
            Parent("photos", "photo_id"),
        )
    },
];

/// The synced kind named `name`.
pub fn entity_named(name: &str) -> Option<&'static Entity> {
    ENTITIES.iter().find(|e| e.name == name)
}

impl Entity {
    /// The record id of `row`: its key columns' values joined by `/` (None if one is missing).
    pub fn record_id(&self, row: &Map<String, Value>) -> Option<String> {
        let mut parts = Vec::with_capacity(self.key.len());
        for column in self.key {
            parts.push(match row.get(*column)? {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            });
        }
        Some(parts.join("/"))
    }

    /// Whether `row` is final (signed, done): from then on it is evidence.
    /// The id of the record's scope parent (a report's entries, a report's signatures), if it
    /// has one.
    pub fn parent_id(&self, row: &Map<String, Value>) -> Option<String> {
        let column = match self.scope {
            Scope::Parent(_, column) => column,
            Scope::SignatureSubject | Scope::Subject(_) => "subject_id",
            Scope::OwnCode(_) | Scope::Technician => return None,
        };
        match row.get(column)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    pub fn is_final(&self, row: &Map<String, Value>) -> bool {
        match self.rule {
            ConflictRule::Immutable => true,
            ConflictRule::Mergeable => match self.final_when {
                None => false,
                Some((column, None)) => row.get(column).is_some_and(|v| !v.is_null()),
                Some((column, Some(value))) => {
                    row.get(column).and_then(Value::as_str) == Some(value)
                }
            },
        }
    }
}

/// A row: column name → value.
pub type Row = Map<String, Value>;

// ---------------------------------------------------------------------------------------------
// Enrollment

/// `POST /v1/enroll`: a laptop trades a one-time code for its device token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    /// A name people recognise the laptop by in the admin listing.
    pub device_name: String,
    /// Optional (added to v1; older laptops leave it out): the laptop's PDF-signing public key,
    /// a P-256 SubjectPublicKeyInfo as PEM ("PUBLIC KEY"). The server then issues a certificate
    /// for it. The private key never leaves the laptop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_public_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_id: String,
    /// Sent as `Authorization: Bearer <token>` from now on. Shown once; the server keeps a hash.
    pub token: String,
    pub technician_id: String,
    pub technician_name: String,
    /// Codes of the contracts this technician may read and write.
    pub contracts: Vec<String>,
    /// Optional (added to v1): the certificate issued for `signing_public_key`, when the
    /// request carried one. Older laptops ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_certificate: Option<IssuedCertificate>,
}

/// A PDF-signing certificate the server's CA issued at enrollment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedCertificate {
    /// The technician's certificate (PEM): subject CN = the technician's name, serialNumber =
    /// the technician's id; key usage digitalSignature + nonRepudiation.
    pub certificate_pem: String,
    /// The certificates above it (PEM), issuer first, ending with the server's root.
    pub chain_pem: Vec<String>,
    /// The certificate's serial number, lowercase hex.
    pub serial: String,
    pub not_after: DateTime<Utc>,
}

// ---------------------------------------------------------------------------------------------
// Push

/// What a change did to its row on the laptop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Insert,
    Update,
}

/// One change from a laptop's outbox. The server reads `Change` (rows parsed); the laptop sends
/// `Change<StoredRow>`, the rows as its outbox holds their JSON text: the same JSON, with no
/// parse and re-serialisation on the way out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
// The derive would also ask `R: Default` (for `base`'s default); `Option`'s own default needs none.
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
pub struct Change<R = Row> {
    /// The device's own sequence number for this change: 1, 2, 3 … with no gaps.
    pub seq: i64,
    pub entity: String,
    pub op: ChangeOp,
    /// The row after the change.
    pub row: R,
    /// For updates: the row before it, which is what the technician edited (for per-field merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<R>,
    /// The laptop's clock when the change was made.
    pub at: DateTime<Utc>,
}

/// `POST /v1/push`: a batch of consecutive changes, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
pub struct PushRequest<R = Row> {
    /// The laptop's clock when it sent the batch: compared with the server's to flag skew.
    pub sent_at: DateTime<Utc>,
    pub changes: Vec<Change<R>>,
}

/// What the server did with one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    /// Stored as sent.
    Applied,
    /// The server already had exactly this version.
    Unchanged,
    /// Merged field by field with other devices' changes; `row` is the result.
    Merged,
    /// Could not be merged: kept for review; `row` is the version the server keeps.
    Conflict,
    /// Stored, but waits for an attachment before anyone else sees it.
    WaitingForAttachment,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ack {
    pub seq: i64,
    pub entity: String,
    pub id: String,
    pub status: AckStatus,
    /// The server's revision of the record after this change (higher is newer).
    pub rev: i64,
    /// The server's version when it differs from what was sent (merged or kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<Row>,
    /// Fields that conflicted (for review), when status is `conflict` or `merged`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// When the server received the version it stored from this change; None when it stored
    /// nothing new (`unchanged`, `conflict`). The sender learns it here, since the versions it
    /// sent do not come back in its own pulls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<DateTime<Utc>>,
    /// The stored version is flagged: the sender's clock was off by more than the tolerance.
    #[serde(default, skip_serializing_if = "is_false")]
    pub clock_suspect: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Every change up to this sequence number is stored; the laptop may drop them from its outbox.
    pub stored_through: i64,
    pub acks: Vec<Ack>,
    /// Set when the laptop's clock differed from the server's by more than the tolerance.
    pub clock_suspect: bool,
}

// ---------------------------------------------------------------------------------------------
// Pull

/// A row as the server stores it: the JSON text of a [`Row`], passed into a pull answer as it is,
/// without being parsed and written again. The laptop reads the same bytes as a [`Row`].
pub type StoredRow = Box<serde_json::value::RawValue>;

/// One record version in the server's feed. The laptop reads `FeedRecord` (its row parsed);
/// the server writes `FeedRecord<StoredRow>`, the same JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedRecord<R = Row> {
    /// The server cursor: strictly increasing, in the order records became complete.
    pub seq: i64,
    pub entity: String,
    pub id: String,
    pub rev: i64,
    pub row: R,
    /// When the server received it.
    pub received_at: DateTime<Utc>,
    /// The sending laptop's clock was off by more than the tolerance.
    pub clock_suspect: bool,
}

/// `GET /v1/pull?after=SEQ&limit=N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse<R = Row> {
    pub records: Vec<FeedRecord<R>>,
    /// Pass as `after` next time (unchanged when the page is empty).
    pub cursor: i64,
    /// More records are waiting after this page.
    pub more: bool,
}

// ---------------------------------------------------------------------------------------------
// Attachments

/// `GET /v1/attachments/{sha256}/status`: how much of an upload the server holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentStatus {
    pub sha256: String,
    /// Bytes received so far; an upload resumes at this offset.
    pub received: u64,
    pub complete: bool,
}

#[cfg(test)]
mod tests {
    /// The conflicts screen names every entity sync carries, from the one label table.
    #[test]
    fn every_entity_has_a_label() {
        for entity in super::ENTITIES {
            assert!(
                fieldlog_domain::labels::SYNC_ENTITIES
                    .iter()
                    .any(|l| l.code == entity.name),
                "{} has no label in fieldlog_domain::labels::SYNC_ENTITIES",
                entity.name
            );
        }
    }
}
