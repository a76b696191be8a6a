//! The Fieldlog desktop shell (Tauri 2). Glue only: each command deserialises its arguments, makes
//! one call into the core (`fieldlog-store`), and converts the result or the error (`{code,
//! message}`) for the UI. No business rule lives here or in `ui/`.

mod commands;

pub use commands::AppState;

use fieldlog_store::Store;
use std::path::PathBuf;
use tauri::{Builder, Runtime};

/// Registers state and commands on a builder (the real runtime, or the mock one in tests).
pub fn with_commands<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    use commands::*;
    builder
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            today,
            profile,
            set_profile,
            contracts,
            sites,
            devices,
            parts,
            catalogue,
            faults,
            open_faults,
            fault_detail,
            record_fault_event,
            take_fault,
            substitute_spare,
            check_in,
            complete_inspection,
            reports,
            report,
            today_report,
            add_entry,
            sign_report,
            amend_report,
            completion,
            signature_image,
            sign_completion,
            stock,
            movements,
            record_movement,
            settings,
            save_settings,
            key_storage,
            save_draft,
            draft,
            clear_draft,
            export_pdf,
            open_export,
            show_export,
            summary,
            adopt_preset,
            sync_activity,
            sync_now,
            enroll,
            sync_conflicts,
            settle_conflict,
            acknowledge_conflict,
            // issue 19: reports over a real month
            report_list,
            new_report,
            edit_entry,
            remove_entry,
            // Inspections by plan (issue 19 item 5).
            inspection_list,
            inspection_detail,
            add_inspection_plan,
            tick_inspection,
            note_finding,
            finding_to_fault,
            inspections_done_on,
            // Issue 19, the first start (h1).
            first_start,
            start_alone,
            enroll_laptop,
            add_site,
            // Issue 19: a call recorded in the app.
            report_fault,
            // Issue 19, item 6: stock actions.
            stock_action,
            add_part,
            // Issue 19, photos.
            photos,
            add_photo,
            photo_original,
            // Issue 20: backup and restore.
            backup_profile,
            profile_backups,
            restore_profile,
            // Issue 19 leftovers: Today's 已告知客户.
            inform_customer,
            // Issue 20: the About and the missing-font notice.
            about,
        ])
}

/// The profile database: `FIELDLOG_DB` when set (tests, several profiles), else the default file.
pub fn db_path() -> Option<PathBuf> {
    std::env::var_os("FIELDLOG_DB")
        .map(PathBuf::from)
        .or_else(|| fieldlog_store::default_db_path("default"))
}

pub fn run() {
    let store = db_path()
        .ok_or_else(|| {
            "找不到数据目录，请设置 FIELDLOG_DB (no data directory; set FIELDLOG_DB)".to_owned()
        })
        .and_then(|path| Store::open(path).map_err(|e| e.to_string()));
    let store = match store {
        Ok(store) => store,
        Err(message) => {
            eprintln!("Fieldlog 无法启动 (cannot start): {message}");
            std::process::exit(1);
        }
    };
    let db = store.path().to_path_buf();
    with_commands(tauri::Builder::default(), AppState::new(store))
        .setup(move |app| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                software_rendering(&window);
            }
            app.manage(start_sync(app.handle().clone(), db.clone()));
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Fieldlog 窗口无法启动 (the window could not start)");
}

/// Background sync (`fieldlog_sync::background`) on its own thread and database connection; every
/// change of its state goes to the window as a `sync-activity` event.
pub fn start_sync<R: Runtime>(
    app: tauri::AppHandle<R>,
    db: PathBuf,
) -> fieldlog_sync::background::Worker {
    use tauri::Emitter;
    fieldlog_sync::background::Worker::start(
        db,
        fieldlog_sync::SyncOptions::for_background(),
        fieldlog_sync::background::Policy::default(),
        move |activity| {
            let _ = app.emit("sync-activity", activity);
        },
    )
}

/// On Linux, WebKitGTK's GPU compositing costs about 90 MiB for this window (measured in
/// BENCHMARKS.md) and is a known cause of blank windows on some drivers and in VMs; lists and forms
/// render well without it. `FIELDLOG_GPU=1` turns it back on.
#[cfg(target_os = "linux")]
pub fn software_rendering<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    if std::env::var_os("FIELDLOG_GPU").is_some_and(|v| v == "1") {
        return;
    }
    let _ = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&webview.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
}

#[cfg(not(target_os = "linux"))]
pub fn software_rendering<R: Runtime>(_window: &tauri::WebviewWindow<R>) {}
