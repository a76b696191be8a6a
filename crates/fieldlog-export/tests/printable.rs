//! The input rule (`fieldlog_domain::validate::PRINTABLE_RANGES`) accepts only characters the
//! report font draws: every one of them has a glyph in the font the PDFs are made with here
//! (`FIELDLOG_PDF_FONT` or the first system CJK font), and in the other accepted system fonts
//! installed on this machine.

use fieldlog_domain::validate::{PRINTABLE_RANGES, printable};
use fieldlog_pdf::Font;
use fieldlog_pdf::layout::Measure;
use std::path::Path;

fn accepted() -> impl Iterator<Item = char> {
    PRINTABLE_RANGES
        .iter()
        .flat_map(|&(lo, hi)| lo..=hi)
        .filter(|&c| printable(c))
}

fn missing_in(font: &Font) -> Vec<String> {
    let metrics = font.metrics();
    accepted()
        .filter(|&c| metrics.advance_em(c).is_none())
        .map(|c| format!("U+{:04X} {c}", c as u32))
        .collect()
}

#[test]
fn every_accepted_character_is_drawn_by_the_report_font() {
    let font = Font::locate().expect("a CJK font: cargo xtask setup installs fonts-noto-cjk");
    let count = accepted().count();
    assert!(count > 21_000, "the rule accepts {count} characters");
    let missing = missing_in(&font);
    assert!(
        missing.is_empty(),
        "{} ({}) has no glyph for {} accepted characters: {:?}",
        font.family(),
        font.path().display(),
        missing.len(),
        &missing[..missing.len().min(40)]
    );
}

#[test]
fn the_other_installed_cjk_fonts_draw_them_too() {
    let mut checked = 0;
    for path in [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ] {
        if !Path::new(path).is_file() {
            continue;
        }
        let font = Font::from_path(Path::new(path)).unwrap();
        let missing = missing_in(&font);
        assert!(missing.is_empty(), "{path}: {missing:?}");
        checked += 1;
    }
    assert!(
        checked > 0,
        "no CJK font installed to check the rule against"
    );
}

#[test]
fn what_the_rule_refuses_includes_what_broke_exports() {
    for c in [
        '😀',
        '👍',
        '\u{1b}',
        '\u{7}',
        '\u{E000}',
        '\u{10FFFF}',
        '\u{0301}',
        '\u{FFFD}',
    ] {
        assert!(!printable(c), "U+{:04X}", c as u32);
    }
}
