//! The baseline of the start-up and memory benchmark: Tauri 2 with one window showing an empty
//! page (marked `data-ready` at once), built with the same Tauri and features as Fieldlog.
fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the empty window could not start");
}
