//! `cargo +nightly fuzz run read_workbook fuzz/seeds/read_workbook`: any bytes uploaded as a workbook (a
//! ledger import or an offline report sheet) give a grid inside the bounds or a clear error, never a panic
//! or an allocation past the readers' budget. The seeds are the attacks that once crashed the server: a value
//! in XFD1048576, a merge D1:XFD3000, and a sheet inflating to 150 MB behind headers that declare 4 KB.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(grid) = duban_office::workbook::read_grid(data, None) {
        assert!(grid.cells.len() <= duban_office::workbook::MAX_ROWS);
        assert!(grid.cells.iter().all(|r| r.len() <= duban_office::workbook::MAX_COLS));
    }
    let _ = duban_office::report_sheet::read_report_sheet(data);
    let _ = duban_office::ledger_import::plan_from_xlsx(data, "fuzz.xlsx");
});
