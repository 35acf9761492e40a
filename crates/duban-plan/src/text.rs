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

/// The text's non-blank lines, page numbers left out and running headers dropped.
fn content_lines(text: &str) -> Vec<Line<'_>> {
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
        drop_running_headers(&mut lines, page_marks);
    }
    lines
}

/// In a hard-wrapped text (copied out of a PDF, or mailed with its lines broken), the rows of a table
/// pasted with TABs are broken too, a row's cells over several lines: such a row is joined back into
/// its first line (the others left blank, so that line numbers stay those of the source), across the page
/// numbers and running headers between its pieces, before tables are read. None when nothing was joined.
pub(crate) fn rejoin_wrapped_rows(text: &str) -> Option<String> {
    if !text.contains('\t') {
        return None;
    }
    let lines = content_lines(text);
    let width = wrap_width(&lines)?;
    let mut raw: Vec<String> = text.split('\n').map(str::to_string).collect();
    // A piece as printed, its indent dropped but not its TABs (an empty cell at either end is one).
    let piece = |l: &Line<'_>| -> String {
        let n = usize::try_from(l.line).unwrap_or(usize::MAX).saturating_sub(1);
        let s = raw.get(n).map_or("", String::as_str);
        s.strip_suffix('\r').unwrap_or(s).trim_start_matches([' ', '\u{3000}', '\u{a0}']).to_string()
    };
    let full = |p: &str| p.chars().count() + 1 >= width;
    let index = |l: &Line<'_>| usize::try_from(l.line).unwrap_or(usize::MAX).saturating_sub(1);
    // Rows joined (first line, last line, text), and the page furniture between two rows, to blank.
    let mut rows: Vec<(usize, usize, String)> = Vec::new();
    let mut furniture: Vec<(usize, usize)> = Vec::new();
    let mut prev_end: Option<usize> = None;
    let mut k = 0usize;
    while let Some(l) = lines.get(k) {
        let first = piece(l);
        if !first.contains('\t') {
            prev_end = Some(index(l));
            k += 1;
            continue;
        }
        // What stands between a row and the line above it is a page's number and running header
        // (`content_lines` keeps everything else): a table printed over pages runs on.
        if let Some(end) = prev_end
            && index(l) > end + 1
        {
            furniture.push((end + 1, index(l) - 1));
        }
        let mut row = first;
        let mut end = k;
        let mut last = row.clone();
        while full(&last) {
            // An indented line starts a paragraph; one that starts with a TAB is a row's next cell.
            let indent = |n: &&Line<'_>| {
                let i = index(n);
                raw.get(i).is_some_and(|r| r.starts_with([' ', '\u{3000}', '\u{a0}']))
            };
            let Some(next) = lines.get(end + 1).filter(|n| !indent(n)) else { break };
            last = piece(next);
            row.push_str(&last);
            end += 1;
        }
        let to = lines.get(end).map_or(index(l), index);
        if end > k {
            rows.push((index(l), to, row));
        }
        prev_end = Some(to);
        k = end + 1;
    }
    if rows.is_empty() && furniture.is_empty() {
        return None;
    }
    for (from, to) in furniture {
        for slot in raw.iter_mut().take(to + 1).skip(from) {
            slot.clear();
        }
    }
    for (from, to, row) in rows {
        for (n, slot) in raw.iter_mut().enumerate().take(to + 1).skip(from) {
            if n == from {
                *slot = row.clone();
            } else {
                slot.clear();
            }
        }
    }
    Some(raw.join("\n"))
}

/// Split text into paragraphs.
pub fn paragraphs(text: &str) -> Vec<Para> {
    let lines = content_lines(text);
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
        // A numbered line well short of the width is a heading standing on its own line (（八）允许合理
        // 调整…条件), not the first line of a wrapped paragraph, which would have been full.
        let heading = starts_new && crate::labels::parse_label(l.text).is_some();
        joining = match width {
            Some(w) => continues(l, w) && !(heading && l.chars * 10 < w * 9),
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

/// In a paginated copy, a short line that stands next to page numbers on many pages (two at least, a
/// third of them in a longer document) is a running header or footer; only those occurrences are
/// dropped. The tail of a paragraph that happens to end two pages alike (（市编办牵头）) is not one.
fn drop_running_headers(lines: &mut Vec<Line<'_>>, pages: usize) {
    let least = (pages / 3).max(2);
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for l in lines.iter().filter(|l| l.at_page_break && l.chars <= 40) {
        *counts.entry(l.text).or_default() += 1;
    }
    lines.retain(|l| {
        let header = l.at_page_break && counts.get(l.text).copied().unwrap_or(0) >= least;
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
        // Over twelve pages, a line that ends two of them alike is the end of a paragraph, not a footer.
        let mut long = String::new();
        for n in 1..=12 {
            let tail = if n == 4 || n == 9 { "办牵头）" } else { "推进。" };
            long.push_str(&format!("（{}）任务{n}。由市有关部门\n{tail}\n— {n} —\n", crate::labels::cn_numeral(n)));
        }
        assert_eq!(texts(&long).iter().filter(|p| p.ends_with("办牵头）")).count(), 2, "{:?}", texts(&long));
    }

    #[test]
    fn a_numbered_heading_on_its_own_line_is_not_joined_to_the_wrapped_text_below() {
        let t = "（八）允许合理调整存量房地产项目用地规划条件\n自该文件印发之日至2027年12月31日，对存量房地产\n项目用地，为提高公共服务设施水平和增加公共空间等\n正向优化，确需调整规划条件的，依据国土空间总体规\n划完成评估。\n（九）支持盘活存量用地\n对因规划调整等原因导致开发条件发生变化的项目，允\n许依法依规调整土地用途、规划条件和建设时序，加快\n推进存量用地盘活利用。\n";
        let p = texts(t);
        assert_eq!(p.len(), 4, "{p:?}");
        assert_eq!(p[0], "（八）允许合理调整存量房地产项目用地规划条件");
        assert!(p[1].starts_with("自该文件印发之日") && p[1].ends_with("划完成评估。"), "{}", p[1]);
        assert_eq!(p[2], "（九）支持盘活存量用地");
    }

    #[test]
    fn table_rows_broken_by_the_wrap_are_joined_across_pages() {
        // Wrapped at 12: a row's cells run over lines (one piece starting with its TAB), a page's number
        // and running header fall between two rows, the prose around is left to `paragraphs`.
        let body =
            "一二三四五六七八九十一二\n三四五六七八九十一二三四\n五六七八九十一二三四五六\n七八九十一二三四五六七八\n";
        let t = format!(
            "{body}序号\t任务\t牵头单位\t配合\n单位\n1\t扩大有效投资\t市发展\n改革委\t市财政局\n\n— 3 —\n方案印发稿\n2\t优化营商环境\t市政务\n服务局\n{body}— 4 —\n方案印发稿\n"
        );
        let out = rejoin_wrapped_rows(&t).unwrap();
        let rows: Vec<&str> = out.lines().filter(|l| l.contains('\t')).collect();
        assert_eq!(
            rows,
            [
                "序号\t任务\t牵头单位\t配合单位",
                "1\t扩大有效投资\t市发展改革委\t市财政局",
                "2\t优化营商环境\t市政务服务局"
            ]
        );
        assert_eq!(out.lines().count(), t.lines().count());
        assert!(!out.contains("— 3 —") && out.contains("— 4 —"));
        let (_, tables) = crate::table::extract(&out);
        assert_eq!(tables[0].groups[0].rows.len(), 2);
        // Text that is not wrapped is left alone.
        assert_eq!(rejoin_wrapped_rows("序号\t任务\t牵头单位\n1\t扩大投资\t市发展改革委\n"), None);
    }

    #[test]
    fn spaces_between_chinese_characters_are_removed() {
        assert_eq!(clean_spaces("省 发展 改革委 and  PM 2.5"), "省发展改革委 and PM 2.5");
    }
}
