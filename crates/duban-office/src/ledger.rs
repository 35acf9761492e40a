//! The task ledger (任务分解台账) as an Excel workbook in the customary layout, and as CSV.
//!
//! Columns: 序号, 重点任务, 具体举措, 责任单位 (lead first, marked 牵头), 量化指标, 完成时限, 本期进展, 状态.
//! Each part of the plan is a row merged across all columns; the header is frozen and repeated on every
//! printed page; text wraps; pages are A3 landscape.

use duban_core::{ItemId, UnitId};
use std::collections::HashMap;

use duban_core::Error;
use duban_model::{Ledger, LedgerItem, Summary};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

pub const HEADERS: [&str; 8] = ["序号", "重点任务", "具体举措", "责任单位", "量化指标", "完成时限", "本期进展", "状态"];

/// What one unit reported on a task for the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressLine {
    pub unit: String,
    pub text: String,
}

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// A part of the plan (一、…), printed across all columns.
    Part(String),
    Task {
        cells: [String; 8],
        unit_ids: Vec<UnitId>,
    },
}

/// The ledger as rows: parts and their tasks in document order. `progress` is by task id; `summary`
/// (of the same period) gives the status column.
pub fn ledger_rows(
    ledger: &Ledger,
    summary: Option<&Summary>,
    progress: &HashMap<ItemId, Vec<ProgressLine>>,
) -> Vec<Row> {
    let status: HashMap<ItemId, &str> =
        summary.map(|s| s.tasks.iter().map(|t| (t.item_id, t.status.zh())).collect()).unwrap_or_default();
    let mut rows = Vec::new();
    let mut n = 0;
    for part in &ledger.items {
        if part.is_task {
            n += 1;
            rows.push(task_row(n, part, &status, progress));
            continue;
        }
        rows.push(Row::Part(format!("{}{}", part.label, part.title)));
        for item in part.walk().into_iter().skip(1).filter(|i| i.is_task) {
            n += 1;
            rows.push(task_row(n, item, &status, progress));
        }
    }
    rows
}

fn task_row(
    n: usize,
    item: &LedgerItem,
    status: &HashMap<ItemId, &str>,
    progress: &HashMap<ItemId, Vec<ProgressLine>>,
) -> Row {
    let units = item
        .units
        .iter()
        .map(|u| if u.role == duban_model::UnitRole::Lead { format!("{}（牵头）", u.name) } else { u.name.clone() })
        .chain(item.unresolved_units.iter().cloned())
        .collect::<Vec<_>>()
        .join("、");
    let targets = item.targets.iter().map(target_text).collect::<Vec<_>>().join("；");
    let lines = progress.get(&item.id).map(Vec::as_slice).unwrap_or(&[]);
    let progress_text = match lines {
        [] => String::new(),
        [one] if item.units.len() <= 1 => one.text.clone(),
        many => many.iter().map(|l| format!("{}：{}", l.unit, l.text)).collect::<Vec<_>>().join("\n"),
    };
    Row::Task {
        cells: [
            n.to_string(),
            item.title.clone(),
            item.text.clone(),
            units,
            targets,
            // The plan's own phrase (年底前, 长期坚持) where it gave one, as an office writes it.
            if item.deadline_text.is_empty() { item.deadline.to_string() } else { item.deadline_text.clone() },
            progress_text,
            status.get(&item.id).map(|s| s.to_string()).unwrap_or_default(),
        ],
        unit_ids: item.units.iter().map(|u| u.unit_id).collect(),
    }
}

/// A target as the ledger prints it: 保障性租赁住房≥8.8万套（间）.
pub fn target_text(t: &duban_model::IndicatorRecord) -> String {
    format!("{}{}{}{}", t.metric, t.op.symbol(), format_value(t.value), t.unit)
}

/// 88000 → "8.8万", 1850 → "1850", 95.5 → "95.5": as the plan writes numbers.
pub fn format_value(v: f64) -> String {
    let trim = |x: f64| {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if v.abs() >= 10_000.0 && (v / 10_000.0 * 10_000.0).fract() == 0.0 {
        format!("{}万", trim(v / 10_000.0))
    } else {
        trim(v)
    }
}

/// The ledger as a workbook: one sheet for the whole plan, or (with `per_unit`) one more sheet per unit
/// with the tasks it holds.
pub fn ledger_xlsx(
    ledger: &Ledger,
    summary: Option<&Summary>,
    progress: &HashMap<ItemId, Vec<ProgressLine>>,
    per_unit: bool,
) -> Result<Vec<u8>, Error> {
    let rows = ledger_rows(ledger, summary, progress);
    let mut wb = Workbook::new();
    // Fixed document dates (the period's end, else the plan's creation) so the same data gives the same file.
    let day = summary.map(|s| s.as_of.to_string()).unwrap_or_else(|| format!("{}-12-31", ledger.plan.year));
    if let Ok(d) = ExcelDateTime::parse_from_str(&day) {
        wb.set_properties(&DocProperties::new().set_title(&ledger.plan.title).set_creation_datetime(&d));
    }
    let title = match summary {
        Some(s) => format!("{}任务分解台账（{}）", ledger.plan.title, s.period.spec.label_zh),
        None => format!("{}任务分解台账", ledger.plan.title),
    };
    write_sheet(wb.add_worksheet(), "全部任务", &title, rows.iter())?;
    if per_unit {
        let mut units: Vec<(UnitId, String)> = Vec::new();
        for u in ledger.all_items().into_iter().flat_map(|i| &i.units) {
            if !units.iter().any(|(id, _)| *id == u.unit_id) {
                units.push((u.unit_id, u.name.clone()));
            }
        }
        units.sort();
        let mut used_names: Vec<String> = vec!["全部任务".into()];
        for (id, name) in units {
            let mine = rows.iter().filter(|r| matches!(r, Row::Task { unit_ids, .. } if unit_ids.contains(&id)));
            let sheet = sheet_name(&name, id, &used_names);
            used_names.push(sheet.clone());
            write_sheet(wb.add_worksheet(), &sheet, &format!("{title}——{name}"), mine)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_error)
}

/// Excel sheet names: at most 31 characters, none of []:*?/\, unique.
fn sheet_name(name: &str, id: UnitId, used: &[String]) -> String {
    let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
    if used.contains(&clean) || clean.is_empty() {
        format!("{}{id}", clean.chars().take(24).collect::<String>())
    } else {
        clean
    }
}

fn write_sheet<'a>(
    ws: &mut Worksheet,
    name: &str,
    title: &str,
    rows: impl Iterator<Item = &'a Row>,
) -> Result<(), Error> {
    ws.set_name(name).map_err(xlsx_error)?;
    let title_f = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let head_f = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("D9E1F2")
        .set_text_wrap();
    let part_f = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("F2F2F2").set_text_wrap();
    let cell_f = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let last = (HEADERS.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, title, &title_f).map_err(xlsx_error)?;
    ws.set_row_height(0, 30).map_err(xlsx_error)?;
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &head_f).map_err(xlsx_error)?;
    }
    for (c, w) in [6.0, 24.0, 60.0, 30.0, 28.0, 12.0, 40.0, 10.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(xlsx_error)?;
    }
    for (r, row) in (2u32..).zip(rows) {
        match row {
            Row::Part(t) => {
                ws.merge_range(r, 0, r, last, t, &part_f).map_err(xlsx_error)?;
            }
            Row::Task { cells, .. } => {
                for (c, v) in cells.iter().enumerate() {
                    ws.write_string_with_format(r, c as u16, v, &cell_f).map_err(xlsx_error)?;
                }
            }
        }
    }
    ws.set_freeze_panes(2, 0).map_err(xlsx_error)?;
    ws.set_repeat_rows(1, 1).map_err(xlsx_error)?;
    ws.set_paper_size(8); // A3
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("writing the workbook: {e}"))
}

/// The ledger as CSV: UTF-8 with a BOM (so Excel opens it), CRLF line ends, parts as rows with only
/// their title in the first column.
pub fn ledger_csv(ledger: &Ledger, summary: Option<&Summary>, progress: &HashMap<ItemId, Vec<ProgressLine>>) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADERS.join(","));
    out.push_str("\r\n");
    for row in ledger_rows(ledger, summary, progress) {
        let cells: Vec<String> = match row {
            Row::Part(t) => std::iter::once(t).chain(std::iter::repeat_n(String::new(), HEADERS.len() - 1)).collect(),
            Row::Task { cells, .. } => cells.to_vec(),
        };
        out.push_str(&cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(s: &str) -> String {
    // A leading =, +, - or @ would be read by Excel as a formula, and so would one behind a leading TAB or
    // CR (OWASP's list): prefix a quote-mark (CSV injection).
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_the_plan_writes_them() {
        assert_eq!(format_value(88_000.0), "8.8万");
        assert_eq!(format_value(18_500.0), "1.85万");
        assert_eq!(format_value(1_850.0), "1850");
        assert_eq!(format_value(95.5), "95.5");
        assert_eq!(format_value(12_345.5), "12345.5");
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("\t=1+1"), "'\t=1+1");
        assert_eq!(csv_field("\r=cmd|' /C calc'!A0"), "\"'\r=cmd|' /C calc'!A0\"");
        assert_eq!(csv_field("说\"明\""), "\"说\"\"明\"\"\"");
    }
}
