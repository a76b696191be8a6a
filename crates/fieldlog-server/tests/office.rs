//! The office API (`/office/v1`, issue 17) on a real server on a loopback port, over a temp SQLite
//! file and a throwaway PostgreSQL database: sign-in, roles, grants, CSRF, throttling, session
//! expiry (the server's clock is the test's, moved by hand: no sleeps), sign-out, and the audit
//! log, which the database itself refuses to change. Every refused request is checked to have
//! written nothing: the office tables are dumped before and after.

use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_server::office;
use fieldlog_server::postgres::ThrowawayDatabase;
use fieldlog_server::{Database, SqliteStorage};
use fieldlog_wire::office::v1::Role;
use serde_json::{Value, json};
use std::io::Write;

#[macro_use]
mod support;

use support::*;

on_each_backend!(
    an_administrator_manages_accounts_and_grants_and_managers_see_only_theirs,
    refused_requests_answer_4xx_and_write_nothing,
    failed_sign_ins_are_slowed_down_and_audited,
    failed_sign_ins_from_one_address_are_slowed_down_whatever_the_login,
    a_guesser_elsewhere_does_not_lock_the_administrator_out,
    a_burst_of_parallel_guesses_is_counted_before_any_password_is_checked,
    sessions_end_when_idle_when_too_old_and_at_sign_out,
    a_disabled_account_loses_its_sessions_and_cannot_sign_in,
    the_database_refuses_to_change_the_audit_log,
    office_user_add_reads_the_password_from_stdin_and_is_audited,
);

fn an_administrator_manages_accounts_and_grants_and_managers_see_only_theirs(backend: Backend) {
    let office = Office::start(backend);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    assert_eq!(admin.session.account.role, Role::Administrator);
    assert_eq!(admin.session.contracts, ["HB-2026-01", "XY-2026-09"]);

    // The cookie is the session's alone: HttpOnly, SameSite=Strict, whole site, not Secure
    // over plain HTTP.
    let answer = office.request(
        "POST",
        "/office/v1/sign-in",
        &[("Content-Type", "application/json")],
        json!({ "login": "admin", "password": ADMIN_PASSWORD }).to_string(),
    );
    let cookie = answer.header("set-cookie").unwrap();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "{cookie}");
    assert_eq!(answer.header("cache-control").as_deref(), Some("no-store"));
    assert!(!answer.body.contains("argon2"), "no hash is ever sent");

    let added = admin.send(
        &office,
        "POST",
        "/office/v1/accounts",
        &json!({ "login": "pm.li", "name": "李经理", "role": "project_manager", "password": PM_PASSWORD }),
    );
    assert_eq!(added.status, 201, "{}", added.body);
    let pm_id = serde_json::from_str::<Value>(&added.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = admin.send(
        &office,
        "POST",
        "/office/v1/accounts",
        &json!({ "login": "pm.li", "name": "重复", "role": "customer_manager", "password": PM_PASSWORD }),
    );
    assert_eq!((again.status, again.code()), (409, "conflict".into()));

    let granted = admin.send(
        &office,
        "PUT",
        &format!("/office/v1/accounts/{pm_id}/grants"),
        &json!({ "contracts": ["HB-2026-01"] }),
    );
    assert_eq!(granted.status, 200, "{}", granted.body);
    let grants = admin.get(&office, &format!("/office/v1/accounts/{pm_id}/grants"));
    assert_eq!(
        serde_json::from_str::<Value>(&grants.body).unwrap(),
        json!({ "contracts": ["HB-2026-01"] })
    );

    let pm = office.sign_in("pm.li", PM_PASSWORD);
    assert_eq!(pm.session.account.role, Role::ProjectManager);
    assert_eq!(pm.session.contracts, ["HB-2026-01"]);
    let listed: Value =
        serde_json::from_str(&pm.get(&office, "/office/v1/contracts").body).unwrap();
    assert_eq!(
        listed,
        json!([{ "code": "HB-2026-01", "name": "测试县雪亮工程运维" }])
    );
    let all: Value =
        serde_json::from_str(&admin.get(&office, "/office/v1/contracts").body).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let accounts: Value =
        serde_json::from_str(&admin.get(&office, "/office/v1/accounts").body).unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 2);

    let log = office.audit(&admin);
    assert_eq!(
        actions(&log),
        [
            "account_add",
            "sign_in",
            "sign_in",
            "account_add",
            "grants_set",
            "sign_in"
        ]
    );
    let first = &log.entries[0];
    assert_eq!(first.actor_id, None);
    assert_eq!(first.actor_login, office::COMMAND_LINE);
    assert_eq!(first.address, "command line:test");
    let grant = &log.entries[4];
    assert_eq!(grant.actor_login, "admin");
    assert_eq!(grant.address, "127.0.0.1");
    assert_eq!(grant.at, office.clock());
    let detail: Value = serde_json::from_str(&grant.detail).unwrap();
    assert_eq!(detail["before"], json!([]));
    assert_eq!(detail["after"], json!(["HB-2026-01"]));
}

fn refused_requests_answer_4xx_and_write_nothing(backend: Backend) {
    let office = Office::start(backend);
    office.add_from_command_line("cm.wang", Role::CustomerManager, PM_PASSWORD);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let manager = office.sign_in("cm.wang", PM_PASSWORD);
    let manager_id = manager.session.account.id.clone();
    let new_account =
        json!({ "login": "new.one", "name": "新人", "role": "project_manager", "password": PM_PASSWORD })
            .to_string();
    let json_type = ("Content-Type", "application/json");
    let huge = format!(
        r#"{{"login": "x", "name": "{}", "role": "project_manager", "password": "{PM_PASSWORD}"}}"#,
        "长".repeat(40_000)
    );
    let grants_path = format!("/office/v1/accounts/{manager_id}/grants");
    let disable_admin = format!("/office/v1/accounts/{}/disable", admin.session.account.id);
    let cases: Vec<Refusal<'_>> = vec![
        (
            "no session",
            "POST",
            "/office/v1/accounts".into(),
            vec![json_type],
            new_account.clone(),
            401,
            "unauthorized",
        ),
        (
            "an unknown session",
            "POST",
            "/office/v1/accounts".into(),
            vec![("Cookie", "fieldlog_office=00ff"), ("X-Fieldlog-Csrf", &admin.csrf), json_type],
            new_account.clone(),
            401,
            "unauthorized",
        ),
        (
            "no CSRF token",
            "POST",
            "/office/v1/accounts".into(),
            vec![("Cookie", &admin.cookie), json_type],
            new_account.clone(),
            403,
            "csrf",
        ),
        (
            "a forged CSRF token",
            "POST",
            "/office/v1/accounts".into(),
            vec![
                ("Cookie", &admin.cookie),
                ("X-Fieldlog-Csrf", "0000000000000000000000000000000000000000000000000000000000000000"),
                json_type,
            ],
            new_account.clone(),
            403,
            "csrf",
        ),
        (
            "another session's CSRF token",
            "POST",
            "/office/v1/accounts".into(),
            vec![("Cookie", &admin.cookie), ("X-Fieldlog-Csrf", &manager.csrf), json_type],
            new_account.clone(),
            403,
            "csrf",
        ),
        (
            "another role",
            "POST",
            "/office/v1/accounts".into(),
            vec![("Cookie", &manager.cookie), ("X-Fieldlog-Csrf", &manager.csrf), json_type],
            new_account.clone(),
            403,
            "forbidden",
        ),
        (
            "a manager granting herself a contract",
            "PUT",
            grants_path.clone(),
            vec![("Cookie", &manager.cookie), ("X-Fieldlog-Csrf", &manager.csrf), json_type],
            r#"{"contracts": ["XY-2026-09"]}"#.into(),
            403,
            "forbidden",
        ),
        (
            "a manager disabling the administrator",
            "POST",
            disable_admin.clone(),
            vec![("Cookie", &manager.cookie), ("X-Fieldlog-Csrf", &manager.csrf)],
            String::new(),
            403,
            "forbidden",
        ),
        (
            "sign-out without CSRF",
            "POST",
            "/office/v1/sign-out".into(),
            vec![("Cookie", &admin.cookie)],
            String::new(),
            403,
            "csrf",
        ),
        (
            "a malformed body",
            "POST",
            "/office/v1/accounts".into(),
            vec![("Cookie", &admin.cookie), ("X-Fieldlog-Csrf", &admin.csrf), json_type],
            r#"{"login": "x", "name": "#.into(),
            422,
            "invalid_input",
        ),
        (
            "an unknown field",
            "POST",
            "/office/v1/accounts".into(),
            vec![("Cookie", &admin.cookie), ("X-Fieldlog-Csrf", &admin.csrf), json_type],
            r#"{"login": "x.y", "name": "某人", "role": "administrator", "password": "long enough pass", "disabled": false}"#.into(),
            422,
            "invalid_input",
        ),
        (
            "a form, not JSON",
            "POST",
            "/office/v1/accounts".into(),
            vec![
                ("Cookie", &admin.cookie),
                ("X-Fieldlog-Csrf", &admin.csrf),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            "login=x&name=y&role=administrator&password=zzzzzzzzzzzz".into(),
            422,
            "invalid_input",
        ),
        (
            "a huge body",
            "POST",
            "/office/v1/accounts".into(),
            vec![("Cookie", &admin.cookie), ("X-Fieldlog-Csrf", &admin.csrf), json_type],
            huge,
            413,
            "too_large",
        ),
        (
            "a short password",
            "POST",
            "/office/v1/accounts".into(),
            vec![("Cookie", &admin.cookie), ("X-Fieldlog-Csrf", &admin.csrf), json_type],
            r#"{"login": "x.y", "name": "某人", "role": "project_manager", "password": "short"}"#.into(),
            422,
            "invalid_input",
        ),
        (
            "an unknown contract",
            "PUT",
            grants_path.clone(),
            vec![("Cookie", &admin.cookie), ("X-Fieldlog-Csrf", &admin.csrf), json_type],
            r#"{"contracts": ["HB-2026-01", "NO-SUCH"]}"#.into(),
            404,
            "not_found",
        ),
        (
            "disabling oneself",
            "POST",
            disable_admin.clone(),
            vec![("Cookie", &admin.cookie), ("X-Fieldlog-Csrf", &admin.csrf)],
            String::new(),
            409,
            "conflict",
        ),
        (
            "a manager reading the audit log",
            "GET",
            "/office/v1/audit".into(),
            vec![("Cookie", &manager.cookie)],
            String::new(),
            403,
            "forbidden",
        ),
        (
            "a manager listing accounts",
            "GET",
            "/office/v1/accounts".into(),
            vec![("Cookie", &manager.cookie)],
            String::new(),
            403,
            "forbidden",
        ),
        (
            "me without a session",
            "GET",
            "/office/v1/me".into(),
            vec![],
            String::new(),
            401,
            "unauthorized",
        ),
        (
            "a malformed sign-in",
            "POST",
            "/office/v1/sign-in".into(),
            vec![json_type],
            r#"{"login": "admin"}"#.into(),
            422,
            "invalid_input",
        ),
    ];
    refuse_each(&office, cases, Office::dump);
    // The sessions still work: nothing above ended them.
    assert_eq!(admin.get(&office, "/office/v1/me").status, 200);
    assert_eq!(manager.get(&office, "/office/v1/me").status, 200);
}

fn failed_sign_ins_are_slowed_down_and_audited(backend: Backend) {
    let office = Office::start(backend);
    let sign_in = |password: &str| {
        office.request(
            "POST",
            "/office/v1/sign-in",
            &[("Content-Type", "application/json")],
            json!({ "login": "admin", "password": password }).to_string(),
        )
    };
    for _ in 0..office::FREE_FAILURES_PER_LOGIN {
        let answer = sign_in("wrong password");
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (401, "bad_credentials")
        );
    }
    // The next attempt, even with the right password, waits: refused before it is looked at.
    let refused = sign_in(ADMIN_PASSWORD);
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (429, "throttled"),
        "{}",
        refused.body
    );
    let body: Value = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(body["retry_after"], 1);
    assert_eq!(refused.header("retry-after").as_deref(), Some("1"));
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("登录失败次数过多")
    );
    // Asking again while waiting is refused again, audited once.
    for _ in 0..3 {
        assert_eq!(sign_in(ADMIN_PASSWORD).status, 429);
    }

    // Each further failure doubles the wait.
    office.advance(TimeDelta::seconds(1));
    assert_eq!(sign_in("still wrong").status, 401);
    let refused = sign_in(ADMIN_PASSWORD);
    assert_eq!(refused.status, 429);
    assert_eq!(
        serde_json::from_str::<Value>(&refused.body).unwrap()["retry_after"],
        2
    );

    // Once the wait is over the right password works, and the count starts again.
    office.advance(TimeDelta::seconds(2));
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    assert_eq!(sign_in("wrong once more").status, 401);

    let log = office.audit(&admin);
    let failed = log
        .entries
        .iter()
        .filter(|e| e.action == "sign_in_failed")
        .count();
    let throttled: Vec<_> = log
        .entries
        .iter()
        .filter(|e| e.action == "sign_in_throttled")
        .collect();
    assert_eq!(failed, 7);
    assert_eq!(throttled.len(), 2);
    assert_eq!(throttled[0].actor_login, "admin");
    assert_eq!(throttled[0].address, "127.0.0.1");
    assert_eq!(throttled[0].actor_id, None);
}

/// Someone guessing the administrator's password from another machine slows down their own
/// attempts, not the administrator's: a login's failures count per address.
fn a_guesser_elsewhere_does_not_lock_the_administrator_out(backend: Backend) {
    let office = Office::start(backend);
    let addr = office.running.addr.to_string();
    let elsewhere: std::net::IpAddr = "127.0.0.2".parse().unwrap();
    let guess = |password: &str| {
        http_from(
            Some(elsewhere),
            &addr,
            "POST",
            "/office/v1/sign-in",
            &[("Content-Type", "application/json")],
            json!({ "login": "admin", "password": password }).to_string(),
        )
    };
    for _ in 0..office::FREE_FAILURES_PER_LOGIN {
        assert_eq!(guess("a wrong guess").status, 401);
    }
    assert_eq!(guess("another guess").status, 429);
    // The administrator, at her own machine, signs in at once …
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    // … and that does not wipe the guesser's count: still waiting there.
    assert_eq!(guess(ADMIN_PASSWORD).status, 429);
    let log = office.audit(&admin);
    assert!(
        log.entries
            .iter()
            .any(|e| e.action == "sign_in_throttled" && e.address == "127.0.0.2"),
        "the throttled guesser is in the audit log with its address"
    );
}

fn failed_sign_ins_from_one_address_are_slowed_down_whatever_the_login(backend: Backend) {
    let office = Office::start(backend);
    for i in 0..office::FREE_FAILURES_PER_ADDRESS {
        let answer = office.request(
            "POST",
            "/office/v1/sign-in",
            &[("Content-Type", "application/json")],
            json!({ "login": format!("guess{i}"), "password": "whatever it is" }).to_string(),
        );
        assert_eq!(answer.status, 401);
    }
    let answer = office.request(
        "POST",
        "/office/v1/sign-in",
        &[("Content-Type", "application/json")],
        json!({ "login": "admin", "password": ADMIN_PASSWORD }).to_string(),
    );
    assert_eq!((answer.status, answer.code().as_str()), (429, "throttled"));
    office.advance(TimeDelta::seconds(1));
    office.sign_in("admin", ADMIN_PASSWORD);
}

/// Guesses sent all at once, before any has failed, must not all be tried: each attempt is
/// counted before its password is looked at, so only the free ones are.
fn a_burst_of_parallel_guesses_is_counted_before_any_password_is_checked(backend: Backend) {
    let office = Office::start(backend);
    let addr = office.running.addr.to_string();
    let burst = 3 * office::FREE_FAILURES_PER_LOGIN;
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let guesses: Vec<_> = (0..burst)
            .map(|i| {
                let addr = addr.clone();
                scope.spawn(move || {
                    http(
                        &addr,
                        "POST",
                        "/office/v1/sign-in",
                        &[("Content-Type", "application/json")],
                        json!({ "login": "admin", "password": format!("guess number {i}") })
                            .to_string(),
                    )
                    .status
                })
            })
            .collect();
        guesses.into_iter().map(|g| g.join().unwrap()).collect()
    });
    let tried = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (tried as i64, refused as i64),
        (
            office::FREE_FAILURES_PER_LOGIN,
            burst - office::FREE_FAILURES_PER_LOGIN
        ),
        "{statuses:?}"
    );
}

fn sessions_end_when_idle_when_too_old_and_at_sign_out(backend: Backend) {
    let office = Office::start(backend);
    let me = |client: &Client| client.get(&office, "/office/v1/me").status;

    // Idle: each use keeps the session open for another IDLE_LIMIT.
    let idle = office.sign_in("admin", ADMIN_PASSWORD);
    office.advance(office::IDLE_LIMIT - TimeDelta::seconds(1));
    assert_eq!(me(&idle), 200);
    office.advance(office::IDLE_LIMIT - TimeDelta::seconds(1));
    assert_eq!(me(&idle), 200);
    office.advance(office::IDLE_LIMIT);
    let ended = idle.get(&office, "/office/v1/me");
    assert_eq!((ended.status, ended.code().as_str()), (401, "unauthorized"));

    // Absolute: however busy, a session ends ABSOLUTE_LIMIT after sign-in.
    let busy = office.sign_in("admin", ADMIN_PASSWORD);
    let started = office.clock();
    while office.clock() + TimeDelta::minutes(20) < started + office::ABSOLUTE_LIMIT {
        office.advance(TimeDelta::minutes(20));
        assert_eq!(me(&busy), 200, "at {}", office.clock());
    }
    office.advance(started + office::ABSOLUTE_LIMIT - office.clock());
    assert_eq!(me(&busy), 401);

    // Sign-out: the cookie is cleared and the session opens nothing any more.
    let client = office.sign_in("admin", ADMIN_PASSWORD);
    let out = client.send(&office, "POST", "/office/v1/sign-out", &json!({}));
    assert_eq!(out.status, 204, "{}", out.body);
    let cleared = out.header("set-cookie").unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(me(&client), 401);
    let again = client.send(&office, "POST", "/office/v1/sign-out", &json!({}));
    assert_eq!(again.status, 401);

    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    assert!(actions(&office.audit(&admin)).contains(&"sign_out".to_owned()));
}

fn a_disabled_account_loses_its_sessions_and_cannot_sign_in(backend: Backend) {
    let office = Office::start(backend);
    let pm_id = office.add_from_command_line("pm.li", Role::ProjectManager, PM_PASSWORD);
    let admin = office.sign_in("admin", ADMIN_PASSWORD);
    let pm = office.sign_in("pm.li", PM_PASSWORD);
    let disabled = admin.send(
        &office,
        "POST",
        &format!("/office/v1/accounts/{pm_id}/disable"),
        &json!({}),
    );
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    assert_eq!(pm.get(&office, "/office/v1/me").status, 401);
    let refused = office.request(
        "POST",
        "/office/v1/sign-in",
        &[("Content-Type", "application/json")],
        json!({ "login": "pm.li", "password": PM_PASSWORD }).to_string(),
    );
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (401, "bad_credentials")
    );
    let log = office.audit(&admin);
    let failure = log
        .entries
        .iter()
        .rfind(|e| e.action == "sign_in_failed")
        .unwrap();
    assert!(
        failure.detail.contains("account_disabled"),
        "{}",
        failure.detail
    );
}

fn the_database_refuses_to_change_the_audit_log(backend: Backend) {
    let office = Office::start(backend);
    office.sign_in("admin", ADMIN_PASSWORD);
    let before = office.dump();
    for sql in [
        "UPDATE office_audit SET actor_login = 'someone else'",
        "UPDATE office_audit SET action = 'nothing' WHERE seq = 1",
        "DELETE FROM office_audit",
        "DELETE FROM office_audit WHERE action = 'sign_in'",
    ] {
        let refused = office.raw_sql(sql).expect_err(sql);
        assert!(refused.contains("append-only"), "{sql}: {refused}");
    }
    if matches!(backend, Backend::Postgres) {
        let refused = office.raw_sql("TRUNCATE office_audit").unwrap_err();
        assert!(refused.contains("append-only"), "{refused}");
    }
    // Adding stays possible (that is what the server does).
    assert_eq!(office.dump(), before);
    office
        .raw_sql(
            "INSERT INTO office_audit (at, actor_id, actor_login, action, detail, address)
             VALUES ('2026-12-01 09:00:00+00:00', NULL, 'x', 'test', '{}', 'here')",
        )
        .unwrap();
}

fn office_user_add_reads_the_password_from_stdin_and_is_audited(backend: Backend) {
    let place = match backend {
        Backend::Sqlite => Place::Sqlite(tempfile::tempdir().unwrap()),
        Backend::Postgres => Place::Postgres(Box::new(ThrowawayDatabase::for_test())),
    };
    let db = location(&place);
    let run = |args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fieldlog-server"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let add = [
        "office-user-add",
        "--role",
        "admin",
        "--login",
        "first.admin",
        "--name",
        "首位管理员",
    ];

    let short = run(&add, "short\n");
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("密码长度"));
    let bad_role = run(
        &[
            "office-user-add",
            "--role",
            "root",
            "--login",
            "x",
            "--name",
            "y",
        ],
        "long enough password\n",
    );
    assert_eq!(bad_role.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("未知角色"));

    let added = run(&add, "first admin's password\n");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let id = String::from_utf8(added.stdout).unwrap().trim().to_owned();
    assert_eq!(id.len(), 36, "{id}");
    let taken = run(&add, "first admin's password\n");
    assert_eq!(taken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&taken.stderr).contains("已存在"));

    // The password (and only it, without its newline) signs in.
    let storage = match &place {
        Place::Sqlite(dir) => {
            Database::Sqlite(SqliteStorage::open(dir.path().join("server.sqlite")).unwrap())
        }
        Place::Postgres(database) => Database::Postgres(Box::new(database.open().unwrap())),
    };
    let now: DateTime<Utc> = T0.parse().unwrap();
    let request = |password: &str| fieldlog_wire::office::v1::SignInRequest {
        login: "first.admin".into(),
        password: password.into(),
    };
    let signed_in = office::sign_in(
        &storage,
        &request("first admin's password"),
        "127.0.0.1",
        now,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(signed_in.answer.account.id, id);
    assert_eq!(signed_in.answer.account.role, Role::Administrator);
    assert!(
        office::sign_in(
            &storage,
            &request("first admin's password\n"),
            "127.0.0.1",
            now
        )
        .is_err()
    );

    let log = office::in_read(&storage, |tx| Ok(tx.office().audit_after(0, 100)?)).unwrap();
    let added: Vec<_> = log.iter().filter(|e| e.action == "account_add").collect();
    assert_eq!(added.len(), 1, "refused runs wrote nothing");
    assert_eq!(added[0].actor_login, office::COMMAND_LINE);
    assert!(added[0].address.starts_with("command line:"));
    assert!(added[0].detail.contains("administrator"));
}
