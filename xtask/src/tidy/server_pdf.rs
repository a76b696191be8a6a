//! The server may link `fieldlog-pdf` and `fieldlog-summary-files` (the monthly summary's signed
//! PDF, XLSX and CSV, issue 18), but only `office/month.rs` and its submodules may name them: the
//! sync path and every other office module touch no PDF (ARCHITECTURE.md, invariant 2). The
//! dependency graph cannot see which module uses a crate, so this reads the server's sources.

use std::path::{Path, PathBuf};

/// The crates only the month module may name, as Rust paths spell them.
const NAMES: &[&str] = &["fieldlog_pdf", "fieldlog_summary_files"];

/// The server's sources, from the workspace root.
pub const SERVER_SOURCES: &str = "crates/fieldlog-server/src";

/// Whether `relative` (under the server's `src/`, `/`-separated) is the month module.
fn may_name(relative: &str) -> bool {
    relative == "office/month.rs" || relative.starts_with("office/month/")
}

/// Lines of `text` naming one of [`NAMES`] outside a `//` comment, as (line number, name).
pub fn names_in(text: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for name in NAMES {
            let named = code.match_indices(name).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = code[at + name.len()..].chars().next();
                let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                !part(before) && !part(after)
            });
            if named {
                found.push((i + 1, *name));
            }
        }
    }
    found
}

/// Every place outside the month module that names a PDF crate, as `path:line: …`.
pub fn scan(root: &Path) -> Result<Vec<String>, String> {
    let src = root.join(SERVER_SOURCES);
    let mut files = Vec::new();
    collect(&src, &mut files)?;
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        if may_name(&relative) {
            continue;
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        for (line, name) in names_in(&text) {
            problems.push(format!(
                "{SERVER_SOURCES}/{relative}:{line}: names {name}: only the server's office/month.rs (and its submodules) may use the PDF crates; the sync path touches no PDF (invariant 2)"
            ));
        }
    }
    Ok(problems)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_crate_named_in_code_is_found_and_in_a_comment_or_a_longer_name_is_not() {
        let text = "use fieldlog_pdf::Font;\n// fieldlog_pdf in a comment\nlet x = my_fieldlog_pdf_thing;\n    fieldlog_summary_files::spreadsheet::xlsx(v) // why\n";
        assert_eq!(
            names_in(text),
            vec![(1, "fieldlog_pdf"), (4, "fieldlog_summary_files")]
        );
    }

    #[test]
    fn only_the_month_module_may_name_them() {
        assert!(may_name("office/month.rs"));
        assert!(may_name("office/month/signing.rs"));
        for other in ["office/http.rs", "rules.rs", "office/months.rs", "month.rs"] {
            assert!(!may_name(other), "{other}");
        }
    }

    #[test]
    fn the_server_as_it_is_passes_and_a_planted_use_fails() {
        let root = tempfile_root();
        let src = root.join(SERVER_SOURCES);
        std::fs::create_dir_all(src.join("office")).unwrap();
        std::fs::write(src.join("office/month.rs"), "use fieldlog_pdf::Font;\n").unwrap();
        std::fs::write(src.join("rules.rs"), "fn f() {}\n").unwrap();
        assert_eq!(scan(&root).unwrap(), Vec::<String>::new());
        std::fs::write(src.join("rules.rs"), "use fieldlog_pdf::sign_pdf;\n").unwrap();
        let problems = scan(&root).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("crates/fieldlog-server/src/rules.rs:1: names fieldlog_pdf")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// A fresh folder under the system's temporary folder (xtask takes no tempfile crate).
    fn tempfile_root() -> PathBuf {
        let root = std::env::temp_dir().join(format!(
            "fieldlog-tidy-server-pdf-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        root
    }
}
