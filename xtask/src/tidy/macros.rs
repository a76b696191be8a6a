//! No `todo!`, `unimplemented!` or `dbg!` left in our Rust sources: unfinished code and debug
//! prints do not ship. Clippy's `todo` and `dbg_macro` lints catch two of them in crates that
//! take the workspace lints; this covers all three in every file, whatever its lints say.
//!
//! The scan reads Rust's lexical structure just far enough to skip comments, string literals
//! (plain, byte, raw) and character literals, so a doc comment or a test's input that *names* a
//! macro is not a finding.

use std::path::{Path, PathBuf};

/// The macros that must not be left in.
const FORBIDDEN: &[&str] = &["todo", "unimplemented", "dbg"];

/// Where our sources live, from the workspace root.
pub const ROOTS: &[&str] = &["crates", "src-tauri", "xtask", "tests"];

/// Directories never scanned: build output and other people's code.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules", "gen"];

/// Every forbidden macro call under `roots`, as `path:line: todo!`.
pub fn scan(root: &Path, roots: &[&str]) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    for dir in roots {
        collect_rust_files(&root.join(dir), &mut files)?;
    }
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (line, name) in find_calls(&text) {
            problems.push(format!(
                "{shown}:{line}: {name}! left in the source: finish the code or remove the debug print"
            ));
        }
    }
    Ok(problems)
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if !dir.exists() {
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                collect_rust_files(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The forbidden macro calls in one file's text: (1-based line, macro name).
fn find_calls(text: &str) -> Vec<(usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let is_ident = |b: u8| b == b'_' || b.is_ascii_alphanumeric();
    // Moves past `count` bytes, counting the newlines among them.
    let advance = |from: usize, to: usize, line: &mut usize| {
        *line += bytes[from..to].iter().filter(|&&b| b == b'\n').count();
        to
    };
    while i < bytes.len() {
        let b = bytes[i];
        if bytes[i..].starts_with(b"//") {
            let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            i = end;
        } else if bytes[i..].starts_with(b"/*") {
            // Block comments nest in Rust.
            let mut depth = 0;
            let mut j = i;
            while j < bytes.len() {
                if bytes[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if bytes[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            i = advance(i, j, &mut line);
        } else if b == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            i = advance(i, (j + 1).min(bytes.len()), &mut line);
        } else if (b == b'r' || b == b'b') && (i == 0 || !is_ident(bytes[i - 1])) {
            // A raw string (r"…", r#"…"#, br"…") ends at a quote followed by as many #.
            let start = if b == b'b' && bytes.get(i + 1) == Some(&b'r') {
                i + 2
            } else if b == b'r' {
                i + 1
            } else {
                i += 1;
                continue;
            };
            let hashes = bytes[start..].iter().take_while(|&&c| c == b'#').count();
            if bytes.get(start + hashes) != Some(&b'"') {
                i += 1;
                continue;
            }
            let mut closing = vec![b'"'];
            closing.extend(std::iter::repeat_n(b'#', hashes));
            let body = start + hashes + 1;
            let end = bytes[body..]
                .windows(closing.len())
                .position(|w| w == closing.as_slice())
                .map_or(bytes.len(), |n| body + n + closing.len());
            i = advance(i, end, &mut line);
        } else if b == b'\'' {
            // 'x', '\n', '\u{1F600}' are characters; 'a (no closing quote) is a lifetime.
            if bytes.get(i + 1) == Some(&b'\\') {
                // The escaped character itself (at i + 2) may be a quote: look after it.
                let from = (i + 3).min(bytes.len());
                i = bytes[from..]
                    .iter()
                    .position(|&c| c == b'\'')
                    .map_or(bytes.len(), |n| from + n + 1);
            } else {
                let width = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                i += if bytes.get(i + 1 + width) == Some(&b'\'') {
                    width + 2
                } else {
                    1
                };
            }
        } else if is_ident(b) && (i == 0 || !is_ident(bytes[i - 1])) {
            let end = i + bytes[i..].iter().take_while(|&&c| is_ident(c)).count();
            let word = &text[i..end];
            let mut after = end;
            while bytes.get(after).is_some_and(u8::is_ascii_whitespace) && bytes[after] != b'\n' {
                after += 1;
            }
            let preceded_by_path = i >= 2 && &bytes[i - 2..i] == b"::" && {
                // `std::dbg!` is the same macro; `my::todo!` of another crate is not ours to judge,
                // but std's and core's are.
                text[..i - 2].ends_with("std") || text[..i - 2].ends_with("core")
            };
            let bare = i < 2 || &bytes[i - 2..i] != b"::";
            if bytes.get(after) == Some(&b'!')
                && bytes.get(after + 1) != Some(&b'=')
                && (bare || preceded_by_path)
                && let Some(name) = FORBIDDEN.iter().find(|&&f| f == word)
            {
                found.push((line, *name));
            }
            i = end;
        } else {
            if b == b'\n' {
                line += 1;
            }
            i += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_forbidden_call_with_its_line() {
        let source = "fn a() {\n    todo!()\n}\nfn b() { unimplemented!(\"later\") }\n\nfn c() { let x = dbg!(1); std::dbg!(x); }\n";
        assert_eq!(
            find_calls(source),
            vec![(2, "todo"), (4, "unimplemented"), (6, "dbg"), (6, "dbg")]
        );
    }

    #[test]
    fn names_in_comments_strings_and_other_words_are_not_calls() {
        let source = r####"
            // todo!() in a line comment
            /* dbg!(x) /* nested todo!() */ still a comment unimplemented!() */
            /// Doc: never leave `todo!()` in.
            let a = "todo!()";
            let b = b"dbg!(x)";
            let c = r#"unimplemented!() with "quotes""#;
            let d = br"todo!()";
            let e = '"'; let f = '\''; fn g<'a>(x: &'a str) {}
            my_todo!(); todo_list!(); let not_equal = todo != 1; dbg != 2;
            other_crate::todo!();
        "####;
        assert_eq!(find_calls(source), Vec::new());
    }

    #[test]
    fn a_call_after_a_string_or_comment_is_still_found_on_its_line() {
        let source = "let s = \"a\nb\"; /* c\nd */ let r = r#\"e\nf\"#;\ntodo!();\n";
        assert_eq!(find_calls(source), vec![(5, "todo")]);
    }

    #[test]
    fn scan_reports_path_and_line_and_skips_build_output() {
        let dir = std::env::temp_dir().join(format!("xtask-tidy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("crates/a/src")).unwrap();
        std::fs::create_dir_all(dir.join("crates/a/target")).unwrap();
        std::fs::write(dir.join("crates/a/src/lib.rs"), "\nfn f() { dbg!(1); }\n").unwrap();
        std::fs::write(dir.join("crates/a/target/gen.rs"), "todo!();").unwrap();
        std::fs::write(dir.join("crates/a/src/ok.rs"), "fn g() {}").unwrap();
        let problems = scan(&dir, ROOTS).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("crates/a/src/lib.rs:2: dbg! left in the source"),
            "{problems:?}"
        );
    }
}
