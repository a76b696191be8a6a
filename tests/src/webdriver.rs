//! A minimal W3C WebDriver client (the handful of calls the end-to-end tests use), and the two
//! drivers it talks to: tauri-driver, which starts the real app binary and proxies to
//! WebKitWebDriver, and chromedriver, which drives a headless Chromium at the office console.

use base64::Engine;
use serde_json::{Value, json};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A tauri-driver process on a free loopback port; killed when dropped.
pub struct TauriDriver {
    child: Child,
    pub port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl TauriDriver {
    /// Starts tauri-driver with `envs` passed on to the app it launches.
    pub fn start(envs: &[(&str, &Path)]) -> TauriDriver {
        let (port, native_port) = (free_port(), free_port());
        let binary = std::env::var_os("TAURI_DRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| "tauri-driver".into());
        let mut command = Command::new(&binary);
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (key, value) in envs {
            command.env(key, value);
        }
        let child = command.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e}; install it with `cargo xtask setup`",
                binary.display()
            )
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        TauriDriver { child, port }
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A chromedriver process on a free loopback port; killed when dropped. Debian's
/// `chromium-driver` (installed by `cargo xtask test`) drives Debian's `chromium`.
pub struct ChromeDriver {
    child: Child,
    pub port: u16,
}

impl ChromeDriver {
    pub fn start() -> ChromeDriver {
        let port = free_port();
        let binary = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| "chromedriver".into());
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {}: {e}; install it with `apt-get install chromium chromium-driver` \
                     (`cargo xtask test` does)",
                    binary.display()
                )
            });
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        ChromeDriver { child, port }
    }

    /// A headless Chromium session, 1366×768, on a fresh profile in `user_data_dir`, with
    /// nothing that reaches outside (no sync, updates, QUIC or background fetches).
    pub fn session(&self, user_data_dir: &Path) -> Session {
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1366,768".to_owned(),
            "--lang=zh-CN".to_owned(),
            format!("--user-data-dir={}", user_data_dir.display()),
        ];
        let mut options = json!({ "args": args, "prefs": { "intl.accept_languages": "zh-CN,zh" } });
        if let Some(binary) = std::env::var_os("CHROMIUM") {
            options["binary"] = json!(binary.to_string_lossy());
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "unhandledPromptBehavior": "ignore",
        } } });
        let session = Session::open(self.port, &caps);
        // --window-size is the whole window; the page itself must be 1366×768.
        session.call(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            Some(
                json!({ "cmd": "Emulation.setDeviceMetricsOverride", "params": {
                "width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": false } }),
            ),
        );
        session
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One WebDriver session on the app; deleted (closing the app) when dropped.
pub struct Session {
    http: reqwest::blocking::Client,
    base: String,
}

impl Session {
    /// A session of the real app under tauri-driver.
    pub fn new(driver: &TauriDriver, application: &Path) -> Session {
        let caps = json!({ "capabilities": { "alwaysMatch": { "tauri:options": { "application": application } } } });
        Session::open(driver.port, &caps)
    }

    /// A new session on the driver listening on `port`, with these capabilities.
    pub fn open(port: u16, caps: &Value) -> Session {
        // reqwest is built without a TLS crypto provider (fieldlog-sync brings ring); this client
        // speaks plain HTTP, but building one still wants a provider installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let root = format!("http://127.0.0.1:{port}");
        // Right after a session ends, the driver may still be tearing the last app down and drop
        // the connection; a new session is asked for again, a few times, before giving up.
        let mut attempt = 0;
        let response: Value = loop {
            attempt += 1;
            match http
                .post(format!("{root}/session"))
                .json(caps)
                .send()
                .and_then(|r| r.json())
            {
                Ok(value) => break value,
                Err(e) if attempt < 5 => {
                    eprintln!("new session, attempt {attempt}: {e}; retrying");
                    std::thread::sleep(Duration::from_millis(500 * attempt));
                }
                Err(e) => panic!("no WebDriver session after {attempt} attempts: {e}"),
            }
        };
        let id = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {response}"))
            .to_owned();
        Session {
            http,
            base: format!("{root}/session/{id}"),
        }
    }

    /// Opens `url` in the browser and waits for it to load.
    pub fn navigate(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })));
    }

    /// The browser's back button.
    pub fn back(&self) {
        self.call(reqwest::Method::POST, "/back", Some(json!({})));
    }

    /// The page's address now.
    pub fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The cookies the browser holds for the page (HttpOnly ones too), as `name=value`.
    pub fn cookies(&self) -> Vec<String> {
        let all = self.call(reqwest::Method::GET, "/cookie", None);
        all.as_array()
            .map(|cookies| {
                cookies
                    .iter()
                    .map(|c| {
                        format!(
                            "{}={}",
                            c["name"].as_str().unwrap_or(""),
                            c["value"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Accepts the page's `confirm()`/`alert()` dialog, waiting up to 5 s for it.
    pub fn accept_dialog(&self) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let response: Value = self
                .http
                .post(format!("{}/alert/accept", self.base))
                .json(&json!({}))
                .send()
                .unwrap()
                .json()
                .unwrap();
            if response["value"].get("error").is_none() {
                return;
            }
            assert!(Instant::now() < deadline, "no dialog to accept: {response}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sets a file input's file (a path on this machine, which the local driver reads).
    pub fn choose_file(&self, css: &str, path: &Path) {
        let element = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({ "text": path.to_string_lossy() })),
        );
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response: Value = request.send().unwrap().json().unwrap();
        if let Some(error) = response["value"].get("error") {
            panic!(
                "WebDriver {path}: {error}: {}",
                response["value"]["message"]
            );
        }
        response["value"].clone()
    }

    /// Element ids matching a CSS selector.
    pub fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.call(
            reqwest::Method::POST,
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[ELEMENT_KEY].as_str().unwrap().to_owned())
            .collect()
    }

    /// Polls until `ready` accepts what `css` finds, or panics after `timeout`.
    pub fn wait_for(
        &self,
        css: &str,
        timeout: Duration,
        ready: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let found = self.find_all(css);
            if ready(&found) {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {css} (found {})",
                found.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The first element matching `css`, waiting up to 10 s for it.
    pub fn find(&self, css: &str) -> String {
        self.wait_for(css, Duration::from_secs(10), |found| !found.is_empty())
            .remove(0)
    }

    pub fn click(&self, element: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        );
    }

    /// Clicks the first element matching `css`.
    pub fn click_on(&self, css: &str) {
        let element = self.find(css);
        self.click(&element);
    }

    /// Types into a field (after clearing it).
    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/clear"),
            Some(json!({})),
        );
        self.call(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Runs a script in the page; `arguments` holds `args`.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Chooses an option of a `<select>` by its value, as a user would (fires `change`).
    pub fn select(&self, css: &str, value: &str) {
        self.find(css);
        let script = "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
                      el.dispatchEvent(new Event('input', {bubbles: true})); \
                      el.dispatchEvent(new Event('change', {bubbles: true})); return el.value;";
        let chosen = self.execute(script, json!([css, value]));
        assert_eq!(chosen.as_str(), Some(value), "{css} has no option {value}");
    }

    /// Draws a signature-like zigzag on a canvas with real pointer actions, inside its bounds.
    pub fn draw_on(&self, css: &str) {
        let canvas = self.find(css);
        let size = self.execute(
            "const el = document.querySelector(arguments[0]); el.scrollIntoView({block: 'center'}); \
             const r = el.getBoundingClientRect(); return [r.width, r.height];",
            json!([css]),
        );
        let half_w = (size[0].as_f64().unwrap_or(300.0) / 2.0 - 15.0).max(20.0) as i64;
        let half_h = (size[1].as_f64().unwrap_or(120.0) / 2.0 - 15.0).max(10.0) as i64;
        let origin = json!({ ELEMENT_KEY: canvas });
        let mut moves = vec![
            json!({ "type": "pointerMove", "origin": origin, "x": -half_w, "y": 0, "duration": 0 }),
            json!({ "type": "pointerDown", "button": 0 }),
        ];
        for i in 1..=12 {
            let y = if i % 2 == 0 { -half_h } else { half_h };
            let x = -half_w + i * (2 * half_w) / 12;
            moves.push(
                json!({ "type": "pointerMove", "origin": origin, "x": x, "y": y, "duration": 30 }),
            );
        }
        moves.push(json!({ "type": "pointerUp", "button": 0 }));
        let actions = json!({ "actions": [{ "type": "pointer", "id": "pen", "parameters": { "pointerType": "mouse" }, "actions": moves }] });
        self.call(reqwest::Method::POST, "/actions", Some(actions));
        self.call(reqwest::Method::DELETE, "/actions", None);
    }

    pub fn text(&self, element: &str) -> String {
        self.call(
            reqwest::Method::GET,
            &format!("/element/{element}/text"),
            None,
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    pub fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.call(
            reqwest::Method::GET,
            &format!("/element/{element}/attribute/{name}"),
            None,
        )
        .as_str()
        .map(str::to_owned)
    }

    /// A PNG of the window, saved as `dir/name.png`.
    pub fn screenshot_into(&self, dir: &Path, name: &str) -> PathBuf {
        let b64 = self.call(reqwest::Method::GET, "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap())
            .unwrap();
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// A PNG of the window, saved under `artifacts/e2e/` at the workspace root.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        // At run time, not env!(): a test binary built for another checkout must still write here.
        // `cargo test` runs in the package directory (tests/); FIELDLOG_ARTIFACTS overrides.
        let dir = std::env::var_os("FIELDLOG_ARTIFACTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::current_dir().unwrap().join("../artifacts"))
            .join("e2e");
        self.screenshot_into(&dir, name)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.http.delete(&self.base).send();
    }
}

/// The parent of a process, from /proc.
pub fn parent_pid(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after its closing parenthesis are fixed.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn descends_from(mut pid: u32, ancestor: u32) -> bool {
    while let Some(parent) = parent_pid(pid).filter(|&p| p > 1) {
        if parent == ancestor {
            return true;
        }
        pid = parent;
    }
    false
}

impl TauriDriver {
    /// Kills, with SIGKILL, the app processes this driver started (a crash, as far as the app can
    /// tell); a Fieldlog a developer runs by hand is left alone. Returns how many were killed.
    pub fn kill_app(&self, binary: &Path) -> usize {
        let name = binary.file_name().expect("a file").to_owned();
        let driver = self.child.id();
        let mut killed = 0;
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
            if exe.as_deref().and_then(Path::file_name) == Some(name.as_os_str())
                && descends_from(pid, driver)
            {
                let status = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                killed += usize::from(status.is_ok_and(|s| s.success()));
            }
        }
        killed
    }
}

/// The desktop app binary built next to this test (`FIELDLOG_APP_BIN` overrides).
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("FIELDLOG_APP_BIN") {
        return PathBuf::from(path);
    }
    // target/<profile>/deps/<test> → target/<profile>/fieldlog-app
    let exe = std::env::current_exe().unwrap();
    let path = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("fieldlog-app");
    assert!(
        path.exists(),
        "{} not built: run `cargo build -p fieldlog-app`",
        path.display()
    );
    path
}
