//! Signature images: checking that a PNG really carries ink, and drawing strokes into a PNG (for
//! signatures that arrive as strokes only, and for demo data).

use fieldlog_domain::signature::{MIN_INK_EXTENT_PX, Stroke};
use fieldlog_domain::validate::InvalidInput;

/// A signature image larger than this is not a signature pad's output.
pub const MAX_SIGNATURE_PNG_BYTES: usize = 2 * 1024 * 1024;
const MAX_SIDE_PX: u32 = 4096;
/// Fewer dark pixels than this is an empty pad or a dot.
const MIN_INK_PIXELS: usize = 30;

fn unreadable() -> InvalidInput {
    InvalidInput::new(
        "image_png",
        "签名图片无法读取，请重新签名",
        "the signature image is not a readable PNG; please sign again",
    )
}

/// Refuses anything but a readable PNG with a signature's worth of ink on it.
pub fn check_png_ink(bytes: &[u8]) -> Result<(), InvalidInput> {
    if bytes.len() > MAX_SIGNATURE_PNG_BYTES {
        return Err(InvalidInput::new(
            "image_png",
            "签名图片过大（超过 2 MB），请重新签名",
            "the signature image is larger than 2 MB",
        ));
    }
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|_| unreadable())?;
    let (width, height) = (reader.info().width, reader.info().height);
    if width > MAX_SIDE_PX || height > MAX_SIDE_PX {
        return Err(unreadable());
    }
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).map_err(|_| unreadable())?;
    let channels = frame.color_type.samples();
    let (mut ink, mut min_x, mut max_x, mut min_y, mut max_y) =
        (0usize, u32::MAX, 0u32, u32::MAX, 0u32);
    for y in 0..frame.height {
        let line = &buf[y as usize * frame.line_size..][..frame.width as usize * channels];
        for (x, px) in line.chunks_exact(channels).enumerate() {
            let (luma, alpha) = match px {
                [g] => (u32::from(*g), 255),
                [g, a] => (u32::from(*g), u32::from(*a)),
                [r, g, b] => (
                    (u32::from(*r) * 3 + u32::from(*g) * 6 + u32::from(*b)) / 10,
                    255,
                ),
                [r, g, b, a] => (
                    (u32::from(*r) * 3 + u32::from(*g) * 6 + u32::from(*b)) / 10,
                    u32::from(*a),
                ),
                _ => return Err(unreadable()),
            };
            if alpha > 64 && luma < 160 {
                let x = x as u32;
                ink += 1;
                min_x = min_x.min(x);
                max_x = max_x.max(x);
                min_y = min_y.min(y);
                max_y = max_y.max(y);
            }
        }
    }
    let extent = if ink == 0 {
        0
    } else {
        (max_x - min_x).max(max_y - min_y)
    };
    if ink < MIN_INK_PIXELS || (extent as f32) < MIN_INK_EXTENT_PX {
        return Err(InvalidInput::new(
            "image_png",
            "签名为空或只有一个点，请重新签名",
            "the signature is empty or a single dot; please sign again",
        ));
    }
    Ok(())
}

/// Draws strokes as dark-blue ink, 3 px wide, on a transparent `width`×`height` PNG.
pub fn render_strokes_png(strokes: &[Stroke], width: u32, height: u32) -> Vec<u8> {
    let mut rgba = vec![0u8; (width * height * 4) as usize];
    let mut stamp = |cx: f32, cy: f32| {
        let r = 1.5f32;
        for y in (cy - r).floor() as i64..=(cy + r).ceil() as i64 {
            for x in (cx - r).floor() as i64..=(cx + r).ceil() as i64 {
                let inside = (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2) <= r * r;
                if inside && x >= 0 && y >= 0 && (x as u32) < width && (y as u32) < height {
                    let i = ((y as u32 * width + x as u32) * 4) as usize;
                    rgba[i..i + 4].copy_from_slice(&[20, 40, 120, 255]);
                }
            }
        }
    };
    for stroke in strokes {
        for pair in stroke.points.windows(2) {
            let ([x0, y0, _], [x1, y1, _]) = (pair[0], pair[1]);
            let steps = ((x1 - x0).hypot(y1 - y0) * 2.0).ceil().max(1.0) as usize;
            for s in 0..=steps {
                let t = s as f32 / steps as f32;
                stamp(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t);
            }
        }
        if let [only] = stroke.points.as_slice() {
            stamp(only[0], only[1]);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .expect("writing to a Vec cannot fail");
        writer
            .write_image_data(&rgba)
            .expect("buffer size matches the header");
    }
    out
}

/// A made-up handwriting-like scribble: `letters` loops across a 400×150 pad, varied by `seed`.
/// Demo data and tests use it; real signatures come from the signature pad.
pub fn scribble(letters: usize, seed: u64) -> Vec<Stroke> {
    let mut strokes = Vec::new();
    let wobble = |i: u64| {
        ((seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(i * 1442695040888963407)
            >> 33)
            % 1000) as f32
            / 1000.0
    };
    for letter in 0..letters.max(1) {
        let x0 = 40.0 + letter as f32 * (320.0 / letters.max(1) as f32);
        let points = (0..40)
            .map(|i| {
                let t = i as f32 / 39.0;
                let angle = t * std::f32::consts::TAU * (1.5 + wobble(letter as u64));
                [
                    x0 + t * 60.0 + 14.0 * angle.sin(),
                    75.0 + (30.0 + 20.0 * wobble(letter as u64 + 7))
                        * angle.cos()
                        * (1.0 - t * 0.5),
                    i as f32 * 12.0,
                ]
            })
            .collect();
        strokes.push(Stroke { points });
    }
    strokes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_scribble_has_ink_and_an_empty_pad_does_not() {
        let png = render_strokes_png(&scribble(3, 42), 400, 150);
        assert!(check_png_ink(&png).is_ok());
        let empty = render_strokes_png(&[], 400, 150);
        assert_eq!(check_png_ink(&empty).unwrap_err().field, "image_png");
        let dot = render_strokes_png(
            &[Stroke {
                points: vec![[50.0, 50.0, 0.0]],
            }],
            400,
            150,
        );
        assert!(check_png_ink(&dot).is_err());
        assert!(check_png_ink(b"not a png").is_err());
    }
}
