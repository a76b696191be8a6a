//! Server errors: each one is an HTTP status and a `{code, message}` body a technician (or the
//! laptop's sync loop) can act on, Chinese first. A request that fails writes nothing: every
//! handler does its work in one storage transaction that an error rolls back.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fieldlog_wire::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("缺少设备令牌，请先用注册码注册本机 (missing device token: enroll this laptop first)")]
    MissingToken,
    #[error("设备令牌无效或已停用，请重新注册本机 (unknown or revoked device token: enroll again)")]
    BadToken,
    #[error(
        "本机已于 {at} (UTC) 被办公室停用，不能再同步。本机的数据和待发送的记录都还在，请联系办公室 (this laptop was revoked by the office at {at}: it can no longer sync; everything on it is kept: contact the office)"
    )]
    DeviceRevoked { at: chrono::DateTime<chrono::Utc> },
    #[error(
        "注册码无效、已过期或已被使用，请向管理员索取新的注册码 (enrollment code unknown, expired or already used: ask for a new one)"
    )]
    BadEnrollmentCode,
    #[error(
        "无权访问合同“{0}”的数据，请联系管理员分配 (not assigned to contract '{0}': ask the administrator)"
    )]
    NotAssigned(String),
    #[error(
        "本机只能修改本人的资料，不能修改技服人员 {0} 的资料 (a device may change only its own technician's profile, not {0}'s)"
    )]
    NotYourProfile(String),
    /// A laptop's assignment record the dispatch rules do not let it write (issue 18).
    #[error("{zh} ({en})")]
    NotYourDispatch { zh: String, en: String },
    /// A stock transfer the transfer rules do not let this device write (issue 19).
    #[error("{zh} ({en})")]
    NotYourTransfer { zh: String, en: String },
    #[error(
        "请求内容过大（上限 {limit} 字节），请分批发送 (request body larger than {limit} bytes: send smaller batches)"
    )]
    TooLarge { limit: usize },
    #[error("请求格式不正确：{0} (malformed request: {0})")]
    Malformed(String),
    #[error("找不到{0} (not found: {0})")]
    NotFound(String),
    #[error("{zh} ({en})")]
    Conflict { zh: String, en: String },
    /// A change numbered `seq` where the device already stored another record under that number:
    /// a profile restored from a backup older than the device's last sync (issue 20). Answering
    /// with the stored ack would mark the new change sent although it was never applied.
    #[error(
        "本机档案来自较旧的备份：第 {seq} 号变更已用于 {held_entity} {held_id}，本批未保存。请管理员在控制台停用本机，然后重新注册本机 (this profile comes from a backup older than this device's last sync: change {seq} already stored {held_entity} {held_id}; nothing in this batch was stored: have the office revoke this laptop, then enroll it again)"
    )]
    SequenceReused {
        seq: i64,
        held_entity: String,
        held_id: String,
    },
    #[error(
        "服务器存储出错：{0}。数据未写入，请稍后重试 (server storage error, nothing written; retry later)"
    )]
    Storage(String),
    #[error(
        "服务器证书机构出错：{0}。请联系管理员 (the server's certificate authority failed: ask the administrator)"
    )]
    Authority(String),
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

impl ServerError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ServerError::MissingToken | ServerError::BadToken | ServerError::BadEnrollmentCode => {
                ErrorCode::Unauthorized
            }
            ServerError::NotAssigned(_)
            | ServerError::NotYourProfile(_)
            | ServerError::NotYourDispatch { .. }
            | ServerError::NotYourTransfer { .. } => ErrorCode::Forbidden,
            ServerError::DeviceRevoked { .. } => ErrorCode::DeviceRevoked,
            ServerError::TooLarge { .. } => ErrorCode::TooLarge,
            ServerError::Malformed(_) => ErrorCode::InvalidInput,
            ServerError::NotFound(_) => ErrorCode::NotFound,
            ServerError::Conflict { .. } => ErrorCode::Conflict,
            ServerError::SequenceReused { .. } => ErrorCode::SequenceReused,
            ServerError::Storage(_) => ErrorCode::Storage,
            ServerError::Authority(_) => ErrorCode::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::MissingToken | ServerError::BadToken | ServerError::BadEnrollmentCode => {
                StatusCode::UNAUTHORIZED
            }
            ServerError::NotAssigned(_)
            | ServerError::NotYourProfile(_)
            | ServerError::NotYourDispatch { .. }
            | ServerError::NotYourTransfer { .. }
            | ServerError::DeviceRevoked { .. } => StatusCode::FORBIDDEN,
            ServerError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::Malformed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServerError::NotFound(_) => StatusCode::NOT_FOUND,
            ServerError::Conflict { .. } | ServerError::SequenceReused { .. } => {
                StatusCode::CONFLICT
            }
            ServerError::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
            ServerError::Authority(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ServerError::Conflict {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A second contract with a code already taken.
    /// A database a newer server already migrated further than this one knows: left untouched.
    pub fn schema_too_new(found: i64, supported: i64) -> Self {
        ServerError::Storage(format!(
            "数据库结构版本 {found} 比本程序新（{supported}），请升级 fieldlog-server \
             (the database schema is version {found}, newer than this server's {supported}: upgrade the server)"
        ))
    }

    pub fn contract_exists(code: &str) -> Self {
        ServerError::conflict(
            format!("合同编号“{code}”已存在"),
            format!("contract '{code}' already exists"),
        )
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(error: rusqlite::Error) -> Self {
        ServerError::Storage(error.to_string())
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let body = ErrorBody::new(self.code(), self.to_string());
        (self.status(), axum::Json(body)).into_response()
    }
}
