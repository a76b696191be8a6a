//! The office side of the server (issue 17): office accounts with roles, sign-in with
//! server-side sessions, CSRF tokens, throttling of failed sign-ins, grants of contracts to
//! managers, and the append-only office audit log. Wire types: `fieldlog_wire::office::v1`.
//!
//! - Passwords are Argon2id (`password`), hashed outside any database transaction so the one
//!   writer is never held up by them.
//! - A session is a random token in a cookie; only its SHA-256 is stored, with the session's
//!   CSRF token, its start and its last use. It ends [`IDLE_LIMIT`] after its last use or
//!   [`ABSOLUTE_LIMIT`] after it began, whichever comes first; time is passed in.
//! - Failed sign-ins are recorded per login and address; past a few of one login from one address,
//!   or of any logins from one address, each further attempt from that address waits twice as
//!   long as the last (up to [`MAX_DELAY`]) and is refused with `retry_after` until then, before
//!   any password is looked at. Counting a login's failures per address, not over all addresses,
//!   keeps a guesser elsewhere from locking the real user (say the administrator) out. Both the failures and the refusals are in the
//!   audit log.
//! - Every office action writes its audit entry in the action's own transaction: an action that
//!   fails leaves neither. The table refuses UPDATE and DELETE by triggers (migration 0007).
//!
//! Storage is this module's own tables, reached through [`OfficeStore`], which the storage written
//! once (`crate::sql`) implements; `http` is the `/office/v1` router.

pub mod board;
pub mod catalogue;
pub mod facts;
pub mod faults;
pub mod http;
pub mod month;
pub mod password;
pub mod people;
pub mod read_model;
pub mod write;

use crate::error::ServerError;
use crate::rules::{random_secret, sha256_hex};
use crate::storage::{Storage, Tx};
use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_wire::office::v1::{
    Account, AuditEntry, AuditPage, ContractItem, NewAccount, OfficeErrorBody, OfficeErrorCode,
    Role, SessionAnswer, SignInRequest,
};
use std::sync::Arc;

/// A session ends this long after its last use.
pub const IDLE_LIMIT: TimeDelta = TimeDelta::minutes(30);
/// A session ends this long after sign-in, however busy.
pub const ABSOLUTE_LIMIT: TimeDelta = TimeDelta::hours(12);
/// A session's last use is written at most this often (a read need not write every time).
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);
/// Failed sign-ins older than this no longer count.
pub const FAILURE_WINDOW: TimeDelta = TimeDelta::minutes(15);
/// Failures of one login from one address allowed in the window before attempts are slowed down.
pub const FREE_FAILURES_PER_LOGIN: i64 = 5;
/// Failures from one address (any login) allowed in the window before attempts are slowed down.
pub const FREE_FAILURES_PER_ADDRESS: i64 = 20;
/// The longest wait between attempts.
pub const MAX_DELAY: TimeDelta = TimeDelta::minutes(15);
/// Longest login and name accepted.
const MAX_NAME_CHARS: usize = 100;
/// How the command line appears in the audit log.
pub const COMMAND_LINE: &str = "(命令行 command line)";

/// The clock the office reads (the system's in a server; a test's own in tests).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How the office API is served.
#[derive(Clone)]
pub struct Options {
    /// Mark the session cookie `Secure` (the server speaks HTTPS).
    pub secure_cookies: bool,
    pub clock: Clock,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            secure_cookies: false,
            clock: Arc::new(Utc::now),
        }
    }
}

/// What an office request can fail with: a status and an `OfficeErrorBody`.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("请先登录，或会话已过期 (sign in first: no session, or it has ended)")]
    Unauthorized,
    #[error("账号或密码不正确 (wrong login or password)")]
    BadCredentials,
    #[error(
        "登录失败次数过多，请 {retry_after} 秒后再试 (too many failed sign-ins: try again in {retry_after} s)"
    )]
    Throttled { retry_after: u64 },
    #[error("缺少或不匹配的 CSRF 令牌，请刷新页面 (CSRF token missing or wrong: reload the page)")]
    Csrf,
    #[error("当前账号无权执行此操作 (this account's role may not do this)")]
    Forbidden,
    /// Forbidden, saying why and what to do (the account's role alone would allow it).
    #[error("{0}")]
    ForbiddenBecause(String),
    #[error("{0}")]
    Invalid(String),
    /// An import refused for its rows: the sentence, and the rows one by one for the console.
    #[error("{message}")]
    BadRows {
        message: String,
        rows: Vec<fieldlog_wire::office::v1::catalogue::ImportProblem>,
    },
    #[error("找不到{0} (not found: {0})")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The server lacks something an administrator installs (a CJK font for PDFs): the
    /// sentence says what.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Server(#[from] ServerError),
}

pub type Result<T, E = OfficeError> = std::result::Result<T, E>;

/// A domain check's refusal as the office answers it (422, Chinese first).
pub(crate) fn invalid(e: fieldlog_domain::InvalidInput) -> OfficeError {
    OfficeError::Invalid(format!("{} ({})", e.message_zh, e.message_en))
}

impl OfficeError {
    pub fn body(&self) -> OfficeErrorBody {
        use fieldlog_wire::ErrorCode as Sync;
        let code = match self {
            OfficeError::Unauthorized => OfficeErrorCode::Unauthorized,
            OfficeError::BadCredentials => OfficeErrorCode::BadCredentials,
            OfficeError::Throttled { .. } => OfficeErrorCode::Throttled,
            OfficeError::Csrf => OfficeErrorCode::Csrf,
            OfficeError::Forbidden | OfficeError::ForbiddenBecause(_) => OfficeErrorCode::Forbidden,
            OfficeError::Invalid(_) | OfficeError::BadRows { .. } => OfficeErrorCode::InvalidInput,
            OfficeError::NotFound(_) => OfficeErrorCode::NotFound,
            OfficeError::Conflict(_) => OfficeErrorCode::Conflict,
            OfficeError::Unavailable(_) => OfficeErrorCode::Unavailable,
            OfficeError::Server(e) => match e.code() {
                Sync::TooLarge => OfficeErrorCode::TooLarge,
                Sync::InvalidInput => OfficeErrorCode::InvalidInput,
                Sync::NotFound => OfficeErrorCode::NotFound,
                Sync::Conflict => OfficeErrorCode::Conflict,
                Sync::Storage => OfficeErrorCode::Storage,
                _ => OfficeErrorCode::Internal,
            },
        };
        OfficeErrorBody {
            code,
            message: self.to_string(),
            retry_after: match self {
                OfficeError::Throttled { retry_after } => Some(*retry_after),
                _ => None,
            },
            rows: match self {
                OfficeError::BadRows { rows, .. } => Some(rows.clone()),
                _ => None,
            },
        }
    }

    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            OfficeError::Unauthorized | OfficeError::BadCredentials => StatusCode::UNAUTHORIZED,
            OfficeError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            OfficeError::Csrf | OfficeError::Forbidden | OfficeError::ForbiddenBecause(_) => {
                StatusCode::FORBIDDEN
            }
            OfficeError::Invalid(_) | OfficeError::BadRows { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            OfficeError::NotFound(_) => StatusCode::NOT_FOUND,
            OfficeError::Conflict(_) => StatusCode::CONFLICT,
            OfficeError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            OfficeError::Server(e) => e.status(),
        }
    }
}

/// An account with its stored password hash (never sent).
#[derive(Debug, Clone)]
pub struct StoredAccount {
    pub account: Account,
    pub password_hash: String,
}

/// A stored session.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub account_id: String,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// An audit entry to append.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub at: DateTime<Utc>,
    pub actor_id: Option<&'a str>,
    pub actor_login: &'a str,
    pub action: &'a str,
    pub detail: serde_json::Value,
    pub address: &'a str,
}

/// What the office needs of a backend's transaction (its own tables, migration 0007).
pub trait OfficeStore {
    fn account_by_login(&mut self, login: &str) -> crate::error::Result<Option<StoredAccount>>;
    fn account(&mut self, id: &str) -> crate::error::Result<Option<Account>>;
    /// Every account, by login.
    fn accounts(&mut self) -> crate::error::Result<Vec<Account>>;
    /// Adds the account; false when its login is taken (nothing written).
    fn add_account(&mut self, account: &Account, password_hash: &str)
    -> crate::error::Result<bool>;
    fn disable_account(&mut self, id: &str) -> crate::error::Result<()>;
    fn add_session(
        &mut self,
        token_hash: &str,
        account_id: &str,
        csrf_token: &str,
        now: DateTime<Utc>,
        address: &str,
    ) -> crate::error::Result<()>;
    fn session(&mut self, token_hash: &str) -> crate::error::Result<Option<SessionRow>>;
    fn touch_session(&mut self, token_hash: &str, now: DateTime<Utc>) -> crate::error::Result<()>;
    fn drop_session(&mut self, token_hash: &str) -> crate::error::Result<()>;
    fn drop_sessions_of(&mut self, account_id: &str) -> crate::error::Result<()>;
    /// Drops sessions last used before `idle_before` or begun before `begun_before`.
    fn drop_expired_sessions(
        &mut self,
        idle_before: DateTime<Utc>,
        begun_before: DateTime<Utc>,
    ) -> crate::error::Result<()>;
    /// Every contract the server knows, by code.
    fn all_contracts(&mut self) -> crate::error::Result<Vec<ContractItem>>;
    /// The contract codes granted to the account, in order.
    fn grants(&mut self, account_id: &str) -> crate::error::Result<Vec<String>>;
    fn set_grants(&mut self, account_id: &str, codes: &[String]) -> crate::error::Result<()>;
    fn add_failed_sign_in(
        &mut self,
        login: &str,
        address: &str,
        at: DateTime<Utc>,
    ) -> crate::error::Result<()>;
    /// Failures of `login` from `address` since `since`: how many, and the latest.
    fn failures_of_login_from(
        &mut self,
        login: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> crate::error::Result<(i64, Option<DateTime<Utc>>)>;
    /// Failures from `address` since `since`: how many, and the latest.
    fn failures_from_address(
        &mut self,
        address: &str,
        since: DateTime<Utc>,
    ) -> crate::error::Result<(i64, Option<DateTime<Utc>>)>;
    /// Forgets `login`'s failures from `address` (it signed in there); another address's stay.
    fn clear_failures_of_login_from(
        &mut self,
        login: &str,
        address: &str,
    ) -> crate::error::Result<()>;
    /// Whether a throttled sign-in from `address` was audited at or after `since`.
    fn throttling_audited(
        &mut self,
        address: &str,
        since: DateTime<Utc>,
    ) -> crate::error::Result<bool>;
    fn append_audit(&mut self, entry: &NewAuditEntry<'_>) -> crate::error::Result<()>;
    /// Entries after `after`, oldest first, at most `limit`.
    fn audit_after(&mut self, after: i64, limit: i64) -> crate::error::Result<Vec<AuditEntry>>;
}

/// Runs `work` in one writing transaction: it all lands, or on any error (an office refusal
/// too) nothing does.
pub fn in_transaction<T>(
    storage: &impl Storage,
    work: impl FnOnce(&mut dyn Tx) -> Result<T>,
) -> Result<T> {
    keeping_refusal(work, |run| storage.transaction(|tx| run(tx)))
}

/// The same in a read-only transaction (it must not write).
pub fn in_read<T>(
    storage: &impl Storage,
    work: impl FnOnce(&mut dyn Tx) -> Result<T>,
) -> Result<T> {
    keeping_refusal(work, |run| storage.read(|tx| run(tx)))
}

/// Runs `work` through a storage transaction (`transaction`), which knows only server errors:
/// an office refusal rolls the transaction back as one, and is answered as itself.
fn keeping_refusal<T>(
    work: impl FnOnce(&mut dyn Tx) -> Result<T>,
    transaction: impl FnOnce(
        &mut dyn FnMut(&mut dyn Tx) -> crate::error::Result<T>,
    ) -> crate::error::Result<T>,
) -> Result<T> {
    let mut refused = None;
    let mut work = Some(work);
    let outcome = transaction(&mut |tx| {
        let work = work.take().expect("a transaction runs its work once");
        work(tx).map_err(|e| match e {
            OfficeError::Server(e) => e,
            other => {
                refused = Some(other);
                ServerError::Malformed("office request refused".into())
            }
        })
    });
    match (outcome, refused) {
        (_, Some(refusal)) => Err(refusal),
        (Ok(value), None) => Ok(value),
        (Err(e), None) => Err(e.into()),
    }
}

/// The wait a number of failures earns: none up to `free`, then 1 s, doubling per failure,
/// up to [`MAX_DELAY`], counted from the latest failure. Returns (until, latest failure).
fn throttled_until(
    failures: (i64, Option<DateTime<Utc>>),
    free: i64,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (count, latest) = failures;
    let latest = latest?;
    if count < free {
        return None;
    }
    let doublings = u32::try_from((count - free).min(20)).unwrap_or(20);
    let delay = TimeDelta::seconds(1i64 << doublings).min(MAX_DELAY);
    Some((latest + delay, latest))
}

/// Seconds from `now` until `until`, at least 1.
fn seconds_until(now: DateTime<Utc>, until: DateTime<Utc>) -> u64 {
    let millis = (until - now).num_milliseconds().max(1);
    u64::try_from((millis + 999) / 1000).unwrap_or(1).max(1)
}

/// When the login or the address may try again, if they must wait, and the failure the wait
/// counts from.
fn throttle(
    office: &mut dyn OfficeStore,
    login: &str,
    address: &str,
    now: DateTime<Utc>,
) -> crate::error::Result<Option<(DateTime<Utc>, DateTime<Utc>)>> {
    let since = now - FAILURE_WINDOW;
    let by_login = throttled_until(
        office.failures_of_login_from(login, address, since)?,
        FREE_FAILURES_PER_LOGIN,
    );
    let by_address = throttled_until(
        office.failures_from_address(address, since)?,
        FREE_FAILURES_PER_ADDRESS,
    );
    Ok(by_login.max(by_address).filter(|(until, _)| *until > now))
}

pub(crate) fn audit(
    tx: &mut dyn Tx,
    at: DateTime<Utc>,
    actor: Option<&Account>,
    actor_login: &str,
    action: &str,
    detail: serde_json::Value,
    address: &str,
) -> crate::error::Result<()> {
    tx.office().append_audit(&NewAuditEntry {
        at,
        actor_id: actor.map(|a| a.id.as_str()),
        actor_login: actor.map_or(actor_login, |a| a.login.as_str()),
        action,
        detail,
        address,
    })
}

/// A signed-in session, as a request proves it.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub token_hash: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

impl Session {
    /// Refuses the request unless the account has `role`.
    pub fn require(&self, role: Role) -> Result<()> {
        if self.account.role == role {
            Ok(())
        } else {
            Err(OfficeError::Forbidden)
        }
    }

    /// Refuses a state-changing request whose CSRF token is missing or not this session's,
    /// compared in constant time.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<()> {
        use subtle::ConstantTimeEq;
        let sent = sent.unwrap_or("");
        let expected = self.csrf_token.as_bytes();
        if sent.len() == expected.len() && bool::from(sent.as_bytes().ct_eq(expected)) {
            Ok(())
        } else {
            Err(OfficeError::Csrf)
        }
    }
}

/// The session `token` opens at `now`, or Unauthorized (no such session, ended, or its account
/// disabled). With `touch`, its last use is brought up to date (only in a writing transaction).
pub fn authenticate(
    tx: &mut dyn Tx,
    token: Option<&str>,
    now: DateTime<Utc>,
    touch: bool,
) -> Result<Session> {
    let token = token.ok_or(OfficeError::Unauthorized)?;
    let token_hash = sha256_hex(token.as_bytes());
    let office = tx.office();
    let row = office
        .session(&token_hash)?
        .ok_or(OfficeError::Unauthorized)?;
    let expires_at = (row.last_seen_at + IDLE_LIMIT).min(row.created_at + ABSOLUTE_LIMIT);
    if now >= expires_at {
        return Err(OfficeError::Unauthorized);
    }
    let account = office
        .account(&row.account_id)?
        .filter(|a| !a.disabled)
        .ok_or(OfficeError::Unauthorized)?;
    let expires_at = if touch && now - row.last_seen_at >= TOUCH_EVERY {
        office.touch_session(&token_hash, now)?;
        (now + IDLE_LIMIT).min(row.created_at + ABSOLUTE_LIMIT)
    } else {
        expires_at
    };
    Ok(Session {
        account,
        token_hash,
        csrf_token: row.csrf_token,
        expires_at,
    })
}

/// The contracts a session's account sees: every one for an administrator, the granted ones for
/// a manager.
pub fn visible_contracts(tx: &mut dyn Tx, account: &Account) -> Result<Vec<ContractItem>> {
    let all = tx.office().all_contracts()?;
    if !account.role.needs_grants() {
        return Ok(all);
    }
    let granted = tx.office().grants(&account.id)?;
    Ok(all
        .into_iter()
        .filter(|c| granted.contains(&c.code))
        .collect())
}

fn session_answer(tx: &mut dyn Tx, session: &Session) -> Result<SessionAnswer> {
    let contracts = visible_contracts(tx, &session.account)?
        .into_iter()
        .map(|c| c.code)
        .collect();
    Ok(SessionAnswer {
        account: session.account.clone(),
        csrf_token: session.csrf_token.clone(),
        contracts,
        expires_at: session.expires_at,
    })
}

/// `GET /office/v1/me`.
pub fn me(tx: &mut dyn Tx, session: &Session) -> Result<SessionAnswer> {
    session_answer(tx, session)
}

/// A new session's secrets: the cookie's token and the CSRF token.
pub struct SignedIn {
    pub token: String,
    pub answer: SessionAnswer,
}

/// Signs in: throttled attempts are refused (and audited) before any password is looked at;
/// every other attempt is counted as a failure first, then its password verified outside any
/// transaction; a failure is audited, a success clears the count and opens a session.
pub fn sign_in(
    storage: &impl Storage,
    request: &SignInRequest,
    address: &str,
    now: DateTime<Utc>,
) -> Result<SignedIn> {
    let login = request.login.trim().to_owned();
    if login.is_empty() || login.chars().count() > MAX_NAME_CHARS {
        return Err(OfficeError::Invalid(
            "请填写账号 (the login is required, at most 100 characters)".into(),
        ));
    }
    if request.password.len() > password::MAX_LENGTH {
        return Err(OfficeError::BadCredentials);
    }
    // Counted as a failure before the password is looked at, in a writing transaction (one at
    // a time): guesses sent all at once see each other, so only the free ones are tried. A
    // success takes the count back. A refusal is audited once per address and failure, so
    // hammering a throttled login cannot fill the log.
    let (wait, stored) = storage.transaction(|tx| {
        let wait = throttle(tx.office(), &login, address, now)?;
        match wait {
            None => tx.office().add_failed_sign_in(&login, address, now)?,
            Some((until, latest_failure)) => {
                if !tx.office().throttling_audited(address, latest_failure)? {
                    audit(
                        tx,
                        now,
                        None,
                        &login,
                        "sign_in_throttled",
                        serde_json::json!({ "retry_after": seconds_until(now, until) }),
                        address,
                    )?;
                }
            }
        }
        Ok((wait, tx.office().account_by_login(&login)?))
    })?;
    if let Some((until, _)) = wait {
        return Err(OfficeError::Throttled {
            retry_after: seconds_until(now, until),
        });
    }
    let verified = match &stored {
        Some(stored) => password::verify(&request.password, &stored.password_hash),
        None => {
            password::verify_nothing(&request.password);
            false
        }
    };
    let refusal = match &stored {
        None => Some("unknown_login"),
        Some(_) if !verified => Some("wrong_password"),
        Some(s) if s.account.disabled => Some("account_disabled"),
        Some(_) => None,
    };
    if let Some(reason) = refusal {
        storage.transaction(|tx| {
            audit(
                tx,
                now,
                None,
                &login,
                "sign_in_failed",
                serde_json::json!({ "reason": reason }),
                address,
            )
        })?;
        return Err(OfficeError::BadCredentials);
    }
    let account = stored.expect("refused above when missing").account;
    let token = random_secret(32);
    let csrf_token = random_secret(32);
    let token_hash = sha256_hex(token.as_bytes());
    let answer = in_transaction(storage, |tx| {
        tx.office()
            .drop_expired_sessions(now - IDLE_LIMIT, now - ABSOLUTE_LIMIT)?;
        tx.office().clear_failures_of_login_from(&login, address)?;
        tx.office()
            .add_session(&token_hash, &account.id, &csrf_token, now, address)?;
        audit(
            tx,
            now,
            Some(&account),
            &login,
            "sign_in",
            serde_json::json!({}),
            address,
        )?;
        let session = Session {
            account: account.clone(),
            token_hash: token_hash.clone(),
            csrf_token: csrf_token.clone(),
            expires_at: (now + IDLE_LIMIT).min(now + ABSOLUTE_LIMIT),
        };
        session_answer(tx, &session)
    })?;
    Ok(SignedIn { token, answer })
}

/// Ends the session (its cookie no longer opens anything).
pub fn sign_out(
    tx: &mut dyn Tx,
    session: &Session,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.office().drop_session(&session.token_hash)?;
    audit(
        tx,
        now,
        Some(&session.account),
        "",
        "sign_out",
        serde_json::json!({}),
        address,
    )?;
    Ok(())
}

/// Checks a new account's fields and hashes its password (outside any transaction).
pub fn prepare_account(new: &NewAccount, now: DateTime<Utc>) -> Result<(Account, String)> {
    let login = new.login.trim();
    let name = new.name.trim();
    let login_ok = !login.is_empty()
        && login.chars().count() <= MAX_NAME_CHARS
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if !login_ok {
        return Err(OfficeError::Invalid(
            "账号只能由字母、数字和 . _ - @ 组成，不超过 100 个字符 \
             (a login is letters, digits and . _ - @, at most 100 characters)"
                .into(),
        ));
    }
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(OfficeError::Invalid(
            "请填写姓名（不超过 100 个字符） (a name is required, at most 100 characters)".into(),
        ));
    }
    password::check_new(&new.password).map_err(OfficeError::Invalid)?;
    let hash = password::hash(&new.password).map_err(ServerError::Storage)?;
    Ok((
        Account {
            id: uuid::Uuid::now_v7().to_string(),
            login: login.to_owned(),
            name: name.to_owned(),
            role: new.role,
            disabled: false,
            created_at: now,
        },
        hash,
    ))
}

/// Stores a prepared account, audited as done by `actor` (None: the command line).
pub fn add_account(
    tx: &mut dyn Tx,
    actor: Option<&Account>,
    account: &Account,
    password_hash: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if !tx.office().add_account(account, password_hash)? {
        return Err(OfficeError::Conflict(format!(
            "账号“{}”已存在 (login '{}' is taken)",
            account.login, account.login
        )));
    }
    audit(
        tx,
        now,
        actor,
        COMMAND_LINE,
        "account_add",
        serde_json::json!({
            "account_id": account.id, "login": account.login, "role": account.role,
        }),
        address,
    )?;
    Ok(())
}

/// Disables an account and ends its sessions (administrator; not one's own account).
pub fn disable_account(
    tx: &mut dyn Tx,
    session: &Session,
    account_id: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Account> {
    session.require(Role::Administrator)?;
    if account_id == session.account.id {
        return Err(OfficeError::Conflict(
            "不能停用自己的账号 (you cannot disable your own account)".into(),
        ));
    }
    let account = tx
        .office()
        .account(account_id)?
        .ok_or_else(|| OfficeError::NotFound(format!("账号 {account_id}")))?;
    tx.office().disable_account(account_id)?;
    tx.office().drop_sessions_of(account_id)?;
    audit(
        tx,
        now,
        Some(&session.account),
        "",
        "account_disable",
        serde_json::json!({ "account_id": account.id, "login": account.login }),
        address,
    )?;
    Ok(Account {
        disabled: true,
        ..account
    })
}

/// Replaces the contracts a manager sees (administrator).
pub fn set_grants(
    tx: &mut dyn Tx,
    session: &Session,
    account_id: &str,
    codes: &[String],
    address: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    session.require(Role::Administrator)?;
    let account = tx
        .office()
        .account(account_id)?
        .ok_or_else(|| OfficeError::NotFound(format!("账号 {account_id}")))?;
    if !account.role.needs_grants() {
        return Err(OfficeError::Invalid(
            "管理员可查看全部合同，无需分配 (an administrator sees every contract already)".into(),
        ));
    }
    let known: Vec<String> = tx
        .office()
        .all_contracts()?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let mut codes: Vec<String> = codes.to_vec();
    codes.sort();
    codes.dedup();
    if let Some(unknown) = codes.iter().find(|c| !known.contains(c)) {
        return Err(OfficeError::NotFound(format!("合同 {unknown}")));
    }
    let before = tx.office().grants(account_id)?;
    tx.office().set_grants(account_id, &codes)?;
    audit(
        tx,
        now,
        Some(&session.account),
        "",
        "grants_set",
        serde_json::json!({
            "account_id": account.id, "login": account.login,
            "before": before, "after": codes,
        }),
        address,
    )?;
    Ok(codes)
}

/// The audit log after `after` (administrator), at most `limit` (1..=500) entries.
pub fn audit_page(tx: &mut dyn Tx, session: &Session, after: i64, limit: u32) -> Result<AuditPage> {
    session.require(Role::Administrator)?;
    let limit = i64::from(limit.clamp(1, 500));
    let entries = tx.office().audit_after(after, limit)?;
    let next_after = (entries.len() as i64 == limit)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(AuditPage {
        entries,
        next_after,
    })
}

/// `fieldlog-server office-user-add`: an account made on the command line (the first
/// administrator), audited as the command line from `address`.
pub fn add_account_from_command_line(
    storage: &impl Storage,
    new: &NewAccount,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Account> {
    let (account, hash) = prepare_account(new, now)?;
    in_transaction(storage, |tx| {
        add_account(tx, None, &account, &hash, address, now)
    })?;
    Ok(account)
}
