//! The one label table: every stable code a person reads (fault levels, statuses, clock kinds …)
//! and the fixed phrases that several outputs share, each with its zh-CN and English label.
//!
//! Who reads it: the CLI in the user's language (`--lang` or `LANG`), the PDFs and spreadsheets in
//! zh-CN only (they are Chinese documents), and the app through `ui/src/generated/labels.ts`, which
//! `cargo test -p fieldlog-domain --test generated_labels` writes from [`tables`] and which fails
//! when the checked-in file has drifted. A label may change; a code never does.

use crate::clocks::{ClockKind, ClockState};
use crate::fault::{FaultCause, ForceMajeureState, ReportChannel, UnresolvedReason};
use crate::inspection::InspectionKind;
use crate::report::ReportStatus;
use crate::signature::{SignedSubject, SignerRole};
use crate::site::{DeviceKind, SiteKind};
use crate::sla::FaultLevel;
use crate::stock::{MovementKind, SpareKind};

/// The two languages Fieldlog speaks: zh-CN first (the default), English second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The tag the app's settings store and `--lang` takes: `zh-CN` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// A settings tag (`zh-CN`, `en`) or a POSIX locale (`en_US.UTF-8`, `zh_CN.UTF-8`, `C`): English
    /// for anything that starts with `en`, zh-CN for everything else (Chinese is the default).
    pub fn from_tag(tag: &str) -> Lang {
        let tag = tag.trim().to_ascii_lowercase();
        if tag == "en" || tag.starts_with("en_") || tag.starts_with("en-") || tag.starts_with("en.")
        {
            Lang::En
        } else {
            Lang::ZhCn
        }
    }

    /// Picks the sentence in this language.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
    }
}

/// One code and its label in each language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl Label {
    pub const fn new(code: &'static str, zh: &'static str, en: &'static str) -> Self {
        Label { code, zh, en }
    }

    pub fn get(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }

    /// The label of `code` in `table`; the code itself when the table lacks it (a newer code from
    /// another device), so something readable is always shown.
    pub fn of<'a>(table: &'static [Label], code: &'a str, lang: Lang) -> &'a str {
        table
            .iter()
            .find(|l| l.code == code)
            .map_or(code, |l| l.get(lang))
    }
}

/// What kind of event a fault event is, by its stable code (`FaultEventKind::code`).
pub const FAULT_EVENT_KINDS: &[Label] = &[
    Label::new("acknowledged", "响应", "Acknowledged"),
    Label::new("remote_attempt", "远程支持", "Remote support"),
    Label::new("escalated", "向上升级", "Escalated"),
    Label::new("on_site", "到达现场", "Arrived on site"),
    Label::new("spare_substituted", "备品替代", "Spare substituted"),
    Label::new("resolved", "已解决", "Resolved"),
    Label::new("unresolved", "未解决", "Unresolved"),
    Label::new("customer_informed", "告知用户", "Customer informed"),
    Label::new("cause_determined", "原因认定", "Cause determined"),
    Label::new(
        "escalated_on_site",
        "转现场支持",
        "Escalated to on-site support",
    ),
    Label::new(
        "force_majeure_claimed",
        "申报不可抗拒因素",
        "Force majeure claimed",
    ),
    Label::new("force_majeure_agreement", "用户意见", "Client's answer"),
];

/// Where a fault stands (`FaultStatus`).
pub const FAULT_STATUSES: &[Label] = &[
    Label::new("reported", "待响应", "Reported"),
    Label::new("acknowledged", "已响应", "Acknowledged"),
    Label::new("on_site", "处理中", "On site"),
    Label::new("resolved", "已解决", "Resolved"),
    Label::new("unresolved", "未解决", "Unresolved"),
];

/// The summary's group of unresolved faults with no reason given yet (`UnresolvedGroup::Pending`);
/// the other groups are the reasons, labelled as [`UnresolvedReason`] is.
pub const UNRESOLVED_PENDING: Label = Label::new("pending", "处理中", "In progress");

/// Why an arrival's time is in doubt (`ClockDoubt`).
pub const CLOCK_DOUBTS: &[Label] = &[
    Label::new("device", "本机时钟倒退", "Clock ran backwards"),
    Label::new("server", "与服务器时间相差过大", "Clock off the server's"),
    Label::new(
        "both",
        "本机时钟倒退，且与服务器时间相差过大",
        "Clock ran backwards and was off the server's",
    ),
];

/// The kinds of record a number or id names, by the code an error's `what` parameter carries
/// ("fault 'deadbeef' not found").
pub const RECORD_KINDS: &[Label] = &[
    Label::new("arrival", "到场记录", "Arrival"),
    Label::new("contract", "合同", "Contract"),
    Label::new("device", "设备", "Device"),
    Label::new("fault", "故障", "Fault"),
    Label::new("inspection", "巡检计划", "Inspection plan"),
    Label::new("movement", "库存记录", "Stock movement"),
    Label::new(
        "open sync conflict",
        "待处理的同步冲突",
        "Open sync conflict",
    ),
    Label::new("part", "备件", "Spare part"),
    Label::new("photo", "照片", "Photo"),
    Label::new("report", "日报", "Daily report"),
    Label::new("report_entry", "日报条目", "Report entry"),
    Label::new("site", "点位", "Site"),
    Label::new("technician", "技服人员", "Technician"),
];

/// The kinds of record the evidence chain holds, by their code in the chain (`audit verify`'s
/// findings name them).
pub const EVIDENCE_KINDS: &[Label] = &[
    Label::new("fault", "故障", "Fault"),
    Label::new("fault_event", "故障事件", "Fault event"),
    Label::new("arrival", "到场记录", "Arrival"),
    Label::new("stock_movement", "库存变动", "Stock movement"),
    Label::new("signature", "签字", "Signature"),
    Label::new("report", "已签字日报", "Signed daily report"),
    // Issue 19's evidence (migration 0017).
    Label::new("photo", "照片", "Photo"),
    Label::new("inspection_tick", "巡检勾选", "Inspection tick"),
    Label::new("inspection_finding", "巡检发现", "Inspection finding"),
    Label::new("finding_fault", "发现转故障", "Finding turned into a fault"),
    EVIDENCE_RECORD,
];

/// Any other evidence record (a kind a newer build added).
pub const EVIDENCE_RECORD: Label = Label::new("record", "记录", "Record");

/// The two contract presets (`Preset`), by their codes.
pub const PRESETS: &[Label] = &[
    Label::new(
        "county-police-village-query",
        "县公安局村警查询服务",
        "County police village query service",
    ),
    Label::new(
        "city-egov-extranet",
        "市电子政务外网",
        "City e-government extranet",
    ),
];

/// The kinds of record sync carries, by their table (`fieldlog_wire::sync::v1::ENTITIES`): the
/// conflicts screen names them.
pub const SYNC_ENTITIES: &[Label] = &[
    Label::new("sites", "点位", "Site"),
    Label::new("devices", "设备", "Device"),
    Label::new("contracts", "项目", "Contract"),
    Label::new("spare_parts", "备品备件", "Spare part"),
    Label::new("technicians", "技服人员", "Technician"),
    Label::new("inspections", "巡检", "Inspection"),
    Label::new("daily_reports", "日报", "Daily report"),
    Label::new("faults", "故障", "Fault"),
    Label::new("fault_events", "故障记录", "Fault event"),
    Label::new("arrivals", "到场记录", "Arrival"),
    Label::new("fault_assignments", "派单记录", "Assignment"),
    Label::new("signatures", "签字", "Signature"),
    Label::new("report_entries", "日报条目", "Report entry"),
    Label::new("stock_movements", "库存变动", "Stock movement"),
    Label::new("entry_parts", "日报用件", "Part on entry"),
    Label::new("sla_policies", "时限标准", "SLA policy"),
    // Inspections by plan (issue 19 item 5).
    Label::new("inspection_plans", "巡检计划", "Inspection plan"),
    Label::new("inspection_ticks", "巡检勾选", "Inspection tick"),
    Label::new("inspection_findings", "巡检发现", "Inspection finding"),
    Label::new(
        "inspection_finding_faults",
        "发现转故障",
        "Finding turned into a fault",
    ),
    // Issue 19, photos.
    Label::new("photos", "照片", "Photo"),
    Label::new("photo_thumbnails", "照片缩略图", "Photo thumbnail"),
];

/// The fields of a synced record a conflict can be about, by their column.
pub const SYNC_FIELDS: &[Label] = &[
    Label::new("name", "名称", "Name"),
    Label::new("code", "编号", "Code"),
    Label::new("address", "地址", "Address"),
    Label::new("kind", "类型", "Kind"),
    Label::new("model", "型号", "Model"),
    Label::new("serial", "序列号", "Serial"),
    Label::new("staff_no", "工号", "Staff no."),
    Label::new("lat", "纬度", "Latitude"),
    Label::new("lon", "经度", "Longitude"),
    Label::new("client", "采购人", "Client"),
    Label::new("planned_for", "计划日期", "Planned for"),
    Label::new("checklist", "检查项", "Checklist"),
    Label::new("work_date", "工作日期", "Work date"),
    Label::new("amend_reason", "修订原因", "Amendment reason"),
    Label::new("status", "状态", "Status"),
    Label::new("arrived_at", "到场时间", "Arrived at"),
    Label::new("description", "描述", "Description"),
    Label::new("level", "级别", "Level"),
    Label::new("reported_at", "报修时间", "Reported at"),
    // Inspection plans (issue 19 item 5).
    Label::new("site_ids", "巡检点位", "Sites inspected"),
    Label::new("starts_on", "开始日期", "Starts on"),
    Label::new("ends_on", "结束日期", "Ends on"),
];

/// Fixed phrases that more than one output prints (section headings of the summary, the signed
/// report's apart-kept entries …), so each is spelt once.
pub mod phrase {
    use super::Label;

    pub const CLOCK_SUSPECT_ARRIVALS: Label = Label::new(
        "clock_suspect_arrivals",
        "时间存疑的到场",
        "Arrivals with the time in doubt",
    );
    pub const HELD_AFTER_SIGNING: Label = Label::new(
        "held_after_signing",
        "签字后收到的记录（待核对，不属于已签字内容）",
        "Received after signing (to review; not part of the signed report)",
    );
    /// The catalogue a laptop holds (issue 17): the app's screen and `fieldlog contract <code>`.
    pub const CONTRACTS_AND_SITES: Label =
        Label::new("contracts_and_sites", "合同与点位", "Contracts & sites");
    /// A contract whose service period is over (the office closed it, or it ran out).
    pub const SERVICE_ENDED: Label =
        Label::new("service_ended", "服务期已结束", "Service period ended");
    /// A spare of the contract's main equipment (主要设备): the spare floor counts only these.
    pub const MAIN_EQUIPMENT: Label = Label::new("main_equipment", "主要设备", "Main equipment");
    pub const OTHER_EQUIPMENT: Label = Label::new("other_equipment", "其他设备", "Other equipment");
    /// Fault events saved well after the time stated for them (issue 19, `event_time`).
    pub const ENTERED_LATER_EVENTS: Label =
        Label::new("entered_later_events", "补录的事件", "Events entered later");
    /// The mark of one such event (timeline, CLI).
    pub const ENTERED_LATER: Label = Label::new("entered_later", "补录", "entered later");
    /// Every phrase, for the generated file.
    pub const ALL: &[Label] = &[
        CLOCK_SUSPECT_ARRIVALS,
        HELD_AFTER_SIGNING,
        CONTRACTS_AND_SITES,
        SERVICE_ENDED,
        MAIN_EQUIPMENT,
        OTHER_EQUIPMENT,
        ENTERED_LATER_EVENTS,
        ENTERED_LATER,
    ];
}

/// Every table by the name the generated TypeScript file gives it.
pub fn tables() -> Vec<(&'static str, Vec<Label>)> {
    let unresolved_groups = [UnresolvedReason::LABELS, &[UNRESOLVED_PENDING]].concat();
    let tables: &[(&'static str, &[Label])] = &[
        ("FaultLevel", FaultLevel::LABELS),
        ("FaultStatus", FAULT_STATUSES),
        ("ClockKind", ClockKind::LABELS),
        ("ClockState", ClockState::LABELS),
        ("FaultEventKind", FAULT_EVENT_KINDS),
        ("UnresolvedReason", UnresolvedReason::LABELS),
        ("UnresolvedGroup", &unresolved_groups),
        ("FaultCause", FaultCause::LABELS),
        ("ForceMajeureState", ForceMajeureState::LABELS),
        ("ReportChannel", ReportChannel::LABELS),
        ("AssignmentKind", crate::dispatch::AssignmentKind::LABELS),
        ("SpareKind", SpareKind::LABELS),
        ("MovementKind", MovementKind::LABELS),
        ("ReportStatus", ReportStatus::LABELS),
        ("InspectionKind", InspectionKind::LABELS),
        ("SignerRole", SignerRole::LABELS),
        ("SignedSubject", SignedSubject::LABELS),
        ("SiteKind", SiteKind::LABELS),
        ("DeviceKind", DeviceKind::LABELS),
        ("ClockDoubt", CLOCK_DOUBTS),
        ("EvidenceKind", EVIDENCE_KINDS),
        ("RecordKind", RECORD_KINDS),
        ("Preset", PRESETS),
        ("SyncEntity", SYNC_ENTITIES),
        ("SyncField", SYNC_FIELDS),
        ("Phrase", phrase::ALL),
        // issue 19: what a correction did to an entry
        (
            "EntryChangeKind",
            crate::report_versions::EntryChangeKind::LABELS,
        ),
        // Inspections by plan (issue 19 item 5).
        ("TickOutcome", crate::inspection::TickOutcome::LABELS),
        ("TodayGroup", crate::today::TodayGroup::LABELS),
        // Issue 19: what Today offers beside a fault.
        ("TodayOffer", crate::today::TodayOffer::LABELS),
        // Issue 19, photos.
        ("PhotoSubject", crate::photo::PhotoSubject::LABELS),
        ("PhotoStage", crate::photo::PhotoStage::LABELS),
    ];
    tables
        .iter()
        .map(|(name, labels)| (*name, labels.to_vec()))
        .collect()
}

/// `ui/src/generated/labels.ts`: the tables as one TypeScript constant per language.
pub fn typescript() -> String {
    let mut out = String::from(
        "// Generated from crates/fieldlog-domain/src/labels.rs: do not edit.\n\
         // Regenerate: UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-domain --test generated_labels\n\n",
    );
    for lang in Lang::ALL {
        let name = match lang {
            Lang::ZhCn => "zhCN",
            Lang::En => "en",
        };
        out.push_str(&format!("export const {name} = {{\n"));
        for (table, labels) in tables() {
            out.push_str(&format!("  {table}: {{\n"));
            for label in &labels {
                out.push_str(&format!(
                    "    {}: {},\n",
                    json_string(label.code),
                    json_string(label.get(lang))
                ));
            }
            out.push_str("  },\n");
        }
        out.push_str("} as const;\n\n");
    }
    out.push_str("export const labels = { \"zh-CN\": zhCN, en } as const;\n");
    out
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_locales_pick_the_language() {
        for (tag, lang) in [
            ("zh-CN", Lang::ZhCn),
            ("en", Lang::En),
            ("en_US.UTF-8", Lang::En),
            ("EN", Lang::En),
            ("zh_CN.UTF-8", Lang::ZhCn),
            ("C", Lang::ZhCn),
            ("", Lang::ZhCn),
            ("de_DE.UTF-8", Lang::ZhCn),
        ] {
            assert_eq!(Lang::from_tag(tag), lang, "{tag}");
        }
    }

    #[test]
    fn every_table_has_unique_codes_and_both_labels() {
        for (name, table) in tables() {
            let mut codes: Vec<_> = table.iter().map(|l| l.code).collect();
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), table.len(), "{name} repeats a code");
            for label in table {
                assert!(
                    !label.zh.is_empty() && !label.en.is_empty(),
                    "{name}.{}",
                    label.code
                );
                assert!(
                    !label
                        .en
                        .chars()
                        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{name}.{}: the English label has Chinese in it",
                    label.code
                );
            }
        }
    }
}
