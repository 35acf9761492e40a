//! Offline reporting by Excel: the sheet a unit downloads for a period, pre-filled (with this period's
//! report where there is one, else last period's), and the reading of the sheet it uploads back.
//!
//! Each task is a row keyed `T<item id>`; each of its indicators a row under it keyed `I<indicator id>`
//! where only 本期数值 is filled. A hidden column keeps the version of the report the sheet was made from,
//! so an upload cannot silently overwrite a report changed online since; a hidden sheet names the plan,
//! period and unit. Reading collects every bad cell (row and column named) instead of stopping at the first.

use duban_core::{IndicatorId, ItemId, PlanId, UnitId};
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::Error;
use crate::workbook::{CheckedWorkbook, Grid};
use duban_core::Message;

/// The columns, in order.
pub const COLUMNS: [&str; 12] = [
    "编号",
    "版本",
    "序号",
    "重点任务 / 指标",
    "目标",
    "本期状态",
    "本期进展",
    "存在问题",
    "下步计划",
    "完成进度（%）",
    "是否完成",
    "本期数值",
];
const C_KEY: usize = 0;
const C_VERSION: usize = 1;
const C_PROGRESS: usize = 6;
const C_PROBLEMS: usize = 7;
const C_NEXT: usize = 8;
const C_PERCENT: usize = 9;
const C_FINISHED: usize = 10;
const C_VALUE: usize = 11;
/// The first data row (0-based): title, note, header come first.
const FIRST_ROW: usize = 3;
pub const SHEET: &str = "进展报送";
const META_SHEET: &str = "_duban";
/// Longest text accepted in a cell (as for reports entered online).
pub const MAX_TEXT: usize = 20_000;

/// What the sheet is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetMeta {
    pub plan_id: PlanId,
    pub period_key: String,
    pub unit_id: UnitId,
}

/// An indicator row of a task.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetIndicator {
    pub indicator_id: IndicatorId,
    pub metric: String,
    pub target: String,
    pub value: Option<f64>,
}

/// A task the unit owes a report on, with what to pre-fill.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetTask {
    pub item_id: ItemId,
    pub number: String,
    pub title: String,
    pub targets: String,
    /// 未填报, 草稿, 已报送 … with the return reason when returned.
    pub state: String,
    /// The version of this period's report, if there is one.
    pub version: Option<i64>,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub percent: Option<f64>,
    pub finished: bool,
    pub indicators: Vec<SheetIndicator>,
}

fn xe(e: XlsxError) -> Error {
    Error::internal(format!("writing the workbook: {e}"))
}

/// The pre-filled sheet.
pub fn report_sheet_xlsx(meta: &SheetMeta, title: &str, tasks: &[SheetTask]) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_tasks(ws, title, tasks).map_err(xe)?;
    let m = wb.add_worksheet();
    m.set_name(META_SHEET).map_err(xe)?;
    m.write_string(0, 0, "plan").map_err(xe)?;
    m.write_string(0, 1, meta.plan_id.to_string()).map_err(xe)?;
    m.write_string(1, 0, "period").map_err(xe)?;
    m.write_string(1, 1, &meta.period_key).map_err(xe)?;
    m.write_string(2, 0, "unit").map_err(xe)?;
    m.write_string(2, 1, meta.unit_id.to_string()).map_err(xe)?;
    m.set_hidden(true);
    wb.save_to_buffer().map_err(xe)
}

fn write_tasks(ws: &mut Worksheet, title: &str, tasks: &[SheetTask]) -> Result<(), XlsxError> {
    ws.set_name(SHEET)?;
    let last = (COLUMNS.len() - 1) as u16;
    let title_f = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let note_f = Format::new().set_font_color("808080").set_text_wrap();
    let head_f = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("D9E1F2")
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let fixed_f = Format::new()
        .set_border(FormatBorder::Thin)
        .set_background_color("F2F2F2")
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let input_f = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let ind_f = fixed_f.clone().set_italic();
    ws.merge_range(0, 0, 0, last, title, &title_f)?;
    ws.merge_range(
        1,
        0,
        1,
        last,
        "填写说明：请在白色单元格中填写本期进展、存在问题、下步计划、完成进度（0—100）、是否完成（是/否）和指标的本期数值；灰色单元格请勿修改，也不要增删行。填好后在系统中上传本表；有误的单元格会逐一列出，改正前不会保存任何内容。",
        &note_f,
    )?;
    ws.set_row_height(1, 45)?;
    for (c, h) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &head_f)?;
    }
    for (c, w) in [10.0, 6.0, 6.0, 30.0, 18.0, 14.0, 40.0, 28.0, 28.0, 10.0, 8.0, 12.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_column_hidden(C_VERSION as u16)?;
    let mut r = FIRST_ROW as u32;
    for t in tasks {
        ws.write_string_with_format(r, C_KEY as u16, format!("T{}", t.item_id), &fixed_f)?;
        ws.write_string_with_format(
            r,
            C_VERSION as u16,
            t.version.map(|v| v.to_string()).unwrap_or_default(),
            &fixed_f,
        )?;
        ws.write_string_with_format(r, 2, &t.number, &fixed_f)?;
        ws.write_string_with_format(r, 3, &t.title, &fixed_f)?;
        ws.write_string_with_format(r, 4, &t.targets, &fixed_f)?;
        ws.write_string_with_format(r, 5, &t.state, &fixed_f)?;
        ws.write_string_with_format(r, C_PROGRESS as u16, &t.progress, &input_f)?;
        ws.write_string_with_format(r, C_PROBLEMS as u16, &t.problems, &input_f)?;
        ws.write_string_with_format(r, C_NEXT as u16, &t.next_steps, &input_f)?;
        match t.percent {
            Some(p) => ws.write_number_with_format(r, C_PERCENT as u16, p, &input_f)?,
            None => ws.write_blank(r, C_PERCENT as u16, &input_f)?,
        };
        ws.write_string_with_format(r, C_FINISHED as u16, if t.finished { "是" } else { "否" }, &input_f)?;
        ws.write_blank(r, C_VALUE as u16, &fixed_f)?;
        r += 1;
        for ind in &t.indicators {
            ws.write_string_with_format(r, C_KEY as u16, format!("I{}", ind.indicator_id), &fixed_f)?;
            for c in [C_VERSION, 2, 5, C_PROGRESS, C_PROBLEMS, C_NEXT, C_PERCENT, C_FINISHED] {
                ws.write_blank(r, c as u16, &fixed_f)?;
            }
            ws.write_string_with_format(r, 3, format!("　指标：{}", ind.metric), &ind_f)?;
            ws.write_string_with_format(r, 4, &ind.target, &fixed_f)?;
            match ind.value {
                Some(v) => ws.write_number_with_format(r, C_VALUE as u16, v, &input_f)?,
                None => ws.write_blank(r, C_VALUE as u16, &input_f)?,
            };
            r += 1;
        }
    }
    if r > FIRST_ROW as u32 {
        let last_row = r - 1;
        let percent = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            .set_error_message("完成进度应为0到100之间的数字")?;
        ws.add_data_validation(FIRST_ROW as u32, C_PERCENT as u16, last_row, C_PERCENT as u16, &percent)?;
        let yes_no = DataValidation::new().allow_list_strings(&["是", "否"])?;
        ws.add_data_validation(FIRST_ROW as u32, C_FINISHED as u16, last_row, C_FINISHED as u16, &yes_no)?;
    }
    ws.set_freeze_panes(FIRST_ROW as u32, 4)?;
    Ok(())
}

/// One row of an uploaded sheet, checked for form (what it means is checked against the records by the
/// caller).
#[derive(Debug, Clone, PartialEq)]
pub enum SheetRow {
    Task {
        /// 1-based row in the sheet, for messages.
        line: usize,
        item_id: ItemId,
        version: Option<i64>,
        progress: String,
        problems: String,
        next_steps: String,
        percent: Option<f64>,
        finished: bool,
    },
    Indicator {
        line: usize,
        /// The task row above it.
        item_id: ItemId,
        indicator_id: IndicatorId,
        value: Option<f64>,
    },
}

/// A bad cell: 1-based row, the column's name, what is wrong (a `sheet_problem-…` catalog message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub line: usize,
    pub column: String,
    pub problem: Message,
}

impl CellProblem {
    /// The problem `sheet_problem-<what>` at a cell.
    pub fn new(line: usize, column: &str, what: &str) -> CellProblem {
        CellProblem { line, column: column.to_string(), problem: Message::new(format!("sheet_problem-{what}")) }
    }

    /// With `{ $name }` of the problem's message filled.
    pub fn arg(mut self, name: &'static str, value: impl std::fmt::Display) -> CellProblem {
        self.problem = self.problem.arg(name, value);
        self
    }

    /// With `{ $name }` filled with another message.
    pub fn arg_message(mut self, name: &'static str, value: Message) -> CellProblem {
        self.problem = self.problem.arg_message(name, value);
        self
    }

    /// "第4行“完成进度（%）”列：…" in the reader's language.
    fn located(&self) -> Message {
        Message::new("sheet-cell")
            .arg("line", self.line)
            .arg("column", &self.column)
            .arg_message("problem", self.problem.clone())
    }
}

/// All the problems as one error: nothing is saved until the whole sheet is right.
pub fn problems_error(problems: &[CellProblem]) -> Error {
    Error::bad_input("sheet.invalid")
        .arg("count", problems.len())
        .arg_lines("problems", problems.iter().map(CellProblem::located).collect())
}

/// "8.8万", "95%", "1,850", "12" → a number.
pub fn parse_number(text: &str) -> Option<f64> {
    let t: String = text.chars().filter(|c| !c.is_whitespace() && *c != ',' && *c != '，').collect();
    let (t, factor) = if let Some(x) = t.strip_suffix('万') {
        (x.to_string(), 1e4)
    } else if let Some(x) = t.strip_suffix('亿') {
        (x.to_string(), 1e8)
    } else {
        (t.trim_end_matches(['%', '％']).to_string(), 1.0)
    };
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(v * factor)
}

/// Reads an uploaded sheet: its meta, and its rows or every problem found.
pub fn read_report_sheet(bytes: &[u8]) -> Result<(SheetMeta, Vec<SheetRow>), Error> {
    let mut workbook = CheckedWorkbook::open(bytes)?;
    let meta_grid = workbook
        .grid(Some(META_SHEET))
        .map_err(|e| if e.code == "file.no_sheet" { Error::bad_input("sheet.not_ours") } else { e })?;
    let meta_value =
        |k: &str| meta_grid.cells.iter().find(|r| r.first().is_some_and(|c| c == k)).and_then(|r| r.get(1)).cloned();
    let meta = (|| {
        Some(SheetMeta {
            plan_id: meta_value("plan")?.parse().ok()?,
            period_key: meta_value("period")?,
            unit_id: meta_value("unit")?.parse().ok()?,
        })
    })()
    .ok_or_else(|| Error::bad_input("sheet.not_ours").worded("damaged"))?;
    let grid = workbook.grid(Some(SHEET))?;
    Ok((meta, read_rows(&grid)?))
}

fn read_rows(grid: &Grid) -> Result<Vec<SheetRow>, Error> {
    let header: Vec<&str> = (0..COLUMNS.len()).map(|c| grid.cell(FIRST_ROW - 1, c)).collect();
    if header != COLUMNS {
        return Err(Error::bad_input("sheet.columns_changed"));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut current_task: Option<ItemId> = None;
    for r in FIRST_ROW..grid.cells.len() {
        let line = r + 1;
        let cell = |c: usize| grid.cell(r, c).trim();
        let key = cell(C_KEY);
        if key.is_empty() {
            if (0..COLUMNS.len()).any(|c| !cell(c).is_empty()) {
                problems.push(CellProblem::new(line, COLUMNS[C_KEY], "no_key"));
            }
            continue;
        }
        let id = key.get(1..).and_then(|n| n.parse::<i64>().ok());
        match (key.chars().next(), id) {
            (Some('T'), Some(id)) => {
                let item_id = ItemId(id);
                current_task = Some(item_id);
                let version = match cell(C_VERSION) {
                    "" => None,
                    v => match v.parse() {
                        Ok(v) => Some(v),
                        Err(_) => {
                            problems.push(CellProblem::new(line, COLUMNS[C_VERSION], "version_changed"));
                            None
                        }
                    },
                };
                let percent = match cell(C_PERCENT) {
                    "" => None,
                    p => match parse_number(p) {
                        Some(v) if (0.0..=100.0).contains(&v) => Some(v),
                        _ => {
                            problems.push(CellProblem::new(line, COLUMNS[C_PERCENT], "percent_range").arg("value", p));
                            None
                        }
                    },
                };
                let finished = match cell(C_FINISHED) {
                    "是" | "已完成" | "Y" | "y" | "yes" | "Yes" | "TRUE" | "true" => true,
                    "" | "否" | "未完成" | "N" | "n" | "no" | "No" | "FALSE" | "false" => false,
                    other => {
                        problems.push(CellProblem::new(line, COLUMNS[C_FINISHED], "yes_no").arg("value", other));
                        false
                    }
                };
                for c in [C_PROGRESS, C_PROBLEMS, C_NEXT] {
                    let n = cell(c).chars().count();
                    if n > MAX_TEXT {
                        problems.push(
                            CellProblem::new(line, COLUMNS.get(c).copied().unwrap_or_default(), "text_too_long")
                                .arg("max", MAX_TEXT)
                                .arg("count", n),
                        );
                    }
                }
                if finished && percent.is_some_and(|p| p < 100.0) {
                    problems.push(CellProblem::new(line, COLUMNS[C_PERCENT], "finished_not_100"));
                }
                rows.push(SheetRow::Task {
                    line,
                    item_id,
                    version,
                    progress: cell(C_PROGRESS).to_string(),
                    problems: cell(C_PROBLEMS).to_string(),
                    next_steps: cell(C_NEXT).to_string(),
                    percent,
                    finished,
                });
            }
            (Some('I'), Some(indicator_id)) => {
                let Some(item_id) = current_task else {
                    problems.push(CellProblem::new(line, COLUMNS[C_KEY], "indicator_outside_task"));
                    continue;
                };
                let value = match cell(C_VALUE) {
                    "" => None,
                    v => match parse_number(v) {
                        Some(x) => Some(x),
                        None => {
                            problems.push(CellProblem::new(line, COLUMNS[C_VALUE], "not_a_number").arg("value", v));
                            None
                        }
                    },
                };
                rows.push(SheetRow::Indicator { line, item_id, indicator_id: IndicatorId(indicator_id), value });
            }
            _ => problems.push(CellProblem::new(line, COLUMNS[C_KEY], "unknown_key").arg("key", key)),
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems_error(&problems)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(item_id: ItemId, indicators: Vec<SheetIndicator>) -> SheetTask {
        SheetTask {
            item_id,
            number: item_id.to_string(),
            title: format!("任务{item_id}"),
            targets: String::new(),
            state: "未填报".into(),
            version: Some(3),
            progress: "上期进展".into(),
            problems: String::new(),
            next_steps: String::new(),
            percent: Some(40.0),
            finished: false,
            indicators,
        }
    }

    fn meta() -> SheetMeta {
        SheetMeta { plan_id: PlanId(1), period_key: "2022-06".into(), unit_id: UnitId(7) }
    }

    #[test]
    fn a_downloaded_sheet_reads_back_as_it_was_filled() {
        let ind = SheetIndicator {
            indicator_id: IndicatorId(9),
            metric: "住房".into(),
            target: "≥8.8万套".into(),
            value: Some(100.0),
        };
        let bytes = report_sheet_xlsx(&meta(), "表", &[task(ItemId(5), vec![ind]), task(ItemId(6), vec![])]).unwrap();
        let (m, rows) = read_report_sheet(&bytes).unwrap();
        assert_eq!(m, meta());
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            SheetRow::Task {
                line: 4,
                item_id: ItemId(5),
                version: Some(3),
                progress: "上期进展".into(),
                problems: String::new(),
                next_steps: String::new(),
                percent: Some(40.0),
                finished: false
            }
        );
        assert_eq!(
            rows[1],
            SheetRow::Indicator { line: 5, item_id: ItemId(5), indicator_id: IndicatorId(9), value: Some(100.0) }
        );
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let grid = Grid::from_rows(
            SHEET,
            vec![
                vec!["标题".into()],
                vec!["说明".into()],
                COLUMNS.iter().map(|c| c.to_string()).collect(),
                ["T5", "", "1", "任务", "", "", "进展", "", "", "120", "也许", ""]
                    .iter()
                    .map(|c| c.to_string())
                    .collect(),
                ["I9", "", "", "指标", "", "", "", "", "", "", "", "很多"].iter().map(|c| c.to_string()).collect(),
                ["", "", "", "新加的行", "", "", "", "", "", "", "", ""].iter().map(|c| c.to_string()).collect(),
            ],
        );
        let e = read_rows(&grid).unwrap_err();
        assert_eq!(e.code, "sheet.invalid");
        assert!(e.message(duban_core::Lang::Zh).contains("4处错误"), "{}", e.message(duban_core::Lang::Zh));
        assert!(
            e.message(duban_core::Lang::Zh).contains("第4行“完成进度（%）”列：“120”应为0到100之间的数字"),
            "{}",
            e.message(duban_core::Lang::Zh)
        );
        assert!(
            e.message(duban_core::Lang::Zh).contains("第4行“是否完成”列：“也许”应为“是”或“否”"),
            "{}",
            e.message(duban_core::Lang::Zh)
        );
        assert!(
            e.message(duban_core::Lang::Zh).contains("第5行“本期数值”列：“很多”不是数字"),
            "{}",
            e.message(duban_core::Lang::Zh)
        );
        assert!(e.message(duban_core::Lang::Zh).contains("第6行“编号”列"), "{}", e.message(duban_core::Lang::Zh));
    }

    #[test]
    fn numbers_as_people_write_them() {
        assert_eq!(parse_number("8.8万"), Some(88_000.0));
        assert_eq!(parse_number("95%"), Some(95.0));
        assert_eq!(parse_number("1,850"), Some(1850.0));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("NaN"), None);
    }
}
