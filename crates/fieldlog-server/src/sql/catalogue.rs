//! The office catalogue's storage (crate::office::catalogue): the server contracts' closing
//! columns and the counts a contracts page shows (migration 0010), written once for both backends.

use super::{SqlTx, one, row};
use crate::error::Result;
use crate::office::catalogue::{CatalogueStore, Closed};
use chrono::{DateTime, Utc};

impl CatalogueStore for SqlTx<'_> {
    fn count_in_scope(&mut self, entity: &str, scope: &str) -> Result<i64> {
        one(
            self.db,
            "SELECT COUNT(*) FROM records WHERE entity = ?1 AND scope = ?2",
            params![entity, scope],
            |r| r.int(0),
        )
    }

    fn closed(&mut self, code: &str) -> Result<Option<Closed>> {
        row(
            self.db,
            "SELECT closed_at, closed_by FROM contracts WHERE code = ?1 AND closed_at IS NOT NULL",
            params![code],
            |r| {
                Ok(Closed {
                    at: r.time(0)?,
                    by: r.text(1)?,
                })
            },
        )
    }

    fn close(&mut self, code: &str, at: DateTime<Utc>, by: &str) -> Result<()> {
        self.db.execute(
            "UPDATE contracts SET closed_at = ?2, closed_by = ?3 WHERE code = ?1",
            params![code, at, by],
        )?;
        Ok(())
    }
}
