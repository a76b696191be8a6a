//! Input checks shared by every path that creates records (CLI, app, sync). A failed check names
//! the field and tells the technician what to enter, in Chinese first.

use serde::Serialize;
use std::fmt;

/// Input that cannot be saved as given. Nothing is written when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct InvalidInput {
    /// The field, as named in the API (`fault_cause`, `quantity`, ...).
    pub field: &'static str,
    /// What is wrong and what to do, in Chinese.
    pub message_zh: String,
    /// The same in English.
    pub message_en: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field,
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message_zh, self.message_en)
    }
}

/// A required free-text field: trimmed, not empty, at most `max_chars` characters.
pub fn required_text(
    field: &'static str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, InvalidInput> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(InvalidInput::new(
            field,
            format!("请填写“{label_zh}”"),
            format!("{field} is required"),
        ));
    }
    optional_text(field, label_zh, trimmed, max_chars).map(|v| v.unwrap_or_default())
}

/// An optional free-text field: trimmed; empty becomes `None`; at most `max_chars` characters.
pub fn optional_text(
    field: &'static str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
) -> Result<Option<String>, InvalidInput> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let n = trimmed.chars().count();
    if n > max_chars {
        return Err(InvalidInput::new(
            field,
            format!("“{label_zh}”太长（{n} 字），最多 {max_chars} 字，请精简"),
            format!("{field} is too long ({n} characters, at most {max_chars})"),
        ));
    }
    Ok(Some(trimmed.to_owned()))
}

/// A count of units: at least 1 and at most `max`.
pub fn positive_quantity(field: &'static str, value: i64, max: i64) -> Result<i64, InvalidInput> {
    if value < 1 || value > max {
        return Err(InvalidInput::new(
            field,
            format!("数量必须在 1 到 {max} 之间，当前为 {value}"),
            format!("{field} must be between 1 and {max}, got {value}"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_trims_and_refuses_blank() {
        assert_eq!(
            required_text("f", "字段", "  光模块老化 ", 20).unwrap(),
            "光模块老化"
        );
        let err = required_text("fault_cause", "故障原因", "   ", 20).unwrap_err();
        assert_eq!(err.field, "fault_cause");
        assert!(err.message_zh.contains("故障原因"));
    }

    #[test]
    fn text_length_counts_characters_not_bytes() {
        // 5 Chinese characters are 15 bytes; the limit is about what a person reads.
        assert!(required_text("f", "字段", "更换电源模", 5).is_ok());
        assert!(required_text("f", "字段", "更换电源模块", 5).is_err());
    }

    #[test]
    fn quantity_bounds() {
        assert!(positive_quantity("q", 0, 10).is_err());
        assert!(positive_quantity("q", 11, 10).is_err());
        assert_eq!(positive_quantity("q", 10, 10).unwrap(), 10);
    }
}
