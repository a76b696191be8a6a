//! Made-up photos for tests and benchmarks (issue 19): a photo-like picture (gradients, texture
//! and sensor-like noise, so a JPEG of it weighs what a camera's does, not a flat colour), encoded
//! as a baseline JPEG at quality 90, with an EXIF block carrying a time and a place when asked.

use chrono::NaiveDateTime;

/// What the made-up camera writes into EXIF.
#[derive(Debug, Clone, Copy)]
pub struct SampleExif {
    /// Local time as the camera's clock shows it (EXIF has no zone unless OffsetTime says one).
    pub taken: NaiveDateTime,
    /// WGS-84 degrees; south and west negative.
    pub lat: f64,
    pub lon: f64,
    /// EXIF orientation (1 upright, 6 turned clockwise to view).
    pub orientation: u16,
}

/// A `width` × `height` JPEG that looks like a photo; `seed` varies it (so hashes differ).
pub fn sample_jpeg(width: u16, height: u16, seed: u32, exif: Option<SampleExif>) -> Vec<u8> {
    let (w, h) = (usize::from(width), usize::from(height));
    let mut rgb = vec![0u8; w * h * 3];
    let mut noise = seed.wrapping_mul(2_654_435_761).max(1);
    let phase = f32::from((seed % 97) as u8) * 0.1;
    for y in 0..h {
        let fy = y as f32 / h as f32;
        for x in 0..w {
            let fx = x as f32 / w as f32;
            // xorshift: cheap noise, like a sensor's.
            noise ^= noise << 13;
            noise ^= noise >> 17;
            noise ^= noise << 5;
            let grain = (noise & 0x1f) as f32 - 16.0;
            let texture = ((fx * 37.0 + phase).sin() * (fy * 23.0).cos()) * 40.0;
            let sky = 1.0 - fy;
            let px = &mut rgb[(y * w + x) * 3..][..3];
            px[0] = (60.0 + 120.0 * fx + texture + grain).clamp(0.0, 255.0) as u8;
            px[1] = (80.0 + 100.0 * sky + texture * 0.5 + grain).clamp(0.0, 255.0) as u8;
            px[2] =
                (90.0 + 140.0 * sky * (1.0 - fx) - texture * 0.3 + grain).clamp(0.0, 255.0) as u8;
        }
    }
    let mut out = Vec::with_capacity(w * h / 2);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    if let Some(exif) = exif {
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(exif_block(&exif));
        encoder
            .add_app_segment(1, &app1)
            .expect("an EXIF block fits in one segment");
    }
    encoder
        .encode(&rgb, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("encoding a made-up picture to memory");
    out
}

fn rationals(degrees: f64) -> Vec<exif::Rational> {
    let d = degrees.abs();
    let whole = d.floor();
    let minutes = ((d - whole) * 60.0).floor();
    let seconds = ((d - whole) * 60.0 - minutes) * 60.0;
    vec![
        exif::Rational::from((whole as u32, 1)),
        exif::Rational::from((minutes as u32, 1)),
        exif::Rational::from(((seconds * 10_000.0).round() as u32, 10_000)),
    ]
}

/// A TIFF-structured EXIF block (as the APP1 segment carries it after `Exif\0\0`).
fn exif_block(exif: &SampleExif) -> Vec<u8> {
    use exif::{Field, In, Tag, Value};
    let ascii = |text: &str| Value::Ascii(vec![text.as_bytes().to_vec()]);
    let taken = exif.taken.format("%Y:%m:%d %H:%M:%S").to_string();
    let fields = [
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![exif.orientation]),
        },
        Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: ascii(&taken),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: ascii(if exif.lat < 0.0 { "S" } else { "N" }),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(rationals(exif.lat)),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: ascii(if exif.lon < 0.0 { "W" } else { "E" }),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(rationals(exif.lon)),
        },
    ];
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut block = std::io::Cursor::new(Vec::new());
    writer
        .write(&mut block, false)
        .expect("writing EXIF to memory");
    block.into_inner()
}
