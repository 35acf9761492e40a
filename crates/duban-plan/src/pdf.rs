//! Text of a PDF's text layer, page by page, through `pdf-extract` (pure Rust, over `lopdf`): it maps
//! each font's codes to Unicode (ToUnicode maps, CID fonts, standard encodings) and reports each
//! character with its position, and the page's stroked and filled paths. `pdf_layout` writes the body
//! in content order with a line break where the baseline moves (for the documents offices export from
//! Word or WPS, reading order) and each ruled table as rows of cells. The hard-wrapped lines are then
//! joined by `text`, as for text copied out of a PDF.
//!
//! A PDF without a usable text layer gets an error that says so: a scan (no text at all), or fonts
//! without a Unicode map, which official typesetting systems often produce (the text would come out as
//! replacement characters or unrelated symbols, never to be put in a ledger).

use crate::error::DecodeError;
use crate::pdf_layout::Page;
use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

/// Collects a page's characters and ruling lines for `pdf_layout`.
#[derive(Debug, Default)]
struct Collector {
    page: Page,
    word_start: bool,
}

/// The lower-left and upper-right corners of what a path covers.
type Extent = Option<((f64, f64), (f64, f64))>;

/// A point of a path in the page's space.
fn apply(ctm: &Transform, x: f64, y: f64) -> (f64, f64) {
    (ctm.m11 * x + ctm.m21 * y + ctm.m31, ctm.m12 * x + ctm.m22 * y + ctm.m32)
}

impl Collector {
    /// A path's straight pieces as rules; a filled path's subpaths by their extent (thin ones are rules).
    fn path(&mut self, ctm: &Transform, path: &Path, filled: bool) {
        let mut start = (0.0, 0.0);
        let mut at = (0.0, 0.0);
        let mut extent: Extent = None;
        let grow = |e: &mut Extent, (x, y): (f64, f64)| {
            *e = Some(match *e {
                None => ((x, y), (x, y)),
                Some(((x0, y0), (x1, y1))) => ((x0.min(x), y0.min(y)), (x1.max(x), y1.max(y))),
            });
        };
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    if filled && let Some((a, b)) = extent.take() {
                        self.page.add_filled(a, b);
                    }
                    at = apply(ctm, x, y);
                    start = at;
                    grow(&mut extent, at);
                }
                PathOp::LineTo(x, y) => {
                    let to = apply(ctm, x, y);
                    if !filled {
                        self.page.add_segment(at, to);
                    }
                    grow(&mut extent, to);
                    at = to;
                }
                PathOp::CurveTo(_, _, _, _, x, y) => {
                    at = apply(ctm, x, y);
                    grow(&mut extent, at);
                }
                PathOp::Close => {
                    if !filled {
                        self.page.add_segment(at, start);
                    }
                    at = start;
                }
                PathOp::Rect(x, y, w, h) => {
                    let corners =
                        [apply(ctm, x, y), apply(ctm, x + w, y), apply(ctm, x + w, y + h), apply(ctm, x, y + h)];
                    if filled {
                        let xs = corners.iter().map(|c| c.0);
                        let ys = corners.iter().map(|c| c.1);
                        let lo = (xs.clone().fold(f64::MAX, f64::min), ys.clone().fold(f64::MAX, f64::min));
                        let hi = (xs.fold(f64::MIN, f64::max), ys.fold(f64::MIN, f64::max));
                        self.page.add_filled(lo, hi);
                    } else {
                        for (a, b) in corners.iter().zip(corners.iter().cycle().skip(1)) {
                            self.page.add_segment(*a, *b);
                        }
                    }
                }
            }
        }
        if filled && let Some((a, b)) = extent {
            self.page.add_filled(a, b);
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(&mut self, _: u32, _: &MediaBox, _: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        self.page = Page::default();
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // The glyph's size on the page: the side of the square with the area the text matrix maps the
        // font's em square to (as pdf-extract's own output measures it).
        let (sx, sy) = (font_size * (trm.m11 + trm.m21), font_size * (trm.m12 + trm.m22));
        let size = (sx * sy).abs().sqrt();
        let (x, y) = (trm.m31, trm.m32);
        let word_start = std::mem::take(&mut self.word_start);
        self.page.glyphs.push(crate::pdf_layout::Glyph {
            x,
            y,
            end: x + width * size,
            size,
            text: char.to_string(),
            word_start,
        });
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.word_start = true;
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn stroke(&mut self, ctm: &Transform, _: &ColorSpace, _: &[f64], path: &Path) -> Result<(), OutputError> {
        self.path(ctm, path, false);
        Ok(())
    }
    fn fill(&mut self, ctm: &Transform, _: &ColorSpace, _: &[f64], path: &Path) -> Result<(), OutputError> {
        self.path(ctm, path, true);
        Ok(())
    }
}

/// Most that a PDF's compressed streams may expand to, all together. `lopdf` inflates streams (object
/// streams as it loads the file, page contents as they are read) without a bound of its own; a plan's
/// text and fonts come to a few MiB, so more than this is a damaged or crafted file.
pub const MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// Refuses a PDF whose Flate streams expand to more than [`MAX_INFLATED_BYTES`], measured by inflating
/// each into a fixed buffer before `lopdf` sees the file: memory stays bounded whatever the file holds.
/// A zlib stream ends itself, so each stream is found by its `stream` keyword alone; data that is not
/// zlib (pictures, other filters) stops at its first bytes.
fn check_inflated(bytes: &[u8]) -> Result<(), DecodeError> {
    use std::io::Read;
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    let mut from = 0usize;
    while let Some(pos) = bytes.get(from..).and_then(|rest| rest.windows(6).position(|w| w == b"stream")) {
        let keyword_end = from + pos + 6;
        from = keyword_end;
        let mut start = keyword_end;
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) != Some(&b'\n') {
            continue;
        }
        let Some(data) = bytes.get(start + 1..) else { break };
        let mut inflater = flate2::read::ZlibDecoder::new(data);
        loop {
            match inflater.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    total = total.saturating_add(n as u64);
                    if total > MAX_INFLATED_BYTES {
                        return Err(DecodeError::PdfInflated { limit_mb: MAX_INFLATED_BYTES / (1024 * 1024) });
                    }
                }
            }
        }
    }
    Ok(())
}

/// The text of a PDF, or why it has none to give. The file is parsed once, for the font check and the
/// text alike.
pub fn pdf_text(bytes: &[u8]) -> Result<String, DecodeError> {
    check_inflated(bytes)?;
    // lopdf and pdf-extract stop with a panic on some damaged or unusual files (an unsupported encoding, a
    // missing font dictionary): a refusal of that file, not of the process.
    let pages = std::panic::catch_unwind(|| -> Result<Option<Vec<String>>, DecodeError> {
        let mut doc = pdf_extract::Document::load_mem(bytes).map_err(|e| DecodeError::BadPdf(e.to_string()))?;
        // As pdf-extract does: a file encrypted without a user password opens with the empty one.
        if doc.is_encrypted() {
            doc.decrypt("").map_err(|e| DecodeError::BadPdf(e.to_string()))?;
        }
        // No page sets text in a font: a scan (pictures of the pages).
        if !doc.get_pages().values().any(|page| doc.get_page_fonts(*page).is_ok_and(|f| !f.is_empty())) {
            return Ok(None);
        }
        let mut pages = Vec::new();
        for n in 1..=u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX) {
            let mut output = Collector::default();
            // As pdf-extract's own page loop: the text up to the first page it cannot lay out.
            if pdf_extract::output_doc_page(&doc, &mut output, n).is_err() {
                break;
            }
            pages.push(crate::pdf_layout::page_text(&output.page));
        }
        Ok(Some(pages))
    })
    .map_err(|_| DecodeError::BadPdf("a font or structure this reader does not support".into()))??;
    let Some(pages) = pages else { return Err(DecodeError::PdfNoText) };
    let text = pages.join("\n");
    match usable(&text) {
        // Text is set in fonts, yet nothing came out: their codes map to no characters.
        Err(DecodeError::PdfNoText) => Err(DecodeError::PdfNoUnicode),
        Err(e) => Err(e),
        Ok(()) => Ok(text),
    }
}

/// Is this text a document's, or what a PDF without Unicode maps gives?
fn usable(text: &str) -> Result<(), DecodeError> {
    let mut seen = 0usize;
    let mut readable = 0usize;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        seen += 1;
        let cjk = ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c);
        let punct = ('\u{3000}'..='\u{303F}').contains(&c) || ('\u{FF00}'..='\u{FFEF}').contains(&c);
        if cjk || punct || c.is_ascii_graphic() || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·') {
            readable += 1;
        }
    }
    if seen == 0 {
        return Err(DecodeError::PdfNoText);
    }
    // A Chinese plan is mostly Chinese characters and their punctuation; a page of symbols is not text.
    if readable * 10 < seen * 9 {
        return Err(DecodeError::PdfNoUnicode);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_text_is_refused() {
        assert_eq!(usable("一、总体要求（省发展改革委负责）"), Ok(()));
        assert_eq!(usable(" \n\n"), Err(DecodeError::PdfNoText));
        assert_eq!(usable("\u{FFFD}\u{FFFD}\u{FFFD}一\u{FFFD}\u{FFFD}"), Err(DecodeError::PdfNoUnicode));
        assert_eq!(usable("ÃÄÅÆÇÈÉÊËÌÍÎÏÐÑ"), Err(DecodeError::PdfNoUnicode));
        assert!(matches!(pdf_text(b"%PDF-1.4\n"), Err(DecodeError::BadPdf(_))));
    }

    /// A stream of 300 MiB of zeros compresses to about 300 KiB: refused before lopdf inflates it, and
    /// without holding it.
    #[test]
    fn a_stream_that_inflates_beyond_the_bound_is_refused() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..300 {
            z.write_all(&zeros).unwrap();
        }
        let packed = z.finish().unwrap();
        assert!(packed.len() < 2 * 1024 * 1024);
        let mut pdf =
            format!("%PDF-1.4\n1 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n", packed.len()).into_bytes();
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert_eq!(pdf_text(&pdf), Err(DecodeError::PdfInflated { limit_mb: 256 }));
        // A small one passes the check (and is then refused for what it is).
        let mut small = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        small.write_all(b"BT ET").unwrap();
        let mut ok = b"%PDF-1.4\n1 0 obj\n<< /Filter /FlateDecode >>\nstream\r\n".to_vec();
        ok.extend_from_slice(&small.finish().unwrap());
        assert_eq!(check_inflated(&ok), Ok(()));
    }
}
