//! The real `fieldlog-server` binary on each backend: `--db` with a SQLite path or a PostgreSQL
//! URL picks the database; the admin subcommands work on both, `serve` answers on a loopback
//! port, and Ctrl-C (SIGINT) stops it cleanly (the PostgreSQL connections close on shutdown).

use fieldlog_server::postgres::ThrowawayDatabase;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};

fn server(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fieldlog-server"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(db: &str, args: &[&str]) -> String {
    let out = server(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// One HTTP/1.1 request over a plain socket; the whole answer as text.
fn http(addr: &str, request_line: &str, body: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// A GET with the device's token; the whole answer as text (binary bodies lossily).
fn http_with_token(addr: &str, request_line: &str, token: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

fn admin_then_serve(db: &str, expect_kind: &str) {
    ok(
        db,
        &[
            "contract-add",
            "--code",
            "HB-2026-01",
            "--name",
            "测试县运维",
        ],
    );
    let again = server(
        db,
        &["contract-add", "--code", "HB-2026-01", "--name", "重复"],
    );
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("已存在"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let technician = ok(db, &["technician-add", "--name", "测试甲"]);
    assert_eq!(technician.len(), 36, "a UUID: {technician}");
    ok(
        db,
        &[
            "assign",
            "--technician",
            &technician,
            "--contract",
            "HB-2026-01",
        ],
    );
    let code = ok(db, &["enroll-code", "--technician", &technician]);
    assert_eq!(code.len(), 20, "{code}");
    assert_eq!(ok(db, &["conflicts"]), "");

    let mut child = Command::new(env!("CARGO_BIN_EXE_fieldlog-server"))
        .args(["--db", db, "serve", "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains(expect_kind), "{line}");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('，').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim()
        .to_owned();
    assert!(http(&addr, "GET /v1/health", "").ends_with("ok"));
    let enrolled = http(
        &addr,
        "POST /v1/enroll",
        &format!(r#"{{"code": "{code}", "device_name": "测试笔记本"}}"#),
    );
    assert!(enrolled.starts_with("HTTP/1.1 201"), "{enrolled}");
    assert!(enrolled.contains(&technician), "{enrolled}");
    // The code was used up in the database the admin commands wrote.
    let reused = http(
        &addr,
        "POST /v1/enroll",
        &format!(r#"{{"code": "{code}", "device_name": "第二台"}}"#),
    );
    assert!(reused.starts_with("HTTP/1.1 401"), "{reused}");

    // Revoking the laptop (issue 17): listed, revoked by its last 8 characters with who and why,
    // and its token refused from then on; the CA's CRL is served to anyone.
    let body = &enrolled[enrolled.find("\r\n\r\n").unwrap() + 4..];
    let answer: serde_json::Value = serde_json::from_str(body).unwrap();
    let (device, token) = (
        answer["device_id"].as_str().unwrap(),
        answer["token"].as_str().unwrap(),
    );
    let listed: serde_json::Value = serde_json::from_str(&ok(db, &["devices", "--json"])).unwrap();
    assert_eq!(listed["device_id"], device);
    assert_eq!(listed["technician_name"], "测试甲");
    assert!(listed["revoked"].is_null(), "{listed}");
    let pulled = http_with_token(&addr, "GET /v1/pull?after=0", token);
    assert!(pulled.starts_with("HTTP/1.1 200"), "{pulled}");
    let short = &device[device.len() - 8..];
    let no_reason = server(db, &["device-revoke", short, "--reason", " "]);
    assert!(!no_reason.status.success());
    let said = ok(
        db,
        &[
            "device-revoke",
            short,
            "--reason",
            "笔记本遗失",
            "--by",
            "张三",
        ],
    );
    assert!(said.contains("已停用"), "{said}");
    let listed: serde_json::Value = serde_json::from_str(&ok(db, &["devices", "--json"])).unwrap();
    assert_eq!(listed["revoked"]["by"], "张三", "{listed}");
    assert_eq!(listed["revoked"]["reason"], "笔记本遗失", "{listed}");
    let refused = http_with_token(&addr, "GET /v1/pull?after=0", token);
    assert!(refused.starts_with("HTTP/1.1 403"), "{refused}");
    assert!(refused.contains("device_revoked"), "{refused}");
    let unknown = server(db, &["device-revoke", "ffffffffffff", "--reason", "测试"]);
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("找不到"),
        "{unknown:?}"
    );
    // Anyone may fetch it: the token here is a revoked one.
    let crl = http_with_token(&addr, "GET /ca/crl.der", token);
    assert!(crl.starts_with("HTTP/1.1 200"), "{crl}");
    assert!(crl.contains("application/pkix-crl"), "{crl}");

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(status.success(), "{status}: {rest}");
    assert!(!rest.contains("panicked"), "{rest}");
}

#[test]
fn sqlite_path_admin_commands_and_serve() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite");
    admin_then_serve(db.to_str().unwrap(), "SQLite");
}

#[test]
fn postgres_url_admin_commands_and_serve() {
    let database = ThrowawayDatabase::for_test();
    admin_then_serve(&database.url(), "PostgreSQL");
}
