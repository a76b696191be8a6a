//! Conversions between domain values and SQLite columns: ids and enum codes are text, parsed back
//! with their `FromStr`; structured values are JSON text.

use rusqlite::Row;
use rusqlite::types::Type;
use serde::de::DeserializeOwned;
use std::str::FromStr;

/// A text column parsed into an id or an enum code.
pub(crate) fn parse<T>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    text.parse()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// A nullable text column parsed into an id or an enum code.
pub(crate) fn parse_opt<T>(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<T>>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    match row.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))),
    }
}

/// A JSON text column.
pub(crate) fn json<T: DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

/// An optional id as a nullable text column.
pub(crate) fn opt_text<T: ToString>(value: Option<T>) -> Option<String> {
    value.map(|v| v.to_string())
}
