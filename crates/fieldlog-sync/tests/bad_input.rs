//! Bad requests against the real server (on SQLite and on PostgreSQL): each gets a clear 4xx
//! `{code, message}` and the server's database is the same table dump afterwards.

mod support;

use fieldlog_wire::ErrorBody;
use fieldlog_wire::sync::v1::{Change, ChangeOp, PushRequest};
use support::{Backend, CONTRACT, Laptop, OTHER_CONTRACT, Server, settle};

struct Case {
    what: &'static str,
    token: Option<String>,
    body: Vec<u8>,
    status: u16,
    code: &'static str,
}

fn push_raw(server: &Server, token: Option<&str>, body: Vec<u8>) -> (u16, ErrorBody) {
    let http = reqwest::blocking::Client::new();
    let mut request = http
        .post(format!("{}/v1/push", server.url()))
        .header("content-type", "application/json")
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().unwrap();
    let status = response.status().as_u16();
    let text = response.text().unwrap();
    let body: ErrorBody = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not a {{code, message}} body ({e}): {text}"));
    (status, body)
}

fn bad_requests_get_a_clear_4xx_and_write_nothing(backend: Backend) {
    let server = Server::start(backend);
    let mut laptop = Laptop::enrolled(
        "测试甲",
        &server.url(),
        &server.technician("测试甲", &[CONTRACT]),
    );
    laptop.set_up_contract(CONTRACT);
    settle(std::slice::from_mut(&mut laptop));
    laptop.offline_work(CONTRACT, 60, false);
    let token = laptop.store.enrollment().unwrap().unwrap().token;
    let good = PushRequest {
        sent_at: chrono::Utc::now(),
        changes: laptop.store.outbox_batch(100).unwrap(),
    };
    let good_body = serde_json::to_vec(&good).unwrap();

    // Another contract's data: a contract this technician is not assigned to, slipped into a
    // batch after valid changes (which must not be stored either).
    let mut foreign = good.clone();
    let mut row = serde_json::Map::new();
    row.insert("id".into(), "0194f000-0000-7000-8000-000000000001".into());
    row.insert("code".into(), OTHER_CONTRACT.into());
    row.insert("name".into(), "偷偷写入".into());
    foreign.changes.push(Change {
        seq: good.changes.last().unwrap().seq + 1,
        entity: "contracts".into(),
        op: ChangeOp::Insert,
        row,
        base: None,
        at: chrono::Utc::now(),
    });
    let mut unknown_kind = good.clone();
    unknown_kind.changes[0].entity = "meta".into();
    let mut gap = good.clone();
    gap.changes[1].seq += 5;

    let cases = vec![
        Case {
            what: "missing token",
            token: None,
            body: good_body.clone(),
            status: 401,
            code: "unauthorized",
        },
        Case {
            what: "wrong token",
            token: Some("0".repeat(64)),
            body: good_body.clone(),
            status: 401,
            code: "unauthorized",
        },
        Case {
            what: "another contract's data",
            token: Some(token.clone()),
            body: serde_json::to_vec(&foreign).unwrap(),
            status: 403,
            code: "forbidden",
        },
        Case {
            what: "oversized body",
            token: Some(token.clone()),
            body: vec![b' '; 5 * 1024 * 1024],
            status: 413,
            code: "too_large",
        },
        Case {
            what: "not JSON",
            token: Some(token.clone()),
            body: b"{\"sent_at\": ".to_vec(),
            status: 422,
            code: "invalid_input",
        },
        Case {
            what: "JSON of the wrong shape",
            token: Some(token.clone()),
            body: br#"{"changes": 3}"#.to_vec(),
            status: 422,
            code: "invalid_input",
        },
        Case {
            what: "unknown record kind",
            token: Some(token.clone()),
            body: serde_json::to_vec(&unknown_kind).unwrap(),
            status: 422,
            code: "invalid_input",
        },
        Case {
            what: "sequence gap inside a batch",
            token: Some(token.clone()),
            body: serde_json::to_vec(&gap).unwrap(),
            status: 422,
            code: "invalid_input",
        },
    ];
    for case in cases {
        let before = server.dump();
        let (status, body) = push_raw(&server, case.token.as_deref(), case.body);
        assert_eq!(status, case.status, "{}: {}", case.what, body.message);
        assert_eq!(body.code.as_str(), case.code, "{}", case.what);
        assert!(
            !body.message.is_empty() && !body.message.is_ascii(),
            "{}: message should lead in Chinese",
            case.what
        );
        assert_eq!(before, server.dump(), "{} wrote something", case.what);
    }

    // Pull without a token, and enrollment with a used code, are refused the same way.
    let response = reqwest::blocking::get(format!("{}/v1/pull?after=0", server.url())).unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let before = server.dump();
    let used = reqwest::blocking::Client::new()
        .post(format!("{}/v1/enroll", server.url()))
        .json(&serde_json::json!({"code": "not-a-code", "device_name": "x"}))
        .send()
        .unwrap();
    assert_eq!(used.status().as_u16(), 401);
    assert_eq!(before, server.dump());

    // And the good batch still goes through afterwards.
    let (status, _) = {
        let response = reqwest::blocking::Client::new()
            .post(format!("{}/v1/push", server.url()))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(good_body)
            .send()
            .unwrap();
        (response.status().as_u16(), ())
    };
    assert_eq!(status, 200);
}

fn an_enrollment_code_works_once(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("测试甲", &[CONTRACT]);
    let _laptop = Laptop::enrolled("测试甲", &server.url(), &code);
    let dir = tempfile::tempdir().unwrap();
    let mut store = fieldlog_store::Store::open(dir.path().join("p.sqlite")).unwrap();
    match fieldlog_sync::enroll(&mut store, &server.url(), &code, "第二台", support::quick()) {
        Err(fieldlog_sync::SyncError::Refused { status: 401, body }) => {
            assert_eq!(body.code.as_str(), "unauthorized")
        }
        other => panic!("a used code must be refused, got {other:?}"),
    }
    assert!(store.enrollment().unwrap().is_none());
}

support::on_each_backend!(
    bad_requests_get_a_clear_4xx_and_write_nothing,
    an_enrollment_code_works_once,
);
