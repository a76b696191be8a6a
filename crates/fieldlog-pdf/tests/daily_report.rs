//! The daily maintenance report read back with poppler: the Chinese text comes out, long reports
//! page with the header and "第 x 页 / 共 y 页" on every page.

mod common;

use std::process::Command;
use std::time::Instant;

use common::*;
use fieldlog_pdf::Font;

#[test]
fn pdftotext_reads_the_chinese_back() {
    let font = font();
    let input = daily(12);
    let started = Instant::now();
    let pdf = fieldlog_pdf::daily_report(&input, &font).unwrap();
    eprintln!(
        "daily report, 12 entries: {} bytes, {:?}",
        pdf.len(),
        started.elapsed()
    );
    let path = artifacts().join("daily-12.pdf");
    std::fs::write(&path, &pdf).unwrap();
    to_png(&path, "daily-12");
    let text = pdftotext(&path);
    for expected in [
        "每日设备维护报告",
        "某县公安局村居警务查询服务运维项目",
        "青溪村村委会",
        "熔接光纤两芯",
        "手动确认",
        "李明",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    // pdftotext drops the narrow spaces of the footer, so compare without spaces.
    assert!(text.replace(' ', "").contains("第1页/共2页"), "{text}");
}

#[test]
fn a_120_entry_report_pages_with_header_and_page_numbers() {
    let font = font();
    let input = daily(120);
    let started = Instant::now();
    let pdf = fieldlog_pdf::daily_report(&input, &font).unwrap();
    eprintln!(
        "daily report, 120 entries: {} bytes, {:?}",
        pdf.len(),
        started.elapsed()
    );
    let path = artifacts().join("daily-120.pdf");
    std::fs::write(&path, &pdf).unwrap();
    to_png(&path, "daily-120");
    let text = pdftotext(&path);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 4, "{} pages", pages.len());
    let total = pages.len();
    for (i, page) in pages.iter().enumerate() {
        assert!(page.contains("每日设备维护报告"), "title on page {}", i + 1);
        assert!(page.contains("技服人员"), "header on page {}", i + 1);
        // The entries fill every page but the last (arrivals and signatures), each page
        // repeating the table's column header.
        if i + 1 < total {
            assert!(page.contains("维护点位"), "table header on page {}", i + 1);
        }
        let footer = format!("第{}页/共{}页", i + 1, total);
        assert!(
            page.replace(' ', "").contains(&footer),
            "{footer:?} on page {}",
            i + 1
        );
    }
}

#[test]
fn timing_of_a_30_row_report() {
    let font = font();
    let input = daily(30);
    fieldlog_pdf::daily_report(&input, &font).unwrap(); // warm: font parsed once per Font
    let started = Instant::now();
    let runs = 5;
    let mut size = 0;
    for _ in 0..runs {
        size = fieldlog_pdf::daily_report(&input, &font).unwrap().len();
    }
    eprintln!(
        "daily report, 30 entries: {size} bytes, {:?} each (warm)",
        started.elapsed() / runs
    );
}

/// WenQuanYi Micro Hei: a TrueType (glyf) CJK face, the kind compaction trims, and the font of
/// the reportlab benchmark. The test command installs it (fonts-wqy-microhei).
const TRUETYPE_CJK: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// Compaction must not move a pixel or lose a character: poppler renders the file before and
/// after to identical pages and extracts identical text. Checked with the system's default face
/// (Noto Sans CJK, CFF outlines: only metadata and widths change) and with a TrueType face, whose
/// hinting and name tables go (then the file must shrink by an eighth at least).
#[test]
fn compacting_changes_no_pixel_and_no_character() {
    let truetype = Font::from_path(std::path::Path::new(TRUETYPE_CJK))
        .unwrap_or_else(|e| panic!("{e} (apt-get install fonts-wqy-microhei)"));
    for (font, stem, least_saving) in [(font(), "default", 0), (truetype, "truetype", 12)] {
        let layout = fieldlog_pdf::layout::daily::layout(&daily(30), &font.metrics()).unwrap();
        let raw = fieldlog_pdf::render::render(&layout, &font).unwrap();
        let compacted = fieldlog_pdf::compact::compact(&raw).unwrap();
        let dir = artifacts().join("compact").join(stem);
        std::fs::create_dir_all(&dir).unwrap();
        let (raw_path, compact_path) = (dir.join("raw.pdf"), dir.join("compacted.pdf"));
        std::fs::write(&raw_path, &raw).unwrap();
        std::fs::write(&compact_path, &compacted).unwrap();

        assert_eq!(pdftotext(&raw_path), pdftotext(&compact_path), "{stem}");
        let before = gray_pages(&raw_path, &dir.join("raw"));
        let after = gray_pages(&compact_path, &dir.join("compacted"));
        assert_eq!(
            before.len(),
            3,
            "a 30-entry report has three pages ({stem})"
        );
        assert_eq!(before.len(), after.len(), "{stem}");
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            assert!(b == a, "{stem}: page {} renders differently", i + 1);
        }
        assert!(
            compacted.len() * 100 <= raw.len() * (100 - least_saving),
            "{stem}: compaction saved too little: {} -> {} bytes",
            raw.len(),
            compacted.len()
        );
    }
}

/// The pages of `pdf` as 110 dpi greyscale bitmaps (PGM files beside `prefix`).
fn gray_pages(pdf: &std::path::Path, prefix: &std::path::Path) -> Vec<Vec<u8>> {
    let out = run(Command::new(poppler("pdftoppm"))
        .args(["-r", "110", "-gray"])
        .arg(pdf)
        .arg(prefix));
    assert!(out.status.success(), "pdftoppm failed on {}", pdf.display());
    let dir = prefix.parent().unwrap();
    let stem = format!("{}-", prefix.file_name().unwrap().to_string_lossy());
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&stem) && name.ends_with(".pgm")
        })
        .collect();
    pages.sort();
    pages.iter().map(|p| std::fs::read(p).unwrap()).collect()
}
