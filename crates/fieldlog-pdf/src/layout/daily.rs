//! 每日设备维护报告: header grid, the entries table, the day's arrivals, the signatures.

use super::flow::{BODY_SIZE, Cell, Flow, Table, key_value_grid};
use super::{Color, Layout, LayoutError, Measure};
use crate::input::DailyReportPdf;

pub const TITLE: &str = "每日设备维护报告";

pub fn layout(input: &DailyReportPdf, m: &(impl Measure + ?Sized)) -> Result<Layout, LayoutError> {
    let mut flow = Flow::new(m);
    flow.page_header(|f| {
        f.title(TITLE)?;
        let work_date = match &input.filled_late {
            Some(late) => format!("{}（{late}）", input.work_date),
            None => input.work_date.clone(),
        };
        f.table(&key_value_grid(&[
            ("项目名称", &input.contract_name),
            ("采购人", &input.client),
            ("技服人员", &input.technician),
            ("工作日期", &work_date),
        ]))
    })?;

    flow.section("一、维护记录")?;
    if input.entries.is_empty() {
        flow.note("当日无维护记录。")?;
    } else {
        let rows = input
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let resolved = if e.resolved {
                    Cell::new("是").center().color(Color::GOOD)
                } else {
                    let reason = e.unresolved_reason.as_deref().unwrap_or("").trim();
                    let text = if reason.is_empty() {
                        "否".to_string()
                    } else {
                        format!("否：{reason}")
                    };
                    Cell::new(text).color(Color::BAD)
                };
                let parts = if e.parts.is_empty() {
                    Cell::new("—").center()
                } else {
                    Cell::new(e.parts.join("\n"))
                };
                let cause = match (&e.change_reason, e.struck) {
                    (Some(reason), true) => format!("{}\n【已划去】{reason}", e.cause),
                    (None, true) => format!("{}\n【已划去】", e.cause),
                    _ => e.cause.clone(),
                };
                let row = vec![
                    Cell::new((i + 1).to_string()).center(),
                    Cell::new(&e.point),
                    Cell::new(&e.device),
                    Cell::new(cause),
                    resolved,
                    Cell::new(&e.work_done),
                    parts,
                ];
                if e.struck {
                    row.into_iter().map(Cell::struck).collect()
                } else {
                    row
                }
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.06, 0.14, 0.13, 0.14, 0.13, 0.21, 0.19],
            header: Some(
                [
                    "序号",
                    "维护点位",
                    "设备",
                    "故障原因",
                    "是否解决",
                    "处理情况",
                    "备件",
                ]
                .map(Cell::head)
                .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
    }

    if let Some(correction) = &input.correction {
        flow.section("更正说明")?;
        flow.note(&format!(
            "本日报更正 {}。更正原因：{}",
            correction.amends, correction.reason
        ))?;
        let rows = correction
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                vec![
                    Cell::new((i + 1).to_string()).center(),
                    Cell::new(&c.kind).center(),
                    Cell::new(c.details.join("\n")),
                    Cell::new(c.reason.as_deref().unwrap_or("—")),
                ]
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.07, 0.1, 0.58, 0.25],
            header: Some(
                ["序号", "更改", "与原日报相比", "原因"]
                    .map(Cell::head)
                    .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
    }

    // Issue 19: the entries' photos, under their entry's number, before the arrivals.
    for entry in &input.photos {
        if !entry.thumbnails.is_empty() {
            flow.photo_grid(
                &format!("第 {} 条维护记录的照片", entry.entry),
                &entry.thumbnails,
            )?;
        }
    }

    flow.section("二、到达现场记录")?;
    if input.arrivals.is_empty() {
        flow.note("当日无到达现场记录。")?;
    } else {
        let rows = input
            .arrivals
            .iter()
            .enumerate()
            .map(|(i, a)| {
                vec![
                    Cell::new((i + 1).to_string()).center(),
                    Cell::new(&a.time).center(),
                    Cell::new(&a.point),
                    match &a.location {
                        Some(place) => Cell::new(place),
                        None => Cell::new("手动确认").color(Color::TEXT_GRAY),
                    },
                ]
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.07, 0.2, 0.3, 0.43],
            header: Some(
                ["序号", "到达时间", "点位", "位置"]
                    .map(Cell::head)
                    .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
    }

    // Issue 19: the day's inspections, only when there are any (section numbers follow).
    let signatures_section = if input.inspections.is_empty() {
        "三、签字确认"
    } else {
        inspections(&mut flow, input)?;
        "四、签字确认"
    };
    flow.section(signatures_section)?;
    if input.signatures.is_empty() {
        flow.note("尚未签字。")?;
    } else {
        flow.signatures(&input.signatures)?;
    }
    flow.finish(TITLE)
}

/// Section 三 (issue 19): each inspection done that day, its checklist's counts and findings.
fn inspections<M: Measure + ?Sized>(
    flow: &mut Flow<'_, M>,
    input: &DailyReportPdf,
) -> Result<(), LayoutError> {
    flow.section("三、巡检记录")?;
    let rows = input
        .inspections
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let findings = if x.findings.is_empty() {
                Cell::new("无").center()
            } else {
                Cell::new(x.findings.join("\n"))
            };
            let not_ok = Cell::new(x.not_ok.to_string()).center();
            vec![
                Cell::new((i + 1).to_string()).center(),
                Cell::new(&x.kind),
                Cell::new(&x.point),
                Cell::new(&x.done_at).center(),
                Cell::new(x.ok.to_string()).center(),
                if x.not_ok > 0 {
                    not_ok.color(Color::BAD)
                } else {
                    not_ok
                },
                Cell::new(x.not_checked.to_string()).center(),
                findings,
            ]
        })
        .collect();
    flow.table(&Table {
        shares: vec![0.06, 0.13, 0.15, 0.14, 0.07, 0.07, 0.08, 0.30],
        header: Some(
            [
                "序号",
                "巡检",
                "点位",
                "完成时间",
                "正常",
                "异常",
                "未检查",
                "巡检发现",
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
    use crate::input::{ArrivalRow, EntryRow};
    use crate::layout::fake::Mono;

    fn report(entries: usize) -> DailyReportPdf {
        DailyReportPdf {
            contract_name: "某县公安局村居警务查询服务".into(),
            client: "某县公安局".into(),
            technician: "李工".into(),
            work_date: "2026-11-22".into(),
            entries: (0..entries)
                .map(|i| EntryRow {
                    point: format!("点位{i}"),
                    device: "摄像机".into(),
                    cause: "电源适配器损坏".into(),
                    resolved: i % 3 != 0,
                    unresolved_reason: Some("待备件".into()),
                    work_done: "更换电源适配器，恢复图像".into(),
                    parts: vec!["电源适配器 12V 旧 A1 → 新 B2".into()],
                    struck: false,
                    change_reason: None,
                })
                .collect(),
            photos: Vec::new(),
            arrivals: vec![ArrivalRow {
                time: "2026-11-22 09:05".into(),
                point: "点位0".into(),
                location: None,
            }],
            signatures: vec![],
            filled_late: None,
            correction: None,
            inspections: Vec::new(),
        }
    }

    #[test]
    fn every_page_has_the_header_and_page_numbers() {
        let layout = layout(&report(120), &Mono).unwrap();
        let n = layout.pages.len();
        assert!(n >= 3, "{n} pages");
        for (i, page) in layout.pages.iter().enumerate() {
            assert!(page.has_text(TITLE));
            assert!(page.has_text("某县公安局村居警务查询服务"));
            assert!(page.has_text(&format!("第 {} 页 / 共 {} 页", i + 1, n)));
        }
    }

    #[test]
    fn unresolved_rows_show_their_reason_and_manual_arrivals_say_so() {
        let layout = layout(&report(3), &Mono).unwrap();
        let page = &layout.pages[0];
        assert!(page.texts().any(|t| t.text.starts_with("否：待备件")));
        assert!(page.has_text("手动确认"));
        assert!(page.has_text("尚未签字。"));
    }
}
