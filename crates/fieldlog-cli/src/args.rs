//! The command line's shape (clap). Times are read as Asia/Shanghai local time unless they carry
//! an offset.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::{Args, Parser, Subcommand};
use fieldlog_domain::fault::{FaultCause, ReportChannel, UnresolvedReason};
use fieldlog_domain::sla::FaultLevel;
use fieldlog_domain::stock::SpareKind;
use fieldlog_wire::v1::ReportListStatus;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Parser, Debug)]
#[command(
    name = "fieldlog",
    version = env!("FIELDLOG_VERSION_LINE"),
    about = "Fieldlog 现场运维记录 (field maintenance log)"
)]
pub struct Cli {
    /// 数据库文件 (database file); default: the profile's file in the platform data directory
    #[arg(long, global = true, env = "FIELDLOG_DB")]
    pub db: Option<PathBuf>,
    /// 以 JSON 输出 (print JSON)
    #[arg(long, global = true)]
    pub json: bool,
    /// 语言：zh-CN 或 en；默认按 LANG (language of labels and errors: zh-CN or en; default from LANG)
    #[arg(long, global = true, value_parser = ["zh-CN", "en"])]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// `--lang`, else the locale of messages as POSIX orders it (`LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`; `en_US.UTF-8` is English), else zh-CN.
    pub fn lang(&self) -> fieldlog_domain::Lang {
        match &self.lang {
            Some(tag) => fieldlog_domain::Lang::from_tag(tag),
            None => ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
                .map(|locale| fieldlog_domain::Lang::from_tag(&locale))
                .unwrap_or_default(),
        }
    }

    pub fn db_path(&self) -> Result<PathBuf, super::CliError> {
        self.db
            .clone()
            .or_else(|| fieldlog_store::default_db_path("default"))
            .ok_or_else(|| {
                super::CliError::usage(
                    "找不到默认数据目录，请用 --db 指定数据库文件",
                    "no default data directory; give the database with --db",
                )
            })
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// 初始化本机档案 (create the database and the technician profile)
    Init {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        staff_no: Option<String>,
    },
    /// 写入演示数据（可重复运行）(seed demo data; running it again changes nothing)
    Demo,
    /// 显示数据库文件位置 (print the database file this command would use)
    Where,
    /// 列出合同及其时限规则；给出合同编号时，显示该合同的点位及设备、备品备件目录 (list contracts
    /// with their SLA policy; given a contract, its sites with their devices and its spare parts)
    Contract {
        /// 合同编号或 ID (contract code or id)
        contract: Option<String>,
    },
    /// 点位 (sites)
    #[command(subcommand)]
    Site(SiteCommand),
    /// 故障 (faults)
    #[command(subcommand)]
    Fault(FaultCommand),
    /// 到场签到 (check in on site)
    Arrive(ArriveArgs),
    /// 每日设备维护报告 (daily maintenance reports)
    #[command(subcommand)]
    Report(ReportCommand),
    /// 备品备件 (spare stock)；也可写作 stock (also spelt `stock`)
    #[command(subcommand, alias = "stock")]
    Parts(PartsCommand),
    /// 服务时限 (SLA policies and compliance)
    #[command(subcommand)]
    Sla(SlaCommand),
    /// 导出签名 PDF (export a signed PDF)
    #[command(subcommand)]
    Export(ExportCommand),
    /// 校验 PDF 中的每个签名：签字人、时间、覆盖哪个版本、是否被改动、签字人是否可信 (check every
    /// signature of a PDF: who, when, which revision, intact or altered, signer trusted or not)
    #[command(after_help = VERIFY_EXIT_CODES)]
    Verify {
        file: PathBuf,
        /// 信任的根证书（PEM 或 DER，可多次给出）；本机注册时保存的服务器根证书总是被信任 (a
        /// root certificate to trust, PEM or DER, repeatable; the server root saved at enrollment
        /// is always trusted)
        #[arg(long = "trust", value_name = "FILE")]
        trust: Vec<PathBuf>,
        /// 证书吊销列表（服务器证书机构签发的 CRL，PEM 或 DER，可多次给出）(a CRL from the server's
        /// CA, PEM or DER, repeatable)
        #[arg(long = "crl", value_name = "FILE")]
        crl: Vec<PathBuf>,
    },
    /// 证据链审计 (the evidence chain: audit this laptop's evidence)
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 用一次性注册码把本机注册到同步服务器 (enroll this laptop with a sync server, using a one-time code)
    Enroll {
        /// 办公室二维码中的注册文本，代替 --server 和 --code (the text of the office's QR code, fieldlog-enroll:1?server=…&code=…, in place of --server and --code)
        #[arg(value_name = "LINK", conflicts_with_all = ["server", "code"])]
        link: Option<String>,
        /// 服务器地址，如 http://192.0.2.10:8740 (server address)
        #[arg(long, required_unless_present = "link")]
        server: Option<String>,
        /// 管理员给的注册码 (the one-time code from the administrator)
        #[arg(long, required_unless_present = "link")]
        code: Option<String>,
        /// 本机名称，默认取技服姓名 (a name for this laptop; defaults to the technician's)
        #[arg(long)]
        device_name: Option<String>,
        /// 管理员给的根证书（PEM 或 DER），用于信任 https 服务器的证书 (the administrator's root certificate, PEM or DER, trusted for the https server beside the system's roots)
        #[arg(long)]
        ca_cert: Option<PathBuf>,
    },
    /// 同步一轮：上传本机变更，下载他人变更 (sync once: send this laptop's changes, receive the others')
    Sync {
        /// 只显示同步状态，不联网 (only show the sync state; no network)
        #[arg(long)]
        status: bool,
    },
    /// 每月维护报告汇总（按月或任意日期范围）(the monthly summary, for a month or any date range)
    Summary {
        #[arg(long)]
        contract: String,
        #[command(flatten)]
        period: PeriodArgs,
    },
    /// 导入 (import from a spreadsheet)
    #[command(subcommand)]
    Import(ImportCommand),
    /// 巡检：计划、检查表、发现转故障 (inspections: plans, checklists, findings turned into faults)
    #[command(subcommand)]
    Inspection(crate::inspection::InspectionCommand),
    /// 照片 (photos on a fault, an arrival or a report entry; issue 19)
    #[command(subcommand)]
    Photo(crate::photo::PhotoCommand),
    /// 备份本机档案为一个文件（应用运行时也可以）(back up the whole profile into one file; safe while
    /// the app runs)
    #[command(after_long_help = crate::backup::MOVING_HELP)]
    Backup {
        /// 备份文件 (the backup file to write)
        #[arg(long)]
        out: PathBuf,
        /// 替换已存在的文件 (replace an existing file)
        #[arg(long)]
        force: bool,
    },
    /// 从备份恢复本机档案；原档案会另存，不会被覆盖 (restore the profile from a backup; the current
    /// profile is kept aside, never overwritten)
    #[command(after_long_help = crate::backup::MOVING_HELP)]
    Restore {
        /// 备份文件 (the backup file)
        file: PathBuf,
    },
}

/// `fieldlog verify`'s exit codes, shown in its --help (and in the README).
pub const VERIFY_EXIT_CODES: &str = "\
退出码 (exit codes):
  0  完好，签字人经信任的根证书核实 (intact, and the signer chains to a trusted root)
  1  无法校验：文件无法读取、没有签名或签名无法解析 (cannot check: unreadable, unsigned or unparsable)
  2  参数错误 (wrong arguments)
  3  完好，但签字人未经核实：证书不通向您信任的根证书 (intact, but the signer is not verified: no chain to a trusted root)
  4  不完好或伪造：签名后被改动、追加了内容或他人签名的版本，或证书已吊销/无效 (not intact or forged: altered or appended after signing, a revision signed by someone unverified, or a revoked/invalid certificate)";

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// 从 CSV 或 XLSX 导入点位及设备；有一行出错则整个文件都不导入 (sites and their devices from a
    /// CSV or XLSX file; one bad row and nothing of the file is imported)
    Sites {
        file: PathBuf,
        /// 导入到哪个合同 (the contract the sites belong to)
        #[arg(long)]
        contract: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// 校验本机证据链：被改动、重算哈希或删除的存证记录 (check the evidence chain: edited, re-hashed or deleted evidence)
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// 每日设备维护报告（须已签字）(a signed daily report)
    Daily {
        report: String,
        #[arg(long)]
        out: PathBuf,
        /// 目标文件已存在时替换它 (replace the file if it exists)
        #[arg(long)]
        force: bool,
    },
    /// 完工确认单（须双方已签字）(a completion form both parties signed)
    Completion {
        fault: String,
        #[arg(long)]
        out: PathBuf,
        /// 目标文件已存在时替换它 (replace the file if it exists)
        #[arg(long)]
        force: bool,
    },
    /// 每月维护报告汇总：按扩展名导出 .pdf（签名）、.xlsx 或 .csv (the monthly summary; the
    /// format follows the file name: .pdf signed, .xlsx or .csv)
    Monthly {
        #[arg(long)]
        contract: String,
        #[command(flatten)]
        period: PeriodArgs,
        #[arg(long)]
        out: PathBuf,
        /// 目标文件已存在时替换它 (replace the file if it exists)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum SlaCommand {
    /// 时限达标情况（按月）(compliance per level and clock for a month)
    Compliance {
        #[arg(long)]
        contract: String,
        /// 月份，如 2026-11 (month)
        #[arg(long)]
        month: String,
        /// 评判时刻（默认当前）(judge the clocks as of this time; default now)
        #[arg(long)]
        at: Option<LocalTime>,
    },
    /// 显示时限规则 (show a contract's SLA policy; the current version unless --version)
    Policy {
        #[arg(long)]
        contract: String,
        #[arg(long)]
        version: Option<u32>,
    },
    /// 采用修正后的合同预设规则：新版本，仅对之后报修的故障生效 (take the corrected preset as a new
    /// policy version, for faults reported from now on; faults already recorded keep theirs)
    AdoptPreset {
        #[arg(long)]
        contract: String,
        /// county-police-village-query / city-egov-extranet
        #[arg(long)]
        preset: String,
    },
    /// 修改时限规则：新版本，仅对之后的故障生效 (edit the policy: a new version, for new faults)
    SetPolicy {
        #[arg(long)]
        contract: String,
        /// JSON 文件，格式同 sla policy --json (a JSON file shaped like `sla policy` prints)
        #[arg(long)]
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum SiteCommand {
    List {
        #[arg(long)]
        contract: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum FaultCommand {
    /// 登记报修 (record a fault report)
    New(NewFaultArgs),
    /// 列出未关闭的故障（--all 列出全部）(open faults; --all for every fault)
    List {
        #[arg(long)]
        all: bool,
    },
    /// 故障详情 (one fault with its events and arrivals)
    Show { fault: String },
    /// 接单：领取一个尚未派单的故障，离线也可 (take an unassigned fault, offline too)
    Take { fault: String },
    /// 登记处理事件 (record what happened: ack, remote, escalate, on-site, spare, resolve, unresolve,
    /// inform, cause, force-majeure, agreement)
    Event(FaultEventArgs),
    /// 时限状态：响应、到场、修复及合同约定的其他时限 (the fault's SLA clocks)
    Clocks {
        fault: String,
        /// 查看时刻（默认当前）(as of this time; default now)
        #[arg(long)]
        at: Option<LocalTime>,
    },
}

#[derive(Args, Debug)]
pub struct FaultEventArgs {
    pub fault: String,
    /// 发生时间（默认当前）(when it happened; default now)
    #[arg(long, global = true)]
    pub at: Option<LocalTime>,
    #[command(subcommand)]
    pub event: EventCommand,
}

#[derive(Subcommand, Debug)]
pub enum EventCommand {
    /// 响应 (acknowledge)
    Ack {
        /// 响应人（默认本机技服人员）(who; default the profile's technician)
        #[arg(long)]
        by: Option<String>,
    },
    /// 远程支持 (a remote attempt)
    Remote {
        /// 远程已修复 (it fixed the fault)
        #[arg(long)]
        fixed: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 向上升级 (escalate; the first receiver stays the owner)
    Escalate {
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: String,
    },
    /// 备品替代：从库存取出一台同型号备品 (substitute a spare unit, taken out of stock)
    Spare {
        /// 物料编码或 ID (part code or id)
        #[arg(long)]
        part: String,
        #[arg(long)]
        serial: Option<String>,
    },
    /// 已解决 (resolved)
    Resolve {
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 未解决及原因 (unresolved, with the reason)
    Unresolve {
        /// power/transmission/device/force_majeure/other
        #[arg(long, value_parser = parse_code::<UnresolvedReason>)]
        reason: UnresolvedReason,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 已告知用户 (customer informed)
    Inform {
        #[arg(long, default_value = "电话告知")]
        how: String,
    },
    /// 原因认定 (cause determined: ordinary/external_force/natural_disaster/stolen/vandalised/vehicle_hit/weather)
    Cause {
        #[arg(long, value_parser = parse_code::<FaultCause>)]
        cause: FaultCause,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 转现场支持：远程无法解决，或用户要求直接现场支持 (escalated to on-site support)
    OnSite {
        /// 由谁转交（默认本机技服人员）(who escalated; default the profile's technician)
        #[arg(long)]
        by: Option<String>,
        #[arg(long, default_value = "远程无法解决")]
        reason: String,
    },
    /// 申报不可抗拒因素并告知用户 (claim force majeure: the cause, and whom the client was told;
    /// --at is when): stolen/vandalised/vehicle_hit/weather/natural_disaster
    ForceMajeure {
        #[arg(long, value_parser = parse_code::<FaultCause>)]
        cause: FaultCause,
        /// 告知了谁 (whom the client was told)
        #[arg(long)]
        told: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 用户对不可抗拒因素的意见：--accepted 认可，否则不认可 (the client's answer to the claim)
    Agreement {
        #[arg(long)]
        accepted: bool,
        /// 用户方签认人 (who answered for the client)
        #[arg(long)]
        by: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Args, Debug)]
pub struct NewFaultArgs {
    /// 合同编号或 ID (contract code or id); default: the site's contract
    #[arg(long)]
    pub contract: Option<String>,
    /// 点位编号或 ID (site code or id)
    #[arg(long)]
    pub site: String,
    /// 设备序列号或 ID (device serial or id)
    #[arg(long)]
    pub device: Option<String>,
    /// 故障级别 A/B/C
    #[arg(long, value_parser = parse_code::<FaultLevel>)]
    pub level: FaultLevel,
    #[arg(long)]
    pub description: String,
    /// 首问负责人 (first receiver)
    #[arg(long)]
    pub first_receiver: String,
    #[arg(long, default_value = "phone", value_parser = parse_code::<ReportChannel>)]
    pub channel: ReportChannel,
    /// 报修时间，如 "2026-11-02 08:05"（北京时间）(report time, local)
    #[arg(long)]
    pub reported_at: Option<LocalTime>,
    /// 报修人 (who called it in)
    #[arg(long)]
    pub caller: Option<String>,
    /// 报修电话 (the caller's number)
    #[arg(long)]
    pub caller_phone: Option<String>,
}

#[derive(Args, Debug)]
pub struct ArriveArgs {
    #[arg(long)]
    pub site: Option<String>,
    #[arg(long)]
    pub fault: Option<String>,
    /// 到场时间（默认当前时间）(arrival time; default now)
    #[arg(long)]
    pub at: Option<LocalTime>,
    #[arg(long, allow_hyphen_values = true)]
    pub lat: Option<f64>,
    #[arg(long, allow_hyphen_values = true)]
    pub lon: Option<f64>,
    #[arg(long)]
    pub accuracy: Option<f64>,
    /// 手动确认所在点位 (the site is confirmed by hand)
    #[arg(long)]
    pub confirm_site: bool,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// 新建日报 (start a daily report)
    New {
        #[arg(long)]
        contract: String,
        /// 工作日期（默认今天）(working day; default today)
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// 添加维护记录 (add an entry)
    AddEntry(AddEntryArgs),
    /// 技服人员签字 (the technician signs; the report locks)
    Sign {
        report: String,
        /// 签名图片 PNG (signature image)
        #[arg(long)]
        image: PathBuf,
        /// 签字人（默认本机技服人员）(signer; default the profile's technician)
        #[arg(long)]
        name: Option<String>,
    },
    /// 修订已签字的日报 (amend a signed report: a new linked draft)
    Amend {
        report: String,
        #[arg(long)]
        reason: String,
    },
    List {
        #[arg(long)]
        contract: Option<String>,
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
        /// 月份中的任一天：只列该月 (any day of a month: that month only)
        #[arg(long)]
        month: Option<NaiveDate>,
        /// draft / signed / corrected
        #[arg(long, value_parser = parse_list_status)]
        status: Option<ReportListStatus>,
    },
    Show {
        report: String,
    },
    /// 本月（或 --month 所在月）缺报的日期 (the month's days without a report, to fill in later)
    Missing {
        #[arg(long)]
        contract: Option<String>,
        /// 月份中的任一天（默认今天）(any day of the month; default today)
        #[arg(long)]
        month: Option<NaiveDate>,
    },
    /// 修改草稿中的记录（更正稿须写原因）(change a draft's entry; a correction's needs --reason)
    EditEntry(EditEntryArgs),
    /// 删除草稿中的记录，或划去更正稿中的记录并写原因 (delete a draft entry, or strike a correction's entry)
    RemoveEntry {
        entry: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

fn parse_list_status(text: &str) -> Result<ReportListStatus, String> {
    match text {
        "draft" => Ok(ReportListStatus::Draft),
        "signed" => Ok(ReportListStatus::Signed),
        "corrected" => Ok(ReportListStatus::Corrected),
        other => Err(format!(
            "无法识别的状态“{other}”，可选：draft、signed、corrected (unknown status; expected draft, signed or corrected)"
        )),
    }
}

#[derive(Args, Debug)]
pub struct EditEntryArgs {
    pub entry: String,
    /// 更改原因（更正已签字日报时必填）(why: required in a correction)
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub fields: EntryFields,
}

#[derive(Args, Debug)]
pub struct AddEntryArgs {
    pub report: String,
    #[command(flatten)]
    pub fields: EntryFields,
}

/// What an entry says, as `add-entry` and `edit-entry` take it.
#[derive(Args, Debug)]
pub struct EntryFields {
    #[arg(long)]
    pub site: String,
    #[arg(long)]
    pub device: Option<String>,
    #[arg(long)]
    pub fault: Option<String>,
    /// 故障原因 (fault cause)
    #[arg(long)]
    pub cause: String,
    /// 处理情况 (work done)
    #[arg(long)]
    pub work: String,
    /// 未解决及原因：power/transmission/device/force_majeure/other（不填即已解决）
    #[arg(long, value_parser = parse_code::<UnresolvedReason>)]
    pub unresolved: Option<UnresolvedReason>,
    /// 使用备件：编码[:数量[:旧序列号[:新序列号]]] (part used: CODE[:QTY[:OLD[:NEW]]]), repeatable
    #[arg(long)]
    pub part: Vec<PartSpec>,
}

#[derive(Subcommand, Debug)]
pub enum PartsCommand {
    /// 入库 (receive into stock)
    Receive(MovementArgs),
    /// 使用 (use on a repair)
    Use(MovementArgs),
    /// 退回 (return unused into stock)
    Return(MovementArgs),
    /// 库存余量 (balances and the contract floor)
    Balance {
        #[arg(long)]
        contract: Option<String>,
    },
    /// 是否为主要设备的备品备件：合同下限只统计主要设备 (whether a part is a spare of the main
    /// equipment: the contract's floor counts only those); --no for other equipment
    MainEquipment {
        /// 物料编码或 ID (part code or id)
        part: String,
        #[arg(long)]
        no: bool,
    },
    // Issue 19, item 6: use on its own, transfers, parts added by the technician.
    /// 退库：交回办公室仓库，从本人库存中减去 (give back to the office's warehouse: out of your stock)
    GiveBack {
        /// 物料编码或 ID (part code or id)
        part: String,
        #[arg(long)]
        qty: i64,
        #[arg(long)]
        note: Option<String>,
    },
    /// 不在日报中使用备件：写明用途，可关联故障 (use a part outside a report: a reason, optionally a fault)
    UseAlone {
        /// 物料编码或 ID (part code or id)
        part: String,
        #[arg(long)]
        qty: i64,
        /// 用途（原因）(what it was used for)
        #[arg(long)]
        reason: String,
        #[arg(long)]
        fault: Option<String>,
    },
    /// 调拨给本合同的同事，对方确认收货前为在途 (transfer to a colleague of the contract; in transit until they confirm)
    Transfer {
        /// 物料编码或 ID (part code or id)
        part: String,
        /// 接收同事的姓名或 ID (the receiving colleague's name or id)
        #[arg(long)]
        to: String,
        #[arg(long)]
        qty: i64,
        #[arg(long)]
        note: Option<String>,
    },
    /// 确认收货：接收调给本人的调拨 (confirm a transfer addressed to you)
    Confirm {
        /// 调拨编号（末 8 位即可）(the transfer's id, its last 8 hex digits will do)
        transfer: String,
    },
    /// 调往本人的另一个合同中同一物料编码的备件 (move parts to the same code in another contract of yours)
    TransferContract {
        /// 物料编码或 ID (part code or id)
        part: String,
        /// 调往的合同代码或 ID (the other contract's code or id)
        #[arg(long)]
        contract: String,
        #[arg(long)]
        qty: i64,
        #[arg(long)]
        note: Option<String>,
    },
    /// 调拨记录：调出、在途、已确认 (transfers: sent, in transit, confirmed)
    Transfers {
        #[arg(long)]
        contract: Option<String>,
    },
    /// 在合同允许时向备件目录添加备件 (add a part to a contract's catalogue, where the contract allows it)
    Add {
        /// 合同代码或 ID (contract code or id)
        contract: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// unit（备品）或 part（备件）
        #[arg(long, value_parser = parse_code::<SpareKind>)]
        kind: SpareKind,
        #[arg(long)]
        model: Option<String>,
        /// 不是主要设备的备件（不计入合同下限）(not a spare of the main equipment: the floor does not count it)
        #[arg(long)]
        not_main: bool,
    },
}

#[derive(Args, Debug)]
pub struct MovementArgs {
    /// 物料编码或 ID (part code or id)
    pub part: String,
    #[arg(long)]
    pub qty: i64,
    #[arg(long)]
    pub fault: Option<String>,
    #[arg(long)]
    pub old_serial: Option<String>,
    #[arg(long)]
    pub new_serial: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    #[arg(long)]
    pub at: Option<LocalTime>,
}

pub(crate) fn parse_code<T: FromStr>(s: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e: T::Err| e.to_string())
}

/// A time given on the command line: RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` in Asia/Shanghai.
#[derive(Debug, Clone, Copy)]
pub struct LocalTime(pub DateTime<Utc>);

impl FromStr for LocalTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(LocalTime(t.with_timezone(&Utc)));
        }
        for format in [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(s, format) {
                let local = fieldlog_domain::time::china()
                    .from_local_datetime(&naive)
                    .single();
                if let Some(local) = local {
                    return Ok(LocalTime(local.with_timezone(&Utc)));
                }
            }
        }
        Err(format!(
            "无法识别的时间“{s}”，请写成 2026-11-02 08:05 (unrecognised time; use 2026-11-02 08:05)"
        ))
    }
}

/// A month, or a range of days (both included).
#[derive(Args, Debug)]
pub struct PeriodArgs {
    /// 月份，如 2026-11 (month)
    #[arg(long, required_unless_present_all = ["from", "to"], conflicts_with_all = ["from", "to"])]
    pub month: Option<String>,
    /// 起始日期（含），如 2026-11-01 (first day, included)
    #[arg(long, requires = "to")]
    pub from: Option<NaiveDate>,
    /// 截止日期（含），如 2026-11-15 (last day, included)
    #[arg(long, requires = "from")]
    pub to: Option<NaiveDate>,
}

/// `CODE[:QTY[:OLD[:NEW]]]`.
#[derive(Debug, Clone)]
pub struct PartSpec {
    pub part: String,
    pub quantity: i64,
    pub old_serial: Option<String>,
    pub new_serial: Option<String>,
}

impl FromStr for PartSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut fields = s.split(':');
        let part = fields.next().unwrap_or_default().trim().to_owned();
        let quantity = match fields.next().map(str::trim) {
            None | Some("") => 1,
            Some(q) => q.parse().map_err(|_| {
                format!("备件数量“{q}”不是整数 (quantity '{q}' is not a whole number)")
            })?,
        };
        let mut serial = || {
            fields
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (old_serial, new_serial) = (serial(), serial());
        if part.is_empty() {
            return Err("请写出备件编码，如 BJ-PWR-12V:1 (give the part code)".into());
        }
        Ok(PartSpec {
            part,
            quantity,
            old_serial,
            new_serial,
        })
    }
}
