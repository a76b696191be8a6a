//! The `fieldlog` binary, run as a user or a script would, against a real database file.

mod common;

use common::{dump, fails, fieldlog, json, ok};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.sqlite");
    Db { _dir: dir, path }
}

#[test]
fn demo_then_report_list_as_json_and_demo_twice_changes_nothing() {
    let db = db();
    let first = json(&db.path, &["demo"]);
    assert_eq!(first["created"], true);
    let reports = json(&db.path, &["report", "list"]);
    let reports = reports.as_array().unwrap();
    assert!(
        reports.len() >= 20,
        "a month of reports, got {}",
        reports.len()
    );
    for r in reports {
        assert!(
            r["id"].is_string() && r["work_date"].is_string() && r["technician_name"].is_string()
        );
        assert!(["draft", "signed"].contains(&r["status"].as_str().unwrap()));
    }
    assert!(reports.iter().any(|r| r["status"] == "signed"));
    assert!(
        reports.iter().any(|r| !r["amends"].is_null()),
        "the demo holds an amendment"
    );

    let before = dump(&db.path);
    let second = json(&db.path, &["demo"]);
    assert_eq!(second["created"], false);
    assert_eq!(second["reports"], first["reports"]);
    assert_eq!(dump(&db.path), before, "running demo twice changes nothing");
}

#[test]
fn a_technician_day_from_fault_to_signed_report() {
    let db = db();
    ok(&db.path, &["demo"]);
    let sites = json(
        &db.path,
        &["site", "list", "--contract", "county-police-village-query"],
    );
    let site = sites[5]["code"].as_str().unwrap().to_owned();

    let fault = json(
        &db.path,
        &[
            "fault",
            "new",
            "--site",
            &site,
            "--level",
            "A",
            "--description",
            "整村画面中断",
            "--first-receiver",
            "客户经理甲",
        ],
    );
    let fault_id = fault["fault"]["id"].as_str().unwrap().to_owned();
    assert_eq!(fault["row"]["status"], "reported");
    let short = &fault_id[fault_id.len() - 8..];
    let listed = json(&db.path, &["fault", "list"]);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == fault_id.as_str())
    );

    let arrival = json(
        &db.path,
        &[
            "arrive",
            "--fault",
            short,
            "--lat",
            "27.45",
            "--lon",
            "117.35",
            "--accuracy",
            "12",
        ],
    );
    assert_eq!(arrival["fault_id"], fault_id.as_str());
    let shown = json(&db.path, &["fault", "show", short]);
    assert_eq!(shown["row"]["status"], "on_site");

    let balance_before = part_balance(&db.path, "BJ-PWR-12V");
    // The demo already opened today's report for this contract.
    let reports = json(
        &db.path,
        &[
            "report",
            "list",
            "--contract",
            "county-police-village-query",
        ],
    );
    let today = reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "draft" && r["technician_name"] == "林晓东")
        .unwrap();
    let report_id = today["id"].as_str().unwrap().to_owned();
    let doc = json(
        &db.path,
        &[
            "report",
            "add-entry",
            &report_id,
            "--site",
            &site,
            "--fault",
            short,
            "--cause",
            "电源适配器烧毁",
            "--work",
            "更换电源适配器，画面恢复",
            "--part",
            "BJ-PWR-12V:1:OLD-9:NEW-9",
        ],
    );
    assert_eq!(doc["entries"].as_array().unwrap().len(), 1);
    assert_eq!(doc["entries"][0]["parts"][0]["old_serial"], "OLD-9");
    assert_eq!(part_balance(&db.path, "BJ-PWR-12V"), balance_before - 1);
    json(
        &db.path,
        &[
            "report",
            "add-entry",
            &report_id,
            "--site",
            &site,
            "--cause",
            "市电停电",
            "--work",
            "已报供电所",
            "--unresolved",
            "power",
        ],
    );

    let png = db.path.with_file_name("signature.png");
    let strokes = fieldlog_store::signature_image::scribble(3, 1);
    std::fs::write(
        &png,
        fieldlog_store::signature_image::render_strokes_png(&strokes, 400, 150),
    )
    .unwrap();
    let signed = json(
        &db.path,
        &[
            "report",
            "sign",
            &report_id,
            "--image",
            png.to_str().unwrap(),
        ],
    );
    assert_eq!(signed["report"]["status"], "signed");
    assert_eq!(signed["content_intact"], true);
    assert_eq!(signed["signatures"][0]["signer_name"], "林晓东");

    // Signed: every path that would change it is refused, and nothing changes.
    let before = dump(&db.path);
    let refused = fails(
        &db.path,
        &[
            "report",
            "add-entry",
            &report_id,
            "--site",
            &site,
            "--cause",
            "补记",
            "--work",
            "补记",
        ],
    );
    assert!(
        refused.contains("已签字") && refused.contains("amendment"),
        "{refused}"
    );
    let twice = fails(
        &db.path,
        &[
            "--json",
            "report",
            "sign",
            &report_id,
            "--image",
            png.to_str().unwrap(),
        ],
    );
    let body: Value = serde_json::from_str(&twice).unwrap();
    assert_eq!(body["error"]["code"], "signed_immutable");
    assert_eq!(dump(&db.path), before);

    let amendment = json(
        &db.path,
        &["report", "amend", &report_id, "--reason", "补记旧件序列号"],
    );
    assert_eq!(amendment["report"]["amends"], report_id.as_str());
    assert_eq!(amendment["report"]["status"], "draft");
    assert_eq!(
        json(&db.path, &["report", "show", &report_id])["content_intact"],
        true
    );
}

fn part_balance(db: &Path, code: &str) -> i64 {
    let stock = json(db, &["parts", "balance"]);
    stock
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["parts"].as_array().unwrap())
        .find(|p| p["code"] == code)
        .unwrap()["balance"]
        .as_i64()
        .unwrap()
}

/// The catalogue a laptop holds, from the command line (issue 17): every contract with its policy,
/// and one contract's sites with their devices and its spare parts, as text and as JSON; a
/// contract whose service period is over says so.
#[test]
fn contract_lists_the_policy_and_one_contract_shows_its_sites_devices_and_parts() {
    let db = db();
    ok(&db.path, &["demo"]);
    let list = ok(&db.path, &["contract"]);
    assert!(list.contains("时限规则 第 1 版"), "{list}");
    assert!(
        list.contains("A 特大故障") && list.contains("C 一般故障"),
        "{list}"
    );
    assert!(
        list.contains("备品备件下限：备品 10 台，备件 50 件"),
        "{list}"
    );
    assert!(!list.contains("服务期已结束"), "{list}");

    let code = "county-police-village-query";
    let catalogue = json(&db.path, &["contract", code]);
    assert_eq!(catalogue["contract"]["code"], code);
    assert_eq!(catalogue["service_ended"], false);
    assert!(catalogue["contract"]["policy"]["levels"]["B"]["arrival_min"].is_number());
    let sites = catalogue["sites"].as_array().unwrap();
    let listed = json(&db.path, &["site", "list", "--contract", code]);
    let codes = |v: &[Value], key: &dyn Fn(&Value) -> &Value| -> Vec<String> {
        v.iter()
            .map(|x| key(x)["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        codes(sites, &|s| &s["site"]),
        codes(listed.as_array().unwrap(), &|s| s),
        "every site of the contract, by code"
    );
    let with_device = sites
        .iter()
        .find(|s| !s["devices"].as_array().unwrap().is_empty())
        .expect("a site with a device");
    let parts = catalogue["parts"].as_array().unwrap();
    assert!(!parts.is_empty());

    let text = ok(&db.path, &["contract", code]);
    let device = &with_device["devices"][0];
    for shown in [
        with_device["site"]["code"].as_str().unwrap(),
        device["model"].as_str().unwrap(),
        parts[0]["code"].as_str().unwrap(),
        parts[0]["name"].as_str().unwrap(),
        "点位及设备",
        "备品备件目录",
    ] {
        assert!(text.contains(shown), "{shown} missing from:\n{text}");
    }
    assert!(
        text.contains("主要设备") || text.contains("其他设备"),
        "{text}"
    );

    // The office closes the contract (its service_end set to the close date, as sync brings it).
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute(
        "UPDATE contracts SET service_end = '2026-01-31' WHERE code = ?1",
        [code],
    )
    .unwrap();
    drop(conn);
    assert_eq!(json(&db.path, &["contract", code])["service_ended"], true);
    let list = ok(&db.path, &["contract"]);
    let ended: Vec<&str> = list
        .lines()
        .filter(|l| l.contains("服务期已结束"))
        .collect();
    assert_eq!(ended.len(), 1, "{list}");
    assert!(ended[0].starts_with(code), "{list}");
    let unknown = fails(&db.path, &["contract", "no-such-contract"]);
    assert!(unknown.contains("no-such-contract"), "{unknown}");
}

#[test]
fn parts_receive_use_and_refuse_more_than_in_stock() {
    let db = db();
    ok(&db.path, &["demo"]);
    let start = part_balance(&db.path, "BJ-WPC");
    json(
        &db.path,
        &[
            "parts", "receive", "BJ-WPC", "--qty", "10", "--note", "补货",
        ],
    );
    let used = json(&db.path, &["parts", "use", "BJ-WPC", "--qty", "3"]);
    assert_eq!(used["balance"], start + 7);
    let before = dump(&db.path);
    let err = fails(&db.path, &["parts", "use", "BJ-WPC", "--qty", "100000"]);
    assert!(err.contains("库存不足"), "{err}");
    assert_eq!(dump(&db.path), before);
}

#[test]
fn errors_are_one_clear_sentence_and_a_nonzero_exit() {
    let db = db();
    ok(&db.path, &["init", "--name", "测试技服乙"]);
    // Re-running init keeps the profile.
    let again = json(&db.path, &["init", "--name", "别的名字"]);
    assert_eq!(again["technician"]["name"], "测试技服乙");

    let cases: &[(&[&str], &str)] = &[
        (&["fault", "show", "deadbeef"], "找不到故障"),
        (
            &["arrive", "--site", "NO-SUCH-SITE", "--confirm-site"],
            "找不到点位",
        ),
        (
            &["report", "new", "--contract", "no-such-contract"],
            "找不到合同",
        ),
        (&["parts", "use", "NOPE", "--qty", "1"], "找不到备件"),
    ];
    for (args, expected) in cases {
        let err = fails(&db.path, args);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    }
    // A bad value never reaches the store: clap names the accepted ones.
    let bad_level = fails(
        &db.path,
        &[
            "fault",
            "new",
            "--site",
            "X",
            "--level",
            "D",
            "--description",
            "x",
            "--first-receiver",
            "y",
        ],
    );
    assert!(bad_level.contains("A、B、C"), "{bad_level}");
}

/// `--lang en` (or an English `LANG`) says errors and code labels in English; the code stays.
#[test]
fn errors_and_labels_follow_the_language() {
    let db = db();
    ok(&db.path, &["demo"]);
    let han = |text: &str| text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));

    // (arguments, expected, the user data the sentence names: the demo's part name is Chinese)
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["fault", "show", "deadbeef"],
            "fault 'deadbeef' not found",
            "",
        ),
        (
            &["parts", "use", "BJ-WPC", "--qty", "100000"],
            "Not enough stock of BJ-WPC",
            "防水接头",
        ),
    ];
    for (args, expected, user_data) in cases {
        let mut english = vec!["--lang", "en"];
        english.extend_from_slice(args);
        let err = fails(&db.path, &english);
        assert!(err.contains(expected), "{args:?}: {err}");
        let ours = err.replace(user_data, "");
        assert!(!han(&ours), "no Chinese in an English error: {err}");
    }
    // LANG picks English when --lang is not given.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldlog"))
        .args([
            "--db",
            db.path.to_str().unwrap(),
            "--json",
            "fault",
            "show",
            "deadbeef",
        ])
        .env_remove("FIELDLOG_DB")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(body["error"]["params"]["id"], "deadbeef");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("fault 'deadbeef' not found"),
        "{body}"
    );
    // LC_ALL outranks LANG, as POSIX says: a Chinese LC_ALL over an English LANG is Chinese.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldlog"))
        .args([
            "--db",
            db.path.to_str().unwrap(),
            "fault",
            "show",
            "deadbeef",
        ])
        .env_remove("FIELDLOG_DB")
        .env_remove("LC_MESSAGES")
        .env("LC_ALL", "zh_CN.UTF-8")
        .env("LANG", "en_US.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("找不到故障“deadbeef”"), "{stderr}");
    // zh-CN (the tests' LANG) keeps the Chinese-first sentence.
    let zh = fails(&db.path, &["fault", "show", "deadbeef"]);
    assert!(
        zh.contains("找不到故障“deadbeef”") && zh.contains("(fault 'deadbeef' not found)"),
        "{zh}"
    );

    // Code labels: the report list's status.
    let zh_list = ok(&db.path, &["report", "list"]);
    let en_list = ok(&db.path, &["--lang", "en", "report", "list"]);
    assert!(zh_list.contains("已签字"), "{zh_list}");
    assert!(
        en_list.contains("Signed") && !en_list.contains("已签字"),
        "{en_list}"
    );
}

#[test]
fn commands_that_need_a_profile_say_how_to_make_one() {
    let db = db();
    let err = fails(&db.path, &["report", "new", "--contract", "x"]);
    assert!(err.contains("fieldlog init --name"), "{err}");
}

#[test]
fn fault_events_clocks_and_compliance_from_the_command_line() {
    let db = db();
    ok(&db.path, &["demo"]);
    let fault = json(
        &db.path,
        &[
            "fault",
            "new",
            "--site",
            "ZW-002",
            "--level",
            "C",
            "--description",
            "汇聚交换机掉线",
            "--first-receiver",
            "客户经理乙",
            "--reported-at",
            "2026-11-02 09:00",
        ],
    );
    let id = fault["fault"]["id"].as_str().unwrap().to_owned();
    // 45 minutes is exactly egov C's response limit.
    json(
        &db.path,
        &["fault", "event", &id, "ack", "--at", "2026-11-02 09:45"],
    );
    let refused = fails(
        &db.path,
        &["fault", "event", &id, "resolve", "--at", "2026-11-02 10:00"],
    );
    assert!(
        refused.contains("到场"),
        "resolved before arrival is refused: {refused}"
    );
    ok(
        &db.path,
        &[
            "arrive",
            "--fault",
            &id,
            "--at",
            "2026-11-02 13:00",
            "--confirm-site",
        ],
    );
    json(
        &db.path,
        &[
            "fault",
            "event",
            &id,
            "resolve",
            "--at",
            "2026-11-03 13:00:01",
            "--note",
            "更换光模块",
        ],
    );

    let clocks = json(
        &db.path,
        &["fault", "clocks", &id, "--at", "2026-11-04 09:00"],
    );
    let state = |kind: &str| {
        clocks["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind)
            .unwrap()["state"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(state("response"), "met", "exactly at 45 min");
    assert_eq!(state("arrival"), "met", "4 h");
    assert_eq!(
        state("resolution"),
        "breached",
        "24 h after arrival, one second over"
    );
    assert_eq!(state("feedback"), "running");
    let text = ok(
        &db.path,
        &["fault", "clocks", &id, "--at", "2026-11-04 09:00"],
    );
    assert!(
        text.contains("修复：超时") && text.contains("反馈：计时中"),
        "{text}"
    );

    let month = json(
        &db.path,
        &[
            "sla",
            "compliance",
            "--contract",
            "city-egov-extranet",
            "--month",
            "2026-11",
        ],
    );
    let c = month["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "C")
        .unwrap();
    assert!(c["faults"].as_u64().unwrap() >= 1);
    assert!(c["resolution"]["breached"].as_u64().unwrap() >= 1);
    let bad = fails(
        &db.path,
        &[
            "sla",
            "compliance",
            "--contract",
            "city-egov-extranet",
            "--month",
            "2026-13",
        ],
    );
    assert!(bad.contains("2026-11"), "{bad}");
}

#[test]
fn editing_a_policy_makes_a_new_version_for_new_faults() {
    let db = db();
    ok(&db.path, &["demo"]);
    let policy = json(
        &db.path,
        &["sla", "policy", "--contract", "county-police-village-query"],
    );
    assert_eq!(policy["levels"]["A"]["arrival_min"], 60);
    let mut edited = policy.clone();
    edited["levels"]["A"]["arrival_min"] = 45.into();
    let file = db.path.with_file_name("policy.json");
    std::fs::write(&file, edited.to_string()).unwrap();
    let saved = json(
        &db.path,
        &[
            "sla",
            "set-policy",
            "--contract",
            "county-police-village-query",
            "--file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(saved["levels"]["A"]["arrival_min"], 45);
    let v1 = json(
        &db.path,
        &[
            "sla",
            "policy",
            "--contract",
            "county-police-village-query",
            "--version",
            "1",
        ],
    );
    assert_eq!(
        v1["levels"]["A"]["arrival_min"], 60,
        "version 1 is kept as it was"
    );
    let fault = json(
        &db.path,
        &[
            "fault",
            "new",
            "--site",
            "YX-001",
            "--level",
            "A",
            "--description",
            "x",
            "--first-receiver",
            "y",
        ],
    );
    assert_eq!(fault["fault"]["policy_version"], 2);
    std::fs::write(&file, "{not json").unwrap();
    let err = fails(
        &db.path,
        &[
            "sla",
            "set-policy",
            "--contract",
            "county-police-village-query",
            "--file",
            file.to_str().unwrap(),
        ],
    );
    assert!(err.contains("fieldlog --json sla policy"), "{err}");
}

/// Existing data (issue 15): a contract edited away from its preset takes the corrected preset
/// back with `sla adopt-preset` as a new version; asking again writes nothing; an unknown preset is
/// refused with the two that exist.
#[test]
fn adopt_preset_makes_a_new_version_once() {
    let db = db();
    ok(&db.path, &["demo"]);
    let mut edited = json(
        &db.path,
        &["sla", "policy", "--contract", "county-police-village-query"],
    );
    assert!(edited["feedback_min"].is_null(), "police: no feedback");
    assert_eq!(edited["major_fault_spares"]["with_spares_min"], 420);
    edited["feedback_min"] = 1440.into();
    let file = db.path.with_file_name("policy.json");
    std::fs::write(&file, edited.to_string()).unwrap();
    let args = |preset: &str| {
        [
            "sla",
            "adopt-preset",
            "--contract",
            "county-police-village-query",
            "--preset",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([preset.to_string()])
        .collect::<Vec<_>>()
    };
    ok(
        &db.path,
        &[
            "sla",
            "set-policy",
            "--contract",
            "county-police-village-query",
            "--file",
            file.to_str().unwrap(),
        ],
    );
    let adopt = args("county-police-village-query");
    let adopt: Vec<&str> = adopt.iter().map(String::as_str).collect();
    let adopted = json(&db.path, &adopt);
    assert!(adopted["feedback_min"].is_null());
    let again = json(&db.path, &adopt);
    assert_eq!(again, adopted);
    let contracts = json(&db.path, &["contract"]);
    let police = contracts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "county-police-village-query")
        .unwrap();
    assert_eq!(
        police["policy_version"], 3,
        "v1 demo, v2 edited, v3 adopted once"
    );
    let bad = args("nope");
    let bad: Vec<&str> = bad.iter().map(String::as_str).collect();
    let err = fails(&db.path, &bad);
    assert!(err.contains("city-egov-extranet"), "{err}");
}

/// Exports are signed PDFs: `verify` says who signed and that it is intact, pdftotext reads the
/// Chinese back, and one byte changed makes `verify` fail.
#[test]
fn export_signed_pdfs_and_verify_them() {
    let db = db();
    ok(&db.path, &["demo"]);
    let reports = json(&db.path, &["report", "list"]);
    let reports = reports.as_array().unwrap();
    // One of this profile's own signed reports: the demo's other technicians sign theirs too, and
    // which comes first depends on the demo data.
    let signed = reports
        .iter()
        .find(|r| r["status"] == "signed" && r["technician_name"] == "林晓东")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft = reports.iter().find(|r| r["status"] == "draft").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let pdf = db.path.with_file_name("daily.pdf");
    let exported = json(
        &db.path,
        &["export", "daily", &signed, "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(exported["signed"], true);
    // Not enrolled: the self-issued signer is intact but not verified (exit code 3).
    let out = fieldlog(&db.path, &["--json", "verify", pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let verified: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verified["verdict"], "signer_not_verified");
    assert_eq!(verified["signer"], "林晓东");
    assert_eq!(verified["intact"], true);
    assert_eq!(verified["covers_whole_file"], true);

    let text = Command::new(std::env::var("PDFTOTEXT").unwrap_or_else(|_| "pdftotext".into()))
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: cargo xtask setup installs it");
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("每日设备维护报告") && text.contains("林晓东"),
        "{text}"
    );

    // A draft is not evidence yet.
    let err = fails(
        &db.path,
        &[
            "export",
            "daily",
            &draft,
            "--out",
            pdf.with_extension("x.pdf").to_str().unwrap(),
        ],
    );
    assert!(err.contains("签字后才能导出"), "{err}");

    // One byte changed inside the signed range: verify fails with a clear sentence.
    let mut bytes = std::fs::read(&pdf).unwrap();
    let at = bytes.windows(6).position(|w| w == b"stream").unwrap() + 20;
    bytes[at] ^= 0x01;
    let altered = db.path.with_file_name("altered.pdf");
    std::fs::write(&altered, &bytes).unwrap();
    // The verdict is printed, and the exit code says it is not valid evidence.
    let out = fieldlog(&db.path, &["verify", altered.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ALTERED"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("改动"));

    let monthly = db.path.with_file_name("monthly.pdf");
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    ok(
        &db.path,
        &[
            "export",
            "monthly",
            "--contract",
            "county-police-village-query",
            "--month",
            &month,
            "--out",
            monthly.to_str().unwrap(),
        ],
    );
    // Intact; not enrolled, so the signer is not verified (exit 3).
    let out = fieldlog(&db.path, &["--json", "verify", monthly.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let verified: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verified["intact"], true);
}

/// `fieldlog ... | head` closes the pipe before the CLI is done writing. That is the reader
/// being satisfied, not a failure: exit 0, no panic on stderr, and the action itself committed.
#[test]
fn a_closed_output_pipe_ends_quietly_and_the_action_stays_done() {
    let db = db();
    // A pipe whose reading end is gone before the child starts: every write fails with EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_fieldlog"))
        .arg("--db")
        .arg(&db.path)
        .args(["--json", "demo"])
        .env_remove("FIELDLOG_DB")
        // The tests read zh-CN text, whatever the machine's locale.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The demo data went in although nobody read the report of it.
    let contracts = json(&db.path, &["contract"]);
    assert!(!contracts.as_array().unwrap().is_empty());
}

/// An entry that reached a signed report after its signing (kept apart by the sync server,
/// `held_at` set, as a laptop stores it from the feed): `report show` lists it apart from the
/// signed entries, labelled, with when it was kept apart; `--json` has it in `held_entries`
/// only; the report still matches its signature.
#[test]
fn report_show_lists_a_held_entry_apart_from_the_signed_ones() {
    let db = db();
    ok(&db.path, &["demo"]);
    let reports = json(&db.path, &["report", "list"]);
    let signed = reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "signed" && r["amends"].is_null())
        .unwrap();
    let id = signed["id"].as_str().unwrap().to_owned();
    let before = json(&db.path, &["report", "show", &id]);
    assert!(before.get("held_entries").is_none());
    let entries = before["entries"].as_array().unwrap().len();
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute(
        "INSERT INTO report_entries (id, report_id, position, site_id, fault_cause, resolved,
                                     work_done, held_at)
         SELECT '0193a0b4-0000-7000-8000-00000000e001', id, 1,
                (SELECT site_id FROM report_entries WHERE report_id = ?1 LIMIT 1),
                '签字后才到', 1, '另一台电脑补记的处理', '2026-12-07T02:30:00Z'
         FROM daily_reports WHERE id = ?1",
        [&id],
    )
    .unwrap();
    drop(conn);

    let shown = json(&db.path, &["report", "show", &id]);
    assert_eq!(shown["content_intact"], true);
    assert_eq!(shown["entries"], before["entries"]);
    assert_eq!(shown["row"]["entry_count"], entries);
    let held = shown["held_entries"].as_array().unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["work_done"], "另一台电脑补记的处理");
    assert_eq!(held[0]["held_at"], "2026-12-07T02:30:00Z");

    let text = ok(&db.path, &["report", "show", &id]);
    let (signed_part, held_part) = text
        .split_once("签字后收到的记录（待核对，不属于已签字内容）")
        .unwrap_or_else(|| panic!("no held section:\n{text}"));
    assert!(held_part.contains("Received after signing"), "{text}");
    assert!(!signed_part.contains("另一台电脑补记的处理"), "{text}");
    assert!(held_part.contains("另一台电脑补记的处理"), "{text}");
    assert!(held_part.contains("2026-12-07 10:30"), "{text}");
}
