//! The office API's test harness, shared by the office test files: a real server on a loopback
//! port over a temp SQLite file or a throwaway PostgreSQL database, its clock the test's (moved by
//! hand: no sleeps), signed-in clients over plain HTTP/1.1 sockets, and a dump of tables to compare
//! before and after a refused request. Each test file uses what it needs.
#![allow(dead_code)]

use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_server::office::{self, Options};
use fieldlog_server::postgres::ThrowawayDatabase;
use fieldlog_server::{Database, RunningServer, admin};
use fieldlog_wire::office::v1::{AuditPage, NewAccount, Role, SessionAnswer};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// `sqlite::name` and `postgres::name` for each `fn name(backend: Backend)`.
macro_rules! on_each_backend {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name(super::Backend::Sqlite)
            })+
        }
        mod postgres {
            $(#[test]
            fn $name() {
                super::$name(super::Backend::Postgres)
            })+
        }
    };
}

pub const T0: &str = "2026-12-01T08:00:00Z";
pub const ADMIN_PASSWORD: &str = "管理员的长密码-0001";
pub const PM_PASSWORD: &str = "project-manager-pass";

/// Where the data lives, removed at the end.
pub enum Place {
    Sqlite(tempfile::TempDir),
    Postgres(Box<ThrowawayDatabase>),
}

pub struct Office {
    // Fields drop in order: the server stops before its storage closes.
    pub running: RunningServer,
    pub storage: Arc<Database>,
    pub place: Place,
    pub now: Arc<Mutex<DateTime<Utc>>>,
}

impl Office {
    /// A server with two contracts (HB-2026-01, XY-2026-09) and an administrator, its clock at
    /// [`T0`].
    pub fn start(backend: Backend) -> Office {
        Office::start_at(backend, T0.parse().unwrap())
    }

    /// [`Office::start`] with the clock at `now` (whole seconds: PostgreSQL keeps microseconds,
    /// so a nanosecond would not come back).
    pub fn start_at(backend: Backend, now: DateTime<Utc>) -> Office {
        let place = match backend {
            Backend::Sqlite => Place::Sqlite(tempfile::tempdir().unwrap()),
            Backend::Postgres => Place::Postgres(Box::new(ThrowawayDatabase::for_test())),
        };
        let storage = Arc::new(Database::open(&location(&place)).unwrap());
        admin::add_contract(&*storage, "HB-2026-01", "测试县雪亮工程运维").unwrap();
        admin::add_contract(&*storage, "XY-2026-09", "另一县运维").unwrap();
        let now = Arc::new(Mutex::new(now));
        let clock = now.clone();
        let options = Options {
            secure_cookies: false,
            clock: Arc::new(move || *clock.lock().unwrap()),
        };
        let running =
            RunningServer::start_office(storage.clone(), "127.0.0.1:0".parse().unwrap(), options)
                .unwrap();
        let office = Office {
            running,
            storage,
            place,
            now,
        };
        office.add_from_command_line("admin", Role::Administrator, ADMIN_PASSWORD);
        office
    }

    pub fn add_from_command_line(&self, login: &str, role: Role, password: &str) -> String {
        office::add_account_from_command_line(
            &*self.storage,
            &NewAccount {
                login: login.into(),
                name: format!("{login} 测试"),
                role,
                password: password.into(),
            },
            "command line:test",
            self.clock(),
        )
        .unwrap()
        .id
    }

    pub fn clock(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }

    pub fn advance(&self, by: TimeDelta) {
        *self.now.lock().unwrap() += by;
    }

    pub fn set_clock(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap() = at;
    }

    /// The server's address as a laptop or a browser reaches it.
    pub fn url(&self) -> String {
        format!("http://{}", self.running.addr)
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl AsRef<str>,
    ) -> Answer {
        self.request_bytes(method, path, headers, body.as_ref().as_bytes())
    }

    /// [`Office::request`] with any bytes as the body (an uploaded file).
    pub fn request_bytes(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        send(
            None,
            &self.running.addr.to_string(),
            method,
            path,
            headers,
            body,
        )
    }

    /// Signs in; the session's cookie and CSRF token.
    pub fn sign_in(&self, login: &str, password: &str) -> Client {
        let answer = self.request(
            "POST",
            "/office/v1/sign-in",
            &[("Content-Type", "application/json")],
            json!({ "login": login, "password": password }).to_string(),
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        let set_cookie = answer.header("set-cookie").expect("a session cookie");
        let cookie = set_cookie.split(';').next().unwrap().to_owned();
        let session: SessionAnswer = serde_json::from_str(&answer.body).unwrap();
        Client {
            cookie,
            csrf: session.csrf_token.clone(),
            session,
        }
    }

    /// Every row of the office's tables and the contracts, one line each, tables in order.
    pub fn dump(&self) -> String {
        self.dump_tables(&[
            "contracts",
            "office_accounts",
            "office_sessions",
            "office_grants",
            "office_failed_sign_ins",
            "office_audit",
        ])
    }

    /// Every row of `tables`, one line each, tables in order.
    pub fn dump_tables(&self, tables: &[&str]) -> String {
        let mut out = String::new();
        match &self.place {
            Place::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.path().join("server.sqlite")).unwrap();
                for table in tables {
                    out.push_str(&format!("== {table}\n"));
                    let mut stmt = conn
                        .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
                        .unwrap();
                    let columns = stmt.column_count();
                    let mut rows = stmt.query([]).unwrap();
                    while let Some(row) = rows.next().unwrap() {
                        let values: Vec<String> = (0..columns)
                            .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                            .collect();
                        out.push_str(&values.join(" | "));
                        out.push('\n');
                    }
                }
            }
            Place::Postgres(database) => {
                let mut client = database.config.connect(::postgres::NoTls).unwrap();
                for table in tables {
                    out.push_str(&format!("== {table}\n"));
                    for row in client
                        .query(&format!("SELECT t::text FROM {table} t ORDER BY 1"), &[])
                        .unwrap()
                    {
                        out.push_str(&row.get::<_, String>(0));
                        out.push('\n');
                    }
                }
            }
        }
        out
    }

    /// Runs SQL straight on the database, as someone with the database's password could.
    pub fn raw_sql(&self, sql: &str) -> Result<(), String> {
        match &self.place {
            Place::Sqlite(dir) => rusqlite::Connection::open(dir.path().join("server.sqlite"))
                .unwrap()
                .execute_batch(sql)
                .map_err(|e| e.to_string()),
            Place::Postgres(database) => database
                .config
                .connect(::postgres::NoTls)
                .unwrap()
                .batch_execute(sql)
                .map_err(|e| {
                    e.as_db_error()
                        .map_or(e.to_string(), |d| d.message().to_owned())
                }),
        }
    }

    pub fn audit(&self, client: &Client) -> AuditPage {
        let answer = client.get(self, "/office/v1/audit?limit=500");
        assert_eq!(answer.status, 200, "{}", answer.body);
        serde_json::from_str(&answer.body).unwrap()
    }
}

pub fn location(place: &Place) -> String {
    match place {
        Place::Sqlite(dir) => dir.path().join("server.sqlite").display().to_string(),
        Place::Postgres(database) => database.url(),
    }
}

/// A signed-in browser: its cookie and the CSRF token it was given.
pub struct Client {
    pub cookie: String,
    pub csrf: String,
    pub session: SessionAnswer,
}

impl Client {
    pub fn get(&self, office: &Office, path: &str) -> Answer {
        office.request("GET", path, &[("Cookie", &self.cookie)], "")
    }

    /// A state-changing request as the console sends it: cookie, CSRF header, JSON.
    pub fn send(&self, office: &Office, method: &str, path: &str, body: &Value) -> Answer {
        office.request(
            method,
            path,
            &[
                ("Cookie", &self.cookie),
                ("X-Fieldlog-Csrf", &self.csrf),
                ("Content-Type", "application/json"),
            ],
            body.to_string(),
        )
    }
}

pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    pub fn code(&self) -> String {
        let body: Value = serde_json::from_str(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {} {}", self.status, self.body));
        body["code"].as_str().unwrap_or_default().to_owned()
    }
}

/// One HTTP/1.1 request over a plain socket.
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl AsRef<str>,
) -> Answer {
    http_from(None, addr, method, path, headers, body)
}

/// [`http`] from a given local address (another loopback address stands for another machine).
pub fn http_from(
    source: Option<std::net::IpAddr>,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl AsRef<str>,
) -> Answer {
    let body = body.as_ref();
    send(source, addr, method, path, headers, body.as_bytes())
}

fn send(
    source: Option<std::net::IpAddr>,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = match source {
        None => std::net::TcpStream::connect(addr).unwrap(),
        Some(ip) => {
            let target: std::net::SocketAddr = addr.parse().unwrap();
            let socket =
                socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            socket
                .bind(&std::net::SocketAddr::new(ip, 0).into())
                .unwrap();
            socket.connect(&target.into()).unwrap();
            std::net::TcpStream::from(socket)
        }
    };
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    // The server may answer (and close) before reading a body it refuses.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {raw:?}"));
    Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// A request to refuse: what it is, method, path, headers, body, the status and code expected.
pub type Refusal<'a, B = String> = (
    &'a str,
    &'a str,
    String,
    Vec<(&'a str, &'a str)>,
    B,
    u16,
    &'a str,
);

/// Sends each refused request and checks its status and code, and that `dump` is the same
/// before and after it: nothing was written.
pub fn refuse_each(office: &Office, cases: Vec<Refusal>, dump: impl Fn(&Office) -> String) {
    for (what, method, path, headers, body, status, code) in cases {
        let before = dump(office);
        let answer = office.request(method, &path, &headers, &body);
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (status, code),
            "{what}: {}",
            answer.body
        );
        assert_eq!(dump(office), before, "{what} wrote something");
    }
}

/// An answer's JSON body as `T`, or a panic naming the status and the body.
pub fn parse<T: serde::de::DeserializeOwned>(answer: &Answer) -> T {
    serde_json::from_str(&answer.body)
        .unwrap_or_else(|e| panic!("{e}: {} {}", answer.status, answer.body))
}

pub fn actions(page: &AuditPage) -> Vec<String> {
    page.entries.iter().map(|e| e.action.clone()).collect()
}
