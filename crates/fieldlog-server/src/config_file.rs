//! `fieldlog-server --config FILE`: the settings of `/etc/fieldlog/server.toml` (the server
//! package's conffile), merged under the command line: a flag or its environment variable wins
//! over the file, the file over the built-in default. Unknown keys are refused, so a misspelt
//! `lisen` does not silently serve on the default address.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The file's keys, each optional (every one also has a flag).
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// A SQLite file path or a PostgreSQL URL (`--db`).
    pub database: Option<String>,
    /// The address to listen on (`serve --listen`).
    pub listen: Option<SocketAddr>,
    /// PEM certificate chain and key for HTTPS (`serve --tls-cert`, `--tls-key`).
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// The address laptops reach the server at (`serve --public-url`).
    pub public_url: Option<String>,
}

impl ConfigFile {
    /// Reads and parses the file; a missing or malformed file is an error naming the file.
    pub fn read(path: &Path) -> Result<ConfigFile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "无法读取配置文件 {}：{e} (cannot read the configuration file given with --config)",
                path.display()
            )
        })?;
        ConfigFile::parse(&text).map_err(|e| {
            format!(
                "配置文件 {} 有误：{e} (the configuration file is not valid: fix it and start again)",
                path.display()
            )
        })
    }

    pub fn parse(text: &str) -> Result<ConfigFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read_and_missing_ones_stay_unset() {
        let file = ConfigFile::parse(
            "database = \"/var/lib/fieldlog/server.sqlite\"\nlisten = \"0.0.0.0:8740\"\n\
             public_url = \"https://sync.example.cn:8740\"\n",
        )
        .unwrap();
        assert_eq!(
            file,
            ConfigFile {
                database: Some("/var/lib/fieldlog/server.sqlite".into()),
                listen: Some("0.0.0.0:8740".parse().unwrap()),
                public_url: Some("https://sync.example.cn:8740".into()),
                ..ConfigFile::default()
            }
        );
        assert_eq!(
            ConfigFile::parse("# all defaults\n").unwrap(),
            ConfigFile::default()
        );
    }

    #[test]
    fn a_misspelt_key_or_a_bad_address_is_refused() {
        assert!(
            ConfigFile::parse("lisen = \"0.0.0.0:8740\"")
                .unwrap_err()
                .contains("lisen")
        );
        assert!(ConfigFile::parse("listen = \"everywhere\"").is_err());
    }

    #[test]
    fn a_missing_file_is_named() {
        let error = ConfigFile::read(Path::new("/nonexistent/server.toml")).unwrap_err();
        assert!(error.contains("/nonexistent/server.toml"), "{error}");
    }
}
