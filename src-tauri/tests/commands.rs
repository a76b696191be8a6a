//! The shell's commands under Tauri's mock runtime: the real command handlers, the real store on a
//! real file, the real IPC serialisation; only the window system is mocked.

use fieldlog_app::{AppState, with_commands};
use fieldlog_store::Store;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;

fn invoke(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::default(),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

fn app_over(
    store: Store,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let app = with_commands(mock_builder(), AppState::new(store))
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

#[test]
fn open_faults_returns_the_stores_open_faults() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("p.sqlite")).unwrap();
    store.seed_demo(chrono::Utc::now()).unwrap();
    let expected: Vec<String> = store
        .open_fault_rows(chrono::Utc::now())
        .unwrap()
        .iter()
        .map(|f| f.id.to_string())
        .collect();
    assert!(expected.len() >= 3, "the demo has open faults");
    let (_app, webview) = app_over(store);

    let faults = invoke(&webview, "open_faults").unwrap();
    let ids: Vec<&str> = faults
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, expected);
    assert!(faults[0]["level_label"].is_string() && faults[0]["status_label"].is_string());

    let profile = invoke(&webview, "profile").unwrap();
    assert_eq!(profile["name"], "林晓东");
}

#[test]
fn a_store_error_reaches_the_ui_as_code_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("p.sqlite")).unwrap();
    // Break the database under the store: the command must answer {code, message}, not panic.
    store
        .connection()
        .execute_batch("ALTER TABLE faults RENAME TO faults_gone;")
        .unwrap();
    let (_app, webview) = app_over(store);
    let error = invoke(&webview, "open_faults").unwrap_err();
    assert_eq!(error["code"], "storage");
    assert!(
        error["message"].as_str().unwrap().contains("本地数据库"),
        "{error}"
    );
}
