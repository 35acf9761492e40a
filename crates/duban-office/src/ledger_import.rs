//! A ledger the office already keeps in Excel, read into a plan (`duban.plan/1`) that then goes through
//! the same review step as a parsed document.
//!
//! The header row is found among the first rows by its column names (in any order, with the names offices
//! commonly use: 重点任务/工作任务, 具体举措/工作措施, 责任单位/牵头单位, 配合单位, 量化指标/目标, 完成时限/时间节点
//! …). A row merged across the table (or holding only a 一、 heading) starts a part; every other row with
//! text is a task. Merged cells count for every cell they cover, so a 重点任务 merged over several rows
//! names each of them. Units are split at 、，; and “（牵头）” or a 牵头单位 column marks the lead.
//! Targets are read from the 量化指标 column as this project writes them (保障性租赁住房≥8.8万套（间）), else by the
//! document parser's rules from that column or the measure's text; deadlines likewise.

use duban_plan::deadlines::find_deadlines;
use duban_plan::targets::find_targets;
use duban_plan::units::unit_kind;
use duban_plan::{Deadline, Item, Op, Plan, Role, Target, TargetBasis, Unit, UnitBasis, Warning};

use crate::Error;
use crate::workbook::{Grid, read_grid};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Number,
    Task,
    Measure,
    Units,
    CoUnits,
    Targets,
    Deadline,
    Progress,
    Status,
}

/// Header names by column, longest first where one contains another.
const NAMES: &[(Column, &[&str])] = &[
    (Column::Number, &["序号", "编号", "序"]),
    (Column::Task, &["重点任务", "工作任务", "主要任务", "任务名称", "任务事项", "重点工作", "任务"]),
    (
        Column::Measure,
        &[
            "具体举措",
            "具体措施",
            "工作举措",
            "工作措施",
            "主要举措",
            "工作内容",
            "任务内容",
            "主要内容",
            "具体内容",
            "举措",
        ],
    ),
    (Column::CoUnits, &["配合单位", "协办单位", "参与单位", "配合部门"]),
    (Column::Units, &["责任单位", "牵头单位", "责任部门", "牵头部门", "责任主体", "主办单位", "承办单位"]),
    (Column::Targets, &["量化指标", "目标任务", "预期目标", "指标", "目标"]),
    (Column::Deadline, &["完成时限", "时间节点", "完成时间", "时限要求", "时限", "进度安排"]),
    (Column::Progress, &["本期进展", "进展情况", "推进情况", "完成情况"]),
    (Column::Status, &["状态", "完成状态"]),
];

fn classify(header: &str) -> Option<Column> {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    if h.is_empty() || h.chars().count() > 12 {
        return None;
    }
    NAMES.iter().find(|(_, names)| names.iter().any(|n| h == *n)).map(|(c, _)| *c).or_else(|| {
        NAMES.iter().find(|(_, names)| names.iter().any(|n| n.chars().count() >= 2 && h.contains(n))).map(|(c, _)| *c)
    })
}

/// The header row and what each column holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub row: usize,
    pub columns: Vec<(usize, Column)>,
}

impl Header {
    fn col(&self, what: Column) -> Option<usize> {
        self.columns.iter().find(|(_, c)| *c == what).map(|(i, _)| *i)
    }
}

/// Finds the header among the first 20 rows: the row naming the most known columns, at least two of them
/// and one of 重点任务/具体举措.
pub fn find_header(grid: &Grid) -> Option<Header> {
    let mut best: Option<Header> = None;
    for (r, row) in grid.cells.iter().enumerate().take(20) {
        let mut columns: Vec<(usize, Column)> = Vec::new();
        for (c, text) in row.iter().enumerate() {
            if grid.merged_across(r, c) {
                continue; // a title merged across the sheet is not a header
            }
            if let Some(col) = classify(text)
                && !columns.iter().any(|(_, k)| *k == col)
            {
                columns.push((c, col));
            }
        }
        let has_task = columns.iter().any(|(_, k)| matches!(k, Column::Task | Column::Measure));
        if columns.len() >= 2 && has_task && best.as_ref().is_none_or(|b| columns.len() > b.columns.len()) {
            best = Some(Header { row: r, columns });
        }
    }
    best
}

/// The plan in a workbook, and the sheet as text (kept as the plan's source for the review page).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedLedger {
    pub plan: Plan,
    pub source_text: String,
}

/// Reads the first sheet of an .xlsx ledger.
pub fn plan_from_xlsx(bytes: &[u8], file_name: &str) -> Result<ImportedLedger, Error> {
    let grid = read_grid(bytes, None)?;
    plan_from_grid(&grid, file_name)
}

/// 一、… → ("一、", "一", 1, rest)
fn part_label(text: &str) -> Option<(String, String, u32, String)> {
    let numerals: String = text.chars().take_while(|c| "一二三四五六七八九十百".contains(*c)).collect();
    let rest = text[numerals.len()..].strip_prefix('、')?;
    let ordinal = chinese_ordinal(&numerals)?;
    Some((format!("{numerals}、"), numerals, ordinal, rest.trim().to_string()))
}

fn chinese_ordinal(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        [d] if *d == '十' => Some(10),
        [d] => digit(*d),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

/// The plan year: the first 20xx年 in the title rows, else in a deadline cell.
fn find_year(texts: &[&str]) -> Option<i32> {
    for t in texts {
        let chars: Vec<char> = t.chars().collect();
        for w in chars.windows(5) {
            if let [a @ '2', b @ '0', c, d, '年' | '-'] = w
                && c.is_ascii_digit()
                && d.is_ascii_digit()
            {
                let y: String = [*a, *b, *c, *d].iter().collect();
                if let Ok(y) = y.parse() {
                    return Some(y);
                }
            }
        }
    }
    None
}

/// Splits a cell of units: 省发展改革委（牵头）、省财政厅，各市政府 → names with a lead mark.
fn split_units(cell: &str) -> Vec<(String, bool)> {
    cell.split(['、', '，', ',', '；', ';', '\n', '/', '／'])
        .flat_map(|s| s.split_whitespace())
        .filter_map(|raw| {
            let mut name = raw.trim().trim_end_matches(['。', '.']).to_string();
            let mut lead = false;
            for mark in ["（牵头）", "(牵头)", "牵头"] {
                if let Some(n) = name.strip_suffix(mark) {
                    name = n.trim().to_string();
                    lead = true;
                }
            }
            (!name.is_empty()).then_some((name, lead))
        })
        .collect()
}

/// One clause as this project writes targets: metric, an optional comparator, the value (with 万/亿/千),
/// the measure word. `None` when the clause is not in that form.
fn written_target(clause: &str) -> Option<(String, Op, f64, String)> {
    let clause = clause.trim();
    let (metric, op, rest) = match clause.char_indices().find(|(_, c)| "≥≤<>".contains(*c)) {
        Some((i, c)) => {
            let op = match c {
                '≥' => Op::Ge,
                '≤' => Op::Le,
                '<' => Op::Lt,
                _ => Op::Gt,
            };
            (clause[..i].to_string(), op, &clause[i + c.len_utf8()..])
        }
        None => {
            // The last number of the clause is the value; what precedes it is the metric.
            let end = clause.char_indices().rev().find(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i + 1)?;
            let start = clause[..end]
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            (clause[..start].to_string(), Op::Eq, &clause[start..])
        }
    };
    let num_end = rest.char_indices().find(|(_, c)| !(c.is_ascii_digit() || *c == '.')).map_or(rest.len(), |(i, _)| i);
    let mut value: f64 = rest[..num_end].parse().ok()?;
    let mut unit = &rest[num_end..];
    for (mag, factor) in [("万", 1e4), ("亿", 1e8), ("千", 1e3)] {
        if let Some(u) = unit.strip_prefix(mag) {
            value *= factor;
            unit = u;
        }
    }
    let metric = metric.trim().to_string();
    if metric.is_empty() || unit.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((metric, op, (value * 1e6).round() / 1e6, unit.trim().to_string()))
}

/// Targets from the 量化指标 cell; without one, from the task's text.
fn targets_of(
    cell: &str,
    measure: &str,
    deadline: Option<&str>,
    line: u32,
    warnings: &mut Vec<Warning>,
) -> Vec<Target> {
    let mut out = Vec::new();
    for clause in cell.split(['；', ';', '\n']).map(str::trim).filter(|c| !c.is_empty()) {
        if let Some((metric, op, value, unit)) = written_target(clause) {
            out.push(Target {
                text: clause.to_string(),
                metric,
                value,
                value_max: None,
                unit,
                op,
                deadline: deadline.map(str::to_string),
                // The ledger's own column: a comparator written as a sign (≥), or the number as written.
                basis: if op == Op::Eq { TargetBasis::Bare } else { TargetBasis::Word },
                cue: (op != Op::Eq).then(|| op.as_str().to_string()),
            });
            continue;
        }
        let chars: Vec<char> = clause.chars().collect();
        let (found, _) = find_targets(&chars, &[], &[]);
        if found.is_empty() {
            warnings.push(Warning::new(
                line,
                "unread_target",
                format!("row {line}: the target “{clause}” was not read; add it in the review"),
                &[("row", &line.to_string()), ("text", clause)],
            ));
        }
        out.extend(found.into_iter().map(|t| Target { deadline: deadline.map(str::to_string), ..t }));
    }
    if cell.trim().is_empty() && !measure.is_empty() {
        let chars: Vec<char> = measure.chars().collect();
        let (found, _) = find_targets(&chars, &[], &[]);
        out.extend(found.into_iter().map(|t| Target { deadline: deadline.map(str::to_string), ..t }));
    }
    out
}

fn deadlines_of(cell: &str, year: i32) -> Vec<Deadline> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Vec::new();
    }
    if chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d").is_ok() {
        return vec![Deadline::dated(cell.to_string(), Some(cell.to_string()))];
    }
    let chars: Vec<char> = cell.chars().collect();
    let found: Vec<Deadline> =
        find_deadlines(&chars, Some(year)).into_iter().map(|d| Deadline::dated(d.text, d.date)).collect();
    if found.is_empty() {
        // 长期坚持 and any phrase without a date are kept as written.
        return vec![Deadline { text: cell.to_string(), date: None, ongoing: duban_plan::deadlines::is_ongoing(cell) }];
    }
    found
}

/// Reads a ledger grid into a plan.
pub fn plan_from_grid(grid: &Grid, file_name: &str) -> Result<ImportedLedger, Error> {
    let header = find_header(grid).ok_or_else(|| Error::bad_input("ledger.no_header").arg("sheet", &grid.sheet))?;
    let title_rows: Vec<&str> = (0..header.row).map(|r| grid.cell(r, 0)).filter(|t| !t.is_empty()).collect();
    let title = title_rows.first().map(|t| {
        let t = match t.find("任务分解台账") {
            Some(i) => &t[..i],
            None => t.strip_suffix("台账").unwrap_or(t),
        };
        t.trim().to_string()
    });
    let deadline_col = header.col(Column::Deadline);
    let deadline_cells: Vec<&str> =
        deadline_col.map(|c| (header.row + 1..grid.cells.len()).map(|r| grid.cell(r, c)).collect()).unwrap_or_default();
    let year = find_year(&title_rows)
        .or_else(|| find_year(&deadline_cells))
        .ok_or_else(|| Error::bad_input("ledger.no_year"))?;

    let mut plan = Plan {
        schema: "duban.plan/1".into(),
        title: title.filter(|t| !t.is_empty()),
        issuer: None,
        doc_number: None,
        year: Some(year),
        rules: Vec::new(),
        warnings: Vec::new(),
        preamble: String::new(),
        closing: String::new(),
        items: Vec::new(),
    };
    let get = |r: usize, what: Column| header.col(what).map(|c| grid.cell(r, c).trim()).unwrap_or("");
    let mut parts: Vec<Item> = Vec::new();
    let mut loose: Vec<Item> = Vec::new(); // tasks before any part
    let mut n = 0u32;
    for r in header.row + 1..grid.cells.len() {
        let line = (r + 1) as u32;
        let first_col = header.columns.iter().map(|(c, _)| *c).min().unwrap_or(0);
        let texts: Vec<&str> = header.columns.iter().map(|(c, _)| grid.cell(r, *c)).filter(|t| !t.is_empty()).collect();
        let Some(&first) = texts.first() else { continue };
        let across = grid.merged_across(r, first_col) && texts.iter().all(|t| *t == first);
        let only_first = texts.len() == 1 && grid.cell(r, first_col) == first;
        if across || (only_first && part_label(first).is_some()) {
            let text = first;
            let (label, number, ordinal, title) = part_label(text).unwrap_or_else(|| {
                let k = parts.len() as u32 + 1;
                (String::new(), k.to_string(), k, text.to_string())
            });
            parts.push(Item {
                label,
                number: number.clone(),
                ordinal,
                level: 1,
                path: vec![number],
                title,
                text: String::new(),
                line,
                units: Vec::new(),
                targets: Vec::new(),
                deadlines: Vec::new(),
                projects: Vec::new(),
                children: Vec::new(),
            });
            continue;
        }
        let measure = get(r, Column::Measure).to_string();
        let task = get(r, Column::Task).to_string();
        if measure.is_empty() && task.is_empty() {
            plan.warnings.push(Warning::new(
                line,
                "no_task_text",
                format!("row {line} has no task text and was skipped"),
                &[("row", &line.to_string())],
            ));
            continue;
        }
        let title = if task.is_empty() {
            measure.split(['。', '：', ':']).next().unwrap_or(&measure).to_string()
        } else {
            task
        };
        let mut units: Vec<Unit> = Vec::new();
        let lead_column = header
            .columns
            .iter()
            .find(|(_, k)| *k == Column::Units)
            .is_some_and(|(c, _)| ["牵头单位", "牵头部门"].contains(&grid.cell(header.row, *c).trim()));
        let named = split_units(get(r, Column::Units));
        let any_lead = named.iter().any(|(_, l)| *l) || lead_column;
        for (name, marked) in named {
            let role = if marked || lead_column {
                Role::Lead
            } else if any_lead {
                Role::Co
            } else {
                Role::Responsible
            };
            let duty = (role == Role::Lead).then(|| "牵头".to_string());
            units.push(Unit { kind: unit_kind(&name), name, role, duty, basis: UnitBasis::Column });
        }
        for (name, _) in split_units(get(r, Column::CoUnits)) {
            units.push(Unit {
                kind: unit_kind(&name),
                name,
                role: Role::Co,
                duty: Some("配合".into()),
                basis: UnitBasis::Column,
            });
        }
        if units.is_empty() {
            plan.warnings.push(Warning::new(
                line,
                "no_units",
                format!("no responsible units found for row {line}: {title}"),
                &[("label", ""), ("title", &title)],
            ));
        }
        let deadlines = deadlines_of(get(r, Column::Deadline), year);
        let last = deadlines.iter().filter_map(|d| d.date.clone()).max();
        let described = if measure.is_empty() { &title } else { &measure };
        let targets = targets_of(get(r, Column::Targets), described, last.as_deref(), line, &mut plan.warnings);
        n += 1;
        let mut path: Vec<String> = parts.last().map(|p| p.path.clone()).unwrap_or_default();
        path.push(n.to_string());
        let item = Item {
            label: format!("{n}."),
            number: n.to_string(),
            ordinal: n,
            level: if parts.is_empty() { 1 } else { 2 },
            path,
            title,
            text: measure,
            line,
            units,
            targets,
            deadlines,
            projects: Vec::new(),
            children: Vec::new(),
        };
        match parts.last_mut() {
            Some(p) => p.children.push(item),
            None => loose.push(item),
        }
    }
    if n == 0 {
        return Err(Error::bad_input("plan.empty").worded("sheet").arg("sheet", &grid.sheet));
    }
    // A part without tasks stays a heading only if it has tasks; an empty one is dropped with a warning.
    for p in &parts {
        if p.children.is_empty() {
            plan.warnings.push(Warning::new(
                p.line,
                "empty_part",
                format!("row {}: “{}{}” has no tasks", p.line, p.label, p.title),
                &[("row", &p.line.to_string()), ("label", &p.label), ("title", &p.title)],
            ));
        }
    }
    plan.items = loose.into_iter().chain(parts.into_iter().filter(|p| !p.children.is_empty())).collect();
    let source_text = grid.cells.iter().map(|row| row.join("\t").trim_end().to_string()).collect::<Vec<_>>().join("\n");
    let _ = file_name;
    Ok(ImportedLedger { plan, source_text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid::from_rows("表1", rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect())
    }

    #[test]
    fn targets_written_by_the_export_are_read_back() {
        assert_eq!(
            written_target("保障性租赁住房≥8.8万套（间）"),
            Some(("保障性租赁住房".into(), Op::Ge, 88_000.0, "套（间）".into()))
        );
        assert_eq!(written_target("5G基站1.85万个"), Some(("5G基站".into(), Op::Eq, 18_500.0, "个".into())));
        assert_eq!(written_target("垃圾分类覆盖率≥95%"), Some(("垃圾分类覆盖率".into(), Op::Ge, 95.0, "%".into())));
        assert_eq!(written_target("推进工作"), None);
    }

    #[test]
    fn units_are_split_and_the_lead_marked() {
        assert_eq!(
            split_units("省发展改革委（牵头）、省财政厅，各市政府"),
            [("省发展改革委".to_string(), true), ("省财政厅".to_string(), false), ("各市政府".to_string(), false)]
        );
    }

    #[test]
    fn columns_in_any_order_under_a_title_with_the_header_found() {
        let g = grid(&[
            &["某市2023年重点工作任务台账", "", "", "", ""],
            &["", "", "", "", ""],
            &["完成时限", "责任单位", "序号", "工作任务", "配合单位"],
            &["一、稳增长", "", "", "", ""],
            &["2023年6月底前", "市发展改革委", "1", "新建5G基站1200个", "市工信局、市通信管理局"],
            &["年底前", "", "2", "推进老旧小区改造", ""],
        ]);
        let imported = plan_from_grid(&g, "t.xlsx").unwrap();
        let p = imported.plan;
        assert_eq!(p.year, Some(2023));
        assert_eq!(p.title.as_deref(), Some("某市2023年重点工作任务"), "台账 is the sheet, not the plan");
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].title, "稳增长");
        let tasks = &p.items[0].children;
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].title, "新建5G基站1200个");
        assert_eq!(
            tasks[0].units.iter().map(|u| (u.name.as_str(), u.role)).collect::<Vec<_>>(),
            [("市发展改革委", Role::Responsible), ("市工信局", Role::Co), ("市通信管理局", Role::Co)]
        );
        assert_eq!(tasks[0].deadlines[0].date.as_deref(), Some("2023-06-30"));
        assert_eq!(tasks[0].targets.len(), 1, "the target is read from the task text: {:?}", tasks[0].targets);
        assert_eq!(tasks[0].targets[0].value, 1200.0);
        assert!(p.warnings.iter().any(|w| w.code == "no_units" && w.line == 6), "{:?}", p.warnings);
    }

    #[test]
    fn a_sheet_without_a_header_or_a_year_is_refused() {
        let e = plan_from_grid(&grid(&[&["a", "b"], &["c", "d"]]), "x.xlsx").unwrap_err();
        assert_eq!(e.code, "ledger.no_header");
        let e = plan_from_grid(&grid(&[&["重点任务", "责任单位"], &["做事", "某局"]]), "x.xlsx").unwrap_err();
        assert_eq!(e.code, "ledger.no_year");
    }
}
