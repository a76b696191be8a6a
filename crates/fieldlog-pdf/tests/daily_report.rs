//! The daily maintenance report read back with poppler: the Chinese text comes out, long reports
//! page with the header and "第 x 页 / 共 y 页" on every page.

mod common;

use std::time::Instant;

use common::*;

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
