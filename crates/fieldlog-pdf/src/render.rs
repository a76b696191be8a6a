//! The thin printpdf pass: each laid-out item becomes one or two printpdf operations, with the
//! y axis flipped (layout measures from the top, PDF from the bottom). One font, subset on save,
//! so a file carries only the glyphs it shows.

use printpdf::{
    Color as PdfColor, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rect, Rgb, TextItem, TextMatrix,
    TextRenderingMode, XObjectTransform,
};

use crate::fonts::Font;
use crate::layout::{Color, Item, Layout};

/// Why printpdf could not produce the file.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(
        "无法解析字体 {path}，请换一个中文字体（FIELDLOG_PDF_FONT）。/ printpdf cannot parse the font {path}."
    )]
    FontParse { path: String },
    #[error("无法读取签名图片：{0}。/ Cannot decode a signature image: {0}.")]
    Image(String),
}

/// `value` to the nearest 1/`steps`: f32 sums such as 225.64001 print with every digit.
fn round_to(value: f32, steps: f32) -> f32 {
    (value * steps).round() / steps
}

/// A position to the nearest 1/100 pt (3.5 µm, far below any printer's dot).
fn pt(value: f32) -> Pt {
    Pt(round_to(value, 100.0))
}

/// A colour to three decimals: one step of an 8-bit channel is 0.004.
fn pdf_color(c: Color) -> PdfColor {
    PdfColor::Rgb(Rgb {
        r: round_to(c.r, 1000.0),
        g: round_to(c.g, 1000.0),
        b: round_to(c.b, 1000.0),
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: pt(x), y: pt(y) },
        bezier: false,
    }
}

/// Renders `layout` into PDF bytes with `font` (subset), as printpdf writes them; the public
/// document functions then [`crate::compact`] the file.
pub fn render(layout: &Layout, font: &Font) -> Result<Vec<u8>, RenderError> {
    let parsed = font.parsed().ok_or_else(|| RenderError::FontParse {
        path: font.path().display().to_string(),
    })?;
    let mut doc = PdfDocument::new(&layout.title);
    let font_id = doc.add_font(parsed);
    let mut image_ids = Vec::with_capacity(layout.images.len());
    for bytes in &layout.images {
        if let Some(jpeg) = jpeg_xobject(bytes) {
            // A photo's thumbnail: the JPEG as it is, so 20 photos stay a few hundred KB.
            image_ids.push(doc.add_xobject(&jpeg));
            continue;
        }
        let image =
            RawImage::decode_from_bytes(bytes, &mut Vec::new()).map_err(RenderError::Image)?;
        image_ids.push(doc.add_image(&image));
    }

    let height = layout.height;
    let mut pages = Vec::with_capacity(layout.pages.len());
    for page in &layout.pages {
        let mut out = PageOps::new(page.items.len() * 3);
        for item in &page.items {
            match item {
                Item::Text(run) => {
                    out.begin_text();
                    out.font(&font_id, run.size);
                    out.fill(run.color);
                    if run.bold {
                        // One font only: bold is the regular face filled and thinly stroked.
                        out.stroke(run.color, run.size * 0.035);
                        out.text_mode(TextRenderingMode::FillStroke);
                    } else {
                        out.text_mode(TextRenderingMode::Fill);
                    }
                    out.ops.push(Op::SetTextMatrix {
                        matrix: TextMatrix::Translate(pt(run.x), pt(height - run.y)),
                    });
                    out.ops.push(Op::ShowText {
                        items: vec![TextItem::Text(run.text.clone())],
                    });
                }
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color,
                } => {
                    out.end_text();
                    out.stroke(*color, *width);
                    out.ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![point(*x1, height - y1), point(*x2, height - y2)],
                            is_closed: false,
                        },
                    });
                }
                Item::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => {
                    let mode = match (fill, stroke) {
                        (Some(_), Some(_)) => PaintMode::FillStroke,
                        (Some(_), None) => PaintMode::Fill,
                        (None, Some(_)) => PaintMode::Stroke,
                        (None, None) => continue,
                    };
                    out.end_text();
                    if let Some(c) = fill {
                        out.fill(*c);
                    }
                    if let Some(c) = stroke {
                        out.stroke(*c, 0.5);
                    }
                    out.ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: pt(*x),
                            y: pt(height - y - h),
                            width: pt(*w),
                            height: pt(*h),
                            mode: Some(mode),
                            winding_order: None,
                        },
                    });
                }
                Item::Image { x, y, w, h, image } => {
                    out.end_text();
                    // The image is a unit square; scale it to the box, then move it there.
                    out.ops.push(Op::UseXobject {
                        id: image_ids[*image].clone(),
                        transform: XObjectTransform {
                            translate_x: Some(pt(*x)),
                            translate_y: Some(pt(height - y - h)),
                            scale_x: Some(*w),
                            scale_y: Some(*h),
                            no_auto_scale: true,
                            ..Default::default()
                        },
                    });
                }
            }
        }
        out.end_text();
        pages.push(PdfPage::new(
            Mm::from(Pt(layout.width)),
            Mm::from(Pt(height)),
            out.ops,
        ));
    }
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    Ok(doc.with_pages(pages).save(&options, &mut Vec::new()))
}

/// A page's operations, written the way a careful hand would: colour, line width, font and text
/// mode only when they change (they are graphics state, kept across BT/ET), and consecutive
/// text runs in one text object. printpdf would otherwise repeat five state operators per run,
/// a third of every page.
struct PageOps {
    ops: Vec<Op>,
    in_text: bool,
    fill: Option<Color>,
    stroke: Option<(Color, f32)>,
    font_size: Option<f32>,
    text_mode: Option<TextRenderingMode>,
}

impl PageOps {
    fn new(capacity: usize) -> PageOps {
        PageOps {
            ops: Vec::with_capacity(capacity),
            in_text: false,
            fill: None,
            stroke: None,
            font_size: None,
            text_mode: None,
        }
    }

    fn begin_text(&mut self) {
        if !self.in_text {
            self.ops.push(Op::StartTextSection);
            self.in_text = true;
        }
    }

    fn end_text(&mut self) {
        if self.in_text {
            self.ops.push(Op::EndTextSection);
            self.in_text = false;
        }
    }

    fn font(&mut self, font: &FontId, size: f32) {
        if self.font_size != Some(size) {
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(font.clone()),
                size: Pt(size),
            });
            self.font_size = Some(size);
        }
    }

    fn fill(&mut self, color: Color) {
        if self.fill != Some(color) {
            self.ops.push(Op::SetFillColor {
                col: pdf_color(color),
            });
            self.fill = Some(color);
        }
    }

    fn stroke(&mut self, color: Color, width: f32) {
        let width = round_to(width, 1000.0);
        let (old_color, old_width) = self.stroke.unzip();
        if old_color != Some(color) {
            self.ops.push(Op::SetOutlineColor {
                col: pdf_color(color),
            });
        }
        if old_width != Some(width) {
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        }
        self.stroke = Some((color, width));
    }

    fn text_mode(&mut self, mode: TextRenderingMode) {
        if self.text_mode != Some(mode) {
            self.ops.push(Op::SetTextRenderingMode { mode });
            self.text_mode = Some(mode);
        }
    }
}

/// A baseline or progressive JPEG as an image XObject with the DCTDecode filter: its bytes are
/// the stream, untouched (printpdf's own images are decoded to pixels and re-encoded). `None`
/// for anything that is not a JPEG whose frame header gives its size and colours.
fn jpeg_xobject(bytes: &[u8]) -> Option<printpdf::xobject::ExternalXObject> {
    use printpdf::Px;
    use printpdf::xobject::{DictItem, ExternalStream, ExternalXObject};
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let (width, height, components) = jpeg_frame(bytes)?;
    let colour_space = match components {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        _ => return None,
    };
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    let dict = [
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", DictItem::Int(i64::from(width))),
        ("Height", DictItem::Int(i64::from(height))),
        ("ColorSpace", name(colour_space)),
        ("BitsPerComponent", DictItem::Int(8)),
        ("Filter", name("DCTDecode")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    Some(ExternalXObject {
        stream: ExternalStream {
            dict,
            content: bytes.to_vec(),
            compress: false,
        },
        width: Some(Px(width as usize)),
        height: Some(Px(height as usize)),
        dpi: None,
    })
}

/// A JPEG's width and height, from its frame header (photo thumbnails' boxes).
pub fn jpeg_size(bytes: &[u8]) -> Option<(u16, u16)> {
    jpeg_frame(bytes).map(|(w, h, _)| (w, h))
}

/// Width, height and component count from a JPEG's SOF marker.
fn jpeg_frame(bytes: &[u8]) -> Option<(u16, u16, u8)> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker) {
            let frame = bytes.get(at + 4..at + 4 + 6)?;
            let height = u16::from_be_bytes([frame[1], frame[2]]);
            let width = u16::from_be_bytes([frame[3], frame[4]]);
            return (width > 0 && height > 0).then_some((width, height, frame[5]));
        }
        at += 2 + length;
    }
    None
}
