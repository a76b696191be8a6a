//! Store errors: typed for callers, mapped to the stable [`ErrorCode`]s for the UI, with messages
//! that tell a technician what to do, in the user's language: the `Display` is the zh-CN sentence
//! (Chinese first, English in brackets), [`StoreError::message`] gives either.

use fieldlog_domain::{InvalidInput, Lang, UnknownCode};
use fieldlog_wire::{ErrorBody, ErrorCode, ToErrorBody};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Invalid(#[from] InvalidInput),

    /// `what` is a code of [`fieldlog_domain::labels::RECORD_KINDS`], which gives its label.
    #[error(
        "找不到{}“{id}”，请检查编号 ({what} '{id}' not found)",
        fieldlog_domain::Label::of(fieldlog_domain::labels::RECORD_KINDS, .what, Lang::ZhCn)
    )]
    NotFound { what: &'static str, id: String },

    #[error(
        "该报告已签字，不能修改；如需更正，请新建修订报告 (the report is signed and cannot be changed; create an amendment)"
    )]
    SignedImmutable,

    #[error(
        "该记录是存证记录，不能修改或删除 (this is an evidence record and cannot be changed or deleted: {0})"
    )]
    AppendOnly(String),

    #[error("{message_zh} ({message_en})")]
    Conflict {
        message_zh: String,
        message_en: String,
    },

    #[error(
        "库存不足：{part} 当前余量 {balance}，本次需要 {wanted}；请先登记入库 (not enough stock of {part}: balance {balance}, needed {wanted}; record the receipt first)"
    )]
    InsufficientStock {
        part: String,
        balance: i64,
        wanted: i64,
    },

    #[error("无法打开数据库 {path}：{reason}。请检查路径和磁盘空间 (cannot open database {path}: {reason})", path = .path.display())]
    Open { path: PathBuf, reason: String },

    #[error(
        "数据库版本（{found}）比本程序支持的（{supported}）新，请升级 Fieldlog (database schema {found} is newer than this build supports, {supported}; update Fieldlog)"
    )]
    SchemaTooNew { found: i64, supported: i64 },

    #[error(
        "本地数据库读写失败：{0}。已保存的数据不受影响，请重试；如仍失败请联系管理员 (local database error; saved data is unaffected, try again)"
    )]
    Sqlite(rusqlite::Error),

    #[error("数据库中有无法识别的内容：{0}。请联系管理员 (unreadable value in the database)")]
    Corrupt(String),

    #[error(
        "无法使用系统密钥库中的签名密钥：{0}。请解锁系统密钥库（登录密钥环）后重试 (cannot use the signing key in the OS key store: {0}; unlock the key store and try again)"
    )]
    KeyStore(String),

    #[error(
        "证据校验未通过，拒绝导出或签署：{0}。请勿使用这份记录，并联系管理员核对服务器上的证据链 (evidence failed its check: {0}; do not use this record, ask the administrator to compare with the server's chain)"
    )]
    Tampered(String),
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Invalid(_) => ErrorCode::InvalidInput,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::SignedImmutable | StoreError::AppendOnly(_) => ErrorCode::SignedImmutable,
            StoreError::Conflict { .. } => ErrorCode::Conflict,
            StoreError::InsufficientStock { .. } => ErrorCode::InsufficientStock,
            StoreError::Open { .. }
            | StoreError::SchemaTooNew { .. }
            | StoreError::Sqlite(_)
            | StoreError::KeyStore(_) => ErrorCode::Storage,
            StoreError::Corrupt(_) => ErrorCode::Internal,
            StoreError::Tampered(_) => ErrorCode::Tampered,
        }
    }

    /// The `{code, message}` the UI and `--json` receive, in zh-CN.
    pub fn to_body(&self) -> ErrorBody {
        self.error_body(Lang::ZhCn)
    }

    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => self.to_string(),
            Lang::En => self.message_en(),
        }
    }

    fn message_en(&self) -> String {
        match self {
            StoreError::Invalid(invalid) => invalid.message_en.clone(),
            StoreError::NotFound { what, id, .. } => {
                format!("{what} '{id}' not found: check the number")
            }
            StoreError::SignedImmutable => {
                "The report is signed and cannot be changed; to correct it, create an amendment."
                    .into()
            }
            StoreError::AppendOnly(what) => {
                format!("This is an evidence record and cannot be changed or deleted ({what}).")
            }
            StoreError::Conflict { message_en, .. } => message_en.clone(),
            StoreError::InsufficientStock {
                part,
                balance,
                wanted,
            } => format!(
                "Not enough stock of {part}: balance {balance}, needed {wanted}. Record the receipt first."
            ),
            StoreError::Open { path, reason } => format!(
                "Cannot open the database {}: {reason}. Check the path and the free disk space.",
                path.display()
            ),
            StoreError::SchemaTooNew { found, supported } => format!(
                "The database schema ({found}) is newer than this build supports ({supported}): update Fieldlog."
            ),
            StoreError::Sqlite(error) => format!(
                "Local database error: {error}. Saved data is unaffected; try again, and if it keeps failing, contact the administrator."
            ),
            StoreError::Corrupt(what) => {
                format!("Unreadable value in the database: {what}. Contact the administrator.")
            }
            StoreError::KeyStore(why) => format!(
                "Cannot use the signing key in the OS key store: {why}. Unlock the key store (the login keyring) and try again."
            ),
            StoreError::Tampered(what) => format!(
                "Evidence failed its check, so nothing was exported or signed: {what}. Do not use this record; ask the administrator to compare it with the server's evidence chain."
            ),
        }
    }

    /// `what`: a code of [`fieldlog_domain::labels::RECORD_KINDS`].
    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            id: id.to_string(),
        }
    }

    pub(crate) fn conflict(zh: impl Into<String>, en: impl Into<String>) -> Self {
        StoreError::Conflict {
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }
}

/// The database's own refusals (our triggers) become the typed errors they stand for.
impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(_, Some(message)) = &error {
            if message.contains("fieldlog:signed_immutable") {
                return StoreError::SignedImmutable;
            }
            if let Some(rest) = message.split("fieldlog:append_only").nth(1) {
                return StoreError::AppendOnly(rest.trim().to_owned());
            }
        }
        StoreError::Sqlite(error)
    }
}

impl From<UnknownCode> for StoreError {
    fn from(error: UnknownCode) -> Self {
        StoreError::Corrupt(error.to_string())
    }
}

impl ToErrorBody for StoreError {
    fn error_body(&self, lang: Lang) -> ErrorBody {
        let body = ErrorBody::new(self.code(), self.message(lang));
        match self {
            StoreError::Invalid(invalid) => body.with_field(invalid.field),
            StoreError::NotFound { what, id, .. } => {
                body.with_param("what", what).with_param("id", id)
            }
            StoreError::InsufficientStock {
                part,
                balance,
                wanted,
            } => body
                .with_param("part", part)
                .with_param("balance", balance)
                .with_param("wanted", wanted),
            StoreError::SchemaTooNew { found, supported } => body
                .with_param("found", found)
                .with_param("supported", supported),
            _ => body,
        }
    }
}

impl From<StoreError> for ErrorBody {
    fn from(error: StoreError) -> Self {
        error.to_body()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_says_the_sentence_in_the_language_asked_with_its_params() {
        let short = StoreError::InsufficientStock {
            part: "BJ-01 防水接头".into(),
            balance: 2,
            wanted: 5,
        };
        let zh = short.error_body(Lang::ZhCn);
        assert_eq!(zh.code, ErrorCode::InsufficientStock);
        assert_eq!(zh.message, short.to_string(), "zh-CN is today's sentence");
        assert!(
            zh.message
                .starts_with("库存不足：BJ-01 防水接头 当前余量 2，本次需要 5")
        );
        let en = short.error_body(Lang::En);
        assert_eq!(en.code, ErrorCode::InsufficientStock);
        assert_eq!(
            en.message,
            "Not enough stock of BJ-01 防水接头: balance 2, needed 5. Record the receipt first."
        );
        assert_eq!(en.params["balance"], "2");
        assert_eq!(en.params["wanted"], "5");

        let invalid = StoreError::Invalid(InvalidInput::new(
            "quantity",
            "数量须为正整数",
            "the quantity is a positive whole number",
        ));
        let zh = invalid.error_body(Lang::ZhCn);
        assert_eq!(
            zh.message,
            "数量须为正整数 (the quantity is a positive whole number)"
        );
        let en = invalid.error_body(Lang::En);
        assert_eq!(en.message, "the quantity is a positive whole number");
        assert_eq!(en.field.as_deref(), Some("quantity"));
    }
}
