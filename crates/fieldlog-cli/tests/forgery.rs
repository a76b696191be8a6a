//! Forged evidence against the real `fieldlog verify`, as an attacker would make it: (a) a
//! report re-signed with a self-made certificate copying the technician's name, (b) the same
//! with a made-up "server CA" of the real one's name embedded, (c) a genuine signed PDF plus an
//! appended revision that changes the page plus a second signature. None of them may be called
//! trusted; (c) is not intact at all. The genuine file is trusted through the server root saved
//! at enrollment, or through `--trust`. Exit codes: 0 trusted, 3 intact but signer not verified,
//! 4 not intact or forged.

mod common;

use common::{Enrolled, enrolled_laptop, export_signed, fieldlog, ok};
use fieldlog_server::admin;
use serde_json::Value;
use std::path::{Path, PathBuf};

const TECHNICIAN: &str = "测试甲";

/// `fieldlog verify` with `--db db` and `extra` arguments: (exit code, JSON, human text).
fn verify(db: &Path, pdf: &Path, extra: &[&str]) -> (i32, Value, String) {
    let file = pdf.to_str().unwrap();
    let out = fieldlog(db, &[&["--json", "verify", file][..], extra].concat());
    let value: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "verify --json: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let human = fieldlog(db, &[&["verify", file][..], extra].concat());
    assert_eq!(human.status.code(), out.status.code());
    (
        out.status.code().unwrap(),
        value,
        String::from_utf8_lossy(&human.stdout).into_owned(),
    )
}

/// The page's content changed in an incremental update: a white box over the entries.
fn append_changed_revision(pdf: &[u8]) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let page_id = *doc.get_pages().values().next().unwrap();
    let mut content = doc.get_page_content(page_id);
    content.extend_from_slice(b"\nq 1 1 1 rg 30 200 540 400 re f Q\n");
    let mut inc = lopdf::IncrementalDocument::create_from(pdf.to_vec(), doc);
    let stream = inc
        .new_document
        .add_object(lopdf::Stream::new(lopdf::Dictionary::new(), content));
    inc.opt_clone_object_to_new_document(page_id).unwrap();
    inc.new_document
        .get_object_mut(page_id)
        .unwrap()
        .as_dict_mut()
        .unwrap()
        .set("Contents", lopdf::Object::Reference(stream));
    let mut out = Vec::new();
    inc.save_to(&mut out).unwrap();
    out
}

/// Where the forgeries are kept after the test, to run other validators on them.
fn keep(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("forgeries");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn forged_certificates_forged_cas_and_added_revisions_are_never_trusted() {
    let dir = tempfile::tempdir().unwrap();
    // The technician's laptop, enrolled: its exports carry the server-issued certificate.
    let Enrolled {
        storage,
        server: _server,
        laptop,
        technician,
        root,
        root_name,
    } = enrolled_laptop(dir.path(), TECHNICIAN);
    let genuine = dir.path().join("genuine.pdf");
    export_signed(&laptop, &genuine);
    keep("genuine.pdf", &std::fs::read(&genuine).unwrap());
    let trust = ["--trust", root.to_str().unwrap()];
    // A reader with no profile at all (nothing is created for it).
    let nobody = dir.path().join("no-profile.sqlite");

    // The genuine file: trusted through the enrollment root, or through --trust.
    let (code, v, human) = verify(&laptop, &genuine, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verdict"], "trusted", "{v}");
    assert_eq!(v["signatures"][0]["trust"]["root"], root_name.as_str());
    assert!(human.contains("经信任的根证书"), "{human}");
    let (code, v, _) = verify(&nobody, &genuine, &trust);
    assert_eq!(code, 0, "{v}");
    assert!(!nobody.exists(), "verify made a profile");
    // The server's CA revokes the certificate: with its CRL at hand, the signer is not trusted.
    let authority = {
        use fieldlog_server::Storage;
        storage
            .transaction(|tx| fieldlog_server::ca::authority(tx, chrono::Utc::now()))
            .unwrap()
    };
    let serial = admin::issued_certificates(&*storage).unwrap()[0]
        .serial
        .clone();
    let crl = authority
        .crl(
            &[(serial.clone(), chrono::Utc::now())],
            chrono::Utc::now(),
            7,
        )
        .unwrap();
    let crl_path = dir.path().join("server.crl");
    std::fs::write(&crl_path, fieldlog_certs::crl_pem(&crl).unwrap()).unwrap();
    let (code, v, human) = verify(&laptop, &genuine, &["--crl", crl_path.to_str().unwrap()]);
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["signatures"][0]["trust"]["status"], "revoked", "{v}");
    assert_eq!(
        v["signatures"][0]["trust"]["serial"],
        serial.as_str(),
        "{v}"
    );
    assert!(human.contains("已吊销"), "{human}");
    // Another authority's list of the same serial is no revocation.
    let stranger_crl =
        fieldlog_certs::Authority::generate(&root_name, None, chrono::Utc::now(), 30)
            .unwrap()
            .crl(&[(serial, chrono::Utc::now())], chrono::Utc::now(), 7)
            .unwrap();
    std::fs::write(&crl_path, fieldlog_certs::crl_pem(&stranger_crl).unwrap()).unwrap();
    let (code, v, _) = verify(&laptop, &genuine, &["--crl", crl_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{v}");

    // Without any trusted root it is intact, but nobody vouches for the signer.
    let (code, v, _) = verify(&nobody, &genuine, &[]);
    assert_eq!(code, 3, "{v}");
    assert_eq!(v["verdict"], "signer_not_verified", "{v}");

    // (a) The attacker's own laptop, a self-made certificate copying the technician's name.
    let attacker = dir.path().join("attacker.sqlite");
    ok(&attacker, &["init", "--name", TECHNICIAN]);
    ok(&attacker, &["demo"]);
    let forged_a = dir.path().join("forged-a.pdf");
    export_signed(&attacker, &forged_a);
    keep("forged-a-self-made.pdf", &std::fs::read(&forged_a).unwrap());
    for (db, extra) in [(&laptop, &[][..]), (&nobody, &trust[..])] {
        let (code, v, human) = verify(db, &forged_a, extra);
        assert_eq!(code, 3, "(a) {v}");
        assert_eq!(v["verdict"], "signer_not_verified", "(a) {v}");
        assert_eq!(v["signer"], TECHNICIAN);
        assert_eq!(v["trusted"], false);
        assert!(human.contains("未经核实"), "(a) {human}");
    }

    // (b) A made-up "server CA" of the real one's name issues the attacker a certificate for
    // their key, and the signature carries it along.
    let conn = rusqlite::Connection::open(&attacker).unwrap();
    let key_pem: String = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'signing_key_pem'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let fake_ca = fieldlog_certs::Authority::generate(
        &root_name,
        Some("Fieldlog"),
        chrono::Utc::now() - chrono::Duration::days(1),
        365,
    )
    .unwrap();
    let fake_leaf = fake_ca
        .issue(
            &fieldlog_certs::Purpose::DocumentSigning,
            fieldlog_certs::name(TECHNICIAN, Some("Fieldlog"), Some(&technician)).unwrap(),
            fieldlog_certs::public_key_from_pem(&fieldlog_certs::public_key_pem(&key_pem).unwrap())
                .unwrap(),
            chrono::Utc::now(),
            365,
        )
        .unwrap();
    for (key, value) in [
        (
            "signing_certificate_pem",
            fieldlog_certs::certificate_pem(&fake_leaf),
        ),
        ("signing_certificate_chain_pem", fake_ca.certificate_pem()),
    ] {
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            [key, &value],
        )
        .unwrap();
    }
    drop(conn);
    let forged_b = dir.path().join("forged-b.pdf");
    export_signed(&attacker, &forged_b);
    keep(
        "forged-b-made-up-ca.pdf",
        &std::fs::read(&forged_b).unwrap(),
    );
    for (db, extra) in [(&laptop, &[][..]), (&nobody, &trust[..])] {
        let (code, v, human) = verify(db, &forged_b, extra);
        assert_eq!(code, 3, "(b) {v}");
        assert_eq!(v["signatures"][0]["issuer"], root_name.as_str(), "(b) {v}");
        assert_eq!(v["signatures"][0]["trust"]["status"], "not_verified");
        assert!(!human.contains("经信任的根证书"), "(b) {human}");
        assert!(human.contains("未经核实"), "(b) {human}");
    }

    // (c) The genuine file, a revision that whites out the entries, and a second signature.
    let changed = append_changed_revision(&std::fs::read(&genuine).unwrap());
    let now = chrono::Utc::now();
    let stranger = fieldlog_pdf::SigningIdentity::generate(
        TECHNICIAN,
        Some("Fieldlog"),
        now - chrono::Duration::hours(1),
        365,
    )
    .unwrap();
    let forged_c = fieldlog_pdf::sign_pdf(
        &changed,
        &stranger,
        TECHNICIAN,
        "每日设备维护报告签字确认",
        now.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()),
    )
    .unwrap();
    let forged_c = keep("forged-c-added-revision.pdf", &forged_c);
    for (db, extra) in [(&laptop, &[][..]), (&nobody, &trust[..])] {
        let (code, v, human) = verify(db, &forged_c, extra);
        assert_eq!(code, 4, "(c) {v}");
        assert_eq!(v["verdict"], "not_intact", "(c) {v}");
        let signatures = v["signatures"].as_array().unwrap();
        assert_eq!(signatures.len(), 2, "(c) {v}");
        // The genuine signature is still intact and trusted, but covers an earlier revision.
        assert_eq!(signatures[0]["intact"], true);
        assert_eq!(signatures[0]["trust"]["status"], "trusted");
        assert_eq!(signatures[1]["trust"]["status"], "not_verified");
        let (first, second) = (
            signatures[0]["revision"].as_u64().unwrap(),
            signatures[1]["revision"].as_u64().unwrap(),
        );
        assert!(first < second, "(c) {v}");
        assert_eq!(v["revisions"].as_u64().unwrap(), second, "(c) {v}");
        assert!(human.contains("签名 2"), "(c) {human}");
        assert!(human.contains("不能作为凭证"), "(c) {human}");
    }
}

#[test]
fn verify_documents_its_exit_codes() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fieldlog"))
        .args(["verify", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for line in ["0  ", "3  ", "4  ", "--trust", "--crl"] {
        assert!(help.contains(line), "{help}");
    }
}
