//! The INSTALLED app (`/usr/bin/fieldlog-app` from the upgraded package) on a profile the
//! previous release wrote: it opens, and its Faults and Reports screens list every record the old
//! release held. Not a walk of its own: `cargo xtask test`'s package step runs it after the upgrade
//! (issue 20), with the profile and the ids the old `fieldlog` CLI listed:
//! `FIELDLOG_APP_BIN`, `FIELDLOG_INSTALLED_DB`, `FIELDLOG_EXPECT_FAULTS`, `FIELDLOG_EXPECT_REPORTS`
//! (ids, comma-separated).

use fieldlog_system_tests::app::{WAIT, open_app, shot};
use fieldlog_system_tests::webdriver::{Session, TauriDriver};
use serde_json::json;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn ids_from_env(name: &str) -> BTreeSet<String> {
    let text = std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"));
    let ids: BTreeSet<String> = text
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(!ids.is_empty(), "{name} names no record");
    ids
}

/// The ids the screen lists under `css` (each row's `attribute`), once they are all there.
fn listed(
    s: &Session,
    css: &str,
    attribute: &str,
    expected: &BTreeSet<String>,
) -> BTreeSet<String> {
    let script = "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]));";
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let found: BTreeSet<String> = s
            .execute(script, json!([css, attribute]))
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if &found == expected || std::time::Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
#[ignore = "run by cargo xtask test's package step, on the installed app after the upgrade"]
fn the_installed_app_lists_every_record_of_the_old_profile() {
    let db = PathBuf::from(std::env::var("FIELDLOG_INSTALLED_DB").expect("FIELDLOG_INSTALLED_DB"));
    let faults = ids_from_env("FIELDLOG_EXPECT_FAULTS");
    let reports = ids_from_env("FIELDLOG_EXPECT_REPORTS");
    let driver = TauriDriver::start(&[("FIELDLOG_DB", db.as_path())]);
    let s = open_app(&driver);

    s.click_on("[data-testid=nav-faults]");
    s.click_on("[data-testid=faults-all]");
    let shown = listed(&s, "[data-testid=fault-row]", "data-fault-id", &faults);
    assert_eq!(shown, faults, "the installed app's Faults (all) list");
    shot(&s, "installed-01-faults");

    s.click_on("[data-testid=nav-reports]");
    // Every month: the list opens on this month.
    s.execute(
        "const el = document.querySelector('[data-testid=filter-month]'); el.value = ''; \
         el.dispatchEvent(new Event('input', {bubbles: true})); return el.value;",
        json!([]),
    );
    let shown = listed(&s, "[data-testid=report-row]", "data-report-id", &reports);
    assert_eq!(
        shown, reports,
        "the installed app's Reports list (every month)"
    );
    shot(&s, "installed-02-reports");
}
