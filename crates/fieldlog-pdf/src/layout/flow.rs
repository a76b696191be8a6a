//! The page flow shared by the three documents: a cursor running down the page, a header
//! repeated at the top of every page, tables whose column header repeats after a page break,
//! signature boxes, and the "第 x 页 / 共 y 页" footer added once the page count is known.

use super::text::{text_width, wrap};
use super::{Color, Item, Layout, LayoutError, Measure, PAGE_HEIGHT, PAGE_WIDTH, Page, TextRun};
use crate::input::SignatureBlock;

pub(crate) const MARGIN_X: f32 = 42.0;
pub(crate) const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
const TOP: f32 = 40.0;
/// Content stops here; the footer sits below.
const BOTTOM: f32 = PAGE_HEIGHT - 52.0;
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 28.0;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.5;
pub(crate) const BODY_SIZE: f32 = 9.5;

/// Line height for a text size: generous enough that CJK lines never touch.
pub(crate) fn line_height(size: f32) -> f32 {
    size * 1.45
}

/// Baseline offset from the top of a line box: centres an ideograph (which spans roughly
/// -0.12..0.88 em around the baseline) in the box.
fn baseline_in_line(size: f32) -> f32 {
    line_height(size) / 2.0 + 0.38 * size
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// A table cell: its text and how it is shown.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub text: String,
    pub align: Align,
    pub color: Color,
    pub fill: Option<Color>,
    pub bold: bool,
    /// Struck through (a correction's struck entry, issue 19).
    pub strike: bool,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            align: Align::Left,
            color: Color::BLACK,
            fill: None,
            bold: false,
            strike: false,
        }
    }
    /// Struck through, in grey: still readable, plainly no longer counting.
    pub fn struck(mut self) -> Cell {
        self.strike = true;
        self.color = Color::TEXT_GRAY;
        self
    }
    pub fn center(mut self) -> Cell {
        self.align = Align::Center;
        self
    }
    pub fn right(mut self) -> Cell {
        self.align = Align::Right;
        self
    }
    pub fn color(mut self, color: Color) -> Cell {
        self.color = color;
        self
    }
    pub fn bold(mut self) -> Cell {
        self.bold = true;
        self
    }
    pub fn fill(mut self, fill: Color) -> Cell {
        self.fill = Some(fill);
        self
    }
    /// A label cell of a key–value grid.
    pub fn label(text: impl Into<String>) -> Cell {
        Cell::new(text).fill(Color::LABEL_FILL)
    }
    /// A column-header cell.
    pub fn head(text: impl Into<String>) -> Cell {
        Cell::new(text).center().bold().fill(Color::HEADER_FILL)
    }
}

/// A table: column widths as shares of the content width, an optional header row repeated on
/// every page the table reaches, and rows.
pub(crate) struct Table {
    pub shares: Vec<f32>,
    pub header: Option<Vec<Cell>>,
    pub rows: Vec<Vec<Cell>>,
    pub size: f32,
}

/// `text` cut to fit `width` (a photo's caption under its thumbnail).
fn cut_to_width<M: Measure + ?Sized>(
    m: &M,
    text: &str,
    size: f32,
    width: f32,
) -> Result<String, LayoutError> {
    Ok(wrap(m, text, size, width)?
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// A row wrapped into lines per cell.
struct WrappedRow<'c> {
    cells: &'c [Cell],
    lines: Vec<Vec<String>>,
}

pub(crate) struct Flow<'m, M: Measure + ?Sized> {
    pub m: &'m M,
    pages: Vec<Page>,
    images: Vec<Vec<u8>>,
    header: Vec<Item>,
    header_bottom: f32,
    pub y: f32,
}

impl<'m, M: Measure + ?Sized> Flow<'m, M> {
    pub fn new(m: &'m M) -> Self {
        Flow {
            m,
            pages: vec![Page::default()],
            images: Vec::new(),
            header: Vec::new(),
            header_bottom: TOP,
            y: TOP,
        }
    }

    /// Draws the page header with `draw` on the first page and repeats it on every later page.
    pub fn page_header(
        &mut self,
        draw: impl FnOnce(&mut Self) -> Result<(), LayoutError>,
    ) -> Result<(), LayoutError> {
        draw(self)?;
        self.y += 8.0;
        self.header = self.page().items.clone();
        self.header_bottom = self.y;
        Ok(())
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    pub fn push(&mut self, item: Item) {
        self.page().items.push(item);
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page {
            items: self.header.clone(),
        });
        self.y = self.header_bottom;
    }

    fn at_page_top(&self) -> bool {
        self.y <= self.header_bottom + 0.01
    }

    /// Starts a new page unless `height` still fits below the cursor.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM && !self.at_page_top() {
            self.new_page();
        }
    }

    pub fn width(&self, text: &str, size: f32) -> Result<f32, LayoutError> {
        text_width(self.m, text, size)
    }

    /// Places one run, after checking every character has a glyph.
    pub fn text_at(
        &mut self,
        x: f32,
        baseline: f32,
        size: f32,
        text: &str,
        bold: bool,
        color: Color,
    ) -> Result<(), LayoutError> {
        text_width(self.m, text, size)?;
        if !text.is_empty() {
            self.push(Item::Text(TextRun {
                x,
                y: baseline,
                size,
                text: text.to_string(),
                bold,
                color,
            }));
        }
        Ok(())
    }

    /// A run aligned within [x, x + w].
    /// `cell` gives alignment, weight and colour; `text` is one of its wrapped lines.
    fn text_in(
        &mut self,
        (x, w): (f32, f32),
        baseline: f32,
        size: f32,
        text: &str,
        cell: &Cell,
    ) -> Result<(), LayoutError> {
        let (align, bold, color) = (cell.align, cell.bold, cell.color);
        let tw = self.width(text, size)?;
        let x = match align {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        self.text_at(x, baseline, size, text, bold, color)?;
        if cell.strike && tw > 0.0 {
            // Through the middle of the CJK glyphs: a third of the size above the baseline.
            let y = baseline - size * 0.33;
            self.push(Item::Line {
                x1: x,
                y1: y,
                x2: x + tw,
                y2: y,
                width: 0.6,
                color,
            });
        }
        Ok(())
    }

    /// The document title, centred.
    pub fn title(&mut self, text: &str) -> Result<(), LayoutError> {
        let size = 18.0;
        let baseline = self.y + baseline_in_line(size);
        let style = Cell::new("").center().bold();
        self.text_in((MARGIN_X, CONTENT_WIDTH), baseline, size, text, &style)?;
        self.y += line_height(size) + 6.0;
        Ok(())
    }

    /// A numbered section heading; keeps at least a few rows of room below it.
    pub fn section(&mut self, text: &str) -> Result<(), LayoutError> {
        let size = 11.0;
        self.ensure(line_height(size) + 70.0);
        if !self.at_page_top() {
            self.y += 10.0;
        }
        let baseline = self.y + baseline_in_line(size);
        self.text_at(MARGIN_X, baseline, size, text, true, Color::BLACK)?;
        self.y += line_height(size) + 3.0;
        Ok(())
    }

    /// A grey note in the body.
    pub fn note(&mut self, text: &str) -> Result<(), LayoutError> {
        let size = BODY_SIZE;
        for line in wrap(self.m, text, size, CONTENT_WIDTH)? {
            self.ensure(line_height(size));
            let baseline = self.y + baseline_in_line(size);
            self.text_at(MARGIN_X, baseline, size, &line, false, Color::TEXT_GRAY)?;
            self.y += line_height(size);
        }
        Ok(())
    }

    fn column_widths(shares: &[f32]) -> Vec<f32> {
        let total: f32 = shares.iter().sum();
        shares.iter().map(|s| s / total * CONTENT_WIDTH).collect()
    }

    fn wrap_row<'c>(
        &self,
        cells: &'c [Cell],
        widths: &[f32],
        size: f32,
    ) -> Result<WrappedRow<'c>, LayoutError> {
        let lines = cells
            .iter()
            .zip(widths)
            .map(|(cell, w)| wrap(self.m, &cell.text, size, w - 2.0 * CELL_PAD_X))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(WrappedRow { cells, lines })
    }

    /// Draws lines `from..to` of every cell of `row` as one band of height for `rows` lines.
    fn draw_band(
        &mut self,
        row: &WrappedRow<'_>,
        widths: &[f32],
        size: f32,
        from: usize,
        band_lines: usize,
    ) -> Result<(), LayoutError> {
        let lh = line_height(size);
        let height = band_lines as f32 * lh + 2.0 * CELL_PAD_Y;
        let mut x = MARGIN_X;
        for ((cell, lines), w) in row.cells.iter().zip(&row.lines).zip(widths) {
            self.push(Item::Rect {
                x,
                y: self.y,
                w: *w,
                h: height,
                fill: cell.fill,
                stroke: Some(Color::RULE),
            });
            let shown: Vec<&String> = lines.iter().skip(from).take(band_lines).collect();
            // Cells with fewer lines are centred vertically, as on a printed form.
            let spare = (band_lines - shown.len()) as f32 * lh / 2.0;
            for (i, line) in shown.iter().enumerate() {
                let baseline = self.y + CELL_PAD_Y + spare + i as f32 * lh + baseline_in_line(size);
                self.text_in(
                    (x + CELL_PAD_X, w - 2.0 * CELL_PAD_X),
                    baseline,
                    size,
                    line,
                    cell,
                )?;
            }
            x += w;
        }
        self.y += height;
        Ok(())
    }

    fn row_lines(row: &WrappedRow<'_>) -> usize {
        row.lines.iter().map(Vec::len).max().unwrap_or(1).max(1)
    }

    pub fn table(&mut self, table: &Table) -> Result<(), LayoutError> {
        let widths = Self::column_widths(&table.shares);
        let size = table.size;
        let lh = line_height(size);
        let header = match &table.header {
            Some(cells) => Some(self.wrap_row(cells, &widths, size)?),
            None => None,
        };
        let header_height = header
            .as_ref()
            .map_or(0.0, |h| Self::row_lines(h) as f32 * lh + 2.0 * CELL_PAD_Y);
        let rows = table
            .rows
            .iter()
            .map(|r| self.wrap_row(r, &widths, size))
            .collect::<Result<Vec<_>, _>>()?;

        // The header goes down with the first row, never alone at the foot of a page.
        let first_height = rows
            .first()
            .map_or(0.0, |r| Self::row_lines(r) as f32 * lh + 2.0 * CELL_PAD_Y);
        self.ensure(header_height + first_height.min(4.0 * lh));
        if let Some(h) = &header {
            self.draw_band(h, &widths, size, 0, Self::row_lines(h))?;
        }
        let fresh_room = ((BOTTOM - self.header_bottom - header_height - 2.0 * CELL_PAD_Y) / lh)
            .floor()
            .max(1.0) as usize;
        for row in &rows {
            let total = Self::row_lines(row);
            let mut from = 0;
            let mut fresh = false;
            while from < total {
                let room = ((BOTTOM - self.y - 2.0 * CELL_PAD_Y) / lh).floor().max(0.0) as usize;
                let left = total - from;
                if left <= room {
                    self.draw_band(row, &widths, size, from, left)?;
                    break;
                }
                // A row that fits on a fresh page moves there whole; only a row taller than a
                // page is split, and then never into a sliver of fewer than 3 lines.
                if !fresh && (left <= fresh_room || room < 3) {
                    self.new_page();
                    if let Some(h) = &header {
                        self.draw_band(h, &widths, size, 0, Self::row_lines(h))?;
                    }
                    fresh = true;
                    continue;
                }
                let band = room.max(1);
                self.draw_band(row, &widths, size, from, band)?;
                from += band;
                self.new_page();
                if let Some(h) = &header {
                    self.draw_band(h, &widths, size, 0, Self::row_lines(h))?;
                }
                fresh = true;
            }
        }
        Ok(())
    }

    /// Width and height of a PNG from its IHDR chunk.
    fn png_size(png: &[u8]) -> Option<(u32, u32)> {
        let signature = b"\x89PNG\r\n\x1a\n";
        if png.len() < 24 || &png[..8] != signature || &png[12..16] != b"IHDR" {
            return None;
        }
        let w = u32::from_be_bytes(png[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(png[20..24].try_into().ok()?);
        (w > 0 && h > 0).then_some((w, h))
    }

    /// Photo thumbnails (issue 19), four to a row under a small heading, each with its caption.
    pub fn photo_grid(
        &mut self,
        heading: &str,
        thumbnails: &[crate::input::PhotoThumbnail],
    ) -> Result<(), LayoutError> {
        const PER_ROW: usize = 4;
        const GAP: f32 = 8.0;
        const THUMB_H: f32 = 96.0;
        let size = BODY_SIZE;
        let cell_w = (CONTENT_WIDTH - GAP * (PER_ROW as f32 - 1.0)) / PER_ROW as f32;
        let row_h = THUMB_H + line_height(size) + GAP;
        self.ensure(line_height(size) + row_h);
        let baseline = self.y + 4.0 + baseline_in_line(size);
        self.text_at(MARGIN_X, baseline, size, heading, true, Color::BLACK)?;
        self.y += line_height(size) + 6.0;
        for row in thumbnails.chunks(PER_ROW) {
            self.ensure(row_h);
            let top = self.y;
            for (i, thumb) in row.iter().enumerate() {
                let x = MARGIN_X + i as f32 * (cell_w + GAP);
                let (pw, ph) = (thumb.width.max(1) as f32, thumb.height.max(1) as f32);
                let scale = (cell_w / pw).min(THUMB_H / ph);
                let (w, h) = (pw * scale, ph * scale);
                self.images.push(thumb.jpeg.clone());
                self.push(Item::Image {
                    x: x + (cell_w - w) / 2.0,
                    y: top + (THUMB_H - h) / 2.0,
                    w,
                    h,
                    image: self.images.len() - 1,
                });
                let caption = cut_to_width(self.m, &thumb.caption, size, cell_w)?;
                let baseline = top + THUMB_H + 2.0 + baseline_in_line(size);
                self.text_at(x, baseline, size, &caption, false, Color::TEXT_GRAY)?;
            }
            self.y = top + row_h;
        }
        Ok(())
    }

    /// Signature boxes, two to a row: role, the ink scaled into the box, name and time.
    pub fn signatures(&mut self, blocks: &[SignatureBlock]) -> Result<(), LayoutError> {
        const GAP: f32 = 14.0;
        const BOX_H: f32 = 124.0;
        const INK_H: f32 = 64.0;
        let box_w = (CONTENT_WIDTH - GAP) / 2.0;
        for pair in blocks.chunks(2) {
            self.ensure(BOX_H + 6.0);
            let top = self.y;
            for (i, block) in pair.iter().enumerate() {
                let x = MARGIN_X + i as f32 * (box_w + GAP);
                self.push(Item::Rect {
                    x,
                    y: top,
                    w: box_w,
                    h: BOX_H,
                    fill: None,
                    stroke: Some(Color::RULE),
                });
                let size = BODY_SIZE;
                let label = format!("{}签字", block.role_label);
                self.text_at(
                    x + 8.0,
                    top + 6.0 + baseline_in_line(size),
                    size,
                    &label,
                    true,
                    Color::BLACK,
                )?;
                let (pw, ph) = Self::png_size(&block.png).ok_or_else(|| LayoutError::BadImage {
                    who: format!("{} {}", block.role_label, block.name),
                })?;
                // Fit the ink into the box keeping its aspect ratio, centred.
                let area_w = box_w - 16.0;
                let scale = (area_w / pw as f32).min(INK_H / ph as f32);
                let (w, h) = (pw as f32 * scale, ph as f32 * scale);
                let ink_top = top + 6.0 + line_height(size);
                self.images.push(block.png.clone());
                self.push(Item::Image {
                    x: x + 8.0 + (area_w - w) / 2.0,
                    y: ink_top + (INK_H - h) / 2.0,
                    w,
                    h,
                    image: self.images.len() - 1,
                });
                let rule_y = ink_top + INK_H + 2.0;
                self.push(Item::Line {
                    x1: x + 8.0,
                    y1: rule_y,
                    x2: x + box_w - 8.0,
                    y2: rule_y,
                    width: 0.4,
                    color: Color::GRID,
                });
                let base = rule_y + 3.0 + baseline_in_line(size);
                self.text_at(
                    x + 8.0,
                    base,
                    size,
                    &format!("姓名：{}", block.name),
                    false,
                    Color::BLACK,
                )?;
                let time = format!("时间：{}", block.signed_at_local);
                let tw = self.width(&time, size)?;
                self.text_at(x + box_w - 8.0 - tw, base, size, &time, false, Color::BLACK)?;
            }
            self.y = top + BOX_H + 6.0;
        }
        Ok(())
    }

    /// Adds the footer to every page and hands the pages over.
    pub fn finish(mut self, title: &str) -> Result<Layout, LayoutError> {
        let total = self.pages.len();
        let size = 9.0;
        for i in 0..total {
            let footer = format!("第 {} 页 / 共 {} 页", i + 1, total);
            let w = self.width(&footer, size)?;
            let run = Item::Text(TextRun {
                x: (PAGE_WIDTH - w) / 2.0,
                y: FOOTER_BASELINE,
                size,
                text: footer,
                bold: false,
                color: Color::TEXT_GRAY,
            });
            let rule = Item::Line {
                x1: MARGIN_X,
                y1: FOOTER_BASELINE - 14.0,
                x2: PAGE_WIDTH - MARGIN_X,
                y2: FOOTER_BASELINE - 14.0,
                width: 0.4,
                color: Color::GRID,
            };
            self.pages[i].items.extend([rule, run]);
        }
        Ok(Layout {
            title: title.to_string(),
            width: PAGE_WIDTH,
            height: PAGE_HEIGHT,
            pages: self.pages,
            images: self.images,
        })
    }
}

/// The key–value grid under a title: `pairs` laid out two to a row.
pub(crate) fn key_value_grid(pairs: &[(&str, &str)]) -> Table {
    let rows = pairs
        .chunks(2)
        .map(|pair| {
            let mut row = Vec::new();
            for (k, v) in pair {
                row.push(Cell::label(*k));
                row.push(Cell::new(*v));
            }
            if pair.len() == 1 {
                row.push(Cell::label(""));
                row.push(Cell::new(""));
            }
            row
        })
        .collect();
    Table {
        shares: vec![0.12, 0.44, 0.12, 0.32],
        header: None,
        rows,
        size: BODY_SIZE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::fake::Mono;

    fn table_of(n: usize) -> Table {
        Table {
            shares: vec![1.0, 3.0],
            header: Some(vec![Cell::head("序号"), Cell::head("内容")]),
            rows: (1..=n)
                .map(|i| vec![Cell::new(i.to_string()), Cell::new("维护内容")])
                .collect(),
            size: 10.0,
        }
    }

    #[test]
    fn a_long_table_repeats_its_header_and_page_header_on_every_page() {
        let mut flow = Flow::new(&Mono);
        flow.page_header(|f| f.title("测试报告")).unwrap();
        flow.table(&table_of(200)).unwrap();
        let layout = flow.finish("测试报告").unwrap();
        assert!(layout.pages.len() >= 3, "{} pages", layout.pages.len());
        let total = layout.pages.len();
        for (i, page) in layout.pages.iter().enumerate() {
            assert!(page.has_text("测试报告"));
            assert!(page.has_text("序号"), "table header on page {}", i + 1);
            assert!(page.has_text(&format!("第 {} 页 / 共 {} 页", i + 1, total)));
        }
        // Every row appears exactly once.
        for n in 1..=200 {
            let count = layout
                .pages
                .iter()
                .filter(|p| p.has_text(&n.to_string()))
                .count();
            assert_eq!(count, 1, "row {n}");
        }
    }

    #[test]
    fn nothing_is_drawn_below_the_content_area_except_the_footer() {
        let mut flow = Flow::new(&Mono);
        flow.page_header(|f| f.title("测试报告")).unwrap();
        flow.table(&table_of(150)).unwrap();
        let layout = flow.finish("测试报告").unwrap();
        for page in &layout.pages {
            for item in &page.items {
                if let Item::Rect { y, h, .. } = item {
                    assert!(y + h <= BOTTOM + 0.01, "rect reaches {}", y + h);
                }
            }
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_without_losing_lines() {
        let long: String = (0..400).map(|i| format!("第{i}行\n")).collect();
        let mut flow = Flow::new(&Mono);
        flow.page_header(|f| f.title("测试")).unwrap();
        let table = Table {
            shares: vec![1.0],
            header: Some(vec![Cell::head("内容")]),
            rows: vec![vec![Cell::new(long)]],
            size: 10.0,
        };
        flow.table(&table).unwrap();
        let layout = flow.finish("测试").unwrap();
        assert!(layout.pages.len() > 2);
        for i in 0..400 {
            let s = format!("第{i}行");
            assert_eq!(
                layout.pages.iter().filter(|p| p.has_text(&s)).count(),
                1,
                "{s}"
            );
        }
    }

    #[test]
    fn png_size_reads_the_header_and_rejects_other_bytes() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&300u32.to_be_bytes());
        png.extend_from_slice(&100u32.to_be_bytes());
        assert_eq!(Flow::<Mono>::png_size(&png), Some((300, 100)));
        assert_eq!(Flow::<Mono>::png_size(b"GIF89a"), None);
    }
}
