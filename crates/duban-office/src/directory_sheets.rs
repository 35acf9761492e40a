//! The units directory and the accounts as the Excel sheets offices already keep: written for download,
//! and read back filled in. Every bad cell is listed by row and column, and nothing is applied until the
//! whole sheet is right (as the offline report sheet does); what needs the directory (a unit or parent
//! named that exists) is checked by the caller with the same kind of problem.

use std::collections::HashSet;

use duban_core::names::normalize_unit_name;
use duban_core::{Error, Role};
use duban_model::UnitKind;
use rust_xlsxwriter::{Format, Workbook};

use crate::report_sheet::{CellProblem, problems_error};
use crate::workbook::read_grid;

pub const UNIT_COLUMNS: [&str; 8] = ["名称", "简称/别名", "类型", "上级单位", "排序", "联系人", "电话", "邮箱"];
pub const ACCOUNT_COLUMNS: [&str; 7] = ["账号", "姓名", "单位", "角色", "手机", "邮箱", "状态"];

/// A unit's row. `line` is its row in the sheet (1-based, as Excel numbers it).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSheetRow {
    pub line: usize,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: UnitKind,
    pub parent: String,
    pub sort_order: i64,
    pub contact: String,
    pub phone: String,
    pub email: String,
}

/// An account's row.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountSheetRow {
    pub line: usize,
    pub username: String,
    pub display_name: String,
    pub unit: String,
    pub role: Role,
    pub phone: String,
    pub email: String,
    pub disabled: bool,
}

/// The kinds as the sheet writes them.
pub fn kind_label(k: UnitKind) -> &'static str {
    match k {
        UnitKind::Department => "部门",
        UnitKind::Government => "政府",
        UnitKind::Zone => "园区",
        UnitKind::Enterprise => "企业",
        UnitKind::Other => "其他",
    }
}

fn kind_of(cell: &str) -> Option<UnitKind> {
    let c = cell.trim();
    UnitKind::ALL
        .into_iter()
        .find(|k| kind_label(*k) == c || k.as_str() == c || (c.starts_with("园区") && *k == UnitKind::Zone))
}

/// The roles as the sheet writes them (and the other names offices use for them).
pub fn role_label(r: Role) -> &'static str {
    match r {
        Role::Admin => "管理员",
        Role::Leader => "单位领导",
        Role::Reporter => "联络员",
        Role::Viewer => "查看",
        Role::SysAdmin => "系统管理员",
        Role::Auditor => "安全审计员",
    }
}

fn role_of(cell: &str) -> Option<Role> {
    match cell.trim() {
        "管理员" | "办公室" | "admin" => Some(Role::Admin),
        "单位领导" | "分管领导" | "leader" => Some(Role::Leader),
        "联络员" | "填报员" | "填报人" | "reporter" => Some(Role::Reporter),
        "查看" | "领导" | "只读" | "viewer" => Some(Role::Viewer),
        "系统管理员" | "sysadmin" => Some(Role::SysAdmin),
        "安全审计员" | "审计员" | "auditor" => Some(Role::Auditor),
        _ => None,
    }
}

/// The units as a sheet, in the directory's order.
pub fn units_xlsx(rows: &[UnitSheetRow]) -> Result<Vec<u8>, Error> {
    let mut out: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(vec![
            r.name.clone(),
            r.aliases.join("、"),
            kind_label(r.kind).to_string(),
            r.parent.clone(),
            r.sort_order.to_string(),
            r.contact.clone(),
            r.phone.clone(),
            r.email.clone(),
        ]);
    }
    sheet("单位名录", &UNIT_COLUMNS, &out, &[28.0, 24.0, 8.0, 24.0, 6.0, 12.0, 16.0, 24.0])
}

/// The accounts as a sheet.
pub fn accounts_xlsx(rows: &[AccountSheetRow]) -> Result<Vec<u8>, Error> {
    let mut out: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(vec![
            r.username.clone(),
            r.display_name.clone(),
            r.unit.clone(),
            role_label(r.role).to_string(),
            r.phone.clone(),
            r.email.clone(),
            if r.disabled { "停用" } else { "正常" }.to_string(),
        ]);
    }
    sheet("账号", &ACCOUNT_COLUMNS, &out, &[16.0, 12.0, 28.0, 10.0, 16.0, 24.0, 8.0])
}

fn sheet(name: &str, header: &[&str], rows: &[Vec<String>], widths: &[f64]) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    // Text cells throughout, so that 排序 "01" or a phone "02988888888" keep their leading zeros.
    let text = Format::new().set_num_format("@");
    for (c, h) in (0u16..).zip(header) {
        ws.write_with_format(0, c, *h, &bold).map_err(xlsx_error)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (c, v) in (0u16..).zip(row) {
            ws.write_with_format(r, c, v, &text).map_err(xlsx_error)?;
        }
    }
    for (c, w) in (0u16..).zip(widths) {
        ws.set_column_width(c, *w).map_err(xlsx_error)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("writing the workbook: {e}"))
}

/// The columns of the header row (the first row that names them all, in any order) and the rows under it.
fn table(grid: &crate::workbook::Grid, names: &[&str]) -> Result<(Vec<usize>, usize), Error> {
    for (r, row) in grid.cells.iter().enumerate().take(20) {
        let at: Vec<Option<usize>> = names.iter().map(|n| row.iter().position(|c| c.trim() == *n)).collect();
        if at.iter().all(Option::is_some) {
            return Ok((at.into_iter().flatten().collect(), r));
        }
    }
    Err(Error::bad_input("sheet.header").arg("columns", names.join("、")))
}

const EMAIL_MAX: usize = 100;

fn email_ok(e: &str) -> bool {
    let e = e.trim();
    e.is_empty()
        || (e.len() <= EMAIL_MAX
            && e.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.starts_with('.'))
            && !e.chars().any(char::is_whitespace))
}

fn phone_ok(p: &str) -> bool {
    let p = p.trim();
    p.len() <= 40 && p.chars().all(|c| c.is_ascii_digit() || " -+()转".contains(c))
}

/// The units of a filled-in directory sheet, or every bad cell. `known` holds the directory's names and
/// aliases (normalized): a parent must be one of them or a unit of the sheet.
pub fn read_units_sheet(bytes: &[u8], known: &HashSet<String>) -> Result<Vec<UnitSheetRow>, Error> {
    let grid = read_grid(bytes, None)?;
    let (cols, header) = table(&grid, &UNIT_COLUMNS)?;
    let cell = |r: usize, k: usize| cols.get(k).map_or("", |&c| grid.cell(r, c)).trim().to_string();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for r in header + 1..grid.cells.len() {
        let line = r + 1;
        let name = cell(r, 0);
        if (0..UNIT_COLUMNS.len()).all(|k| cell(r, k).is_empty()) {
            continue;
        }
        if name.is_empty() || name.chars().count() > 100 {
            problems.push(CellProblem::new(line, UNIT_COLUMNS[0], "name_required"));
        } else if out.iter().any(|u: &UnitSheetRow| u.name == name) {
            problems.push(CellProblem::new(line, UNIT_COLUMNS[0], "duplicate").arg("value", &name));
        }
        let kind_cell = cell(r, 2);
        let kind = if kind_cell.is_empty() { Some(UnitKind::Department) } else { kind_of(&kind_cell) };
        if kind.is_none() {
            problems.push(CellProblem::new(line, UNIT_COLUMNS[2], "unit_kind").arg("value", &kind_cell));
        }
        let order_cell = cell(r, 4);
        let sort_order = if order_cell.is_empty() {
            Some(0)
        } else {
            order_cell.parse::<i64>().ok().filter(|n| (0..1_000_000).contains(n))
        };
        if sort_order.is_none() {
            problems.push(CellProblem::new(line, UNIT_COLUMNS[4], "whole_number").arg("value", &order_cell));
        }
        let (phone, email) = (cell(r, 6), cell(r, 7));
        if !phone_ok(&phone) {
            problems.push(CellProblem::new(line, UNIT_COLUMNS[6], "phone").arg("value", &phone));
        }
        if !email_ok(&email) {
            problems.push(CellProblem::new(line, UNIT_COLUMNS[7], "email").arg("value", &email));
        }
        let aliases = cell(r, 1)
            .split(['、', '，', ',', '；', ';'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        if let (Some(kind), Some(sort_order)) = (kind, sort_order) {
            out.push(UnitSheetRow {
                line,
                name,
                aliases,
                kind,
                parent: cell(r, 3),
                sort_order,
                contact: cell(r, 5),
                phone,
                email,
            });
        }
    }
    let in_sheet: HashSet<String> = out.iter().map(|u| normalize_unit_name(&u.name)).collect();
    for u in out.iter().filter(|u| !u.parent.is_empty()) {
        let p = normalize_unit_name(&u.parent);
        if !known.contains(&p) && !in_sheet.contains(&p) {
            problems.push(CellProblem::new(u.line, UNIT_COLUMNS[3], "unknown_parent").arg("value", &u.parent));
        }
    }
    problems.sort_by_key(|p| p.line);
    if problems.is_empty() { Ok(out) } else { Err(problems_error(&problems)) }
}

/// The accounts of a filled-in accounts sheet, or every bad cell. `known` holds the directory's names and
/// aliases (normalized): an account's unit must be one of them.
pub fn read_accounts_sheet(bytes: &[u8], known: &HashSet<String>) -> Result<Vec<AccountSheetRow>, Error> {
    let grid = read_grid(bytes, None)?;
    let (cols, header) = table(&grid, &ACCOUNT_COLUMNS)?;
    let cell = |r: usize, k: usize| cols.get(k).map_or("", |&c| grid.cell(r, c)).trim().to_string();
    let mut out: Vec<AccountSheetRow> = Vec::new();
    let mut problems = Vec::new();
    for r in header + 1..grid.cells.len() {
        let line = r + 1;
        if (0..ACCOUNT_COLUMNS.len()).all(|k| cell(r, k).is_empty()) {
            continue;
        }
        let username = cell(r, 0);
        let ok = !username.is_empty()
            && username.chars().count() <= 64
            && username.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c));
        if !ok {
            problems.push(CellProblem::new(line, ACCOUNT_COLUMNS[0], "username").arg("value", &username));
        } else if out.iter().any(|a| a.username == username) {
            problems.push(CellProblem::new(line, ACCOUNT_COLUMNS[0], "duplicate").arg("value", &username));
        }
        let role_cell = cell(r, 3);
        let role = role_of(&role_cell);
        if role.is_none() {
            problems.push(CellProblem::new(line, ACCOUNT_COLUMNS[3], "role").arg("value", &role_cell));
        }
        let unit = cell(r, 2);
        if let Some(role) = role
            && role.needs_unit()
            && unit.is_empty()
        {
            problems.push(CellProblem::new(line, ACCOUNT_COLUMNS[2], "unit_required"));
        }
        if !unit.is_empty() && !known.contains(&normalize_unit_name(&unit)) {
            problems.push(CellProblem::new(line, ACCOUNT_COLUMNS[2], "unknown_unit").arg("value", &unit));
        }
        let (phone, email) = (cell(r, 4), cell(r, 5));
        if !phone_ok(&phone) {
            problems.push(CellProblem::new(line, ACCOUNT_COLUMNS[4], "phone").arg("value", &phone));
        }
        if !email_ok(&email) {
            problems.push(CellProblem::new(line, ACCOUNT_COLUMNS[5], "email").arg("value", &email));
        }
        let state = cell(r, 6);
        let disabled = match state.as_str() {
            "" | "正常" | "启用" => Some(false),
            "停用" | "禁用" => Some(true),
            _ => None,
        };
        if disabled.is_none() {
            problems.push(CellProblem::new(line, ACCOUNT_COLUMNS[6], "account_state").arg("value", &state));
        }
        if let (Some(role), Some(disabled)) = (role, disabled) {
            out.push(AccountSheetRow { line, username, display_name: cell(r, 1), unit, role, phone, email, disabled });
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems_error(&problems)) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn row(n: usize, name: &str) -> UnitSheetRow {
        UnitSheetRow {
            line: n,
            name: name.into(),
            aliases: vec!["发改委".into()],
            kind: UnitKind::Department,
            parent: String::new(),
            sort_order: 3,
            contact: "张三".into(),
            phone: "029-88888888".into(),
            email: "fgw@example.gov.cn".into(),
        }
    }

    #[test]
    fn the_units_sheet_reads_back_as_written() {
        let rows = vec![row(2, "省发展改革委"), UnitSheetRow { kind: UnitKind::Zone, ..row(3, "西咸新区管委会") }];
        let back = read_units_sheet(&units_xlsx(&rows).unwrap(), &HashSet::new()).unwrap();
        assert_eq!(back, rows);
    }

    #[test]
    fn every_bad_cell_is_named_and_nothing_is_read() {
        let mut bad = vec![row(2, "省发展改革委"), row(3, "省财政厅"), row(4, "省财政厅")];
        bad[1].phone = "call me".into();
        bad[1].email = "nobody".into();
        bad[2].parent = "无此上级".into();
        let e = read_units_sheet(&units_xlsx(&bad).unwrap(), &HashSet::new()).unwrap_err();
        let m = e.message(duban_core::Lang::Zh).to_string();
        assert!(m.contains("4处错误"), "{m}");
        assert!(m.contains("第3行“电话”列") && m.contains("第3行“邮箱”列") && m.contains("第4行“名称”列"), "{m}");
        assert!(m.contains("第4行“上级单位”列"), "{m}");
    }

    #[test]
    fn accounts_read_back_and_their_bad_cells_are_named() {
        let rows = vec![AccountSheetRow {
            line: 2,
            username: "xa_lly".into(),
            display_name: "李联络".into(),
            unit: "西安市政府".into(),
            role: Role::Reporter,
            phone: "13800000000".into(),
            email: String::new(),
            disabled: false,
        }];
        let known: HashSet<String> = ["西安市政府".to_string()].into();
        assert_eq!(read_accounts_sheet(&accounts_xlsx(&rows).unwrap(), &known).unwrap(), rows);
        let bad = vec![
            AccountSheetRow { username: "有 空格".into(), ..rows[0].clone() },
            AccountSheetRow { unit: String::new(), ..rows[0].clone() },
        ];
        let e = read_accounts_sheet(&accounts_xlsx(&bad).unwrap(), &known).unwrap_err();
        let m = e.message(duban_core::Lang::Zh).to_string();
        assert!(m.contains("第2行“账号”列") && m.contains("第3行“单位”列"), "{m}");
    }
}
