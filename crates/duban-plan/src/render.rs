//! The ledger for people: Markdown and CSV (UTF-8 with BOM so Excel opens it correctly).

use crate::model::{Item, Plan, Role, Target};

/// 量化指标 as one line: "建设保障性租赁住房8.8万套（间）；改造城镇老旧小区2192个".
pub fn targets_cell(targets: &[Target]) -> String {
    targets.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join("；")
}

fn units_cell(item: &Item) -> String {
    item.units
        .iter()
        .map(|u| if u.role == Role::Lead { format!("{}（牵头）", u.name) } else { u.name.clone() })
        .collect::<Vec<_>>()
        .join("、")
}

fn leads_cell(item: &Item) -> String {
    item.units.iter().filter(|u| u.role == Role::Lead).map(|u| u.name.as_str()).collect::<Vec<_>>().join("、")
}

fn deadlines_cell(item: &Item) -> String {
    item.deadlines
        .iter()
        .map(|d| match &d.date {
            Some(date) => format!("{}（{date}）", d.text),
            None => d.text.clone(),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// 重点任务 column: the titles of the enclosing headings and the task.
fn heading_chain(plan: &Plan, item: &Item) -> String {
    let mut names = Vec::new();
    let mut level = &plan.items;
    for n in item.path.iter().take(item.path.len().saturating_sub(1)) {
        match level.iter().find(|i| &i.number == n) {
            Some(i) => {
                names.push(format!("{}{}", i.label, i.title));
                level = &i.children;
            }
            None => break,
        }
    }
    names.join(" / ")
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// A Markdown ledger: one table row per task.
pub fn markdown(plan: &Plan) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", plan.title.as_deref().unwrap_or("任务分解台账")));
    if let Some(issuer) = &plan.issuer {
        out.push_str(&format!("发文单位：{issuer}  \n"));
    }
    if let Some(year) = plan.year {
        out.push_str(&format!("年度：{year}  \n"));
    }
    for r in &plan.rules {
        out.push_str(&format!("规则：{}  \n", r.text));
    }
    out.push_str(
        "\n| 序号 | 重点任务 | 具体内容 | 责任单位 | 牵头单位 | 量化指标 | 完成时限 |\n|---|---|---|---|---|---|---|\n",
    );
    for (n, item) in crate::tasks(plan).into_iter().enumerate() {
        out.push_str(&format!(
            "| {} | {} | {}{} | {} | {} | {} | {} |\n",
            n + 1,
            md_escape(&heading_chain(plan, item)),
            md_escape(&item.label),
            md_escape(&item.title),
            md_escape(&units_cell(item)),
            md_escape(&leads_cell(item)),
            md_escape(&targets_cell(&item.targets)),
            md_escape(&deadlines_cell(item)),
        ));
    }
    if !plan.warnings.is_empty() {
        out.push_str("\n## 待核对 (parser warnings)\n\n");
        for w in &plan.warnings {
            out.push_str(&format!("- 第{}行 `{}`: {}\n", w.line, w.code, w.message));
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// CSV with 序号, 重点任务, 具体内容, 责任单位, 牵头单位, 量化指标, 完成时限; starts with a UTF-8 BOM.
pub fn csv(plan: &Plan) -> String {
    let mut out = String::from("\u{feff}序号,重点任务,具体内容,责任单位,牵头单位,量化指标,完成时限\r\n");
    for (n, item) in crate::tasks(plan).into_iter().enumerate() {
        let content = format!("{}{}", item.label, item.text);
        let row = [
            (n + 1).to_string(),
            heading_chain(plan, item),
            content,
            units_cell(item),
            leads_cell(item),
            targets_cell(&item.targets),
            deadlines_cell(item),
        ];
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
