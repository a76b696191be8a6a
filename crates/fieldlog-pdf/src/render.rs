//! The thin printpdf pass: each laid-out item becomes one or two printpdf operations, with the
//! y axis flipped (layout measures from the top, PDF from the bottom). One font, subset on save,
//! so a file carries only the glyphs it shows.

use printpdf::{
    Color as PdfColor, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, RawImage, Rect, Rgb, TextItem, TextMatrix, TextRenderingMode,
    XObjectTransform,
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

fn pdf_color(c: Color) -> PdfColor {
    PdfColor::Rgb(Rgb {
        r: c.r,
        g: c.g,
        b: c.b,
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}

/// Renders `layout` into PDF bytes with `font` (subset).
pub fn render(layout: &Layout, font: &Font) -> Result<Vec<u8>, RenderError> {
    let parsed = font.parsed().ok_or_else(|| RenderError::FontParse {
        path: font.path().display().to_string(),
    })?;
    let mut doc = PdfDocument::new(&layout.title);
    let font_id = doc.add_font(parsed);
    let mut image_ids = Vec::with_capacity(layout.images.len());
    for png in &layout.images {
        let image =
            RawImage::decode_from_bytes(png, &mut Vec::new()).map_err(RenderError::Image)?;
        image_ids.push(doc.add_image(&image));
    }

    let height = layout.height;
    let mut pages = Vec::with_capacity(layout.pages.len());
    for page in &layout.pages {
        let mut ops = Vec::with_capacity(page.items.len() * 4);
        for item in &page.items {
            match item {
                Item::Text(run) => {
                    ops.push(Op::StartTextSection);
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(font_id.clone()),
                        size: Pt(run.size),
                    });
                    ops.push(Op::SetFillColor {
                        col: pdf_color(run.color),
                    });
                    if run.bold {
                        // One font only: bold is the regular face filled and thinly stroked.
                        ops.push(Op::SetOutlineColor {
                            col: pdf_color(run.color),
                        });
                        ops.push(Op::SetOutlineThickness {
                            pt: Pt(run.size * 0.035),
                        });
                        ops.push(Op::SetTextRenderingMode {
                            mode: TextRenderingMode::FillStroke,
                        });
                    } else {
                        ops.push(Op::SetTextRenderingMode {
                            mode: TextRenderingMode::Fill,
                        });
                    }
                    ops.push(Op::SetTextMatrix {
                        matrix: TextMatrix::Translate(Pt(run.x), Pt(height - run.y)),
                    });
                    ops.push(Op::ShowText {
                        items: vec![TextItem::Text(run.text.clone())],
                    });
                    ops.push(Op::EndTextSection);
                }
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                    color,
                } => {
                    ops.push(Op::SetOutlineColor {
                        col: pdf_color(*color),
                    });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                    ops.push(Op::DrawLine {
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
                    if let Some(c) = fill {
                        ops.push(Op::SetFillColor { col: pdf_color(*c) });
                    }
                    if let Some(c) = stroke {
                        ops.push(Op::SetOutlineColor { col: pdf_color(*c) });
                        ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
                    }
                    ops.push(Op::DrawRectangle {
                        rectangle: Rect {
                            x: Pt(*x),
                            y: Pt(height - y - h),
                            width: Pt(*w),
                            height: Pt(*h),
                            mode: Some(mode),
                            winding_order: None,
                        },
                    });
                }
                Item::Image { x, y, w, h, image } => {
                    // The image is a unit square; scale it to the box, then move it there.
                    ops.push(Op::UseXobject {
                        id: image_ids[*image].clone(),
                        transform: XObjectTransform {
                            translate_x: Some(Pt(*x)),
                            translate_y: Some(Pt(height - y - h)),
                            scale_x: Some(*w),
                            scale_y: Some(*h),
                            no_auto_scale: true,
                            ..Default::default()
                        },
                    });
                }
            }
        }
        pages.push(PdfPage::new(
            Mm::from(Pt(layout.width)),
            Mm::from(Pt(height)),
            ops,
        ));
    }
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    Ok(doc.with_pages(pages).save(&options, &mut Vec::new()))
}
