//! `fieldlog --version` names the version and the commit it was built from (issue 20).

use std::process::Command;

#[test]
fn version_names_the_release_and_the_commit() {
    let out = Command::new(env!("CARGO_BIN_EXE_fieldlog"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let expected = format!("fieldlog {} (commit ", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&expected), "{text}");
    // A git checkout names a short hash; only a build without git and without FIELDLOG_COMMIT
    // says unknown.
    let commit = text
        .trim()
        .trim_end_matches(')')
        .rsplit(' ')
        .next()
        .unwrap();
    assert!(!commit.is_empty(), "{text}");
}
