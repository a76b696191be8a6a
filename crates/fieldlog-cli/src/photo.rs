//! `fieldlog photo add | list | export` (issue 19): photos on a fault, an arrival or a report
//! entry, from a file the technician names; exported originals (or thumbnails) are written
//! safely, never over the profile database.

use crate::CliError;
use crate::render::{Output, write_line};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use fieldlog_domain::photo::{Photo, PhotoStage, PhotoSubject};
use fieldlog_store::{NewPhoto, Store};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum PhotoCommand {
    /// 添加照片 (add a photo: JPEG or PNG, up to 30 MB)
    Add {
        #[command(flatten)]
        subject: SubjectArgs,
        /// before | after | other
        #[arg(long, default_value = "other", value_parser = crate::args::parse_code::<PhotoStage>)]
        stage: PhotoStage,
        file: PathBuf,
    },
    /// 照片列表 (list photos: of one subject, or all)
    List {
        #[command(flatten)]
        subject: SubjectArgs,
    },
    /// 导出照片原图或缩略图 (write a photo's original, or its thumbnail, to a file)
    Export {
        photo: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        thumbnail: bool,
        #[arg(long)]
        force: bool,
    },
}

/// Which record: exactly one of --fault, --arrival, --entry (by id or its last digits).
#[derive(Args, Debug)]
pub struct SubjectArgs {
    #[arg(long, conflicts_with_all = ["arrival", "entry"])]
    fault: Option<String>,
    #[arg(long, conflicts_with = "entry")]
    arrival: Option<String>,
    #[arg(long)]
    entry: Option<String>,
}

impl SubjectArgs {
    fn subject(&self) -> Option<(PhotoSubject, &str)> {
        match (&self.fault, &self.arrival, &self.entry) {
            (Some(id), _, _) => Some((PhotoSubject::Fault, id)),
            (_, Some(id), _) => Some((PhotoSubject::Arrival, id)),
            (_, _, Some(id)) => Some((PhotoSubject::ReportEntry, id)),
            _ => None,
        }
    }
}

pub fn run(
    store: &mut Store,
    command: PhotoCommand,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    match command {
        PhotoCommand::Add {
            subject,
            stage,
            file,
        } => {
            let (subject, id) = subject.subject().ok_or_else(|| {
                CliError::usage(
                    "请用 --fault、--arrival 或 --entry 指定照片所属记录",
                    "give --fault, --arrival or --entry",
                )
            })?;
            let bytes = std::fs::read(&file).map_err(|e| {
                CliError::usage(
                    format!("无法读取照片文件 {}：{e}", file.display()),
                    format!("cannot read the photo file {}: {e}", file.display()),
                )
            })?;
            let photo = store.add_photo(
                NewPhoto {
                    subject,
                    subject_id: id.to_owned(),
                    stage,
                    file_name: file.to_string_lossy().into_owned(),
                    bytes,
                },
                now,
            )?;
            show(out, &[photo]);
        }
        PhotoCommand::List { subject } => {
            let photos = match subject.subject() {
                Some((subject, id)) => store.photos_of(subject, id)?,
                None => store.all_photos()?,
            };
            show(out, &photos);
        }
        PhotoCommand::Export {
            photo,
            out: path,
            thumbnail,
            force,
        } => {
            let photo = store.resolve_photo(&photo)?;
            let bytes = if thumbnail {
                store.photo_thumbnail(&photo)?.ok_or_else(|| {
                    CliError::usage(
                        "该照片的缩略图尚未同步到本机，请稍后再试",
                        "this photo's thumbnail has not reached this laptop yet",
                    )
                })?
            } else {
                store.photo_original(&photo)?
            };
            fieldlog_export::files::write_file(&path, &bytes, force, store.path())
                .map_err(fieldlog_export::ExportError::from)?;
            out.exported(&path, bytes.len(), None);
        }
    }
    Ok(())
}

fn show(out: &Output, photos: &[Photo]) {
    if out.json {
        let text = serde_json::to_string_pretty(photos).expect("photos serialise");
        write_line(format_args!("{text}"));
        return;
    }
    if photos.is_empty() {
        say_in!(out.lang, "没有照片", "No photos");
    }
    for p in photos {
        let id = p.id.to_string();
        let taken = p
            .taken_at
            .map(fieldlog_domain::time::format_local)
            .unwrap_or_else(|| "—".into());
        let place = match (p.lat, p.lon) {
            (Some(lat), Some(lon)) => format!("{lat:.5},{lon:.5}"),
            _ => "—".into(),
        };
        let file_name = crate::render::terminal_safe(&p.file_name);
        write_line(format_args!(
            "{}  {}  {} #{}  {}×{}  {} KB  {}  {}  {}",
            &id[id.len() - 8..],
            p.stage.label(out.lang),
            p.subject.label(out.lang),
            &p.subject_id[p.subject_id.len().saturating_sub(8)..],
            p.width,
            p.height,
            p.size_bytes.div_ceil(1024),
            taken,
            place,
            file_name,
        ));
    }
}
