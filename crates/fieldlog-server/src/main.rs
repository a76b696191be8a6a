//! `fieldlog-server`: run the sync server, or manage its accounts.

use clap::{Parser, Subcommand};
use fieldlog_server::{Database, admin};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "fieldlog-server", about = "Fieldlog 同步服务器 (sync server)")]
struct Cli {
    /// The server's database: a SQLite file path, or a PostgreSQL URL
    /// (postgres://USER@HOST:PORT/DATABASE, or postgresql://…) whose database already exists.
    #[arg(
        long,
        env = "FIELDLOG_SERVER_DB",
        default_value = "fieldlog-server.sqlite"
    )]
    db: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8740")]
        listen: std::net::SocketAddr,
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
    /// A one-time enrollment code for a technician's laptop; printed once.
    EnrollCode {
        #[arg(long)]
        technician: String,
    },
    /// Versions kept for review (conflicts), as JSON lines.
    Conflicts,
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
    let storage = Database::open(&cli.db).map_err(|e| e.to_string())?;
    match cli.command {
        Command::Serve { listen } => {
            let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .map_err(|e| format!("无法监听 {listen}：{e} (cannot listen on {listen})"))?;
                let bound = listener.local_addr().map_err(|e| e.to_string())?;
                eprintln!(
                    "fieldlog-server 正在监听 (listening on) http://{bound}，数据库 (database): {}",
                    storage.kind()
                );
                fieldlog_server::serve(Arc::new(storage), listener, async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| e.to_string())
            })
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
        Command::EnrollCode { technician } => {
            let code = admin::enrollment_code(&storage, &technician, chrono::Utc::now())
                .map_err(|e| e.to_string())?;
            println!("{code}");
            Ok(())
        }
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
