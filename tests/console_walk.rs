//! The office console in a real browser: headless Chromium under chromedriver, on the real
//! `fieldlog-server` binary (the console embedded in it) over a fresh SQLite database, and on
//! PostgreSQL when `FIELDLOG_TEST_POSTGRES_URL` is set. Every page is screenshotted into
//! `target/console-screenshots/<backend>/` for a person to look at.
//!
//! `#[ignore]`d: it needs Debian's `chromium` and `chromium-driver`, the console built
//! (`npm run build` in ui/) and the server and CLI binaries built; `cargo xtask test` sees to all
//! three and runs it with `--ignored`.

use fieldlog_system_tests::webdriver::{ChromeDriver, Session};
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN_LOGIN: &str = "zhao.admin";
const ADMIN_PASSWORD: &str = "测试管理员密码-2026-hb";
const MANAGER_LOGIN: &str = "qian.pm";
const MANAGER_NAME: &str = "钱晓燕";
const MANAGER_PASSWORD: &str = "项目经理的密码-2026";
/// The contract the command line makes before the walk (the grants step needs one to tick).
const CONTRACT: &str = "HB-POLICE-2026";
/// The police contract the manager creates in the console from its preset.
const POLICE: &str = "HB-XL-2027";
const POLICE_PRESET: &str = "county-police-village-query";
const SITES: usize = 30;
const TECHNICIAN: &str = "孙志强";
const LAPTOP: &str = "孙志强的笔记本";

/// A binary of the workspace, built next to this test (`target/<profile>/`).
fn workspace_binary(name: &str) -> PathBuf {
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
struct RunningBinary {
    child: Child,
    url: String,
    db: String,
}

impl RunningBinary {
    fn start(db: &str) -> RunningBinary {
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
        RunningBinary {
            child,
            url,
            db: db.to_owned(),
        }
    }

    fn admin(&self, args: &[&str], stdin: &str) -> String {
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

impl Drop for RunningBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A technician's laptop: the real `fieldlog` CLI on its own temp profile, in Chinese.
struct Laptop {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Laptop {
    fn new(technician: &str) -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("profile.sqlite");
        let laptop = Laptop { _dir: dir, db };
        laptop.ok(&["init", "--name", technician]);
        laptop
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
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

    fn ok(&self, args: &[&str]) -> String {
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
    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// What the laptop holds of the police contract: its contracts, its sites, its policy.
    fn holdings(&self) -> serde_json::Value {
        json!({
            "contracts": self.json(&["contract"]),
            "sites": self.json(&["site", "list", "--contract", POLICE]),
            "policy": self.json(&["sla", "policy", "--contract", POLICE]),
        })
    }
}

/// The browser, its screenshots' folder, and the server it looks at.
struct Walk {
    session: Session,
    server: RunningBinary,
    shots: PathBuf,
}

impl Walk {
    fn open(&self, path: &str) {
        self.session.navigate(&format!("{}{path}", self.server.url));
    }

    /// Waits until the shell says which page it shows (`<html data-page>`).
    fn on_page(&self, page: &str) {
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
    fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
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

    /// A screenshot of the page, after checking it shows no label key or `undefined`, and, in
    /// Chinese, some Chinese.
    fn shot(&self, name: &str) {
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

    fn sign_in(&self, login: &str, password: &str) {
        self.on_page("sign-in");
        self.session.type_into("input[name=login]", login);
        self.session.type_into("input[name=password]", password);
        self.session.click_on("[data-testid=sign-in-submit]");
        self.session.find("[data-testid=console]");
    }

    fn sign_out(&self) {
        self.session.click_on("[data-testid=sign-out]");
        self.on_page("sign-in");
    }

    /// Clicks a navigation entry and waits for its page.
    fn nav(&self, page: &str) {
        self.session.click_on(&format!("[data-testid=nav-{page}]"));
        self.on_page(page);
    }
}

/// Where the screenshots go: `target/console-screenshots/<backend>/` of the workspace
/// (`FIELDLOG_SCREENSHOTS` overrides).
fn screenshots(backend: &str) -> PathBuf {
    let dir = std::env::var_os("FIELDLOG_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::current_dir()
                .unwrap()
                .join("../target/console-screenshots")
        })
        .join(backend);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A GET of the office API with only `cookie`: its status.
fn api_status(url: &str, path: &str, cookie: &str) -> u16 {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::new()
        .get(format!("{url}{path}"))
        .header("Cookie", cookie)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

/// The walk up to where the catalogue and people pages take over: the first administrator
/// (from the command line) signs in, adds a project manager and grants her the contract, looks
/// at the audit log and signs out (the session is over: the back button shows the sign-in page
/// and the old cookie is refused); the manager signs in and sees her contract only.
fn accounts_walk(walk: &Walk) {
    let s = &walk.session;
    walk.open("/");
    walk.shot("01-sign-in");
    // A wrong password is refused with the server's message, in Chinese first.
    walk.session.type_into("input[name=login]", ADMIN_LOGIN);
    walk.session
        .type_into("input[name=password]", "not-the-password");
    s.click_on("[data-testid=sign-in-submit]");
    walk.wait_text("[data-testid=error]", "密码");
    walk.shot("02-sign-in-refused");

    walk.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD);
    // The board is the home page of every role (issue 18).
    walk.on_page("board");

    walk.nav("accounts");
    walk.wait_text("[data-testid=accounts]", ADMIN_LOGIN);
    s.type_into("input[name=new-login]", MANAGER_LOGIN);
    s.type_into("input[name=new-name]", MANAGER_NAME);
    s.select("select[name=new-role]", "project_manager");
    s.type_into("input[name=new-password]", MANAGER_PASSWORD);
    s.click_on("[data-testid=add-account-submit]");
    walk.wait_text("[data-testid=accounts]", MANAGER_LOGIN);
    // Adding a manager opens her grants: tick the contract and save.
    s.find("[data-testid=grants-panel]");
    s.click_on(&format!("input[data-contract='{CONTRACT}']"));
    s.click_on("[data-testid=save-grants]");
    walk.wait_text("[data-testid=notice]", "可见合同已保存");
    walk.shot("04-accounts-grants");

    walk.nav("audit");
    walk.wait_text("[data-testid=audit]", "设置可见合同");
    walk.shot("05-audit");

    // English, then back to Chinese: the switch covers the console's own labels.
    s.click_on("[data-testid=language]");
    walk.wait_text("h1", "Audit log");
    walk.shot("06-audit-english");
    s.click_on("[data-testid=language]");
    walk.wait_text("h1", "审计日志");

    let cookies = s.cookies();
    let session_cookie = cookies
        .iter()
        .find(|c| c.starts_with("fieldlog_office="))
        .expect("the session cookie")
        .clone();
    assert_eq!(
        api_status(&walk.server.url, "/office/v1/me", &session_cookie),
        200
    );
    walk.sign_out();
    walk.shot("07-signed-out");
    // The back button does not bring the administrator's pages back, and the old cookie is dead.
    s.back();
    walk.on_page("sign-in");
    assert_eq!(
        api_status(&walk.server.url, "/office/v1/me", &session_cookie),
        401
    );
    assert_eq!(
        api_status(&walk.server.url, "/office/v1/accounts", &session_cookie),
        401
    );

    walk.sign_in(MANAGER_LOGIN, MANAGER_PASSWORD);
    walk.on_page("board");
    assert!(s.find_all("[data-testid=nav-accounts]").is_empty());
    // An administrator's page typed into the address bar is not shown to her.
    walk.open("/console/accounts");
    walk.on_page("unknown");
    walk.shot("08-not-for-manager");
}

/// 30 camera poles, one camera each, as an XLSX the way a client's clerk sends them.
fn sites_xlsx(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = [
        "点位编号",
        "点位名称",
        "点位类型",
        "地址",
        "纬度",
        "经度",
        "设备类型",
        "设备型号",
        "序列号",
    ];
    for (col, name) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    for i in 1..=SITES {
        let row = i as u32;
        let cells = [
            format!("XL-{i:03}"),
            format!("测试村{i}号杆"),
            "监控杆".to_owned(),
            format!("测试县测试镇{i}村"),
        ];
        for (col, text) in cells.iter().enumerate() {
            sheet.write_string(row, col as u16, text).unwrap();
        }
        sheet.write_number(row, 4, 30.0 + i as f64 / 100.0).unwrap();
        sheet
            .write_number(row, 5, 114.0 + i as f64 / 100.0)
            .unwrap();
        sheet.write_string(row, 6, "摄像机").unwrap();
        sheet.write_string(row, 7, "测试球机 X1").unwrap();
        sheet.write_string(row, 8, format!("SN-XL-{i:03}")).unwrap();
    }
    book.save(path).unwrap();
}

/// The manager creates the police contract from its preset, imports its 30 sites (a bad file
/// first: refused, its bad rows listed, nothing written), edits a site, adds a device and a
/// spare part.
fn catalogue_walk(walk: &Walk, files: &Path) {
    let s = &walk.session;
    walk.nav("contracts");
    s.find("[data-testid=new-contract]");
    walk.shot("09-contracts-manager");
    s.select("select[name=preset]", POLICE_PRESET);
    s.type_into("input[name=code]", POLICE);
    s.type_into("input[name=name]", "测试县公安局村级视频查询运维（2027）");
    s.type_into("input[name=client]", "测试县公安局");
    s.execute(
        "for (const [n, v] of [['service-start', '2027-01-01'], ['service-end', '2027-12-31']]) { \
         const el = document.querySelector(`input[name=${n}]`); el.value = v; \
         el.dispatchEvent(new Event('input', {bubbles: true})); }",
        json!([]),
    );
    walk.shot("10-new-contract-from-preset");
    s.click_on("[data-testid=create-contract]");
    walk.on_page("contract");
    walk.wait_text("h1", POLICE);
    walk.wait_text("[data-testid=policy]", "分钟");
    walk.shot("11-contract-detail");

    s.click_on("[data-testid=edit-policy]");
    s.type_into("input[name=feedback]", "30");
    walk.shot("12-policy-edit");
    s.click_on("[data-testid=save-policy]");
    walk.wait_text("[data-testid=notice]", "第 2 版");

    walk.nav("contracts");
    walk.wait_text("[data-testid=contracts]", POLICE);
    walk.shot("12b-contracts-list");
    s.click_on(&format!("tr[data-contract='{POLICE}']"));
    walk.on_page("contract");
    s.click_on("[data-testid=open-catalogue]");
    walk.on_page("catalogue");
    // A bad file first: one row of an unknown kind. Refused whole, the row named.
    let bad = files.join("bad-sites.csv");
    std::fs::write(
        &bad,
        "点位编号,点位名称,点位类型,地址\nXL-900,好的一行,监控杆,测试县\nXL-901,坏的一行,飞艇,测试县\n",
    )
    .unwrap();
    s.choose_file("input[name=import-file]", &bad);
    s.click_on("[data-testid=run-import]");
    walk.wait_text("[data-testid=import-refused]", "3");
    walk.wait_text("[data-testid=site-total]", "0");
    walk.shot("13-import-refused");

    let good = files.join("sites.xlsx");
    sites_xlsx(&good);
    s.choose_file("input[name=import-file]", &good);
    s.click_on("[data-testid=run-import]");
    walk.wait_text("[data-testid=import-done]", &SITES.to_string());
    walk.wait_text("[data-testid=site-total]", &SITES.to_string());
    let progress = s.find("[data-testid=import-progress]");
    assert_eq!(s.attribute(&progress, "value").as_deref(), Some("100"));
    walk.shot("14-imported");

    // Search, then a site edited and a device added to it.
    s.type_into("input[name=site-search]", "XL-007");
    walk.wait_text("[data-testid=site-total]", "1");
    s.click_on("tr[data-site='XL-007']");
    s.type_into("input[name=site-name]", "测试村7号杆（已迁移）");
    s.click_on("[data-testid=save-site]");
    walk.wait_text("[data-testid=sites]", "已迁移");
    s.click_on("[data-testid=add-device]");
    s.select("select[name=device-kind]", "power_unit");
    s.type_into("input[name=device-model]", "测试电源 12V");
    s.click_on("[data-testid=save-device]");
    walk.wait_text("[data-testid=devices]", "测试电源 12V");
    walk.shot("15-site-edited");

    s.click_on("[data-testid=tab-parts]");
    s.type_into("input[name=part-code]", "BJ-CAM-01");
    s.type_into("input[name=part-name]", "测试球机备品");
    s.select("select[name=part-kind]", "unit");
    s.type_into("input[name=part-model]", "测试球机 X1");
    s.click_on("input[name=part-main]");
    s.click_on("[data-testid=save-part]");
    walk.wait_text("[data-testid=parts]", "BJ-CAM-01");
    walk.shot("16-parts");
}

/// The manager adds two technicians on the police contract and an enrollment code for the first
/// (read from the page); a real laptop enrolls with it and receives the contract, its policy and
/// its 30 sites. Returns the laptop.
fn people_walk(walk: &Walk) -> Laptop {
    let s = &walk.session;
    walk.nav("technicians");
    for name in [TECHNICIAN, "李卫东"] {
        s.type_into("input[name=technician-name]", name);
        let tick = format!("[data-testid=add-technician] input[data-contract='{POLICE}']");
        let ticked = s.execute(
            "return document.querySelector(arguments[0]).checked;",
            json!([tick]),
        );
        if ticked != json!(true) {
            s.click_on(&tick);
        }
        s.click_on("[data-testid=add-technician-submit]");
        walk.wait_text("[data-testid=technicians]", name);
    }
    s.click_on(&format!(
        "tr[data-technician='{TECHNICIAN}'] [data-testid=issue-code]"
    ));
    let code = s.find("[data-testid=enrollment-code]");
    let code = s.text(&code).trim().to_owned();
    assert!(!code.is_empty(), "an enrollment code on the page");
    let server = walk
        .wait_text("[data-testid=enrollment-server]", "http://")
        .trim()
        .to_owned();
    assert_eq!(
        server, walk.server.url,
        "the code names the server's address"
    );
    let qr = s.find("[data-testid=enrollment-qr]");
    assert!(
        s.attribute(&qr, "src")
            .unwrap_or_default()
            .starts_with("data:image/svg+xml")
    );
    walk.shot("17-technicians-enrollment-code");

    let laptop = Laptop::new(TECHNICIAN);
    laptop.ok(&[
        "enroll",
        "--server",
        &server,
        "--code",
        &code,
        "--device-name",
        LAPTOP,
    ]);
    laptop.ok(&["sync"]);
    let held = laptop.holdings();
    assert!(
        held["contracts"].to_string().contains(POLICE),
        "the laptop holds the contract: {}",
        held["contracts"]
    );
    let sites = held["sites"].as_array().expect("a list of sites");
    assert_eq!(sites.len(), SITES, "{}", held["sites"]);
    assert!(held["sites"].to_string().contains("测试村7号杆（已迁移）"));
    assert!(
        held["policy"].to_string().contains("\"feedback_min\":30"),
        "the policy's second version (feedback in 30 min): {}",
        held["policy"]
    );

    walk.nav("laptops");
    walk.wait_text("[data-testid=laptops]", LAPTOP);
    walk.shot("18-laptops-manager");
    assert!(
        s.find_all("[data-testid=revoke]").is_empty(),
        "only an administrator revokes"
    );
    laptop
}

/// The administrator revokes the laptop; its next sync is refused with the revoked message and
/// nothing on it is lost.
fn revoke_walk(walk: &Walk, laptop: &Laptop) {
    let s = &walk.session;
    walk.sign_out();
    walk.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD);
    walk.nav("laptops");
    walk.wait_text("[data-testid=laptops]", LAPTOP);
    let before = laptop.holdings();
    s.click_on(&format!("tr[data-laptop='{LAPTOP}'] [data-testid=revoke]"));
    s.type_into("input[name=revoke-reason]", "笔记本在测试中丢失");
    walk.shot("19-revoke-reason");
    s.click_on("[data-testid=revoke-submit]");
    s.accept_dialog();
    walk.wait_text("[data-testid=notice]", LAPTOP);
    walk.wait_text(
        &format!("tr[data-laptop='{LAPTOP}'] [data-testid=laptop-state]"),
        "停用",
    );
    walk.shot("20-laptop-revoked");

    let refused = laptop.run(&["sync"]);
    assert!(!refused.status.success(), "a revoked laptop's sync fails");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(said.contains("被办公室停用"), "the revoked message: {said}");
    assert_eq!(laptop.holdings(), before, "nothing on the laptop is lost");

    walk.nav("audit");
    walk.shot("21-audit-after-revoke");
    walk.sign_out();
}

fn walk_on(db: &str, backend: &str) {
    let server = RunningBinary::start(db);
    server.admin(
        &[
            "office-user-add",
            "--role",
            "admin",
            "--login",
            ADMIN_LOGIN,
            "--name",
            "赵管理员",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    // Until the console creates contracts (catalogue API), the command line does.
    server.admin(
        &[
            "contract-add",
            "--code",
            CONTRACT,
            "--name",
            "测试县公安村级查询运维",
        ],
        "",
    );
    let driver = ChromeDriver::start();
    let profile = tempfile::tempdir().unwrap();
    let walk = Walk {
        session: driver.session(profile.path()),
        server,
        shots: screenshots(backend),
    };
    let files = tempfile::tempdir().unwrap();
    accounts_walk(&walk);
    catalogue_walk(&walk, files.path());
    let laptop = people_walk(&walk);
    revoke_walk(&walk, &laptop);
}

#[test]
#[ignore = "needs chromium, chromium-driver and the built console: cargo xtask test runs it"]
fn the_office_walk_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite");
    walk_on(db.to_str().unwrap(), "sqlite");
}

#[test]
#[ignore = "needs chromium, chromium-driver and the built console: cargo xtask test runs it"]
fn the_office_walk_on_postgres() {
    if std::env::var_os(fieldlog_server::postgres::TEST_CLUSTER_VAR).is_none() {
        eprintln!(
            "{} is not set: the PostgreSQL walk is skipped (cargo xtask test sets it)",
            fieldlog_server::postgres::TEST_CLUSTER_VAR
        );
        return;
    }
    let database = fieldlog_server::postgres::ThrowawayDatabase::for_test();
    walk_on(&database.url(), "postgres");
}
