//! `fieldlog-server`: run the sync server, or manage its accounts.

use clap::{Parser, Subcommand};
use fieldlog_server::config_file::ConfigFile;
use fieldlog_server::{Database, admin, revocation};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "fieldlog-server",
    about = "Fieldlog 同步服务器 (sync server)",
    version = env!("FIELDLOG_VERSION_LINE")
)]
struct Cli {
    /// Settings from a TOML file (the package's /etc/fieldlog/server.toml): database, listen,
    /// tls_cert, tls_key, public_url. Flags and their environment variables win over the file.
    #[arg(long, global = true, env = "FIELDLOG_SERVER_CONFIG")]
    config: Option<PathBuf>,
    /// The server's database: a SQLite file path, or a PostgreSQL URL
    /// (postgres://USER@HOST:PORT/DATABASE, or postgresql://…) whose database already exists.
    /// Default: `database` of --config, else fieldlog-server.sqlite.
    #[arg(long, env = "FIELDLOG_SERVER_DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 校验每台笔记本的证据链（服务器保存的副本）/ check every laptop's evidence chain as stored here
    AuditChains,
    /// Serve the sync API.
    Serve {
        /// Default: `listen` of --config, else 127.0.0.1:8740.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Serve HTTPS with this certificate chain (PEM, the server's certificate first).
        #[arg(long)]
        tls_cert: Option<PathBuf>,
        /// The TLS certificate's private key (PEM).
        #[arg(long)]
        tls_key: Option<PathBuf>,
        /// The address laptops and validators reach this server at (https://host:port), kept:
        /// every certificate issued from now on names its CRL there (/ca/crl.der).
        #[arg(long)]
        public_url: Option<String>,
    },
    /// 列出笔记本及其状态 / list the enrolled laptops, their technicians and whether revoked
    Devices {
        /// As JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// 停用一台笔记本：令牌立即失效，签名证书列入吊销列表 / revoke a laptop: its token is
    /// refused from now on and its signing certificate goes on the CA's CRL
    DeviceRevoke {
        /// The device id, or its last 8 (or more) characters as `devices` shows them.
        device: String,
        /// Why (kept with the record: lost, stolen, the technician left …).
        #[arg(long)]
        reason: String,
        /// Who revokes it (kept with the record); the OS user by default.
        #[arg(long)]
        by: Option<String>,
    },
    /// Create a contract (its code is what devices' records are scoped by).
    ContractAdd {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    /// Create a technician; prints the id.
    TechnicianAdd {
        #[arg(long)]
        name: String,
    },
    /// Let a technician read and write a contract.
    Assign {
        #[arg(long)]
        technician: String,
        #[arg(long)]
        contract: String,
    },
    /// Stop a technician's laptops reading and writing a contract (what they hold stays, and so
    /// does what the server holds).
    Unassign {
        #[arg(long)]
        technician: String,
        #[arg(long)]
        contract: String,
    },
    /// A one-time enrollment code for a technician's laptop (good for 7 days); printed once.
    EnrollCode {
        #[arg(long)]
        technician: String,
    },
    /// Versions kept for review (conflicts), as JSON lines.
    Conflicts,
    /// The server's root certificate (PEM), which issues technicians' PDF-signing certificates:
    /// give it to validators (pyHanko --trust, pdfsig's NSS database). Made on first use.
    CaCert {
        /// Write it to this file instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A TLS certificate for this server, issued by its CA, for `serve --tls-cert --tls-key`
    /// when there is no other CA (laptops then trust the root: `fieldlog enroll --ca-cert`).
    TlsCert {
        /// A DNS name or IP address the laptops use to reach the server (repeatable).
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
        #[arg(long)]
        cert_out: PathBuf,
        #[arg(long)]
        key_out: PathBuf,
        #[arg(long, default_value_t = 825)]
        days: u32,
    },
    /// Certificates issued at enrollment, as JSON lines.
    Certificates,
    /// 创建办公室账号（首个管理员）/ create an office account (the first administrator). The
    /// password is read from standard input (asked for, unechoed, on a terminal), never an
    /// argument. Audited as the command line.
    OfficeUserAdd {
        /// admin, project-manager or customer-manager
        #[arg(long)]
        role: String,
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
    },
    /// 备份服务器数据库（运行中也可以）/ back up the server's database while it serves: SQLite by
    /// its online backup API, PostgreSQL by pg_dump --format=custom (README "Server backup")
    Backup {
        /// The backup file to write (never replaced)
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let file = match &cli.config {
        Some(path) => ConfigFile::read(path)?,
        None => ConfigFile::default(),
    };
    let db = cli
        .db
        .or(file.database)
        .unwrap_or_else(|| "fieldlog-server.sqlite".into());
    // Before opening: a backup reads the database as it is, and needs no migration or pool.
    if let Command::Backup { out } = &cli.command {
        let line = fieldlog_server::backup::backup(&db, out).map_err(|e| e.to_string())?;
        println!("{line}");
        return Ok(());
    }
    let storage = Database::open(&db).map_err(|e| e.to_string())?;
    match cli.command {
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            public_url,
        } => {
            let listen = listen
                .or(file.listen)
                .unwrap_or_else(|| ([127, 0, 0, 1], 8740).into());
            let (tls_cert, tls_key) = (tls_cert.or(file.tls_cert), tls_key.or(file.tls_key));
            if tls_cert.is_some() != tls_key.is_some() {
                return Err("HTTPS 需要同时给出证书和私钥 (give both --tls-cert and --tls-key, or tls_cert and tls_key in the configuration file)".into());
            }
            let public_url = public_url.or(file.public_url);
            if let Some(url) = public_url {
                revocation::set_public_url(&storage, &url).map_err(|e| e.to_string())?;
            }
            let names_no_crl = revocation::public_url(&storage)
                .map_err(|e| e.to_string())?
                .is_none();
            // The CA is made now rather than at the first enrollment, so a problem shows here.
            admin::ca_certificate(&storage, chrono::Utc::now()).map_err(|e| e.to_string())?;
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(
                    fieldlog_server::tls::server_config(&read(&cert)?, &read(&key)?)
                        .map_err(|e| e.to_string())?,
                ),
                _ => None,
            };
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .map_err(|e| format!("无法监听 {listen}：{e} (cannot listen on {listen})"))?;
                let bound = listener.local_addr().map_err(|e| e.to_string())?;
                // Ctrl-C, or SIGTERM from systemd stopping the unit (`systemctl stop`, upgrades).
                let shutdown = async {
                    #[cfg(unix)]
                    {
                        use tokio::signal::unix::{SignalKind, signal};
                        match signal(SignalKind::terminate()) {
                            Ok(mut term) => {
                                tokio::select! {
                                    _ = tokio::signal::ctrl_c() => {}
                                    _ = term.recv() => {}
                                }
                            }
                            Err(_) => {
                                let _ = tokio::signal::ctrl_c().await;
                            }
                        }
                    }
                    #[cfg(not(unix))]
                    let _ = tokio::signal::ctrl_c().await;
                };
                let storage = Arc::new(storage);
                let scheme = if tls.is_some() { "https" } else { "http" };
                eprintln!(
                    "fieldlog-server 正在监听 (listening on) {scheme}://{bound}，数据库 (database): {}",
                    storage.kind()
                );
                if names_no_crl {
                    eprintln!(
                        "提示：未设置 --public-url，签发的证书不含吊销列表地址 (note: without --public-url, issued certificates name no CRL)"
                    );
                }
                match tls {
                    Some(config) => {
                        fieldlog_server::serve_tls(storage, listener, config, shutdown).await
                    }
                    None => fieldlog_server::serve(storage, listener, shutdown).await,
                }
                .map_err(|e| e.to_string())
            })
        }
        Command::CaCert { out } => {
            let pem =
                admin::ca_certificate(&storage, chrono::Utc::now()).map_err(|e| e.to_string())?;
            match out {
                Some(path) => write(&path, &pem),
                None => {
                    print!("{pem}");
                    Ok(())
                }
            }
        }
        Command::TlsCert {
            hosts,
            cert_out,
            key_out,
            days,
        } => {
            let (cert, key) = admin::tls_certificate(&storage, &hosts, days, chrono::Utc::now())
                .map_err(|e| e.to_string())?;
            write(&cert_out, &cert)?;
            write_private(&key_out, &key)
        }
        Command::Certificates => {
            for issued in admin::issued_certificates(&storage).map_err(|e| e.to_string())? {
                println!(
                    "{}",
                    serde_json::json!({
                        "serial": issued.serial, "technician_id": issued.technician_id,
                        "device_id": issued.device_id, "not_after": issued.not_after,
                        "issued_at": issued.issued_at,
                    })
                );
            }
            Ok(())
        }
        Command::Devices { json } => {
            for device in revocation::devices(&storage).map_err(|e| e.to_string())? {
                if json {
                    println!("{}", device_json(&device));
                } else {
                    println!("{}", device_line(&device));
                }
            }
            Ok(())
        }
        Command::DeviceRevoke { device, reason, by } => {
            let device_id = resolve_device(&storage, &device)?;
            // Without --by, the OS account that ran the command, marked as the command line's.
            let by = by.unwrap_or_else(|| {
                let user = std::env::var("USER")
                    .or_else(|_| std::env::var("USERNAME"))
                    .unwrap_or_default();
                format!("命令行 (command line) {user}").trim().to_owned()
            });
            let revoked =
                revocation::revoke_device(&storage, &device_id, &by, &reason, chrono::Utc::now())
                    .map_err(|e| e.to_string())?;
            println!("{}", device_line(&revoked.device));
            println!(
                "已停用；吊销列表第 {} 版列出其 {} 张签名证书 (revoked; CRL number {} lists its {} signing certificates)",
                revoked.crl_number,
                revoked.device.certificate_serials.len(),
                revoked.crl_number,
                revoked.device.certificate_serials.len()
            );
            if revoked.cancelled_codes > 0 {
                println!(
                    "该技服未使用的 {} 个登记码已作废 (the technician's {} unused enrollment codes were cancelled)",
                    revoked.cancelled_codes, revoked.cancelled_codes
                );
            }
            Ok(())
        }
        Command::ContractAdd { code, name } => {
            admin::add_contract(&storage, &code, &name).map_err(|e| e.to_string())
        }
        Command::TechnicianAdd { name } => {
            let id = admin::add_technician(&storage, &name).map_err(|e| e.to_string())?;
            println!("{id}");
            Ok(())
        }
        Command::Assign {
            technician,
            contract,
        } => admin::assign(&storage, &technician, &contract).map_err(|e| e.to_string()),
        Command::Unassign {
            technician,
            contract,
        } => admin::unassign(&storage, &technician, &contract).map_err(|e| e.to_string()),
        Command::EnrollCode { technician } => {
            let code = admin::enrollment_code(&storage, &technician, chrono::Utc::now())
                .map_err(|e| e.to_string())?;
            println!("{code}");
            Ok(())
        }
        Command::AuditChains => {
            let audits =
                fieldlog_server::chain::audit_chains(&storage).map_err(|e| e.to_string())?;
            let bad: Vec<_> = audits.iter().filter(|a| !a.bad_links.is_empty()).collect();
            for audit in &audits {
                println!("{}", serde_json::json!(audit));
            }
            if bad.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{} 台笔记本的证据链有断环 ({} device chains have broken links)",
                    bad.len(),
                    bad.len()
                ))
            }
        }
        Command::OfficeUserAdd { role, login, name } => {
            let role = fieldlog_wire::office::v1::Role::parse(&role).ok_or_else(|| {
                format!(
                    "未知角色“{role}”：请用 admin、project-manager 或 customer-manager \
                     (unknown role '{role}': use admin, project-manager or customer-manager)"
                )
            })?;
            let password = office_password::read()?;
            let new = fieldlog_wire::office::v1::NewAccount {
                login,
                name,
                role,
                password,
            };
            let user = std::env::var("USER").unwrap_or_default();
            let account = fieldlog_server::office::add_account_from_command_line(
                &storage,
                &new,
                &format!("command line:{user}"),
                chrono::Utc::now(),
            )
            .map_err(|e| e.to_string())?;
            println!("{}", account.id);
            Ok(())
        }
        Command::Backup { .. } => unreachable!("answered before the database is opened"),
        Command::Conflicts => {
            for note in admin::conflicts(&storage).map_err(|e| e.to_string())? {
                println!(
                    "{}",
                    serde_json::json!({
                        "entity": note.entity, "id": note.id, "device_id": note.device_id,
                        "fields": note.fields, "kept": note.kept, "offered": note.offered, "at": note.at,
                    })
                );
            }
            Ok(())
        }
    }
}

/// The new account's password: one line of standard input, or on a terminal asked for twice
/// with echo off.
mod office_password {
    use std::io::{BufRead, IsTerminal, Write};

    pub fn read() -> Result<String, String> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            let mut line = String::new();
            stdin
                .lock()
                .read_line(&mut line)
                .map_err(|e| format!("无法读取密码：{e} (cannot read the password)"))?;
            return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
        }
        let first = prompt("新密码 (new password): ")?;
        let second = prompt("再输入一次 (again): ")?;
        if first != second {
            return Err("两次输入的密码不一致 (the two passwords differ)".into());
        }
        Ok(first)
    }

    fn prompt(label: &str) -> Result<String, String> {
        eprint!("{label}");
        let _ = std::io::stderr().flush();
        let echo_off = set_echo(false);
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line);
        if echo_off {
            set_echo(true);
            eprintln!();
        }
        read.map_err(|e| format!("无法读取密码：{e} (cannot read the password)"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }

    /// Turns the terminal's echo on or off with `stty` (Unix); false where that is not possible,
    /// and then the password is typed visibly, which the prompt cannot avoid without a
    /// terminal library.
    fn set_echo(on: bool) -> bool {
        std::process::Command::new("stty")
            .arg(if on { "echo" } else { "-echo" })
            .stdin(std::process::Stdio::inherit())
            .status()
            .is_ok_and(|s| s.success())
    }
}

/// A device by its whole id or a unique ending of at least 8 characters.
fn resolve_device(storage: &Database, given: &str) -> Result<String, String> {
    let given = given.trim().to_ascii_lowercase();
    if given.len() < 8 {
        return Err("请给出笔记本编号的后 8 位或更多 (give at least the last 8 characters of the device id)".into());
    }
    let devices = revocation::devices(storage).map_err(|e| e.to_string())?;
    let matching: Vec<_> = devices
        .iter()
        .filter(|d| d.device_id.ends_with(&given))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one.device_id.clone()),
        [] => Err(format!("找不到笔记本 {given} (no such device)")),
        _ => Err(format!(
            "有多台笔记本以 {given} 结尾，请给出更长的编号 (several devices end with {given}: give more of the id)"
        )),
    }
}

fn device_line(device: &revocation::DeviceState) -> String {
    let short = &device.device_id[device.device_id.len().saturating_sub(8)..];
    let state = match &device.revocation {
        Some(r) => format!(
            "已停用 (revoked) {} by {}: {}",
            r.revoked_at.format("%Y-%m-%d %H:%M UTC"),
            r.revoked_by,
            r.reason
        ),
        None => "使用中 (active)".to_owned(),
    };
    format!(
        "{short}  {}  {}  注册于 (enrolled) {}  {state}",
        device.name,
        device.technician_name,
        device.enrolled_at.format("%Y-%m-%d %H:%M UTC")
    )
}

fn device_json(device: &revocation::DeviceState) -> serde_json::Value {
    serde_json::json!({
        "device_id": device.device_id, "name": device.name,
        "technician_id": device.technician_id, "technician_name": device.technician_name,
        "enrolled_at": device.enrolled_at, "certificate_serials": device.certificate_serials,
        "revoked": device.revocation.as_ref().map(|r| serde_json::json!({
            "at": r.revoked_at, "by": r.revoked_by, "reason": r.reason,
        })),
    })
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        format!(
            "无法读取 {}：{e} (cannot read {})",
            path.display(),
            path.display()
        )
    })
}

fn write(path: &std::path::Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| {
        format!(
            "无法写入 {}：{e} (cannot write {})",
            path.display(),
            path.display()
        )
    })
}

/// Writes a private key readable by its owner only (where the OS has such permissions).
fn write_private(path: &std::path::Path, text: &str) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let fail = |e: std::io::Error| {
        format!(
            "无法写入 {}：{e} (cannot write {})",
            path.display(),
            path.display()
        )
    };
    let mut file = options.open(path).map_err(fail)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(fail)
}
