//! The office console in a real browser: headless Chromium under chromedriver, on the real
//! `fieldlog-server` binary (the console embedded in it) over a fresh SQLite database, and on
//! PostgreSQL when `FIELDLOG_TEST_POSTGRES_URL` is set. Every page is screenshotted into
//! `target/console-screenshots/<backend>/` for a person to look at.
//!
//! `#[ignore]`d: it needs Debian's `chromium` and `chromium-driver`, the console built
//! (`npm run build` in ui/) and the server and CLI binaries built; `cargo xtask test` sees to all
//! three and runs it with `--ignored`.

use fieldlog_system_tests::console::steps::{
    ADMIN_LOGIN, ADMIN_PASSWORD, LAPTOP, POLICE, accounts_walk, catalogue_walk, people_walk,
};
use fieldlog_system_tests::console::{Laptop, Walk, on_postgres, on_sqlite, screenshots};

/// The administrator revokes the laptop; its next sync is refused with the revoked message and
/// nothing on it is lost.
fn revoke_walk(walk: &Walk, laptop: &Laptop) {
    let s = &walk.session;
    walk.sign_out();
    walk.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD);
    walk.nav("laptops");
    walk.wait_text("[data-testid=laptops]", LAPTOP);
    let before = laptop.holdings(POLICE);
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
    assert_eq!(
        laptop.holdings(POLICE),
        before,
        "nothing on the laptop is lost"
    );

    walk.nav("audit");
    walk.shot("21-audit-after-revoke");
    walk.sign_out();
}

fn walk_on(db: &str, backend: &str) {
    let walk = Walk::start(db, screenshots(backend));
    let files = tempfile::tempdir().unwrap();
    accounts_walk(&walk);
    catalogue_walk(&walk, files.path());
    let laptop = people_walk(&walk);
    revoke_walk(&walk, &laptop);
}

#[test]
#[ignore = "needs chromium, chromium-driver and the built console: cargo xtask test runs it"]
fn the_office_walk_on_sqlite() {
    on_sqlite(walk_on);
}

#[test]
#[ignore = "needs chromium, chromium-driver and the built console: cargo xtask test runs it"]
fn the_office_walk_on_postgres() {
    on_postgres(walk_on);
}
