//! A PDF page's characters and ruling lines back to text: the body in content order (line breaks where
//! the baseline moves, as `pdf-extract`'s plain-text output writes them), and each ruled table as rows of
//! TAB-separated cells, the form `table` reads task tables in.
//!
//! A table is found by its rules, as Word, WPS and LibreOffice draw a bordered table: ruling lines that
//! meet form a grid; a cell is a run of grid cells with no rule between them, so a cell merged across
//! (a group row) or down (a task label over several measure rows) is one cell. A cell merged down is
//! written once, in its top row, and marked [`MERGED_ABOVE`] in the rows below, as the .docx reader does.
//! A table without rules is left as text.

use crate::table::MERGED_ABOVE;

/// One character as the page sets it: its origin on the baseline (PDF user space, y up), where it
/// ends, its size, and whether it starts a text-showing operation (where `pdf-extract` looks for gaps).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub x: f64,
    pub y: f64,
    pub end: f64,
    pub size: f64,
    pub text: String,
    pub word_start: bool,
}

/// A straight ruling line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Horizontal, at `y` from `x0` to `x1`.
    Across { y: f64, x0: f64, x1: f64 },
    /// Vertical, at `x` from `y0` to `y1`.
    Down { x: f64, y0: f64, y1: f64 },
}

/// What a page holds for its text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
}

/// More rules than this on a page (a drawing, a chart) are not read for tables: the grid search is
/// quadratic in them.
pub const MAX_RULES: usize = 4000;
/// Largest grid read as a table.
const MAX_GRID_CELLS: usize = 20_000;
/// How far apart (points) two rules may be and still meet: borders are drawn half a point wide.
const TOUCH: f64 = 2.0;

impl Page {
    /// Adds a line segment (from a stroked or filled path), kept when it is horizontal or vertical.
    pub fn add_segment(&mut self, (ax, ay): (f64, f64), (bx, by): (f64, f64)) {
        if self.rules.len() >= MAX_RULES {
            return;
        }
        let (dx, dy) = ((ax - bx).abs(), (ay - by).abs());
        if dy < 0.5 && dx > 1.0 {
            self.rules.push(Rule::Across { y: (ay + by) / 2.0, x0: ax.min(bx), x1: ax.max(bx) });
        } else if dx < 0.5 && dy > 1.0 {
            self.rules.push(Rule::Down { x: (ax + bx) / 2.0, y0: ay.min(by), y1: ay.max(by) });
        }
    }

    /// Adds a filled area: a thin one is a ruling line (Word draws borders so); a large one (shading) is not.
    pub fn add_filled(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64)) {
        let (w, h) = ((x1 - x0).abs(), (y1 - y0).abs());
        let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        if h < 2.5 && w > 2.0 {
            self.add_segment((x0.min(x1), my), (x0.max(x1), my));
        } else if w < 2.5 && h > 2.0 {
            self.add_segment((mx, y0.min(y1)), (mx, y0.max(y1)));
        }
    }
}

/// The text of one page.
pub fn page_text(page: &Page) -> String {
    let grids = grids(&page.rules);
    let owner: Vec<Option<usize>> = page
        .glyphs
        .iter()
        .map(|g| {
            let (cx, cy) = centre(g);
            grids.iter().position(|t| t.contains(cx, cy))
        })
        .collect();
    let mut out = String::new();
    let mut emitted = vec![false; grids.len()];
    // As pdf-extract's plain-text output: a break where the baseline moves, a space at a gap.
    let mut last: Option<(f64, f64)> = None;
    for (g, own) in page.glyphs.iter().zip(&owner) {
        if let Some(t) = own {
            if let (Some(grid), Some(done)) = (grids.get(*t), emitted.get_mut(*t))
                && !*done
            {
                *done = true;
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&grid.text(&page.glyphs, &owner, *t));
                last = None;
            }
            continue;
        }
        if let Some((last_y, last_end)) = last
            && g.word_start
        {
            if (g.y - last_y).abs() > g.size * 1.5 {
                out.push('\n');
            }
            if g.x < last_end && (g.y - last_y).abs() > g.size * 0.5 {
                out.push('\n');
            }
            // A gap between Latin words is a space; beside Chinese it is only the spacing Word and WPS
            // set between Chinese and Latin runs (增长 6%), not a character of the text.
            if g.x > last_end + g.size * 0.1 && !out.chars().last().is_some_and(is_cjk) && !g.text.chars().any(is_cjk) {
                out.push(' ');
            }
        }
        out.push_str(&g.text);
        last = Some((g.y, g.end));
    }
    out
}

/// Chinese characters and full-width punctuation.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Where a glyph's body sits: half-way along, a third of its size above the baseline.
fn centre(g: &Glyph) -> (f64, f64) {
    ((g.x + g.end.max(g.x)) / 2.0, g.y + g.size * 0.35)
}

/// A table's grid: the x of every column rule (left to right), the y of every row rule (top to bottom),
/// and the rules themselves, to tell which grid cells they separate.
#[derive(Debug)]
struct Grid {
    xs: Vec<f64>,
    ys: Vec<f64>,
    rules: Vec<Rule>,
}

/// Union-find over indices.
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while let Some(&p) = parent.get(i) {
        if p == i {
            break;
        }
        let grand = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(i) {
            *slot = grand;
        }
        i = grand;
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb
        && let Some(slot) = parent.get_mut(ra.max(rb))
    {
        *slot = ra.min(rb);
    }
}

fn meet(a: &Rule, b: &Rule) -> bool {
    match (a, b) {
        (Rule::Across { y, x0, x1 }, Rule::Down { x, y0, y1 })
        | (Rule::Down { x, y0, y1 }, Rule::Across { y, x0, x1 }) => {
            *x >= x0 - TOUCH && *x <= x1 + TOUCH && *y >= y0 - TOUCH && *y <= y1 + TOUCH
        }
        (Rule::Across { y: ya, x0: a0, x1: a1 }, Rule::Across { y: yb, x0: b0, x1: b1 }) => {
            (ya - yb).abs() <= TOUCH && a0 <= &(b1 + TOUCH) && b0 <= &(a1 + TOUCH)
        }
        (Rule::Down { x: xa, y0: a0, y1: a1 }, Rule::Down { x: xb, y0: b0, y1: b1 }) => {
            (xa - xb).abs() <= TOUCH && a0 <= &(b1 + TOUCH) && b0 <= &(a1 + TOUCH)
        }
    }
}

/// Positions within `TOUCH` of each other as one, sorted ascending.
fn distinct(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::with_capacity(v.len());
    for p in v {
        match out.last() {
            Some(&q) if p - q <= TOUCH => {}
            _ => out.push(p),
        }
    }
    out
}

/// The grids the rules form: rules that meet, with at least two columns and a row between them.
fn grids(rules: &[Rule]) -> Vec<Grid> {
    let mut parent: Vec<usize> = (0..rules.len()).collect();
    for (i, a) in rules.iter().enumerate() {
        for (j, b) in rules.iter().enumerate().skip(i + 1) {
            if meet(a, b) {
                union(&mut parent, i, j);
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<Rule>> = std::collections::BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        groups.entry(find(&mut parent, i)).or_default().push(*r);
    }
    groups
        .into_values()
        .filter_map(|rules| {
            let xs = distinct(
                rules.iter().filter_map(|r| if let Rule::Down { x, .. } = r { Some(*x) } else { None }).collect(),
            );
            let mut ys = distinct(
                rules.iter().filter_map(|r| if let Rule::Across { y, .. } = r { Some(*y) } else { None }).collect(),
            );
            ys.reverse();
            let cells = xs.len().saturating_sub(1).saturating_mul(ys.len().saturating_sub(1));
            (xs.len() >= 3 && ys.len() >= 2 && cells <= MAX_GRID_CELLS).then_some(Grid { xs, ys, rules })
        })
        .collect()
}

impl Grid {
    fn contains(&self, x: f64, y: f64) -> bool {
        match (self.xs.first(), self.xs.last(), self.ys.first(), self.ys.last()) {
            (Some(&l), Some(&r), Some(&t), Some(&b)) => x >= l && x <= r && y <= t && y >= b,
            _ => false,
        }
    }

    fn column(&self, x: f64) -> usize {
        self.xs.iter().skip(1).position(|&edge| x < edge).unwrap_or(self.xs.len().saturating_sub(2))
    }

    fn row(&self, y: f64) -> usize {
        self.ys.iter().skip(1).position(|&edge| y > edge).unwrap_or(self.ys.len().saturating_sub(2))
    }

    /// Is there a rule at column edge `c` beside row `r`?
    fn rule_left_of(&self, r: usize, c: usize) -> bool {
        let (Some(&x), Some(&top), Some(&bottom)) = (self.xs.get(c), self.ys.get(r), self.ys.get(r + 1)) else {
            return true;
        };
        let mid = (top + bottom) / 2.0;
        self.rules.iter().any(
            |rule| matches!(rule, Rule::Down { x: rx, y0, y1 } if (rx - x).abs() <= TOUCH && *y0 <= mid && *y1 >= mid),
        )
    }

    /// Is there a rule at row edge `r` above column `c`?
    fn rule_above(&self, r: usize, c: usize) -> bool {
        let (Some(&y), Some(&left), Some(&right)) = (self.ys.get(r), self.xs.get(c), self.xs.get(c + 1)) else {
            return true;
        };
        let mid = (left + right) / 2.0;
        self.rules.iter().any(|rule| {
            matches!(rule, Rule::Across { y: ry, x0, x1 } if (ry - y).abs() <= TOUCH && *x0 <= mid && *x1 >= mid)
        })
    }

    /// The table's rows, TAB-separated, each ending in a line break.
    fn text(&self, glyphs: &[Glyph], owner: &[Option<usize>], me: usize) -> String {
        let (rows, cols) = (self.ys.len().saturating_sub(1), self.xs.len().saturating_sub(1));
        // Each grid cell's region: the top-left grid cell of the run it is merged into.
        let mut parent: Vec<usize> = (0..rows * cols).collect();
        for r in 0..rows {
            for c in 0..cols {
                if c > 0 && !self.rule_left_of(r, c) {
                    union(&mut parent, r * cols + c, r * cols + c - 1);
                }
                if r > 0 && !self.rule_above(r, c) {
                    union(&mut parent, r * cols + c, (r - 1) * cols + c);
                }
            }
        }
        let mut members: Vec<Vec<&Glyph>> = vec![Vec::new(); rows * cols];
        for (g, own) in glyphs.iter().zip(owner) {
            if *own != Some(me) {
                continue;
            }
            let (cx, cy) = centre(g);
            let region = find(&mut parent, self.row(cy) * cols + self.column(cx));
            if let Some(m) = members.get_mut(region) {
                m.push(g);
            }
        }
        let mut out = String::new();
        for r in 0..rows {
            let mut cells = Vec::with_capacity(cols);
            for c in 0..cols {
                let region = find(&mut parent, r * cols + c);
                let (r0, c0) = (region / cols, region % cols);
                cells.push(if c0 != c {
                    String::new()
                } else if r0 != r {
                    MERGED_ABOVE.to_string()
                } else {
                    let right = (c..cols)
                        .take_while(|&k| find(&mut parent, r * cols + k) == region)
                        .last()
                        .and_then(|k| self.xs.get(k + 1))
                        .copied()
                        .unwrap_or(f64::MAX);
                    let left = self.xs.get(c).copied().unwrap_or(0.0);
                    cell_text(members.get(region).map_or(&[][..], Vec::as_slice), left, right)
                });
            }
            if cells.iter().any(|c| !c.is_empty() && *c != MERGED_ABOVE.to_string()) {
                out.push_str(&cells.join("\t"));
                out.push('\n');
            }
        }
        out
    }
}

/// A cell's text: its lines top to bottom, characters left to right. Where the next line's first word
/// would have fitted at the end of a line, the line ended where its writer broke it (a space, as the
/// .docx reader joins a cell's paragraphs); otherwise the line was wrapped and runs on.
fn cell_text(glyphs: &[&Glyph], left: f64, right: f64) -> String {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match lines.last_mut() {
            Some(line) if line.first().is_some_and(|f| (f.y - g.y).abs() <= g.size * 0.5) => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    // The cell's padding, as its text keeps it from the left rule; the right one is the same.
    let pad = lines.iter().filter_map(|l| l.first()).map(|g| g.x - left).fold(f64::MAX, f64::min).clamp(0.0, 20.0);
    let mut out = String::new();
    let mut prev_end: Option<f64> = None;
    for line in &lines {
        // With room to spare: Word, WPS and LibreOffice set a gap between Latin and Chinese runs (80亿).
        if let Some(end) = prev_end
            && first_word_width(line) + line.first().map_or(0.0, |g| g.size * 0.3) <= right - pad - end
        {
            out.push(' ');
        }
        let mut last_end: Option<f64> = None;
        for g in line {
            if last_end.is_some_and(|e| g.x > e + g.size * 0.8)
                && !out.chars().last().is_some_and(is_cjk)
                && !g.text.chars().any(is_cjk)
            {
                out.push(' ');
            }
            out.push_str(&g.text);
            last_end = Some(g.end);
        }
        prev_end = line.last().map(|g| g.end);
    }
    out.trim().to_string()
}

/// How wide a line's first word is: a Chinese character alone, or a run of Latin letters and digits.
fn first_word_width(line: &[&Glyph]) -> f64 {
    let Some(first) = line.first() else { return 0.0 };
    let latin = |g: &&Glyph| g.text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | '-'));
    if !latin(first) {
        return first.end - first.x;
    }
    let last = line.iter().take_while(|g| latin(g)).last().unwrap_or(first);
    last.end - first.x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Characters of `s` set from (x, y), 10 points each.
    fn set(page: &mut Page, s: &str, x: f64, y: f64) {
        for (i, c) in s.chars().enumerate() {
            let x = x + 10.0 * i as f64;
            page.glyphs.push(Glyph { x, y, end: x + 10.0, size: 10.0, text: c.to_string(), word_start: i == 0 });
        }
    }

    fn across(page: &mut Page, y: f64, x0: f64, x1: f64) {
        page.add_segment((x0, y), (x1, y));
    }

    fn down(page: &mut Page, x: f64, y0: f64, y1: f64) {
        page.add_segment((x, y0), (x, y1));
    }

    #[test]
    fn a_ruled_table_becomes_rows_of_cells_with_merges() {
        let mut p = Page::default();
        set(&mut p, "重点任务分工表", 100.0, 800.0);
        // Columns at 100 | 140 | 215 | 380; rows at 780 | 760 | 740 | 700 | 680.
        set(&mut p, "序号", 102.0, 765.0);
        set(&mut p, "任务", 142.0, 765.0);
        set(&mut p, "牵头单位", 217.0, 765.0);
        set(&mut p, "一、扩大投资", 102.0, 745.0);
        // Row 3 and 4 share the number and task cells (merged down); the task wraps within its cell.
        set(&mut p, "1", 102.0, 715.0);
        set(&mut p, "加快项目建设和", 142.0, 725.0);
        set(&mut p, "储备", 142.0, 712.0);
        set(&mut p, "市发展改革委", 217.0, 725.0);
        set(&mut p, "市财政局", 217.0, 685.0);
        set(&mut p, "此件公开发布。", 100.0, 650.0);
        for y in [780.0, 760.0, 740.0, 680.0] {
            across(&mut p, y, 100.0, 380.0);
        }
        // Row edge 700 only under the unit column; the group row (760–740) has no inner column rules.
        across(&mut p, 700.0, 215.0, 380.0);
        for x in [100.0, 380.0] {
            down(&mut p, x, 680.0, 780.0);
        }
        for x in [140.0, 215.0] {
            down(&mut p, x, 760.0, 780.0);
            down(&mut p, x, 680.0, 740.0);
        }
        let m = MERGED_ABOVE;
        assert_eq!(
            page_text(&p),
            format!(
                "重点任务分工表\n序号\t任务\t牵头单位\n一、扩大投资\t\t\n1\t加快项目建设和储备\t市发展改革委\n{m}\t{m}\t市财政局\n此件公开发布。"
            )
        );
    }

    #[test]
    fn a_cells_own_line_breaks_are_spaces_and_wraps_run_on() {
        let (a, b, c) = (
            Glyph { x: 0.0, y: 20.0, end: 10.0, size: 10.0, text: "甲".into(), word_start: true },
            Glyph { x: 0.0, y: 8.0, end: 10.0, size: 10.0, text: "乙".into(), word_start: true },
            Glyph { x: 88.0, y: 20.0, end: 98.0, size: 10.0, text: "丙".into(), word_start: false },
        );
        // 乙 would have fitted after 甲: a break; after 丙, at the right edge, it would not: a wrap.
        assert_eq!(cell_text(&[&a, &b], 0.0, 100.0), "甲 乙");
        assert_eq!(cell_text(&[&b, &c, &a], 0.0, 100.0), "甲丙乙");
    }

    #[test]
    fn rules_that_form_no_grid_leave_text_as_it_is() {
        let mut p = Page::default();
        set(&mut p, "某市人民政府文件", 100.0, 800.0);
        across(&mut p, 790.0, 90.0, 500.0); // the red line under the masthead
        set(&mut p, "关于印发方案的通知", 100.0, 770.0);
        assert_eq!(page_text(&p), "某市人民政府文件\n\n关于印发方案的通知");
        // A framed box (one cell) is not a table either.
        let mut boxed = Page::default();
        set(&mut boxed, "附件", 110.0, 760.0);
        across(&mut boxed, 780.0, 100.0, 300.0);
        across(&mut boxed, 750.0, 100.0, 300.0);
        down(&mut boxed, 100.0, 750.0, 780.0);
        down(&mut boxed, 300.0, 750.0, 780.0);
        assert_eq!(page_text(&boxed), "附件");
    }

    #[test]
    fn filled_hairlines_are_rules_and_shading_is_not() {
        let mut p = Page::default();
        p.add_filled((100.0, 700.0), (300.0, 700.5));
        p.add_filled((100.0, 700.0), (100.5, 750.0));
        p.add_filled((100.0, 700.0), (300.0, 750.0));
        assert_eq!(p.rules.len(), 2);
        for _ in 0..MAX_RULES + 10 {
            across(&mut p, 1.0, 0.0, 5.0);
        }
        assert_eq!(p.rules.len(), MAX_RULES);
    }
}
