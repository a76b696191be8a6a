//! The Tauri config lives at the workspace root (the product's required layout), so point
//! tauri-build at it; paths inside the config are then relative to the workspace root.
fn main() {
    // The commit shown in the About of the settings screen (issue 20).
    fieldlog_build_commit::emit();
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri-build failed: check ../tauri.conf.json and the capabilities folder");
}
