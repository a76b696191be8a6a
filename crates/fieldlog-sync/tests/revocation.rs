//! A revoked laptop (issue 17), on both backends: a real laptop store enrolled with a real server
//! on a loopback port, revoked with the server's one revocation function. From that moment its
//! token is refused with `device_revoked` on every endpoint that takes one, the laptop's round
//! says so in Chinese, and nothing on the laptop changes (its outbox waits, untouched). Another
//! laptop syncs on. The CA's CRL, served at `/ca/crl.der`, parses, is signed by the CA, is
//! numbered, and lists exactly the revoked laptop's certificate; every certificate names it.

mod support;

use fieldlog_server::revocation;
use fieldlog_wire::ErrorCode;
use std::io::{Read, Write};
use support::{Backend, CONTRACT, Laptop, Server, on_each_backend, quick};

on_each_backend!(
    a_revoked_laptop_is_refused_everywhere_and_keeps_everything,
    the_crl_is_signed_by_the_ca_and_lists_exactly_the_revoked_certificates,
);

/// One plain HTTP/1.1 request to the server: (status, body).
fn http(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut stream = std::net::TcpStream::connect(server.running.addr).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        server.running.addr,
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    (status, answer[split + 4..].to_vec())
}

/// Every table of the laptop's profile but `sync_state`, where a round notes how it ended (the
/// sync status the app shows).
fn laptop_dump(laptop: &Laptop) -> String {
    let conn = rusqlite::Connection::open(laptop.dir.path().join("profile.sqlite")).unwrap();
    let kept = fieldlog_store::migrations::data_dump_except(&conn, &["sync_state"]).unwrap();
    assert!(kept.contains("== sync_outbox"), "the dump names its tables");
    kept
}

fn device_id(laptop: &Laptop) -> String {
    laptop.store.enrollment().unwrap().unwrap().device_id
}

fn a_revoked_laptop_is_refused_everywhere_and_keeps_everything(backend: Backend) {
    let server = Server::start(backend);
    let lost_code = server.technician("李工", &[CONTRACT]);
    let other_code = server.technician("王工", &[CONTRACT]);
    let mut lost = Laptop::enrolled("李工", &server.url(), &lost_code);
    let mut other = Laptop::enrolled("王工", &server.url(), &other_code);
    lost.set_up_contract(CONTRACT);
    lost.offline_work(CONTRACT, 10, true);
    lost.sync();
    other.sync();
    // Work done offline, waiting in the outbox when the office revokes the laptop.
    lost.offline_work(CONTRACT, 24 * 60 + 10, true);
    let waiting = lost.store.outbox_batch(10_000).unwrap().len();
    assert!(waiting > 0, "the laptop has changes waiting");
    let token = lost.store.enrollment().unwrap().unwrap().token;

    let revoked = revocation::revoke_device(
        &*server.storage,
        &device_id(&lost),
        "办公室管理员 张三",
        "笔记本遗失",
        chrono::Utc::now(),
    )
    .unwrap();
    let record = revoked.device.revocation.clone().unwrap();
    assert_eq!(record.revoked_by, "办公室管理员 张三");
    assert_eq!(record.reason, "笔记本遗失");
    assert_eq!(revoked.device.technician_name, "李工");
    let listed = revocation::devices(&*server.storage).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        listed
            .iter()
            .filter(|d| d.revocation.is_some())
            .map(|d| d.device_id.clone())
            .collect::<Vec<_>>(),
        vec![device_id(&lost)]
    );
    // Twice is refused; the first record stands.
    let again = revocation::revoke_device(
        &*server.storage,
        &device_id(&lost),
        "别人",
        "再来一次",
        chrono::Utc::now(),
    )
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    // An unknown device is not found, and nothing is written.
    let before = server.dump();
    let unknown = revocation::revoke_device(
        &*server.storage,
        "0190f0f0-0000-7000-8000-000000000000",
        "管理员",
        "测试",
        chrono::Utc::now(),
    )
    .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);
    assert_eq!(before, server.dump());

    // The laptop's next round: refused with the code, a Chinese message, nothing changed here.
    let before = laptop_dump(&lost);
    let refused = lost.sync_with(&quick()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::DeviceRevoked, "{refused}");
    assert!(!refused.transient(), "a revocation is not retried");
    let message = refused.to_string();
    assert!(
        message.contains("停用") && message.contains("联系办公室"),
        "{message}"
    );
    assert!(message.contains("数据"), "says its data is kept: {message}");
    // Compared without printing: the dump is large.
    assert!(
        before == laptop_dump(&lost),
        "the refused round changed the laptop's data"
    );
    assert_eq!(lost.store.outbox_batch(10_000).unwrap().len(), waiting);
    // The sync status (what the app shows) says why, in Chinese.
    let status = lost.store.sync_status().unwrap();
    assert_eq!(status.pending_changes, waiting as i64);
    let last_error = status.last_error.unwrap();
    assert!(last_error.contains("联系办公室"), "{last_error}");

    // Every sync endpoint refuses its token the same way, and writes nothing.
    let server_before = server.dump();
    let sha = "0".repeat(64);
    for (method, path, body) in [
        (
            "POST",
            "/v1/push".to_owned(),
            br#"{"changes":[]}"#.as_slice(),
        ),
        ("GET", "/v1/pull?after=0".to_owned(), b"".as_slice()),
        (
            "GET",
            format!("/v1/attachments/{sha}/status"),
            b"".as_slice(),
        ),
        (
            "PUT",
            format!("/v1/attachments/{sha}?offset=0&total=1"),
            b"x".as_slice(),
        ),
        ("GET", format!("/v1/attachments/{sha}"), b"".as_slice()),
        (
            "POST",
            "/v1/chain".to_owned(),
            br#"{"links":[]}"#.as_slice(),
        ),
        ("GET", "/v1/chain?after=0".to_owned(), b"".as_slice()),
        // `/v1/timestamp` takes no token (a public time-stamping authority, RFC 3161): a stamp
        // only proves a time, and a signature stamped after the revocation is still refused.
    ] {
        let (status, answer) = http(&server, method, &path, Some(&token), body);
        let answer: serde_json::Value = serde_json::from_slice(&answer)
            .unwrap_or_else(|_| panic!("{method} {path}: {}", String::from_utf8_lossy(&answer)));
        assert_eq!(status, 403, "{method} {path}: {answer}");
        assert_eq!(
            answer["code"], "device_revoked",
            "{method} {path}: {answer}"
        );
    }
    assert_eq!(
        server_before,
        server.dump(),
        "a refused request wrote something"
    );

    // The other laptop syncs on, and still receives what the revoked one sent before.
    other.sync();
    let (contract, _, _) = other.contract(CONTRACT);
    assert!(other.store.sites(Some(contract)).unwrap().len() == 1);
    // The revoked laptop's earlier work stays on the server.
    assert!(server.count("SELECT count(*) FROM records WHERE entity = 'faults'") > 0);
}

fn the_crl_is_signed_by_the_ca_and_lists_exactly_the_revoked_certificates(backend: Backend) {
    let server = Server::start(backend);
    // Certificates name the CRL at the server's public address once it is set.
    revocation::set_public_url(&*server.storage, &server.url()).unwrap();
    let crl_url = format!("{}/ca/crl.der", server.url());
    let codes: Vec<String> = ["甲", "乙", "丙"]
        .iter()
        .map(|name| server.technician(name, &[CONTRACT]))
        .collect();
    let laptops: Vec<Laptop> = ["甲", "乙", "丙"]
        .iter()
        .zip(&codes)
        .map(|(name, code)| Laptop::enrolled(name, &server.url(), code))
        .collect();
    let issued = fieldlog_server::admin::issued_certificates(&*server.storage).unwrap();
    assert_eq!(issued.len(), 3);
    for certificate in &issued {
        let parsed =
            &fieldlog_certs::certificates_from_pem(&certificate.certificate_pem).unwrap()[0];
        assert_eq!(fieldlog_certs::crl_urls(parsed), vec![crl_url.clone()]);
    }
    let root_pem =
        fieldlog_server::admin::ca_certificate(&*server.storage, chrono::Utc::now()).unwrap();
    let root = fieldlog_certs::certificates_from_pem(&root_pem)
        .unwrap()
        .remove(0);

    // Before any revocation: an empty list, numbered, signed by the CA, valid a week.
    let (status, der) = http(&server, "GET", "/ca/crl.der", None, b"");
    assert_eq!(status, 200);
    let empty = fieldlog_certs::crl_from_bytes(&der).unwrap();
    assert!(fieldlog_certs::crl_issued_by(&empty, &root));
    assert!(fieldlog_certs::crl_serials(&empty).is_empty());
    let first_number = fieldlog_certs::crl_number(&empty).expect("a CRL number");
    assert_eq!(
        empty.tbs_cert_list.version,
        fieldlog_certs::x509_cert::Version::V2
    );
    let this_update = empty.tbs_cert_list.this_update.to_unix_duration().as_secs();
    let next_update = empty
        .tbs_cert_list
        .next_update
        .unwrap()
        .to_unix_duration()
        .as_secs();
    assert_eq!(next_update - this_update, 7 * 24 * 3600);
    // Asked again, the same list (one number names one list).
    assert_eq!(http(&server, "GET", "/ca/crl.der", None, b"").1, der);

    // Two of the three laptops revoked: the list names exactly their certificates.
    let mut expected = Vec::new();
    for laptop in &laptops[..2] {
        let revoked = revocation::revoke_device(
            &*server.storage,
            &device_id(laptop),
            "管理员",
            "技服离职",
            chrono::Utc::now(),
        )
        .unwrap();
        expected.extend(revoked.device.certificate_serials.clone());
    }
    assert_eq!(expected.len(), 2);
    let (_, der) = http(&server, "GET", "/ca/crl.der", None, b"");
    let crl = fieldlog_certs::crl_from_bytes(&der).unwrap();
    assert!(fieldlog_certs::crl_issued_by(&crl, &root));
    let mut listed = fieldlog_certs::crl_serials(&crl);
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(fieldlog_certs::crl_number(&crl), Some(first_number + 2));

    // A list signed by another key under the CA's very name is not the CA's.
    let name = fieldlog_certs::common_name(&root.tbs_certificate.subject).unwrap();
    let forger =
        fieldlog_certs::Authority::generate(&name, Some("Fieldlog"), chrono::Utc::now(), 30)
            .unwrap();
    let forged = forger
        .numbered_crl(&[], Some(first_number + 100), chrono::Utc::now(), 7)
        .unwrap();
    assert!(!fieldlog_certs::crl_issued_by(&forged, &root));
}
