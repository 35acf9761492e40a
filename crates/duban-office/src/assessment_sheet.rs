//! The 考核 sheet: every unit's score for a period or the year to date (rank, unit, base, deductions,
//! bonus, total) and, on a second sheet, every line of every score (which event, which task, which period,
//! how many points), with the rules version each period was scored under.

use duban_core::Error;
use duban_model::Assessment;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

pub const SCORE_HEADERS: [&str; 7] = ["排名", "单位", "基础分", "扣分", "加分", "得分", "扣加分项数"];
pub const LINE_HEADERS: [&str; 5] = ["单位", "调度期", "事项", "任务", "分值"];

/// Points as an office writes them: no trailing zeros (−0.5, 2, 97.5).
pub fn points_text(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

pub fn assessment_xlsx(a: &Assessment, plan_title: &str) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    // The document date is the day scored, so the same records give the same file.
    if let Ok(d) = ExcelDateTime::parse_from_str(&a.as_of.to_string()) {
        wb.set_properties(&DocProperties::new().set_title(plan_title).set_creation_datetime(&d));
    }
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let note = Format::new().set_text_wrap();
    let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let num = Format::new().set_border(FormatBorder::Thin).set_num_format("0.##");

    let ws = wb.add_worksheet();
    ws.set_name("考核得分").map_err(xlsx_error)?;
    ws.merge_range(0, 0, 0, 6, &format!("{plan_title}考核得分（{}）", a.label), &title).map_err(xlsx_error)?;
    let versions: Vec<String> = a.rules.iter().map(|r| format!("{}：第{}版", r.period_key, r.version)).collect();
    let rules = format!("计分规则版本（0为默认规则）：{}", versions.join("；"));
    ws.merge_range(1, 0, 1, 6, &rules, &note).map_err(xlsx_error)?;
    for (c, h) in (0u16..).zip(SCORE_HEADERS) {
        ws.write_with_format(2, c, h, &head).map_err(xlsx_error)?;
    }
    for (r, u) in (3u32..).zip(&a.units) {
        ws.write_with_format(r, 0, u.rank as f64, &num).map_err(xlsx_error)?;
        ws.write_with_format(r, 1, &u.name, &cell).map_err(xlsx_error)?;
        ws.write_with_format(r, 2, u.base, &num).map_err(xlsx_error)?;
        ws.write_with_format(r, 3, u.deductions, &num).map_err(xlsx_error)?;
        ws.write_with_format(r, 4, u.bonus, &num).map_err(xlsx_error)?;
        ws.write_with_format(r, 5, u.total, &num).map_err(xlsx_error)?;
        ws.write_with_format(r, 6, u.lines.len() as f64, &num).map_err(xlsx_error)?;
    }
    for (c, w) in [(0u16, 6.0), (1, 28.0), (2, 8.0), (3, 8.0), (4, 8.0), (5, 8.0), (6, 10.0)] {
        ws.set_column_width(c, w).map_err(xlsx_error)?;
    }
    ws.set_repeat_rows(2, 2).map_err(xlsx_error)?;
    ws.set_freeze_panes(3, 0).map_err(xlsx_error)?;
    ws.set_paper_size(9);

    let ws = wb.add_worksheet();
    ws.set_name("扣加分明细").map_err(xlsx_error)?;
    for (c, h) in (0u16..).zip(LINE_HEADERS) {
        ws.write_with_format(0, c, h, &head).map_err(xlsx_error)?;
    }
    let mut r = 1u32;
    for u in &a.units {
        for l in &u.lines {
            ws.write_with_format(r, 0, &u.name, &cell).map_err(xlsx_error)?;
            ws.write_with_format(r, 1, &l.period_key, &cell).map_err(xlsx_error)?;
            ws.write_with_format(r, 2, &l.event_zh, &cell).map_err(xlsx_error)?;
            ws.write_with_format(r, 3, &l.subject, &cell).map_err(xlsx_error)?;
            ws.write_with_format(r, 4, l.points, &num).map_err(xlsx_error)?;
            r += 1;
        }
    }
    for (c, w) in [(0u16, 24.0), (1, 10.0), (2, 14.0), (3, 50.0), (4, 8.0)] {
        ws.set_column_width(c, w).map_err(xlsx_error)?;
    }
    ws.set_repeat_rows(0, 0).map_err(xlsx_error)?;
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    ws.set_paper_size(9);
    wb.save_to_buffer().map_err(xlsx_error)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("writing the workbook: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_drop_trailing_zeros() {
        assert_eq!(points_text(-0.5), "-0.5");
        assert_eq!(points_text(2.0), "2");
        assert_eq!(points_text(97.25), "97.25");
        assert_eq!(points_text(-0.0), "0");
    }
}
