//! The office console under test, shared by the browser walks (`console_walk.rs`: issue 17's
//! accounts, catalogue and people; `console_dispatch_walk.rs`: issue 18's call, dispatch, board
//! and month): the real `fieldlog-server` binary over a database of the test's own, a
//! technician's laptop on the real `fieldlog` CLI, and headless Chromium with the waits and the
//! screenshots every page gets. [`steps`] holds the first walk's steps, which the second one
//! starts from.

pub mod steps;

use crate::webdriver::{ChromeDriver, Session};
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A binary of the workspace, built next to the running test (`target/<profile>/`).
pub fn workspace_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().and_then(Path::parent).unwrap().join(name);
    assert!(
        path.exists(),
        "{} not built: run `cargo build -p fieldlog-server -p fieldlog-cli` first",
        path.display()
    );
    path
}

/// `fieldlog-server serve` on a free loopback port over `db`; killed when dropped.
pub struct ServerBinary {
    child: Child,
    pub url: String,
    db: String,
}

impl ServerBinary {
    pub fn start(db: &str) -> ServerBinary {
        let mut child = Command::new(workspace_binary("fieldlog-server"))
            .args(["--db", db, "serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // It says where it listens on its first line of standard error.
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        // "… (listening on) http://127.0.0.1:PORT，数据库 …": the word up to the full-width comma.
        let url = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .and_then(|word| word.split('，').next())
            .unwrap_or_else(|| panic!("no address in: {line}"))
            .to_owned();
        // Keep reading its standard error so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in stderr.lines() {});
        ServerBinary {
            child,
            url,
            db: db.to_owned(),
        }
    }

    /// `fieldlog-server --db DB ARGS` with `stdin`, beside the running server: its output.
    pub fn admin(&self, args: &[&str], stdin: &str) -> String {
        let mut child = Command::new(workspace_binary("fieldlog-server"))
            .args(["--db", &self.db])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "fieldlog-server {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }
}

impl Drop for ServerBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A technician's laptop: the real `fieldlog` CLI on its own temp profile, in Chinese.
pub struct Laptop {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Laptop {
    pub fn new(technician: &str) -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("profile.sqlite");
        let laptop = Laptop { dir, db };
        laptop.ok(&["init", "--name", technician]);
        laptop
    }

    /// A folder of the laptop's own for files it writes (exports).
    pub fn files(&self) -> &Path {
        self.dir.path()
    }

    pub fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new(workspace_binary("fieldlog"))
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .env("LANG", "zh_CN.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "fieldlog {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `fieldlog --json ARGS`, parsed.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// What the laptop holds of a contract: its contracts, the contract's sites, its policy.
    pub fn holdings(&self, contract: &str) -> serde_json::Value {
        json!({
            "contracts": self.json(&["contract"]),
            "sites": self.json(&["site", "list", "--contract", contract]),
            "policy": self.json(&["sla", "policy", "--contract", contract]),
        })
    }
}

/// The browser on the console, its screenshots' folder, and the server it looks at. Fields drop
/// in order: the session ends before its driver.
pub struct Walk {
    pub session: Session,
    pub server: ServerBinary,
    pub shots: PathBuf,
    _driver: ChromeDriver,
    _profile: tempfile::TempDir,
}

impl Walk {
    /// The server over `db` with its first administrator (from the command line, as a new
    /// branch starts) and one contract made on the command line (the grants step needs one to
    /// tick), and a browser on a fresh profile; screenshots go to `shots`.
    pub fn start(db: &str, shots: PathBuf) -> Walk {
        let server = ServerBinary::start(db);
        server.admin(
            &[
                "office-user-add",
                "--role",
                "admin",
                "--login",
                steps::ADMIN_LOGIN,
                "--name",
                "赵管理员",
            ],
            &format!("{}\n", steps::ADMIN_PASSWORD),
        );
        server.admin(
            &[
                "contract-add",
                "--code",
                steps::CONTRACT,
                "--name",
                "测试县公安村级查询运维",
            ],
            "",
        );
        let driver = ChromeDriver::start();
        let profile = tempfile::tempdir().unwrap();
        Walk {
            session: driver.session(profile.path()),
            server,
            shots,
            _driver: driver,
            _profile: profile,
        }
    }

    pub fn open(&self, path: &str) {
        self.session.navigate(&format!("{}{path}", self.server.url));
    }

    /// Sets an input's value the way typing would end (`input` and `change` fired): for date and
    /// time inputs, which WebDriver cannot type into in every locale.
    pub fn set_value(&self, css: &str, value: &str) {
        let found = self.session.execute(
            "const el = document.querySelector(arguments[0]); if (!el) return false; \
             el.value = arguments[1]; \
             el.dispatchEvent(new Event('input', {bubbles: true})); \
             el.dispatchEvent(new Event('change', {bubbles: true})); return true;",
            json!([css, value]),
        );
        assert_eq!(found, json!(true), "no {css} to set");
    }

    /// Chooses `value` in a select whose options come with a request of the page: waits for the
    /// option first.
    pub fn choose(&self, css: &str, value: &str) {
        self.wait_for(
            &format!("{css} option[value='{value}']"),
            Duration::from_secs(15),
        );
        self.session.select(css, value);
    }

    /// Waits until the shell says which page it shows (`<html data-page>`).
    pub fn on_page(&self, page: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let now = self.session.execute(
                "return document.documentElement.dataset.page || '';",
                json!([]),
            );
            if now.as_str() == Some(page) {
                return;
            }
            if Instant::now() >= deadline {
                self.session.screenshot_into(&self.shots, "zz-failure");
                panic!("expected the {page} page, the console shows {now}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `css` holds `needle`; returns its text.
    pub fn wait_text(&self, css: &str, needle: &str) -> String {
        self.wait_text_for(css, needle, Duration::from_secs(15))
    }

    /// [`Walk::wait_text`] with a deadline of its own (a page that refreshes by itself).
    pub fn wait_text_for(&self, css: &str, needle: &str, patience: Duration) -> String {
        let deadline = Instant::now() + patience;
        loop {
            let text = self
                .session
                .find_all(css)
                .first()
                .map(|e| self.session.text(e))
                .unwrap_or_default();
            if text.contains(needle) {
                return text;
            }
            if Instant::now() >= deadline {
                self.session.screenshot_into(&self.shots, "zz-failure");
                panic!("{css} never said {needle:?}; it says {text:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until something matches `css`; its element id.
    pub fn wait_for(&self, css: &str, patience: Duration) -> String {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(found) = self.session.find_all(css).into_iter().next() {
                return found;
            }
            if Instant::now() >= deadline {
                self.session.screenshot_into(&self.shots, "zz-failure");
                panic!("nothing on the page matches {css}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A screenshot of the page, after checking it shows no label key or `undefined`, and, in
    /// Chinese, some Chinese.
    pub fn shot(&self, name: &str) {
        let text = self
            .session
            .execute("return document.body.innerText;", json!([]));
        let text = text.as_str().unwrap_or_default();
        for leak in ["undefined", "[object Object]", "console.", "NaN"] {
            assert!(!text.contains(leak), "{name} shows {leak:?}: {text}");
        }
        let english = self
            .session
            .execute("return document.documentElement.lang;", json!([]));
        if english.as_str() != Some("en") {
            assert!(
                text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{name} shows no Chinese: {text}"
            );
        }
        let path = self.session.screenshot_into(&self.shots, name);
        eprintln!("screenshot: {}", path.display());
    }

    pub fn sign_in(&self, login: &str, password: &str) {
        self.on_page("sign-in");
        self.session.type_into("input[name=login]", login);
        self.session.type_into("input[name=password]", password);
        self.session.click_on("[data-testid=sign-in-submit]");
        self.session.find("[data-testid=console]");
    }

    pub fn sign_out(&self) {
        self.session.click_on("[data-testid=sign-out]");
        self.on_page("sign-in");
    }

    /// Clicks a navigation entry and waits for its page.
    pub fn nav(&self, page: &str) {
        self.session.click_on(&format!("[data-testid=nav-{page}]"));
        self.on_page(page);
    }

    /// The browser's office session cookie, `fieldlog_office=…`, for requests of the test's own.
    pub fn session_cookie(&self) -> String {
        self.session
            .cookies()
            .into_iter()
            .find(|c| c.starts_with("fieldlog_office="))
            .expect("the session cookie")
    }
}

/// Where a walk's screenshots go: `target/console-screenshots/<folder>/` of the workspace
/// (`FIELDLOG_SCREENSHOTS` overrides). The folder's own files from an earlier run are removed;
/// its subfolders (another walk's) are left alone.
pub fn screenshots(folder: &str) -> PathBuf {
    let dir = std::env::var_os("FIELDLOG_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::current_dir()
                .unwrap()
                .join("../target/console-screenshots")
        })
        .join(folder);
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if entry.file_type().is_ok_and(|kind| kind.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    dir
}

/// A GET of the office API with only `cookie` (no CSRF header: reading needs none).
pub fn api_get(url: &str, path: &str, cookie: &str) -> reqwest::blocking::Response {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
        .get(format!("{url}{path}"))
        .header("Cookie", cookie)
        .send()
        .unwrap()
}

/// [`api_get`]'s status.
pub fn api_status(url: &str, path: &str, cookie: &str) -> u16 {
    api_get(url, path, cookie).status().as_u16()
}

/// Runs `walk(database, backend)` over a fresh SQLite file.
pub fn on_sqlite(walk: fn(&str, &str)) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite");
    walk(db.to_str().unwrap(), "sqlite");
}

/// Runs `walk(database, backend)` over a throwaway PostgreSQL database of the test cluster
/// (`cargo xtask test` and `cargo xtask with-postgres` start one); skipped, and said so, without.
pub fn on_postgres(walk: fn(&str, &str)) {
    if std::env::var_os(fieldlog_server::postgres::TEST_CLUSTER_VAR).is_none() {
        eprintln!(
            "{} is not set: the PostgreSQL walk is skipped (cargo xtask test sets it)",
            fieldlog_server::postgres::TEST_CLUSTER_VAR
        );
        return;
    }
    let database = fieldlog_server::postgres::ThrowawayDatabase::for_test();
    walk(&database.url(), "postgres");
}
