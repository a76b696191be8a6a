//! `cargo xtask dist`: the packages a branch installs (issue 20). The UI build, one release build
//! of the app, the `fieldlog` CLI and the server, then:
//!
//! - the desktop app as `.deb` and `.rpm` by Tauri's bundler (`tauri bundle` from the pinned
//!   `@tauri-apps/cli` in `ui/`: a prebuilt binary). It packages the binary cargo already built,
//!   never builds again, and leaves that binary untouched (`--no-binary-patching`). The bundler
//!   wants the `Cargo.toml` beside `tauri.conf.json` to be the app's package, but ours sits at the
//!   workspace root beside a virtual manifest: so the bundler is pointed (`TAURI_APP_PATH`) at a
//!   small staged folder holding a one-package manifest, the root's config and links to the folders
//!   the config names (`icons`, `packaging`, `ui`). The CLI goes in as a file of the package
//!   (`/usr/bin/fieldlog`), passed with `--config` because its path is the target folder's.
//! - the server as a `.deb` built with `dpkg-deb --build` from a staged tree
//!   ([`server_deb`]): the binary, `fieldlog-server.service`, `/etc/fieldlog/server.toml` as a
//!   conffile, and the maintainer scripts of `packaging/server/`.
//!
//! [`package`] is also what the install/upgrade/remove step of `cargo xtask test` calls on the
//! debug build it already has (`package_test`), so CI builds nothing twice.

use crate::install::{build_ui, install_apt};
use crate::shell::{Result, cargo, run, run_with, step, target_dir, workspace_root};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Which cargo profile's binaries are packaged.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Profile {
    Release,
    Debug,
}

impl Profile {
    fn dir(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Debug => "debug",
        }
    }
}

/// The three packages of one version.
#[derive(Debug)]
pub struct Packages {
    pub version: String,
    pub app_deb: PathBuf,
    pub app_rpm: PathBuf,
    pub server_deb: PathBuf,
}

/// `cargo xtask dist`.
pub fn dist() -> Result {
    install_apt(crate::install::APT_RUN)?;
    step("Building the UI and the office console");
    build_ui()?;
    step("Release build: the app, the fieldlog CLI and the server");
    build_binaries(Profile::Release)?;
    let packages = package(Profile::Release)?;
    println!("\npackages of {}:", packages.version);
    for file in [&packages.app_deb, &packages.app_rpm, &packages.server_deb] {
        let size = fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        println!("  {} ({:.1} MB)", file.display(), size as f64 / 1e6);
    }
    Ok(())
}

/// `cargo build` of the three packaged binaries' crates (a no-op when they are up to date).
pub fn build_binaries(profile: Profile) -> Result {
    let mut args = vec!["build"];
    if profile == Profile::Release {
        args.push("--release");
    }
    args.extend([
        "-p",
        "fieldlog-app",
        "-p",
        "fieldlog-cli",
        "-p",
        "fieldlog-server",
    ]);
    run(&cargo(), &args)
}

/// Packages the binaries cargo built in `profile` into `<target>/<profile>/dist/`.
pub fn package(profile: Profile) -> Result<Packages> {
    let version = workspace_version()?;
    let bin = target_dir().join(profile.dir());
    for name in ["fieldlog-app", "fieldlog", "fieldlog-server"] {
        if !bin.join(name).is_file() {
            return Err(format!(
                "{} is missing: build it first (cargo build{} -p fieldlog-app -p fieldlog-cli -p fieldlog-server)",
                bin.join(name).display(),
                if profile == Profile::Release {
                    " --release"
                } else {
                    ""
                }
            ));
        }
    }
    let out = bin.join("dist");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    // A debug build's binaries carry debug info (hundreds of MB, minutes of compression): the
    // packages get stripped copies, in a target folder of their own, and cargo's stay as built.
    let (targets, bin) = match profile {
        Profile::Release => (target_dir(), bin),
        Profile::Debug => {
            let targets = target_dir().join("stripped-for-packages");
            let stripped = targets.join("debug");
            fs::create_dir_all(&stripped).map_err(|e| e.to_string())?;
            for name in ["fieldlog-app", "fieldlog", "fieldlog-server"] {
                run(
                    "strip",
                    &[
                        "--strip-all",
                        "-o",
                        &stripped.join(name).to_string_lossy(),
                        &bin.join(name).to_string_lossy(),
                    ],
                )?;
            }
            (targets, stripped)
        }
    };
    let (app_deb, app_rpm) = app_packages(profile, &version, &targets, &bin, &out)?;
    let server_deb = server_deb(&version, &bin, &out)?;
    Ok(Packages {
        version,
        app_deb,
        app_rpm,
        server_deb,
    })
}

/// The workspace's version (`[workspace.package] version` of the root `Cargo.toml`), checked
/// against `tauri.conf.json`'s, which names the app's packages.
pub fn workspace_version() -> Result<String> {
    let root = workspace_root();
    let manifest = read(&root.join("Cargo.toml"))?;
    let version = manifest
        .split("[workspace.package]")
        .nth(1)
        .and_then(|section| {
            section
                .lines()
                .take_while(|line| !line.starts_with('['))
                .find_map(|line| line.strip_prefix("version = "))
        })
        .map(|v| v.trim().trim_matches('"').to_owned())
        .ok_or("Cargo.toml: no version in [workspace.package]")?;
    let config = read(&root.join("tauri.conf.json"))?;
    if !config.contains(&format!("\"version\": \"{version}\"")) {
        return Err(format!(
            "tauri.conf.json's version differs from Cargo.toml's {version}: set both to the same"
        ));
    }
    Ok(version)
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The app's `.deb` and `.rpm` by `tauri bundle`, copied into `out` under stable names.
fn app_packages(
    profile: Profile,
    version: &str,
    targets: &Path,
    bin: &Path,
    out: &Path,
) -> Result<(PathBuf, PathBuf)> {
    step(&format!(
        "Tauri bundler: the app's .deb and .rpm ({version}, {})",
        profile.dir()
    ));
    let root = workspace_root();
    let tauri = root.join("ui/node_modules/.bin/tauri");
    if !tauri.exists() {
        return Err(format!(
            "{} is missing: run `cd ui && npm ci` (the Tauri CLI is a pinned devDependency)",
            tauri.display()
        ));
    }
    let stage = bin.join("bundle-stage");
    let _ = fs::remove_dir_all(&stage);
    fs::create_dir_all(stage.join("src")).map_err(|e| e.to_string())?;
    // `[workspace]`: the staged manifest is its own workspace, not a stray member of ours
    // (CI's target folder lies inside the checkout).
    let manifest = format!(
        "[package]\nname = \"fieldlog-app\"\nversion = \"{version}\"\nedition = \"2024\"\n\
         description = \"Fieldlog 现场运维: field maintenance log for telecom technicians\"\n\
         homepage = \"https://github.com/fieldlog/fieldlog\"\nlicense = \"MIT OR Apache-2.0\"\n\n\
         [[bin]]\nname = \"fieldlog-app\"\npath = \"src/main.rs\"\n\n[workspace]\n"
    );
    fs::write(stage.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(stage.join("src/main.rs"), "fn main() {}\n").map_err(|e| e.to_string())?;
    fs::copy(root.join("tauri.conf.json"), stage.join("tauri.conf.json"))
        .map_err(|e| format!("cannot copy tauri.conf.json: {e}"))?;
    for folder in ["icons", "packaging", "ui"] {
        std::os::unix::fs::symlink(root.join(folder), stage.join(folder))
            .map_err(|e| format!("cannot link {folder} into {}: {e}", stage.display()))?;
    }
    let cli = bin.join("fieldlog");
    let files = format!(
        "{{\"bundle\":{{\"linux\":{{\"deb\":{{\"files\":{{\"/usr/bin/fieldlog\":{cli:?}}}}},\
         \"rpm\":{{\"files\":{{\"/usr/bin/fieldlog\":{cli:?}}}}}}}}}}}",
        cli = cli.display().to_string()
    );
    let bundle_dir = bin.join("bundle");
    let _ = fs::remove_dir_all(&bundle_dir);
    let mut command = Command::new(&tauri);
    command
        .arg("bundle")
        .args(if profile == Profile::Debug {
            &["--debug"][..]
        } else {
            &[][..]
        })
        .args([
            "--bundles",
            "deb,rpm",
            "--no-sign",
            "--no-binary-patching",
            "--ci",
        ])
        .args(["--config", &files])
        .env("TAURI_APP_PATH", &stage)
        .env("TAURI_FRONTEND_PATH", root.join("ui"))
        // The bundler asks cargo where the binaries are; say it, whatever the caller's setting.
        .env("CARGO_TARGET_DIR", targets);
    run_with(&mut command)?;
    let found = |kind: &str, ext: &str| -> Result<PathBuf> {
        let dir = bundle_dir.join(kind);
        fs::read_dir(&dir)
            .map_err(|e| format!("the bundler made no {}: {e}", dir.display()))?
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|e| e == ext))
            .ok_or_else(|| format!("the bundler made no .{ext} in {}", dir.display()))
    };
    let deb = out.join(format!("fieldlog_{version}_amd64.deb"));
    let rpm = out.join(format!("fieldlog-{version}-1.x86_64.rpm"));
    fs::copy(found("deb", "deb")?, &deb).map_err(|e| e.to_string())?;
    fs::copy(found("rpm", "rpm")?, &rpm).map_err(|e| e.to_string())?;
    Ok((deb, rpm))
}

/// The server's `.deb`: a staged tree, then `dpkg-deb --build` (root-owned files).
fn server_deb(version: &str, bin: &Path, out: &Path) -> Result<PathBuf> {
    step(&format!("dpkg-deb: the server's .deb ({version})"));
    let root = workspace_root();
    let sources = root.join("packaging/server");
    let tree = bin.join("server-deb");
    let _ = fs::remove_dir_all(&tree);
    let place = |from: &Path, to: &str, mode: u32| -> Result {
        let target = tree.join(to);
        fs::create_dir_all(target.parent().expect("a file in a folder"))
            .map_err(|e| e.to_string())?;
        fs::copy(from, &target).map_err(|e| {
            format!(
                "cannot copy {} to {}: {e}",
                from.display(),
                target.display()
            )
        })?;
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&target, fs::Permissions::from_mode(mode)).map_err(|e| e.to_string())
    };
    place(
        &bin.join("fieldlog-server"),
        "usr/bin/fieldlog-server",
        0o755,
    )?;
    place(
        &sources.join("fieldlog-server.service"),
        "usr/lib/systemd/system/fieldlog-server.service",
        0o644,
    )?;
    place(
        &sources.join("server.toml"),
        "etc/fieldlog/server.toml",
        0o644,
    )?;
    place(
        &root.join("README.md"),
        "usr/share/doc/fieldlog-server/README",
        0o644,
    )?;
    for script in ["postinst", "prerm", "postrm"] {
        place(&sources.join(script), &format!("DEBIAN/{script}"), 0o755)?;
    }
    fs::write(tree.join("DEBIAN/conffiles"), "/etc/fieldlog/server.toml\n")
        .map_err(|e| e.to_string())?;
    let installed_kb = du_kb(&tree.join("usr"))? + du_kb(&tree.join("etc"))?;
    let control = format!(
        "Package: fieldlog-server\nVersion: {version}\nArchitecture: amd64\n\
         Maintainer: Fieldlog <fieldlog@example.cn>\nInstalled-Size: {installed_kb}\n\
         Depends: libc6 (>= 2.34), libgcc-s1, passwd\nSection: net\nPriority: optional\n\
         Homepage: https://github.com/fieldlog/fieldlog\n\
         Description: Fieldlog sync server and office console (Fieldlog 同步服务器)\n \
         The central server of Fieldlog: laptops enroll and sync their records with it, and the\n \
         office reads them in its web console. Runs as fieldlog-server.service (user fieldlog,\n \
         data in /var/lib/fieldlog, settings in /etc/fieldlog/server.toml).\n"
    );
    fs::write(tree.join("DEBIAN/control"), control).map_err(|e| e.to_string())?;
    let deb = out.join(format!("fieldlog-server_{version}_amd64.deb"));
    run_with(
        Command::new("dpkg-deb")
            .args(["--root-owner-group", "-Zxz", "--build"])
            .arg(&tree)
            .arg(&deb),
    )?;
    Ok(deb)
}

/// Disk use of a folder in KiB, as `Installed-Size` counts it.
fn du_kb(path: &Path) -> Result<u64> {
    let out = Command::new("du")
        .args(["-sk"])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run du: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("du gave no size for {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_version_is_read_and_matches_the_tauri_config() {
        let version = workspace_version().unwrap();
        assert_eq!(version.split('.').count(), 3, "{version}");
    }
}
