//! Issue 20 in the real app: Settings → About shows the version and the commit, and a laptop
//! whose PDFs have no usable CJK font is told so at start, with the package to install or the
//! setting to fix, instead of failing at the first export.

use fieldlog_system_tests::app::{open_app, seeded_db, shot, wait_text};
use fieldlog_system_tests::webdriver::TauriDriver;
use std::path::Path;

#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn the_about_names_version_and_commit_and_a_missing_font_is_said_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());

    let driver = TauriDriver::start(&[
        ("FIELDLOG_DB", db.as_path()),
        ("FIELDLOG_GPU", Path::new("1")),
    ]);
    let s = open_app(&driver);
    // A font is installed here (cargo xtask setup): no notice.
    assert!(s.find_all("[data-testid=font-missing]").is_empty());
    s.click_on("[data-testid=nav-settings]");
    wait_text(&s, "[data-testid=about-version]", env!("CARGO_PKG_VERSION"));
    let commit = wait_text(&s, "[data-testid=about-commit]", "");
    assert!(!commit.trim().is_empty());
    wait_text(&s, "[data-testid=about-font]", "/");
    s.execute(
        "document.querySelector('[data-testid=about]').scrollIntoView()",
        serde_json::json!([]),
    );
    shot(&s, "about");
    drop(s);
    drop(driver);

    // The PDFs' font named by FIELDLOG_PDF_FONT is missing: said on the first screen.
    let driver = TauriDriver::start(&[
        ("FIELDLOG_DB", db.as_path()),
        ("FIELDLOG_GPU", Path::new("1")),
        (
            "FIELDLOG_PDF_FONT",
            Path::new("/nonexistent/NotoSansCJK.ttc"),
        ),
    ]);
    let s = open_app(&driver);
    let notice = wait_text(&s, "[data-testid=font-missing]", "FIELDLOG_PDF_FONT");
    assert!(notice.contains("中文字体"), "{notice}");
    shot(&s, "font-missing");
}
