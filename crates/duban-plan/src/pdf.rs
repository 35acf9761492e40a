//! Text of a PDF's text layer, page by page, through `pdf-extract` (pure Rust, over `lopdf`): it maps
//! each font's codes to Unicode (ToUnicode maps, CID fonts, standard encodings) and writes the page's text
//! in content order with a line break where the baseline moves, which for the documents offices export
//! from Word or WPS is reading order. The hard-wrapped lines are then joined by `text`, as for text
//! copied out of a PDF.
//!
//! A PDF without a usable text layer gets an error that says so: a scan (no text at all), or fonts
//! without a Unicode map, which official typesetting systems often produce (the text would come out as
//! replacement characters or unrelated symbols, never to be put in a ledger).

use crate::error::DecodeError;

/// The text of a PDF, or why it has none to give. The file is parsed once, for the font check and the
/// text alike.
pub fn pdf_text(bytes: &[u8]) -> Result<String, DecodeError> {
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
            let mut page = String::new();
            let mut output = pdf_extract::PlainTextOutput::new(&mut page);
            // As pdf-extract's own page loop: the text up to the first page it cannot lay out.
            if pdf_extract::output_doc_page(&doc, &mut output, n).is_err() {
                break;
            }
            pages.push(page);
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
}
