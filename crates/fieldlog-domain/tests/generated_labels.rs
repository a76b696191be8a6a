//! `ui/src/generated/labels.ts` is the label table of `fieldlog_domain::labels`, as the app reads
//! it. This test fails when the checked-in file differs from what the table generates (CI's drift
//! check); `UPDATE_SNAPSHOTS=1` writes it instead.

use std::path::PathBuf;

#[test]
fn the_apps_label_file_matches_the_table() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/labels.ts");
    let want = fieldlog_domain::labels::typescript();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is stale: run `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-domain --test generated_labels`",
        path.display()
    );
}
