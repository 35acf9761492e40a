//! # duban-plan
//!
//! Reads a Chinese government work plan (工作要点, 实施方案, 指导意见 …) into a task ledger:
//! numbered items, responsible units with roles, quantitative targets, deadlines and projects.
//!
//! Pure: bytes in, [`Plan`] out. No async, no file system, no database, so it can be fuzzed and
//! snapshot-tested. Unit aliases (省发改委 = 省发展改革委) are the caller's business.

pub mod deadlines;
pub mod decode;
pub mod doc;
pub mod docx;
pub mod error;
pub mod html;
pub mod labels;
pub mod model;
pub mod numbering;
pub mod ofd;
pub mod pdf;
pub mod pdf_layout;
pub mod projects;
pub mod render;
pub mod scan;
pub mod structure;
pub mod table;
pub mod targets;
pub mod text;
pub mod units;

pub use decode::{DecodeError, MAX_INPUT_BYTES, SourceFormat, decode};
pub use model::*;

use structure::RawItem;
use units::{FoundRule, UnitContext};

/// Decode a document (.txt in UTF-8/GBK, or .docx) and parse it.
pub fn parse_bytes(bytes: &[u8]) -> Result<Plan, DecodeError> {
    let decoded = decode(bytes)?;
    Ok(parse_text(&decoded.text))
}

/// Parse decoded text.
pub fn parse_text(text: &str) -> Plan {
    // Task tables are read apart from the narrative; their lines are blanked in it.
    let rejoined = text::rejoin_wrapped_rows(text);
    let (narrative, tables) = table::extract(rejoined.as_deref().unwrap_or(text));
    let paras = text::paragraphs(&narrative);
    let outline = structure::outline(&paras);
    let mut state =
        Walk { year: outline.year, ctx: UnitContext::default(), rules: Vec::new(), warnings: outline.warnings.clone() };
    let mut items = state.items(&outline.items, &[]);
    for (k, t) in tables.iter().enumerate() {
        state.table(t, k, &mut items);
    }
    // The store keys items by path: siblings that share a number (a body and a table that both have
    // a part 一, a numbering that starts again) get distinct ones.
    distinct_paths(&mut items, &[]);
    let mut warnings = state.warnings;
    warnings.sort_by_key(|w| w.line);
    attach_paths(&mut warnings, &items);
    Plan {
        schema: SCHEMA.to_string(),
        title: outline.title,
        issuer: outline.issuer,
        doc_number: outline.doc_number,
        year: outline.year,
        rules: state.rules,
        warnings,
        preamble: outline.preamble,
        closing: outline.closing,
        items,
    }
}

/// Document-order walk: conventions such as "first listed leads, 下同" apply from where they appear.
struct Walk {
    year: Option<i32>,
    ctx: UnitContext,
    rules: Vec<Rule>,
    warnings: Vec<Warning>,
}

impl Walk {
    fn items(&mut self, raw: &[RawItem], parent: &[String]) -> Vec<Item> {
        let mut out: Vec<Item> = raw.iter().map(|r| self.item(r, parent)).collect();
        // A task without units among siblings that have them is probably a parsing miss.
        if out.iter().any(|i| i.is_task() && !i.units.is_empty()) {
            for i in out.iter().filter(|i| i.is_task() && i.units.is_empty()) {
                let message = format!("no responsible units found for {} {}", i.label, i.title);
                self.warn(i.line, "no_units", message, &[("label", &i.label), ("title", &i.title)]);
            }
        }
        out.shrink_to_fit();
        out
    }

    /// A task table's groups and rows as items: a group whose heading is a part the body already has (same
    /// number and title, as when the table repeats the plan's parts) takes the rows under that part;
    /// otherwise it is a part of its own after the body's.
    fn table(&mut self, t: &table::Table, index: usize, items: &mut Vec<Item>) {
        // A table whose parts (or rows) are numbered as the body's parts but are not them stands under a
        // part of its own, the attachment it is printed as.
        let clash = t.groups.iter().any(|g| match &g.heading {
            Some(h) => items.iter().any(|i| i.number == h.number && squeezed(&i.title) != squeezed(&h.title)),
            None => g.rows.iter().any(|r| items.iter().any(|i| i.number == r.number)),
        });
        if clash {
            let number = if index == 0 { "附件".to_string() } else { format!("附件{}", index + 1) };
            let line = t.groups.first().and_then(|g| g.rows.first()).map_or(0, |r| r.line);
            let raw = RawItem {
                label: labels::Label {
                    kind: labels::LabelKind::ChineseComma,
                    text: number.clone(),
                    number: number.clone(),
                    ordinal: u32::try_from(index + 1).unwrap_or(u32::MAX),
                    len: 0,
                },
                line,
                paras: vec![t.caption.clone().unwrap_or_else(|| "任务分工表".to_string())],
                children: Vec::new(),
            };
            let mut part = self.item(&raw, &[]);
            let mut inner = Vec::new();
            self.table_groups(t, &mut inner, &part.path.clone());
            part.children = inner;
            items.push(part);
            return;
        }
        self.table_groups(t, items, &[]);
    }

    fn table_groups(&mut self, t: &table::Table, items: &mut Vec<Item>, parent: &[String]) {
        for g in &t.groups {
            let Some(h) = &g.heading else {
                for r in &g.rows {
                    let item = self.table_row(r, parent);
                    items.push(item);
                }
                continue;
            };
            let same = |i: &Item| i.number == h.number && squeezed(&i.title) == squeezed(&h.title);
            if let Some(part) = items.iter_mut().find(|i| same(i)) {
                let path = part.path.clone();
                let rows: Vec<Item> = g.rows.iter().map(|r| self.table_row(r, &path)).collect();
                part.children.extend(rows);
                continue;
            }
            let raw = RawItem {
                label: labels::Label {
                    kind: labels::LabelKind::ChineseComma,
                    text: h.label.clone(),
                    number: h.number.clone(),
                    ordinal: h.ordinal,
                    len: h.label.len(),
                },
                line: h.line,
                paras: vec![h.title.clone()],
                children: Vec::new(),
            };
            let mut part = self.item(&raw, parent);
            let path = part.path.clone();
            part.children = g.rows.iter().map(|r| self.table_row(r, &path)).collect();
            items.push(part);
        }
    }

    /// A task row: read as a task whose text is its task and measure cells, with the units and deadline
    /// its columns give before those its text names.
    fn table_row(&mut self, r: &table::TableRow, parent: &[String]) -> Item {
        let mut paras = vec![r.task.clone()];
        paras.extend(r.measures.iter().cloned());
        let raw = RawItem {
            label: labels::Label {
                kind: labels::LabelKind::ArabicDot,
                text: r.label.clone(),
                number: r.number.clone(),
                ordinal: r.ordinal,
                len: r.label.len(),
            },
            line: r.line,
            paras,
            children: Vec::new(),
        };
        let mut item = self.item(&raw, parent);
        let from_text = std::mem::take(&mut item.units);
        for (name, role) in &r.units {
            if !item.units.iter().any(|u| u.name == *name) {
                let duty = match role {
                    Role::Lead => "牵头",
                    Role::Co => "配合",
                    Role::Responsible => "负责",
                };
                item.units.push(Unit {
                    name: name.clone(),
                    role: *role,
                    kind: units::unit_kind(name),
                    duty: Some(duty.to_string()),
                    basis: model::UnitBasis::Column,
                });
            }
        }
        for u in from_text {
            if !item.units.iter().any(|x| x.name == u.name) {
                item.units.push(u);
            }
        }
        if !r.deadline.is_empty() {
            let chars: Vec<char> = r.deadline.chars().collect();
            let mut found: Vec<Deadline> = deadlines::find_deadlines(&chars, self.year)
                .into_iter()
                .map(|d| Deadline::dated(d.text, d.date))
                .collect();
            // A cell without a date keeps its phrase: 长期坚持 is ongoing, anything else is shown as written.
            let cell = r.deadline.trim();
            if found.is_empty() && !cell.is_empty() {
                found.push(Deadline { text: cell.to_string(), date: None, ongoing: deadlines::is_ongoing(cell) });
            }
            found.retain(|d| !item.deadlines.iter().any(|x| x.text == d.text));
            found.append(&mut item.deadlines);
            item.deadlines = found;
        }
        item
    }

    fn warn(&mut self, line: u32, code: &str, message: String, args: &[(&str, &str)]) {
        self.warnings.push(Warning::new(line, code, message, args));
    }

    fn item(&mut self, raw: &RawItem, parent: &[String]) -> Item {
        let mut path = parent.to_vec();
        path.push(raw.label.number.clone());
        let text = raw.paras.join("\n");
        let chars: Vec<char> = text.chars().collect();
        let scan = units::scan_units(&chars, &mut self.ctx);
        if scan.unclosed_bracket {
            let message = format!("unclosed bracket in {}", raw.label.text);
            self.warn(raw.line, "unclosed_bracket", message, &[("label", &raw.label.text)]);
        }
        for name in &scan.odd_names {
            self.warn(raw.line, "odd_unit_name", format!("“{name}” does not look like a unit name"), &[("name", name)]);
        }
        if !scan.bare_names.is_empty() {
            let names = scan.bare_names.join("、");
            let message = format!("units read from a list with no duty word: {names}");
            self.warn(raw.line, "units_without_duty", message, &[("names", &names)]);
        }
        for rule in &scan.rules {
            let (kind, text, units) = match rule {
                FoundRule::FirstListedLeads(t) => ("first_listed_leads", t.clone(), Vec::new()),
                FoundRule::AppliesToFollowing { text, units } => ("applies_to_following", text.clone(), units.clone()),
            };
            self.rules.push(Rule { kind: kind.to_string(), text, units, from_path: path.clone(), line: raw.line });
        }
        let deadline_spans = deadlines::find_deadlines(&chars, self.year);
        let (targets, unclassified) = targets::find_targets(&chars, &deadline_spans, &scan.spans);
        for u in unclassified {
            let message = format!("number not read as a target: …{}…", u.text);
            self.warn(raw.line, "unclassified_number", message, &[("text", &u.text)]);
        }
        for t in &targets {
            if t.basis == TargetBasis::Sentence {
                let cue = t.cue.as_deref().unwrap_or("");
                let message = format!("comparator of “{}” carried from “{cue}” earlier in the sentence", t.text);
                self.warn(raw.line, "op_from_sentence", message, &[("text", &t.text), ("cue", cue)]);
            }
            // A count of things to deliver (建设8.8万套) is a commitment as written; an area, a span, a share or
            // an amount with no comparator word (面积在90平方米, 连续3天, 的10%) is more often a threshold of a
            // measure whose direction the sentence implies.
            if t.basis == TargetBasis::Bare && !targets::is_classifier(&t.unit) {
                let message = format!("“{}” has no comparator word; read as exactly the number", t.text);
                self.warn(raw.line, "op_assumed", message, &[("text", &t.text)]);
            }
            if t.metric.is_empty() {
                let message = format!("no metric found for the target “{}”", t.text);
                self.warn(raw.line, "no_metric", message, &[("text", &t.text)]);
            }
        }
        let mut item_deadlines: Vec<Deadline> = Vec::new();
        for d in deadline_spans {
            if !item_deadlines.iter().any(|x| x.text == d.text) {
                item_deadlines.push(Deadline::dated(d.text, d.date));
            }
        }
        let children = self.items(&raw.children, &path);
        Item {
            label: raw.label.text.clone(),
            number: raw.label.number.clone(),
            ordinal: raw.label.ordinal,
            level: u32::try_from(path.len()).unwrap_or(u32::MAX),
            path,
            title: title_of(raw.paras.first().map(String::as_str).unwrap_or(""), &scan.spans, &chars),
            projects: projects::find_projects(&text),
            text,
            line: raw.line,
            units: scan.units,
            targets,
            deadlines: item_deadlines,
            children,
        }
    }
}

/// Ties each warning to the item it is about: the last item, in document order, that starts at or
/// before the warning's line (a table's rows stand where the table is printed, after the body's items in
/// the tree but not in the text, so the items are ordered by line first).
fn attach_paths(warnings: &mut [Warning], items: &[Item]) {
    let mut starts: Vec<(u32, &Vec<String>)> = walk_items(items).into_iter().map(|i| (i.line, &i.path)).collect();
    // Stable: of items on one line, the one later in the tree (the deeper, the table row) stays last.
    starts.sort_by_key(|(line, _)| *line);
    for w in warnings.iter_mut().filter(|w| w.path.is_empty()) {
        let at = starts.partition_point(|(line, _)| *line <= w.line);
        if let Some((_, path)) = at.checked_sub(1).and_then(|k| starts.get(k)) {
            w.path = (*path).clone();
        }
    }
}

/// Gives siblings that share a number distinct ones (一, 一-2, …) and their subtrees the paths that follow.
fn distinct_paths(items: &mut [Item], parent: &[String]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for item in items.iter_mut() {
        let n = seen.entry(item.number.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            item.number = format!("{}-{}", item.number, n);
        }
        let mut path = parent.to_vec();
        path.push(item.number.clone());
        item.path = path;
        let path = item.path.clone();
        distinct_paths(&mut item.children, &path);
    }
}

fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The lead phrase: words before the first 。 or ： (without a unit list that ends the line).
fn title_of(first: &str, unit_spans: &[(usize, usize)], item_chars: &[char]) -> String {
    let mut end = first.len();
    for (i, c) in first.char_indices() {
        if matches!(c, '。' | '：' | ':' | '！' | '？') {
            end = i;
            break;
        }
    }
    let mut title = first.get(..end).unwrap_or(first).to_string();
    // Drop a unit group that the title line ends with, e.g. "1.拓展两个市场（税务总局负责）".
    let first_len = first.chars().count();
    if let Some(&(a, _)) = unit_spans.iter().find(|&&(a, _)| a < first_len) {
        let prefix: String = item_chars.get(..a).unwrap_or(&[]).iter().collect();
        if title.starts_with(&prefix) && title.chars().count() > prefix.chars().count() {
            title = prefix;
        }
    }
    title.trim_end_matches(['，', '；', ',', ';', ' ']).trim().to_string()
}

/// All items in document order (headings and tasks).
pub fn walk_items(items: &[Item]) -> Vec<&Item> {
    let mut out = Vec::new();
    fn go<'a>(items: &'a [Item], out: &mut Vec<&'a Item>) {
        for i in items {
            out.push(i);
            go(&i.children, out);
        }
    }
    go(items, &mut out);
    out
}

/// The tasks (leaves) in document order.
pub fn tasks(plan: &Plan) -> Vec<&Item> {
    walk_items(&plan.items).into_iter().filter(|i| i.is_task()).collect()
}
