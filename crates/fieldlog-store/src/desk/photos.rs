//! The photo actions of the fault, arrival and report-entry screens (issue 19): add one (the
//! window hands over the file's bytes), list a subject's photos with their thumbnails, open an
//! original. Each answers what the screen shows next.

use crate::{NewPhoto, Result, Store};
use chrono::{DateTime, Utc};
use fieldlog_domain::photo::{Photo, PhotoSubject};
use fieldlog_wire::v1::{PhotoOriginal, PhotoView, data_url};

fn view(store: &Store, photo: Photo) -> Result<PhotoView> {
    let thumbnail_data_url = store
        .photo_thumbnail(&photo)?
        .map(|jpeg| data_url("image/jpeg", &jpeg));
    Ok(PhotoView {
        photo,
        thumbnail_data_url,
    })
}

/// A subject's photos with their thumbnails, in the order they were added.
pub fn list(store: &Store, subject: PhotoSubject, subject_id: &str) -> Result<Vec<PhotoView>> {
    store
        .photos_of(subject, subject_id)?
        .into_iter()
        .map(|p| view(store, p))
        .collect()
}

/// Adds a photo and answers the subject's photos, the new one last.
pub fn add(store: &mut Store, input: NewPhoto, now: DateTime<Utc>) -> Result<Vec<PhotoView>> {
    let subject = input.subject;
    let photo = store.add_photo(input, now)?;
    list(store, subject, &photo.subject_id)
}

/// The original, full size, to open.
pub fn original(store: &Store, photo_id: &str) -> Result<PhotoOriginal> {
    let photo = store.resolve_photo(photo_id)?;
    let bytes = store.photo_original(&photo)?;
    Ok(PhotoOriginal {
        data_url: data_url(&photo.mime, &bytes),
        mime: photo.mime,
    })
}
