//! The office's storage (crate::office) in its own tables (migration 0007), written once for both
//! backends like the rest of `crate::sql`.

use super::{Columns, SqlTx, one, row, rows};
use crate::error::Result;
use crate::office::{NewAuditEntry, OfficeStore, SessionRow, StoredAccount};
use chrono::{DateTime, Utc};
use fieldlog_wire::office::v1::{Account, AuditEntry, ContractItem, Role};

/// The columns [`account`] reads, in its order.
macro_rules! account_columns {
    () => {
        "id, login, name, role, disabled, created_at"
    };
}

fn account(r: &dyn Columns) -> Result<Account> {
    let role = r.text(3)?;
    Ok(Account {
        id: r.text(0)?,
        login: r.text(1)?,
        name: r.text(2)?,
        role: Role::parse(&role).ok_or_else(|| {
            crate::error::ServerError::Storage(format!("unknown office role {role:?}"))
        })?,
        disabled: r.bool(4)?,
        created_at: r.time(5)?,
    })
}

/// How many failures, and the latest (NULL when none).
fn failures(r: &dyn Columns) -> Result<(i64, Option<DateTime<Utc>>)> {
    let count = r.int(0)?;
    Ok((count, if count > 0 { Some(r.time(1)?) } else { None }))
}

impl OfficeStore for SqlTx<'_> {
    fn account_by_login(&mut self, login: &str) -> Result<Option<StoredAccount>> {
        row(
            self.db,
            concat!(
                "SELECT ",
                account_columns!(),
                ", password_hash FROM office_accounts WHERE login = ?1"
            ),
            params![login],
            |r| {
                Ok(StoredAccount {
                    account: account(r)?,
                    password_hash: r.text(6)?,
                })
            },
        )
    }

    fn account(&mut self, id: &str) -> Result<Option<Account>> {
        row(
            self.db,
            concat!(
                "SELECT ",
                account_columns!(),
                " FROM office_accounts WHERE id = ?1"
            ),
            params![id],
            account,
        )
    }

    fn accounts(&mut self) -> Result<Vec<Account>> {
        rows(
            self.db,
            concat!(
                "SELECT ",
                account_columns!(),
                " FROM office_accounts ORDER BY login"
            ),
            &[],
            account,
        )
    }

    fn add_account(&mut self, a: &Account, password_hash: &str) -> Result<bool> {
        let added = self.db.execute(
            "INSERT INTO office_accounts (id, login, name, role, password_hash, disabled, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            params![
                &a.id,
                &a.login,
                &a.name,
                a.role.as_str(),
                password_hash,
                a.disabled,
                a.created_at
            ],
        )?;
        Ok(added == 1)
    }

    fn disable_account(&mut self, id: &str) -> Result<()> {
        self.db.execute(
            "UPDATE office_accounts SET disabled = TRUE WHERE id = ?1",
            params![id],
        )?;
        Ok(())
    }

    fn add_session(
        &mut self,
        token_hash: &str,
        account_id: &str,
        csrf_token: &str,
        now: DateTime<Utc>,
        address: &str,
    ) -> Result<()> {
        self.db.execute(
            "INSERT INTO office_sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, address)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            params![token_hash, account_id, csrf_token, now, address],
        )?;
        Ok(())
    }

    fn session(&mut self, token_hash: &str) -> Result<Option<SessionRow>> {
        row(
            self.db,
            "SELECT account_id, csrf_token, created_at, last_seen_at
             FROM office_sessions WHERE token_hash = ?1",
            params![token_hash],
            |r| {
                Ok(SessionRow {
                    account_id: r.text(0)?,
                    csrf_token: r.text(1)?,
                    created_at: r.time(2)?,
                    last_seen_at: r.time(3)?,
                })
            },
        )
    }

    fn touch_session(&mut self, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
        self.db.execute(
            "UPDATE office_sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
            params![token_hash, now],
        )?;
        Ok(())
    }

    fn drop_session(&mut self, token_hash: &str) -> Result<()> {
        self.db.execute(
            "DELETE FROM office_sessions WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }

    fn drop_sessions_of(&mut self, account_id: &str) -> Result<()> {
        self.db.execute(
            "DELETE FROM office_sessions WHERE account_id = ?1",
            params![account_id],
        )?;
        Ok(())
    }

    fn drop_expired_sessions(
        &mut self,
        idle_before: DateTime<Utc>,
        begun_before: DateTime<Utc>,
    ) -> Result<()> {
        self.db.execute(
            "DELETE FROM office_sessions WHERE last_seen_at < ?1 OR created_at < ?2",
            params![idle_before, begun_before],
        )?;
        Ok(())
    }

    fn all_contracts(&mut self) -> Result<Vec<ContractItem>> {
        rows(
            self.db,
            "SELECT code, name FROM contracts ORDER BY code",
            &[],
            |r| {
                Ok(ContractItem {
                    code: r.text(0)?,
                    name: r.text(1)?,
                })
            },
        )
    }

    fn grants(&mut self, account_id: &str) -> Result<Vec<String>> {
        rows(
            self.db,
            "SELECT contract_code FROM office_grants WHERE account_id = ?1 ORDER BY contract_code",
            params![account_id],
            |r| r.text(0),
        )
    }

    fn set_grants(&mut self, account_id: &str, codes: &[String]) -> Result<()> {
        self.db.execute(
            "DELETE FROM office_grants WHERE account_id = ?1",
            params![account_id],
        )?;
        for code in codes {
            self.db.execute(
                "INSERT INTO office_grants (account_id, contract_code) VALUES (?1, ?2)",
                params![account_id, code],
            )?;
        }
        Ok(())
    }

    fn add_failed_sign_in(&mut self, login: &str, address: &str, at: DateTime<Utc>) -> Result<()> {
        self.db.execute(
            "INSERT INTO office_failed_sign_ins (login, address, at) VALUES (?1, ?2, ?3)",
            params![login, address, at],
        )?;
        Ok(())
    }

    fn failures_of_login_from(
        &mut self,
        login: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, Option<DateTime<Utc>>)> {
        one(
            self.db,
            "SELECT count(*), max(at) FROM office_failed_sign_ins
             WHERE login = ?1 AND address = ?2 AND at >= ?3",
            params![login, address, since],
            failures,
        )
    }

    fn failures_from_address(
        &mut self,
        address: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, Option<DateTime<Utc>>)> {
        one(
            self.db,
            "SELECT count(*), max(at) FROM office_failed_sign_ins WHERE address = ?1 AND at >= ?2",
            params![address, since],
            failures,
        )
    }

    fn clear_failures_of_login_from(&mut self, login: &str, address: &str) -> Result<()> {
        self.db.execute(
            "DELETE FROM office_failed_sign_ins WHERE login = ?1 AND address = ?2",
            params![login, address],
        )?;
        Ok(())
    }

    fn throttling_audited(&mut self, address: &str, since: DateTime<Utc>) -> Result<bool> {
        one(
            self.db,
            "SELECT EXISTS (SELECT 1 FROM office_audit
                            WHERE address = ?1 AND at >= ?2 AND action = 'sign_in_throttled')",
            params![address, since],
            |r| r.bool(0),
        )
    }

    fn append_audit(&mut self, e: &NewAuditEntry<'_>) -> Result<()> {
        let detail = e.detail.to_string();
        self.db.execute(
            "INSERT INTO office_audit (at, actor_id, actor_login, action, detail, address)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                e.at,
                e.actor_id,
                e.actor_login,
                e.action,
                &detail,
                e.address
            ],
        )?;
        Ok(())
    }

    fn audit_after(&mut self, after: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        rows(
            self.db,
            "SELECT seq, at, actor_id, actor_login, action, detail, address
             FROM office_audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            params![after, limit],
            |r| {
                Ok(AuditEntry {
                    seq: r.int(0)?,
                    at: r.time(1)?,
                    actor_id: r.opt_text(2)?,
                    actor_login: r.text(3)?,
                    action: r.text(4)?,
                    detail: r.text(5)?,
                    address: r.text(6)?,
                })
            },
        )
    }
}
