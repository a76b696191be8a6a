//! https:// through rustls, against a real server on a loopback port serving TLS with a
//! certificate for 127.0.0.1 and localhost issued by a throwaway CA: a laptop given that CA's root
//! (as `fieldlog enroll --ca-cert` does) enrolls and syncs over it, by IP address and by name; a
//! laptop that does not trust the CA gets a clear, non-retried TLS error and nothing is written,
//! on the laptop or on the server.

mod support;

use chrono::Utc;
use fieldlog_certs::Authority;
use fieldlog_store::Store;
use fieldlog_sync::SyncError;
use fieldlog_wire::ErrorCode;
use support::{Backend, CONTRACT, Laptop, Server, quick, start_time};

/// A server over HTTPS, and the root certificate (PEM) of the CA that issued its certificate.
/// TLS is transport, the same for both storage backends: these tests use SQLite.
fn tls_server() -> (Server, String) {
    let ca =
        Authority::generate("测试用 TLS 根证书", Some("Fieldlog 测试"), Utc::now(), 30).unwrap();
    let (cert, key) = fieldlog_certs::tls_server_identity(
        &ca,
        &["127.0.0.1".to_owned(), "localhost".to_owned()],
        Utc::now(),
        7,
    )
    .unwrap();
    let server = Server::start_tls(Backend::Sqlite, &cert, &key);
    (server, ca.certificate_pem())
}

fn new_laptop(name: &str) -> Laptop {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    store.init_profile(name, None, start_time()).unwrap();
    Laptop {
        dir,
        store,
        name: name.to_owned(),
    }
}

#[test]
fn a_laptop_trusting_the_administrators_root_enrolls_and_syncs_over_https() {
    let (server, root) = tls_server();
    assert!(
        server.url().starts_with("https://127.0.0.1:"),
        "{}",
        server.url()
    );

    let mut a = new_laptop("甲");
    let code = server.technician("甲", &[CONTRACT]);
    let enrolled = fieldlog_sync::enroll_trusting(
        &mut a.store,
        &server.url(),
        &code,
        "甲的笔记本",
        Some(&root),
        quick(),
    )
    .unwrap();
    assert!(enrolled.signing_certificate.is_some());
    assert_eq!(
        a.store.server_tls_root_pem().unwrap().as_deref(),
        Some(root.as_str())
    );
    a.set_up_contract(CONTRACT);
    let round = a.sync();
    assert!(round.pushed > 0, "{round:?}");
    assert_eq!(a.store.sync_status().unwrap().pending_changes, 0);

    // By name too: the certificate names localhost, and later rounds use the kept root.
    let port = server.running.addr.port();
    let mut b = new_laptop("乙");
    let code = server.technician("乙", &[CONTRACT]);
    fieldlog_sync::enroll_trusting(
        &mut b.store,
        &format!("https://localhost:{port}"),
        &code,
        "乙的笔记本",
        Some(&root),
        quick(),
    )
    .unwrap();
    let round = b.sync();
    assert!(round.applied > 0, "{round:?}");
    assert_eq!(b.contract(CONTRACT).0, a.contract(CONTRACT).0);
}

#[test]
fn a_laptop_that_does_not_trust_the_server_certificate_is_told_so_and_nothing_is_written() {
    let (server, root) = tls_server();
    let code = server.technician("丙", &[CONTRACT]);
    let server_before = server.dump();
    let mut laptop = new_laptop("丙");

    let stranger = Authority::generate("测试用 TLS 根证书", Some("Fieldlog 测试"), Utc::now(), 30)
        .unwrap()
        .certificate_pem();
    for trusted in [None, Some(stranger.as_str())] {
        let error = fieldlog_sync::enroll_trusting(
            &mut laptop.store,
            &server.url(),
            &code,
            "丙的笔记本",
            trusted,
            quick(),
        )
        .unwrap_err();
        assert!(matches!(error, SyncError::Tls(_)), "{error:?}");
        assert_eq!(error.code(), ErrorCode::Network);
        let message = error.to_string();
        assert!(message.contains("请检查服务器证书"), "{message}");
        assert!(message.contains("--ca-cert"), "{message}");

        assert!(laptop.store.enrollment().unwrap().is_none());
        assert!(laptop.store.server_tls_root_pem().unwrap().is_none());
        assert!(laptop.store.signing_identity_pem().unwrap().is_none());
        assert_eq!(server.dump(), server_before, "the server wrote something");
    }

    // A root that is not a certificate at all is refused before any connection.
    let error = fieldlog_sync::enroll_trusting(
        &mut laptop.store,
        &server.url(),
        &code,
        "丙的笔记本",
        Some("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"),
        quick(),
    )
    .unwrap_err();
    assert!(matches!(error, SyncError::BadRoot(_)), "{error:?}");
    assert_eq!(error.code(), ErrorCode::InvalidInput);

    // The code was never used: with the right root it still enrolls.
    fieldlog_sync::enroll_trusting(
        &mut laptop.store,
        &server.url(),
        &code,
        "丙的笔记本",
        Some(&root),
        quick(),
    )
    .unwrap();
    assert!(laptop.store.enrollment().unwrap().is_some());
}

#[test]
fn an_enrolled_laptop_whose_server_changes_certificate_stops_with_the_tls_error() {
    let (server, root) = tls_server();
    let mut laptop = new_laptop("丁");
    let code = server.technician("丁", &[CONTRACT]);
    fieldlog_sync::enroll_trusting(
        &mut laptop.store,
        &server.url(),
        &code,
        "丁的笔记本",
        Some(&root),
        quick(),
    )
    .unwrap();
    laptop.set_up_contract(CONTRACT);
    let pending = laptop.store.sync_status().unwrap().pending_changes;

    // The same storage served again with a certificate from a CA the laptop never trusted.
    let mut server = server;
    let other = Authority::generate("另一个 CA", None, Utc::now(), 30).unwrap();
    let (cert, key) =
        fieldlog_certs::tls_server_identity(&other, &["127.0.0.1".to_owned()], Utc::now(), 7)
            .unwrap();
    server.restart_tls(&cert, &key);
    let error = laptop.sync_with(&quick()).unwrap_err();
    assert!(matches!(error, SyncError::Tls(_)), "{error:?}");
    assert_eq!(laptop.store.sync_status().unwrap().pending_changes, pending);
    let status = laptop.store.sync_status().unwrap();
    assert!(status.last_error.unwrap().contains("请检查服务器证书"));
}

/// The office console's session cookie (issue 17) is marked `Secure` when the server speaks
/// HTTPS, so a browser never sends it over plain HTTP.
#[test]
fn the_office_session_cookie_is_secure_over_https() {
    let (server, root) = tls_server();
    fieldlog_server::office::add_account_from_command_line(
        &*server.storage,
        &fieldlog_wire::office::v1::NewAccount {
            login: "admin".into(),
            name: "管理员".into(),
            role: fieldlog_wire::office::v1::Role::Administrator,
            password: "a long enough password".into(),
        },
        "command line:test",
        Utc::now(),
    )
    .unwrap();
    fieldlog_sync::install_tls_provider();
    let http = reqwest::blocking::Client::builder()
        .tls_certs_merge(reqwest::Certificate::from_pem_bundle(root.as_bytes()).unwrap())
        .build()
        .unwrap();
    let answer = http
        .post(format!("{}/office/v1/sign-in", server.url()))
        .json(&serde_json::json!({ "login": "admin", "password": "a long enough password" }))
        .send()
        .unwrap();
    assert_eq!(answer.status(), 200);
    let cookie = answer.headers()["set-cookie"].to_str().unwrap().to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Secure"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    // The audit log knows where the sign-in came from over TLS too.
    let log = fieldlog_server::office::in_read(&*server.storage, |tx| {
        Ok(tx.office().audit_after(0, 10)?)
    })
    .unwrap();
    let sign_in = log.iter().find(|e| e.action == "sign_in").unwrap();
    assert_eq!(sign_in.address, "127.0.0.1");
}
