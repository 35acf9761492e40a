//! Reading an uploaded Excel workbook into a grid of text cells, with merged cells filled in, after the
//! checks that give a clear message instead of a parser's error: too large, not a workbook at all, a
//! password-protected (encrypted) file, an old .xls, a damaged package, a package that would expand too far.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

use crate::Error;

/// The largest workbook accepted.
pub const MAX_WORKBOOK_BYTES: usize = 20 * 1024 * 1024;
/// The most its parts may expand to (guards against ZIP bombs).
const MAX_EXPANDED_BYTES: u64 = 200 * 1024 * 1024;
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// One sheet as text: `cells[r][c]`, rows and columns from A1, merged ranges filled with their value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub sheet: String,
    pub cells: Vec<Vec<String>>,
    /// Merged ranges as (first row, first column, last row, last column).
    pub merges: Vec<(usize, usize, usize, usize)>,
}

impl Grid {
    pub fn cell(&self, r: usize, c: usize) -> &str {
        self.cells.get(r).and_then(|row| row.get(c)).map(String::as_str).unwrap_or("")
    }

    /// Is (r, c) inside a merged range that spans more than one column?
    pub fn merged_across(&self, r: usize, c: usize) -> bool {
        self.merges.iter().any(|&(r0, c0, r1, c1)| r0 <= r && r <= r1 && c0 <= c && c <= c1 && c1 > c0)
    }

    /// A grid from rows of text (for CSV and tests).
    pub fn from_rows(sheet: &str, rows: Vec<Vec<String>>) -> Grid {
        Grid { sheet: sheet.to_string(), cells: rows, merges: Vec::new() }
    }
}

fn bad(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Error {
    Error::bad_input(code, zh, en)
}

/// Checks the bytes are a readable .xlsx and reads its sheets' names.
fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<Vec<u8>>>, Error> {
    if bytes.is_empty() {
        return Err(bad("file.empty", "文件为空", "The file is empty"));
    }
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(bad(
            "file.too_large",
            format!("文件过大（{} 字节），上限为 {} MB", bytes.len(), MAX_WORKBOOK_BYTES / 1024 / 1024),
            format!(
                "The file is too large ({} bytes); the limit is {} MB",
                bytes.len(),
                MAX_WORKBOOK_BYTES / 1024 / 1024
            ),
        ));
    }
    if bytes.starts_with(&CFB_MAGIC) {
        // Excel saves a password-protected workbook as an OLE container holding the encrypted package.
        let encrypted = bytes.windows(28).any(|w| w == utf16("EncryptionInfo").as_slice());
        return Err(if encrypted {
            bad(
                "file.encrypted",
                "该工作簿设置了打开密码，请在 Excel 中取消密码后重新上传",
                "The workbook is password-protected; remove the password in Excel and upload it again",
            )
        } else {
            bad(
                "file.legacy_xls",
                "这是旧版 Excel（.xls）文件，请另存为 .xlsx 后上传",
                "This is a legacy Excel .xls file; save it as .xlsx and upload that",
            )
        });
    }
    if !bytes.starts_with(b"PK") {
        let what = if bytes.starts_with(b"%PDF") { "PDF" } else { "not a workbook" };
        return Err(bad(
            "file.wrong_type",
            format!("不是 Excel 工作簿（.xlsx）文件（{what}）"),
            format!("This is not an Excel workbook (.xlsx) ({what})"),
        ));
    }
    let damaged = |e: &dyn std::fmt::Display| {
        bad("file.corrupt", format!("Excel 文件已损坏，无法读取：{e}"), format!("The Excel file is damaged: {e}"))
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut expanded = 0u64;
    let mut has_workbook = false;
    let mut has_document = false;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| damaged(&e))?;
        expanded = expanded.saturating_add(f.size());
        let name = f.name().map_err(|e| damaged(&e))?;
        has_workbook |= name == "xl/workbook.xml";
        has_document |= name == "word/document.xml";
    }
    if !has_workbook {
        let (zh, en) = if has_document {
            ("这是 Word 文档，不是 Excel 工作簿", "This is a Word document, not an Excel workbook")
        } else {
            ("压缩包中没有 Excel 工作簿", "The archive holds no Excel workbook")
        };
        return Err(bad("file.wrong_type", zh, en));
    }
    if expanded > MAX_EXPANDED_BYTES {
        return Err(bad(
            "file.too_large",
            "工作簿解压后超过 200 MB，请拆分后上传",
            "The workbook expands to more than 200 MB; split it and upload the parts",
        ));
    }
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|e: calamine::XlsxError| damaged(&e))
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// The names of the workbook's sheets, in order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, Error> {
    Ok(open(bytes)?.sheet_names())
}

/// Reads one sheet (the first when `sheet` is `None`).
pub fn read_grid(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, Error> {
    let mut wb = open(bytes)?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| {
            bad(
                "file.no_sheet",
                format!("工作簿中没有名为“{s}”的工作表"),
                format!("The workbook has no sheet named {s}"),
            )
        })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| bad("file.no_sheet", "工作簿中没有工作表", "The workbook has no sheets"))?,
    };
    let damaged = |e: calamine::XlsxError| {
        bad("file.corrupt", format!("Excel 文件已损坏，无法读取：{e}"), format!("The Excel file is damaged: {e}"))
    };
    let range = wb.worksheet_range(&name).map_err(damaged)?;
    let merges: Vec<(usize, usize, usize, usize)> = wb
        .worksheet_merge_cells(&name)
        .transpose()
        .map_err(damaged)?
        .unwrap_or_default()
        .iter()
        .map(|d| (d.start.0 as usize, d.start.1 as usize, d.end.0 as usize, d.end.1 as usize))
        .collect();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    // A merged range may reach past the last cell with a value.
    let height = merges.iter().map(|m| m.2 + 1).fold(range.height() + r0 as usize, usize::max);
    let width = merges.iter().map(|m| m.3 + 1).fold(range.width() + c0 as usize, usize::max);
    let mut cells = vec![vec![String::new(); width]; height];
    for (r, row) in range.rows().enumerate() {
        for (c, v) in row.iter().enumerate() {
            cells[r + r0 as usize][c + c0 as usize] = cell_text(v);
        }
    }
    for &(mr0, mc0, mr1, mc1) in &merges {
        let value = cells.get(mr0).and_then(|row| row.get(mc0)).cloned().unwrap_or_default();
        for row in cells.iter_mut().take(mr1 + 1).skip(mr0) {
            for cell in row.iter_mut().take(mc1 + 1).skip(mc0) {
                cell.clone_from(&value);
            }
        }
    }
    Ok(Grid { sheet: name, cells, merges })
}

/// A cell as the text a person would read: whole numbers without ".0", dates as YYYY-MM-DD.
fn cell_text(v: &Data) -> String {
    match v {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial day (1900 system) as YYYY-MM-DD.
fn excel_date(serial: f64) -> String {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30);
    match base.and_then(|b| b.checked_add_days(chrono::Days::new(serial.max(0.0).floor() as u64))) {
        Some(d) => d.format("%Y-%m-%d").to_string(),
        None => serial.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<Grid, Error>) -> String {
        r.err().map(|e| e.code.to_string()).unwrap_or_default()
    }

    #[test]
    fn bad_files_get_a_clear_error() {
        assert_eq!(code(read_grid(b"", None)), "file.empty");
        assert_eq!(code(read_grid(b"%PDF-1.7 ...", None)), "file.wrong_type");
        assert_eq!(code(read_grid(b"PK\x03\x04 truncated", None)), "file.corrupt");
        let mut encrypted = CFB_MAGIC.to_vec();
        encrypted.extend(vec![0u8; 100]);
        encrypted.extend(utf16("EncryptionInfo"));
        assert_eq!(code(read_grid(&encrypted, None)), "file.encrypted");
        let mut xls = CFB_MAGIC.to_vec();
        xls.extend(vec![0u8; 600]);
        assert_eq!(code(read_grid(&xls, None)), "file.legacy_xls");
        assert_eq!(code(read_grid(&vec![b'P'; MAX_WORKBOOK_BYTES + 1], None)), "file.too_large");
    }

    #[test]
    fn merged_cells_are_filled_and_numbers_read_as_written() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let f = rust_xlsxwriter::Format::new();
        ws.merge_range(0, 0, 0, 2, "一、标题", &f).unwrap();
        ws.write_number(1, 0, 3.0).unwrap();
        ws.write_number(1, 1, 2.5).unwrap();
        ws.merge_range(1, 2, 2, 2, "上下合并", &f).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let g = read_grid(&bytes, None).unwrap();
        assert_eq!(g.cells[0], ["一、标题", "一、标题", "一、标题"]);
        assert_eq!(g.cells[1], ["3", "2.5", "上下合并"]);
        assert_eq!(g.cell(2, 2), "上下合并");
        assert!(g.merged_across(0, 1));
        assert!(!g.merged_across(2, 2));
        assert_eq!(excel_date(44926.0), "2022-12-31");
    }
}
