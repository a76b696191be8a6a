//! `--lang en` through the commands a technician uses: every sentence the CLI prints is English;
//! the only Chinese left is data a person typed (the demo's names, addresses, descriptions), which
//! is collected from the same records' `--json` output and set aside before looking.

mod common;

use common::json;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn han(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c) || ('\u{f900}'..='\u{faff}').contains(&c)
}

/// Every string in `value` that a person entered: labels (`*_label`), the policy's rule text and
/// `device` (the documents' "kind model", whose kind is a label; `device_model` is collected) are
/// the CLI's or the domain's own words, not data, so they are not collected.
fn collect_data(value: &Value, key: &str, out: &mut Vec<String>) {
    match value {
        Value::String(s)
            if !key.ends_with("label") && !key.starts_with("rule") && key != "device" =>
        {
            out.push(s.clone())
        }
        Value::Array(items) => items.iter().for_each(|v| collect_data(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| collect_data(v, k, out)),
        _ => {}
    }
}

/// Runs `fieldlog --lang en ARGS` and returns (success, stdout + stderr).
fn english(db: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fieldlog"))
        .arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .env_remove("FIELDLOG_DB")
        // --lang wins over a Chinese locale.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn english_mode_prints_no_chinese_outside_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");

    let mut runs: Vec<(Vec<String>, bool, String)> = Vec::new();
    let mut run = |args: &[&str]| {
        let (ok, text) = english(&db, args);
        runs.push((args.iter().map(|a| a.to_string()).collect(), ok, text));
    };
    // Before there is a profile: an action that needs one is refused.
    run(&["report", "new", "--contract", "x"]);
    run(&["init", "--name", "Li Wei"]);
    run(&["demo"]);
    run(&["demo"]);

    // The data the later commands show, from their --json form.
    let mut data = Vec::new();
    let contracts = json(&db, &["contract"]);
    let contract = contracts[0]["code"].as_str().unwrap().to_owned();
    collect_data(&contracts, "", &mut data);
    collect_data(&json(&db, &["site", "list"]), "", &mut data);
    collect_data(&json(&db, &["contract", &contract]), "", &mut data);
    collect_data(&json(&db, &["parts", "balance"]), "", &mut data);
    let faults = json(&db, &["fault", "list", "--all"]);
    collect_data(&faults, "", &mut data);
    let fault = faults[0]["id"].as_str().unwrap().to_owned();
    let month = faults[0]["reported_at"].as_str().unwrap()[..7].to_owned();
    collect_data(&json(&db, &["fault", "show", &fault]), "", &mut data);
    let reports = json(&db, &["report", "list"]);
    collect_data(&reports, "", &mut data);
    let mut report_ids = Vec::new();
    for r in reports.as_array().unwrap() {
        let id = r["id"].as_str().unwrap().to_owned();
        collect_data(&json(&db, &["report", "show", &id]), "", &mut data);
        report_ids.push(id);
    }
    // Longest first, so a name is not cut by a shorter one inside it.
    data.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    data.retain(|s| s.chars().any(han));

    run(&["contract"]);
    run(&["contract", &contract]);
    run(&["site", "list"]);
    run(&["fault", "list"]);
    run(&["fault", "list", "--all"]);
    run(&["fault", "show", &fault]);
    run(&["fault", "clocks", &fault]);
    run(&["report", "list"]);
    for id in &report_ids {
        run(&["report", "show", id]);
    }
    run(&["parts", "balance"]);
    run(&["sla", "policy", "--contract", &contract]);
    run(&[
        "sla",
        "compliance",
        "--contract",
        &contract,
        "--month",
        &month,
    ]);
    run(&["summary", "--contract", &contract, "--month", &month]);
    run(&["sync", "--status"]);
    run(&["audit", "verify"]);
    // Refused actions.
    run(&["fault", "show", "deadbeef"]);
    run(&["parts", "use", "BJ-WPC", "--qty", "100000"]);
    run(&["arrive"]);
    run(&["summary", "--contract", &contract]);
    // `verify` with a trust file that is no certificate, and a file with no signature.
    let not_pdf = dir.path().join("not-signed.pdf");
    std::fs::write(&not_pdf, b"%PDF-1.4\nno signature here\n").unwrap();
    let not_root = dir.path().join("not-a-root.pem");
    std::fs::write(&not_root, b"not a certificate").unwrap();
    let not_pdf = not_pdf.to_str().unwrap();
    run(&["verify", not_pdf, "--trust", not_root.to_str().unwrap()]);
    run(&["verify", not_pdf]);

    let mut chinese = Vec::new();
    for (args, _, text) in &runs {
        for line in text.lines() {
            let mut rest = line.to_owned();
            for d in &data {
                rest = rest.replace(d.as_str(), "");
            }
            if rest.chars().any(han) {
                chinese.push(format!("fieldlog --lang en {}: {line}", args.join(" ")));
            }
        }
    }
    assert!(
        chinese.is_empty(),
        "{} line(s) with Chinese outside data:\n{}",
        chinese.len(),
        chinese.join("\n")
    );
    // The refused actions were refused, the others not.
    for (args, ok, text) in &runs {
        let refused = args[0] == "report" && args[1] == "new"
            || args.iter().any(|a| a == "deadbeef" || a == "100000")
            || args == &["arrive"]
            || args.len() == 3 && args[0] == "summary"
            || args[0] == "verify";
        assert_eq!(*ok, !refused, "{args:?}: {text}");
    }
    // Each refusal says what is wrong, in English.
    let said = |first: &str, needle: &str| {
        assert!(
            runs.iter()
                .any(|(args, _, text)| args[0] == first && text.contains(needle)),
            "no `{first}` run said '{needle}'"
        )
    };
    said("verify", "Cannot read the trusted root or the CRL");
    said("verify", "The file carries no digital signature");
}
