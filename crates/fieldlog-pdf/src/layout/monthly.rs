//! 每月维护报告汇总: the month's figures, unresolved devices by reason, the resolution rate, SLA
//! compliance per level (table and bar chart), force-majeure cases and parts consumed.

use super::chart::{Group, Series, bar_chart};
use super::flow::{BODY_SIZE, Cell, Flow, Table, key_value_grid};
use super::{Color, Layout, LayoutError, Measure};
use crate::input::{MonthlySummaryPdf, Rate};
use fieldlog_domain::fault::UnresolvedReason;
use fieldlog_domain::labels::phrase;
use fieldlog_domain::summary::UnresolvedGroup;

pub const TITLE: &str = "每月维护报告汇总";

fn rate_text(rate: Rate) -> String {
    match rate.percent_text() {
        Some(p) => format!("{p}%（{}/{}）", rate.met, rate.judged),
        None => "—".to_string(),
    }
}

/// 故障解决率: devices repaired over devices reported.
pub fn resolution_rate(input: &MonthlySummaryPdf) -> String {
    Rate {
        met: input.devices_repaired,
        judged: input.devices_reported,
    }
    .percent_text()
    .map_or("—".to_string(), |p| format!("{p}%"))
}

pub fn layout(
    input: &MonthlySummaryPdf,
    m: &(impl Measure + ?Sized),
) -> Result<Layout, LayoutError> {
    let mut flow = Flow::new(m);
    flow.page_header(|f| {
        f.title(TITLE)?;
        f.table(&key_value_grid(&[
            ("项目名称", &input.contract_name),
            ("采购人", &input.client),
            ("统计月份", &input.month),
            ("编制人", &input.prepared_by),
        ]))
    })?;

    flow.section("一、维护概况")?;
    let u = input.unresolved;
    let figures = [
        ("报修设备数量", input.devices_reported.to_string()),
        ("已维护完毕的设备数量", input.devices_repaired.to_string()),
        ("未解决设备数量", u.total().to_string()),
        ("故障解决率", resolution_rate(input)),
    ];
    // Faults reported in earlier months, counted apart so that the month's own figures add up.
    let carried = [
        ("上期遗留本期修复", input.carried_over_repaired.to_string()),
        ("上期遗留未解决", input.carried_over_open.to_string()),
    ];
    for (row, bold) in [(&figures[..], true), (&carried[..], false)] {
        flow.table(&Table {
            shares: vec![1.0; row.len()],
            header: Some(row.iter().map(|(k, _)| Cell::head(*k)).collect()),
            rows: vec![
                row.iter()
                    .map(|(_, v)| {
                        let cell = Cell::new(v).center();
                        if bold { cell.bold() } else { cell }
                    })
                    .collect(),
            ],
            size: BODY_SIZE,
        })?;
    }

    flow.section("二、未解决的原因")?;
    let reasons = [
        (UnresolvedGroup::Power.label_zh(), u.power),
        (UnresolvedGroup::Transmission.label_zh(), u.transmission),
        (UnresolvedGroup::Device.label_zh(), u.device),
        (UnresolvedGroup::ForceMajeure.label_zh(), u.force_majeure),
        (UnresolvedGroup::Other.label_zh(), u.other),
        (UnresolvedGroup::Pending.label_zh(), u.pending),
        ("合计", u.total()),
    ];
    flow.table(&Table {
        shares: vec![1.0; reasons.len()],
        header: Some(reasons.iter().map(|(k, _)| Cell::head(*k)).collect()),
        rows: vec![
            reasons
                .iter()
                .map(|(_, n)| Cell::new(n.to_string()).center())
                .collect(),
        ],
        size: BODY_SIZE,
    })?;

    flow.section("三、服务时限达标率")?;
    if input.compliance.is_empty() {
        flow.note("本月无故障。")?;
    } else {
        let rows = input
            .compliance
            .iter()
            .map(|c| {
                vec![
                    Cell::new(&c.level).center(),
                    Cell::new(c.faults.to_string()).center(),
                    Cell::new(rate_text(c.response)).center(),
                    Cell::new(rate_text(c.arrival)).center(),
                    Cell::new(rate_text(c.resolution)).center(),
                ]
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.2, 0.12, 0.227, 0.227, 0.226],
            header: Some(
                [
                    "故障级别",
                    "故障数",
                    "响应达标率",
                    "到场达标率",
                    "解决达标率",
                ]
                .map(Cell::head)
                .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
        if !input.further_clocks.is_empty() {
            // The contract's further promises (feedback, major-fault restoration), beside the table.
            let rows = input
                .further_clocks
                .iter()
                .map(|c| {
                    vec![
                        Cell::new(&c.level).center(),
                        Cell::new(&c.clock).center(),
                        Cell::new(rate_text(c.rate)).center(),
                    ]
                })
                .collect();
            flow.table(&Table {
                shares: vec![0.2, 0.4, 0.4],
                header: Some(
                    ["故障级别", "合同约定的其他时限", "达标率"]
                        .map(Cell::head)
                        .to_vec(),
                ),
                rows,
                size: BODY_SIZE,
            })?;
        }
        flow.note("达标率 = 时限内完成数 / 已判定数；用户已认可的不可抗拒因素不计入。")?;
        flow.y += 6.0;
        let series = [
            Series {
                label: "响应",
                color: Color::rgb(52, 101, 164),
            },
            Series {
                label: "到场",
                color: Color::rgb(78, 154, 6),
            },
            Series {
                label: "解决",
                color: Color::rgb(230, 145, 20),
            },
        ];
        let groups: Vec<Group> = input
            .compliance
            .iter()
            .map(|c| Group {
                label: c.level.clone(),
                values: vec![
                    c.response.percent(),
                    c.arrival.percent(),
                    c.resolution.percent(),
                ],
            })
            .collect();
        bar_chart(&mut flow, &series, &groups)?;
    }

    flow.section(&format!(
        "四、{}",
        UnresolvedReason::ForceMajeure.label_zh()
    ))?;
    if let Some(claims) = &input.force_majeure_claims {
        flow.note(claims)?;
    }
    if input.force_majeure.is_empty() {
        flow.note(&format!(
            "本月无{}。",
            UnresolvedReason::ForceMajeure.label_zh()
        ))?;
    } else {
        let rows = input
            .force_majeure
            .iter()
            .enumerate()
            .map(|(i, f)| {
                vec![
                    Cell::new((i + 1).to_string()).center(),
                    Cell::new(&f.date).center(),
                    Cell::new(&f.point),
                    Cell::new(&f.device),
                    Cell::new(&f.description),
                    Cell::new(&f.agreement),
                ]
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.07, 0.14, 0.18, 0.14, 0.27, 0.2],
            header: Some(
                ["序号", "日期", "点位", "设备", "情况说明", "用户意见"]
                    .map(Cell::head)
                    .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
    }

    flow.section("五、备件消耗")?;
    if input.parts_consumed.is_empty() {
        flow.note("本月未消耗备件。")?;
    } else {
        let rows = input
            .parts_consumed
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    Cell::new((i + 1).to_string()).center(),
                    Cell::new(&p.name),
                    Cell::new(p.quantity.to_string()).right(),
                ]
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.08, 0.72, 0.2],
            header: Some(["序号", "备件名称 / 型号", "数量"].map(Cell::head).to_vec()),
            rows,
            size: BODY_SIZE,
        })?;
    }
    if !input.substitutions.is_empty() {
        flow.note("备品替代（同型号备品替换故障设备）：")?;
        let rows = input
            .substitutions
            .iter()
            .enumerate()
            .map(|(i, x)| {
                vec![
                    Cell::new((i + 1).to_string()).center(),
                    Cell::new(&x.date).center(),
                    Cell::new(&x.point),
                    Cell::new(&x.part),
                    Cell::new(&x.old_serial),
                    Cell::new(&x.new_serial),
                ]
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.07, 0.14, 0.21, 0.22, 0.18, 0.18],
            header: Some(
                [
                    "序号",
                    "日期",
                    "点位",
                    "备品",
                    "原设备序列号",
                    "新设备序列号",
                ]
                .map(Cell::head)
                .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
    }
    if let Some(stock) = &input.stock_at_close {
        flow.note(stock)?;
    }

    flow.section(&format!("六、{}", phrase::CLOCK_SUSPECT_ARRIVALS.zh))?;
    if input.clock_suspect.is_empty() {
        flow.note(&format!("本月无{}。", phrase::CLOCK_SUSPECT_ARRIVALS.zh))?;
    } else {
        flow.note(&format!(
            "共 {} 次：记录到场时设备时钟与服务器相差超过 5 分钟，或本机时钟倒退，到场时间可能不准，请核对。",
            input.clock_suspect.len()
        ))?;
        let rows = input
            .clock_suspect
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    Cell::new((i + 1).to_string()).center(),
                    Cell::new(&c.arrived_at).center(),
                    Cell::new(&c.point),
                    Cell::new(&c.technician),
                    Cell::new(&c.reason),
                    Cell::new(&c.received_at).center(),
                ]
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.07, 0.18, 0.22, 0.12, 0.23, 0.18],
            header: Some(
                [
                    "序号",
                    "记录的到场时间",
                    "点位",
                    "技服人员",
                    "原因",
                    "服务器接收时间",
                ]
                .map(Cell::head)
                .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
    }
    entered_later(&mut flow, input)?;
    inspections(&mut flow, input)?;
    flow.y += 8.0;
    flow.note(&format!("生成时间：{}", input.generated_at))?;
    flow.finish(TITLE)
}

/// Section 七 (issue 19): the events entered later than they happened, for checking.
fn entered_later<M: Measure + ?Sized>(
    flow: &mut Flow<'_, M>,
    input: &MonthlySummaryPdf,
) -> Result<(), LayoutError> {
    flow.section(&format!("七、{}", phrase::ENTERED_LATER_EVENTS.zh))?;
    if input.entered_later.is_empty() {
        return flow.note(&format!("本月无{}。", phrase::ENTERED_LATER_EVENTS.zh));
    }
    flow.note(&format!(
        "共 {} 条：保存时间比所填发生时间晚 5 分钟以上，时限按所填时间计算，请核对。",
        input.entered_later.len()
    ))?;
    let rows = input
        .entered_later
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::new((i + 1).to_string()).center(),
                Cell::new(&e.at).center(),
                Cell::new(&e.point),
                Cell::new(&e.event),
                Cell::new(&e.recorded_at).center(),
            ]
        })
        .collect();
    flow.table(&Table {
        shares: vec![0.08, 0.22, 0.30, 0.18, 0.22],
        header: Some(
            ["序号", "所填发生时间", "点位", "事件", "保存时间"]
                .map(Cell::head)
                .to_vec(),
        ),
        rows,
        size: BODY_SIZE,
    })
}

/// Section 八 (issue 19): inspections by plan kind, as the summary screen and XLSX count them;
/// a month with none due leaves it out (the summaries before issue 19 read as they did).
fn inspections<M: Measure + ?Sized>(
    flow: &mut Flow<'_, M>,
    input: &MonthlySummaryPdf,
) -> Result<(), LayoutError> {
    if input.inspections.is_empty() {
        return Ok(());
    }
    flow.section("八、巡检情况")?;
    let rows = input
        .inspections
        .iter()
        .map(|t| {
            let overdue = Cell::new(t.overdue.to_string()).center();
            vec![
                Cell::new(&t.kind),
                Cell::new(t.planned.to_string()).center(),
                Cell::new(t.done.to_string()).center(),
                if t.overdue > 0 {
                    overdue.color(Color::BAD)
                } else {
                    overdue
                },
                Cell::new(t.findings.to_string()).center(),
                Cell::new(t.findings_to_faults.to_string()).center(),
            ]
        })
        .collect();
    flow.table(&Table {
        shares: vec![0.25, 0.15, 0.15, 0.15, 0.15, 0.15],
        header: Some(
            [
                "巡检类型",
                "应巡检",
                "已完成",
                "逾期未完成",
                "巡检发现",
                "转为故障",
            ]
            .map(Cell::head)
            .to_vec(),
        ),
        rows,
        size: BODY_SIZE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{LevelCompliance, UnresolvedByReason};
    use crate::layout::{Item, fake::Mono};

    #[test]
    fn rates_print_by_the_one_rounding_rule() {
        // 13/16 = 81.25 %: the XLSX/CSV said 81.3 while `{:.1}` on the float said 81.2.
        assert_eq!(
            rate_text(Rate {
                met: 13,
                judged: 16
            }),
            "81.3%（13/16）"
        );
        assert_eq!(rate_text(Rate { met: 0, judged: 0 }), "—");
    }

    #[test]
    fn figures_rates_and_a_bar_per_judged_clock() {
        let input = MonthlySummaryPdf {
            contract_name: "项目".into(),
            client: "客户".into(),
            month: "2026年11月".into(),
            prepared_by: "李工".into(),
            generated_at: "2026-12-01 09:00".into(),
            devices_reported: 40,
            devices_repaired: 37,
            unresolved: UnresolvedByReason {
                power: 1,
                transmission: 1,
                other: 1,
                ..Default::default()
            },
            compliance: vec![LevelCompliance {
                level: "A 特大故障".into(),
                faults: 2,
                response: Rate { met: 2, judged: 2 },
                arrival: Rate { met: 1, judged: 2 },
                resolution: Rate { met: 0, judged: 0 },
            }],
            further_clocks: vec![crate::input::FurtherClock {
                level: "B级".into(),
                clock: "重大故障恢复".into(),
                rate: Rate { met: 3, judged: 4 },
            }],
            force_majeure_claims: Some("不可抗拒因素申报 1 起：待确认 1".into()),
            carried_over_repaired: 0,
            carried_over_open: 0,
            force_majeure: vec![],
            substitutions: vec![],
            parts_consumed: vec![],
            stock_at_close: None,
            clock_suspect: vec![],
            entered_later: vec![],
            inspections: vec![],
        };
        assert_eq!(resolution_rate(&input), "92.5%");
        let layout = layout(&input, &Mono).unwrap();
        let page = &layout.pages[0];
        assert!(page.has_text("92.5%") && page.has_text("50.0%（1/2）") && page.has_text("无数据"));
        assert!(page.has_text("重大故障恢复") && page.has_text("75.0%（3/4）"));
        let colored_bars = page
            .items
            .iter()
            .filter(|i| matches!(i, Item::Rect { stroke: None, h, .. } if *h > 20.0))
            .count();
        assert_eq!(colored_bars, 2, "two judged clocks, two bars");
    }
}
