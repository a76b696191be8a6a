//! Tauri commands. Each is one call into the store; errors reach the UI as `{code, message}`.
//! Commands run off the main thread (`async`), so a slow disk never freezes the window.

use fieldlog_domain::technician::Technician;
use fieldlog_store::{Store, StoreError};
use fieldlog_wire::v1::FaultRow;
use fieldlog_wire::{ErrorBody, ErrorCode};
use std::sync::Mutex;
use tauri::State;

/// The open profile database, shared by all commands.
pub struct AppState {
    store: Mutex<Store>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self {
            store: Mutex::new(store),
        }
    }

    fn with<T>(
        &self,
        call: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, ErrorBody> {
        let mut store = self.store.lock().map_err(|_| ErrorBody {
            code: ErrorCode::Internal,
            message:
                "内部错误：数据库连接不可用，请重启 Fieldlog (internal error: restart Fieldlog)"
                    .into(),
            field: None,
        })?;
        call(&mut store).map_err(|e| e.to_body())
    }
}

#[tauri::command(async)]
pub fn profile(state: State<'_, AppState>) -> Result<Option<Technician>, ErrorBody> {
    state.with(|store| store.profile())
}

#[tauri::command(async)]
pub fn open_faults(state: State<'_, AppState>) -> Result<Vec<FaultRow>, ErrorBody> {
    // The shell is where the wall clock enters: the core takes time as an argument.
    state.with(|store| store.open_fault_rows(chrono::Utc::now()))
}
