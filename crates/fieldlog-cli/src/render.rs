//! What the CLI prints: the wire types as JSON with `--json`, or short text for a person at a
//! terminal in their language (`--lang` or `LANG`): zh-CN, or English only. Code labels come from
//! the label table (`fieldlog_domain::labels`); the CLI's own sentences are written here, each once
//! with both languages side by side. Times are shown in Asia/Shanghai, 24-hour.

use fieldlog_demo::DemoSummary;
use fieldlog_domain::Lang;
use fieldlog_domain::arrival::Arrival;
use fieldlog_domain::clocks::{Clock, ClockKind, ClockState, Compliance, FaultClocks};
use fieldlog_domain::contract::Contract;
use fieldlog_domain::labels::phrase;
use fieldlog_domain::report::ReportStatus;
use fieldlog_domain::site::Site;
use fieldlog_domain::sla::RemoteOnSite;
use fieldlog_domain::sla::SlaPolicy;
use fieldlog_domain::stock::{SparePart, StockMovement};
use fieldlog_domain::technician::Technician;
use fieldlog_domain::time::format_local;
use fieldlog_wire::ErrorBody;
use fieldlog_wire::v1::{
    FaultDetail, FaultRow, ReportDocument, ReportRow, StockReport, SummaryView,
};
use serde::Serialize;
use std::path::Path;

/// `println!` for results. A closed pipe (`fieldlog fault list | head -3`) means the reader has
/// what it wanted: the action has already committed, so the process ends quietly with success
/// instead of panicking. Any other write error ends it with a message and failure.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::render::write_line(format_args!($($arg)*))
    };
}

/// `say!` in the user's language: the zh-CN and the English form of one sentence, side by side,
/// over the same arguments (each form must use every argument).
macro_rules! say_in {
    ($lang:expr, $zh:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            fieldlog_domain::Lang::ZhCn => say!($zh $(, $arg)*),
            fieldlog_domain::Lang::En => say!($en $(, $arg)*),
        }
    };
}

pub fn write_line(line: std::fmt::Arguments<'_>) {
    write_raw(&terminal_safe(&line.to_string()));
}

/// Text as a terminal may print it: control characters (an escape sequence recolours, moves the
/// cursor, retitles the window), bidirectional overrides and other invisible format characters
/// are shown as `\u{1b}` instead of being obeyed. Line breaks stay: fields may be multi-line.
/// Input is refused such characters since issue 14; this keeps rows saved before (or synced from
/// an older laptop, or edited behind the store's back) from reaching the terminal as commands.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c as u32, 0x200B..=0x200F | 0x2028..=0x202E | 0x2060..=0x206F | 0xFEFF)
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Writes one line as given (JSON, whose strings serde_json has already escaped).
fn write_raw(line: &str) {
    use std::io::Write;
    if let Err(error) = writeln!(std::io::stdout().lock(), "{line}") {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("无法写出结果：{error}。/ Cannot write the output: {error}.");
        std::process::exit(1);
    }
}

fn json_c1_escaped(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        return std::borrow::Cow::Borrowed(json);
    }
    std::borrow::Cow::Owned(
        json.chars()
            .map(|c| {
                if ('\u{80}'..='\u{9f}').contains(&c) {
                    format!("\\u{:04x}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

pub struct Output {
    pub json: bool,
    /// The language of labels and errors (`--lang` or `LANG`).
    pub lang: fieldlog_domain::Lang,
}

/// The last 8 hex digits of an id: the random part of a UUIDv7 (its first digits are a timestamp,
/// shared by every record made in the same weeks). Commands accept it in place of the full id.
pub(crate) fn short(id: impl ToString) -> String {
    let id = id.to_string();
    id[id.len().saturating_sub(8)..].to_owned()
}

impl Output {
    pub(crate) fn json_or(&self, value: &impl Serialize, text: impl FnOnce()) {
        if self.json {
            // serde_json escapes C0 controls; C1 ones (U+0080..U+009F) pass as they are, and
            // some terminals obey them, so they are written as JSON escapes too.
            let text = serde_json::to_string_pretty(value).expect("wire types serialise");
            write_raw(&json_c1_escaped(&text));
        } else {
            text();
        }
    }

    pub fn error(&self, body: &ErrorBody) {
        if self.json {
            eprintln!("{}", serde_json::json!({ "error": body }));
        } else {
            let prefix = self.lang.pick("错误 error", "error");
            eprintln!("{prefix}: {}", terminal_safe(&body.message));
        }
    }

    pub fn init(&self, db: &Path, technician: &Technician) {
        let value = serde_json::json!({ "db": db, "technician": technician });
        self.json_or(&value, || {
            say_in!(
                self.lang,
                "档案已就绪 (profile ready): {} — {}",
                "Profile ready: {} — {}",
                technician.name,
                db.display()
            );
        });
    }

    pub fn demo(&self, summary: &DemoSummary) {
        self.json_or(summary, || {
            let state = match (summary.created, self.lang) {
                (true, Lang::ZhCn) => "已写入演示数据 (demo data written)",
                (true, Lang::En) => "Demo data written",
                (false, Lang::ZhCn) => {
                    "演示数据已存在，未做更改 (demo data already present; nothing changed)"
                }
                (false, Lang::En) => "Demo data already present; nothing changed",
            };
            say_in!(
                self.lang,
                "{state}: 合同 {} · 点位 {} · 设备 {} · 故障 {} · 日报 {}（{} {}）",
                "{state}: contracts {} · sites {} · devices {} · faults {} · reports {} ({} {})",
                summary.contracts,
                summary.sites,
                summary.devices,
                summary.faults,
                summary.reports,
                ReportStatus::Signed.label(self.lang),
                summary.signed_reports
            );
        });
    }

    /// The contracts with their current policy (`--json`: the contracts as they are, policy
    /// included). `today` (Asia/Shanghai) says which service periods are over.
    pub fn contracts(&self, contracts: &[Contract], today: chrono::NaiveDate) {
        self.json_or(&contracts, || {
            for c in contracts {
                self.contract_head(c, c.service_ended(today));
            }
        });
    }

    /// A contract's lines: code, name, client, period (and whether it is over), the limits of
    /// its current policy version per level, and its spare floor.
    fn contract_head(&self, c: &Contract, ended: bool) {
        let ended = if ended {
            format!("  [{}]", phrase::SERVICE_ENDED.get(self.lang))
        } else {
            String::new()
        };
        say_in!(
            self.lang,
            "{}  {}  采购人 {}  服务期 {} 至 {}{}",
            "{}  {}  client {}  service {} to {}{}",
            c.code,
            c.name,
            c.client,
            c.service_start,
            c.service_end,
            ended
        );
        say_in!(
            self.lang,
            "  时限规则 第 {} 版（响应 / 到场 / 到场后修复，分钟）",
            "  SLA policy version {} (response / arrival / resolution after arrival, min)",
            c.policy_version
        );
        for level in fieldlog_domain::sla::FaultLevel::ALL {
            let l = c.policy.levels.get(*level);
            say!(
                "    {} {}  {} / {} / {}",
                level,
                level.label(self.lang),
                l.response_min,
                l.arrival_min,
                l.resolution_min
            );
        }
        say_in!(
            self.lang,
            "  备品备件下限：备品 {} 台，备件 {} 件",
            "  Spare floor: {} units, {} parts",
            c.spare_floor.units,
            c.spare_floor.parts
        );
    }

    /// One contract's catalogue: the contract and its policy, its sites with their devices, its
    /// spare parts.
    pub fn catalogue(&self, catalogue: &fieldlog_wire::v1::ContractCatalogue) {
        self.json_or(catalogue, || {
            self.contract_head(&catalogue.contract, catalogue.service_ended);
            say_in!(
                self.lang,
                "点位及设备（{} 个）",
                "Sites and devices ({})",
                catalogue.sites.len()
            );
            for entry in &catalogue.sites {
                let s = &entry.site;
                say!(
                    "  {}  {}  [{}]  {}",
                    s.code,
                    s.name,
                    s.kind.label(self.lang),
                    s.address
                );
                for d in &entry.devices {
                    let serial = d.serial.as_deref().map_or(String::new(), |serial| {
                        format!("  {} {}", self.lang.pick("序列号", "serial"), serial)
                    });
                    say!("    {} {}{}", d.kind.label(self.lang), d.model, serial);
                }
            }
            say_in!(
                self.lang,
                "备品备件目录（{} 项）",
                "Spare parts ({})",
                catalogue.parts.len()
            );
            for p in &catalogue.parts {
                let equipment = if p.main_equipment {
                    phrase::MAIN_EQUIPMENT
                } else {
                    phrase::OTHER_EQUIPMENT
                };
                say!(
                    "  {}  {}  {}  [{}]  {}",
                    p.code,
                    p.name,
                    p.model.as_deref().unwrap_or("—"),
                    p.kind.label(self.lang),
                    equipment.get(self.lang)
                );
            }
        });
    }

    pub fn sites(&self, sites: &[Site]) {
        self.json_or(&sites, || {
            for s in sites {
                say!(
                    "{}  {}  [{}]  {}",
                    s.code,
                    s.name,
                    s.kind.label(self.lang),
                    s.address
                );
            }
        });
    }

    pub fn fault_rows(&self, rows: &[FaultRow]) {
        self.json_or(&rows, || {
            if rows.is_empty() {
                say!("{}", self.lang.pick("没有故障 (no faults)", "No faults"));
            }
            for r in rows {
                say!(
                    "{}  {}  {}  {}  {}  {} {}  {}",
                    short(r.id),
                    level_text(r.level, self.lang),
                    r.status.label(self.lang),
                    holder_text(&r.holder, self.lang),
                    format_local(r.reported_at),
                    r.site_code,
                    r.site_name,
                    r.description
                );
            }
        });
    }

    pub fn fault_detail(&self, detail: &FaultDetail) {
        self.json_or(detail, || {
            let r = &detail.row;
            say_in!(
                self.lang,
                "故障 {}  {}级（{}）  {}",
                "Fault {}  level {} ({})  {}",
                r.id,
                r.level,
                r.level.label(self.lang),
                r.status.label(self.lang)
            );
            say_in!(
                self.lang,
                "  合同 {}  点位 {} {}",
                "  contract {}  site {} {}",
                r.contract_name,
                r.site_code,
                r.site_name
            );
            // `device` is the Chinese documents' "kind model"; other languages label the kind.
            let device = match (r.device_kind, &r.device_model, self.lang) {
                (Some(kind), Some(model), Lang::En) => {
                    Some(format!("{} {model}", kind.label(self.lang)))
                }
                _ => r.device.clone(),
            };
            if let Some(device) = &device {
                say_in!(self.lang, "  设备 {device}", "  device {device}");
            }
            say_in!(
                self.lang,
                "  报修 {}  首问负责人 {}",
                "  reported {}  first receiver {}",
                format_local(r.reported_at),
                r.first_receiver
            );
            if let Some(caller) = &detail.fault.caller {
                let phone = detail.fault.caller_phone.as_deref().unwrap_or("");
                say_in!(
                    self.lang,
                    "  报修人 {caller} {phone}",
                    "  caller {caller} {phone}"
                );
            }
            say_in!(self.lang, "  描述 {}", "  description {}", r.description);
            say_in!(
                self.lang,
                "  派单 {}",
                "  held by {}",
                holder_text(&r.holder, self.lang)
            );
            for a in &detail.assignments {
                say!(
                    "  · {}  {} {}  {}",
                    format_local(a.at),
                    a.kind.label(self.lang),
                    a.technician_name,
                    a.reason
                );
            }
            for e in &detail.events {
                if detail.entered_later.contains(&e.id) {
                    // Issue 19: saved well after the time stated for it (补录).
                    say!(
                        "  · {}  {}  [{} {}]",
                        format_local(e.at),
                        e.kind.code(),
                        phrase::ENTERED_LATER.get(self.lang),
                        format_local(e.recorded_at)
                    );
                } else {
                    say!("  · {}  {}", format_local(e.at), e.kind.code());
                }
            }
        });
    }

    pub fn fault_clocks(&self, clocks: &FaultClocks) {
        self.json_or(clocks, || {
            say_in!(
                self.lang,
                "故障 {} 时限（截至 {}）",
                "Fault {} clocks (as of {})",
                short(clocks.fault_id),
                format_local(clocks.at)
            );
            if clocks.force_majeure {
                say!(
                    "  {}",
                    self.lang
                        .pick("不可抗拒因素 (force majeure)", "Force majeure")
                );
            }
            for clock in &clocks.clocks {
                say!("  {}", clock_line(clock, self.lang));
            }
        });
    }

    pub fn compliance(&self, contract: &Contract, c: &Compliance) {
        self.json_or(c, || {
            say_in!(
                self.lang,
                "{} 时限达标率 {} 至 {}（截至 {}）",
                "{} SLA compliance {} to {} (as of {})",
                contract.name,
                c.from,
                c.to.pred_opt().unwrap_or(c.to),
                format_local(c.at)
            );
            say_in!(
                self.lang,
                "  故障 {} 起，其中不可抗拒因素 {} 起",
                "  {} fault(s), {} of them force majeure",
                c.faults,
                c.force_majeure_faults
            );
            let rate = |t: &fieldlog_domain::clocks::ClockTally| {
                fieldlog_domain::rounding::percent_text(t.met, t.met + t.breached)
                    .map_or("—".to_owned(), |p| format!("{p}%"))
            };
            for l in &c.levels {
                // The three clocks every contract has, then the further ones this contract
                // carries (feedback, major-fault restoration) when they judged anything.
                let mut clocks = String::new();
                for (kind, tally, always) in [
                    (ClockKind::Response, &l.response, true),
                    (ClockKind::Arrival, &l.arrival, true),
                    (ClockKind::Resolution, &l.resolution, true),
                    (ClockKind::Feedback, &l.feedback, false),
                    (ClockKind::MajorRestoration, &l.major_restoration, false),
                ] {
                    if always || *tally != fieldlog_domain::clocks::ClockTally::default() {
                        let (open, close) = self.lang.pick(("（", "）"), (" (", ")"));
                        clocks.push_str(&format!(
                            "  {} {}{open}{}/{}{close}",
                            kind.label(self.lang),
                            rate(tally),
                            tally.met,
                            tally.met + tally.breached
                        ));
                    }
                }
                say_in!(
                    self.lang,
                    "  {}级 {} 起{clocks}",
                    "  level {} {} fault(s){clocks}",
                    l.level,
                    l.faults,
                );
            }
        });
    }

    pub fn policy(&self, contract: &Contract, version: u32, policy: &SlaPolicy) {
        if self.json {
            say!(
                "{}",
                serde_json::to_string_pretty(policy).expect("policy serialises")
            );
            return;
        }
        say_in!(
            self.lang,
            "{} 时限规则 第 {version} 版",
            "{} SLA policy version {version}",
            contract.name
        );
        for level in fieldlog_domain::sla::FaultLevel::ALL {
            let l = policy.levels.get(*level);
            say_in!(
                self.lang,
                "  {}级（{}）响应 {} 分钟  到场 {} 分钟  到场后修复 {} 分钟",
                "  level {} ({}) response {} min  arrival {} min  resolution after arrival {} min",
                level,
                level.label(self.lang),
                l.response_min,
                l.arrival_min,
                l.resolution_min
            );
        }
        if let Some(r) = policy.remote_first {
            let within = r.on_site_within_min;
            let how = match (r.on_site, self.lang) {
                (RemoteOnSite::TableLimit, Lang::ZhCn) => {
                    "到场时限仍按上表，远程修复则无需到场".to_owned()
                }
                (RemoteOnSite::TableLimit, Lang::En) => {
                    "arrival as in the table above; no visit when fixed remotely".to_owned()
                }
                (RemoteOnSite::AfterEscalation, Lang::ZhCn) => {
                    format!("转现场支持后 {within} 分钟内到场，且不晚于上表时限")
                }
                (RemoteOnSite::AfterEscalation, Lang::En) => format!(
                    "on site within {within} min of escalation, and no later than the table's limit"
                ),
                (RemoteOnSite::LegacyExtends, Lang::ZhCn) => {
                    format!("远程失败后再 {within} 分钟内到场（旧版规则）")
                }
                (RemoteOnSite::LegacyExtends, Lang::En) => {
                    format!("on site within {within} min after remote support fails (old rule)")
                }
            };
            say_in!(
                self.lang,
                "  远程支持：先远程 {} 分钟；{how}",
                "  Remote support: {} min remote first; {how}",
                r.remote_window_min
            );
        }
        if let Some(m) = policy.major_fault_spares {
            say_in!(
                self.lang,
                "  重大故障：有备件 {} 分钟内恢复，无备件 {} 分钟内以其他设备替换",
                "  Major fault: restored within {} min with spares, replaced by other equipment within {} min without",
                m.with_spares_min,
                m.replaced_without_spares_min
            );
        }
        if let Some(f) = policy.fibre {
            say_in!(
                self.lang,
                "  光纤线路：{} 分钟内修复，外力/自然灾害 {} 分钟",
                "  Fibre: repaired within {} min, {} min after external damage or a natural disaster",
                f.repair_min,
                f.external_cause_min
            );
        }
        if let Some(m) = policy.feedback_min {
            say_in!(
                self.lang,
                "  反馈：解决后 {m} 分钟内告知用户",
                "  Feedback: the client is told within {m} min of resolution"
            );
        }
        let force_majeure = if !policy.has_force_majeure() {
            self.lang.pick(
                "不适用（按一般故障计）",
                "not applicable (counted as any fault)",
            )
        } else if policy.force_majeure_by_agreement {
            self.lang.pick(
                "经用户认可后不计超时",
                "no breach once the client accepts the claim",
            )
        } else {
            self.lang.pick(
                "认定原因即不计超时（旧版规则）",
                "no breach once the cause is determined (old rule)",
            )
        };
        say_in!(
            self.lang,
            "  不可抗拒因素：{force_majeure}",
            "  Force majeure: {force_majeure}"
        );
    }

    /// `level`: the PAdES level of a signed export ("B-T" with the server's time stamp, "B-B"
    /// without), `None` for an unsigned one.
    pub fn exported(&self, path: &Path, bytes: usize, level: Option<&str>) {
        let value = serde_json::json!({
            "out": path, "bytes": bytes, "signed": level.is_some(), "pades_level": level,
        });
        self.json_or(&value, || {
            let what = match level {
                Some("B-T") => self.lang.pick("已导出并签名，含服务器可信时间戳 (exported and signed, PAdES B-T: time-stamped by the server)", "Exported and signed, PAdES B-T: time-stamped by the server"),
                Some(_) => self.lang.pick("已导出并签名；未连上服务器，无可信时间戳，仅含本机时间 (exported and signed, PAdES B-B: offline, no trusted time stamp)", "Exported and signed, PAdES B-B: offline, no trusted time stamp"),
                None => self.lang.pick("已导出 (exported)", "Exported"),
            };
            say_in!(
                self.lang,
                "{what}: {} （{} KB）",
                "{what}: {} ({} KB)",
                path.display(),
                bytes.div_ceil(1024)
            );
        });
    }

    pub fn imported(&self, path: &Path, r: &fieldlog_store::ImportReport) {
        self.json_or(r, || {
            say_in!(
                self.lang,
                "已导入 (imported) {}：{} 行，新增点位 {}，已有点位 {}，新增设备 {}，已存在而跳过的设备 {}",
                "Imported {}: {} row(s), {} site(s) added, {} site(s) already there, {} device(s) added, {} device(s) already there and skipped",
                path.display(),
                r.rows,
                r.sites_added,
                r.sites_reused,
                r.devices_added,
                r.devices_skipped
            );
        });
    }

    pub fn summary(&self, view: &SummaryView) {
        self.json_or(view, || {
            let s = &view.summary;
            say_in!(
                self.lang,
                "{} 每月维护报告汇总 {}（截至 {}）",
                "{} monthly maintenance summary {} (as of {})",
                view.contract_name,
                view.period,
                format_local(s.as_of)
            );
            let mut section = String::new();
            for row in fieldlog_export::summary_table::rows_in(view, self.lang) {
                if row.section != section {
                    say!("{}", row.section);
                    section = row.section.clone();
                }
                let faults = fieldlog_export::summary_table::fault_list(&row.faults);
                say!(
                    "  {}  {}  {}{}",
                    row.item,
                    fieldlog_export::summary_table::value_text(row.value),
                    row.note,
                    if faults.is_empty() {
                        String::new()
                    } else {
                        format!("  [{faults}]")
                    }
                );
            }
        });
    }

    pub fn verification(&self, path: &Path, v: &fieldlog_export::Verification) {
        use fieldlog_export::{SignerTrust, Verdict};
        let verdict = match v.verdict {
            Verdict::Trusted => "trusted",
            Verdict::SignerNotVerified => "signer_not_verified",
            Verdict::NotIntact => "not_intact",
        };
        let trust = |t: &SignerTrust| match t {
            SignerTrust::Trusted { root } => serde_json::json!({"status": "trusted", "root": root}),
            SignerTrust::NotVerified { top } => {
                serde_json::json!({"status": "not_verified", "chain_ends_at": top})
            }
            SignerTrust::Invalid { reason } => {
                serde_json::json!({"status": "invalid", "reason": reason})
            }
            SignerTrust::Revoked {
                serial,
                subject,
                at,
            } => serde_json::json!({
                "status": "revoked", "serial": serial, "subject": subject,
                "revoked_at": at.to_rfc3339(),
            }),
        };
        let signatures: Vec<_> = v
            .signatures
            .iter()
            .map(|s| {
                serde_json::json!({
                    "signer": s.signer,
                    "signing_time": s.signing_time.map(|t| t.to_rfc3339()),
                    "intact": s.intact,
                    "revision": s.revision,
                    "covered_bytes": s.covered_bytes,
                    "issuer": s.issuer,
                    "self_issued": s.self_issued,
                    "trust": trust(&s.trust),
                    "timestamp": match &s.timestamp {
                        Some(fieldlog_export::TimeStampCheck::Valid { time, tsa, trust: t }) => serde_json::json!({
                            "time": time.to_rfc3339(), "tsa": tsa, "trust": trust(t),
                        }),
                        Some(fieldlog_export::TimeStampCheck::Invalid { reason }) => {
                            serde_json::json!({"invalid": reason})
                        }
                        None => serde_json::Value::Null,
                    },
                })
            })
            .collect();
        let last = v.signatures.last();
        let value = serde_json::json!({
            "file": path,
            "verdict": verdict,
            "reason": v.reason(),
            "trusted": v.verdict == Verdict::Trusted,
            "signer": v.signer,
            "signing_time": v.signing_time.map(|t| t.to_rfc3339()),
            "intact": v.intact,
            "covers_whole_file": v.covers_whole_file,
            "issuer": last.map(|s| s.issuer.clone()),
            "self_issued": last.map(|s| s.self_issued),
            "revisions": v.revisions,
            "bytes_after_last_signature": v.bytes_after_last_signature,
            "signatures": signatures,
        });
        self.json_or(&value, || {
            say_in!(
                self.lang,
                "文件共 {0} 个版本，{1} 个签名 ({0} revision(s), {1} signature(s))",
                "{0} revision(s), {1} signature(s)",
                v.revisions,
                v.signatures.len()
            );
            for (i, s) in v.signatures.iter().enumerate() {
                let when = s
                    .signing_time
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default();
                let state = if s.intact {
                    self.lang.pick(
                        "签名与内容相符 (matches its content)",
                        "matches its content",
                    )
                } else {
                    self.lang.pick(
                        "签名与内容不符 (DOES NOT match its content)",
                        "DOES NOT match its content",
                    )
                };
                say_in!(
                    self.lang,
                    "签名 {0} signature {0}: 签字人 signer: {1}  时间 time: {when}  覆盖第 {2} 版 covers revision {2}  {state}",
                    "Signature {0}: signer: {1}  time: {when}  covers revision {2}  {state}",
                    i + 1,
                    s.signer,
                    s.revision
                );
                match &s.timestamp {
                    Some(fieldlog_export::TimeStampCheck::Valid { time, tsa, trust }) => {
                        let trust = if matches!(trust, SignerTrust::Trusted { .. }) {
                            self.lang.pick("可信 / trusted", "trusted")
                        } else {
                            self.lang.pick("时间戳机构未经核实 / TSA not verified", "TSA not verified")
                        };
                        say_in!(
                            self.lang,
                            "  时间戳 time stamp: {}（{tsa}，{trust}）",
                            "  time stamp: {} ({tsa}, {trust})",
                            time.with_timezone(&fieldlog_domain::time::china()).format("%Y-%m-%d %H:%M:%S"),
                        )
                    }
                    Some(fieldlog_export::TimeStampCheck::Invalid { reason }) => say_in!(
                        self.lang,
                        "  时间戳 time stamp: 无效 (invalid): {reason}",
                        "  time stamp: invalid: {reason}"
                    ),
                    None => say_in!(
                        self.lang,
                        "  时间戳 time stamp: 无（签名时间只是本机时钟）(none: the signing time is the laptop's clock)",
                        "  time stamp: none (the signing time is the laptop's clock)"
                    ),
                }
                match &s.trust {
                    SignerTrust::Trusted { root } => say_in!(
                        self.lang,
                        "  证书 certificate: 经信任的根证书“{root}”核实 (verified through the trusted root)",
                        "  certificate: verified through the trusted root \"{root}\""
                    ),
                    SignerTrust::NotVerified { top } if s.self_issued => say_in!(
                        self.lang,
                        "  证书 certificate: 签字人自签发，未经核实 (self-issued by the signer, NOT verified; chain ends at {top})",
                        "  certificate: self-issued by the signer, NOT verified; chain ends at {top}"
                    ),
                    SignerTrust::NotVerified { top } => say_in!(
                        self.lang,
                        "  证书 certificate: 证书链止于“{top}”，不是您信任的根证书，未经核实 (chain ends at {top}, not a trusted root: NOT verified)",
                        "  certificate: chain ends at {top}, not a trusted root: NOT verified"
                    ),
                    SignerTrust::Invalid { reason } => say_in!(
                        self.lang,
                        "  证书 certificate: 无效 (invalid): {reason}",
                        "  certificate: invalid: {reason}"
                    ),
                    SignerTrust::Revoked { serial, at, .. } => say_in!(
                        self.lang,
                        "  证书 certificate: 已吊销 (REVOKED) {serial} @ {}",
                        "  certificate: REVOKED {serial} @ {}",
                        at.to_rfc3339()
                    ),
                }
            }
            if v.bytes_after_last_signature > 0 {
                say_in!(
                    self.lang,
                    "最后一个签名之后还有 {0} 字节 ({0} bytes follow the last signature)",
                    "{0} bytes follow the last signature",
                    v.bytes_after_last_signature
                );
            }
            let head = match v.verdict {
                Verdict::Trusted => self.lang.pick(
                    "完好，签字人可信 (intact, signer trusted)",
                    "intact, signer trusted",
                ),
                Verdict::SignerNotVerified => self.lang.pick(
                    "完好，但签字人未经核实 (intact, but signer not verified)",
                    "intact, but signer not verified",
                ),
                Verdict::NotIntact => self.lang.pick(
                    "已被改动或伪造，不能作为凭证 (ALTERED or forged: not valid evidence)",
                    "ALTERED or forged: not valid evidence",
                ),
            };
            say_in!(
                self.lang,
                "结论 verdict: {head}：{}",
                "Verdict: {head}: {}",
                v.reason()
            );
        });
    }

    pub fn arrival(&self, arrival: &Arrival, site: &Site) {
        self.json_or(arrival, || {
            say_in!(
                self.lang,
                "已签到 (checked in): {} {}  {}",
                "Checked in: {} {}  {}",
                site.code,
                site.name,
                format_local(arrival.arrived_at)
            );
        });
    }

    pub fn report_rows(&self, rows: &[ReportRow]) {
        self.json_or(&rows, || self.report_rows_text(rows));
    }

    fn report_rows_text(&self, rows: &[ReportRow]) {
        if rows.is_empty() {
            say!("{}", self.lang.pick("没有日报 (no reports)", "No reports"));
        }
        for r in rows {
            let amends = r
                .amends
                .map(|a| {
                    let amends = self.lang.pick("修订自", "amends");
                    format!("  {amends} {}", short(a))
                })
                .unwrap_or_default();
            let late = r
                .filled_late_at
                .map(|at| {
                    let late = self.lang.pick("补填于", "filled in later,");
                    format!("  {late} {}", format_local(at))
                })
                .unwrap_or_default();
            say_in!(
                self.lang,
                "{}  {}  {}  {}  {} 条  {}{amends}{late}",
                "{}  {}  {}  {}  {} entries  {}{amends}{late}",
                short(r.id),
                r.work_date,
                r.technician_name,
                r.contract_name,
                r.entry_count,
                r.status.label(self.lang)
            );
        }
    }

    /// Issue 19: the technician's days of a month without a report.
    pub fn missing_days(&self, days: &[fieldlog_wire::v1::MissingDay]) {
        self.json_or(&days, || {
            if days.is_empty() {
                say!(
                    "{}",
                    self.lang
                        .pick("本月没有缺报的日期 (no missing day)", "No missing day")
                );
            }
            for d in days {
                say_in!(
                    self.lang,
                    "缺报  {}  {}",
                    "missing  {}  {}",
                    d.date,
                    d.contract_name
                );
            }
        });
    }

    pub fn report_document(&self, doc: &ReportDocument) {
        self.json_or(doc, || {
            let r = &doc.row;
            say_in!(
                self.lang,
                "日报 {}  {}  {}  {}  {}",
                "Report {}  {}  {}  {}  {}",
                r.id,
                r.work_date,
                r.technician_name,
                r.contract_name,
                r.status.label(self.lang)
            );
            if let Some(at) = r.filled_late_at {
                say_in!(
                    self.lang,
                    "  补填于 {}",
                    "  filled in later, {}",
                    format_local(at)
                );
            }
            if let Some(amends) = doc.report.amends {
                say_in!(
                    self.lang,
                    "  修订自 {amends}：{}",
                    "  amends {amends}: {}",
                    doc.report.amend_reason.as_deref().unwrap_or("")
                );
            }
            for e in &doc.entries {
                say!("  {}", entry_line(e, self.lang));
                if e.struck {
                    say_in!(self.lang, "     （已划去）", "     (struck)");
                }
                if let Some(reason) = &e.change_reason {
                    say_in!(self.lang, "     原因：{reason}", "     reason: {reason}");
                }
            }
            for (i, c) in doc.changes.iter().enumerate() {
                say!(
                    "  #{} {}  {}",
                    i + 1,
                    c.kind.label(self.lang),
                    c.fields.join(", ")
                );
            }
            for s in &doc.signatures {
                say_in!(
                    self.lang,
                    "  签字：{}（{}）{}",
                    "  Signed: {} ({}) {}",
                    s.signer_name,
                    s.role.label(self.lang),
                    format_local(s.signed_at)
                );
            }
            match doc.content_intact {
                Some(true) => say_in!(
                    self.lang,
                    "  内容与签字时一致 (content matches the signature)",
                    "  Content matches the signature"
                ),
                Some(false) => say_in!(
                    self.lang,
                    "  警告：内容与签字时不一致 (WARNING: content differs from what was signed)",
                    "  WARNING: content differs from what was signed"
                ),
                None => {}
            }
            if !doc.held_entries.is_empty() {
                let held = phrase::HELD_AFTER_SIGNING;
                match self.lang {
                    Lang::ZhCn => say!("  {} / {}", held.zh, held.en),
                    Lang::En => say!("  {}", held.en),
                }
                for h in &doc.held_entries {
                    let at = h
                        .held_at
                        .map(|t| {
                            let held_at = self
                                .lang
                                .pick("服务器收到并单列于", "held apart by the server at");
                            format!("  {held_at} {}", format_local(t))
                        })
                        .unwrap_or_default();
                    say_in!(
                        self.lang,
                        "    待核对 {}{at}",
                        "    to review {}{at}",
                        entry_line(&h.entry, self.lang)
                    );
                }
            }
        });
    }

    pub fn audit(&self, audit: &fieldlog_store::chain::Audit) {
        self.json_or(audit, || {
            say_in!(
                self.lang,
                "证据链 evidence chain: {} 环 links，末环 head {}",
                "Evidence chain: {} links, head {}",
                audit.links,
                audit.head.as_deref().unwrap_or("-")
            );
            if let Some(n) = audit.server_links {
                say_in!(
                    self.lang,
                    "已与服务器保存的 {n} 环核对 (compared with the server's {n} links)",
                    "Compared with the server's {n} links"
                );
            }
            if audit.intact() {
                say_in!(
                    self.lang,
                    "完好：每条存证记录都与记录时一致 (intact: every record matches its link)",
                    "Intact: every record matches its link"
                );
            }
            for finding in &audit.findings {
                say!("  ✗ {}", finding.describe_in(self.lang));
            }
        });
    }

    pub fn stock(&self, reports: &[StockReport]) {
        self.json_or(&reports, || {
            for report in reports {
                say!("{}", report.contract_name);
                for p in &report.parts {
                    // Issue 19: the contract's total, and what this technician holds or sent.
                    say_in!(
                        self.lang,
                        "  {}  {}  [{}]  余量 {}（本人 {}，在途 {}）",
                        "  {}  {}  [{}]  balance {} (yours {}, in transit {})",
                        p.code,
                        p.name,
                        p.kind.label(self.lang),
                        p.balance,
                        p.mine,
                        p.in_transit
                    );
                }
                let f = &report.floor;
                let warn = |below: bool| {
                    if below {
                        self.lang.pick(
                            "  ⚠ 低于合同下限 (below the floor)",
                            "  ⚠ below the contract's floor",
                        )
                    } else {
                        ""
                    }
                };
                say_in!(
                    self.lang,
                    "  主要设备备品合计 {} / 下限 {}{}",
                    "  Main-equipment spare units {} / floor {}{}",
                    f.units,
                    f.floor.units,
                    warn(f.units_below_floor)
                );
                say_in!(
                    self.lang,
                    "  主要设备备件合计 {} / 下限 {}{}",
                    "  Main-equipment spare parts {} / floor {}{}",
                    f.parts,
                    f.floor.parts,
                    warn(f.parts_below_floor)
                );
            }
        });
    }

    /// Issue 19: transfers to and from this laptop's technician, per contract.
    pub fn transfers(&self, reports: &[StockReport]) {
        self.json_or(
            &reports.iter().map(|r| &r.transfers).collect::<Vec<_>>(),
            || {
                for report in reports {
                    say!("{}", report.contract_name);
                    for t in &report.transfers {
                        let id = t.id.to_string();
                        let state = match (t.confirmed_at, t.incoming) {
                            (Some(_), _) => self.lang.pick("已确认", "confirmed"),
                            (None, true) => {
                                self.lang.pick("待您确认收货", "awaiting your confirmation")
                            }
                            (None, false) => self.lang.pick("在途", "in transit"),
                        };
                        say!(
                            "  {}  {} {} ×{}  {} → {}  {}",
                            &id[id.len() - 8..],
                            t.code,
                            t.name,
                            t.quantity,
                            t.from_name,
                            t.to_name,
                            state
                        );
                    }
                }
            },
        );
    }

    pub fn movement(&self, movement: &StockMovement, part: &SparePart, balance: i64) {
        let value = serde_json::json!({ "movement": movement, "balance": balance });
        self.json_or(&value, || {
            let sign = if movement.kind.sign() > 0 { "+" } else { "-" };
            let verb = movement.kind.label(self.lang);
            say_in!(
                self.lang,
                "{verb} {} {}{}  余量 {balance}",
                "{verb} {} {}{}  balance {balance}",
                part.name,
                sign,
                movement.quantity
            );
        });
    }
}

fn clock_line(clock: &Clock, lang: Lang) -> String {
    let deadline = clock
        .deadline
        .map(format_local)
        .unwrap_or_else(|| "—".into());
    let remaining = match (clock.state, clock.remaining_seconds) {
        (ClockState::Running, Some(s)) => {
            format!("  {} {}", lang.pick("剩余", "left"), duration(s, lang))
        }
        (ClockState::Breached, Some(s)) => {
            format!(
                "  {} {}",
                lang.pick("已超时", "overdue by"),
                duration(-s, lang)
            )
        }
        _ => String::new(),
    };
    let (kind, state) = (clock.kind.label(lang), clock.state.label(lang));
    match lang {
        Lang::ZhCn => format!(
            "{kind}：{state}  时限 {deadline}{remaining}  ［{}］",
            clock.rule
        ),
        Lang::En => format!(
            "{kind}: {state}  due {deadline}{remaining}  [{}]",
            clock.rule_en
        ),
    }
}

fn duration(seconds: i64, lang: Lang) -> String {
    let minutes = seconds.max(0) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    match lang {
        Lang::ZhCn if minutes >= 60 => format!("{h} 小时 {m} 分"),
        Lang::ZhCn => format!("{minutes} 分钟"),
        Lang::En if minutes >= 60 => format!("{h} h {m} min"),
        Lang::En => format!("{minutes} min"),
    }
}

/// A fault level as lists show it: "B级", "level B".
fn level_text(level: fieldlog_domain::sla::FaultLevel, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("{level}级"),
        Lang::En => format!("level {level}"),
    }
}

/// Who holds a fault, as the lists show it (我的 / 已派给 X / 冲突: X, Y / 未派单).
fn holder_text(holder: &fieldlog_wire::v1::FaultHolder, lang: Lang) -> String {
    use fieldlog_wire::v1::FaultHolder;
    match (holder, lang) {
        (FaultHolder::Unassigned, Lang::ZhCn) => "未派单".into(),
        (FaultHolder::Unassigned, Lang::En) => "unassigned".into(),
        (FaultHolder::Mine, Lang::ZhCn) => "我的".into(),
        (FaultHolder::Mine, Lang::En) => "mine".into(),
        (FaultHolder::Other { name }, Lang::ZhCn) => format!("已派给 {name}"),
        (FaultHolder::Other { name }, Lang::En) => format!("assigned to {name}"),
        (FaultHolder::Disputed { names, .. }, Lang::ZhCn) => format!("冲突：{}", names.join("、")),
        (FaultHolder::Disputed { names, .. }, Lang::En) => {
            format!("disputed: {}", names.join(", "))
        }
    }
}

/// Sync: enrollment, the state of sync, one round.
impl Output {
    pub fn enrolled(&self, enrolled: &fieldlog_wire::sync::v1::EnrollResponse) {
        // The token stays in the profile database; it is not printed.
        let value = serde_json::json!({
            "device_id": enrolled.device_id,
            "technician_id": enrolled.technician_id,
            "technician_name": enrolled.technician_name,
            "contracts": enrolled.contracts,
            "signing_certificate_serial": enrolled.signing_certificate.as_ref().map(|c| &c.serial),
            "signing_certificate_not_after": enrolled.signing_certificate.as_ref().map(|c| c.not_after),
        });
        self.json_or(&value, || {
            say_in!(
                self.lang,
                "本机已注册 (enrolled): {} · 合同 (contracts): {}",
                "Enrolled: {} · contracts: {}",
                enrolled.technician_name,
                enrolled.contracts.join(", ")
            );
            if let Some(certificate) = &enrolled.signing_certificate {
                say_in!(
                    self.lang,
                    "签名证书已由服务器签发 (signing certificate issued by the server): 序列号 serial {} · 有效期至 valid until {}",
                    "Signing certificate issued by the server: serial {} · valid until {}",
                    certificate.serial,
                    format_local(certificate.not_after)
                );
            }
        });
    }

    pub fn sync_status(&self, status: &fieldlog_store::sync::SyncStatus) {
        self.json_or(status, || {
            let last = status.last_good_sync_at.map_or_else(
                || self.lang.pick("从未 (never)", "never").to_owned(),
                format_local,
            );
            say_in!(
                self.lang,
                "上次成功同步 (last good sync): {last} · 待上传 (waiting to send): {} · 待处理冲突 (conflicts): {}",
                "Last good sync: {last} · waiting to send: {} · conflicts: {}",
                status.pending_changes,
                status.open_conflicts
            );
            if let Some(error) = &status.last_error {
                say_in!(
                    self.lang,
                    "上次错误 (last error): {error}",
                    "Last error: {error}"
                );
            }
            if let Some(offset) = status.clock_offset_secs.filter(|o| {
                o.abs() > fieldlog_wire::sync::v1::CLOCK_TOLERANCE_SECS
            }) {
                say_in!(
                    self.lang,
                    "注意：本机时钟与服务器相差约 {0} 分钟，请校准时间 (this laptop's clock is about {0} min off the server's)",
                    "Note: this laptop's clock is about {0} min off the server's; please set the time",
                    offset.abs() / 60
                );
            }
        });
    }

    pub fn sync_round(
        &self,
        round: &fieldlog_sync::RoundReport,
        status: &fieldlog_store::sync::SyncStatus,
    ) {
        let value = serde_json::json!({ "round": round, "status": status });
        self.json_or(&value, || {
            say_in!(
                self.lang,
                "同步完成 (synced): 上传 (sent) {} · 下载 (received) {} · 冲突 (conflicts) {}",
                "Synced: sent {} · received {} · conflicts {}",
                round.pushed,
                round.pulled,
                status.open_conflicts
            );
            if round.clock_suspect {
                say_in!(
                    self.lang,
                    "注意：本机时钟与服务器相差超过 5 分钟，请校准时间 (this laptop's clock is more than 5 minutes off)",
                    "Note: this laptop's clock is more than 5 minutes off the server's; please set the time"
                );
            }
        });
    }
}

/// One report entry as `report show` prints it (without its indentation).
fn entry_line(e: &fieldlog_domain::report::ReportEntry, lang: fieldlog_domain::Lang) -> String {
    use fieldlog_domain::fault::FaultStatus;
    let state = match e.unresolved_reason {
        None => FaultStatus::Resolved.label(lang).to_owned(),
        Some(reason) if lang == Lang::En => format!(
            "{} ({})",
            FaultStatus::Unresolved.label(lang),
            reason.label(lang)
        ),
        Some(reason) => format!(
            "{}（{}）",
            FaultStatus::Unresolved.label(lang),
            reason.label(lang)
        ),
    };
    match lang {
        Lang::ZhCn => format!(
            "{}. 原因：{}  处理：{}  {state}  备件 {} 项",
            e.position,
            e.fault_cause,
            e.work_done,
            e.parts.len()
        ),
        Lang::En => format!(
            "{}. cause: {}  work done: {}  {state}  {} part(s)",
            e.position,
            e.fault_cause,
            e.work_done,
            e.parts.len()
        ),
    }
}
