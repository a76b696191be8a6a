//! The baseline of the start-up and memory benchmark: Tauri 2 with one window showing an empty
//! page (marked `data-ready` at once), built with the same Tauri and features as Fieldlog, and the
//! same WebKit rendering policy (software unless FIELDLOG_GPU=1), so the two differ only by what
//! Fieldlog itself adds.
fn main() {
    tauri::Builder::default()
        .setup(|app| {
            use tauri::Manager;
            #[cfg(target_os = "linux")]
            if let Some(window) = app.get_webview_window("main")
                && std::env::var_os("FIELDLOG_GPU").is_none_or(|v| v != "1")
            {
                let _ = window.with_webview(|webview| {
                    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
                    if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                        settings
                            .set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                    }
                });
            }
            let _ = app;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the empty window could not start");
}
