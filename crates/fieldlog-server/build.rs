//! Embeds the office console (`ui/dist-console`, built by `cargo xtask` / `npm run build` in `ui/`)
//! into the server binary: one `include_bytes!` per file, listed in `$OUT_DIR/console_files.rs`.
//!
//! Why a build script and not rust-embed or include_dir: both need the folder to exist when the
//! crate compiles, rust-embed reads files from disk at run time in debug builds (no single
//! binary), and include_dir cannot tell cargo to rebuild when a file is added on stable Rust.
//! Here `include_bytes!` tracks every file, `rerun-if-changed` on the folder catches added and
//! removed ones, and no crate is added to the server's tree. Never runs npm: a checkout whose
//! console was never built gets an empty folder and a server that says how to build it.

use std::path::{Path, PathBuf};

fn main() {
    // The commit shown by `fieldlog-server --version` (issue 20).
    fieldlog_build_commit::emit();
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let dist = manifest.join("../../ui/dist-console");
    // An absent folder would make cargo rerun this script on every build; an empty one is tracked.
    if !dist.exists() {
        let _ = std::fs::create_dir_all(&dist);
    }
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    if let Ok(dist) = dist.canonicalize() {
        collect(&dist, &dist, &mut files);
    }
    files.sort();
    let mut out = String::from(
        "/// The console's built files: (path under ui/dist-console, contents).\n\
         pub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (relative, absolute) in &files {
        out.push_str(&format!(
            "    ({relative:?}, include_bytes!({:?})),\n",
            absolute.display().to_string()
        ));
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it")).join("console_files.rs");
    std::fs::write(&target, out).expect("write console_files.rs");
}

/// Every regular file under `dir`, as (path relative to `root` with `/`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.is_file() {
            let relative = path
                .strip_prefix(root)
                .expect("under root")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path));
        }
    }
}
