//! What the caller hands in: plain data, every text already formatted (times as local
//! "2026-11-22 13:05", levels as "A 特大故障"), so the layout never decides how a value reads.
//! Numbers stay numbers only where the PDF computes from them (rates, the bar chart).

/// One handwritten signature: who, in which role, when, and the PNG of the ink.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureBlock {
    pub name: String,
    /// e.g. "技服人员" or "用户代表".
    pub role_label: String,
    pub signed_at_local: String,
    /// The signature image as PNG bytes (transparent or white background).
    pub png: Vec<u8>,
}

/// 每日设备维护报告.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyReportPdf {
    pub contract_name: String,
    pub client: String,
    pub technician: String,
    pub work_date: String,
    pub entries: Vec<EntryRow>,
    pub arrivals: Vec<ArrivalRow>,
    pub signatures: Vec<SignatureBlock>,
    /// Issue 19: e.g. "补填于 2026-11-03 09:10" when the report was created after its day ended.
    pub filled_late: Option<String>,
    /// Issue 19: a correction of a signed report: what it corrects and what it changed.
    pub correction: Option<CorrectionPdf>,
    /// Issue 19: each entry's photos (thumbnails), by the entry's number (1-based), in order.
    pub photos: Vec<EntryPhotos>,
    /// Issue 19: the inspections this technician completed that day for the contract, in the
    /// order they were done; none leaves the section out (the report reads as before).
    pub inspections: Vec<InspectionDoneRow>,
}

/// One inspection done on the report's day (巡检记录).
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionDoneRow {
    /// The plan's kind and period, e.g. "例行巡检 2026-12".
    pub kind: String,
    pub point: String,
    /// When it was completed (the check-in that closed it), local.
    pub done_at: String,
    /// Checklist items ticked 正常 / 异常 / 未检查 (untouched items count as not checked).
    pub ok: u32,
    pub not_ok: u32,
    pub not_checked: u32,
    /// One line per finding, with the fault it became if any, e.g.
    /// "立杆倾斜 → 已转故障（编号 …1a2b3c4d）".
    pub findings: Vec<String>,
}

/// The month's inspections of one kind (per plan kind), as the summary screen and XLSX count them.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionTallyRow {
    /// e.g. "例行巡检".
    pub kind: String,
    /// 应巡检: due within the month.
    pub planned: u32,
    pub done: u32,
    /// 逾期未完成: not done by the end of their period.
    pub overdue: u32,
    pub findings: u32,
    pub findings_to_faults: u32,
}

/// A correction (更正) of a signed daily report: which report, why, and each entry against it.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionPdf {
    /// e.g. "2026-11-02 日报（签字于 2026-11-02 18:05，编号 …1a2b3c4d）".
    pub amends: String,
    pub reason: String,
    pub changes: Vec<ChangeRow>,
}

/// One entry of a correction against the signed report.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    /// "未改", "更改", "划去" or "新增".
    pub kind: String,
    /// One line per changed field, e.g. "故障原因：网口松动 → 交换机端口故障"; for an added or
    /// struck entry, what it says.
    pub details: Vec<String>,
    pub reason: Option<String>,
}

/// The photos of one entry of the daily report.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryPhotos {
    /// The entry's number in the report (序号).
    pub entry: usize,
    pub thumbnails: Vec<PhotoThumbnail>,
}

/// A photo's thumbnail: a baseline JPEG, embedded as it is (DCTDecode, never re-encoded).
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoThumbnail {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// e.g. "维修前 · 2026-11-22 09:30".
    pub caption: String,
}

/// One maintained point in the daily report.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryRow {
    pub point: String,
    pub device: String,
    pub cause: String,
    pub resolved: bool,
    /// Why not, when `resolved` is false.
    pub unresolved_reason: Option<String>,
    pub work_done: String,
    /// One line per part, e.g. "摄像机 QX-200 旧 SN123 → 新 SN456".
    pub parts: Vec<String>,
    /// Issue 19: struck by a correction (printed struck through, with `change_reason`).
    pub struck: bool,
    pub change_reason: Option<String>,
}

/// One arrival on site.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalRow {
    pub time: String,
    pub point: String,
    /// Where the machine knew it; `None` prints "手动确认" (confirmed by hand).
    pub location: Option<String>,
}

/// 完工确认单.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionFormPdf {
    pub contract_name: String,
    pub client: String,
    pub fault: FaultInfo,
    pub clocks: Vec<ClockRow>,
    pub work_done: String,
    pub parts: Vec<String>,
    /// 技服人员.
    pub technician: SignatureBlock,
    /// 用户代表.
    pub customer: SignatureBlock,
}

/// The fault a completion form confirms.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultInfo {
    /// e.g. "A 特大故障".
    pub level: String,
    pub point: String,
    pub device: String,
    pub reported_at: String,
    pub description: String,
    /// 首问负责人.
    pub first_receiver: String,
}

/// One SLA clock as the form shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockRow {
    /// e.g. "响应", "到达现场", "故障解决".
    pub kind: String,
    pub deadline: String,
    /// When the clock stopped, if it has.
    pub stopped_at: Option<String>,
    pub state: ClockState,
}

/// How a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    /// 达标
    Met,
    /// 超时
    Breached,
    /// 计时中
    Running,
    /// 不计时 (e.g. force majeure)
    NotCounted,
}

impl ClockState {
    pub fn label(self) -> &'static str {
        use fieldlog_domain::clocks::ClockState as Domain;
        // The label table's zh-CN column: the PDF is a Chinese document.
        match self {
            ClockState::Met => Domain::Met,
            ClockState::Breached => Domain::Breached,
            ClockState::Running => Domain::Running,
            ClockState::NotCounted => Domain::Exempt,
        }
        .label_zh()
    }
}

/// 每月维护报告汇总.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlySummaryPdf {
    pub contract_name: String,
    pub client: String,
    /// e.g. "2026年11月".
    pub month: String,
    pub prepared_by: String,
    pub generated_at: String,
    /// 报修设备数量.
    pub devices_reported: u32,
    /// 已维护完毕的设备数量.
    pub devices_repaired: u32,
    pub unresolved: UnresolvedByReason,
    /// 上期遗留本期修复: reported before the month, repaired in it.
    pub carried_over_repaired: u32,
    /// 上期遗留未解决: reported before the month, still open at its close.
    pub carried_over_open: u32,
    /// One row per level, in the order to print (A, B, C).
    pub compliance: Vec<LevelCompliance>,
    /// The clocks the contract carries beyond response / arrival / resolution (feedback for the
    /// e-government contract, major-fault restoration for the police), per level that has any.
    pub further_clocks: Vec<FurtherClock>,
    /// The month's force-majeure claims in one line (申报 / 待确认 / 已认可 / 未认可).
    pub force_majeure_claims: Option<String>,
    pub force_majeure: Vec<ForceMajeureRow>,
    /// Spare substitutions of the month (备品备件替代).
    pub substitutions: Vec<SubstitutionRow>,
    pub parts_consumed: Vec<PartConsumed>,
    /// Spare stock at the month's close against the contract's floor, in words; `None` leaves it out.
    pub stock_at_close: Option<String>,
    /// Arrivals whose device clock was in doubt (时间存疑的到场); the section reads "none" when empty.
    pub clock_suspect: Vec<ClockSuspectRow>,
    /// Fault events saved well after the time stated for them (补录的事件, issue 19); the section
    /// reads "none" when empty.
    pub entered_later: Vec<EnteredLaterRow>,
    /// Issue 19: inspections by plan kind with any due in the month; none leaves the section out.
    pub inspections: Vec<InspectionTallyRow>,
}

/// One fault event entered later than it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct EnteredLaterRow {
    /// The time stated for it, local.
    pub at: String,
    pub point: String,
    /// What happened (响应, 到达现场 …).
    pub event: String,
    /// When it was saved, local.
    pub recorded_at: String,
}

/// One arrival on site whose recorded time may be wrong: the device's clock was off.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockSuspectRow {
    /// The recorded arrival time, local.
    pub arrived_at: String,
    pub point: String,
    pub technician: String,
    /// Why, in words (本机时钟倒退 / 与服务器时间相差过大).
    pub reason: String,
    /// When the sync server received it, local; "—" before it has.
    pub received_at: String,
}

/// 未解决的原因, counted in devices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnresolvedByReason {
    pub power: u32,
    pub transmission: u32,
    pub device: u32,
    pub force_majeure: u32,
    pub other: u32,
    /// Still being worked on at the close, no reason given yet (处理中).
    pub pending: u32,
}

impl UnresolvedByReason {
    pub fn total(&self) -> u32 {
        self.power
            + self.transmission
            + self.device
            + self.force_majeure
            + self.other
            + self.pending
    }
}

/// SLA compliance of one fault level over the month.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelCompliance {
    /// e.g. "A 特大故障".
    pub level: String,
    pub faults: u32,
    pub response: Rate,
    pub arrival: Rate,
    pub resolution: Rate,
}

/// `met` of `judged` clocks were within their limit; nothing judged reads "—".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate {
    pub met: u32,
    pub judged: u32,
}

impl Rate {
    /// The share in percent, or `None` when nothing was judged.
    pub fn percent(self) -> Option<f32> {
        (self.judged > 0).then(|| self.met as f32 * 100.0 / self.judged as f32)
    }

    /// The share as every format prints it (`fieldlog_domain::rounding`): "81.3".
    pub fn percent_text(self) -> Option<String> {
        fieldlog_domain::rounding::percent_text(self.met, self.judged)
    }
}

/// One force-majeure case (不可抗拒因素), shown apart from SLA breaches.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceMajeureRow {
    pub date: String,
    pub point: String,
    pub device: String,
    pub description: String,
    /// The client's answer: "已认可 2026-10-13 采购人代表甲", "待确认", "未认可 …".
    pub agreement: String,
}

/// A clock beyond the table's three, at one level.
#[derive(Debug, Clone, PartialEq)]
pub struct FurtherClock {
    /// e.g. "B级".
    pub level: String,
    /// e.g. "重大故障恢复".
    pub clock: String,
    pub rate: Rate,
}

/// One spare substitution: where, which spare, the old and the new serial.
#[derive(Debug, Clone, PartialEq)]
pub struct SubstitutionRow {
    pub date: String,
    pub point: String,
    pub part: String,
    pub old_serial: String,
    pub new_serial: String,
}

/// Spare parts consumed in the month.
#[derive(Debug, Clone, PartialEq)]
pub struct PartConsumed {
    pub name: String,
    pub quantity: u32,
}
