//! Issue 18's office day in a real browser, on the real `fieldlog-server` and `fieldlog`
//! binaries, over SQLite and PostgreSQL: a customer manager takes a call for an A fault in the
//! console and assigns it to the technician whose laptop is enrolled; the laptop (the real CLI)
//! syncs, sees the fault as its own, checks in and resolves it; the board shows arrival and
//! resolution met, and a second fault, called in hours ago, breached; the month page shows the
//! figures the laptop's `fieldlog summary --json` shows; the XLSX opens in LibreOffice and the
//! PDF validates in pyHanko trusting only the server's root. Every new page is screenshotted into
//! `target/console-screenshots/<backend>/dispatch/`.
//!
//! `#[ignore]`d like `console_walk.rs`: it needs chromium and chromium-driver, the console built,
//! the server and CLI binaries built, LibreOffice and pyHanko (`cargo xtask setup test`).

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use fieldlog_system_tests::console::steps::{
    ADMIN_LOGIN, ADMIN_PASSWORD, POLICE, SECOND_TECHNICIAN, TECHNICIAN, accounts_walk, add_manager,
    catalogue_walk, people_walk,
};
use fieldlog_system_tests::console::{Laptop, Walk, api_get, on_postgres, on_sqlite, screenshots};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const CUSTOMER_MANAGER_LOGIN: &str = "sun.cm";
const CUSTOMER_MANAGER_NAME: &str = "孙丽华";
const CUSTOMER_MANAGER_PASSWORD: &str = "客户经理的密码-2026";

/// A call taken in the console.
struct Call<'a> {
    site: &'a str,
    level: &'a str,
    /// When the client called (the form's call time; clocks start here).
    called_at: DateTime<Utc>,
    caller: &'a str,
    phone: &'a str,
    description: &'a str,
    /// The technician it is dispatched to in the same form, if any.
    assign_to: Option<&'a str>,
}

/// Beijing time, as the office reads and types it.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

/// The administrator adds a customer manager (the first receiver of calls) and grants her the
/// police contract.
fn customer_manager_walk(walk: &Walk) {
    walk.sign_out();
    walk.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD);
    add_manager(
        walk,
        CUSTOMER_MANAGER_LOGIN,
        CUSTOMER_MANAGER_NAME,
        "customer_manager",
        CUSTOMER_MANAGER_PASSWORD,
        POLICE,
    );
    walk.sign_out();
}

/// Takes `call` on the call page (报修登记) and waits for the fault's page; returns the fault's id.
fn take_call(walk: &Walk, call: &Call, shot: &str) -> String {
    let s = &walk.session;
    walk.open("/console/faults/new");
    walk.wait_for("[data-testid=call-submit]", Duration::from_secs(15));
    walk.choose("[data-testid=call-contract]", POLICE);
    s.type_into("[data-testid=call-site-search]", call.site);
    s.click_on(&format!(
        "[data-testid=call-site-option][data-site='{}']",
        call.site
    ));
    // Picked: the option is marked (the submit button waits for a site).
    walk.wait_for(
        &format!(
            "[data-testid=call-site-option][data-site='{}'].on",
            call.site
        ),
        Duration::from_secs(5),
    );
    s.select("[data-testid=call-level]", call.level);
    let local = call.called_at.with_timezone(&china());
    walk.set_value(
        "[data-testid=call-time]",
        &local.format("%Y-%m-%dT%H:%M").to_string(),
    );
    s.type_into("[data-testid=call-caller]", call.caller);
    s.type_into("[data-testid=call-phone]", call.phone);
    s.type_into("[data-testid=call-description]", call.description);
    if let Some(technician) = call.assign_to {
        let option = s.execute(
            "const select = document.querySelector('[data-testid=call-assign]'); \
             const option = [...select.options].find(o => o.textContent.includes(arguments[0])); \
             return option ? option.value : null;",
            json!([technician]),
        );
        let value = option
            .as_str()
            .unwrap_or_else(|| panic!("{technician} is not offered to assign to"));
        s.select("[data-testid=call-assign]", value);
    }
    walk.shot(&format!("{shot}-call"));
    s.click_on("[data-testid=call-submit]");
    walk.wait_for("[data-testid=fault-page]", Duration::from_secs(15));
    if let Some(technician) = call.assign_to {
        walk.wait_text("[data-testid=fault-holder]", technician);
    }
    walk.shot(&format!("{shot}b-fault"));
    // Below the clocks: who holds it, and the dispatch form.
    s.execute(
        "document.querySelector('[data-testid=fault-holder]').scrollIntoView();",
        json!([]),
    );
    walk.shot(&format!("{shot}c-fault-holder"));
    let url = s.url();
    url.rsplit('/').next().unwrap().to_owned()
}

/// The technician's laptop syncs and finds the fault marked as its own (and the other fault as
/// the other technician's); checks in on site and resolves it (times now, as the CLI defaults
/// them), and syncs again.
fn laptop_works_the_fault(laptop: &Laptop, fault: &str, other: &str, site: &str) {
    laptop.ok(&["sync"]);
    let faults = laptop.json(&["fault", "list"]);
    let holder = |id: &str| {
        faults
            .as_array()
            .expect("a list of faults")
            .iter()
            .find(|row| row["id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("the laptop lists fault {id}: {faults}"))["holder"]
            .clone()
    };
    assert_eq!(holder(fault), json!({ "state": "mine" }), "{faults}");
    assert_eq!(
        holder(other),
        json!({ "state": "other", "name": SECOND_TECHNICIAN }),
        "{faults}"
    );
    laptop.ok(&["fault", "event", fault, "ack"]);
    laptop.ok(&["arrive", "--fault", fault, "--site", site, "--confirm-site"]);
    laptop.ok(&[
        "fault",
        "event",
        fault,
        "resolve",
        "--note",
        "更换测试球机电源后恢复",
    ]);
    laptop.ok(&["sync"]);
}

/// The board, opened before the laptop works the first fault: both faults listed, the second
/// already breached. Then, without reloading, it shows what the laptop synced.
fn board_before(walk: &Walk, first: &str, second: &str) {
    walk.open("/console/board");
    walk.wait_for("[data-testid=board-page]", Duration::from_secs(15));
    walk.wait_for(
        &format!("[data-testid=board-row][data-fault-id='{second}'][data-state=breached]"),
        Duration::from_secs(15),
    );
    walk.wait_for(
        &format!("[data-testid=board-row][data-fault-id='{first}'][data-state=ok]"),
        Duration::from_secs(15),
    );
    walk.shot("40-board");
}

/// The board after the laptop's sync, refreshed by itself: the first fault's arrival and
/// resolution met (it stays listed, waiting for the customer to be told), the second fault
/// breached; the page shows what the board API says, and when the laptop was last heard from.
fn board_after(walk: &Walk, first: &str, second: &str) {
    let row = walk.wait_for(
        &format!("[data-testid=board-row][data-fault-id='{first}'][data-state=waiting_feedback]"),
        Duration::from_secs(20),
    );
    walk.wait_text("[data-testid=board-heard]", TECHNICIAN);
    walk.shot("41-board-after-sync");
    // The board in English, then back.
    walk.session.click_on("[data-testid=language]");
    walk.wait_text("h1", "Board");
    walk.shot("42-board-english");
    walk.session.click_on("[data-testid=language]");
    walk.wait_text("h1", "看板");

    let board: Value = api_get(&walk.server.url, "/office/v1/board", &walk.session_cookie())
        .json()
        .unwrap();
    let rows = board["rows"].as_array().expect("the board's rows");
    let row_of = |id: &str| {
        rows.iter()
            .find(|row| row["fault_id"].as_str() == Some(id))
            .unwrap_or_else(|| panic!("fault {id} on the board: {board}"))
    };
    let clock = |row: &Value, kind: &str| {
        row["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind)
            .map(|c| c["state"].clone())
            .unwrap_or_else(|| panic!("no {kind} clock: {row}"))
    };
    let worked = row_of(first);
    assert_eq!(clock(worked, "arrival"), "met", "{worked}");
    assert_eq!(clock(worked, "resolution"), "met", "{worked}");
    assert_eq!(
        walk.session.attribute(&row, "data-state").as_deref(),
        worked["state"].as_str(),
        "the page shows the board's state"
    );
    let left = row_of(second);
    assert_eq!(left["state"], "breached", "{left}");
    assert_eq!(clock(left, "arrival"), "breached", "{left}");
}

/// The month page's figures are the laptop's `fieldlog summary --json`; the XLSX opens in
/// LibreOffice; the PDF validates in pyHanko trusting only the server's root.
fn month_walk(walk: &Walk, laptop: &Laptop, files: &Path) {
    let month = (Utc::now().with_timezone(&china()))
        .format("%Y-%m")
        .to_string();
    walk.open("/console/month");
    walk.wait_for("[data-testid=month-page]", Duration::from_secs(15));
    walk.choose("[data-testid=month-contract]", POLICE);
    walk.wait_for("[data-testid=month-figure]", Duration::from_secs(15));
    walk.shot("50-month");

    let cookie = walk.session_cookie();
    let path = format!("/office/v1/summary?contract={POLICE}&month={month}");
    let response = api_get(&walk.server.url, &path, &cookie);
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let office: Value = response.json().unwrap();
    let laptop_view = laptop.json(&["summary", "--contract", POLICE, "--month", &month]);
    assert_eq!(
        judged_figures(&office),
        judged_figures(&laptop_view),
        "the console's month is the laptop's"
    );
    // What the page shows is that JSON's number.
    for figure in ["reported", "repaired", "unresolved"] {
        let count = office["summary"]["figures"][figure]["count"].to_string();
        let css = format!("[data-testid=month-figure][data-figure={figure}]");
        assert_eq!(walk.wait_text(&css, &count).trim(), count, "{figure}");
    }

    // The files behind the page's own download links, fetched with the browser's session.
    let xlsx = download(walk, "month-xlsx", &cookie, files, "summary.xlsx");
    let csv = libreoffice_csv(&xlsx, files);
    let reported = office["summary"]["figures"]["reported"]["count"].to_string();
    assert!(
        csv.lines()
            .any(|row| row.starts_with(&format!("\"维护概况\",\"报修设备数量\",{reported},"))),
        "LibreOffice reads the month's {reported} reported faults from the XLSX: {csv}"
    );
    let csv = download(walk, "month-csv", &cookie, files, "summary.csv");
    let csv = std::fs::read(csv).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "the CSV starts with a UTF-8 BOM"
    );
    let pdf = download(walk, "month-pdf", &cookie, files, "summary.pdf");
    let root = files.join("server-root.pem");
    walk.server
        .admin(&["ca-cert", "--out", root.to_str().unwrap()], "");
    let (valid, said) = pyhanko(&pdf, &root);
    assert!(valid, "pyHanko: {said}");
}

/// A summary (`SummaryView` JSON) without the instant it was judged at (`as_of`, and the `at` of
/// every `compliance`, the contract's and each technician's): the console's and the laptop's are
/// asked for a few milliseconds apart, and everything else must be the same.
fn judged_figures(view: &Value) -> Value {
    fn drop_instants(value: &mut Value) {
        match value {
            Value::Object(fields) => {
                fields.remove("as_of");
                if let Some(Value::Object(compliance)) = fields.get_mut("compliance") {
                    compliance.remove("at");
                }
                fields.values_mut().for_each(drop_instants);
            }
            Value::Array(items) => items.iter_mut().for_each(drop_instants),
            _ => {}
        }
    }
    let mut summary = view["summary"].clone();
    drop_instants(&mut summary);
    summary
}

/// The file behind the page's download link `testid`, fetched with the browser's session cookie
/// and saved as `files/name`.
fn download(walk: &Walk, testid: &str, cookie: &str, files: &Path, name: &str) -> PathBuf {
    let link = walk.session.find(&format!("[data-testid={testid}]"));
    let href = walk
        .session
        .attribute(&link, "href")
        .expect("a download link");
    let path = href
        .strip_prefix(&walk.server.url)
        .unwrap_or(&href)
        .to_owned();
    let response = api_get(&walk.server.url, &path, cookie);
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let file = files.join(name);
    std::fs::write(&file, response.bytes().unwrap()).unwrap();
    file
}

/// The first sheet of an XLSX as CSV, converted by LibreOffice headless (proves it opens).
fn libreoffice_csv(xlsx: &Path, out_dir: &Path) -> String {
    let profile = out_dir.join("lo-profile");
    let soffice = std::env::var("SOFFICE").unwrap_or_else(|_| "soffice".into());
    let out = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
        ])
        .arg("--outdir")
        .arg(out_dir)
        .arg(xlsx)
        .output()
        .unwrap_or_else(|e| {
            panic!("{soffice}: {e}; `cargo xtask setup test` installs LibreOffice")
        });
    let csv = out_dir.join(xlsx.with_extension("csv").file_name().unwrap());
    assert!(
        out.status.success() && csv.exists(),
        "LibreOffice could not open the XLSX: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(csv).unwrap()
}

/// pyHanko's verdict on `pdf` trusting only `root` (`PYHANKO`, else the workspace's .venv).
fn pyhanko(pdf: &Path, root: &Path) -> (bool, String) {
    let bin = std::env::var_os("PYHANKO")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::current_dir()
                .unwrap()
                .join("../.venv/bin/pyhanko")
        });
    let out = Command::new(&bin)
        .args([
            "sign",
            "validate",
            "--pretty-print",
            "--no-revocation-check",
            "--trust",
        ])
        .arg(root)
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; `cargo xtask setup test` installs pyHanko",
                bin.display()
            )
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success() && text.contains("The signature is judged VALID."),
        text,
    )
}

fn walk_on(db: &str, backend: &str) {
    let walk = Walk::start(db, screenshots(&format!("{backend}/dispatch")));
    let files = tempfile::tempdir().unwrap();
    accounts_walk(&walk);
    catalogue_walk(&walk, files.path());
    let laptop = people_walk(&walk);
    customer_manager_walk(&walk);

    walk.sign_in(CUSTOMER_MANAGER_LOGIN, CUSTOMER_MANAGER_PASSWORD);
    let now = Utc::now();
    let first = take_call(
        &walk,
        &Call {
            site: "XL-003",
            level: "A",
            called_at: now - TimeDelta::minutes(2),
            caller: "测试村村委会王干事",
            phone: "13800001234",
            description: "3号杆摄像机无图像",
            assign_to: Some(TECHNICIAN),
        },
        "31",
    );
    let second = take_call(
        &walk,
        &Call {
            site: "XL-012",
            level: "A",
            called_at: now - TimeDelta::hours(3),
            caller: "测试县公安局值班室",
            phone: "13800005678",
            description: "12号杆摄像机离线",
            assign_to: Some(SECOND_TECHNICIAN),
        },
        "33",
    );
    // Its page already shows its clocks breached: they started at the call, not at the typing.
    walk.wait_for(
        "[data-testid=fault-clock][data-kind=response][data-state=breached]",
        Duration::from_secs(5),
    );
    walk.wait_for(
        "[data-testid=fault-clock][data-kind=arrival][data-state=breached]",
        Duration::from_secs(5),
    );
    board_before(&walk, &first, &second);
    laptop_works_the_fault(&laptop, &first, &second, "XL-003");
    board_after(&walk, &first, &second);
    month_walk(&walk, &laptop, files.path());
}

#[test]
#[ignore = "needs chromium, chromium-driver, the built console, LibreOffice and pyHanko: cargo xtask test runs it"]
fn the_dispatch_walk_on_sqlite() {
    on_sqlite(walk_on);
}

#[test]
#[ignore = "needs chromium, chromium-driver, the built console, LibreOffice and pyHanko: cargo xtask test runs it"]
fn the_dispatch_walk_on_postgres() {
    on_postgres(walk_on);
}
