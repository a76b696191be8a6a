//! `fieldlog summary`, `fieldlog export monthly --out .xlsx|.csv|.pdf` and `fieldlog import sites`
//! through the real binary: the hand-counted fixture month (shared with the store's tests) via
//! `--json`, the XLSX opened by LibreOffice headless and read back, the CSV's BOM, and imports
//! that land whole or not at all.

#[path = "../../fieldlog-store/tests/support/summary_fixture.rs"]
mod summary_fixture;

mod common;

use common::{dump, fails, fieldlog, json, ok};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use summary_fixture::{as_hand_count, expected_ranges, load};

/// Writes comma-separated lines as the first sheet of an XLSX, numbers as numbers when asked (as
/// a clerk's Excel saves them), else every cell as text.
fn write_xlsx(path: &Path, lines: &str, numbers: bool) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in lines.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(n) if numbers => sheet.write_number(r, c, n).unwrap(),
                _ => sheet.write_string(r, c, cell).unwrap(),
            };
        }
    }
    book.save(path).unwrap();
}

struct Fixture {
    dir: tempfile::TempDir,
    db: PathBuf,
    loaded: summary_fixture::Loaded,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");
    let mut store = fieldlog_store::Store::open(&db).unwrap();
    let loaded = load(&mut store);
    drop(store);
    Fixture { dir, db, loaded }
}

const CONTRACT: &str = "summary-fixture";

fn import(f: &Fixture, file: &Path) -> Value {
    json(
        &f.db,
        &[
            "import",
            "sites",
            file.to_str().unwrap(),
            "--contract",
            CONTRACT,
        ],
    )
}

fn export_october(f: &Fixture, out: &Path) -> Value {
    json(
        &f.db,
        &[
            "export",
            "monthly",
            "--contract",
            CONTRACT,
            "--month",
            "2026-10",
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

#[test]
fn summary_json_matches_the_hand_count_for_a_month_and_a_range() {
    let f = fixture();
    // Closed ranges only: the binary judges at the real clock, and a closed range reads the
    // same at any later instant (November, still open on the fixture's "now", is checked in
    // the store's test with the time passed in).
    for (name, from, to, expected) in expected_ranges() {
        if to > fieldlog_domain::time::local_date(f.loaded.now) {
            continue;
        }
        let month = from.format("%Y-%m").to_string();
        let last = to.pred_opt().unwrap().to_string();
        let from_text = from.to_string();
        let args: Vec<&str> = if fieldlog_domain::clocks::month_bounds(&month) == Some((from, to)) {
            vec!["summary", "--contract", CONTRACT, "--month", &month]
        } else {
            vec![
                "summary",
                "--contract",
                CONTRACT,
                "--from",
                &from_text,
                "--to",
                &last,
            ]
        };
        let view = json(&f.db, &args);
        let got = as_hand_count(&view["summary"], &f.loaded.keys, &expected);
        assert_eq!(got, expected, "{name}");
        // Every fault a figure names is in the drill-down list, with its point.
        let listed: Vec<&str> = view["faults"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        for id in view["summary"]["figures"]["reported"]["fault_ids"]
            .as_array()
            .unwrap()
        {
            assert!(
                listed.contains(&id.as_str().unwrap()),
                "{name}: {id} listed"
            );
        }
    }
    // The text form names the figures in Chinese.
    let text = ok(
        &f.db,
        &["summary", "--contract", CONTRACT, "--month", "2026-10"],
    );
    assert!(text.contains("报修设备数量  9"), "{text}");
    assert!(text.contains("故障解决率（%）  33.3  3/9"), "{text}");
    // Issue 15: the claims by state, each case's answer, the substitution, the further clock.
    for needle in [
        "不可抗拒因素认定",
        "已认可  1",
        "未认可  1",
        "待确认  1",
        "用户意见：已认可",
        "SW-OLD-01 → 新序列号 SW-NEW-01",
        "B级 重大故障恢复达标率（%）  50",
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
    assert!(
        !text.contains("反馈达标率"),
        "police: no feedback clock\n{text}"
    );
}

#[test]
fn summary_refuses_a_bad_period_clearly() {
    let f = fixture();
    let err = fails(
        &f.db,
        &["summary", "--contract", CONTRACT, "--month", "2026-13"],
    );
    assert!(err.contains("2026-11"), "{err}");
    let err = fails(
        &f.db,
        &[
            "summary",
            "--contract",
            CONTRACT,
            "--from",
            "2026-10-10",
            "--to",
            "2026-10-01",
        ],
    );
    assert!(err.contains("晚于"), "{err}");
    let err = fails(
        &f.db,
        &[
            "export",
            "monthly",
            "--contract",
            CONTRACT,
            "--month",
            "2026-10",
            "--out",
            "x.txt",
        ],
    );
    assert!(err.contains(".xlsx"), "{err}");
}

/// LibreOffice's command line, or a failure that says how to get it: this test must not pass
/// without it.
fn soffice() -> String {
    let exe = std::env::var("SOFFICE").unwrap_or_else(|_| "soffice".into());
    let found = Command::new(&exe).arg("--version").output();
    assert!(
        found.as_ref().is_ok_and(|o| o.status.success()),
        "LibreOffice ({exe}) is needed to prove the XLSX opens: `cargo xtask setup test` installs \
         libreoffice-calc-nogui (or set SOFFICE to its soffice)"
    );
    exe
}

/// Converts the first sheet of an XLSX to CSV (UTF-8) with LibreOffice headless.
fn libreoffice_csv(xlsx: &Path, out_dir: &Path) -> String {
    let profile = out_dir.join("lo-profile");
    let out = Command::new(soffice())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
        ])
        .arg("--outdir")
        .arg(out_dir)
        .arg(xlsx)
        .output()
        .unwrap();
    let csv = out_dir.join(xlsx.with_extension("csv").file_name().unwrap());
    assert!(
        out.status.success() && csv.exists(),
        "LibreOffice could not open the XLSX: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(csv).unwrap()
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn xlsx_opens_in_libreoffice_and_reads_back_as_the_csv_and_the_summary() {
    let f = fixture();
    let xlsx = f.dir.path().join("summary.xlsx");
    let csv = f.dir.path().join("summary.csv");
    let pdf = f.dir.path().join("summary.pdf");
    for out in [&xlsx, &csv] {
        let exported = export_october(&f, out);
        assert_eq!(exported["signed"], false);
    }
    let bytes = std::fs::read(&csv).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the CSV starts with a UTF-8 BOM"
    );
    let ours = csv_rows(std::str::from_utf8(&bytes[3..]).unwrap());

    let converted = libreoffice_csv(&xlsx, &f.dir.path().join("lo"));
    let theirs = csv_rows(&converted);
    assert!(
        theirs[0][0].contains("每月维护报告汇总"),
        "title row: {:?}",
        theirs[0]
    );
    // Below the title, the sheet as LibreOffice reads it is exactly the CSV, cell for cell.
    let theirs: Vec<Vec<String>> = theirs[1..]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.resize(5, String::new());
            r
        })
        .collect();
    assert_eq!(theirs, ours);

    // And the values are the summary's.
    let view = json(
        &f.db,
        &["summary", "--contract", CONTRACT, "--month", "2026-10"],
    );
    let figures = &view["summary"]["figures"];
    let value = |section: &str, item: &str| -> String {
        theirs
            .iter()
            .find(|r| r[0] == section && r[1] == item)
            .unwrap_or_else(|| panic!("row {section} / {item}"))[2]
            .clone()
    };
    for (item, key) in [
        ("报修设备数量", "reported"),
        ("已维护完毕的设备数量", "repaired"),
        ("未解决设备数量", "unresolved"),
        ("上期遗留本期修复", "carried_over_repaired"),
        ("上期遗留未解决", "carried_over_open"),
        ("不可抗拒因素", "force_majeure"),
    ] {
        assert_eq!(
            value("维护概况", item),
            figures[key]["count"].to_string(),
            "{item}"
        );
    }
    // The hand count (summary-2026-10.md): 3 of 9 repaired.
    assert_eq!(value("维护概况", "故障解决率（%）"), "33.3");
    assert_eq!(value("未解决的原因", "电源"), "1");
    assert_eq!(
        value("期末库存", "备件"),
        view["summary"]["stock"]["floor"]["parts"].to_string()
    );
    assert_eq!(value("低于下限", "P1 光模块"), "49");
    assert_eq!(value("备件消耗", "P1 光模块"), "11");
    let breached_a = figures["compliance"]["levels"][0]["response"]["breached"]
        .as_u64()
        .unwrap();
    assert_eq!(breached_a, 1);
    assert_eq!(value("服务时限达标率", "A级 响应达标率（%）"), "50");

    // The PDF is the same summary, signed.
    export_october(&f, &pdf);
    // Intact; the fixture's profile is not enrolled, so its signer is not verified (exit 3).
    let verified = fieldlog(&f.db, &["--json", "verify", pdf.to_str().unwrap()]);
    assert_eq!(verified.status.code(), Some(3));
    let verified: Value = serde_json::from_slice(&verified.stdout).unwrap();
    assert_eq!(verified["intact"], true);
    let text = Command::new(std::env::var("PDFTOTEXT").unwrap_or_else(|_| "pdftotext".into()))
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: cargo xtask setup installs it");
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in [
        "每月维护报告汇总",
        "2026-10",
        "33.3%",
        "处理中",
        "上期遗留本期修复",
        "车辆撞杆",
        "重大故障恢复",
        "已认可",
        "未认可",
        "待确认",
        "SW-NEW-01",
    ] {
        assert!(text.contains(needle), "{needle} in the PDF:\n{text}");
    }
}

/// (met, judged) → the rate's text in one format.
type Rates = std::collections::BTreeMap<(u32, u32), String>;

fn record(rates: &mut Rates, key: (u32, u32), shown: &str, format: &str) {
    let old = rates.insert(key, shown.to_owned());
    assert!(
        old.is_none_or(|o| o == shown),
        "{format} shows {key:?} two ways"
    );
}

/// The rate rows of the summary table (CSV, XLSX and the CLI share it): the counts behind each
/// value, from the row's note ("3/7", or "达标 1 / 超时 1 / …").
fn table_rates(rows: &[Vec<String>], format: &str) -> Rates {
    let mut rates = Rates::new();
    for row in rows
        .iter()
        .filter(|r| r.len() > 3 && r[1].contains("（%）"))
    {
        let numbers: Vec<u32> = row[3]
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let key = if row[1].starts_with("故障解决率") {
            (numbers[0], numbers[1])
        } else {
            (numbers[0], numbers[0] + numbers[1])
        };
        if key.1 > 0 {
            record(&mut rates, key, &row[2], format);
        }
    }
    rates
}

/// One rounding rule: every rate of the fixture month reads the same in the PDF's text, the
/// XLSX (read back with calamine), the CSV and the CLI, and is the count rounded half away
/// from zero (`fieldlog_domain::rounding`).
#[test]
fn every_format_shows_every_rate_by_the_one_rounding_rule() {
    let f = fixture();
    let (xlsx, csv, pdf) = (
        f.dir.path().join("r.xlsx"),
        f.dir.path().join("r.csv"),
        f.dir.path().join("r.pdf"),
    );
    for out in [&xlsx, &csv, &pdf] {
        export_october(&f, out);
    }
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    let csv_rates = table_rates(&csv_rows(csv_text.trim_start_matches('\u{feff}')), "CSV");

    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let xlsx_rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    // A number as the CSV writes it (Rust's shortest round-trip form).
                    Data::Float(x) => format!("{x}"),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let xlsx_rates = table_rates(&xlsx_rows, "XLSX");

    let cli = ok(
        &f.db,
        &["summary", "--contract", CONTRACT, "--month", "2026-10"],
    );
    let cli_rows: Vec<Vec<String>> = cli
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| {
            let cells: Vec<String> = l.trim().splitn(3, "  ").map(str::to_owned).collect();
            // item, value, note (the note may carry "[faults]" after two spaces).
            let note = cells.get(2).cloned().unwrap_or_default();
            let note = note.split("  [").next().unwrap_or_default().to_owned();
            vec![String::new(), cells[0].clone(), cells[1].clone(), note]
        })
        .collect();
    let cli_rates = table_rates(&cli_rows, "CLI");

    let text = Command::new(std::env::var("PDFTOTEXT").unwrap_or_else(|_| "pdftotext".into()))
        .arg("-raw")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: cargo xtask setup installs it");
    let text = String::from_utf8(text.stdout).unwrap();
    let mut pdf_rates = Rates::new();
    // "50.0%（1/2）" in the compliance table.
    for (i, _) in text.match_indices("%（") {
        let value: String = text[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let rest = &text[i + "%（".len()..];
        let counts = &rest[..rest.find('）').unwrap()];
        let (met, judged) = counts.split_once('/').unwrap();
        let key = (met.parse().unwrap(), judged.parse().unwrap());
        record(&mut pdf_rates, key, &value, "PDF");
    }
    // The resolution rate, repaired of reported.
    let figures = &json(
        &f.db,
        &["summary", "--contract", CONTRACT, "--month", "2026-10"],
    )["summary"]["figures"];
    let resolution = (
        figures["repaired"]["count"].as_u64().unwrap() as u32,
        figures["reported"]["count"].as_u64().unwrap() as u32,
    );
    let shown = fieldlog_domain::rounding::percent_text(resolution.0, resolution.1).unwrap();
    assert!(text.contains(&format!("{shown}%")), "{text}");
    record(&mut pdf_rates, resolution, &shown, "PDF");
    assert!(pdf_rates.len() >= 3, "{pdf_rates:?}\n{text}");

    let by_rule =
        |(met, judged): (u32, u32)| fieldlog_domain::rounding::percent_value(met, judged).unwrap();
    for (format, rates) in [
        ("CSV", &csv_rates),
        ("XLSX", &xlsx_rates),
        ("CLI", &cli_rates),
        ("PDF", &pdf_rates),
    ] {
        assert!(!rates.is_empty(), "{format}");
        for (key, shown) in rates {
            assert_eq!(
                shown.parse::<f64>().unwrap(),
                by_rule(*key),
                "{format} {key:?}"
            );
        }
    }
    assert_eq!(csv_rates, xlsx_rates);
    assert_eq!(csv_rates, cli_rates);
    // Every rate the PDF shows, the table shows with the same value.
    for (key, shown) in &pdf_rates {
        let table = csv_rates
            .get(key)
            .unwrap_or_else(|| panic!("{key:?} in the CSV"));
        assert_eq!(
            table.parse::<f64>().unwrap(),
            shown.parse::<f64>().unwrap(),
            "{key:?}"
        );
    }
}

const GOOD_SITES: &str = "点位编号,点位名称,点位类型,地址,纬度,经度,设备类型,设备型号,序列号
N-001,新村村口,监控杆,测试县新村,30.1,120.2,摄像机,测试摄像机 A,SN-N1
N-001,新村村口,监控杆,测试县新村,30.1,120.2,电源,测试电源 12V,
N-002,新镇机房,machine_room,测试县新镇,,,交换机,测试交换机 B,SN-N2
";

#[test]
fn import_sites_from_csv_and_xlsx_and_twice_adds_nothing() {
    let f = fixture();
    let csv = f.dir.path().join("sites.csv");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(GOOD_SITES.as_bytes());
    std::fs::write(&csv, bytes).unwrap();
    let report = import(&f, &csv);
    assert_eq!(report["sites_added"], 2);
    assert_eq!(report["devices_added"], 3);
    let sites = json(&f.db, &["site", "list", "--contract", CONTRACT]);
    let codes: Vec<&str> = sites
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"N-001") && codes.contains(&"N-002"),
        "{codes:?}"
    );
    let before = dump(&f.db);
    let again = import(&f, &csv);
    assert_eq!(
        (
            again["sites_added"].as_u64(),
            again["devices_skipped"].as_u64()
        ),
        (Some(0), Some(3))
    );
    assert_eq!(
        dump(&f.db),
        before,
        "importing the same file twice adds nothing"
    );

    // The same rows as XLSX, written by rust_xlsxwriter as a clerk's Excel would save them.
    let xlsx = f.dir.path().join("sites.xlsx");
    write_xlsx(&xlsx, &GOOD_SITES.replace("N-00", "X-00"), true);
    let report = import(&f, &xlsx);
    assert_eq!(
        (
            report["sites_added"].as_u64(),
            report["devices_added"].as_u64()
        ),
        (Some(2), Some(3))
    );
}

#[test]
fn a_bad_row_is_named_by_its_number_and_nothing_of_the_file_is_imported() {
    let f = fixture();
    let bad = format!(
        "{GOOD_SITES}N-003,坏行,月球基地,测试县,,,摄像机,X,\nN-004,,监控杆,测试县,,,摄像机,Y,\nN-005,好行,监控杆,测试县,91,0,,,\n"
    );
    let before = dump(&f.db);
    for (name, write) in [("bad.csv", true), ("bad.xlsx", false)] {
        let path = f.dir.path().join(name);
        if write {
            std::fs::write(&path, &bad).unwrap();
        } else {
            write_xlsx(&path, &bad, false);
        }
        let out = fieldlog(
            &f.db,
            &[
                "--json",
                "import",
                "sites",
                path.to_str().unwrap(),
                "--contract",
                CONTRACT,
            ],
        );
        assert!(!out.status.success());
        let err: Value = serde_json::from_slice(&out.stderr).unwrap();
        let message = err["error"]["message"].as_str().unwrap();
        assert_eq!(err["error"]["code"], "invalid_input", "{message}");
        assert!(
            message.contains("第 5 行") && message.contains("月球基地"),
            "{message}"
        );
        assert!(
            message.contains("第 6 行") && message.contains("点位名称"),
            "{message}"
        );
        assert!(
            message.contains("第 7 行") && message.contains("超出范围"),
            "{message}"
        );
        assert!(
            !message.contains("第 2 行"),
            "good rows are not blamed: {message}"
        );
        assert!(message.contains("未导入"), "{message}");
        assert_eq!(
            dump(&f.db),
            before,
            "{name}: nothing of the file was imported"
        );
    }
    // A file without the needed columns says which one is missing.
    let path = f.dir.path().join("cols.csv");
    std::fs::write(&path, "编号,名称\nA,B\n").unwrap();
    let err = fails(
        &f.db,
        &[
            "import",
            "sites",
            path.to_str().unwrap(),
            "--contract",
            CONTRACT,
        ],
    );
    assert!(err.contains("缺少列“点位编号”"), "{err}");
    // A CSV saved in the local code page (GBK) is refused with how to save it.
    std::fs::write(&path, b"\xb5\xe3\xce\xbb\xb1\xe0\xba\xc5\n").unwrap();
    let err = fails(
        &f.db,
        &[
            "import",
            "sites",
            path.to_str().unwrap(),
            "--contract",
            CONTRACT,
        ],
    );
    assert!(err.contains("UTF-8"), "{err}");
    assert_eq!(dump(&f.db), before);
}
