//! Server-issued signing certificates, end to end: the real `fieldlog` binary enrolls against a
//! real server on a loopback port, sends its public key, keeps the certificate the server's CA
//! issued, and signs its exports with it. pyHanko (`--trust` the server's root) and poppler's
//! pdfsig (the root in a throwaway NSS database) then validate the signature *and* trust the
//! signer; another server's root is not enough; one flipped byte fails all of them.

mod common;

use common::{dump, export_signed, fieldlog, json, ok};
use fieldlog_server::{RunningServer, SqliteStorage, admin};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const CONTRACT: &str = "county-police-village-query";
const TECHNICIAN: &str = "测试甲";

/// `$ENV_VAR`, then PATH, then the workspace's `.venv/bin`; a missing tool fails the test with
/// how to install it.
fn tool(name: &str, env_var: &str, install: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    let in_venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../.venv/bin")
        .join(name);
    std::env::var_os(env_var)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or(on_path)
        .or_else(|| in_venv.is_file().then_some(in_venv))
        .unwrap_or_else(|| panic!("{name} not found (set {env_var}, or install it: {install})"))
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// pyHanko's verdict on `pdf` when it trusts only `root`.
fn pyhanko(pdf: &Path, root: &Path) -> (bool, String) {
    let out = Command::new(tool(
        "pyhanko",
        "PYHANKO",
        "cargo xtask setup test (pyhanko-cli in .venv)",
    ))
    .args([
        "sign",
        "validate",
        "--pretty-print",
        "--no-revocation-check",
        "--trust",
    ])
    .arg(root)
    .arg(pdf)
    .output()
    .unwrap();
    (out.status.success(), text(&out))
}

/// pdfsig's report on `pdf` with an NSS database that trusts `root` (or nothing).
fn pdfsig(pdf: &Path, nss: &Path, root: Option<&Path>) -> String {
    let certutil = tool("certutil", "CERTUTIL", "apt-get install -y libnss3-tools");
    std::fs::create_dir_all(nss).unwrap();
    let db = format!("sql:{}", nss.display());
    let made = Command::new(&certutil)
        .args(["-N", "-d", &db, "--empty-password"])
        .output()
        .unwrap();
    assert!(made.status.success(), "certutil -N: {}", text(&made));
    if let Some(root) = root {
        // C: a CA trusted to issue certificates, for TLS, e-mail and object signing alike.
        let added = Command::new(&certutil)
            .args(["-A", "-d", &db, "-n", "fieldlog-root", "-t", "C,C,C", "-i"])
            .arg(root)
            .output()
            .unwrap();
        assert!(added.status.success(), "certutil -A: {}", text(&added));
    }
    let out = Command::new(tool("pdfsig", "PDFSIG", "apt-get install -y poppler-utils"))
        .args(["-nssdir", &db])
        .arg(pdf)
        .output()
        .unwrap();
    text(&out)
}

#[test]
fn an_enrolled_laptop_signs_with_the_server_issued_certificate_and_validators_trust_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(SqliteStorage::open(dir.path().join("server.sqlite")).unwrap());
    admin::add_contract(&*storage, CONTRACT, "村居警务查询运维").unwrap();
    let technician = admin::add_technician(&*storage, TECHNICIAN).unwrap();
    admin::assign(&*storage, &technician, CONTRACT).unwrap();
    let code = admin::enrollment_code(&*storage, &technician, chrono::Utc::now()).unwrap();
    let server = RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();

    let laptop = dir.path().join("laptop.sqlite");
    ok(&laptop, &["init", "--name", TECHNICIAN]);
    ok(&laptop, &["demo"]);

    // Before enrolling, exports are signed with the profile's self-issued certificate.
    let before = dir.path().join("before.pdf");
    export_signed(&laptop, &before);
    // Self-issued: intact, but no configured root vouches for the signer (exit code 3; it was 0
    // before verification asked for a chain to a trusted root).
    let before_enrolling = fieldlog(&laptop, &["--json", "verify", before.to_str().unwrap()]);
    assert_eq!(before_enrolling.status.code(), Some(3));
    let verified: Value = serde_json::from_slice(&before_enrolling.stdout).unwrap();
    assert_eq!(verified["self_issued"], true, "{verified}");
    assert_eq!(verified["verdict"], "signer_not_verified", "{verified}");

    let enrolled = json(
        &laptop,
        &["enroll", "--server", &server.url(), "--code", &code],
    );
    let serial = enrolled["signing_certificate_serial"]
        .as_str()
        .expect("the server issued a certificate")
        .to_owned();
    let issued = admin::issued_certificates(&*storage).unwrap();
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].serial, serial);
    assert_eq!(issued[0].technician_id, technician);
    assert_eq!(issued[0].device_id, enrolled["device_id"].as_str().unwrap());

    let root_pem = admin::ca_certificate(&*storage, chrono::Utc::now()).unwrap();
    let root = dir.path().join("server-root.pem");
    std::fs::write(&root, &root_pem).unwrap();
    let root_name = fieldlog_certs::common_name(
        &fieldlog_certs::certificates_from_pem(&root_pem).unwrap()[0]
            .tbs_certificate
            .subject,
    )
    .unwrap();

    let after = dir.path().join("after.pdf");
    export_signed(&laptop, &after);
    let verified: Value = json(&laptop, &["verify", after.to_str().unwrap()]);
    assert_eq!(verified["signer"], TECHNICIAN, "{verified}");
    assert_eq!(verified["intact"], true, "{verified}");
    assert_eq!(verified["self_issued"], false, "{verified}");
    // Trusted through the root the laptop saved at enrollment.
    assert_eq!(verified["trusted"], true, "{verified}");
    assert_eq!(verified["issuer"], root_name.as_str(), "{verified}");
    let human = ok(&laptop, &["verify", after.to_str().unwrap()]);
    assert!(
        human.contains(&format!("经信任的根证书“{root_name}”核实")),
        "{human}"
    );

    // pyHanko trusting only the server's root: valid, and the signer trusted.
    let (valid, out) = pyhanko(&after, &root);
    assert!(valid, "pyHanko:\n{out}");
    assert!(out.contains("The signature is judged VALID."), "{out}");
    assert!(
        out.contains("The signer's certificate is trusted."),
        "{out}"
    );
    assert!(out.contains(TECHNICIAN), "{out}");

    // Another server's root does not vouch for this signer.
    let stranger =
        fieldlog_certs::Authority::generate(&root_name, Some("Fieldlog"), chrono::Utc::now(), 30)
            .unwrap();
    let stranger_root = dir.path().join("stranger-root.pem");
    std::fs::write(&stranger_root, stranger.certificate_pem()).unwrap();
    let (valid, out) = pyhanko(&after, &stranger_root);
    assert!(!valid, "pyHanko trusted a stranger's root:\n{out}");
    assert!(!out.contains("judged VALID"), "{out}");

    // pdfsig: the signature is valid either way; the certificate is trusted only with the root.
    let out = pdfsig(&after, &dir.path().join("nss-root"), Some(&root));
    assert!(out.contains("Signature is Valid."), "{out}");
    assert!(out.contains("Certificate is Trusted."), "{out}");
    let out = pdfsig(&after, &dir.path().join("nss-empty"), None);
    assert!(out.contains("Signature is Valid."), "{out}");
    assert!(!out.contains("Certificate is Trusted."), "{out}");

    // One flipped byte in the signed range: every validator calls it altered.
    let mut bytes = std::fs::read(&after).unwrap();
    let at = bytes
        .windows(7)
        .position(|w| w == b"stream\n" || w == b"stream\r")
        .unwrap()
        + 40;
    bytes[at] ^= 0x01;
    let tampered = dir.path().join("tampered.pdf");
    std::fs::write(&tampered, &bytes).unwrap();
    let (valid, out) = pyhanko(&tampered, &root);
    assert!(!valid, "pyHanko accepted a tampered file:\n{out}");
    assert!(!out.contains("judged VALID"), "{out}");
    let out = pdfsig(&tampered, &dir.path().join("nss-tampered"), Some(&root));
    assert!(!out.contains("Signature is Valid."), "{out}");
    let refused = fieldlog(&laptop, &["verify", tampered.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(4));
    assert!(
        String::from_utf8_lossy(&refused.stdout).contains("已被改动"),
        "{}",
        text(&refused)
    );
}

/// `fieldlog enroll --ca-cert` against a real HTTPS server: without the administrator's root the
/// binary says to check the server certificate (code `network`) and keeps nothing; with it, the
/// laptop enrolls, and later `fieldlog sync` rounds trust the same root.
#[test]
fn enroll_and_sync_over_https_with_the_administrators_root() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(SqliteStorage::open(dir.path().join("server.sqlite")).unwrap());
    let technician = admin::add_technician(&*storage, TECHNICIAN).unwrap();
    // The demo data's two contracts.
    for contract in [CONTRACT, "city-egov-extranet"] {
        admin::add_contract(&*storage, contract, contract).unwrap();
        admin::assign(&*storage, &technician, contract).unwrap();
    }
    let code = admin::enrollment_code(&*storage, &technician, chrono::Utc::now()).unwrap();
    // The server's own CA issues its TLS certificate, as `fieldlog-server tls-cert` does.
    let hosts = ["127.0.0.1".to_owned()];
    let (cert, key) = admin::tls_certificate(&*storage, &hosts, 7, chrono::Utc::now()).unwrap();
    let server =
        RunningServer::start_tls(storage.clone(), "127.0.0.1:0".parse().unwrap(), &cert, &key)
            .unwrap();
    let root = dir.path().join("server-root.pem");
    std::fs::write(
        &root,
        admin::ca_certificate(&*storage, chrono::Utc::now()).unwrap(),
    )
    .unwrap();

    let laptop = dir.path().join("laptop.sqlite");
    ok(&laptop, &["init", "--name", TECHNICIAN]);
    ok(&laptop, &["demo"]);
    let enroll = ["enroll", "--server", &server.url(), "--code", &code];
    let refused_as = |args: &[&str], code: &str, says: &str| {
        let refused = fieldlog(&laptop, &[&["--json"][..], &enroll[..], args].concat());
        assert!(!refused.status.success());
        let error: Value = serde_json::from_slice::<Value>(&refused.stderr)
            .unwrap_or_else(|_| panic!("{}", text(&refused)))["error"]
            .clone();
        assert_eq!(error["code"], code, "{error}");
        assert!(error["message"].as_str().unwrap().contains(says), "{error}");
    };
    refused_as(&[], "network", "请检查服务器证书");
    let status = json(&laptop, &["sync", "--status"]);
    assert_eq!(status["enrolled"], false, "{status}");

    // A file that is not a certificate (issue 19: the same check as the app's root file).
    let not_root = dir.path().join("readme.txt");
    std::fs::write(&not_root, "这不是证书\n").unwrap();
    let before = dump(&laptop);
    refused_as(
        &["--ca-cert", not_root.to_str().unwrap()],
        "invalid_input",
        "根证书文件无法读取",
    );
    assert_eq!(before, dump(&laptop), "a bad root file changed the profile");

    let root_arg = root.to_str().unwrap();
    ok(
        &laptop,
        &[&enroll[..], &["--ca-cert", root_arg][..]].concat(),
    );
    let round = json(&laptop, &["sync"]);
    assert!(round["round"]["pushed"].as_u64().unwrap() > 0, "{round}");
    assert_eq!(json(&laptop, &["sync", "--status"])["pending_changes"], 0);
}
