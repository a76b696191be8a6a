//! The pure layout step: a document's input plus font metrics become pages of positioned text
//! runs, lines, rectangles and images. Nothing here knows printpdf, so every placement can be
//! checked in unit tests with made-up metrics.
//!
//! Units are PDF points; the origin is the page's top-left corner and `y` grows downwards (the
//! way forms are read); [`crate::render`] flips it. A text run's `y` is its baseline.

pub mod completion;
pub mod daily;
pub mod monthly;

mod chart;
mod flow;
mod text;

pub use text::{text_width, wrap};

/// A4 portrait, in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;

/// How wide a character is, in ems, in the font the PDF will use. `None`: the font has no glyph
/// for it, which the layout refuses rather than print a box.
pub trait Measure {
    fn advance_em(&self, c: char) -> Option<f32>;
}

/// An RGB colour, each channel 0.0–1.0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    pub r: f32,
    pub g: f32,
    pub b: f32,
}

impl Color {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color {
            r: r as f32 / 255.0,
            g: g as f32 / 255.0,
            b: b as f32 / 255.0,
        }
    }
    pub const BLACK: Color = Color::rgb(0, 0, 0);
    pub const TEXT_GRAY: Color = Color::rgb(90, 90, 90);
    pub const RULE: Color = Color::rgb(60, 60, 60);
    pub const GRID: Color = Color::rgb(200, 200, 200);
    pub const HEADER_FILL: Color = Color::rgb(230, 234, 240);
    pub const LABEL_FILL: Color = Color::rgb(244, 245, 247);
    pub const GOOD: Color = Color::rgb(20, 120, 50);
    pub const BAD: Color = Color::rgb(190, 30, 30);
}

/// A run of text on one line, starting at `x` with its baseline at `y`.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
    pub bold: bool,
    pub color: Color,
}

/// One thing drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text(TextRun),
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Color,
    },
    /// `x`, `y` is the top-left corner.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Color>,
        stroke: Option<Color>,
    },
    /// A PNG from [`Layout::images`], scaled into the box whose top-left is `x`, `y`.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: usize,
    },
}

/// One page's items, in drawing order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
}

impl Page {
    pub fn texts(&self) -> impl Iterator<Item = &TextRun> {
        self.items.iter().filter_map(|i| match i {
            Item::Text(t) => Some(t),
            _ => None,
        })
    }

    /// Whether some run on the page reads exactly `s`.
    pub fn has_text(&self, s: &str) -> bool {
        self.texts().any(|t| t.text == s)
    }
}

/// A laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// The PDF's /Title.
    pub title: String,
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// Image bytes referenced by [`Item::Image`]: PNG (signatures) or JPEG (photo thumbnails).
    pub images: Vec<Vec<u8>>,
}

/// Why a document cannot be laid out.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    #[error("字体中没有字符“{ch}”（U+{code:04X}，出现在“{text}”中），请改用含该字的字体（FIELDLOG_PDF_FONT）或修改文字。/ The font has no glyph for {ch:?} (U+{code:04X}) in {text:?}.", code = *ch as u32)]
    MissingGlyph { ch: char, text: String },
    #[error("签名图片不是有效的 PNG（{who}）。/ The signature image of {who} is not a valid PNG.")]
    BadImage { who: String },
}

#[cfg(test)]
pub(crate) mod fake {
    //! Metrics for tests: CJK one em wide, everything else half an em, '□' unknown.
    pub struct Mono;
    impl super::Measure for Mono {
        fn advance_em(&self, c: char) -> Option<f32> {
            match c {
                '□' => None,
                c if c.is_ascii() => Some(0.5),
                _ => Some(1.0),
            }
        }
    }
}
