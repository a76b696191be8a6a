//! 完工确认单: the fault, its clocks with 达标/超时/计时中/不计时, the work, the parts, and the
//! technician's and the customer representative's signatures.

use super::flow::{BODY_SIZE, Cell, Flow, Table, key_value_grid};
use super::{Color, Layout, LayoutError, Measure};
use crate::input::{ClockState, CompletionFormPdf};

pub const TITLE: &str = "完工确认单";

fn state_color(state: ClockState) -> Color {
    match state {
        ClockState::Met => Color::GOOD,
        ClockState::Breached => Color::BAD,
        ClockState::Running | ClockState::NotCounted => Color::TEXT_GRAY,
    }
}

pub fn layout(
    input: &CompletionFormPdf,
    m: &(impl Measure + ?Sized),
) -> Result<Layout, LayoutError> {
    let mut flow = Flow::new(m);
    flow.page_header(|f| {
        f.title(TITLE)?;
        f.table(&key_value_grid(&[
            ("项目名称", &input.contract_name),
            ("采购人", &input.client),
        ]))
    })?;

    let fault = &input.fault;
    flow.section("一、故障信息")?;
    flow.table(&key_value_grid(&[
        ("故障级别", &fault.level),
        ("报修时间", &fault.reported_at),
        ("维护点位", &fault.point),
        ("设备", &fault.device),
        ("首问负责人", &fault.first_receiver),
    ]))?;
    // The description gets the whole width below the grid (its label column lines up).
    flow.table(&Table {
        shares: vec![0.12, 0.88],
        header: None,
        rows: vec![vec![Cell::label("故障描述"), Cell::new(&fault.description)]],
        size: BODY_SIZE,
    })?;

    flow.section("二、服务时限")?;
    if input.clocks.is_empty() {
        flow.note("无计时记录。")?;
    } else {
        let rows = input
            .clocks
            .iter()
            .map(|c| {
                vec![
                    Cell::new(&c.kind).center(),
                    Cell::new(&c.deadline).center(),
                    Cell::new(c.stopped_at.as_deref().unwrap_or("—")).center(),
                    Cell::new(c.state.label())
                        .center()
                        .bold()
                        .color(state_color(c.state)),
                ]
            })
            .collect();
        flow.table(&Table {
            shares: vec![0.2, 0.3, 0.3, 0.2],
            header: Some(
                ["时限", "时限要求（截止时间）", "实际完成时间", "结果"]
                    .map(Cell::head)
                    .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
    }

    flow.section("三、处理情况")?;
    flow.table(&Table {
        shares: vec![1.0],
        header: None,
        rows: vec![vec![Cell::new(&input.work_done)]],
        size: BODY_SIZE,
    })?;

    flow.section("四、使用备件")?;
    if input.parts.is_empty() {
        flow.note("未使用备件。")?;
    } else {
        let rows = input
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| vec![Cell::new((i + 1).to_string()).center(), Cell::new(p)])
            .collect();
        flow.table(&Table {
            shares: vec![0.08, 0.92],
            header: Some(
                ["序号", "备件（型号 / 旧序列号 → 新序列号）"]
                    .map(Cell::head)
                    .to_vec(),
            ),
            rows,
            size: BODY_SIZE,
        })?;
    }

    flow.section("五、签字确认")?;
    flow.note("经双方确认，上述故障已处理完毕。")?;
    flow.y += 4.0;
    flow.signatures(&[input.technician.clone(), input.customer.clone()])?;
    flow.finish(TITLE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{ClockRow, FaultInfo, SignatureBlock};
    use crate::layout::fake::Mono;

    fn png() -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&400u32.to_be_bytes());
        png.extend_from_slice(&150u32.to_be_bytes());
        png
    }

    #[test]
    fn clocks_read_met_or_breached_and_both_signatures_are_there() {
        let sig = |role: &str| SignatureBlock {
            name: "王五".into(),
            role_label: role.into(),
            signed_at_local: "2026-11-22 15:30".into(),
            png: png(),
        };
        let form = CompletionFormPdf {
            contract_name: "电子政务外网".into(),
            client: "某市大数据局".into(),
            fault: FaultInfo {
                level: "A 特大故障".into(),
                point: "一号机房".into(),
                device: "核心交换机".into(),
                reported_at: "2026-11-22 10:00".into(),
                description: "业务中断".into(),
                first_receiver: "赵经理".into(),
            },
            clocks: vec![
                ClockRow {
                    kind: "响应".into(),
                    deadline: "10:15".into(),
                    stopped_at: Some("10:05".into()),
                    state: ClockState::Met,
                },
                ClockRow {
                    kind: "故障解决".into(),
                    deadline: "15:00".into(),
                    stopped_at: Some("15:20".into()),
                    state: ClockState::Breached,
                },
            ],
            work_done: "更换电源模块".into(),
            parts: vec![],
            technician: sig("技服人员"),
            customer: sig("用户代表"),
        };
        let layout = layout(&form, &Mono).unwrap();
        let page = &layout.pages[0];
        assert!(page.has_text("达标") && page.has_text("超时"));
        assert!(page.has_text("技服人员签字") && page.has_text("用户代表签字"));
        assert_eq!(layout.images.len(), 2);
    }
}
