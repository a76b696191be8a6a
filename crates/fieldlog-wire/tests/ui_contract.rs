//! The UI's generated types (`ui/src/generated/wire.ts` for the app's window,
//! `ui/src/generated/office.ts` for the office console) are what the Rust types say now: a type
//! that crosses to the window or the console changed without the file being generated again
//! fails here (and so in CI). `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract`
//! writes them anew.

use fieldlog_wire::ui_contract::{
    GENERATED_FILE, OFFICE_GENERATED_FILE, office_typescript, typescript,
};
use std::path::PathBuf;

fn up_to_date(file: &str, now: String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(file);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(&path, &now).expect("write the generated file");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == now,
        "{file} is stale: run `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract` and commit it"
    );
}

#[test]
fn generated_ui_types_are_up_to_date() {
    up_to_date(GENERATED_FILE, typescript());
}

#[test]
fn generated_office_types_are_up_to_date() {
    up_to_date(OFFICE_GENERATED_FILE, office_typescript());
}
