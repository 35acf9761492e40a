//! Text of a web page saved from a government site (.html/.htm): paragraphs in order, each table row as
//! one line with its cells separated by TAB (`rowspan` continuations marked as merged, `colspan` as empty
//! cells, as the .docx reader does), scripts, styles, the page head and navigation dropped. The charset is
//! the one the page declares (`<meta charset>` or `content="…; charset=…"`), else UTF-8 when the bytes
//! are valid UTF-8, else GB18030 (a superset of GBK and GB2312). Tokenizing is html5gum's (WHATWG).

use html5gum::{Token, Tokenizer};

use crate::table::MERGED_ABOVE;

/// Does this look like an HTML page (a doctype, or an `<html>`/`<head>`/`<body>`/`<meta>` tag, near the start)?
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(2048)).unwrap_or(bytes);
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || start.starts_with("<head")
        || start.starts_with("<meta")
        || (start.starts_with('<') && (head.contains("<html") || head.contains("<body")))
}

/// The charset a page declares in its first bytes, lower-cased.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset")?;
    let rest = head.get(at + "charset".len()..)?.trim_start_matches([' ', '=', '"', '\'']);
    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    (!name.is_empty()).then_some(name)
}

/// The page's characters.
pub fn decode_html(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let declared = declared_charset(bytes).and_then(|c| encoding_rs::Encoding::for_label(c.as_bytes()));
    match declared {
        Some(enc) if enc != encoding_rs::UTF_8 => {
            // GB2312 and GBK pages often hold characters beyond their charset: GB18030 reads them all.
            let enc = if enc == encoding_rs::GBK { encoding_rs::GB18030 } else { enc };
            enc.decode_without_bom_handling(bytes).0.into_owned()
        }
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0.into_owned(),
        },
    }
}

/// Elements whose content is not the document's text.
const SKIPPED: [&str; 10] =
    ["script", "style", "noscript", "template", "head", "nav", "footer", "select", "button", "iframe"];

/// Elements that start and end a line.
const BLOCKS: [&str; 24] = [
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "center",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "form",
    "hr",
    "header",
    "main",
];

/// A cell being read, with its spans.
struct Cell {
    text: String,
    rowspan: usize,
    colspan: usize,
}

/// The table being read: finished rows of cells.
#[derive(Default)]
struct TableState {
    rows: Vec<Vec<Cell>>,
    row: Vec<Cell>,
    cell: Option<Cell>,
}

impl TableState {
    /// Ends the open cell (if any) as part of its row.
    fn close_cell(&mut self) {
        if let Some(c) = self.cell.take() {
            self.row.push(c);
        }
    }

    /// Ends the open row (and its open cell).
    fn close_row(&mut self) {
        self.close_cell();
        if !self.row.is_empty() {
            let row = std::mem::take(&mut self.row);
            self.rows.push(row);
        }
    }

    /// The table's lines, once every row is closed.
    fn into_lines(mut self) -> Vec<String> {
        self.close_row();
        grid_lines(self.rows)
    }
}

fn span_attr(tag: &html5gum::StartTag<()>, name: &str) -> usize {
    tag.attributes
        .get(name.as_bytes())
        .and_then(|v| String::from_utf8_lossy(v).trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 64)
}

/// The rows of a table laid out on its grid: a cell that a `rowspan` from above covers is marked as merged,
/// the columns a `colspan` covers are empty.
fn grid_lines(rows: Vec<Vec<Cell>>) -> Vec<String> {
    // Per column: how many more rows the cell above still covers.
    let mut covering: Vec<usize> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut line: Vec<String> = Vec::new();
        let mut col = 0usize;
        let mut cells = row.into_iter();
        let mut next = cells.next();
        while next.is_some() || covering.get(col..).is_some_and(|c| c.iter().any(|&n| n > 0)) {
            if covering.get(col).copied().unwrap_or(0) > 0 {
                if let Some(n) = covering.get_mut(col) {
                    *n -= 1;
                }
                line.push(MERGED_ABOVE.to_string());
                col += 1;
                continue;
            }
            let Some(cell) = next.take() else {
                line.push(String::new());
                col += 1;
                continue;
            };
            for k in 0..cell.colspan {
                if covering.len() <= col + k {
                    covering.resize(col + k + 1, 0);
                }
                if let Some(n) = covering.get_mut(col + k) {
                    *n = cell.rowspan - 1;
                }
            }
            line.push(cell.text.split_whitespace().collect::<Vec<_>>().join(" "));
            line.extend(std::iter::repeat_n(String::new(), cell.colspan - 1));
            col += cell.colspan;
            next = cells.next();
        }
        while line.last().is_some_and(|c| c.is_empty()) && line.len() > 1 {
            line.pop();
        }
        out.push(line.join("\t"));
    }
    out
}

/// The text of an HTML page: one line per paragraph or table row.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 3);
    let mut line = String::new();
    let mut skipping: Vec<String> = Vec::new();
    // Tables nest; only the outermost is laid out as rows, inner ones become their cell's text.
    let mut tables: Vec<TableState> = Vec::new();
    let flush = |line: &mut String, out: &mut String| {
        let t = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            out.push_str(&t);
            out.push('\n');
        }
        line.clear();
    };
    let mut tokenizer = Tokenizer::new(html);
    for token in tokenizer.by_ref().flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if SKIPPED.contains(&name.as_str()) && !tag.self_closing {
                    skipping.push(name);
                    continue;
                }
                if !skipping.is_empty() {
                    continue;
                }
                let in_cell = tables.last().is_some_and(|t| t.cell.is_some());
                match name.as_str() {
                    "table" if tables.is_empty() => {
                        flush(&mut line, &mut out);
                        tables.push(TableState::default());
                    }
                    "table" => tables.push(TableState::default()),
                    "tr" if tables.len() == 1 => {
                        if let Some(t) = tables.last_mut() {
                            t.close_row();
                        }
                    }
                    "td" | "th" if tables.len() == 1 => {
                        if let Some(t) = tables.last_mut() {
                            t.close_cell();
                            t.cell = Some(Cell {
                                text: String::new(),
                                rowspan: span_attr(&tag, "rowspan"),
                                colspan: span_attr(&tag, "colspan"),
                            });
                        }
                    }
                    n if BLOCKS.contains(&n) => {
                        if in_cell {
                            if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                                c.text.push(' ');
                            }
                        } else if tables.is_empty() {
                            flush(&mut line, &mut out);
                        }
                    }
                    _ => {}
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if let Some(top) = skipping.last() {
                    if *top == name {
                        skipping.pop();
                    }
                    continue;
                }
                match name.as_str() {
                    "table" if tables.len() == 1 => {
                        if let Some(t) = tables.pop() {
                            for l in t.into_lines() {
                                if !l.trim().is_empty() {
                                    out.push_str(&l);
                                    out.push('\n');
                                }
                            }
                        }
                    }
                    "table" => {
                        tables.pop();
                    }
                    "td" | "th" if tables.len() == 1 => {
                        if let Some(t) = tables.last_mut() {
                            t.close_cell();
                        }
                    }
                    "tr" if tables.len() == 1 => {
                        if let Some(t) = tables.last_mut() {
                            t.close_row();
                        }
                    }
                    n if BLOCKS.contains(&n) && tables.is_empty() => flush(&mut line, &mut out),
                    _ => {}
                }
            }
            Token::String(s) if skipping.is_empty() => {
                let text = String::from_utf8_lossy(&s).replace('\u{a0}', " ");
                match tables.first_mut() {
                    Some(t) => {
                        if let Some(c) = t.cell.as_mut() {
                            c.text.push_str(&text);
                        }
                    }
                    None => line.push_str(&text),
                }
            }
            _ => {}
        }
    }
    // A table left open at the end of the page.
    if let Some(t) = tables.into_iter().next() {
        for l in t.into_lines() {
            out.push_str(&l);
            out.push('\n');
        }
    }
    flush(&mut line, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_tables_with_spans() {
        let html = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>站点</title>
<script>var x = "<p>不是正文</p>";</script><style>p{color:red}</style></head>
<body><nav><a href="/">首页</a></nav><div class="article"><h1>某市工作方案</h1>
<p>一、总体要求</p><p>　　（一）目标。到2025年&nbsp;完成&amp;验收。</p>
<table><tr><th>序号</th><th>重点任务</th><th>牵头单位</th></tr>
<tr><td colspan="3">一、稳定增长</td></tr>
<tr><td rowspan="2">1</td><td>扩大投资</td><td>市发展改革委</td></tr>
<tr><td>落实<br>资金</td><td>市财政局</td></tr></table>
<p>此件公开发布。</p></div><footer>版权所有</footer></body></html>"#;
        let m = MERGED_ABOVE;
        assert_eq!(
            html_text(html),
            format!(
                "某市工作方案\n一、总体要求\n（一）目标。到2025年 完成&验收。\n序号\t重点任务\t牵头单位\n一、稳定增长\n\
                 1\t扩大投资\t市发展改革委\n{m}\t落实 资金\t市财政局\n此件公开发布。\n"
            )
        );
    }

    #[test]
    fn the_declared_charset_decides() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>省发展改革委</p></body></html>");
        assert!(looks_like_html(&gbk));
        assert_eq!(html_text(&decode_html(&gbk)), "省发展改革委\n");
        assert!(!looks_like_html("一、总体要求\n<p>".as_bytes()));
    }

    #[test]
    fn any_markup_gives_text_without_panicking() {
        for html in [
            "<table><td rowspan=99999>a<tr><td>b",
            "</table></tr><td>",
            "<table><table></table>",
            "<p",
            "<!--",
            "<td colspan=0>x",
        ] {
            let _ = html_text(html);
        }
    }
}
