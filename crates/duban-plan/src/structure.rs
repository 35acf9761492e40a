//! Paragraphs to an outline: title block, notice wrapper, preamble, numbered items nested by
//! label style, and the closing block (signature, date, 此件公开发布).

use std::collections::HashMap;

use crate::labels::{Label, LabelKind, parse_label};
use crate::model::Warning;
use crate::text::Para;

/// A numbered item before extraction: its label and own paragraphs.
#[derive(Debug, Clone)]
pub struct RawItem {
    pub label: Label,
    pub line: u32,
    /// Own paragraphs; the first has its label removed.
    pub paras: Vec<String>,
    pub children: Vec<RawItem>,
}

/// The document's shape.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    pub year: Option<i32>,
    pub preamble: String,
    pub closing: String,
    pub items: Vec<RawItem>,
    pub warnings: Vec<Warning>,
}

fn is_doc_number(s: &str) -> bool {
    s.chars().count() <= 30
        && s.ends_with('号')
        && (s.contains('〔') || s.contains('[') || s.contains('［') || s.contains('【'))
}

fn is_addressee(s: &str) -> bool {
    (s.ends_with('：') || s.ends_with(':')) && !s.contains('。') && s.chars().count() <= 120
}

/// 2018年12月21日 or 二〇一八年十二月二十一日 alone on a line.
fn is_date_line(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    if !(8..=16).contains(&n) || !s.ends_with('日') || !s.contains('年') || !s.contains('月') {
        return false;
    }
    s.chars().all(|c| {
        c.is_ascii_digit() || crate::labels::is_cn_numeral_char(c) || matches!(c, '年' | '月' | '日' | '〇' | ' ')
    })
}

fn is_closing_line(s: &str) -> bool {
    let bracketed = (s.starts_with('（') || s.starts_with('(')) && (s.ends_with('）') || s.ends_with(')'));
    (bracketed && s.contains("此件"))
        || s.starts_with("抄送")
        || (s.ends_with("印发") && s.contains('年'))
        || is_date_line(s)
}

fn looks_like_signature(s: &str) -> bool {
    let n = s.chars().count();
    (2..=30).contains(&n) && !s.contains(['，', '。', '：', '；', '、']) && crate::units::looks_like_org(s)
}

/// First 4-digit year (1949–2100) followed by 年 or inside 〔〕.
fn first_year(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    for (i, w) in chars.windows(5).enumerate() {
        if w.iter().take(4).all(|c| c.is_ascii_digit()) && matches!(w.get(4), Some('年' | '〕' | ']' | '］')) {
            let prev_digit = i > 0 && chars.get(i - 1).is_some_and(|c| c.is_ascii_digit());
            let y: i32 = w.iter().take(4).collect::<String>().parse().ok()?;
            if !prev_digit && (1949..=2100).contains(&y) {
                return Some(y);
            }
        }
    }
    None
}

fn strip_book_marks(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '《' | '》')).collect()
}

/// Issuer printed before 关于 in a title: 国务院办公厅关于印发… → 国务院办公厅.
fn issuer_from_title(title: &str) -> Option<String> {
    let (head, _) = title.split_once("关于")?;
    looks_like_signature(head).then(|| head.to_string())
}

/// Build the outline of a document.
pub fn outline(paras: &[Para]) -> Outline {
    let mut out = Outline::default();
    let first_label = paras.iter().position(|p| parse_label(&p.text).is_some()).unwrap_or(paras.len());
    let head = paras.get(..first_label).unwrap_or(&[]);

    // Title block: the first short lines without sentence punctuation.
    let mut k = 0;
    let mut title = String::new();
    while let Some(p) = head.get(k) {
        let t = p.text.as_str();
        if is_doc_number(t)
            || is_addressee(t)
            || t.contains('。')
            || t.chars().count() > 60
            || title.chars().count() > 60
        {
            break;
        }
        if !title.is_empty() && t.contains(['，', '；']) {
            break;
        }
        title.push_str(t);
        k += 1;
    }
    let mut preamble: Vec<&str> = Vec::new();
    if let Some(p) = head.get(k).filter(|p| is_doc_number(&p.text)) {
        out.doc_number = Some(p.text.clone());
        k += 1;
    }
    let mut body_start = k;
    // Notice wrapper: 关于印发《X》的通知 … then X as the plan's own title.
    if let Some(rest) = title.split_once("印发").map(|(_, r)| r)
        && let Some(inner) = rest.strip_suffix("的通知").or_else(|| rest.strip_suffix("的函"))
    {
        let inner = strip_book_marks(inner);
        out.issuer = issuer_from_title(&title);
        let found = head.iter().enumerate().skip(k).find(|(_, p)| strip_book_marks(&p.text) == inner).map(|(j, _)| j);
        if let Some(j) = found {
            for p in head.get(k..j).unwrap_or(&[]) {
                if looks_like_signature(&p.text) && out.issuer.is_none() {
                    out.issuer = Some(p.text.clone());
                }
            }
            body_start = j + 1;
        }
        out.title = Some(inner);
    } else if !title.is_empty() {
        out.issuer = issuer_from_title(&title);
        out.title = Some(title.clone());
    }
    for p in head.get(body_start..).unwrap_or(&[]) {
        preamble.push(&p.text);
    }
    out.preamble = preamble.join("\n");

    // Closing block: walk back from the end over signature, date and 此件公开发布 lines.
    let mut end = paras.len();
    while end > first_label {
        let Some(p) = paras.get(end - 1) else { break };
        let t = p.text.as_str();
        let next_is_date = paras.get(end).is_some_and(|n| is_date_line(&n.text));
        if is_closing_line(t) || (next_is_date && looks_like_signature(t)) {
            end -= 1;
        } else {
            break;
        }
    }
    let closing = paras.get(end..).unwrap_or(&[]);
    out.closing = closing.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");
    if out.issuer.is_none() {
        out.issuer = closing.iter().find(|p| looks_like_signature(&p.text)).map(|p| p.text.clone());
    }

    out.year = out
        .title
        .as_deref()
        .and_then(first_year)
        .or_else(|| out.doc_number.as_deref().and_then(first_year))
        .or_else(|| closing.iter().find_map(|p| first_year(&p.text)))
        .or_else(|| first_year(&title))
        .or_else(|| first_year(&out.preamble));

    let body = paras.get(first_label..end).unwrap_or(&[]);
    out.items = nest(body, &mut out.warnings);
    out
}

struct Flat {
    depth: usize,
    item: RawItem,
}

/// Assign levels by label style in order of first appearance, accepting a label only when its
/// number continues the sequence of its level (or runs on from that style's last number).
fn nest(body: &[Para], warnings: &mut Vec<Warning>) -> Vec<RawItem> {
    let mut stack: Vec<(LabelKind, u32)> = Vec::new();
    let mut last_of_kind: HashMap<LabelKind, u32> = HashMap::new();
    let mut flat: Vec<Flat> = Vec::new();
    for p in body {
        let accepted = parse_label(&p.text).and_then(|label| {
            let kind = label.kind;
            let n = label.ordinal;
            if let Some(pos) = stack.iter().position(|(k, _)| *k == kind) {
                let last = stack.get(pos).map_or(0, |s| s.1);
                let deeper = pos + 1 < stack.len();
                let fits = n == last + 1 || (n > last && n <= last + 3) || (!deeper && n == 1);
                if !fits {
                    return None;
                }
                if n > last + 1 {
                    warnings.push(Warning::new(
                        p.line,
                        "numbering_gap",
                        format!("numbering jumps from {last} to {n} at {}", label.text),
                        &[("from", &last.to_string()), ("to", &n.to_string()), ("label", &label.text)],
                    ));
                }
                stack.truncate(pos + 1);
                if let Some(top) = stack.last_mut() {
                    top.1 = n;
                }
                Some((label, pos + 1))
            } else {
                let runs_on = last_of_kind.get(&kind).is_some_and(|&l| n == l + 1);
                if !(n == 1 || runs_on || stack.is_empty()) {
                    warnings.push(Warning::new(
                        p.line,
                        "label_out_of_sequence",
                        format!("{} does not continue any numbering; read as text", label.text),
                        &[("label", &label.text)],
                    ));
                    return None;
                }
                stack.push((kind, n));
                Some((label, stack.len()))
            }
        });
        match accepted {
            Some((label, depth)) => {
                last_of_kind.insert(label.kind, label.ordinal);
                let first = p.text.get(label.len..).unwrap_or("").trim().to_string();
                let paras = if first.is_empty() { Vec::new() } else { vec![first] };
                flat.push(Flat { depth, item: RawItem { label, line: p.line, paras, children: Vec::new() } });
            }
            None => {
                if let Some(last) = flat.last_mut() {
                    last.item.paras.push(p.text.clone());
                }
            }
        }
    }
    build_tree(flat)
}

fn build_tree(flat: Vec<Flat>) -> Vec<RawItem> {
    // Stack of open items by depth; each finished item moves into its parent.
    let mut roots: Vec<RawItem> = Vec::new();
    let mut open: Vec<(usize, RawItem)> = Vec::new();
    fn close_to(open: &mut Vec<(usize, RawItem)>, roots: &mut Vec<RawItem>, depth: usize) {
        while open.last().is_some_and(|(d, _)| *d >= depth) {
            if let Some((_, item)) = open.pop() {
                match open.last_mut() {
                    Some((_, parent)) => parent.children.push(item),
                    None => roots.push(item),
                }
            }
        }
    }
    for f in flat {
        close_to(&mut open, &mut roots, f.depth);
        open.push((f.depth, f.item));
    }
    close_to(&mut open, &mut roots, 0);
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::paragraphs;

    fn shape(items: &[RawItem]) -> Vec<String> {
        fn walk(items: &[RawItem], prefix: &str, out: &mut Vec<String>) {
            for it in items {
                let p =
                    if prefix.is_empty() { it.label.number.clone() } else { format!("{prefix}/{}", it.label.number) };
                out.push(p.clone());
                walk(&it.children, &p, out);
            }
        }
        let mut out = Vec::new();
        walk(items, "", &mut out);
        out
    }

    #[test]
    fn numbering_runs_on_across_parts() {
        let o = outline(&paragraphs("工作要点\n前言。\n一、甲\n（一）A。\n（二）B。\n二、乙\n（三）C。\n（四）D。\n"));
        assert_eq!(shape(&o.items), vec!["一", "一/一", "一/二", "二", "二/三", "二/四"]);
        assert_eq!(o.title.as_deref(), Some("工作要点"));
        assert_eq!(o.preamble, "前言。");
    }

    #[test]
    fn numbering_restarts_and_missing_levels() {
        let o = outline(&paragraphs(
            "一、甲\n1.A。\n2.B。\n二、乙\n（一）C。\n1.D。\n（二）E。\n1.F。\n三、丙\n①G。\n②H。\n",
        ));
        assert_eq!(
            shape(&o.items),
            vec!["一", "一/1", "一/2", "二", "二/一", "二/一/1", "二/二", "二/二/1", "三", "三/①", "三/②"]
        );
    }

    #[test]
    fn body_paragraphs_attach_and_stray_labels_are_text() {
        let o = outline(&paragraphs(
            "一、总体要求\n（一）基本原则。\n坚持问题导向。\n坚持因地制宜。\n（二）目标。\n5.这不是标签。\n",
        ));
        let first = &o.items[0].children[0];
        assert_eq!(first.paras, vec!["基本原则。", "坚持问题导向。", "坚持因地制宜。"]);
        assert_eq!(o.items[0].children[1].paras, vec!["目标。", "5.这不是标签。"]);
    }

    #[test]
    fn notice_wrapper_and_closing() {
        let text = "国务院办公厅关于印发“无废城市”建设试点工作方案的通知\n国办发〔2018〕128号\n各省、自治区、直辖市人民政府：\n《“无废城市”建设试点工作方案》已经国务院同意，现印发给你们。\n国务院办公厅\n2018年12月29日\n（此件公开发布）\n“无废城市”建设试点工作方案\n方案前言。\n一、总体要求\n（一）重大意义。正文。\n国务院办公厅\n2018年12月30日\n（此件公开发布）\n";
        let o = outline(&paragraphs(text));
        assert_eq!(o.title.as_deref(), Some("“无废城市”建设试点工作方案"));
        assert_eq!(o.issuer.as_deref(), Some("国务院办公厅"));
        assert_eq!(o.doc_number.as_deref(), Some("国办发〔2018〕128号"));
        assert_eq!(o.year, Some(2018));
        assert_eq!(o.preamble, "方案前言。");
        assert_eq!(o.items[0].children[0].paras, vec!["重大意义。正文。"]);
        assert!(o.closing.contains("此件公开发布"));
    }
}
