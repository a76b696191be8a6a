//! The summary as rows for a client's clerk: one table (section, item, value, note, faults) that
//! the CSV is and the XLSX's first sheet shows, plus the fault list (the drill-down) for the
//! second sheet. Built once from the store's `SummaryView`, so every format says the same.

use fieldlog_domain::clocks::{ClockKind, ClockState, ClockTally, Compliance};
use fieldlog_domain::fault::ForceMajeureState;
use fieldlog_domain::fault::UnresolvedReason;
use fieldlog_domain::ids::FaultId;
use fieldlog_domain::labels::{FAULT_EVENT_KINDS, Label, Lang, phrase};
use fieldlog_domain::sla::FaultLevel;
use fieldlog_domain::summary::{
    Figure, Figures, ForceMajeureCase, ForceMajeureClaims, Substitution,
};
use fieldlog_domain::time::format_local;
use fieldlog_wire::v1::SummaryView;
use std::collections::HashMap;

/// One line of the summary table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub section: String,
    pub item: String,
    /// Counts are whole numbers; rates are percent rounded to 0.1. `None` reads "—" (nothing to
    /// judge).
    pub value: Option<f64>,
    pub note: String,
    pub faults: Vec<FaultId>,
}

pub const HEADER: [&str; 5] = ["类别", "项目", "数值", "说明", "故障编号"];
pub const FAULT_HEADER: [&str; 8] = [
    "故障编号",
    "报修时间",
    "级别",
    "点位",
    "设备",
    "故障描述",
    "统计口径",
    "截止时状态",
];

/// How lists and commands show an id: its last 8 hex digits.
pub fn short_id(id: FaultId) -> String {
    let text = id.to_string();
    text[text.len() - 8..].to_owned()
}

/// At most this many ids in one cell: Excel and LibreOffice hold at most 32,767 characters in
/// a cell (a year's "reported" names tens of thousands of faults). The XLSX's fault sheet lists
/// every fault.
pub const MAX_IDS_IN_CELL: usize = 3_000;

/// The ids of a figure's faults as one cell: short ids, space-separated, capped (see above).
pub fn fault_list(ids: &[FaultId]) -> String {
    let mut text = ids
        .iter()
        .take(MAX_IDS_IN_CELL)
        .map(|id| short_id(*id))
        .collect::<Vec<_>>()
        .join(" ");
    if ids.len() > MAX_IDS_IN_CELL {
        text.push_str(&format!(" …（共 {} 起，全部见“故障明细”）", ids.len()));
    }
    text
}

/// `met` of `judged` as percent rounded to 0.1 by the one rule every format uses.
pub fn percent(met: u32, judged: u32) -> Option<f64> {
    fieldlog_domain::rounding::percent_value(met, judged)
}

fn count(section: &str, item: &str, figure: &Figure) -> Row {
    Row {
        section: section.into(),
        item: item.into(),
        value: Some(f64::from(figure.count)),
        note: String::new(),
        faults: figure.fault_ids.clone(),
    }
}

fn tally_note(t: &ClockTally, lang: Lang) -> String {
    format!(
        "{} {} / {} {} / {} {} / {} {}",
        ClockState::Met.label(lang),
        t.met,
        ClockState::Breached.label(lang),
        t.breached,
        ClockState::Running.label(lang),
        t.running,
        ClockState::Exempt.label(lang),
        t.exempt
    )
}

/// The clocks a contract carries beyond response / arrival / resolution (feedback, major-fault
/// restoration), per level, wherever any fault ran them: (level, clock, tally).
pub fn further_clocks(c: &Compliance) -> Vec<(FaultLevel, ClockKind, &ClockTally)> {
    let mut out = Vec::new();
    for level in &c.levels {
        for (kind, tally) in [
            (ClockKind::Feedback, &level.feedback),
            (ClockKind::MajorRestoration, &level.major_restoration),
        ] {
            if *tally != ClockTally::default() {
                out.push((level.level, kind, tally));
            }
        }
    }
    out
}

/// The month's claims in one line, `None` when there were none.
pub fn claims_text(c: &ForceMajeureClaims) -> Option<String> {
    (c.claimed.count > 0).then(|| {
        format!(
            "{}申报 {} 起：{} {}，{} {}（不计超时），{} {}（按一般故障计）",
            UnresolvedReason::ForceMajeure.label_zh(),
            c.claimed.count,
            ForceMajeureState::Pending.label_zh(),
            c.pending.count,
            ForceMajeureState::Accepted.label_zh(),
            c.accepted.count,
            ForceMajeureState::Refused.label_zh(),
            c.refused.count
        )
    })
}

/// The client's answer to a claim, as a reader sees it.
pub fn agreement_text(case: &ForceMajeureCase) -> String {
    agreement_text_in(case, Lang::ZhCn)
}

/// The same in `lang`.
fn agreement_text_in(case: &ForceMajeureCase, lang: Lang) -> String {
    // zh-CN keeps the view's own label, as the documents always have.
    let state_label = match (case.state, lang) {
        (Some(state), Lang::En) => state.label(lang),
        _ => case.state_label.as_str(),
    };
    match case.state {
        None => "—".into(),
        Some(ForceMajeureState::Pending) => match lang {
            Lang::ZhCn => format!(
                "{state_label}（已于 {} 告知 {}）",
                case.told_at.map(format_local).unwrap_or_default(),
                case.told.clone().unwrap_or_default()
            ),
            Lang::En => format!(
                "{state_label} (told {} on {})",
                case.told.clone().unwrap_or_default(),
                case.told_at.map(format_local).unwrap_or_default()
            ),
        },
        Some(_) => {
            let mut text = format!(
                "{} {} {}",
                state_label,
                case.answered_at.map(format_local).unwrap_or_default(),
                case.answered_by.clone().unwrap_or_default()
            );
            if let Some(note) = case.answer_note.as_deref().filter(|n| !n.is_empty()) {
                text.push_str(&format!("{}{note}", lang.pick("：", ": ")));
            }
            text
        }
    }
}

/// The spare of a substitution: code, name and model.
pub fn substitution_part(x: &Substitution) -> String {
    match &x.model {
        Some(model) => format!("{} {}（{model}）", x.part_code, x.part_name),
        None => format!("{} {}", x.part_code, x.part_name),
    }
}

fn figure_rows(section: &str, f: &Figures, rows: &mut Vec<Row>, lang: Lang) {
    let t = |zh, en| lang.pick(zh, en);
    rows.push(count(
        section,
        t("报修设备数量", "Devices reported"),
        &f.reported,
    ));
    rows.push(count(
        section,
        t("已维护完毕的设备数量", "Devices repaired"),
        &f.repaired,
    ));
    rows.push(count(
        section,
        t("未解决设备数量", "Devices unresolved"),
        &f.unresolved,
    ));
    rows.push(Row {
        section: section.into(),
        item: t("故障解决率（%）", "Resolution rate (%)").into(),
        value: percent(f.repaired.count, f.reported.count),
        note: format!("{}/{}", f.repaired.count, f.reported.count),
        faults: Vec::new(),
    });
    rows.push(count(
        section,
        t("上期遗留本期修复", "Carried over, repaired this period"),
        &f.carried_over_repaired,
    ));
    rows.push(count(
        section,
        t("上期遗留未解决", "Carried over, still unresolved"),
        &f.carried_over_open,
    ));
    rows.push(count(
        section,
        UnresolvedReason::ForceMajeure.label(lang),
        &f.force_majeure,
    ));
}

/// The summary table, top to bottom, in zh-CN: the CSV, the spreadsheet and the PDF are Chinese
/// documents for the client.
pub fn rows(view: &SummaryView) -> Vec<Row> {
    rows_in(view, Lang::ZhCn)
}

/// The summary table in `lang` (the CLI's `summary --lang en`). Data (names, descriptions) stays
/// as typed; the view's Chinese labels are looked up again by their codes.
pub fn rows_in(view: &SummaryView, lang: Lang) -> Vec<Row> {
    let t = |zh, en| lang.pick(zh, en);
    let s = &view.summary;
    let f = &s.figures;
    let mut rows = Vec::new();
    figure_rows(t("维护概况", "Overview"), f, &mut rows, lang);
    for r in &f.unresolved_by_reason {
        rows.push(count(
            t("未解决的原因", "Why unresolved"),
            r.reason.label(lang),
            &r.figure,
        ));
    }
    for level in &f.compliance.levels {
        let clocks = [
            (ClockKind::Response, &level.response),
            (ClockKind::Arrival, &level.arrival),
            (ClockKind::Resolution, &level.resolution),
            (ClockKind::Feedback, &level.feedback),
            (ClockKind::MajorRestoration, &level.major_restoration),
        ];
        for (kind, tally) in clocks {
            if *tally == ClockTally::default() {
                continue;
            }
            let breached = f
                .clock_faults
                .iter()
                .find(|c| c.level == level.level && c.clock == kind)
                .map(|c| c.breached.clone())
                .unwrap_or_default();
            let item = match lang {
                Lang::ZhCn => format!("{}级 {}达标率（%）", level.level, kind.label(lang)),
                Lang::En => format!("Level {} {} met (%)", level.level, kind.label(lang)),
            };
            rows.push(Row {
                section: t("服务时限达标率", "SLA compliance").into(),
                item,
                value: percent(tally.met, tally.met + tally.breached),
                note: tally_note(tally, lang),
                faults: breached,
            });
        }
    }
    let faults: HashMap<FaultId, &fieldlog_wire::v1::SummaryFault> =
        view.faults.iter().map(|f| (f.id, f)).collect();
    let claims = &f.force_majeure_claims;
    for (item, figure) in [
        (t("申报", "Claimed"), &claims.claimed),
        (t("待确认", "Awaiting the client"), &claims.pending),
        (t("已认可", "Accepted"), &claims.accepted),
        (t("未认可", "Refused"), &claims.refused),
    ] {
        if claims.claimed.count > 0 {
            rows.push(count(
                t("不可抗拒因素认定", "Force majeure claims"),
                item,
                figure,
            ));
        }
    }
    let point_of = |id: &FaultId| {
        faults
            .get(id)
            .map(|f| format!("{} {}", f.site_code, f.site_name))
            .unwrap_or_default()
    };
    for case in &s.force_majeure_cases {
        let point = point_of(&case.fault_id);
        let note = match lang {
            Lang::ZhCn => format!("{}；用户意见：{}", case.description, agreement_text(case)),
            Lang::En => format!(
                "{}; client's answer: {}",
                case.description,
                agreement_text_in(case, lang)
            ),
        };
        rows.push(Row {
            section: UnresolvedReason::ForceMajeure.label(lang).into(),
            item: format!("{} {point}", format_local(case.reported_at)),
            value: Some(1.0),
            note,
            faults: vec![case.fault_id],
        });
    }
    for x in &s.substitutions {
        let point = point_of(&x.fault_id);
        rows.push(Row {
            section: Label::of(FAULT_EVENT_KINDS, "spare_substituted", lang).into(),
            item: format!("{} {point}", format_local(x.at)),
            value: Some(1.0),
            note: match lang {
                Lang::ZhCn => format!(
                    "{}；原序列号 {} → 新序列号 {}",
                    substitution_part(x),
                    x.old_serial.as_deref().unwrap_or("—"),
                    x.new_serial.as_deref().unwrap_or("—")
                ),
                Lang::En => format!(
                    "{}; serial {} → {}",
                    substitution_part(x),
                    x.old_serial.as_deref().unwrap_or("—"),
                    x.new_serial.as_deref().unwrap_or("—")
                ),
            },
            faults: vec![x.fault_id],
        });
    }
    for p in &f.parts_consumed {
        rows.push(Row {
            section: t("备件消耗", "Parts used").into(),
            item: format!("{} {}", p.code, p.name),
            value: Some(p.quantity as f64),
            note: p.kind.label(lang).into(),
            faults: p.fault_ids.clone(),
        });
    }
    let floor = &s.stock.floor;
    let stock_note = |below: bool, min: i64| match (below, lang) {
        (true, Lang::ZhCn) => format!("下限 {min}，低于下限"),
        (false, Lang::ZhCn) => format!("下限 {min}"),
        (true, Lang::En) => format!("floor {min}, below the floor"),
        (false, Lang::En) => format!("floor {min}"),
    };
    let closing = t("期末库存", "Stock at close");
    rows.push(Row {
        section: closing.into(),
        item: t("备品（整机）", "Spare units (whole devices)").into(),
        value: Some(floor.units as f64),
        note: stock_note(floor.units_below_floor, floor.floor.units),
        faults: Vec::new(),
    });
    rows.push(Row {
        section: closing.into(),
        item: t("备件", "Spare parts").into(),
        value: Some(floor.parts as f64),
        note: stock_note(floor.parts_below_floor, floor.floor.parts),
        faults: Vec::new(),
    });
    for p in &s.stock.under_floor {
        rows.push(Row {
            section: t("低于下限", "Below the floor").into(),
            item: format!("{} {}", p.code, p.name),
            value: Some(p.balance as f64),
            note: p.kind.label(lang).into(),
            faults: Vec::new(),
        });
    }
    for tech in &s.technicians {
        let section = match lang {
            Lang::ZhCn => format!("技服人员：{}", tech.name),
            Lang::En => format!("Technician: {}", tech.name),
        };
        figure_rows(&section, &tech.figures, &mut rows, lang);
        let used: i64 = tech.figures.parts_consumed.iter().map(|p| p.quantity).sum();
        rows.push(Row {
            section,
            item: t("备品备件消耗", "Spares used").into(),
            value: Some(used as f64),
            note: String::new(),
            faults: Vec::new(),
        });
    }
    if s.unattributed.count > 0 {
        rows.push(count(
            t("未记录技服人员", "No technician recorded"),
            t("故障数", "Faults"),
            &s.unattributed,
        ));
    }
    let suspect = &s.clock_suspect;
    rows.push(Row {
        section: phrase::CLOCK_SUSPECT_ARRIVALS.get(lang).into(),
        item: t("到场次数", "Arrivals").into(),
        value: Some(suspect.arrivals.len() as f64),
        note: t(
            "设备时钟与服务器相差超过 5 分钟，或本机时钟倒退",
            "the laptop's clock was more than 5 minutes off the server's, or ran backwards",
        )
        .into(),
        faults: suspect.faults.fault_ids.clone(),
    });
    for a in &suspect.arrivals {
        rows.push(Row {
            section: phrase::CLOCK_SUSPECT_ARRIVALS.get(lang).into(),
            item: format!("{} {} {}", format_local(a.arrived_at), a.site, a.technician),
            value: Some(1.0),
            note: match (a.received_at, lang) {
                (Some(at), Lang::ZhCn) => format!("{}；服务器接收 {}", a.label, format_local(at)),
                (Some(at), Lang::En) => format!(
                    "{}; received by the server {}",
                    a.doubt.label(lang),
                    format_local(at)
                ),
                (None, Lang::ZhCn) => a.label.clone(),
                (None, Lang::En) => a.doubt.label(lang).into(),
            },
            faults: a.fault_id.into_iter().collect(),
        });
    }
    inspection_rows(view, lang, &mut rows);
    entered_later_rows(view, &mut rows, lang);
    rows
}

/// Inspections by plan (issue 19 item 5): per kind with any due in the range, planned, done,
/// overdue and findings. A range with none adds no rows (the summaries before issue 19 read as
/// they did).
fn inspection_rows(view: &SummaryView, lang: Lang, rows: &mut Vec<Row>) {
    let t = |zh, en| lang.pick(zh, en);
    for tally in view.inspections.iter().filter(|t| t.planned > 0) {
        let section = tally.kind.label(lang);
        for (item, value, note) in [
            (t("应巡检次数", "Inspections planned"), tally.planned, ""),
            (t("已完成", "Done"), tally.done, ""),
            (
                t("逾期未完成", "Overdue"),
                tally.overdue,
                t("周期结束仍未完成", "not done by the end of their period"),
            ),
            (t("巡检发现", "Findings"), tally.findings, ""),
            (
                t("发现转为故障", "Findings turned into faults"),
                tally.findings_to_faults,
                "",
            ),
        ] {
            rows.push(Row {
                section: section.into(),
                item: item.into(),
                value: Some(f64::from(value)),
                note: note.into(),
                faults: Vec::new(),
            });
        }
    }
}

/// Issue 19: the events entered later than they happened (补录), one row each after a count.
fn entered_later_rows(view: &SummaryView, rows: &mut Vec<Row>, lang: Lang) {
    let later = &view.summary.entered_later;
    let section = phrase::ENTERED_LATER_EVENTS.get(lang);
    rows.push(Row {
        section: section.into(),
        item: lang.pick("事件数", "Events").into(),
        value: Some(later.events.len() as f64),
        note: lang
            .pick(
                "保存时间比所填发生时间晚 5 分钟以上；时限按所填时间计算，请核对",
                "saved more than 5 minutes after the time given; the clocks count the time given, check it",
            )
            .into(),
        faults: later.faults.fault_ids.clone(),
    });
    for e in &later.events {
        let site = view
            .faults
            .iter()
            .find(|f| f.id == e.fault_id)
            .map(|f| format!("{} {}", f.site_code, f.site_name))
            .unwrap_or_default();
        let kind = match lang {
            Lang::ZhCn => e.label.clone(),
            Lang::En => Label::of(FAULT_EVENT_KINDS, &e.kind, lang).to_owned(),
        };
        rows.push(Row {
            section: section.into(),
            item: format!("{} {} {}", format_local(e.at), site, kind),
            value: Some(1.0),
            note: match lang {
                Lang::ZhCn => format!("补录于 {}", format_local(e.recorded_at)),
                Lang::En => format!("entered {}", format_local(e.recorded_at)),
            },
            faults: vec![e.fault_id],
        });
    }
}

/// The drill-down sheet: every fault the summary names, with where it counts and how it stood.
pub fn fault_rows(view: &SummaryView) -> Vec<[String; 8]> {
    let f = &view.summary.figures;
    let reason: HashMap<FaultId, &str> = f
        .unresolved_by_reason
        .iter()
        .flat_map(|r| r.figure.fault_ids.iter().map(|id| (*id, r.label.as_str())))
        .collect();
    view.faults
        .iter()
        .map(|fault| {
            let id = fault.id;
            let in_figure = |fig: &Figure| fig.fault_ids.binary_search(&id).is_ok();
            let scope = if in_figure(&f.reported) {
                "本期报修"
            } else {
                "上期遗留"
            };
            let state = if in_figure(&f.repaired) || in_figure(&f.carried_over_repaired) {
                "已解决".to_owned()
            } else {
                match reason.get(&id) {
                    Some(r) => format!("未解决：{r}"),
                    None => "未解决".to_owned(),
                }
            };
            [
                short_id(id),
                format_local(fault.reported_at),
                format!("{}级", fault.level),
                format!("{} {}", fault.site_code, fault.site_name),
                fault.device.clone().unwrap_or_else(|| "—".into()),
                fault.description.clone(),
                scope.into(),
                state,
            ]
        })
        .collect()
}

/// A value as a cell's text: whole numbers without a decimal point, "—" for none.
pub fn value_text(value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{v}"),
        None => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_fault_list_fits_in_one_spreadsheet_cell() {
        let ids: Vec<FaultId> = (0..50_000).map(|_| FaultId(uuid::Uuid::now_v7())).collect();
        let text = fault_list(&ids);
        assert!(text.chars().count() <= 32_767, "{}", text.len());
        assert!(text.ends_with("（共 50000 起，全部见“故障明细”）"));
        assert_eq!(fault_list(&ids[..2]).split(' ').count(), 2);
    }
}
