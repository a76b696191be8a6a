//! The shell's commands under Tauri's mock runtime: the real command handlers, the real store on a
//! real file, the real IPC serialisation; only the window system is mocked.

use fieldlog_app::{AppState, with_commands};
use fieldlog_store::Store;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;

type Webview = tauri::WebviewWindow<tauri::test::MockRuntime>;

fn invoke(webview: &Webview, cmd: &str) -> Result<Value, Value> {
    invoke_with(webview, cmd, serde_json::json!({}))
}

/// Calls a command with arguments as `ui/src/api.ts` sends them (camelCase keys).
fn invoke_with(webview: &Webview, cmd: &str, args: Value) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
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
    fieldlog_demo::seed(&mut store, chrono::Utc::now()).unwrap();
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

fn png_data_url() -> String {
    use base64::Engine;
    let strokes = fieldlog_store::signature_image::scribble(3, 5);
    let png = fieldlog_store::signature_image::render_strokes_png(&strokes, 400, 150);
    format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    )
}

fn captured(name: &str, role: &str) -> Value {
    serde_json::json!({
        "signer_name": name,
        "role": role,
        "strokes": [{ "points": [[10.0, 10.0, 0.0], [60.0, 40.0, 16.0], [120.0, 20.0, 32.0], [180.0, 60.0, 48.0], [240.0, 30.0, 64.0]] }],
        "png_data_url": png_data_url(),
    })
}

/// A technician's day through the real command layer: check in for a fault, resolve it, fill
/// today's report, sign it, have the customer sign the completion form; drafts and settings keep.
#[test]
fn a_technicians_day_through_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("p.sqlite")).unwrap();
    fieldlog_demo::seed(&mut store, chrono::Utc::now()).unwrap();
    let (_app, webview) = app_over(store);

    let today = invoke(&webview, "today").unwrap();
    assert_eq!(today["technician"]["name"], "林晓东");
    assert!(
        !today["inspections"].as_array().unwrap().is_empty(),
        "the demo plans inspections for today"
    );
    let fault = today["open_faults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "reported")
        .unwrap()
        .clone();
    let fault_id = fault["id"].as_str().unwrap();
    assert!(
        fault["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["state"] == "running")
    );

    let arrival = invoke_with(&webview, "check_in", serde_json::json!({
        "siteId": fault["site_id"], "faultId": fault_id, "location": null, "siteConfirmedByHand": true,
    })).unwrap();
    assert_eq!(arrival["fault_id"], fault_id);
    assert_eq!(arrival["clock_suspect"], false);
    // Resolving is a lifecycle event; an impossible one comes back as {code, message}.
    let refused = invoke_with(&webview, "record_fault_event", serde_json::json!({
        "faultId": fault_id, "event": { "kind": "customer_informed", "how": "电话" }, "at": null,
    })).unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    let detail = invoke_with(&webview, "record_fault_event", serde_json::json!({
        "faultId": fault_id, "event": { "kind": "resolved", "note": "更换电源适配器" }, "at": null,
    })).unwrap();
    assert_eq!(detail["row"]["status"], "resolved");

    // What the user types is kept in the core.
    let draft = serde_json::json!({ "fault_cause": "电源适配器烧", "parts": [] });
    invoke_with(
        &webview,
        "save_draft",
        serde_json::json!({ "key": "entry-form:x", "value": draft }),
    )
    .unwrap();
    assert_eq!(
        invoke_with(
            &webview,
            "draft",
            serde_json::json!({ "key": "entry-form:x" })
        )
        .unwrap(),
        draft
    );

    let doc = invoke_with(
        &webview,
        "today_report",
        serde_json::json!({ "contractId": fault["contract_id"] }),
    )
    .unwrap();
    let report_id = doc["report"]["id"].as_str().unwrap().to_owned();
    let parts = invoke_with(
        &webview,
        "parts",
        serde_json::json!({ "contractId": fault["contract_id"] }),
    )
    .unwrap();
    let adapter = parts
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "BJ-PWR-12V")
        .unwrap();
    let doc = invoke_with(&webview, "add_entry", serde_json::json!({
        "reportId": report_id,
        "entry": {
            "site_id": fault["site_id"], "device_id": null, "fault_id": fault_id,
            "fault_cause": "电源适配器烧毁", "resolved": true, "unresolved_reason": null,
            "work_done": "更换电源适配器，画面恢复",
            "parts": [{ "part_id": adapter["id"], "quantity": 1, "old_serial": "OLD-1", "new_serial": "NEW-1" }],
        },
    })).unwrap();
    assert_eq!(doc["entries"].as_array().unwrap().len(), 1);
    let signed = invoke_with(
        &webview,
        "sign_report",
        serde_json::json!({
            "reportId": report_id, "signature": captured("林晓东", "technician"),
        }),
    )
    .unwrap();
    assert_eq!(signed["report"]["status"], "signed");
    assert_eq!(signed["content_intact"], true);
    let locked = invoke_with(&webview, "add_entry", serde_json::json!({
        "reportId": report_id,
        "entry": { "site_id": fault["site_id"], "device_id": null, "fault_id": null, "fault_cause": "x",
                   "resolved": true, "unresolved_reason": null, "work_done": "x", "parts": [] },
    })).unwrap_err();
    assert_eq!(locked["code"], "signed_immutable");

    let empty_pad = serde_json::json!({ "signer_name": "用户代表甲", "role": "customer", "strokes": [], "png_data_url": "data:image/png;base64,AAAA" });
    let refused = invoke_with(&webview, "sign_completion", serde_json::json!({
        "faultId": fault_id, "technician": captured("林晓东", "technician"), "customer": empty_pad,
    })).unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    let form = invoke_with(&webview, "sign_completion", serde_json::json!({
        "faultId": fault_id, "technician": captured("林晓东", "technician"), "customer": captured("用户代表甲", "customer"),
    })).unwrap();
    assert_eq!(form["signed"], true);
    assert_eq!(form["signatures"].as_array().unwrap().len(), 2);
    assert_eq!(form["entries"][0]["work_done"], "更换电源适配器，画面恢复");

    let settings = invoke_with(&webview, "save_settings", serde_json::json!({ "settings": { "language": "en", "server_url": "https://fieldlog.example.cn" } })).unwrap();
    assert_eq!(settings["language"], "en");
    let bad = invoke_with(
        &webview,
        "save_settings",
        serde_json::json!({ "settings": { "language": "fr", "server_url": "" } }),
    )
    .unwrap_err();
    assert_eq!(bad["field"], "language");
}

#[test]
fn the_window_cannot_ask_the_os_to_open_a_file_outside_the_export_folder() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("p.sqlite")).unwrap();
    let (_app, webview) = app_over(store);
    // The profile database exists, but it is no export: neither command may hand it to the OS.
    let db = dir.path().join("p.sqlite");
    for cmd in ["open_export", "show_export"] {
        let err = invoke_with(
            &webview,
            cmd,
            serde_json::json!({ "path": db.to_string_lossy() }),
        )
        .unwrap_err();
        assert_eq!(err["code"], "not_found", "{cmd}: {err}");
        assert!(
            err["message"].as_str().unwrap().contains("请重新导出"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn the_summary_command_answers_the_stores_summary_and_a_bad_month_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("p.sqlite")).unwrap();
    let now = chrono::Utc::now();
    fieldlog_demo::seed(&mut store, now).unwrap();
    let contract = store.contracts().unwrap()[0].clone();
    let month = fieldlog_domain::time::local_date(now)
        .format("%Y-%m")
        .to_string();
    let (from, to) = fieldlog_domain::clocks::month_bounds(&month).unwrap();
    let expected = store.summary_view(contract.id, from, to, now).unwrap();
    assert!(
        expected.summary.figures.reported.count > 0,
        "the demo month has faults"
    );
    let (_app, webview) = app_over(store);

    let args = serde_json::json!({ "contractId": contract.id, "month": month });
    let view = invoke_with(&webview, "summary", args).unwrap();
    assert_eq!(view["period"], month);
    assert_eq!(
        view["summary"]["figures"]["reported"],
        serde_json::to_value(&expected.summary.figures.reported).unwrap()
    );
    let bad = serde_json::json!({ "contractId": contract.id, "month": "2026-13" });
    let error = invoke_with(&webview, "summary", bad).unwrap_err();
    assert_eq!(error["code"], "invalid_input");
    assert!(
        error["message"].as_str().unwrap().contains("2026-11"),
        "{error}"
    );
}

/// The "合同与点位" screen's one command: every contract with its policy, its sites with their
/// devices, its parts, exactly as the application layer answers (the demo month's two contracts).
#[test]
fn the_catalogue_command_answers_every_contract_with_sites_devices_and_parts() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("p.sqlite")).unwrap();
    let now = chrono::Utc::now();
    fieldlog_demo::seed(&mut store, now).unwrap();
    // Through JSON text, as the answer comes: serde_json's default float parsing may land a
    // coordinate one ulp off, the same way on both sides.
    let expected: Value = serde_json::from_str(
        &serde_json::to_string(&fieldlog_store::desk::catalogue(&store, None, now).unwrap())
            .unwrap(),
    )
    .unwrap();
    let (_app, webview) = app_over(store);
    let answered = invoke(&webview, "catalogue").unwrap();
    assert_eq!(answered, expected);
    let contracts = answered.as_array().unwrap();
    assert_eq!(contracts.len(), 2);
    for c in contracts {
        assert!(
            c["contract"]["policy"]["levels"]["A"]["response_min"].is_number(),
            "{c}"
        );
        assert!(!c["sites"].as_array().unwrap().is_empty());
        assert!(!c["parts"].as_array().unwrap().is_empty());
    }
    assert!(
        contracts
            .iter()
            .flat_map(|c| c["sites"].as_array().unwrap())
            .any(|s| !s["devices"].as_array().unwrap().is_empty()),
        "some site has devices"
    );
}

/// The contract policies panel's button: `adopt_preset` answers the contract with the version new
/// faults are opened under (a new one when the preset differs from the current policy), and an
/// unknown preset is refused as {code, message}.
#[test]
fn the_adopt_preset_command_answers_the_contracts_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("p.sqlite")).unwrap();
    let now = chrono::Utc::now();
    fieldlog_demo::seed(&mut store, now).unwrap();
    let contract = store
        .resolve_contract("county-police-village-query")
        .unwrap();
    let (_app, webview) = app_over(store);
    let same = invoke_with(
        &webview,
        "adopt_preset",
        serde_json::json!({ "contractId": contract.id, "preset": "county-police-village-query" }),
    )
    .unwrap();
    assert_eq!(
        same["policy_version"], contract.policy_version,
        "already the preset"
    );
    let other = invoke_with(
        &webview,
        "adopt_preset",
        serde_json::json!({ "contractId": contract.id, "preset": "city-egov-extranet" }),
    )
    .unwrap();
    assert_eq!(other["policy_version"], contract.policy_version + 1);
    let bad = invoke_with(
        &webview,
        "adopt_preset",
        serde_json::json!({ "contractId": contract.id, "preset": "nope" }),
    )
    .unwrap_err();
    assert_eq!(bad["code"], "invalid_input");
    assert!(
        bad["message"].as_str().unwrap().contains("预设规则"),
        "{bad}"
    );
}

/// The sync commands as the window calls them: the worker's activity (not enrolled yet), a conflict
/// id that is not open is refused as {code, message}, and enrolling with an unreachable server
/// answers a network error that says the data is safe.
#[test]
fn sync_commands_answer_the_window_as_api_ts_expects() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite");
    let mut store = Store::open(&db).unwrap();
    store
        .init_profile("测试技服", None, chrono::Utc::now())
        .unwrap();
    let app = with_commands(mock_builder(), AppState::new(store))
        .build(mock_context(noop_assets()))
        .unwrap();
    {
        use tauri::Manager;
        app.manage(fieldlog_app::start_sync(app.handle().clone(), db.clone()));
    }
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();

    let activity = invoke(&webview, "sync_now").unwrap();
    assert_eq!(activity["state"], "not_enrolled");
    assert_eq!(
        invoke(&webview, "sync_conflicts").unwrap(),
        serde_json::json!([])
    );
    let refused = invoke_with(
        &webview,
        "settle_conflict",
        serde_json::json!({ "conflictId": 7, "picks": { "name": "ours" } }),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "not_found");
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let offline = invoke_with(
        &webview,
        "enroll",
        serde_json::json!({ "serverUrl": gone, "code": "abc", "deviceName": "测试笔记本" }),
    )
    .unwrap_err();
    assert_eq!(offline["code"], "network");
    assert!(
        offline["message"]
            .as_str()
            .unwrap()
            .contains("无法连接同步服务器")
    );
}

/// The export screen asks where the signing key is kept, and says so when it is only in the
/// profile file (issue 14: no OS key store in this test's environment, or FIELDLOG_KEYSTORE=file).
#[test]
fn key_storage_tells_the_window_where_the_signing_key_is() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("p.sqlite")).unwrap();
    let expected = store.signing_key_storage().unwrap();
    let (_app, webview) = app_over(store);
    let answer = invoke(&webview, "key_storage").unwrap();
    assert_eq!(
        answer["os_key_store"],
        matches!(expected, fieldlog_store::KeyStorage::OsKeyStore { .. })
    );
    assert_eq!(answer["message"], expected.describe());
    if answer["os_key_store"] == false {
        assert!(answer["message"].as_str().unwrap().contains("0600"));
    }
}

/// Issue 19, the first start as the window calls it: an empty profile needs it; a technician and a
/// contract from a preset (`start_alone`, a missing day refused as {code, message}) end it; the
/// enrollment form's root certificate arrives as the file's bytes (a JSON array of numbers) and a
/// file that is not a certificate is refused before any connection.
#[test]
fn first_start_commands_answer_the_window_as_api_ts_expects() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("p.sqlite")).unwrap();
    let (_app, webview) = app_over(store);
    let start = invoke(&webview, "first_start").unwrap();
    assert_eq!(start["needed"], true);
    assert_eq!(start["presets"][0]["code"], "county-police-village-query");
    assert_eq!(start["presets"][0]["spare_units"], 10);

    invoke_with(
        &webview,
        "set_profile",
        serde_json::json!({ "name": "测试林", "staffNo": "T-0019" }),
    )
    .unwrap();
    let contract = |start: Value| {
        serde_json::json!({ "contract": {
            "code": "HT-01", "name": "测试运维", "client": "测试县公安局",
            "service_start": start, "service_end": "2028-11-30",
            "preset": "county-police-village-query",
        } })
    };
    let refused = invoke_with(&webview, "start_alone", contract(Value::Null)).unwrap_err();
    assert_eq!(refused["code"], "invalid_input");
    assert!(
        refused["message"].as_str().unwrap().contains("服务期"),
        "{refused}"
    );
    let made = invoke_with(&webview, "start_alone", contract("2026-12-01".into())).unwrap();
    assert_eq!(made["spare_floor"]["units"], 10);
    assert_eq!(invoke(&webview, "first_start").unwrap()["needed"], false);

    let not_a_certificate: Vec<u8> = "这不是证书\n".bytes().collect();
    let bad_root = invoke_with(
        &webview,
        "enroll_laptop",
        serde_json::json!({ "form": {
            "link": null, "server_url": "https://127.0.0.1:9", "code": "abc",
            "device_name": "", "root_certificate": not_a_certificate,
        } }),
    )
    .unwrap_err();
    assert_eq!(bad_root["code"], "invalid_input");
    assert!(
        bad_root["message"]
            .as_str()
            .unwrap()
            .contains("根证书文件无法读取"),
        "{bad_root}"
    );
}
