//! PAdES B-T: an enrolled laptop's export carries an RFC 3161 time stamp from its server's
//! time-stamping authority (a certificate the server's CA issued), over the signature value.
//! `fieldlog verify`, pyHanko (trusting the server's root) and pdfsig accept it; with the
//! server gone, the export is B-B and says so.

mod common;

use common::{Enrolled, enrolled_laptop, fieldlog, ok, signed_report};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const TECHNICIAN: &str = "测试甲";

fn tool(name: &str, env_var: &str) -> PathBuf {
    std::env::var_os(env_var)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../.venv/bin")
                .join(name);
            venv.is_file().then_some(venv)
        })
        .unwrap_or_else(|| PathBuf::from(name))
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn export_json(db: &Path, pdf: &Path) -> Value {
    let id = signed_report(db);
    common::json(
        db,
        &["export", "daily", &id, "--out", pdf.to_str().unwrap()],
    )
}

#[test]
fn an_online_export_is_time_stamped_by_the_server_and_an_offline_one_says_it_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let Enrolled {
        server,
        laptop,
        root,
        ..
    } = enrolled_laptop(dir.path(), TECHNICIAN);

    let online = dir.path().join("online.pdf");
    let exported = export_json(&laptop, &online);
    assert_eq!(exported["pades_level"], "B-T", "{exported}");
    let out = fieldlog(&laptop, &["--json", "verify", online.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stamp = &v["signatures"][0]["timestamp"];
    assert_eq!(stamp["trust"]["status"], "trusted", "{v}");
    let time = chrono::DateTime::parse_from_rfc3339(stamp["time"].as_str().unwrap()).unwrap();
    assert!(
        (chrono::Utc::now() - time.to_utc()).num_minutes().abs() < 2,
        "{v}"
    );
    let human = ok(&laptop, &["verify", online.to_str().unwrap()]);
    assert!(
        human.contains("时间戳 time stamp") && human.contains("可信"),
        "{human}"
    );

    // pyHanko, trusting only the server's root, validates the signature and its time stamp.
    let out = Command::new(tool("pyhanko", "PYHANKO"))
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--no-revocation-check",
            "--trust",
        ])
        .arg(&root)
        .arg(&online)
        .output()
        .expect("pyhanko (cargo xtask setup test)");
    let report = text(&out);
    eprintln!("pyHanko on the B-T file:\n{report}");
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("The signature is judged VALID."),
        "{report}"
    );
    for line in [
        "Signature timestamp token:",
        "This timestamp is backed by a time stamping authority.",
        "The timestamp token is cryptographically sound.",
        "The TSA certificate is trusted.",
        "The signature covers the entire file.",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
    // pdfsig still validates it.
    let out = Command::new(tool("pdfsig", "PDFSIG"))
        .arg(&online)
        .output()
        .expect("pdfsig (poppler-utils)");
    assert!(text(&out).contains("Signature is Valid."), "{}", text(&out));

    // The server away: the export is B-B, and says so.
    drop(server);
    let offline = dir.path().join("offline.pdf");
    let exported = export_json(&laptop, &offline);
    assert_eq!(exported["pades_level"], "B-B", "{exported}");
    let said = ok(
        &laptop,
        &[
            "export",
            "daily",
            &signed_report(&laptop),
            "--out",
            dir.path().join("offline-2.pdf").to_str().unwrap(),
        ],
    );
    assert!(
        said.contains("B-B") && said.contains("无可信时间戳"),
        "{said}"
    );
    let v = fieldlog(&laptop, &["--json", "verify", offline.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&v.stdout).unwrap();
    assert!(v["signatures"][0]["timestamp"].is_null(), "{v}");
}
