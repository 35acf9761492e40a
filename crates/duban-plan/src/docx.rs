//! Text of a .docx: body paragraphs in order, each table row as one line with cells separated by tabs.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::DecodeError;
use crate::numbering::Numbering;

/// Largest uncompressed document.xml read: guards against ZIP bombs.
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

/// Extract the text of `word/document.xml`.
pub fn docx_text(bytes: &[u8]) -> Result<String, DecodeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| DecodeError::BadDocx(e.to_string()))?;
    let mut xml = Vec::new();
    let is_workbook = zip.file_names().any(|n| n.is_ok_and(|n| n.starts_with("xl/")));
    {
        let entry = match zip.by_name("word/document.xml") {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => {
                let hint = if is_workbook { "it looks like an Excel workbook" } else { "word/document.xml is missing" };
                return Err(DecodeError::NotDocx(hint.into()));
            }
            Err(zip::result::ZipError::UnsupportedArchive(msg)) if msg.contains("assword") => {
                return Err(DecodeError::BadDocx("it is password-protected".into()));
            }
            Err(e) => return Err(DecodeError::BadDocx(e.to_string())),
        };
        entry.take(MAX_XML_BYTES + 1).read_to_end(&mut xml).map_err(|e| DecodeError::BadDocx(e.to_string()))?;
    }
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(DecodeError::BadDocx("document.xml is larger than 64 MiB".into()));
    }
    // Automatic numbering, when the document has any (a part that cannot be read leaves the text as is).
    let mut numbering = Numbering::default();
    if let Ok(entry) = zip.by_name("word/numbering.xml") {
        let mut raw = Vec::new();
        if entry.take(MAX_XML_BYTES).read_to_end(&mut raw).is_ok()
            && let Ok(text) = std::str::from_utf8(&raw)
        {
            numbering = Numbering::parse(text);
        }
    }
    document_xml_text(&xml, &mut numbering)
}

/// Walk WordprocessingML and produce one line per paragraph (outside tables) or per table row.
fn document_xml_text(xml: &[u8], numbering: &mut Numbering) -> Result<String, DecodeError> {
    let xml = std::str::from_utf8(xml).map_err(|e| DecodeError::BadDocx(format!("document.xml is not UTF-8: {e}")))?;
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut para = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell = String::new();
    // The open cell's w:gridSpan (columns it covers) and whether w:vMerge continues the cell above.
    let mut span = 1usize;
    let mut merged_above = false;
    let mut table_depth = 0usize;
    let mut in_text = false;
    // The open paragraph's list (w:numPr): its numId and level.
    let mut list: (Option<String>, u8) = (None, 0);
    loop {
        let event = reader.read_event().map_err(|e| DecodeError::BadDocx(format!("XML: {e}")))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tbl" => table_depth += 1,
                "tr" if table_depth == 1 => row.clear(),
                "tc" if table_depth == 1 => {
                    cell.clear();
                    span = 1;
                    merged_above = false;
                }
                "p" => {
                    para.clear();
                    list = (None, 0);
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "numId" => list.0 = attr_val(&e),
                "ilvl" => list.1 = attr_val(&e).and_then(|v| v.parse().ok()).unwrap_or(0),
                "tab" => para.push('\t'),
                "br" | "cr" => para.push('\n'),
                "gridSpan" if table_depth == 1 => {
                    span = attr_val(&e).and_then(|v| v.parse().ok()).unwrap_or(1).clamp(1, 64);
                }
                // <w:vMerge/> (or w:val="continue") continues the cell above; w:val="restart" starts one.
                "vMerge" if table_depth == 1 => merged_above = attr_val(&e).is_none_or(|v| v == "continue"),
                _ => {}
            },
            Event::Text(t) if in_text => {
                para.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_text => push_reference(&mut para, &r),
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    if let Some(id) = list.0.take()
                        && !para.trim().is_empty()
                        && let Some(label) = numbering.next_label(&id, list.1)
                        && !para.trim_start().starts_with(&label)
                    {
                        para.insert_str(0, &label);
                    }
                    if table_depth == 0 {
                        out.push_str(&para);
                        out.push('\n');
                    } else {
                        if !cell.is_empty() && !para.is_empty() {
                            cell.push(' ');
                        }
                        // A cell is one field of its row: its own tabs and breaks are spaces.
                        cell.push_str(para.trim().replace(['\t', '\n'], " ").as_str());
                    }
                    para.clear();
                }
                "tc" if table_depth == 1 => {
                    let text = std::mem::take(&mut cell);
                    let merged = merged_above && text.trim().is_empty();
                    row.push(if merged { crate::table::MERGED_ABOVE.to_string() } else { text });
                    for _ in 1..span {
                        row.push(String::new());
                    }
                }
                "tr" if table_depth == 1 => {
                    out.push_str(&row.join("\t"));
                    out.push('\n');
                    row.clear();
                }
                "tbl" => table_depth = table_depth.saturating_sub(1),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The `w:val` attribute of an element.
fn attr_val(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    attribute(e, "val")
}

/// An attribute by its local name (any prefix), as written: the values read (numbers, keywords, part
/// names, coordinates) hold no entities. For the XML of .docx and OFD packages.
pub(crate) fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| a.value.into_owned())
}

/// The character an entity or character reference in text stands for, pushed onto `out`.
pub(crate) fn push_reference(out: &mut String, r: &quick_xml::events::BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
        return;
    }
    out.push_str(match r.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_tables_and_entities() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>一、总体要求</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">A &amp; B</w:t></w:r><w:r><w:tab/><w:t>&#x4E00;</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>任务</w:t></w:r></w:p><w:p><w:r><w:t>续</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>完</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(
            document_xml_text(xml.as_bytes(), &mut Numbering::default()).unwrap(),
            "一、总体要求\nA & B\t一\n序号\t任务 续\n完\n"
        );
    }

    #[test]
    fn merged_cells_keep_their_columns() {
        let cell = |attrs: &str, text: &str| {
            format!("<w:tc><w:tcPr>{attrs}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
        };
        let rows = [
            format!("<w:tr>{}</w:tr>", cell(r#"<w:gridSpan w:val="3"/>"#, "一、稳定增长")),
            format!(
                "<w:tr>{}{}{}</w:tr>",
                cell(r#"<w:vMerge w:val="restart"/>"#, "1"),
                cell("", "扩大投资"),
                cell("", "市发展改革委")
            ),
            format!("<w:tr>{}{}{}</w:tr>", cell("<w:vMerge/>", ""), cell("", "落实资金"), cell("", "市财政局")),
        ];
        let xml = format!(r#"<w:document xmlns:w="x"><w:body><w:tbl>{}</w:tbl></w:body></w:document>"#, rows.concat());
        let m = crate::table::MERGED_ABOVE;
        assert_eq!(
            document_xml_text(xml.as_bytes(), &mut Numbering::default()).unwrap(),
            format!("一、稳定增长\t\t\n1\t扩大投资\t市发展改革委\n{m}\t落实资金\t市财政局\n")
        );
    }
}
