//! Photos as bytes (issue 19): is it really an image (JPEG or PNG, decoded, not trusted by its
//! name), its EXIF time and place, and a small JPEG thumbnail. Pure: bytes in, facts out; the
//! store keeps them (`photos.rs`).
//!
//! Speed: a 12-megapixel JPEG is decoded scaled in the DCT domain (`jpeg-decoder`'s `scale`: at
//! 1/8 it reconstructs 1/64 of the pixels), then averaged down to at most [`THUMBNAIL_MAX_PX`].

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use fieldlog_domain::validate::InvalidInput;
use std::io::Cursor;

/// A photo larger than this is refused (a phone's or a camera's photo is a few MB).
pub const MAX_PHOTO_BYTES: usize = 30 * 1024 * 1024;
/// The thumbnail's longer side, in pixels.
pub const THUMBNAIL_MAX_PX: u32 = 320;
/// The thumbnail's JPEG quality (of 100).
const THUMBNAIL_QUALITY: u8 = 80;
/// More pixels than this is no photo but a decompression bomb (a 100-MP camera stays under).
const MAX_PIXELS: u64 = 120_000_000;

/// What the core learns from a photo's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoFacts {
    /// `image/jpeg` or `image/png`.
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    /// When the camera says it was taken (EXIF DateTimeOriginal; without an offset, in China's time).
    pub taken_at: Option<DateTime<Utc>>,
    /// Where (EXIF GPS), as WGS-84 degrees.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The thumbnail, a baseline JPEG, upright (EXIF orientation applied).
    pub thumbnail: Vec<u8>,
    pub thumbnail_width: u32,
    pub thumbnail_height: u32,
}

fn refused(zh: &str, en: &str) -> InvalidInput {
    InvalidInput::new("photo", zh, en)
}

fn not_an_image() -> InvalidInput {
    refused(
        "该文件不是可读取的照片（只支持 JPEG 或 PNG），请选择相机拍摄的照片",
        "the file is not a readable photo (JPEG or PNG only); choose a photo from the camera",
    )
}

/// Whether `bytes` is an ISO base-media file of the HEIF family (HEIC/HEIF/AVIF): `ftyp` at 4.
fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" | b"avif"
        )
}

/// Checks `bytes` is a photo this app reads, and reads its facts and thumbnail.
pub fn inspect(bytes: &[u8]) -> Result<PhotoFacts, InvalidInput> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(refused(
            &format!(
                "照片过大（{:.1} MB，上限 30 MB），请在相机中选择较小的尺寸后重拍或压缩后再添加",
                bytes.len() as f64 / (1024.0 * 1024.0)
            ),
            &format!(
                "the photo is too large ({:.1} MB, limit 30 MB); take it at a smaller size or compress it",
                bytes.len() as f64 / (1024.0 * 1024.0)
            ),
        ));
    }
    if is_heif(bytes) {
        return Err(refused(
            "暂不支持 HEIC/HEIF 格式的照片，请在手机相机设置中选择“兼容性最佳”（JPEG）或导出为 JPEG 后再添加",
            "HEIC/HEIF photos are not supported yet; set the camera to “most compatible” (JPEG) or export the photo as JPEG",
        ));
    }
    let (mime, pixels) = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ("image/jpeg", decode_jpeg(bytes)?)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ("image/png", decode_png(bytes)?)
    } else {
        return Err(not_an_image());
    };
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok();
    let orientation = exif
        .as_ref()
        .and_then(|e| e.get_field(exif::Tag::Orientation, exif::In::PRIMARY))
        .and_then(|f| f.value.get_uint(0))
        .unwrap_or(1);
    let (lat, lon) = exif.as_ref().map_or((None, None), gps);
    let small = shrink(&pixels, THUMBNAIL_MAX_PX);
    let small = orient(small, orientation);
    let mut thumbnail = Vec::with_capacity(32 * 1024);
    jpeg_encoder::Encoder::new(&mut thumbnail, THUMBNAIL_QUALITY)
        .encode(
            &small.rgb,
            small.width as u16,
            small.height as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .map_err(|_| not_an_image())?;
    Ok(PhotoFacts {
        mime,
        width: pixels.full_width,
        height: pixels.full_height,
        taken_at: exif.as_ref().and_then(taken_at),
        lat,
        lon,
        thumbnail,
        thumbnail_width: small.width,
        thumbnail_height: small.height,
    })
}

/// Decoded RGB pixels (maybe already scaled down) and the image's full size.
struct Pixels {
    rgb: Vec<u8>,
    width: u32,
    height: u32,
    full_width: u32,
    full_height: u32,
}

fn check_size(width: u32, height: u32) -> Result<(), InvalidInput> {
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(not_an_image());
    }
    Ok(())
}

fn decode_jpeg(bytes: &[u8]) -> Result<Pixels, InvalidInput> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(|_| not_an_image())?;
    let info = decoder.info().ok_or_else(not_an_image)?;
    let (full_width, full_height) = (u32::from(info.width), u32::from(info.height));
    check_size(full_width, full_height)?;
    let (width, height) = decoder
        .scale(THUMBNAIL_MAX_PX as u16, THUMBNAIL_MAX_PX as u16)
        .map_err(|_| not_an_image())?;
    let data = decoder.decode().map_err(|_| not_an_image())?;
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => data,
        jpeg_decoder::PixelFormat::L8 => data.iter().flat_map(|&g| [g, g, g]).collect(),
        jpeg_decoder::PixelFormat::L16 => data
            .chunks_exact(2)
            .flat_map(|g| [g[0], g[0], g[0]])
            .collect(),
        // jpeg-decoder hands CMYK back inverted as Adobe writes it: plain multiplication.
        jpeg_decoder::PixelFormat::CMYK32 => data
            .chunks_exact(4)
            .flat_map(|p| {
                let k = u16::from(p[3]);
                [p[0], p[1], p[2]].map(|c| ((u16::from(c) * k) / 255) as u8)
            })
            .collect(),
    };
    if rgb.len() != usize::from(width) * usize::from(height) * 3 {
        return Err(not_an_image());
    }
    Ok(Pixels {
        rgb,
        width: u32::from(width),
        height: u32::from(height),
        full_width,
        full_height,
    })
}

fn decode_png(bytes: &[u8]) -> Result<Pixels, InvalidInput> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|_| not_an_image())?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_size(width, height)?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).map_err(|_| not_an_image())?;
    let channels = frame.color_type.samples();
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..frame.height as usize {
        let line = &buf[y * frame.line_size..][..frame.width as usize * channels];
        for px in line.chunks_exact(channels) {
            // Transparent parts show on white, as on paper.
            let over_white = |c: u8, a: u8| {
                ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8
            };
            match *px {
                [g] => rgb.extend([g, g, g]),
                [g, a] => rgb.extend([over_white(g, a); 3]),
                [r, g, b] => rgb.extend([r, g, b]),
                [r, g, b, a] => rgb.extend([over_white(r, a), over_white(g, a), over_white(b, a)]),
                _ => return Err(not_an_image()),
            }
        }
    }
    Ok(Pixels {
        rgb,
        width,
        height,
        full_width: width,
        full_height: height,
    })
}

/// RGB pixels of a given size.
struct Rgb {
    rgb: Vec<u8>,
    width: u32,
    height: u32,
}

/// Area average down to at most `max` pixels on the longer side (never up).
fn shrink(from: &Pixels, max: u32) -> Rgb {
    let (w, h) = (from.width, from.height);
    let scale = (f64::from(max) / f64::from(w.max(h))).min(1.0);
    let (tw, th) = (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let mut rgb = Vec::with_capacity(tw as usize * th as usize * 3);
    for ty in 0..th {
        let (y0, y1) = (
            (ty * h / th) as usize,
            (((ty + 1) * h / th) as usize).max((ty * h / th) as usize + 1),
        );
        for tx in 0..tw {
            let (x0, x1) = (
                (tx * w / tw) as usize,
                (((tx + 1) * w / tw) as usize).max((tx * w / tw) as usize + 1),
            );
            let mut sum = [0u32; 3];
            for y in y0..y1 {
                let row = &from.rgb[(y * w as usize + x0) * 3..(y * w as usize + x1) * 3];
                for px in row.chunks_exact(3) {
                    sum[0] += u32::from(px[0]);
                    sum[1] += u32::from(px[1]);
                    sum[2] += u32::from(px[2]);
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u32;
            rgb.extend(sum.map(|s| ((s + n / 2) / n) as u8));
        }
    }
    Rgb {
        rgb,
        width: tw,
        height: th,
    }
}

/// Turns the thumbnail upright by the EXIF orientation (1 upright, 3 upside down, 6 and 8 on
/// their side; mirrored ones, which cameras do not write, are left as they are).
fn orient(image: Rgb, orientation: u32) -> Rgb {
    let (w, h) = (image.width as usize, image.height as usize);
    let at = |x: usize, y: usize| &image.rgb[(y * w + x) * 3..(y * w + x) * 3 + 3];
    let mut rgb = Vec::with_capacity(image.rgb.len());
    match orientation {
        3 => {
            for y in (0..h).rev() {
                for x in (0..w).rev() {
                    rgb.extend_from_slice(at(x, y));
                }
            }
            Rgb { rgb, ..image }
        }
        // 6: the top of the scene is on the right: turn clockwise. 8: the other way.
        6 | 8 => {
            for ny in 0..w {
                for nx in 0..h {
                    let (x, y) = if orientation == 6 {
                        (ny, h - 1 - nx)
                    } else {
                        (w - 1 - ny, nx)
                    };
                    rgb.extend_from_slice(at(x, y));
                }
            }
            Rgb {
                rgb,
                width: image.height,
                height: image.width,
            }
        }
        _ => image,
    }
}

fn ascii(exif: &exif::Exif, tag: exif::Tag) -> Option<String> {
    match &exif.get_field(tag, exif::In::PRIMARY)?.value {
        exif::Value::Ascii(parts) => parts
            .first()
            .map(|p| String::from_utf8_lossy(p).trim().to_owned()),
        _ => None,
    }
}

/// EXIF DateTimeOriginal (or DateTime), with OffsetTimeOriginal when the camera wrote one, else
/// read as China's time (the cameras these technicians carry are set to it).
fn taken_at(exif: &exif::Exif) -> Option<DateTime<Utc>> {
    let text =
        ascii(exif, exif::Tag::DateTimeOriginal).or_else(|| ascii(exif, exif::Tag::DateTime))?;
    let local = NaiveDateTime::parse_from_str(&text, "%Y:%m:%d %H:%M:%S").ok()?;
    let offset = ascii(exif, exif::Tag::OffsetTimeOriginal)
        .and_then(|o| chrono::FixedOffset::from_str_offset(&o))
        .unwrap_or_else(fieldlog_domain::time::china);
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// `+08:00` as an offset.
trait FromStrOffset: Sized {
    fn from_str_offset(text: &str) -> Option<Self>;
}

impl FromStrOffset for chrono::FixedOffset {
    fn from_str_offset(text: &str) -> Option<Self> {
        let sign = match text.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let (h, m) = text[1..].split_once(':')?;
        let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
        chrono::FixedOffset::east_opt(sign * secs)
    }
}

/// GPS latitude and longitude in degrees (south and west negative), when both are there.
fn gps(exif: &exif::Exif) -> (Option<f64>, Option<f64>) {
    let degrees = |tag, reference, negative: &[u8]| -> Option<f64> {
        let field = exif.get_field(tag, exif::In::PRIMARY)?;
        let exif::Value::Rational(parts) = &field.value else {
            return None;
        };
        let [d, m, s] = parts.as_slice() else {
            return None;
        };
        let value = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
        let sign = match ascii(exif, reference) {
            Some(r) if r.as_bytes().first().is_some_and(|c| negative.contains(c)) => -1.0,
            _ => 1.0,
        };
        value.is_finite().then_some(sign * value)
    };
    let lat = degrees(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, b"Ss");
    let lon = degrees(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, b"Ww");
    match (lat, lon) {
        (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => (Some(lat), Some(lon)),
        _ => (None, None),
    }
}
