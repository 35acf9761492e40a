//! Text of an OFD file (GB/T 33190, the format official electronic documents are issued in): a ZIP
//! package whose `OFD.xml` names the document (`DocRoot`), whose `Document.xml` lists the pages
//! (`Page BaseLoc`), each page's `Content.xml` holding text objects (`TextObject Boundary` with
//! `TextCode X Y` runs). A page's runs are put back in reading order: lines by their baseline, top to
//! bottom, each line's runs left to right.
//!
//! Text set only as glyph indices (no characters in `TextCode`) cannot be read: such a file gets an
//! error that says so.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::DecodeError;

/// Largest part read, uncompressed: guards against ZIP bombs.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Most pages read.
const MAX_PAGES: usize = 2000;

/// Is this ZIP package an OFD (it has `OFD.xml` at its root)?
pub fn is_ofd(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes)).is_ok_and(|z| z.index_for_name("OFD.xml").is_some())
}

fn bad(why: impl std::fmt::Display) -> DecodeError {
    DecodeError::BadOfd(why.to_string())
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<String, DecodeError> {
    let name = name.trim_start_matches('/');
    let entry = zip.by_name(name).map_err(|e| bad(format!("{name}: {e}")))?;
    let mut out = Vec::new();
    entry.take(MAX_PART_BYTES + 1).read_to_end(&mut out).map_err(bad)?;
    if out.len() as u64 > MAX_PART_BYTES {
        return Err(bad(format!("{name} is larger than 64 MiB")));
    }
    String::from_utf8(out).map_err(|_| bad(format!("{name} is not UTF-8")))
}

use crate::docx::attribute as attr;

/// The text of every element named `name` (local name, any prefix).
fn texts_of(xml: &str, name: &str) -> Result<Vec<String>, DecodeError> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event().map_err(bad)? {
            Event::Start(e) if e.local_name().as_ref() == name => {
                inside = true;
                out.push(String::new());
            }
            Event::Text(t) if inside => {
                if let Some(last) = out.last_mut() {
                    last.push_str(&t.xml10_content());
                }
            }
            Event::End(e) if e.local_name().as_ref() == name => inside = false,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The `BaseLoc` of each page of a Document.xml, in order.
fn page_locations(xml: &str) -> Result<Vec<String>, DecodeError> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().map_err(bad)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Page" => {
                if let Some(loc) = attr(&e, "BaseLoc") {
                    out.push(loc);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A run of text where the page sets it.
struct Run {
    x: f64,
    y: f64,
    size: f64,
    text: String,
}

fn numbers(s: &str) -> Vec<f64> {
    s.split_whitespace().filter_map(|n| n.parse().ok()).filter(|n: &f64| n.is_finite()).collect()
}

/// The runs of a page's Content.xml.
fn page_runs(xml: &str) -> Result<Vec<Run>, DecodeError> {
    let mut reader = Reader::from_str(xml);
    let mut runs = Vec::new();
    // The open TextObject's origin and font size, and the open TextCode's place.
    let mut origin = (0.0, 0.0, 3.5);
    let mut code: Option<Run> = None;
    loop {
        match reader.read_event().map_err(bad)? {
            Event::Start(e) if e.local_name().as_ref() == "TextObject" => {
                let b = attr(&e, "Boundary").map(|s| numbers(&s)).unwrap_or_default();
                let size = attr(&e, "Size").and_then(|s| s.trim().parse().ok()).unwrap_or(3.5);
                origin = (b.first().copied().unwrap_or(0.0), b.get(1).copied().unwrap_or(0.0), size);
            }
            Event::Start(e) if e.local_name().as_ref() == "TextCode" => {
                let x = attr(&e, "X").and_then(|s| s.trim().parse().ok()).unwrap_or(0.0);
                let y = attr(&e, "Y").and_then(|s| s.trim().parse().ok()).unwrap_or(0.0);
                code = Some(Run { x: origin.0 + x, y: origin.1 + y, size: origin.2, text: String::new() });
            }
            Event::Text(t) => {
                if let Some(c) = code.as_mut() {
                    c.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = code.as_mut() {
                    crate::docx::push_reference(&mut c.text, &r);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "TextCode" => {
                if let Some(c) = code.take()
                    && !c.text.trim().is_empty()
                {
                    runs.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(runs)
}

/// Runs to lines: a run whose baseline is within half its size of the line's joins it; lines top to
/// bottom, runs left to right.
fn page_lines(mut runs: Vec<Run>) -> Vec<String> {
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<(f64, Vec<Run>)> = Vec::new();
    for r in runs {
        match lines.last_mut() {
            Some((y, line)) if (r.y - *y).abs() <= r.size * 0.5 => line.push(r),
            _ => lines.push((r.y, vec![r])),
        }
    }
    lines
        .into_iter()
        .map(|(_, mut line)| {
            line.sort_by(|a, b| a.x.total_cmp(&b.x));
            line.into_iter().map(|r| r.text).collect::<String>()
        })
        .collect()
}

/// Resolves a location given in `base_dir` (a path inside the package, or one from its root).
fn resolve(base_dir: &str, loc: &str) -> String {
    if let Some(abs) = loc.strip_prefix('/') {
        return abs.to_string();
    }
    if base_dir.is_empty() { loc.to_string() } else { format!("{base_dir}/{loc}") }
}

/// The text of an OFD, page after page.
pub fn ofd_text(bytes: &[u8]) -> Result<String, DecodeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    let root = part(&mut zip, "OFD.xml")?;
    let doc_root = texts_of(&root, "DocRoot")?.into_iter().next().ok_or_else(|| bad("OFD.xml names no document"))?;
    let doc_root = doc_root.trim().trim_start_matches('/').to_string();
    let document = part(&mut zip, &doc_root)?;
    let dir = doc_root.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let mut out = String::new();
    let mut any_page = false;
    for loc in page_locations(&document)?.into_iter().take(MAX_PAGES) {
        let content = part(&mut zip, &resolve(&dir, &loc))?;
        any_page = true;
        for line in page_lines(page_runs(&content)?) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    if !any_page {
        return Err(bad("the document has no pages"));
    }
    if out.trim().is_empty() {
        return Err(DecodeError::OfdNoText);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_come_back_in_reading_order() {
        let xml = r#"<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">
<ofd:TextObject ID="3" Boundary="60 50 100 8" Size="5"><ofd:TextCode X="0" Y="5">负责）</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="2" Boundary="25 40 100 8" Size="5"><ofd:TextCode X="30" Y="5">要求</ofd:TextCode><ofd:TextCode X="0" Y="5.4">一、总体</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="4" Boundary="25 50 100 8" Size="5"><ofd:TextCode X="0" Y="5">（省发展改革委&amp;</ofd:TextCode></ofd:TextObject>
</ofd:Layer></ofd:Content></ofd:Page>"#;
        assert_eq!(page_lines(page_runs(xml).unwrap()), vec!["一、总体要求", "（省发展改革委&负责）"]);
        assert_eq!(resolve("Doc_0", "Pages/Page_0/Content.xml"), "Doc_0/Pages/Page_0/Content.xml");
        assert_eq!(resolve("Doc_0", "/Doc_0/Pages/Page_1/Content.xml"), "Doc_0/Pages/Page_1/Content.xml");
    }
}
