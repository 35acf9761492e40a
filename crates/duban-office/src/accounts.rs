//! The 开通通知 (account opening notice): one printable sheet per batch of accounts, each row an account,
//! its holder, unit and initial password, with the address to sign in at and the rule that the password
//! is changed at the first sign-in. The office prints it or passes each row on; the passwords exist
//! nowhere else (the server keeps only their hashes).

use duban_core::Error;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

pub const ACTIVATION_HEADERS: [&str; 6] = ["序号", "账号", "姓名", "单位", "角色", "初始口令"];

/// One account of the notice.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivationRow {
    pub username: String,
    pub display_name: String,
    pub unit: String,
    /// The role as the office reads it (单位填报人, 单位领导 …).
    pub role: String,
    pub password: String,
}

/// The notice as an .xlsx: a title, the address and the rule, a bordered table, set to print on A4
/// with the header row repeated.
pub fn activation_xlsx(rows: &[ActivationRow], address: &str, issued: &str) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("开通通知").map_err(xlsx_error)?;
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let note = Format::new().set_text_wrap();
    let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    // The password in a monospaced font, so that look-alike characters can be told apart when typed.
    let secret = Format::new().set_border(FormatBorder::Thin).set_font_name("Courier New").set_font_size(12);
    ws.merge_range(0, 0, 0, 5, "督办系统账号开通通知", &title).map_err(xlsx_error)?;
    let rule = format!(
        "登录地址：{address}\n请用下列账号和初始口令登录；首次登录须修改口令（至少8位，含大写字母、小写字母、数字、其他字符中的至少三类，不能含账号名）。初始口令仅在本通知中出现，请妥善保管、逐人交付。\n生成日期：{issued}"
    );
    ws.merge_range(1, 0, 1, 5, &rule, &note).map_err(xlsx_error)?;
    ws.set_row_height(1, 66).map_err(xlsx_error)?;
    for (c, h) in (0u16..).zip(ACTIVATION_HEADERS) {
        ws.write_with_format(2, c, h, &head).map_err(xlsx_error)?;
    }
    for (r, row) in (3u32..).zip(rows) {
        ws.write_with_format(r, 0, r - 2, &cell).map_err(xlsx_error)?;
        ws.write_with_format(r, 1, &row.username, &cell).map_err(xlsx_error)?;
        ws.write_with_format(r, 2, &row.display_name, &cell).map_err(xlsx_error)?;
        ws.write_with_format(r, 3, &row.unit, &cell).map_err(xlsx_error)?;
        ws.write_with_format(r, 4, &row.role, &cell).map_err(xlsx_error)?;
        ws.write_with_format(r, 5, &row.password, &secret).map_err(xlsx_error)?;
    }
    for (c, w) in [(0u16, 6.0), (1, 16.0), (2, 12.0), (3, 28.0), (4, 12.0), (5, 18.0)] {
        ws.set_column_width(c, w).map_err(xlsx_error)?;
    }
    ws.set_paper_size(9);
    ws.set_repeat_rows(2, 2).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("writing the workbook: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_notice_reads_back_with_every_account_and_password() {
        let rows = vec![
            ActivationRow {
                username: "xa_lly".into(),
                display_name: "李联络".into(),
                unit: "西安市政府".into(),
                role: "单位填报人".into(),
                password: "Kp7#xQ2mRt9a".into(),
            },
            ActivationRow {
                username: "fgw_ld".into(),
                display_name: "王领导".into(),
                unit: "省发展改革委".into(),
                role: "单位领导".into(),
                password: "aB3=nP8sW4eZ".into(),
            },
        ];
        let bytes = activation_xlsx(&rows, "http://10.1.2.3:8080/", "2026-12-04").unwrap();
        let grid = crate::workbook::read_grid(&bytes, Some("开通通知")).unwrap();
        let cells: Vec<Vec<String>> =
            grid.cells.iter().map(|r| r.iter().map(|c| c.trim().to_string()).collect()).collect();
        assert!(cells[1][0].contains("http://10.1.2.3:8080/") && cells[1][0].contains("首次登录须修改口令"));
        assert_eq!(cells[2], ACTIVATION_HEADERS.map(String::from));
        assert_eq!(cells[3][1..], ["xa_lly", "李联络", "西安市政府", "单位填报人", "Kp7#xQ2mRt9a"].map(String::from));
        assert_eq!(cells[4][5], "aB3=nP8sW4eZ");
    }
}
