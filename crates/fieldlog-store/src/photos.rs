//! Photos on a fault, an arrival or a report entry (issue 19): the bytes are checked and read
//! (`photo_image`) before the transaction, so the write lock is held only for the inserts; the
//! original and its thumbnail go into the content-addressed `attachments`, the facts into
//! `photos` and `photo_thumbnails` (migration 0015), both append-only evidence that syncs.

use crate::photo_image::{self, PhotoFacts};
use crate::sql::{parse, parse_opt};
use crate::{Result, Store, StoreError, attachments, catalog, faults};
use chrono::{DateTime, Utc};
use fieldlog_domain::ids::PhotoId;
use fieldlog_domain::photo::{Photo, PhotoStage, PhotoSubject};
use rusqlite::{Connection, OptionalExtension, Row};
use uuid::Uuid;

/// A photo the technician adds: what it shows, when in the repair, and the file's bytes as the
/// window read them (never a path: a path from the window could point anywhere).
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub subject: PhotoSubject,
    /// The subject's id, or a unique ending of it (lists show the last 8 digits).
    pub subject_id: String,
    pub stage: PhotoStage,
    /// The file's name, shown beside the photo; only its last component is kept.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn table_of(subject: PhotoSubject) -> (&'static str, &'static str) {
    match subject {
        PhotoSubject::Fault => ("faults", "fault"),
        PhotoSubject::Arrival => ("arrivals", "arrival"),
        PhotoSubject::ReportEntry => ("report_entries", "report_entry"),
    }
}

/// The subject's full id, checked to exist; a report entry's report must still be a draft.
fn subject_id(conn: &Connection, subject: PhotoSubject, key: &str) -> Result<Uuid> {
    let (table, what) = table_of(subject);
    let id = faults::resolve_id_suffix(conn, table, key, what)?;
    let exists: bool = conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"),
        [id.to_string()],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::not_found(what, key.trim()));
    }
    if subject == PhotoSubject::ReportEntry {
        let status: String = conn.query_row(
            "SELECT r.status FROM report_entries e JOIN daily_reports r ON r.id = e.report_id
             WHERE e.id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )?;
        if status == "signed" {
            // The signature covers the entry as it was signed: a photo added now would sit in a
            // later PDF of the same signed report. It belongs to the fault or an amendment.
            return Err(StoreError::conflict(
                "该条目所在日报已签字，不能再添加照片；请把照片加在对应的故障上，或在修订报告中添加",
                "the entry's report is signed and takes no more photos; add the photo to the fault, or to an amendment's entry",
            ));
        }
    }
    Ok(id)
}

/// The file name as shown: its last path component, printable, at most 120 characters.
fn shown_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect()
}

const PHOTO_COLUMNS: &str = "p.id, p.subject, p.subject_id, p.stage, p.original_sha256, p.mime,
    p.size_bytes, p.width, p.height, p.taken_at, p.lat, p.lon, p.file_name, p.technician_id,
    p.added_at, t.thumbnail_sha256";

fn photo_row(row: &Row<'_>) -> rusqlite::Result<Photo> {
    Ok(Photo {
        id: parse(row, 0)?,
        subject: parse(row, 1)?,
        subject_id: row.get(2)?,
        stage: parse(row, 3)?,
        original_sha256: row.get(4)?,
        mime: row.get(5)?,
        size_bytes: row.get::<_, i64>(6)?.max(0) as u64,
        width: row.get(7)?,
        height: row.get(8)?,
        taken_at: row.get(9)?,
        lat: row.get(10)?,
        lon: row.get(11)?,
        file_name: row.get(12)?,
        technician_id: parse(row, 13)?,
        added_at: row.get(14)?,
        thumbnail_sha256: parse_opt::<String>(row, 15)?,
    })
}

pub(crate) fn insert(
    conn: &Connection,
    input: &NewPhoto,
    facts: &PhotoFacts,
    now: DateTime<Utc>,
) -> Result<Photo> {
    let subject_id = subject_id(conn, input.subject, &input.subject_id)?;
    let technician = catalog::profile(conn)?.ok_or_else(|| {
        StoreError::conflict(
            "请先在设置中填写本人姓名，再添加照片",
            "set up your profile (name) before adding photos",
        )
    })?;
    let original = attachments::put_checked(conn, &input.bytes, facts.mime, now)?;
    let thumbnail = attachments::put_checked(conn, &facts.thumbnail, "image/jpeg", now)?;
    let id = PhotoId(Uuid::now_v7());
    conn.prepare_cached(
        "INSERT INTO photos (id, subject, subject_id, stage, original_sha256, mime, size_bytes,
             width, height, taken_at, lat, lon, file_name, technician_id, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(rusqlite::params![
        id.to_string(),
        input.subject.code(),
        subject_id.to_string(),
        input.stage.code(),
        original,
        facts.mime,
        input.bytes.len() as i64,
        facts.width,
        facts.height,
        facts.taken_at,
        facts.lat,
        facts.lon,
        shown_name(&input.file_name),
        technician.id.to_string(),
        now,
    ])?;
    conn.prepare_cached(
        "INSERT INTO photo_thumbnails (photo_id, thumbnail_sha256, width, height)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![
        id.to_string(),
        thumbnail,
        facts.thumbnail_width,
        facts.thumbnail_height,
    ])?;
    photo(conn, id)
}

pub(crate) fn photo(conn: &Connection, id: PhotoId) -> Result<Photo> {
    conn.query_row(
        &format!(
            "SELECT {PHOTO_COLUMNS} FROM photos p
             LEFT JOIN photo_thumbnails t ON t.photo_id = p.id WHERE p.id = ?1"
        ),
        [id.to_string()],
        photo_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("photo", id))
}

/// The photos of one subject, by their full ids, in the order they were added.
pub(crate) fn of_subjects(
    conn: &Connection,
    subject: PhotoSubject,
    ids: &[String],
) -> Result<Vec<Photo>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PHOTO_COLUMNS} FROM photos p
         LEFT JOIN photo_thumbnails t ON t.photo_id = p.id
         WHERE p.subject = ?1 AND p.subject_id IN (SELECT value FROM json_each(?2))
         ORDER BY p.added_at, p.id"
    ))?;
    let ids = serde_json::to_string(ids).expect("strings serialise");
    Ok(stmt
        .query_map((subject.code(), ids), photo_row)?
        .collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Adds a photo: refused whole (nothing saved) if it is no JPEG/PNG, larger than 30 MB, or
    /// its subject is unknown. The image work runs before the transaction opens.
    pub fn add_photo(&mut self, input: NewPhoto, now: DateTime<Utc>) -> Result<Photo> {
        let facts = photo_image::inspect(&input.bytes)?;
        self.write(|tx| insert(tx, &input, &facts, now))
    }

    /// A photo by id or a unique ending of its id.
    pub fn resolve_photo(&self, key: &str) -> Result<Photo> {
        let id = faults::resolve_id_suffix(&self.conn, "photos", key, "photo")?;
        photo(&self.conn, PhotoId(id))
    }

    /// The photos of a fault, an arrival or a report entry (by id or a unique ending).
    pub fn photos_of(&self, subject: PhotoSubject, key: &str) -> Result<Vec<Photo>> {
        let (table, what) = table_of(subject);
        let id = faults::resolve_id_suffix(&self.conn, table, key, what)?;
        of_subjects(&self.conn, subject, &[id.to_string()])
    }

    /// Every photo this profile holds, newest first (the CLI's `photo list` without a subject).
    pub fn all_photos(&self) -> Result<Vec<Photo>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PHOTO_COLUMNS} FROM photos p
             LEFT JOIN photo_thumbnails t ON t.photo_id = p.id ORDER BY p.added_at DESC, p.id"
        ))?;
        Ok(stmt
            .query_map([], photo_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The original's bytes, as they were added.
    pub fn photo_original(&self, photo: &Photo) -> Result<Vec<u8>> {
        attachments::get(&self.conn, &photo.original_sha256)?
            .ok_or_else(|| StoreError::not_found("photo", &photo.original_sha256))
    }

    /// The thumbnail's JPEG bytes, once this laptop holds them.
    pub fn photo_thumbnail(&self, photo: &Photo) -> Result<Option<Vec<u8>>> {
        match &photo.thumbnail_sha256 {
            Some(sha) => attachments::get(&self.conn, sha),
            None => Ok(None),
        }
    }
}
