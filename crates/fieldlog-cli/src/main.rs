//! `fieldlog`: the command line over the same core the desktop app uses, for admins, scripts and
//! tests. Every command takes `--db PATH` and `--json`; an error is one clear sentence on stderr
//! (in zh-CN Chinese then English, with `--lang en` or an English `LANG` English only) and a
//! non-zero exit, and nothing already saved is lost.

mod args;
#[macro_use]
mod render;
// `fieldlog inspection …` (issue 19 item 5).
mod inspection;
// Issue 19, photos.
mod photo;
// Issue 20: backup and restore.
mod backup;

use args::{
    AuditCommand, Cli, Command, EntryFields, EventCommand, ExportCommand, FaultCommand,
    ImportCommand, PartsCommand, PeriodArgs, ReportCommand, SiteCommand, SlaCommand,
};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Parser;
use fieldlog_domain::fault::{FaultEventKind, NewFault};
use fieldlog_domain::report::{NewEntry, NewPartLine};
use fieldlog_domain::signature::{NewSignature, SignerRole};
use fieldlog_domain::stock::MovementKind;
use fieldlog_domain::technician::Technician;
use fieldlog_export::{Font, SummaryFormat};
use fieldlog_store::desk::{self, StockAction, StockMove};
use fieldlog_store::{Store, StoreError};
use render::Output;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Output {
        json: cli.json,
        lang: cli.lang(),
    };
    let result = (|| -> Result<Option<ExitCode>, CliError> {
        let db = cli.db_path()?;
        if matches!(cli.command, Command::Where) {
            say!("{}", db.display());
            return Ok(None);
        }
        if let Command::Verify { file, trust, crl } = &cli.command {
            return verify(&db, file, trust, crl, &out).map(Some);
        }
        let mut store = Store::open(&db)?;
        run(&mut store, cli.command, &out, Utc::now()).map(|()| None)
    })();
    match result {
        Ok(Some(code)) => code,
        Ok(None) => ExitCode::SUCCESS,
        Err(error) => {
            out.error(&error.body(out.lang));
            ExitCode::FAILURE
        }
    }
}

/// Errors of the CLI itself (arguments the store never sees), of the store, and of exports.
#[derive(Debug)]
enum CliError {
    Store(StoreError),
    Export(fieldlog_export::ExportError),
    Usage { zh: String, en: String },
    Sync(fieldlog_sync::SyncError),
    Restore(fieldlog_store::backup::RestoreError),
}

impl From<fieldlog_sync::SyncError> for CliError {
    fn from(error: fieldlog_sync::SyncError) -> Self {
        match error {
            fieldlog_sync::SyncError::Store(e) => CliError::Store(e),
            other => CliError::Sync(other),
        }
    }
}

impl From<fieldlog_export::ExportError> for CliError {
    fn from(error: fieldlog_export::ExportError) -> Self {
        match error {
            fieldlog_export::ExportError::Store(e) => CliError::Store(e),
            other => CliError::Export(other),
        }
    }
}

impl From<StoreError> for CliError {
    fn from(error: StoreError) -> Self {
        match error {
            // The application layer's "no profile yet": on the command line, `fieldlog init` makes one.
            StoreError::Invalid(invalid) if invalid.field == "profile" => CliError::usage(
                "本机尚未设置技服人员，请先运行 fieldlog init --name 姓名",
                "no technician profile yet; run `fieldlog init --name NAME` first",
            ),
            other => CliError::Store(other),
        }
    }
}

impl CliError {
    fn usage(zh: impl Into<String>, en: impl Into<String>) -> Self {
        CliError::Usage {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The `{code, message}` in the user's language (`--lang` or `LANG`).
    fn body(&self, lang: fieldlog_domain::Lang) -> fieldlog_wire::ErrorBody {
        use fieldlog_wire::ToErrorBody;
        match self {
            CliError::Store(error) => error.error_body(lang),
            CliError::Export(error) => error.error_body(lang),
            CliError::Sync(error) => error.error_body(lang),
            CliError::Restore(error) => error.error_body(lang),
            CliError::Usage { zh, en } => fieldlog_wire::ErrorBody::new(
                fieldlog_wire::ErrorCode::InvalidInput,
                lang.pick(format!("{zh} ({en})"), en.clone()),
            ),
        }
    }
}

fn profile(store: &Store) -> Result<Technician, CliError> {
    Ok(desk::technician(store)?)
}

fn run(
    store: &mut Store,
    command: Command,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    match command {
        Command::Init { name, staff_no } => {
            let name = name.ok_or_else(|| {
                CliError::usage(
                    "请用 --name 指定本机技服人员姓名",
                    "give the technician's name with --name",
                )
            });
            let technician = match store.profile()? {
                Some(existing) => existing,
                None => store.init_profile(&name?, staff_no.as_deref(), now)?,
            };
            out.init(store.path(), &technician);
            key_storage_notice(store, out)?;
        }
        Command::Where => unreachable!("answered before the store is opened"),
        Command::Demo => {
            let summary = fieldlog_demo::seed(store, now)?;
            out.demo(&summary);
        }
        Command::Contract { contract: None } => {
            out.contracts(&store.contracts()?, fieldlog_domain::time::local_date(now));
        }
        Command::Contract {
            contract: Some(key),
        } => {
            let contract = store.resolve_contract(&key)?;
            let mut catalogue = desk::catalogue(store, Some(contract.id), now)?;
            out.catalogue(&catalogue.remove(0));
        }
        Command::Site(SiteCommand::List { contract }) => {
            let contract_id = contract
                .map(|c| store.resolve_contract(&c))
                .transpose()?
                .map(|c| c.id);
            out.sites(&store.sites(contract_id)?);
        }
        Command::Fault(FaultCommand::New(args)) => {
            let site = store.resolve_site(&args.site)?;
            let contract = match &args.contract {
                Some(c) => store.resolve_contract(c)?,
                None => store.contract(site.contract_id)?,
            };
            let device = args
                .device
                .as_deref()
                .map(|d| store.resolve_device(d))
                .transpose()?;
            let detail = desk::report_fault(
                store,
                NewFault {
                    contract_id: contract.id,
                    site_id: site.id,
                    device_id: device.map(|d| d.id),
                    level: args.level,
                    reported_at: args.reported_at.map_or(now, |t| t.0),
                    channel: args.channel,
                    description: args.description,
                    first_receiver: args.first_receiver,
                    caller: args.caller,
                    caller_phone: args.caller_phone,
                },
                now,
            )?;
            out.fault_detail(&detail);
        }
        Command::Fault(FaultCommand::List { all }) => {
            out.fault_rows(&desk::fault_rows(store, !all, now)?);
        }
        Command::Fault(FaultCommand::Show { fault }) => {
            let id = store.resolve_fault(&fault)?;
            out.fault_detail(&store.fault_detail(id, now)?);
        }
        Command::Fault(FaultCommand::Take { fault }) => {
            let id = store.resolve_fault(&fault)?;
            out.fault_detail(&desk::take_fault(store, id, now)?);
        }
        Command::Fault(FaultCommand::Event(args)) => {
            let id = store.resolve_fault(&args.fault)?;
            let at = args.at.map(|t| t.0);
            let kind = match args.event {
                EventCommand::Ack { by } => FaultEventKind::Acknowledged {
                    by: match by {
                        Some(by) => by,
                        None => profile(store)?.name,
                    },
                },
                EventCommand::Remote { fixed, note } => {
                    FaultEventKind::RemoteAttempt { fixed, note }
                }
                EventCommand::Escalate { to, reason } => FaultEventKind::Escalated { to, reason },
                EventCommand::Spare { part, serial } => {
                    let part = store.resolve_part(&part)?;
                    let detail = desk::substitute_spare(store, id, part.id, serial, at, now)?;
                    out.fault_detail(&detail);
                    return Ok(());
                }
                EventCommand::Resolve { note } => FaultEventKind::Resolved { note },
                EventCommand::Unresolve { reason, note } => {
                    FaultEventKind::Unresolved { reason, note }
                }
                EventCommand::Inform { how } => FaultEventKind::CustomerInformed { how },
                EventCommand::Cause { cause, note } => {
                    FaultEventKind::CauseDetermined { cause, note }
                }
                EventCommand::OnSite { by, reason } => FaultEventKind::EscalatedOnSite {
                    by: match by {
                        Some(by) => by,
                        None => profile(store)?.name,
                    },
                    reason,
                },
                EventCommand::ForceMajeure { cause, told, note } => {
                    FaultEventKind::ForceMajeureClaimed { cause, told, note }
                }
                EventCommand::Agreement { accepted, by, note } => {
                    FaultEventKind::ForceMajeureAgreement { accepted, by, note }
                }
            };
            out.fault_detail(&desk::record_fault_event(store, id, kind, at, now)?);
        }
        Command::Fault(FaultCommand::Clocks { fault, at }) => {
            let id = store.resolve_fault(&fault)?;
            out.fault_clocks(&store.fault_clocks(id, at.map_or(now, |t| t.0))?);
        }
        Command::Sla(command) => sla(store, command, out, now)?,
        Command::Export(command) => export(store, command, out, now)?,
        Command::Summary { contract, period } => {
            let contract = store.resolve_contract(&contract)?;
            let (from, to) = period.range()?;
            out.summary(&store.summary_view(contract.id, from, to, now)?);
        }
        Command::Import(ImportCommand::Sites { file, contract }) => {
            let contract = store.resolve_contract(&contract)?;
            let report = fieldlog_export::import_sites(store, contract.id, &file)?;
            out.imported(&file, &report);
        }
        Command::Inspection(command) => inspection::run(store, command, out, now)?,
        Command::Photo(command) => photo::run(store, command, out, now)?,
        Command::Backup { out: file, force } => backup::backup(store, &file, force, out)?,
        Command::Restore { file } => backup::restore(store, &file, out, now)?,
        Command::Verify { .. } => unreachable!("answered before the store is opened"),
        Command::Audit(AuditCommand::Verify) => {
            // Against the sync server's copy too, when enrolled and the server answers.
            let audit = match store.enrollment()? {
                None => store.audit()?,
                Some(_) => match fieldlog_sync::server_chain(
                    store,
                    &fieldlog_sync::SyncOptions {
                        attempts: 2,
                        timeout: std::time::Duration::from_secs(10),
                        ..Default::default()
                    },
                ) {
                    Ok(server) => store.audit_against_server(&server)?,
                    Err(error) => {
                        use fieldlog_wire::ToErrorBody;
                        let error = out
                            .lang
                            .pick(error.to_string(), error.error_body(out.lang).message);
                        let error = render::terminal_safe(&error);
                        match out.lang {
                            fieldlog_domain::Lang::ZhCn => eprintln!(
                                "提示 note: 未能与服务器的证据链核对，只校验了本机 (not compared with the server: {error})"
                            ),
                            fieldlog_domain::Lang::En => eprintln!(
                                "Note: not compared with the server's evidence chain; only this laptop's was checked ({error})"
                            ),
                        }
                        store.audit()?
                    }
                },
            };
            out.audit(&audit);
            if !audit.intact() {
                let n = audit.findings.len();
                return Err(StoreError::Tampered(out.lang.pick(
                    format!("{n} 处问题 / {n} finding(s)"),
                    format!("{n} finding(s)"),
                ))
                .into());
            }
        }
        Command::Arrive(args) => {
            // Asked first, so a laptop without a profile hears that before anything else.
            profile(store)?;
            let fault_id = args
                .fault
                .as_deref()
                .map(|f| store.resolve_fault(f))
                .transpose()?;
            let site = match (&args.site, fault_id) {
                (Some(site), _) => store.resolve_site(site)?,
                (None, Some(fault_id)) => store.site(store.fault(fault_id)?.site_id)?,
                (None, None) => {
                    return Err(CliError::usage(
                        "请用 --site 或 --fault 指定到场点位",
                        "give --site or --fault",
                    ));
                }
            };
            let location = match (args.lat, args.lon) {
                (Some(lat), Some(lon)) => Some(fieldlog_domain::site::GeoPoint {
                    lat,
                    lon,
                    accuracy_m: args.accuracy,
                }),
                (None, None) => None,
                _ => {
                    return Err(CliError::usage(
                        "--lat 和 --lon 须同时给出",
                        "--lat and --lon go together",
                    ));
                }
            };
            let arrival = desk::check_in(
                store,
                site.id,
                fault_id,
                location,
                args.confirm_site,
                args.at.map(|t| t.0),
                now,
            )?;
            out.arrival(&arrival, &site);
        }
        Command::Report(command) => report(store, command, out, now)?,
        Command::Enroll {
            link,
            server,
            code,
            device_name,
            ca_cert,
        } => {
            let (server, code) = match (link, server, code) {
                (Some(link), _, _) => {
                    let link = fieldlog_wire::office::v1::people::EnrollmentLink::parse(&link)
                        .ok_or_else(|| {
                            CliError::usage(
                                "注册文本应形如 fieldlog-enroll:1?server=…&code=…（办公室二维码中的文字）"
                                    .to_owned(),
                                "the enrollment text must look like fieldlog-enroll:1?server=…&code=… (the office's QR code)"
                                    .to_owned(),
                            )
                        })?;
                    (link.server_url, link.code)
                }
                (None, Some(server), Some(code)) => (server, code),
                _ => {
                    return Err(CliError::usage(
                        "请给出 --server 和 --code，或办公室二维码中的注册文本".to_owned(),
                        "give --server and --code, or the text of the office's QR code".to_owned(),
                    ));
                }
            };
            let name = match device_name {
                Some(name) => name,
                None => profile(store)?.name,
            };
            // PEM or DER, checked as the app checks the file it is handed (issue 19).
            let root = ca_cert
                .map(|path| {
                    let bytes = std::fs::read(&path).map_err(|e| {
                        CliError::usage(
                            format!("无法读取根证书 {}：{e}", path.display()),
                            format!("cannot read the root certificate {}: {e}", path.display()),
                        )
                    })?;
                    fieldlog_sync::enrollment::root_pem(&bytes).map_err(CliError::from)
                })
                .transpose()?;
            let enrolled = fieldlog_sync::enroll_trusting(
                store,
                &server,
                &code,
                &name,
                root.as_deref(),
                fieldlog_sync::SyncOptions::default(),
            )?;
            out.enrolled(&enrolled);
        }
        Command::Sync { status: true } => out.sync_status(&store.sync_status()?),
        Command::Sync { status: false } => {
            let round = fieldlog_sync::sync_round(store, &fieldlog_sync::SyncOptions::default())?;
            out.sync_round(&round, &store.sync_status()?);
        }
        Command::Parts(command) => parts(store, command, out, now)?,
    }
    Ok(())
}

/// An entry as `add-entry` and `edit-entry` take it, its codes and short ids resolved.
fn new_entry(store: &Store, args: EntryFields) -> Result<NewEntry, CliError> {
    let site = store.resolve_site(&args.site)?;
    let device = args
        .device
        .as_deref()
        .map(|d| store.resolve_device(d))
        .transpose()?;
    let fault_id = args
        .fault
        .as_deref()
        .map(|f| store.resolve_fault(f))
        .transpose()?;
    let mut parts = Vec::new();
    for spec in &args.part {
        let part = store.resolve_part(&spec.part)?;
        parts.push(NewPartLine {
            part_id: part.id,
            quantity: spec.quantity,
            old_serial: spec.old_serial.clone(),
            new_serial: spec.new_serial.clone(),
        });
    }
    Ok(NewEntry {
        site_id: site.id,
        device_id: device.map(|d| d.id),
        fault_id,
        fault_cause: args.cause,
        resolved: args.unresolved.is_none(),
        unresolved_reason: args.unresolved,
        work_done: args.work,
        parts,
    })
}

fn report(
    store: &mut Store,
    command: ReportCommand,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    match command {
        ReportCommand::New { contract, date } => {
            // Asked first, so a laptop without a profile hears that before anything else.
            profile(store)?;
            let contract = store.resolve_contract(&contract)?;
            let date = date.unwrap_or_else(|| fieldlog_domain::time::local_date(now));
            out.report_document(&desk::new_report(store, contract.id, date, now)?);
        }
        ReportCommand::AddEntry(args) => {
            let report_id = store.resolve_report(&args.report)?;
            let entry = new_entry(store, args.fields)?;
            out.report_document(&desk::add_entry(store, report_id, entry, now)?);
        }
        ReportCommand::EditEntry(args) => {
            let entry_id = store.resolve_entry(&args.entry)?;
            let entry = new_entry(store, args.fields)?;
            let reason = args.reason.as_deref();
            out.report_document(&desk::edit_entry(store, entry_id, entry, reason, now)?);
        }
        ReportCommand::RemoveEntry { entry, reason } => {
            let entry_id = store.resolve_entry(&entry)?;
            out.report_document(&desk::remove_entry(
                store,
                entry_id,
                reason.as_deref(),
                now,
            )?);
        }
        ReportCommand::Sign {
            report,
            image,
            name,
        } => {
            let report_id = store.resolve_report(&report)?;
            let signer_name = match name {
                Some(name) => name,
                None => profile(store)?.name,
            };
            let image_png = std::fs::read(&image).map_err(|e| {
                CliError::usage(
                    format!("无法读取签名图片 {}：{e}", image.display()),
                    format!("cannot read the signature image {}: {e}", image.display()),
                )
            })?;
            let document = desk::sign_report_with(
                store,
                report_id,
                NewSignature {
                    signer_name,
                    role: SignerRole::Technician,
                    image_png,
                    strokes: Vec::new(),
                },
                now,
            )?;
            out.report_document(&document);
        }
        ReportCommand::Amend { report, reason } => {
            let report_id = store.resolve_report(&report)?;
            out.report_document(&desk::amend_report(store, report_id, &reason, now)?);
        }
        ReportCommand::List {
            contract,
            from,
            to,
            month,
            status,
        } => {
            let contract_id = contract
                .as_deref()
                .map(|c| store.resolve_contract(c))
                .transpose()?
                .map(|c| c.id);
            let query = fieldlog_wire::v1::ReportListQuery {
                contract_id,
                month,
                from,
                to,
                status,
            };
            out.report_rows(&desk::report_list(store, &query, now)?.rows);
        }
        ReportCommand::Missing { contract, month } => {
            profile(store)?;
            let contract_id = contract
                .as_deref()
                .map(|c| store.resolve_contract(c))
                .transpose()?
                .map(|c| c.id);
            let month = month.unwrap_or_else(|| fieldlog_domain::time::local_date(now));
            let query = fieldlog_wire::v1::ReportListQuery {
                contract_id,
                month: Some(month),
                ..Default::default()
            };
            out.missing_days(&desk::report_list(store, &query, now)?.missing_days);
        }
        ReportCommand::Show { report } => {
            let report_id = store.resolve_report(&report)?;
            out.report_document(&store.report_document(report_id)?);
        }
    }
    Ok(())
}

fn parts(
    store: &mut Store,
    command: PartsCommand,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let (args, kind) = match command {
        PartsCommand::Balance { contract } => {
            let contract_id = contract
                .map(|c| store.resolve_contract(&c))
                .transpose()?
                .map(|c| c.id);
            out.stock(&desk::stock(store, contract_id)?);
            return Ok(());
        }
        PartsCommand::MainEquipment { part, no } => {
            let part = store.resolve_part(&part)?;
            store.set_part_main_equipment(part.id, !no)?;
            out.stock(&[store.stock_report(part.contract_id)?]);
            return Ok(());
        }
        PartsCommand::GiveBack { part, qty, note } => {
            let part = store.resolve_part(&part)?;
            let action = StockAction::GiveBack {
                part_id: part.id,
                quantity: qty,
                note,
            };
            return stock_action(store, action, &part, out, now);
        }
        PartsCommand::UseAlone {
            part,
            qty,
            reason,
            fault,
        } => {
            let part = store.resolve_part(&part)?;
            let fault_id = fault.map(|f| store.resolve_fault(&f)).transpose()?;
            let action = StockAction::Use {
                part_id: part.id,
                quantity: qty,
                reason,
                fault_id,
            };
            return stock_action(store, action, &part, out, now);
        }
        PartsCommand::Transfer {
            part,
            to,
            qty,
            note,
        } => {
            let part = store.resolve_part(&part)?;
            let colleagues = store.stock_report(part.contract_id)?.colleagues;
            let Some(to) = colleagues
                .iter()
                .find(|t| t.name == to || t.id.to_string().ends_with(&to.to_lowercase()))
            else {
                return Err(CliError::usage(
                    format!("本机不认识同事“{to}”；请先同步，再用其姓名或编号"),
                    format!(
                        "no colleague '{to}' on this laptop: sync first, then give their name or id"
                    ),
                ));
            };
            let action = StockAction::TransferToColleague {
                part_id: part.id,
                to: to.id,
                quantity: qty,
                note,
            };
            return stock_action(store, action, &part, out, now);
        }
        PartsCommand::Confirm { transfer } => {
            let wanted = transfer.to_lowercase();
            let found = desk::stock(store, None)?
                .into_iter()
                .flat_map(|r| r.transfers)
                .find(|t| t.incoming && t.id.to_string().ends_with(&wanted));
            let Some(found) = found else {
                return Err(CliError::usage(
                    format!("没有调给您的调拨 {transfer}；用 `fieldlog parts transfers` 查看"),
                    format!(
                        "no transfer {transfer} addressed to you: see `fieldlog parts transfers`"
                    ),
                ));
            };
            let part = store.part(found.part_id)?;
            let action = StockAction::ConfirmTransfer {
                transfer_id: found.id,
            };
            return stock_action(store, action, &part, out, now);
        }
        PartsCommand::TransferContract {
            part,
            contract,
            qty,
            note,
        } => {
            let part = store.resolve_part(&part)?;
            let to_contract = store.resolve_contract(&contract)?.id;
            let action = StockAction::TransferToContract {
                part_id: part.id,
                to_contract,
                quantity: qty,
                note,
            };
            let movement = desk::stock_action(store, action, now)?;
            let target = store.part(movement.part_id)?;
            out.movement(&movement, &target, store.part_balance(target.id)?);
            return Ok(());
        }
        PartsCommand::Transfers { contract } => {
            let contract_id = contract
                .map(|c| store.resolve_contract(&c))
                .transpose()?
                .map(|c| c.id);
            out.transfers(&desk::stock(store, contract_id)?);
            return Ok(());
        }
        PartsCommand::Add {
            contract,
            code,
            name,
            kind,
            model,
            not_main,
        } => {
            let contract_id = store.resolve_contract(&contract)?.id;
            let stock = desk::add_part(
                store,
                desk::TechnicianPart {
                    contract_id,
                    code,
                    name,
                    kind,
                    model,
                    main_equipment: !not_main,
                },
            )?;
            out.stock(&stock);
            return Ok(());
        }
        PartsCommand::Receive(args) => (args, MovementKind::Received),
        PartsCommand::Use(args) => (args, MovementKind::Used),
        PartsCommand::Return(args) => (args, MovementKind::Returned),
    };
    let part = store.resolve_part(&args.part)?;
    let fault_id = args
        .fault
        .as_deref()
        .map(|f| store.resolve_fault(f))
        .transpose()?;
    let movement = desk::move_stock(
        store,
        StockMove {
            part_id: part.id,
            kind,
            quantity: args.qty,
            at: args.at.map(|t| t.0),
            fault_id,
            old_serial: args.old_serial,
            new_serial: args.new_serial,
            note: args.note,
        },
        now,
    )?;
    out.movement(&movement, &part, store.part_balance(part.id)?);
    Ok(())
}

/// Issue 19: one stock action, printed as the movement it wrote and the part's balance.
fn stock_action(
    store: &mut Store,
    action: StockAction,
    part: &fieldlog_domain::stock::SparePart,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let movement = desk::stock_action(store, action, now)?;
    out.movement(&movement, part, store.part_balance(part.id)?);
    Ok(())
}

fn sla(
    store: &mut Store,
    command: SlaCommand,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    match command {
        SlaCommand::Compliance {
            contract,
            month,
            at,
        } => {
            let contract = store.resolve_contract(&contract)?;
            let (from, to) = desk::month_range(&month)?;
            let compliance = store.compliance(contract.id, from, to, at.map_or(now, |t| t.0))?;
            out.compliance(&contract, &compliance);
        }
        SlaCommand::Policy { contract, version } => {
            let contract = store.resolve_contract(&contract)?;
            let version = version.unwrap_or(contract.policy_version);
            out.policy(&contract, version, &store.policy(contract.id, version)?);
        }
        SlaCommand::AdoptPreset { contract, preset } => {
            let contract = store.resolve_contract(&contract)?;
            let version = desk::adopt_preset(store, contract.id, &preset, now)?.policy_version;
            out.policy(&contract, version, &store.policy(contract.id, version)?);
        }
        SlaCommand::SetPolicy { contract, file } => {
            let contract = store.resolve_contract(&contract)?;
            let text = std::fs::read_to_string(&file).map_err(|e| {
                CliError::usage(
                    format!("无法读取 {}：{e}", file.display()),
                    format!("cannot read {}: {e}", file.display()),
                )
            })?;
            let policy: fieldlog_domain::sla::SlaPolicy = serde_json::from_str(&text).map_err(|e| {
                CliError::usage(
                    format!("时限规则文件格式不对：{e}；请以 fieldlog --json sla policy 的输出为模板"),
                    format!("the policy file is not valid: {e}; start from `fieldlog --json sla policy`"),
                )
            })?;
            let version = store.set_policy(contract.id, &policy, now)?;
            out.policy(&contract, version, &store.policy(contract.id, version)?);
        }
    }
    Ok(())
}

fn export(
    store: &mut Store,
    command: ExportCommand,
    out: &Output,
    now: DateTime<Utc>,
) -> Result<(), CliError> {
    let font = || Font::locate().map_err(|e| CliError::from(fieldlog_pdf_error(e)));
    // Refused before anything is rendered or signed: the profile database is never a target,
    // and an existing file needs --force.
    let target = match &command {
        ExportCommand::Daily { out, force, .. }
        | ExportCommand::Completion { out, force, .. }
        | ExportCommand::Monthly { out, force, .. } => (out.clone(), *force),
    };
    if fieldlog_export::files::is_protected(&target.0, store.path()) {
        return Err(fieldlog_export::ExportError::from(
            fieldlog_export::files::WriteError::Protected(target.0),
        )
        .into());
    }
    if !target.1 && std::fs::symlink_metadata(&target.0).is_ok() {
        return Err(fieldlog_export::ExportError::from(
            fieldlog_export::files::WriteError::Exists(target.0),
        )
        .into());
    }
    let (bytes, path, signed) = match command {
        ExportCommand::Daily { report, out, .. } => {
            let id = store.resolve_report(&report)?;
            (
                fieldlog_export::daily_report(store, id, &font()?, now)?,
                out,
                true,
            )
        }
        ExportCommand::Completion { fault, out, .. } => {
            let id = store.resolve_fault(&fault)?;
            (
                fieldlog_export::completion_form(store, id, &font()?, now)?,
                out,
                true,
            )
        }
        ExportCommand::Monthly {
            contract,
            period,
            out,
            ..
        } => {
            let format = fieldlog_export::summary_format(&out)?;
            let contract = store.resolve_contract(&contract)?;
            let (from, to) = period.range()?;
            let view = store.summary_view(contract.id, from, to, now)?;
            let bytes = match format {
                SummaryFormat::Pdf => fieldlog_export::summary_pdf(store, &view, &font()?, now)?,
                other => fieldlog_export::summary_file(store, &view, other, now)?,
            };
            (bytes, out, format == SummaryFormat::Pdf)
        }
    };
    fieldlog_export::files::write_file(&path, &bytes, target.1, store.path())
        .map_err(fieldlog_export::ExportError::from)?;
    let level = signed.then(|| fieldlog_export::signature_level(&bytes));
    out.exported(&path, bytes.len(), level);
    if signed {
        key_storage_notice(store, out)?;
    }
    Ok(())
}

impl PeriodArgs {
    /// `[from, to)` in local days: a month, or --from..=--to.
    fn range(&self) -> Result<(NaiveDate, NaiveDate), CliError> {
        match (&self.month, self.from, self.to) {
            (Some(month), _, _) => Ok(desk::month_range(month)?),
            (None, Some(from), Some(to)) if from <= to => Ok((from, to + chrono::Days::new(1))),
            (None, Some(from), Some(to)) => Err(CliError::usage(
                format!("起始日期 {from} 晚于截止日期 {to}"),
                format!("--from {from} is after --to {to}"),
            )),
            _ => Err(CliError::usage(
                "请用 --month 2026-11，或 --from 与 --to 指定日期范围",
                "give --month 2026-11, or --from and --to",
            )),
        }
    }
}

fn fieldlog_pdf_error(error: fieldlog_export::FontError) -> fieldlog_export::ExportError {
    fieldlog_export::ExportError::Pdf(error.into())
}

fn read_input(path: &std::path::Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::usage(
            format!("无法读取 {}：{e}", path.display()),
            format!("cannot read {}: {e}", path.display()),
        )
    })
}

/// Checks every signature of a PDF against the roots the user trusts: the server root saved at
/// enrollment (when the profile has one) and `--trust` files. The exit code says the verdict
/// (see `args::VERIFY_EXIT_CODES`).
fn verify(
    db: &std::path::Path,
    file: &std::path::Path,
    trust_files: &[std::path::PathBuf],
    crl_files: &[std::path::PathBuf],
    out: &Output,
) -> Result<ExitCode, CliError> {
    use fieldlog_domain::Lang;
    let bad_trust = |e: fieldlog_export::VerifyError| {
        CliError::usage(e.said_in(Lang::ZhCn), e.said_in(Lang::En))
    };
    let mut trust = fieldlog_export::Trust::default();
    for path in trust_files {
        trust.add_roots(&read_input(path)?).map_err(bad_trust)?;
    }
    for path in crl_files {
        trust.add_crl(&read_input(path)?).map_err(bad_trust)?;
    }
    // The profile's enrollment root, read without creating a profile where there is none.
    if db.is_file() {
        let store = Store::open(db)?;
        if let Some(root) = fieldlog_export::enrolled_root(&store)? {
            trust.roots.push(root);
        }
    }
    let bytes = read_input(file)?;
    let verification = fieldlog_export::verify_pdf_trusting(&bytes, &trust).map_err(|e| {
        CliError::usage(
            format!("无法校验：{}", e.said_in(Lang::ZhCn)),
            format!("cannot verify: {}", e.said_in(Lang::En)),
        )
    })?;
    out.verification(file, &verification);
    Ok(ExitCode::from(match verification.verdict {
        fieldlog_export::Verdict::Trusted => 0,
        fieldlog_export::Verdict::SignerNotVerified => 3,
        fieldlog_export::Verdict::NotIntact => 4,
    }))
}

/// Says on stderr where the signing key is kept when it is not in an OS key store (issue 14): the
/// technician should know the key is only as private as the profile file.
fn key_storage_notice(store: &Store, out: &Output) -> Result<(), CliError> {
    let storage = store.signing_key_storage()?;
    if matches!(storage, fieldlog_store::KeyStorage::File { .. }) {
        let note = out.lang.pick("提示 note", "Note");
        eprintln!("{note}: {}", storage.describe_in(out.lang));
    }
    Ok(())
}
