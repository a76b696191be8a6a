//! Sets `FIELDLOG_VERSION_LINE` for `fieldlog --version`: the version and the commit (issue 20).
fn main() {
    fieldlog_build_commit::emit();
}
