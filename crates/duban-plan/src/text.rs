//! Decoded text to paragraphs: page numbers and running headers dropped, hard-wrapped lines
//! (text copied out of a PDF) joined back, indents remembered.

/// One paragraph of the source and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub text: String,
    pub line: u32,
}

struct Line<'a> {
    text: &'a str,
    line: u32,
    indented: bool,
    chars: usize,
    /// Next to a page number: where running headers and footers sit.
    at_page_break: bool,
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}'
}

/// Split text into paragraphs.
pub fn paragraphs(text: &str) -> Vec<Para> {
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut page_marks = 0usize;
    let mut after_mark = false;
    for (idx, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim_matches(is_space);
        let line = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        if trimmed.is_empty() {
            continue;
        }
        if is_page_number(trimmed) {
            page_marks += 1;
            if let Some(prev) = lines.last_mut() {
                prev.at_page_break = true;
            }
            after_mark = true;
            continue;
        }
        let indented = raw.starts_with(is_space);
        lines.push(Line { text: trimmed, line, indented, chars: trimmed.chars().count(), at_page_break: after_mark });
        after_mark = false;
    }
    if page_marks >= 2 {
        // The top of the first page is a page boundary too.
        if let Some(first) = lines.first_mut() {
            first.at_page_break = true;
        }
        drop_running_headers(&mut lines);
    }
    let width = wrap_width(&lines);
    let uses_indent = lines.iter().filter(|l| l.indented).count() * 5 >= lines.len();
    let mut out: Vec<Para> = Vec::new();
    let mut joining = false;
    for l in &lines {
        let starts_new = crate::labels::parse_label(l.text).is_some() || (uses_indent && l.indented);
        match out.last_mut() {
            Some(prev) if joining && !starts_new => push_joined(&mut prev.text, l.text),
            _ => out.push(Para { text: l.text.to_string(), line: l.line }),
        }
        joining = match width {
            Some(w) => continues(l, w),
            None => false,
        };
    }
    for p in &mut out {
        if p.text.contains(is_space) {
            p.text = clean_spaces(&p.text);
        }
    }
    out
}

/// "— 3 —", "- 3 -", "3", "第3页", "第 3 页 共 10 页", "3/10".
pub(crate) fn is_page_number(s: &str) -> bool {
    let core: String = s.chars().filter(|c| !is_space(*c)).collect();
    let core = core.trim_matches(|c| matches!(c, '-' | '—' | '–' | '－' | '─' | '·'));
    if core.is_empty() {
        return s.chars().all(|c| matches!(c, '-' | '—' | '–' | '－' | '─' | '·' | '_') || is_space(c))
            && s.chars().count() <= 3;
    }
    if core.len() <= 4 && core.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    if let Some(rest) = core.strip_prefix('第') {
        let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits_end > 0 {
            let after = rest.get(digits_end..).unwrap_or("");
            return after == "页" || (after.starts_with("页共") && after.ends_with('页'));
        }
    }
    if let Some((a, b)) = core.split_once('/') {
        return !a.is_empty()
            && !b.is_empty()
            && a.len() <= 4
            && b.len() <= 4
            && (a.bytes().chain(b.bytes())).all(|c| c.is_ascii_digit());
    }
    false
}

/// In a paginated copy, a short line that stands next to page numbers on two or more pages is a
/// running header or footer; only those occurrences are dropped.
fn drop_running_headers(lines: &mut Vec<Line<'_>>) {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for l in lines.iter().filter(|l| l.at_page_break && l.chars <= 40) {
        *counts.entry(l.text).or_default() += 1;
    }
    lines.retain(|l| {
        let header = l.at_page_break && counts.get(l.text).copied().unwrap_or(0) >= 2;
        !(header && !l.text.contains(['：', ':', '。']) && crate::labels::parse_label(l.text).is_none())
    });
}

/// The line width of a hard-wrapped text, or None when lines are whole paragraphs.
fn wrap_width(lines: &[Line<'_>]) -> Option<usize> {
    if lines.len() < 8 {
        return None;
    }
    let mut lens: Vec<usize> = lines.iter().map(|l| l.chars).collect();
    lens.sort_unstable();
    let w = *lens.get(lens.len() * 9 / 10)?;
    if !(10..=120).contains(&w) {
        return None;
    }
    let full = lens.iter().filter(|&&n| n + 3 >= w && n <= w + 2).count();
    // Whole-paragraph text has widely spread lengths; a wrapped copy has most lines at one width.
    (full * 10 >= lens.len() * 4).then_some(w)
}

/// Whether a wrapped line runs on into the next one.
fn continues(l: &Line<'_>, width: usize) -> bool {
    if l.chars + 3 >= width {
        return true;
    }
    let last = l.text.chars().last().unwrap_or('。');
    let ends_sentence = matches!(last, '。' | '！' | '？' | '；' | '：' | '”' | '）' | ')' | '!' | '?' | ';' | ':');
    !ends_sentence && l.chars * 10 >= width * 7
}

fn push_joined(prev: &mut String, next: &str) {
    let ascii_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
    if ascii_word(prev.chars().last()) && ascii_word(next.chars().next()) {
        prev.push(' ');
    }
    prev.push_str(next);
}

/// Remove spaces between CJK characters (a PDF artefact) and turn other runs of spaces into one.
fn clean_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_space(c) {
            pending_space = true;
            continue;
        }
        if pending_space {
            let prev_ascii = out.chars().last().is_some_and(|p| p.is_ascii_alphanumeric());
            if (prev_ascii || c.is_ascii_alphanumeric()) && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        paragraphs(s).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn one_paragraph_per_line_when_not_wrapped() {
        let t = "一、总体要求\n（一）指导思想。以习近平新时代中国特色社会主义思想为指导。\n\n（二）基本原则。";
        assert_eq!(
            texts(t),
            vec!["一、总体要求", "（一）指导思想。以习近平新时代中国特色社会主义思想为指导。", "（二）基本原则。"]
        );
    }

    #[test]
    fn hard_wrapped_pdf_copy_is_joined_even_inside_names_and_numbers() {
        let t = "　　一、推动城市群高质量发展
　　（一）抓好城市群建设。认真组织实施城市群发展实施方
案，积极落实相关事项，推动重点合作事项落地，共同推进
生态环境共保共治，建设保障性租赁住房8.
8万套（间），在若干领域力争取得更大突破。（省发展改
革委、省工业和信息化厅，相关市政府等按职责分工负责）
— 3 —
　　（二）推进重大基础设施项目建设。加快西延高铁、西康
高铁、西十高铁建设，推进延安经榆林至鄂尔多斯高铁前期
工作。（省交通运输厅等按职责分工负责）
— 4 —
";
        let p = texts(t);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[1].contains("建设保障性租赁住房8.8万套（间）"), "{}", p[1]);
        assert!(p[1].ends_with("（省发展改革委、省工业和信息化厅，相关市政府等按职责分工负责）"), "{}", p[1]);
        assert!(p[2].starts_with("（二）推进重大基础设施项目建设。加快西延高铁、西康高铁"));
    }

    #[test]
    fn page_numbers_and_running_headers_are_dropped() {
        assert!(is_page_number("— 3 —"));
        assert!(is_page_number("- 12 -"));
        assert!(is_page_number("第3页"));
        assert!(is_page_number("第 3 页 共 10 页"));
        assert!(is_page_number("3/10"));
        assert!(!is_page_number("2022年"));
        assert!(!is_page_number("一、总体要求"));
        let t = "陕西省发展和改革委员会文件\n一、甲\n— 1 —\n陕西省发展和改革委员会文件\n（一）乙。\n— 2 —\n陕西省发展和改革委员会文件\n（二）丙。\n";
        assert_eq!(texts(t), vec!["一、甲", "（一）乙。", "（二）丙。"]);
    }

    #[test]
    fn spaces_between_chinese_characters_are_removed() {
        assert_eq!(clean_spaces("省 发展 改革委 and  PM 2.5"), "省发展改革委 and PM 2.5");
    }
}
