//! Same Tauri build step as the app, over this baseline's own minimal config.
fn main() {
    tauri_build::build()
}
