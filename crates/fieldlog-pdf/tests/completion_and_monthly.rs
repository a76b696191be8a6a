//! The completion form and the monthly summary read back with pdftotext, rendered to PNG.

mod common;

use std::time::Instant;

use common::*;

#[test]
fn completion_form_reads_back_with_clocks_and_both_signatures() {
    let font = font();
    let started = Instant::now();
    let pdf = fieldlog_pdf::completion_form(&completion(), &font).unwrap();
    eprintln!(
        "completion form: {} bytes, {:?}",
        pdf.len(),
        started.elapsed()
    );
    let path = artifacts().join("completion.pdf");
    std::fs::write(&path, &pdf).unwrap();
    to_png(&path, "completion");
    let text = pdftotext(&path);
    for expected in [
        "完工确认单",
        "B 重大故障",
        "赵刚（客户经理）",
        "达标",
        "超时",
        "更换备用电源模块",
        "技服人员签字",
        "用户代表签字",
        "王芳",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn monthly_summary_reads_back_with_rates_and_chart_labels() {
    let font = font();
    let started = Instant::now();
    let pdf = fieldlog_pdf::monthly_summary(&monthly(), &font).unwrap();
    eprintln!(
        "monthly summary: {} bytes, {:?}",
        pdf.len(),
        started.elapsed()
    );
    let path = artifacts().join("monthly.pdf");
    std::fs::write(&path, &pdf).unwrap();
    to_png(&path, "monthly");
    let text = pdftotext(&path);
    for expected in [
        "每月维护报告汇总",
        "报修设备数量",
        "已维护完毕的设备数量",
        "89.4%",
        "不可抗拒因素",
        "立杆被货车撞倒",
        "电源适配器 12V/2A",
        "88.9%（8/9）",
        "无数据",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn a_missing_font_path_is_a_clear_error() {
    let err =
        fieldlog_pdf::Font::from_path(std::path::Path::new("/nonexistent/simsun.ttc")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("FIELDLOG_PDF_FONT"), "{msg}");
}
