//! Reading an uploaded plan: a document (.txt, .docx) through the parser, or a ledger kept in Excel
//! (.xlsx) through `duban-office`. Both give a `duban.plan/1` draft for the same review step.

use duban_core::Error;
use duban_plan::Plan;

/// Is this an Excel workbook (by its name, or by a ZIP package holding `xl/`)?
pub fn is_workbook(bytes: &[u8], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xlsx")
        || lower.ends_with(".xlsm")
        || lower.ends_with(".xls")
        || (bytes.starts_with(b"PK") && bytes.windows(15).take(64 * 1024).any(|w| w == b"xl/workbook.xml"))
}

/// The plan in an uploaded file, and the text to keep as its source.
pub fn read_plan(bytes: &[u8], name: &str) -> Result<(Plan, String), Error> {
    if is_workbook(bytes, name) {
        let imported = duban_office::ledger_import::plan_from_xlsx(bytes, name)?;
        return Ok((imported.plan, imported.source_text));
    }
    let decoded = duban_plan::decode::decode(bytes).map_err(|e| {
        Error::bad_input("plan.unreadable", format!("无法读取文件：{e}"), format!("Cannot read the document: {e}"))
    })?;
    Ok((duban_plan::parse_text(&decoded.text), decoded.text))
}
