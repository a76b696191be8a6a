//! Measuring and wrapping text with the font's advances. Chinese may break between any two
//! characters; a run of Latin letters or digits (a serial number, a model name) stays whole
//! unless it alone is wider than the line; closing punctuation never starts a line.

use super::{LayoutError, Measure};

/// Width of `text` at `size` points.
pub fn text_width(m: &(impl Measure + ?Sized), text: &str, size: f32) -> Result<f32, LayoutError> {
    let mut w = 0.0;
    for ch in text.chars() {
        w += advance(m, ch, text)?;
    }
    Ok(w * size)
}

fn advance(m: &(impl Measure + ?Sized), ch: char, text: &str) -> Result<f32, LayoutError> {
    if ch == '\n' || ch == '\t' {
        return Ok(0.0);
    }
    m.advance_em(ch).ok_or_else(|| LayoutError::MissingGlyph {
        ch,
        text: text.to_string(),
    })
}

/// Characters that must not begin a line (they hang onto the previous one instead).
fn closes(ch: char) -> bool {
    "，。、；：！？）》」』】,.;:!?)%".contains(ch)
}

fn is_word_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || "-_./#:+".contains(ch)
}

/// Splits `text` into lines no wider than `max_width` at `size`. Always at least one line.
pub fn wrap(
    m: &(impl Measure + ?Sized),
    text: &str,
    size: f32,
    max_width: f32,
) -> Result<Vec<String>, LayoutError> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(m, text, paragraph, size, max_width, &mut lines)?;
    }
    Ok(lines)
}

fn wrap_paragraph(
    m: &(impl Measure + ?Sized),
    whole: &str,
    paragraph: &str,
    size: f32,
    max_width: f32,
    lines: &mut Vec<String>,
) -> Result<(), LayoutError> {
    // Tokens: a word of Latin letters/digits, or a single other character.
    let mut tokens: Vec<String> = Vec::new();
    for ch in paragraph.chars() {
        match tokens.last_mut() {
            Some(last) if is_word_char(ch) && last.chars().all(is_word_char) => last.push(ch),
            _ => tokens.push(ch.to_string()),
        }
    }
    let mut line = String::new();
    let mut width = 0.0;
    for token in tokens {
        let mut w = 0.0;
        for ch in token.chars() {
            w += advance(m, ch, whole)? * size;
        }
        let hangs = token.chars().all(closes);
        if width + w <= max_width + 0.01 || line.is_empty() && w <= max_width || hangs {
            if !(line.is_empty() && token == " ") {
                line.push_str(&token);
                width += w;
            }
            continue;
        }
        if w > max_width {
            // A word wider than the whole line: break it by characters.
            for ch in token.chars() {
                let cw = advance(m, ch, whole)? * size;
                if width + cw > max_width + 0.01 && !line.is_empty() {
                    lines.push(std::mem::take(&mut line).trim_end().to_string());
                    width = 0.0;
                }
                line.push(ch);
                width += cw;
            }
            continue;
        }
        lines.push(std::mem::take(&mut line).trim_end().to_string());
        width = 0.0;
        if token != " " {
            line.push_str(&token);
            width = w;
        }
    }
    lines.push(line.trim_end().to_string());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::fake::Mono;

    #[test]
    fn chinese_breaks_between_characters() {
        // 10 pt per CJK char, 35 pt wide: 3 per line.
        let lines = wrap(&Mono, "更换摄像机电源适配器", 10.0, 35.0).unwrap();
        assert_eq!(lines, ["更换摄", "像机电", "源适配", "器"]);
    }

    #[test]
    fn latin_words_stay_whole() {
        let lines = wrap(&Mono, "换QX-200A-IR8型号", 10.0, 55.0).unwrap();
        assert_eq!(lines, ["换", "QX-200A-IR8", "型号"]);
    }

    #[test]
    fn overlong_words_break_by_character() {
        let lines = wrap(&Mono, "ABCDEFGHIJ", 10.0, 20.0).unwrap();
        assert_eq!(lines, ["ABCD", "EFGH", "IJ"]);
    }

    #[test]
    fn closing_punctuation_hangs() {
        let lines = wrap(&Mono, "已更换。", 10.0, 30.0).unwrap();
        assert_eq!(lines, ["已更换。"]);
    }

    #[test]
    fn newlines_start_new_lines_and_empty_text_is_one_line() {
        assert_eq!(wrap(&Mono, "甲\n乙", 10.0, 100.0).unwrap(), ["甲", "乙"]);
        assert_eq!(wrap(&Mono, "", 10.0, 100.0).unwrap(), [""]);
    }

    #[test]
    fn a_character_the_font_lacks_is_an_error() {
        let err = wrap(&Mono, "坏□", 10.0, 100.0).unwrap_err();
        assert!(matches!(err, LayoutError::MissingGlyph { ch: '□', .. }));
        assert!(err.to_string().starts_with("字体中没有字符"));
    }
}
