//! Task-division tables (任务分工表, 重点任务分解表): rows of cells, one per line with the cells separated
//! by TAB, as a .docx table is read (`docx`) and as a table pasted from Word or Excel arrives.
//!
//! A table starts at a header row found by its names, in any order (序号, 重点任务/工作任务/内容…,
//! 具体措施…, 牵头单位, 配合单位, 责任单位, 完成时限…). Under it:
//! - a row whose only filled cell is a heading (一、…, （一）…) starts a group (a part of the plan);
//! - a row with a number (序号) is a task: its task cell is its title (an empty task cell was merged with
//!   the one above, whose text it takes), the measure cells its text, the unit cells its units with the
//!   role their column gives (牵头 → lead, 配合 → co, 责任 → responsible), the deadline cell its deadline;
//! - a row without a number continues the task above (a number cell merged over several measure rows).
//!
//! The table's lines are taken out of the narrative, so that the body and the table are read apart.

use crate::labels::{LabelKind, cn_number, parse_label};
use crate::model::Role;

/// A cell that Word merged with the one above (`w:vMerge`), as the .docx reader writes it: a unit or
/// deadline column takes the cell above, a number column is empty (the row continues the task above),
/// a task cell takes the task above. Private use, so that no document's own text is mistaken for it.
pub const MERGED_ABOVE: char = '\u{E000}';

/// What a column holds, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Number,
    Task,
    Measures,
    Lead,
    Co,
    Responsible,
    Deadline,
    Other,
}

/// A task row (with the rows that continue it).
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// 1-based line of the row in the text.
    pub line: u32,
    /// The number as printed in the 序号 cell (or the task cell's own label), bare: "3".
    pub number: String,
    pub label: String,
    pub ordinal: u32,
    /// The task cell: the task's title.
    pub task: String,
    /// The measure cells, in column order, then those of continuation rows.
    pub measures: Vec<String>,
    /// Names with the role their column gives, in printed order (lead columns first as printed).
    pub units: Vec<(String, Role)>,
    /// The deadline cells' text.
    pub deadline: String,
}

/// A heading row and the task rows under it (no heading: rows before the first one).
#[derive(Debug, Clone, PartialEq)]
pub struct TableGroup {
    pub heading: Option<TableHeading>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableHeading {
    pub line: u32,
    pub label: String,
    pub number: String,
    pub ordinal: u32,
    pub title: String,
}

/// One task table of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The line above the header that names the table (…任务分解表), if any.
    pub caption: Option<String>,
    pub groups: Vec<TableGroup>,
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect()
}

/// The kind of column a header cell names.
fn column(header: &str) -> Option<Col> {
    let h = squeeze(header);
    if h.is_empty() || h.chars().count() > 16 {
        return None;
    }
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    Some(if matches!(h.as_str(), "序号" | "编号" | "序" | "号") {
        Col::Number
    } else if has(&["牵头"]) && !has(&["领导"]) {
        Col::Lead
    } else if has(&["配合", "参与", "协同", "协办", "协助", "支持单位"]) {
        Col::Co
    } else if has(&[
        "责任单位",
        "责任部门",
        "责任主体",
        "责任处室",
        "负责单位",
        "负责部门",
        "承办单位",
        "实施单位",
        "主责",
    ]) || h == "责任"
    {
        Col::Responsible
    } else if has(&["时限", "时间", "节点", "进度安排", "完成期限"]) {
        Col::Deadline
    } else if has(&["备注", "说明", "领导", "联系人", "电话"]) {
        Col::Other
    } else if has(&["任务", "措施", "内容", "举措", "事项", "工作", "目标", "要求", "计划", "重点", "项目", "指标"])
    {
        // Which of several text columns is the title is decided by their order (see `header`).
        Col::Task
    } else {
        return None;
    })
}

/// The columns of a header row, or None when the row is not one: it needs a text column and a unit
/// column, and every cell must name a column.
fn header(cells: &[&str]) -> Option<Vec<Col>> {
    if cells.len() < 2 {
        return None;
    }
    let mut cols = Vec::with_capacity(cells.len());
    let mut seen_task = false;
    for c in cells {
        let col = match column(c) {
            Some(Col::Task) if seen_task => Col::Measures,
            Some(Col::Task) => {
                seen_task = true;
                Col::Task
            }
            Some(col) => col,
            // An empty header cell (the last, often) holds nothing we read.
            None if c.trim().is_empty() => Col::Other,
            None => return None,
        };
        cols.push(col);
    }
    let units = cols.iter().any(|c| matches!(c, Col::Lead | Col::Co | Col::Responsible));
    (seen_task && units).then_some(cols)
}

/// A 序号 cell: 3, 3., （3）, 三, 三、 → (label as printed, bare number, ordinal).
fn number_cell(cell: &str) -> Option<(String, String, u32)> {
    let c = cell.trim();
    if c.is_empty() || c.chars().count() > 6 {
        return None;
    }
    if c.bytes().all(|b| b.is_ascii_digit()) {
        let n: u32 = c.parse().ok()?;
        return (n > 0).then(|| (c.to_string(), c.to_string(), n));
    }
    if let Some(n) = cn_number(c) {
        return (n > 0).then(|| (c.to_string(), c.to_string(), n));
    }
    // A label with nothing after it: parse it with a character behind, then check it took all of the cell.
    let probe = format!("{c}事");
    let label = parse_label(&probe)?;
    (label.len == c.len()).then_some((label.text, label.number, label.ordinal))
}

/// A row that is only a heading: 一、…, （一）…, 第一部分 ….
fn heading_row<S: AsRef<str>>(cells: &[S], line: u32) -> Option<TableHeading> {
    let mut filled = cells.iter().map(|c| c.as_ref().trim()).filter(|c| !c.is_empty() && !is_merged(c));
    let only = filled.next()?;
    if filled.next().is_some() {
        return None;
    }
    if let Some(label) = parse_label(only)
        && matches!(label.kind, LabelKind::ChineseComma | LabelKind::ChineseParen)
    {
        let title = only.get(label.len..).unwrap_or("").trim().to_string();
        return Some(TableHeading { line, label: label.text, number: label.number, ordinal: label.ordinal, title });
    }
    None
}

fn is_merged(cell: &str) -> bool {
    cell.trim() == MERGED_ABOVE.to_string()
}

/// Nothing printed: —, -, /, 无.
fn is_blank(cell: &str) -> bool {
    let c = squeeze(cell);
    c.is_empty() || c.chars().all(|ch| matches!(ch, '—' | '―' | '-' | '－' | '–' | '/' | '／')) || c == "无"
}

/// The unit names of a cell, in printed order: names separated as in text (、，；) or by the spaces that
/// joined a cell's paragraphs; a name marked （牵头） leads.
fn cell_units(cell: &str, role: Role) -> Vec<(String, Role)> {
    if is_blank(cell) {
        return Vec::new();
    }
    // A cell that labels its own roles (牵头单位：X；配合单位：Y) is read as such a passage in text is.
    if cell.contains(['：', ':']) || cell.contains("牵头") {
        let chars: Vec<char> = format!("（{}）", cell.trim()).chars().collect();
        let scan = crate::units::scan_units(&chars, &mut crate::units::UnitContext::default());
        if !scan.units.is_empty() {
            return scan.units.into_iter().map(|u| (u.name, u.role)).collect();
        }
    }
    crate::units::split_cell(cell)
        .into_iter()
        .map(|(name, marked)| (name, if marked == Some(Role::Lead) { Role::Lead } else { role }))
        .collect()
}

/// A caption line: short, no sentence, naming a table or list.
fn is_caption(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    (2..=80).contains(&n)
        && !s.contains(['。', '\t'])
        && ["表", "清单", "台账", "分工", "分解", "一览"].iter().any(|w| s.ends_with(w))
}

fn is_attachment_mark(s: &str) -> bool {
    let s = squeeze(s);
    s.starts_with("附件") && s.chars().count() <= 6
}

/// The task tables of `text`, and the text with their lines (header, rows, caption) blanked, so that line
/// numbers stay those of the source.
pub fn extract(text: &str) -> (String, Vec<Table>) {
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let mut blank = vec![false; lines.len()];
    let mut tables = Vec::new();
    let mut i = 0usize;
    while i < lines.len() {
        let line = lines.get(i).copied().unwrap_or("");
        let cells: Vec<&str> = line.split('\t').collect();
        let Some(cols) = (line.contains('\t')).then(|| header(&cells)).flatten() else {
            i += 1;
            continue;
        };
        let start = i;
        let (table, end) = read_table(&lines, i, &cols);
        for b in blank.iter_mut().take(end).skip(start) {
            *b = true;
        }
        // The caption above the header (and an 附件 mark above that) belong to the table.
        let mut caption = None;
        let mut k = start;
        while k > 0 {
            let above = lines.get(k - 1).copied().unwrap_or("").trim();
            if above.is_empty() {
                k -= 1;
            } else if caption.is_none() && is_caption(above) {
                caption = Some(above.to_string());
                if let Some(b) = blank.get_mut(k - 1) {
                    *b = true;
                }
                k -= 1;
            } else if is_attachment_mark(above) {
                if let Some(b) = blank.get_mut(k - 1) {
                    *b = true;
                }
                break;
            } else {
                break;
            }
        }
        if table.groups.iter().any(|g| !g.rows.is_empty()) {
            tables.push(Table { caption, ..table });
        }
        i = end.max(i + 1);
    }
    if tables.is_empty() {
        return (text.replace(MERGED_ABOVE, ""), tables);
    }
    let mut out = String::with_capacity(text.len());
    for (k, l) in lines.iter().enumerate() {
        if !blank.get(k).copied().unwrap_or(false) {
            out.push_str(&l.replace(MERGED_ABOVE, ""));
        }
        out.push('\n');
    }
    out.pop();
    (out, tables)
}

/// Reads the rows under the header at `at`; returns the table and the index of the first line after it.
fn read_table(lines: &[&str], at: usize, cols: &[Col]) -> (Table, usize) {
    let mut groups = vec![TableGroup { heading: None, rows: Vec::new() }];
    let mut last_task = String::new();
    let mut above: Vec<String> = Vec::new();
    let mut i = at + 1;
    while let Some(line) = lines.get(i) {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        // Cells merged with those above take their text where the column's meaning carries down.
        let cells: Vec<String> = line
            .split('\t')
            .enumerate()
            .map(|(j, c)| {
                if !is_merged(c) {
                    return c.to_string();
                }
                match cols.get(j) {
                    Some(Col::Lead | Col::Co | Col::Responsible | Col::Deadline) => {
                        above.get(j).cloned().unwrap_or_default()
                    }
                    _ => String::new(),
                }
            })
            .collect();
        above.clone_from(&cells);
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        if let Some(h) = heading_row(&cells, line_no) {
            groups.push(TableGroup { heading: Some(h), rows: Vec::new() });
            last_task.clear();
            i += 1;
            continue;
        }
        if !line.contains('\t') {
            // A page number between two rows of a table printed over pages (a PDF's text layer).
            let next = lines.iter().skip(i + 1).find(|l| !l.trim().is_empty());
            if crate::text::is_page_number(line.trim()) && next.is_some_and(|l| l.contains('\t')) {
                i += 1;
                continue;
            }
            break;
        }
        // The header again (a table split over pages).
        if header(&cells).is_some() {
            i += 1;
            continue;
        }
        let cell = |col: Col| -> Vec<&str> {
            cols.iter()
                .zip(cells.iter().chain(std::iter::repeat(&"")))
                .filter(|(c, _)| **c == col)
                .map(|(_, v)| v.trim())
                .collect()
        };
        let number = cell(Col::Number).first().and_then(|c| number_cell(c));
        let mut task = cell(Col::Task).first().map(|s| s.to_string()).unwrap_or_default();
        let mut measures: Vec<String> =
            cell(Col::Measures).into_iter().filter(|m| !is_blank(m)).map(str::to_string).collect();
        let mut units = Vec::new();
        for (c, v) in cols.iter().zip(cells.iter()) {
            let role = match c {
                Col::Lead => Role::Lead,
                Col::Co => Role::Co,
                Col::Responsible => Role::Responsible,
                _ => continue,
            };
            units.extend(cell_units(v, role));
        }
        let deadline = cell(Col::Deadline).into_iter().filter(|d| !is_blank(d)).collect::<Vec<_>>().join("；");
        // Without a 序号 column, a task cell may carry its own label (1.推进…).
        let number = number.or_else(|| {
            if cols.contains(&Col::Number) {
                return None;
            }
            let label = parse_label(&task)?;
            let rest = task.get(label.len..).unwrap_or("").trim().to_string();
            let found = (label.text.clone(), label.number.clone(), label.ordinal);
            task = rest;
            Some(found)
        });
        let Some(group) = groups.last_mut() else { break };
        match number {
            Some((label, number, ordinal)) => {
                if task.is_empty() {
                    // Merged with the task cell above.
                    task = last_task.clone();
                } else {
                    last_task = task.clone();
                }
                group.rows.push(TableRow { line: line_no, number, label, ordinal, task, measures, units, deadline });
            }
            None => match group.rows.last_mut() {
                // A row that continues the task above: its measures, units and deadline join it.
                Some(prev) => {
                    if !task.is_empty() && task != prev.task {
                        measures.insert(0, task);
                    }
                    prev.measures.extend(measures);
                    for u in units {
                        if !prev.units.iter().any(|(n, _)| *n == u.0) {
                            prev.units.push(u);
                        }
                    }
                    if !deadline.is_empty() && !prev.deadline.contains(&deadline) {
                        if !prev.deadline.is_empty() {
                            prev.deadline.push('；');
                        }
                        prev.deadline.push_str(&deadline);
                    }
                }
                // A row without a number and nothing above it: a task numbered by its place.
                None if !task.is_empty() => {
                    let ordinal = u32::try_from(group.rows.len() + 1).unwrap_or(u32::MAX);
                    last_task = task.clone();
                    let n = ordinal.to_string();
                    group.rows.push(TableRow {
                        line: line_no,
                        number: n.clone(),
                        label: n,
                        ordinal,
                        task,
                        measures,
                        units,
                        deadline,
                    });
                }
                None => {}
            },
        }
        i += 1;
    }
    groups.retain(|g| g.heading.is_some() || !g.rows.is_empty());
    (Table { caption: None, groups }, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = "关于印发方案的通知\n\
        一、总体要求\n\
        任务分解表\n\
        序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限\n\
        一、稳定增长\n\
        1\t扩大有效投资\t新开工项目100个\t市发展改革委\t市财政局、市住房城乡建设局\t2024年底前\n\
        2\t\t争取专项债券50亿元\t市财政局\t—\t2024年6月底前\n\
        \t\t落实配套资金\t\t市国资委\t\n\
        二、改善民生\n\
        3\t新增就业\t城镇新增就业2万人\t市人力资源社会保障局\t各区政府 市教育局\t长期坚持\n\
        此件公开发布。";

    #[test]
    fn a_task_table_reads_as_groups_of_tasks_with_roles() {
        let (rest, tables) = extract(SHEET);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!(t.caption.as_deref(), Some("任务分解表"));
        assert_eq!(t.groups.len(), 2);
        let g = &t.groups[0];
        assert_eq!(g.heading.as_ref().map(|h| (h.number.as_str(), h.title.as_str())), Some(("一", "稳定增长")));
        assert_eq!(g.rows.len(), 2);
        let r = &g.rows[0];
        assert_eq!((r.number.as_str(), r.task.as_str()), ("1", "扩大有效投资"));
        assert_eq!(r.measures, vec!["新开工项目100个"]);
        assert_eq!(
            r.units,
            vec![
                ("市发展改革委".to_string(), Role::Lead),
                ("市财政局".to_string(), Role::Co),
                ("市住房城乡建设局".to_string(), Role::Co)
            ]
        );
        assert_eq!(r.deadline, "2024年底前");
        // A merged task cell takes the text above; a row without a number continues its task.
        let r = &g.rows[1];
        assert_eq!((r.number.as_str(), r.task.as_str()), ("2", "扩大有效投资"));
        assert_eq!(r.measures, vec!["争取专项债券50亿元", "落实配套资金"]);
        assert_eq!(r.units, vec![("市财政局".to_string(), Role::Lead), ("市国资委".to_string(), Role::Co)]);
        let r = &t.groups[1].rows[0];
        assert_eq!(
            r.units.iter().map(|u| u.0.as_str()).collect::<Vec<_>>(),
            ["市人力资源社会保障局", "各区政府", "市教育局"]
        );
        // The narrative keeps its own lines (and their numbers); the table's are blank.
        let kept: Vec<&str> = rest.split('\n').collect();
        assert_eq!(kept.len(), SHEET.split('\n').count());
        assert_eq!(kept[1], "一、总体要求");
        assert!(kept[2..10].iter().all(|l| l.is_empty()), "{kept:?}");
        assert_eq!(kept[10], "此件公开发布。");
    }

    #[test]
    fn headers_are_found_by_their_names_in_any_order() {
        assert!(header(&["序号", "工作任务", "责任单位", "完成时间"]).is_some());
        assert!(header(&["改革举措", "牵头部门", "参与单位"]).is_some());
        assert!(header(&["牵头单位", "任务"]).is_some());
        // Text without a unit column, or a row of content, is not a header.
        assert!(header(&["序号", "任务", "备注"]).is_none());
        assert!(header(&["1", "扩大有效投资", "市发展改革委"]).is_none());
        let cols = header(&["序号", "内容", "牵头部门", "配合部门", "2024年工作任务", "2025年工作计划", "备注"]);
        assert_eq!(
            cols,
            Some(vec![Col::Number, Col::Task, Col::Lead, Col::Co, Col::Measures, Col::Measures, Col::Other])
        );
    }

    #[test]
    fn numbers_as_offices_print_them() {
        assert_eq!(number_cell("3").map(|n| n.2), Some(3));
        assert_eq!(number_cell("12.").map(|n| (n.1, n.2)), Some(("12".to_string(), 12)));
        assert_eq!(number_cell("（4）").map(|n| n.2), Some(4));
        assert_eq!(number_cell("十一").map(|n| n.2), Some(11));
        assert_eq!(number_cell(""), None);
        assert_eq!(number_cell("合计"), None);
    }

    #[test]
    fn cells_merged_down_carry_their_units_and_continue_their_task() {
        let m = MERGED_ABOVE;
        let text = format!(
            "序号\t重点任务\t具体措施\t牵头单位\n1\t扩大投资\t新开工项目\t市发展改革委\n{m}\t{m}\t落实资金\t市财政局\n\
             2\t优化服务\t压减时限\t市政务服务局\n3\t{m}\t推行一网通办\t{m}\n"
        );
        let (rest, tables) = extract(&text);
        assert!(!rest.contains(m));
        let rows = &tables[0].groups[0].rows;
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].measures, vec!["新开工项目", "落实资金"]);
        assert_eq!(rows[0].units.iter().map(|u| u.0.as_str()).collect::<Vec<_>>(), ["市发展改革委", "市财政局"]);
        assert_eq!((rows[2].task.as_str(), rows[2].units[0].0.as_str()), ("优化服务", "市政务服务局"));
    }

    #[test]
    fn a_table_printed_over_pages_is_one_table() {
        let text = "序号\t任务\t牵头单位\n1\t扩大投资\t市发展改革委\n\n— 3 —\n\n序号\t任务\t牵头单位\n2\t优化服务\t市政务服务局\n— 4 —\n此件公开发布。";
        let (rest, tables) = extract(text);
        assert_eq!(tables.len(), 1);
        assert_eq!(
            tables[0].groups[0].rows.iter().map(|r| r.task.as_str()).collect::<Vec<_>>(),
            ["扩大投资", "优化服务"]
        );
        // The last page number, after the table, stays with the narrative.
        assert!(rest.contains("— 4 —\n此件公开发布。"), "{rest:?}");
    }

    #[test]
    fn text_without_a_table_is_left_alone() {
        let text = "一、总体要求\n（一）目标。到2025年\t完成。";
        let (rest, tables) = extract(text);
        assert!(tables.is_empty());
        assert_eq!(rest, text);
    }
}
