//! Issue 19, the first start: a laptop with only a technician enrolls from the app's form
//! (`fieldlog_sync::enrollment::enroll_and_sync`) against a real server on a loopback port, and
//! its first sync round brings the contract, its policy, its site and its part, which the answer
//! counts. Over HTTPS the administrator's root arrives as the file's bytes (PEM or DER); bytes that
//! are not a certificate, a bad QR text, an unreachable server and a used code are each refused
//! with a clear message, and the laptop's full data dump (and the server's) is unchanged.

mod support;

use chrono::Utc;
use fieldlog_certs::Authority;
use fieldlog_store::Store;
use fieldlog_sync::SyncError;
use fieldlog_sync::enrollment::enroll_and_sync;
use fieldlog_wire::office::v1::people::EnrollmentLink;
use fieldlog_wire::v1::{Arrived, EnrollForm};
use fieldlog_wire::{ErrorCode, Lang, ToErrorBody};
use support::{Backend, CONTRACT, Laptop, Server, on_each_backend, quick, start_time};

/// A fresh laptop: a technician named at the first start, nothing else.
fn first_start_laptop(name: &str) -> Laptop {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    fieldlog_store::desk::set_profile(&mut store, name, Some("T-0019"), start_time()).unwrap();
    Laptop {
        dir,
        store,
        name: name.to_owned(),
    }
}

fn dump(laptop: &Laptop) -> String {
    fieldlog_store::migrations::data_dump(laptop.store.connection()).unwrap()
}

fn form(server_url: &str, code: &str, root: Option<Vec<u8>>) -> EnrollForm {
    EnrollForm {
        link: None,
        server_url: server_url.to_owned(),
        code: code.to_owned(),
        device_name: String::new(),
        root_certificate: root,
    }
}

/// The office's lead sets the contract up from a laptop of their own (a site, a part) and sends
/// it: what a technician's new laptop must receive on its first round.
fn contract_on_server(server: &Server, enroll: impl FnOnce(&mut Laptop, &str)) {
    let mut lead = first_start_laptop("测试组长");
    let code = server.technician("测试组长", &[CONTRACT]);
    enroll(&mut lead, &code);
    lead.set_up_contract(CONTRACT);
    lead.sync();
}

/// Through the office's QR text, on both backends: the contract, its site and its part arrive
/// in the first round, and the laptop is named after the host (or the technician).
fn the_qr_text_enrolls_and_the_first_round_brings_the_contract(backend: Backend) {
    let server = Server::start(backend);
    contract_on_server(&server, |lead, code| {
        enroll_and_sync(&mut lead.store, &form(&server.url(), code, None), quick()).unwrap();
    });

    let mut laptop = first_start_laptop("测试甲");
    let code = server.technician("测试甲", &[CONTRACT]);
    let link = EnrollmentLink {
        server_url: server.url(),
        code,
    };
    let mut typed = form("", "", None);
    typed.link = Some(format!("  {}\n", link.to_text()));
    let done = enroll_and_sync(&mut laptop.store, &typed, quick()).unwrap();

    assert_eq!(done.enrollment.technician_name, "测试甲");
    assert_eq!(done.sync_error, None);
    assert_eq!(
        done.arrived,
        Some(Arrived {
            contracts: 1,
            sites: 1,
            parts: 1
        })
    );
    let contract = laptop.store.resolve_contract(CONTRACT).unwrap();
    assert_eq!(contract.client, "测试县公安局");
    assert_eq!(
        laptop.store.sites(Some(contract.id)).unwrap()[0].name,
        "测试村村口"
    );
    let expected_name = fieldlog_sync::enrollment::host_name().unwrap_or_else(|| "测试甲".into());
    let names = server.count(&format!(
        "SELECT count(*) FROM devices WHERE name = '{}'",
        expected_name.replace('\'', "''")
    ));
    assert!(
        names >= 1,
        "the laptop is named {expected_name:?} on the server"
    );
    // The first start is over: Today has a contract to work on.
    let start = fieldlog_store::first_start::first_start(&laptop.store, None).unwrap();
    assert!(
        !start.needed && start.enrolled && start.contracts == 1,
        "{start:?}"
    );
}

/// Bad forms are refused before anything is written, with the field named, and unreachable
/// servers and used codes say what to do; the laptop's and the server's dumps stay as they were.
fn bad_enrollments_are_refused_clearly_and_change_nothing(backend: Backend) {
    let server = Server::start(backend);
    let mut laptop = first_start_laptop("测试乙");
    let code = server.technician("测试乙", &[CONTRACT]);
    let mut bad_link = form(&server.url(), &code, None);
    bad_link.link = Some("fieldlog-enroll:2?server=x&code=y".into());
    // A port nothing listens on (bound, then released).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    // A code another laptop has already used.
    let used = server.technician("测试丙", &[CONTRACT]);
    Laptop::enrolled("测试丙", &server.url(), &used);
    let (laptop_before, server_before) = (dump(&laptop), server.dump());

    let cases: Vec<(&str, EnrollForm, ErrorCode, &str)> = vec![
        (
            "no server",
            form("", &code, None),
            ErrorCode::InvalidInput,
            "请填写服务器地址",
        ),
        (
            "no code",
            form(&server.url(), " ", None),
            ErrorCode::InvalidInput,
            "请填写管理员给的一次性注册码",
        ),
        (
            "a bad QR text",
            bad_link,
            ErrorCode::InvalidInput,
            "注册文本应形如 fieldlog-enroll:1",
        ),
        (
            "a root that is a picture",
            form(
                &server.url(),
                &code,
                Some(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
            ),
            ErrorCode::InvalidInput,
            "根证书文件无法读取",
        ),
        (
            "an unreachable server",
            form(&closed_url, &code, None),
            ErrorCode::Network,
            "请检查服务器地址",
        ),
        (
            "a used code",
            form(&server.url(), &used, None),
            ErrorCode::Unauthorized,
            "注册码无效、已过期或已被使用",
        ),
    ];
    for (what, typed, expected, says) in cases {
        let error = enroll_and_sync(&mut laptop.store, &typed, quick()).unwrap_err();
        let body = error.error_body(Lang::ZhCn);
        assert_eq!(body.code, expected, "{what}: {body:?}");
        assert!(body.message.contains(says), "{what}: {}", body.message);
        assert_eq!(dump(&laptop), laptop_before, "{what} changed the laptop");
        assert_eq!(server.dump(), server_before, "{what} wrote on the server");
    }
    assert!(laptop.store.enrollment().unwrap().is_none());

    // Nothing was used up: the right form still enrolls.
    enroll_and_sync(
        &mut laptop.store,
        &form(&server.url(), &code, None),
        quick(),
    )
    .unwrap();
}

on_each_backend!(
    the_qr_text_enrolls_and_the_first_round_brings_the_contract,
    bad_enrollments_are_refused_clearly_and_change_nothing,
);

/// A server over HTTPS (a throwaway CA's certificate for 127.0.0.1), and that CA.
fn tls_server() -> (Server, Authority) {
    let ca =
        Authority::generate("测试用 TLS 根证书", Some("Fieldlog 测试"), Utc::now(), 30).unwrap();
    let (cert, key) =
        fieldlog_certs::tls_server_identity(&ca, &["127.0.0.1".to_owned()], Utc::now(), 7).unwrap();
    (Server::start_tls(Backend::Sqlite, &cert, &key), ca)
}

/// The root certificate file's bytes, PEM and DER alike, let the laptop enroll over HTTPS; the
/// profile keeps the root (as PEM) for its later rounds, which go through too.
#[test]
fn the_root_certificate_files_bytes_let_the_laptop_enroll_over_https() {
    let (server, ca) = tls_server();
    assert!(server.url().starts_with("https://"), "{}", server.url());
    let pem = ca.certificate_pem();
    contract_on_server(&server, |lead, code| {
        enroll_and_sync(
            &mut lead.store,
            &form(&server.url(), code, Some(pem.clone().into_bytes())),
            quick(),
        )
        .unwrap();
    });

    let mut laptop = first_start_laptop("测试丁");
    let code = server.technician("测试丁", &[CONTRACT]);
    let mut typed = form(&server.url(), &code, Some(ca.certificate_der()));
    typed.device_name = "测试丁的笔记本".into();
    let done = enroll_and_sync(&mut laptop.store, &typed, quick()).unwrap();
    assert_eq!(done.sync_error, None);
    assert_eq!(done.arrived.map(|a| a.contracts), Some(1));
    assert_eq!(
        laptop.store.server_tls_root_pem().unwrap().as_deref(),
        Some(pem.as_str())
    );
    assert_eq!(
        server.count("SELECT count(*) FROM devices WHERE name = '测试丁的笔记本'"),
        1
    );
    laptop.sync();
}

/// Over HTTPS without the root, or with bytes that are not a certificate: refused clearly, the
/// laptop's dump unchanged; with the root file the same code still works.
#[test]
fn a_root_that_is_not_a_certificate_or_missing_is_refused_and_the_profile_is_unchanged() {
    let (server, ca) = tls_server();
    let mut laptop = first_start_laptop("测试戊");
    let code = server.technician("测试戊", &[CONTRACT]);
    let before = dump(&laptop);

    let untrusted = enroll_and_sync(
        &mut laptop.store,
        &form(&server.url(), &code, None),
        quick(),
    )
    .unwrap_err();
    assert!(matches!(untrusted, SyncError::Tls(_)), "{untrusted:?}");
    assert!(
        untrusted.to_string().contains("请在注册时选择该根证书文件"),
        "{untrusted}"
    );
    assert_eq!(dump(&laptop), before);

    for not_a_certificate in [
        b"".to_vec(),
        b"hello, this is a text file".to_vec(),
        ca.key_pem().into_bytes(),
        b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n".to_vec(),
    ] {
        let error = enroll_and_sync(
            &mut laptop.store,
            &form(&server.url(), &code, Some(not_a_certificate.clone())),
            quick(),
        )
        .unwrap_err();
        assert!(matches!(error, SyncError::BadRoot(_)), "{error:?}");
        let body = error.error_body(Lang::ZhCn);
        assert_eq!(body.code, ErrorCode::InvalidInput);
        assert!(
            body.message
                .contains("根证书文件无法读取（需要 PEM 或 DER 格式的 X.509 证书")
                && body.message.contains("请选择管理员给的根证书文件"),
            "{}",
            body.message
        );
        assert!(
            error
                .error_body(Lang::En)
                .message
                .contains("Choose the root certificate file"),
            "{error:?}"
        );
        assert_eq!(
            dump(&laptop),
            before,
            "{not_a_certificate:?} changed the profile"
        );
    }

    enroll_and_sync(
        &mut laptop.store,
        &form(
            &server.url(),
            &code,
            Some(ca.certificate_pem().into_bytes()),
        ),
        quick(),
    )
    .unwrap();
}

/// A gateway in front of the server that lets the enrollment through and answers every later
/// request "503 unavailable": a network that drops right after the enrollment.
fn enroll_only_gateway(upstream: String) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let http = reqwest::blocking::Client::new();
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let mut reader = BufReader::new(client.try_clone().unwrap());
            let mut head = Vec::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push(line);
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() || head.is_empty() {
                continue;
            }
            let (status, answer) = if head[0].starts_with("POST /v1/enroll ") {
                let response = http
                    .post(format!("{upstream}/v1/enroll"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .unwrap();
                (
                    response.status().as_u16(),
                    response.bytes().unwrap().to_vec(),
                )
            } else {
                (
                    503,
                    br#"{"code":"internal","message":"unavailable"}"#.to_vec(),
                )
            };
            let _ = write!(
                client,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                answer.len()
            );
            let _ = client.write_all(&answer);
        }
    });
    format!("http://{addr}")
}

/// The enrollment went through but the first round could not (the network dropped right after):
/// the enrollment is kept, the answer says why the round must wait, and a later round (the
/// background's) brings the contract.
#[test]
fn an_enrollment_whose_first_round_fails_is_kept_and_says_so() {
    let server = Server::start(Backend::Sqlite);
    contract_on_server(&server, |lead, code| {
        enroll_and_sync(&mut lead.store, &form(&server.url(), code, None), quick()).unwrap();
    });
    let mut laptop = first_start_laptop("测试己");
    let code = server.technician("测试己", &[CONTRACT]);
    let few = fieldlog_sync::SyncOptions {
        attempts: 2,
        ..quick()
    };
    let gateway = enroll_only_gateway(server.url());
    let done = enroll_and_sync(&mut laptop.store, &form(&gateway, &code, None), few).unwrap();
    assert_eq!(done.enrollment.technician_name, "测试己");
    assert_eq!(done.arrived, None);
    let why = done.sync_error.expect("the round's error is said");
    assert!(why.contains("unavailable"), "{why}");
    assert!(
        laptop.store.enrollment().unwrap().is_some(),
        "the enrollment is kept"
    );
    assert!(laptop.store.contracts().unwrap().is_empty());

    // The network is back: the next round (the background's) brings the contract.
    laptop
        .store
        .connection()
        .execute("UPDATE sync_state SET server_url = ?1", [server.url()])
        .unwrap();
    laptop.sync();
    assert_eq!(laptop.store.contracts().unwrap().len(), 1);
}
