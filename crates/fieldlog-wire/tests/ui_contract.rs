//! The UI's generated types (`ui/src/generated/wire.ts`) are what the Rust types say now: a type
//! that crosses to the window changed without the file being generated again fails here (and so
//! in CI). `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract` writes it anew.

use fieldlog_wire::ui_contract::{GENERATED_FILE, typescript};
use std::path::PathBuf;

#[test]
fn generated_ui_types_are_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(GENERATED_FILE);
    let now = typescript();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(&path, &now).expect("write the generated file");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == now,
        "{GENERATED_FILE} is stale: run `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract` and commit it"
    );
}
