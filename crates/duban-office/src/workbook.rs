//! Reading an uploaded Excel workbook into a grid of text cells, with merged cells filled in, after the
//! checks that give a clear message instead of a parser's error: too large, not a workbook at all, a
//! password-protected (encrypted) file, an old .xls, a damaged package, a package that would expand too far.
//!
//! Everything an upload can make us allocate is bounded before it is allocated:
//! - the package's parts are inflated once, counting the bytes that actually come out (a ZIP's declared
//!   sizes are the sender's word and are not trusted), and the workbook is refused past
//!   [`MAX_INFLATED_BYTES`];
//! - cells are streamed (never calamine's dense `Range`, which a single cell at `XFD1048576` turns into a
//!   512 GiB allocation); a value beyond [`MAX_ROWS`] × [`MAX_COLS`] is refused with its address;
//! - merged ranges are clipped to those bounds, and the grid's text (merged values copied into every cell
//!   they cover) is held to [`MAX_GRID_BYTES`].

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx, open_workbook_from_rs};

use crate::Error;

/// The largest workbook accepted.
pub const MAX_WORKBOOK_BYTES: usize = 20 * 1024 * 1024;
/// The most a workbook's parts may inflate to, counted as they inflate (guards against ZIP bombs, including
/// those whose headers declare small sizes).
pub const MAX_INFLATED_BYTES: u64 = 100 * 1024 * 1024;
/// The rows and columns of a sheet that are read. A task ledger or a report sheet uses a few thousand rows
/// and a few dozen columns; a value past these is refused, not silently dropped.
pub const MAX_ROWS: usize = 20_000;
pub const MAX_COLS: usize = 256;
/// The most cells (rows × columns of the used area) a grid may have.
pub const MAX_GRID_CELLS: usize = 2_000_000;
/// The most text a grid may hold, merged values counted once per cell they fill.
pub const MAX_GRID_BYTES: usize = 64 * 1024 * 1024;
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

/// Checks the bytes are a readable .xlsx and reads its sheets' names.
fn open(bytes: &[u8]) -> Result<Xlsx<Cursor<Vec<u8>>>, Error> {
    if bytes.is_empty() {
        return Err(Error::bad_input("file.empty"));
    }
    if bytes.len() > MAX_WORKBOOK_BYTES {
        return Err(Error::bad_input("file.too_large")
            .arg("bytes", bytes.len())
            .arg("limit_mb", MAX_WORKBOOK_BYTES / 1024 / 1024));
    }
    if bytes.starts_with(&CFB_MAGIC) {
        // Excel saves a password-protected workbook as an OLE container holding the encrypted package.
        let encrypted = bytes.windows(28).any(|w| w == utf16("EncryptionInfo").as_slice());
        return Err(if encrypted { Error::bad_input("file.encrypted") } else { Error::bad_input("file.legacy_xls") });
    }
    if !bytes.starts_with(b"PK") {
        let variant = if bytes.starts_with(b"%PDF") { "pdf" } else { "other" };
        return Err(Error::bad_input("file.wrong_type").worded(variant));
    }
    let damaged = |e: &dyn std::fmt::Display| Error::bad_input("file.corrupt").arg("reason", e);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut has_workbook = false;
    let mut has_document = false;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| damaged(&e))?;
        let name = f.name().map_err(|e| damaged(&e))?;
        has_workbook |= name == "xl/workbook.xml";
        has_document |= name == "word/document.xml";
    }
    if !has_workbook {
        let variant = if has_document { "word" } else { "zip" };
        return Err(Error::bad_input("file.wrong_type").worded(variant));
    }
    check_inflated_size(&mut zip, MAX_INFLATED_BYTES).map_err(|e| match e {
        Inflate::TooLarge => {
            Error::bad_input("file.too_large").worded("inflated").arg("limit_mb", MAX_INFLATED_BYTES / 1024 / 1024)
        }
        Inflate::Damaged(e) => damaged(&e),
    })?;
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|e: calamine::XlsxError| damaged(&e))
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// Why a package failed the inflation check.
#[derive(Debug)]
pub enum Inflate {
    TooLarge,
    Damaged(String),
}

/// Inflates every part of `zip`, counting the bytes that come out, and stops as soon as they pass `limit`.
/// Memory stays at one small buffer whatever the parts hold; the sizes the package declares are not used.
pub fn check_inflated_size<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, limit: u64) -> Result<u64, Inflate> {
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| Inflate::Damaged(e.to_string()))?;
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Inflate::Damaged(e.to_string())),
            };
            total = total.saturating_add(n as u64);
            if total > limit {
                return Err(Inflate::TooLarge);
            }
        }
    }
    Ok(total)
}

/// The names of the workbook's sheets, in order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, Error> {
    Ok(open(bytes)?.sheet_names())
}

/// An opened, checked workbook whose sheets can be read one after the other without checking it again.
pub struct CheckedWorkbook {
    xlsx: Xlsx<Cursor<Vec<u8>>>,
}

impl std::fmt::Debug for CheckedWorkbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedWorkbook").field("sheets", &self.xlsx.sheet_names()).finish()
    }
}

impl CheckedWorkbook {
    pub fn open(bytes: &[u8]) -> Result<CheckedWorkbook, Error> {
        Ok(CheckedWorkbook { xlsx: open(bytes)? })
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.xlsx.sheet_names()
    }

    /// Reads one sheet (the first when `sheet` is `None`).
    pub fn grid(&mut self, sheet: Option<&str>) -> Result<Grid, Error> {
        let names = self.xlsx.sheet_names();
        let name = match sheet {
            Some(s) => names
                .iter()
                .find(|n| *n == s)
                .cloned()
                .ok_or_else(|| Error::bad_input("file.no_sheet").worded("named").arg("sheet", s))?,
            None => names.first().cloned().ok_or_else(|| Error::bad_input("file.no_sheet"))?,
        };
        read_sheet(&mut self.xlsx, &name)
    }
}

/// Reads one sheet (the first when `sheet` is `None`).
pub fn read_grid(bytes: &[u8], sheet: Option<&str>) -> Result<Grid, Error> {
    CheckedWorkbook::open(bytes)?.grid(sheet)
}

/// `A1`-style address of a zero-based (row, column).
pub fn cell_address(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + rem as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

fn beyond_bounds(sheet: &str, row: usize, col: usize) -> Error {
    let at = cell_address(row, col);
    Error::bad_input("file.too_many_cells")
        .worded("beyond")
        .arg("sheet", sheet)
        .arg("cell", at)
        .arg("rows", MAX_ROWS)
        .arg("cols", MAX_COLS)
}

fn grid_too_large(sheet: &str) -> Error {
    Error::bad_input("file.too_many_cells").arg("sheet", sheet)
}

fn read_sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Result<Grid, Error> {
    let damaged = |e: calamine::XlsxError| Error::bad_input("file.corrupt").arg("reason", e);
    // Merged ranges, clipped to the bounds (a whole row merged in Excel reaches column XFD).
    let merges: Vec<(usize, usize, usize, usize)> = wb
        .worksheet_merge_cells(name)
        .transpose()
        .map_err(damaged)?
        .unwrap_or_default()
        .iter()
        .filter(|d| (d.start.0 as usize) < MAX_ROWS && (d.start.1 as usize) < MAX_COLS)
        .map(|d| {
            (
                d.start.0 as usize,
                d.start.1 as usize,
                (d.end.0 as usize).min(MAX_ROWS - 1),
                (d.end.1 as usize).min(MAX_COLS - 1),
            )
        })
        .collect();
    // The cells with a value, streamed; empty (formatted) cells far out are common and ignored.
    let mut values: Vec<(usize, usize, String)> = Vec::new();
    let mut bytes = 0usize;
    {
        let mut cells = wb.worksheet_cells_reader(name).map_err(damaged)?;
        while let Some(cell) = cells.next_cell().map_err(damaged)? {
            let text = cell_text(cell.get_value());
            if text.is_empty() {
                continue;
            }
            let (r, c) = (cell.get_position().0 as usize, cell.get_position().1 as usize);
            if r >= MAX_ROWS || c >= MAX_COLS {
                return Err(beyond_bounds(name, r, c));
            }
            bytes += text.len();
            if bytes > MAX_GRID_BYTES {
                return Err(grid_too_large(name));
            }
            values.push((r, c, text));
        }
    }
    let height = values.iter().map(|v| v.0 + 1).chain(merges.iter().map(|m| m.2 + 1)).max().unwrap_or(0);
    let width = values.iter().map(|v| v.1 + 1).chain(merges.iter().map(|m| m.3 + 1)).max().unwrap_or(0);
    if height.saturating_mul(width) > MAX_GRID_CELLS {
        return Err(grid_too_large(name));
    }
    let mut cells = vec![vec![String::new(); width]; height];
    for (r, c, text) in values {
        if let Some(cell) = cells.get_mut(r).and_then(|row| row.get_mut(c)) {
            *cell = text;
        }
    }
    for &(mr0, mc0, mr1, mc1) in &merges {
        let value = cells.get(mr0).and_then(|row| row.get(mc0)).cloned().unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        let covered = (mr1 + 1 - mr0).saturating_mul(mc1 + 1 - mc0);
        bytes = bytes.saturating_add(covered.saturating_mul(value.len()));
        if bytes > MAX_GRID_BYTES {
            return Err(grid_too_large(name));
        }
        for row in cells.iter_mut().take(mr1 + 1).skip(mr0) {
            for cell in row.iter_mut().take(mc1 + 1).skip(mc0) {
                cell.clone_from(&value);
            }
        }
    }
    Ok(Grid { sheet: name.to_string(), cells, merges })
}

/// A cell as the text a person would read: whole numbers without ".0", dates as YYYY-MM-DD.
fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(d) => excel_date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
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

    /// A minimal .xlsx written part by part, so that a test can put in what Excel would not write (a lone
    /// far cell, a merge without its blank cells, a sheet of any size).
    pub(crate) fn raw_xlsx(sheet_data: &[u8], merges: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let parts: [(&str, &str); 4] = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
        ];
        for (name, text) in parts {
            zip.start_file(name, opts).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
        zip.write_all(sheet_data).unwrap();
        zip.write_all(b"</sheetData>").unwrap();
        if !merges.is_empty() {
            write!(zip, r#"<mergeCells count="{}">"#, merges.len()).unwrap();
            for m in merges {
                write!(zip, r#"<mergeCell ref="{m}"/>"#).unwrap();
            }
            zip.write_all(b"</mergeCells>").unwrap();
        }
        zip.write_all(b"</worksheet>").unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    fn cell(at: &str, text: &str) -> String {
        format!(r#"<row><c r="{at}" t="inlineStr"><is><t>{text}</t></is></c></row>"#)
    }

    /// Rewrites every declared uncompressed size in a ZIP (local headers and central directory) to `size`.
    pub(crate) fn lie_about_sizes(zip: &mut [u8], size: u32) {
        let mut i = 0;
        while i + 30 <= zip.len() {
            let at = &zip[i..i + 4];
            if at == b"PK\x03\x04" {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            } else if at == b"PK\x01\x02" {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            }
            i += 1;
        }
    }

    #[test]
    fn a_value_in_a_far_cell_is_refused_with_its_address_not_allocated() {
        let bytes = raw_xlsx(format!("{}{}", cell("A1", "任务"), cell("XFD1048576", "x")).as_bytes(), &[]);
        let e = read_grid(&bytes, None).unwrap_err();
        assert_eq!(e.code, "file.too_many_cells");
        assert!(
            e.message(duban_core::Lang::Zh).contains("XFD1048576")
                && e.message(duban_core::Lang::En).contains("XFD1048576"),
            "{e:?}"
        );
        let bytes = raw_xlsx(format!("{}{}", cell("A1", "任务"), cell("ZZ20000", "x")).as_bytes(), &[]);
        assert!(read_grid(&bytes, None).unwrap_err().message(duban_core::Lang::Zh).contains("ZZ20000"));
        // Formatted empty cells far out are what Excel writes for a styled column: they are ignored.
        let empty = format!(r#"{}<row r="1048576"><c r="XFD1048576" s="1"/></row>"#, cell("A1", "任务"));
        let g = read_grid(&raw_xlsx(empty.as_bytes(), &[]), None).unwrap();
        assert_eq!(g.cells, vec![vec!["任务".to_string()]]);
        // The last cell inside the bounds is read.
        let edge = cell(&cell_address(MAX_ROWS - 1, 0), "末行");
        let g = read_grid(&raw_xlsx(edge.as_bytes(), &[]), None).unwrap();
        assert_eq!(g.cells.len(), MAX_ROWS);
        assert_eq!(g.cell(MAX_ROWS - 1, 0), "末行");
    }

    #[test]
    fn a_huge_merge_is_clipped_and_its_copies_are_budgeted() {
        // D1:XFD3000 holding a short value: clipped to the column bound, filled, within the budget.
        let bytes = raw_xlsx(cell("D1", "合并").as_bytes(), &["D1:XFD3000"]);
        assert!(bytes.len() < 4096);
        let g = read_grid(&bytes, None).unwrap();
        assert_eq!(g.cells.len(), 3000);
        assert_eq!(g.cells[0].len(), MAX_COLS);
        assert_eq!(g.cell(2999, MAX_COLS - 1), "合并");
        assert_eq!(g.merges, vec![(0, 3, 2999, MAX_COLS - 1)]);
        // The same merge over a whole sheet, or holding a long text, would copy too much: refused.
        let bytes = raw_xlsx(cell("A1", "合并").as_bytes(), &["A1:XFD1048576"]);
        assert_eq!(read_grid(&bytes, None).unwrap_err().code, "file.too_many_cells");
        let long = "长".repeat(20_000);
        let bytes = raw_xlsx(cell("A1", &long).as_bytes(), &["A1:Z2000"]);
        assert_eq!(read_grid(&bytes, None).unwrap_err().code, "file.too_many_cells");
    }

    #[test]
    fn a_package_that_lies_about_its_sizes_is_refused_by_what_it_inflates_to() {
        // 150 MB of whitespace inside the sheet: valid XML, a few hundred KB deflated.
        let mut data = vec![b' '; 150 * 1024 * 1024];
        data.extend_from_slice(cell("A1", "x").as_bytes());
        let honest = raw_xlsx(&data, &[]);
        drop(data);
        assert!(honest.len() < MAX_WORKBOOK_BYTES, "{}", honest.len());
        assert_eq!(read_grid(&honest, None).unwrap_err().code, "file.too_large");
        // The same package declaring 4 KB per part: refused as soon as a part inflates past what it
        // declared (or past the limit), before calamine sees it.
        let mut lying = honest.clone();
        lie_about_sizes(&mut lying, 4096);
        let e = read_grid(&lying, None).unwrap_err();
        assert!(matches!(e.code, "file.too_large" | "file.corrupt"), "{e:?}");
        // The check counts what inflates, so an honest small package passes it.
        let mut zip = zip::ZipArchive::new(Cursor::new(raw_xlsx(cell("A1", "x").as_bytes(), &[]))).unwrap();
        assert!(check_inflated_size(&mut zip, MAX_INFLATED_BYTES).unwrap() < 4096);
    }

    /// The fuzz target's seeds are the attacks themselves; the reader refuses or bounds each.
    #[test]
    fn the_fuzz_seeds_are_refused_or_bounded() {
        let far = include_bytes!("../../../fuzz/seeds/read_workbook/far-cell.xlsx");
        assert_eq!(read_grid(far, None).unwrap_err().code, "file.too_many_cells");
        let merge = include_bytes!("../../../fuzz/seeds/read_workbook/huge-merge.xlsx");
        assert_eq!(read_grid(merge, None).unwrap().cells[0].len(), MAX_COLS);
        let lying = include_bytes!("../../../fuzz/seeds/read_workbook/lying-size.xlsx");
        assert!(matches!(read_grid(lying, None).unwrap_err().code, "file.too_large" | "file.corrupt"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]
        /// A package inflating to a few MB whose headers declare any size at all: read or refused, never a
        /// panic and never more than the budget, whatever it claims.
        #[test]
        fn any_declared_sizes_give_a_bounded_grid_or_an_error(declared in proptest::prelude::any::<u32>(), pad in 0usize..4_000_000) {
            let mut data = vec![b' '; pad];
            data.extend_from_slice(cell("A1", "x").as_bytes());
            let mut bytes = raw_xlsx(&data, &[]);
            lie_about_sizes(&mut bytes, declared);
            match read_grid(&bytes, None) {
                Ok(g) => proptest::prop_assert_eq!(g.cell(0, 0), "x"),
                Err(e) => proptest::prop_assert!(e.code == "file.corrupt" || e.code == "file.too_large", "{:?}", e),
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]
        /// Cells and merges anywhere in Excel's 1048576 × 16384 sheet: a grid inside the bounds or a clear
        /// error, never a panic or an allocation past the budget.
        #[test]
        fn any_cells_and_merges_give_a_bounded_grid_or_an_error(
            cells in proptest::collection::vec((0usize..1_048_576, 0usize..16_384, "[a-z合并]{0,8}"), 0..6),
            merges in proptest::collection::vec((0usize..1_048_576, 0usize..16_384, 0usize..1_048_576, 0usize..16_384), 0..4),
        ) {
            let data: String = cells.iter().map(|(r, c, t)| cell(&cell_address(*r, *c), t)).collect();
            let refs: Vec<String> = merges
                .iter()
                .map(|&(r0, c0, r1, c1)| format!("{}:{}", cell_address(r0.min(r1), c0.min(c1)), cell_address(r0.max(r1), c0.max(c1))))
                .collect();
            let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
            match read_grid(&raw_xlsx(data.as_bytes(), &refs), None) {
                Ok(g) => {
                    proptest::prop_assert!(g.cells.len() <= MAX_ROWS);
                    proptest::prop_assert!(g.cells.iter().all(|r| r.len() <= MAX_COLS));
                    proptest::prop_assert!(g.cells.len() * g.cells.first().map_or(0, Vec::len) <= MAX_GRID_CELLS);
                }
                Err(e) => proptest::prop_assert!(e.code == "file.too_many_cells" || e.code == "file.corrupt", "{:?}", e),
            }
        }
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
