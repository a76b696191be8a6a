//! Finding and loading the single CJK font the PDFs use.
//!
//! printpdf renders with exactly one font and no fallback, so the font must cover Chinese *and*
//! Latin; every CJK font we look for does. From a collection (.ttc) one face is used: the
//! Simplified Chinese one when the collection names it (Noto Sans CJK SC is face 2, not 0, and
//! face 0 is the Japanese one, whose glyph shapes differ).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Environment variable naming a font file to use instead of searching the system.
pub const FONT_ENV: &str = "FIELDLOG_PDF_FONT";

/// Where we look, in order, when `FIELDLOG_PDF_FONT` is not set.
const SYSTEM_CANDIDATES: &[&str] = &[
    // Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    // Fedora / Arch
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    // Debian fonts-wqy-microhei / fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    // Windows (when WINDIR is not set)
    "C:\\Windows\\Fonts\\msyh.ttc",
    "C:\\Windows\\Fonts\\simsun.ttc",
    // macOS
    "/System/Library/Fonts/PingFang.ttc",
];

/// Why no usable font could be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    #[error(
        "找不到中文字体（已查找：{tried}）。请安装 fonts-noto-cjk（Debian/Ubuntu/deepin：sudo apt-get install fonts-noto-cjk；Fedora：sudo dnf install google-noto-sans-cjk-fonts）或设置环境变量 FIELDLOG_PDF_FONT 指向一个中文 .ttf/.ttc/.otf 字体文件。/ No Chinese font found (looked in: {tried}). Install fonts-noto-cjk (Fedora: google-noto-sans-cjk-fonts) or set FIELDLOG_PDF_FONT to a Chinese .ttf/.ttc/.otf font file."
    )]
    NotFound { tried: String },
    #[error(
        "无法读取字体文件 {path}：{source}。请检查 FIELDLOG_PDF_FONT。/ Cannot read font file {path}: {source}."
    )]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} 不是可用的字体文件。请将 FIELDLOG_PDF_FONT 指向 .ttf/.ttc/.otf 中文字体。/ {path} is not a usable font file."
    )]
    NotAFont { path: PathBuf },
    #[error(
        "字体 {path} 不含中文字形，无法生成中文报告。请安装 fonts-noto-cjk 或设置 FIELDLOG_PDF_FONT。/ Font {path} has no Chinese glyphs."
    )]
    NoChinese { path: PathBuf },
}

/// The font file the PDFs will use, found without reading it: `FIELDLOG_PDF_FONT` if set (and
/// then only that), otherwise the first system font present. The app asks at start and on its
/// About (issue 20), so a laptop without a CJK font is told which package to install before an
/// export fails.
pub fn find_font_file() -> Result<PathBuf, FontError> {
    let chosen = std::env::var_os(FONT_ENV)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(windir) = std::env::var_os("WINDIR") {
        let fonts = Path::new(&windir).join("Fonts");
        candidates.push(fonts.join("msyh.ttc"));
        candidates.push(fonts.join("simsun.ttc"));
    }
    candidates.extend(SYSTEM_CANDIDATES.iter().map(PathBuf::from));
    find_in(chosen.as_deref(), &candidates)
}

/// The chosen file when one is named (a missing one is the error reading it gives, naming
/// `FIELDLOG_PDF_FONT`), else the first candidate that is a file.
fn find_in(chosen: Option<&Path>, candidates: &[PathBuf]) -> Result<PathBuf, FontError> {
    if let Some(path) = chosen {
        if !path.is_file() {
            return Err(FontError::Unreadable {
                path: path.to_path_buf(),
                source: std::io::ErrorKind::NotFound.into(),
            });
        }
        return Ok(path.to_path_buf());
    }
    candidates
        .iter()
        .find(|path| path.is_file())
        .cloned()
        .ok_or_else(|| FontError::NotFound {
            tried: candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The loaded font: its bytes, which face of a collection, and (lazily) printpdf's parse of it.
pub struct Font {
    path: PathBuf,
    bytes: Arc<Vec<u8>>,
    index: u32,
    family: String,
    units_per_em: f32,
    /// Parsed once and reused: parsing a 20 MB collection on every export would dominate its time.
    parsed: OnceLock<Option<printpdf::ParsedFont>>,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("family", &self.family)
            .finish()
    }
}

impl Font {
    /// `FIELDLOG_PDF_FONT` if set (and then only that), otherwise the first system font found.
    pub fn locate() -> Result<Font, FontError> {
        Font::from_path(&find_font_file()?)
    }

    /// Loads a .ttf/.otf/.ttc file and picks its Chinese face.
    pub fn from_path(path: &Path) -> Result<Font, FontError> {
        let bytes = std::fs::read(path).map_err(|source| FontError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        Font::from_bytes(path.to_path_buf(), bytes)
    }

    fn from_bytes(path: PathBuf, bytes: Vec<u8>) -> Result<Font, FontError> {
        let faces = ttf_parser::fonts_in_collection(&bytes).unwrap_or(1);
        let mut chosen: Option<(u32, String, f32)> = None;
        let mut any_face = false;
        for index in 0..faces {
            let Ok(face) = ttf_parser::Face::parse(&bytes, index) else {
                continue;
            };
            any_face = true;
            // Chinese and Latin both: printpdf has no fallback font.
            let covers = "中文报告Aa0".chars().all(|c| face.glyph_index(c).is_some());
            if !covers {
                continue;
            }
            let family = family_name(&face);
            let simplified = family.contains(" SC") || family.ends_with("SC");
            if chosen.is_none() || simplified {
                chosen = Some((index, family, face.units_per_em() as f32));
            }
            if simplified {
                break;
            }
        }
        match chosen {
            Some((index, family, units_per_em)) => Ok(Font {
                path,
                bytes: Arc::new(bytes),
                index,
                family,
                units_per_em,
                parsed: OnceLock::new(),
            }),
            None if any_face => Err(FontError::NoChinese { path }),
            None => Err(FontError::NotAFont { path }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The face's family name, e.g. "Noto Sans CJK SC".
    pub fn family(&self) -> &str {
        &self.family
    }

    /// Which face of a collection is used.
    pub fn face_index(&self) -> u32 {
        self.index
    }

    /// Glyph advances for the layout step.
    pub fn metrics(&self) -> Metrics<'_> {
        // The face parsed in `from_bytes`, so parsing again cannot fail.
        let face = ttf_parser::Face::parse(&self.bytes, self.index).ok();
        Metrics {
            face,
            units_per_em: self.units_per_em,
        }
    }

    /// printpdf's parse of the chosen face (once per `Font`).
    pub(crate) fn parsed(&self) -> Option<&printpdf::ParsedFont> {
        self.parsed
            .get_or_init(|| {
                printpdf::ParsedFont::from_bytes(&self.bytes, self.index as usize, &mut Vec::new())
            })
            .as_ref()
    }
}

fn family_name(face: &ttf_parser::Face<'_>) -> String {
    // Prefer the typographic family (16) over the legacy one (1); English record if any.
    for id in [
        ttf_parser::name_id::TYPOGRAPHIC_FAMILY,
        ttf_parser::name_id::FAMILY,
    ] {
        let mut names = face.names().into_iter().filter(|n| n.name_id == id);
        if let Some(name) = names.find_map(|n| n.to_string()) {
            return name;
        }
    }
    String::new()
}

/// Advance widths of the chosen face, as the layout's [`crate::layout::Measure`].
pub struct Metrics<'a> {
    face: Option<ttf_parser::Face<'a>>,
    units_per_em: f32,
}

impl crate::layout::Measure for Metrics<'_> {
    fn advance_em(&self, c: char) -> Option<f32> {
        let face = self.face.as_ref()?;
        let glyph = face.glyph_index(c)?;
        Some(face.glyph_hor_advance(glyph).unwrap_or(0) as f32 / self.units_per_em)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_no_font_is_a_clear_error() {
        let err = Font::from_bytes(PathBuf::from("x.ttf"), b"not a font".to_vec()).unwrap_err();
        assert!(matches!(err, FontError::NotAFont { .. }));
        assert!(err.to_string().contains("FIELDLOG_PDF_FONT"));
    }

    #[test]
    fn a_missing_file_says_how_to_fix_it() {
        let err = Font::from_path(Path::new("/nonexistent/font.ttc")).unwrap_err();
        assert!(err.to_string().starts_with("无法读取字体文件"));
    }

    #[test]
    fn not_found_message_is_chinese_first_and_names_the_fix() {
        let msg = FontError::NotFound {
            tried: "a, b".into(),
        }
        .to_string();
        assert!(msg.starts_with("找不到中文字体"));
        assert!(msg.contains("fonts-noto-cjk") && msg.contains("FIELDLOG_PDF_FONT"));
    }

    #[test]
    fn a_machine_without_any_candidate_is_told_the_packages_of_both_families() {
        let dir = tempfile::tempdir().unwrap();
        let candidates = [dir.path().join("a.ttc"), dir.path().join("b.ttc")];
        let msg = find_in(None, &candidates).unwrap_err().to_string();
        assert!(msg.contains("a.ttc") && msg.contains("b.ttc"), "{msg}");
        assert!(msg.contains("fonts-noto-cjk") && msg.contains("google-noto-sans-cjk-fonts"));
        // The first present candidate wins; a named file is taken as named.
        std::fs::write(&candidates[1], b"font").unwrap();
        assert_eq!(find_in(None, &candidates).unwrap(), candidates[1]);
        assert_eq!(
            find_in(Some(&candidates[1]), &candidates[..1]).unwrap(),
            candidates[1]
        );
        let missing = find_in(Some(&candidates[0]), &candidates[1..]).unwrap_err();
        assert!(
            missing.to_string().contains("FIELDLOG_PDF_FONT"),
            "{missing}"
        );
    }
}
