//! Text of a Word 97–2003 binary document (.doc, and the .wps files WPS Office saves as Word 97), in
//! pure Rust: the compound-file container (the `cfb` crate), then the document's own structures
//! ([MS-DOC]): the File Information Block gives the piece table (`Clx`), whose pieces hold the main
//! text as UTF-16 or as 8-bit text; paragraph marks end lines, fields keep their result, and a table's
//! cells (ended by 0x07) become TAB-separated rows, a row ending where the paragraph properties mark the
//! row end (`sprmPFTtp`).
//!
//! A .wps file that is WPS Office's own format (not Word-compatible) gets an error saying to save it as
//! .docx.

use std::io::{Cursor, Read};

use crate::error::DecodeError;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn bad(why: &str) -> DecodeError {
    DecodeError::BadDoc(why.to_string())
}

/// One piece of the main text: where its characters are in the WordDocument stream.
struct Piece {
    cp_len: usize,
    fc: usize,
    compressed: bool,
}

fn read_stream(cf: &mut cfb::CompoundFile<Cursor<&[u8]>>, name: &str) -> Result<Vec<u8>, DecodeError> {
    let mut s = cf.open_stream(name).map_err(|e| bad(&format!("{name}: {e}")))?;
    let mut out = Vec::new();
    // The container is at most the input's size (checked by `decode`), so are its streams.
    s.by_ref().take(crate::decode::MAX_INPUT_BYTES as u64).read_to_end(&mut out).map_err(|e| bad(&e.to_string()))?;
    Ok(out)
}

/// The text of a .doc: one line per paragraph, a table row as one line of TAB-separated cells.
pub fn doc_text(bytes: &[u8]) -> Result<String, DecodeError> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| bad(&e.to_string()))?;
    if !cf.is_stream("WordDocument") {
        // WPS Office's own format keeps its text elsewhere; other OLE files (Excel 97, PowerPoint) too.
        let wps = cf.walk().any(|e| e.name().to_ascii_lowercase().contains("wps") || e.name().contains("Kingsoft"));
        return Err(if wps { DecodeError::WpsNative } else { DecodeError::LegacyDoc });
    }
    let word = read_stream(&mut cf, "WordDocument")?;
    if u16_at(&word, 0) != Some(0xA5EC) {
        return Err(bad("not a Word 97–2003 document"));
    }
    let flags = u16_at(&word, 0x0A).ok_or_else(|| bad("short header"))?;
    if flags & 0x0100 != 0 {
        return Err(DecodeError::Encrypted);
    }
    let table_name = if flags & 0x0200 != 0 { "1Table" } else { "0Table" };
    let table = read_stream(&mut cf, table_name)?;
    let ccp_text = u32_at(&word, 0x4C).ok_or_else(|| bad("short header"))? as usize;
    let fc_clx = u32_at(&word, 0x01A2).ok_or_else(|| bad("short header"))? as usize;
    let lcb_clx = u32_at(&word, 0x01A6).ok_or_else(|| bad("short header"))? as usize;
    let clx = table.get(fc_clx..fc_clx.saturating_add(lcb_clx)).ok_or_else(|| bad("piece table outside its stream"))?;
    let pieces = pieces(clx)?;
    let row_ends = row_end_marks(&word, &table);

    // The main text, piece by piece, each character with its place in the stream.
    let mut chars: Vec<(char, usize)> = Vec::new();
    for p in &pieces {
        if chars.len() >= ccp_text {
            break;
        }
        let n = p.cp_len.min(ccp_text - chars.len());
        if p.compressed {
            let raw = word.get(p.fc..p.fc + n).ok_or_else(|| bad("text outside its stream"))?;
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(raw);
            for (k, c) in text.chars().enumerate() {
                chars.push((c, p.fc + k));
            }
        } else {
            let raw = word.get(p.fc..p.fc + 2 * n).ok_or_else(|| bad("text outside its stream"))?;
            let units: Vec<u16> =
                raw.chunks_exact(2).filter_map(|c| c.try_into().ok().map(u16::from_le_bytes)).collect();
            for (k, c) in char::decode_utf16(units.iter().copied()).enumerate() {
                chars.push((c.unwrap_or('\u{FFFD}'), p.fc + 2 * k));
            }
        }
    }
    Ok(lines(&chars, &row_ends))
}

/// The pieces of the piece table (`Pcdt` inside the `Clx`, after any property runs).
fn pieces(clx: &[u8]) -> Result<Vec<Piece>, DecodeError> {
    let mut i = 0usize;
    while let Some(&kind) = clx.get(i) {
        match kind {
            0x01 => i += 3 + usize::from(u16_at(clx, i + 1).ok_or_else(|| bad("piece table"))?),
            0x02 => {
                let lcb = u32_at(clx, i + 1).ok_or_else(|| bad("piece table"))? as usize;
                let plc = clx.get(i + 5..i + 5 + lcb).ok_or_else(|| bad("piece table"))?;
                if lcb < 4 || !(lcb - 4).is_multiple_of(12) {
                    return Err(bad("piece table"));
                }
                let n = (lcb - 4) / 12;
                let mut out = Vec::with_capacity(n);
                for k in 0..n {
                    let (a, b) = (u32_at(plc, 4 * k), u32_at(plc, 4 * k + 4));
                    let fc_raw = u32_at(plc, 4 * (n + 1) + 8 * k + 2);
                    let (Some(a), Some(b), Some(fc_raw)) = (a, b, fc_raw) else { return Err(bad("piece table")) };
                    let compressed = fc_raw & 0x4000_0000 != 0;
                    let fc = (fc_raw & 0x3FFF_FFFF) as usize;
                    out.push(Piece {
                        cp_len: b.saturating_sub(a) as usize,
                        fc: if compressed { fc / 2 } else { fc },
                        compressed,
                    });
                }
                return Ok(out);
            }
            _ => return Err(bad("piece table")),
        }
    }
    Err(bad("no piece table"))
}

/// A table row's end mark: where it is in the stream, and the cells merged with the cell above
/// (sprmTVertMerge), which Word writes empty.
struct RowEnd {
    start: usize,
    end: usize,
    merged: Vec<usize>,
}

/// The paragraph marks that end a table row: the paragraphs whose properties carry sprmPFTtp (0x2417)
/// or sprmPFInnerTtp (0x244C) set, read from the PAPX pages the bin table points to.
fn row_end_marks(word: &[u8], table: &[u8]) -> Vec<RowEnd> {
    let mut out = Vec::new();
    let (Some(fc), Some(lcb)) = (u32_at(word, 0x0102), u32_at(word, 0x0106)) else { return out };
    let Some(plc) = table.get(fc as usize..(fc as usize).saturating_add(lcb as usize)) else { return out };
    if plc.len() < 4 {
        return out;
    }
    let n = (plc.len() - 4) / 8;
    for k in 0..n {
        let Some(pn) = u32_at(plc, 4 * (n + 1) + 4 * k) else { continue };
        let page_at = (pn as usize) * 512;
        let Some(page) = word.get(page_at..page_at + 512) else { continue };
        let runs = usize::from(page.get(511).copied().unwrap_or(0));
        for r in 0..runs {
            let (Some(start), Some(end)) = (u32_at(page, 4 * r), u32_at(page, 4 * r + 4)) else { continue };
            let Some(&word_off) = page.get(4 * (runs + 1) + 13 * r) else { continue };
            if word_off == 0 {
                continue;
            }
            let at = 2 * usize::from(word_off);
            let Some(&cb) = page.get(at) else { continue };
            let (len, from) = if cb == 0 {
                (2 * usize::from(page.get(at + 1).copied().unwrap_or(0)), at + 2)
            } else {
                (2 * usize::from(cb) - 1, at + 1)
            };
            // After the style (2 bytes): the sprms.
            let Some(grpprl) = page.get(from + 2..(from + len).min(512)) else { continue };
            let (ttp, merged) = row_props(grpprl);
            if ttp {
                out.push(RowEnd { start: start as usize, end: end as usize, merged });
            }
        }
    }
    out
}

/// Does a run of sprms set PFTtp or PFInnerTtp, and which cells does it merge with the row above?
fn row_props(grpprl: &[u8]) -> (bool, Vec<usize>) {
    let mut ttp = false;
    let mut merged = Vec::new();
    let mut i = 0usize;
    while let Some(sprm) = u16_at(grpprl, i) {
        let operand = grpprl.get(i + 2).copied();
        if matches!(sprm, 0x2417 | 0x244C) && operand == Some(1) {
            ttp = true;
        }
        // sprmTVertMerge: cb (2), the cell's index, 1 = merged with the cell above.
        if sprm == 0xD62B && grpprl.get(i + 4).copied() == Some(1) {
            merged.extend(grpprl.get(i + 3).map(|&c| usize::from(c)));
        }
        // sprmTDefTable: cb (2), the number of cells, their edges, then a 20-byte TC per cell whose flags
        // say fVertMerge (0x20) without fVertRestart (0x40) for a cell merged with the one above.
        if sprm == 0xD608
            && let Some(&cells) = grpprl.get(i + 4)
        {
            let tcs = i + 5 + 2 * (usize::from(cells) + 1);
            for k in 0..usize::from(cells) {
                if let Some(flags) = u16_at(grpprl, tcs + 20 * k)
                    && flags & 0x0020 != 0
                    && flags & 0x0040 == 0
                    && !merged.contains(&k)
                {
                    merged.push(k);
                }
            }
        }
        // The operand's size is in the sprm's top three bits.
        let size = match sprm >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => match sprm {
                0xD608 => usize::from(u16_at(grpprl, i + 2).unwrap_or(0)) + 1,
                _ => usize::from(grpprl.get(i + 2).copied().unwrap_or(0)) + 1,
            },
        };
        i += 2 + size;
    }
    (ttp, merged)
}

/// Characters to lines: paragraph marks end lines, fields keep their shown result, cells are joined by
/// TAB into their row.
fn lines(chars: &[(char, usize)], row_ends: &[RowEnd]) -> String {
    let row_end_at = |fc: usize| row_ends.iter().find(|r| r.start <= fc && fc < r.end);
    let mut out = String::new();
    let mut para = String::new();
    let mut row: Vec<String> = Vec::new();
    // Fields: 0x13 code 0x14 result 0x15; the code is not text.
    let mut in_code: Vec<bool> = Vec::new();
    let mut prev_cell_end = false;
    for &(c, fc) in chars {
        match c {
            '\u{13}' => in_code.push(true),
            '\u{14}' => {
                if let Some(top) = in_code.last_mut() {
                    *top = false;
                }
            }
            '\u{15}' => {
                in_code.pop();
            }
            _ if in_code.last().copied().unwrap_or(false) => {}
            '\u{7}' => {
                let found = row_end_at(fc);
                let row_end = if row_ends.is_empty() { prev_cell_end && para.is_empty() } else { found.is_some() };
                if row_end {
                    for &k in found.map(|r| r.merged.as_slice()).unwrap_or(&[]) {
                        if let Some(c) = row.get_mut(k).filter(|c| c.is_empty()) {
                            *c = crate::table::MERGED_ABOVE.to_string();
                        }
                    }
                    out.push_str(&row.join("\t"));
                    out.push('\n');
                    row.clear();
                    prev_cell_end = false;
                } else {
                    row.push(std::mem::take(&mut para).trim().to_string());
                    prev_cell_end = true;
                }
                continue;
            }
            '\r' => {
                if row.is_empty() && !prev_cell_end {
                    out.push_str(&para);
                    out.push('\n');
                    para.clear();
                } else {
                    // A paragraph inside a cell: the cell's paragraphs are joined by a space.
                    para.push(' ');
                }
            }
            '\u{b}' | '\u{c}' => {
                if row.is_empty() {
                    out.push_str(&para);
                    out.push('\n');
                    para.clear();
                } else {
                    para.push(' ');
                }
            }
            '\u{1e}' => para.push('-'),
            '\u{a0}' => para.push(' '),
            '\t' => para.push(if row.is_empty() && !prev_cell_end { '\t' } else { ' ' }),
            c if (c as u32) < 0x20 => {}
            c => para.push(c),
        }
        prev_cell_end = false;
    }
    if !row.is_empty() {
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    out.push_str(&para);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_cells_and_marks() {
        let text = "一、总体要求\r\u{13} PAGE \u{14}3\u{15}页\r序号\u{7}任务\u{7}\u{7}1\u{7}扩大投资\u{7}\u{7}完\r";
        let chars: Vec<(char, usize)> = text.chars().enumerate().map(|(k, c)| (c, k)).collect();
        assert_eq!(lines(&chars, &[]), "一、总体要求\n3页\n序号\t任务\n1\t扩大投资\n完\n");
    }

    #[test]
    fn what_is_not_a_word_document_is_named() {
        assert!(matches!(doc_text(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 not really"), Err(DecodeError::BadDoc(_))));
        assert_eq!(row_props(&[0x16, 0x24, 0x01]), (false, vec![]));
        assert_eq!(row_props(&[0x16, 0x24, 0x01, 0x17, 0x24, 0x01, 0x2B, 0xD6, 0x02, 0x03, 0x01]), (true, vec![3]));
    }
}
