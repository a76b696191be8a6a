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

/// Characters the reports can print, as inclusive ranges (see [`printable`]).
///
/// The rule: a character is accepted only if it is in this list, which is the printable part of
/// the blocks that every CJK font the PDFs accept (Noto Sans CJK SC, WenQuanYi, Microsoft YaHei,
/// SimSun, PingFang) draws: printable ASCII and Latin-1, the Greek and Cyrillic letters and the
/// symbols of GB 2312 that technicians type (℃, №, ①, →, ≤, ※ ...), CJK punctuation, the
/// 20,902 ideographs of the original CJK Unified block (U+4E00..U+9FA5, the GBK set: every
/// Chinese font covers it) and full-width forms. Everything else is refused at input: control
/// characters (a line break only where the field is multi-line), emoji, private-use and
/// unassigned code points, combining marks, invisible format characters and rarer scripts whose
/// glyphs the font may lack. A test in `fieldlog-export` draws every accepted character with the
/// font the tests use. Refusing is cheap for a person typing; a signed report that can never be
/// exported is not.
pub const PRINTABLE_RANGES: &[(char, char)] = &[
    (' ', '~'),
    ('\u{A0}', '\u{AC}'),
    ('\u{AE}', '\u{FF}'),
    ('\u{391}', '\u{3A1}'),
    ('\u{3A3}', '\u{3A9}'),
    ('\u{3B1}', '\u{3C9}'),
    ('\u{401}', '\u{401}'),
    ('\u{410}', '\u{44F}'),
    ('\u{451}', '\u{451}'),
    ('\u{2013}', '\u{2016}'),
    ('\u{2018}', '\u{2019}'),
    ('\u{201C}', '\u{201D}'),
    ('\u{2022}', '\u{2022}'),
    ('\u{2025}', '\u{2026}'),
    ('\u{2030}', '\u{2030}'),
    ('\u{2032}', '\u{2033}'),
    ('\u{203B}', '\u{203B}'),
    ('\u{2103}', '\u{2103}'),
    ('\u{2116}', '\u{2116}'),
    ('\u{2121}', '\u{2121}'),
    ('\u{2160}', '\u{216B}'),
    ('\u{2170}', '\u{2179}'),
    ('\u{2190}', '\u{2193}'),
    ('\u{2208}', '\u{2208}'),
    ('\u{2211}', '\u{2211}'),
    ('\u{221A}', '\u{221A}'),
    ('\u{221E}', '\u{221E}'),
    ('\u{2236}', '\u{2236}'),
    ('\u{2248}', '\u{2248}'),
    ('\u{2260}', '\u{2261}'),
    ('\u{2264}', '\u{2265}'),
    ('\u{2460}', '\u{249B}'),
    ('\u{25A0}', '\u{25A1}'),
    ('\u{25B2}', '\u{25B3}'),
    ('\u{25C6}', '\u{25C7}'),
    ('\u{25CB}', '\u{25CB}'),
    ('\u{25CF}', '\u{25CF}'),
    ('\u{2605}', '\u{2606}'),
    ('\u{3000}', '\u{3003}'),
    ('\u{3005}', '\u{3011}'),
    ('\u{3014}', '\u{3017}'),
    ('\u{4E00}', '\u{9FA5}'),
    ('\u{FF01}', '\u{FF5E}'),
    ('\u{FFE0}', '\u{FFE5}'),
];

/// Whether the reports' font draws `c` (the rule is at [`PRINTABLE_RANGES`]).
pub fn printable(c: char) -> bool {
    PRINTABLE_RANGES
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// How a refused character is named to the technician: itself when it can be seen, and always
/// its code point (a control character or an invisible one cannot be seen).
pub fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || c.is_ascii_control() || is_invisible(c) {
        format!("U+{:04X}", c as u32)
    } else {
        format!("“{c}”（U+{:04X}）", c as u32)
    }
}

fn is_invisible(c: char) -> bool {
    matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF | 0xE000..=0xF8FF | 0xF0000..)
}

/// Whether a field may hold line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Checks every character of a trimmed value; multi-line fields get `\r\n` and `\r` as `\n`.
fn printable_text(
    field: &'static str,
    label_zh: &str,
    value: &str,
    lines: Lines,
) -> Result<String, InvalidInput> {
    let value = if lines == Lines::Many && value.contains('\r') {
        value.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        value.to_owned()
    };
    for c in value.chars() {
        if c == '\n' && lines == Lines::Many {
            continue;
        }
        if c == '\n' || c == '\r' {
            return Err(InvalidInput::new(
                field,
                format!("“{label_zh}”只能填一行，请去掉换行"),
                format!("{field} is a single line: remove the line break"),
            ));
        }
        if !printable(c) {
            let named = describe_char(c);
            let kind_zh = if c.is_control() {
                "控制字符"
            } else {
                "报告字体无法打印的字符"
            };
            return Err(InvalidInput::new(
                field,
                format!("“{label_zh}”含有{kind_zh} {named}，请删除或改用文字描述"),
                format!(
                    "{field} contains {} U+{:04X} the report cannot print; remove it",
                    if c.is_control() {
                        "the control character"
                    } else {
                        "the character"
                    },
                    c as u32
                ),
            ));
        }
    }
    Ok(value)
}

/// A required one-line free-text field: trimmed, not empty, at most `max_chars` characters, every
/// character printable.
pub fn required_text(
    field: &'static str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, InvalidInput> {
    required_text_in(field, label_zh, value, max_chars, Lines::One)
}

/// [`required_text`] for a multi-line field (line breaks kept).
pub fn required_multiline_text(
    field: &'static str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, InvalidInput> {
    required_text_in(field, label_zh, value, max_chars, Lines::Many)
}

fn required_text_in(
    field: &'static str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
    lines: Lines,
) -> Result<String, InvalidInput> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(InvalidInput::new(
            field,
            format!("请填写“{label_zh}”"),
            format!("{field} is required"),
        ));
    }
    optional_text_in(field, label_zh, trimmed, max_chars, lines).map(|v| v.unwrap_or_default())
}

/// An optional one-line free-text field: trimmed; empty becomes `None`; at most `max_chars`
/// characters, every one printable.
pub fn optional_text(
    field: &'static str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
) -> Result<Option<String>, InvalidInput> {
    optional_text_in(field, label_zh, value, max_chars, Lines::One)
}

/// [`optional_text`] for a multi-line field (line breaks kept).
pub fn optional_multiline_text(
    field: &'static str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
) -> Result<Option<String>, InvalidInput> {
    optional_text_in(field, label_zh, value, max_chars, Lines::Many)
}

fn optional_text_in(
    field: &'static str,
    label_zh: &str,
    value: &str,
    max_chars: usize,
    lines: Lines,
) -> Result<Option<String>, InvalidInput> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let trimmed = printable_text(field, label_zh, trimmed, lines)?;
    let n = trimmed.chars().count();
    if n > max_chars {
        return Err(InvalidInput::new(
            field,
            format!("“{label_zh}”太长（{n} 字），最多 {max_chars} 字，请精简"),
            format!("{field} is too long ({n} characters, at most {max_chars})"),
        ));
    }
    Ok(Some(trimmed))
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
    fn emoji_and_control_characters_are_refused_by_name() {
        let err = required_text("work_done", "处理情况", "更换光模块😀", 100).unwrap_err();
        assert_eq!(err.field, "work_done");
        assert!(err.message_zh.contains("😀") && err.message_zh.contains("U+1F600"));
        let err = required_text("name", "姓名", "张\u{1b}[31m三", 100).unwrap_err();
        assert!(
            err.message_zh.contains("控制字符 U+001B"),
            "{}",
            err.message_zh
        );
        let err = required_text("name", "姓名", "张\u{E000}三", 100).unwrap_err();
        assert!(err.message_zh.contains("U+E000"));
        let err = required_text("name", "姓名", "张\u{200B}三", 100).unwrap_err();
        assert!(err.message_zh.contains("U+200B"));
        // A tab is a control character too: the PDF would draw nothing for it.
        assert!(required_text("name", "姓名", "张\t三", 100).is_err());
    }

    #[test]
    fn line_breaks_only_where_the_field_is_multi_line() {
        let err = required_text("name", "姓名", "张\n三", 100).unwrap_err();
        assert!(err.message_zh.contains("只能填一行"));
        assert_eq!(
            required_multiline_text("work_done", "处理情况", "更换电源\r\n复测正常\r结束", 100)
                .unwrap(),
            "更换电源\n复测正常\n结束"
        );
        assert!(required_multiline_text("work_done", "处理情况", "a\u{7}b", 100).is_err());
    }

    #[test]
    fn ordinary_field_text_is_accepted() {
        for text in [
            "光模块老化，更换后复测正常（-12.3 dBm）",
            "温度 35℃，№3 机柜，①号端口 → ②号端口，误码率 ≤ 1×10⁻⁶",
            "ＳＷ－０１　（全角）",
            "Café Ω μ",
        ] {
            let stripped: String = text.chars().filter(|&c| c != '⁻' && c != '⁶').collect();
            assert!(required_text("f", "字段", &stripped, 200).is_ok(), "{text}");
        }
        assert!(!printable('⁶'), "superscripts are outside the rule");
    }

    #[test]
    fn quantity_bounds() {
        assert!(positive_quantity("q", 0, 10).is_err());
        assert!(positive_quantity("q", 11, 10).is_err());
        assert_eq!(positive_quantity("q", 10, 10).unwrap(), 10);
    }
}
