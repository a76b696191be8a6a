//! A grouped bar chart drawn with plain vector paths (rectangles and lines), no image: one
//! group per fault level, one bar per clock (response, arrival, resolution), 0–100 %.

use super::flow::{CONTENT_WIDTH, Flow, MARGIN_X};
use super::{Color, Item, LayoutError, Measure};

pub(crate) struct Series {
    pub label: &'static str,
    pub color: Color,
}

pub(crate) struct Group {
    pub label: String,
    /// One value per series, in percent; `None` draws no bar and says "无数据".
    pub values: Vec<Option<f32>>,
}

const HEIGHT: f32 = 200.0;
const AXIS_W: f32 = 34.0;
const LEGEND_H: f32 = 30.0;
const LABEL_H: f32 = 18.0;

pub(crate) fn bar_chart<M: Measure + ?Sized>(
    flow: &mut Flow<'_, M>,
    series: &[Series],
    groups: &[Group],
) -> Result<(), LayoutError> {
    let size = 8.0;
    flow.ensure(HEIGHT + LEGEND_H + LABEL_H + 8.0);
    let top = flow.y + LEGEND_H;
    let plot_x = MARGIN_X + AXIS_W;
    let plot_w = CONTENT_WIDTH - AXIS_W;
    let plot_h = HEIGHT;
    let bottom = top + plot_h;

    // Legend, right-aligned above the plot.
    let mut legend = Vec::new();
    for s in series {
        legend.push((s, flow.width(s.label, size)?));
    }
    let legend_w: f32 = legend.iter().map(|(_, w)| 10.0 + 4.0 + w + 12.0).sum();
    let mut x = MARGIN_X + CONTENT_WIDTH - legend_w;
    for (s, w) in legend {
        flow.push(Item::Rect {
            x,
            y: flow.y + 3.0,
            w: 10.0,
            h: 8.0,
            fill: Some(s.color),
            stroke: None,
        });
        flow.text_at(x + 14.0, flow.y + 10.5, size, s.label, false, Color::BLACK)?;
        x += 10.0 + 4.0 + w + 12.0;
    }

    // Grid lines and axis labels every 20 %.
    for step in 0..=5 {
        let pct = step as f32 * 20.0;
        let y = bottom - plot_h * pct / 100.0;
        flow.push(Item::Line {
            x1: plot_x,
            y1: y,
            x2: plot_x + plot_w,
            y2: y,
            width: if step == 0 { 0.8 } else { 0.3 },
            color: if step == 0 { Color::RULE } else { Color::GRID },
        });
        let label = format!("{pct:.0}%");
        let w = flow.width(&label, size)?;
        flow.text_at(
            plot_x - 4.0 - w,
            y + 3.0,
            size,
            &label,
            false,
            Color::TEXT_GRAY,
        )?;
    }

    let group_w = plot_w / groups.len().max(1) as f32;
    let bar_w = (group_w * 0.7 / series.len().max(1) as f32).min(36.0);
    for (gi, group) in groups.iter().enumerate() {
        let gx = plot_x + gi as f32 * group_w;
        let bars_w = bar_w * series.len() as f32;
        let mut bx = gx + (group_w - bars_w) / 2.0;
        for (s, value) in series.iter().zip(&group.values) {
            match value {
                Some(v) => {
                    let h = plot_h * v.clamp(0.0, 100.0) / 100.0;
                    flow.push(Item::Rect {
                        x: bx + 2.0,
                        y: bottom - h,
                        w: bar_w - 4.0,
                        h,
                        fill: Some(s.color),
                        stroke: None,
                    });
                    let label = format!("{v:.0}%");
                    let w = flow.width(&label, size)?;
                    flow.text_at(
                        bx + (bar_w - w) / 2.0,
                        bottom - h - 3.0,
                        size,
                        &label,
                        false,
                        Color::BLACK,
                    )?;
                }
                None => {
                    let label = "无数据";
                    let w = flow.width(label, size)?;
                    flow.text_at(
                        bx + (bar_w - w) / 2.0,
                        bottom - 4.0,
                        size,
                        label,
                        false,
                        Color::TEXT_GRAY,
                    )?;
                }
            }
            bx += bar_w;
        }
        let w = flow.width(&group.label, 9.0)?;
        flow.text_at(
            gx + (group_w - w) / 2.0,
            bottom + 13.0,
            9.0,
            &group.label,
            false,
            Color::BLACK,
        )?;
    }
    flow.y = bottom + LABEL_H + 4.0;
    Ok(())
}
