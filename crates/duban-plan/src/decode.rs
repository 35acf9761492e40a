//! Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK, .docx and web pages (.html).
//! PDF through its text layer, Word 97–2003 .doc, OFD. Refuses other OLE files, other binaries, empty and oversized input with an error that says why.

use std::borrow::Cow;

/// Largest input accepted: real plans are well under 1 MiB; 32 MiB leaves room for .docx with images.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

pub use crate::error::DecodeError;

/// Which encoding or container the text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Utf8,
    Utf16,
    Gb18030,
    Docx,
    /// A web page (.html/.htm), in whatever charset it declares.
    Html,
    /// A PDF's text layer.
    Pdf,
    /// Word 97–2003 (.doc, and .wps saved as Word 97).
    Doc,
    /// OFD (GB/T 33190).
    Ofd,
}

/// Decoded text and what it was decoded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub format: SourceFormat,
}

/// Decode a document's bytes into text.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(DecodeError::TooLarge { size: bytes.len(), limit: MAX_INPUT_BYTES });
    }
    if bytes.starts_with(b"%PDF-") {
        let text = crate::pdf::pdf_text(bytes)?;
        return finish(text, SourceFormat::Pdf);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let text = crate::doc::doc_text(bytes)?;
        return finish(text, SourceFormat::Doc);
    }
    if (bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")) && crate::ofd::is_ofd(bytes) {
        let text = crate::ofd::ofd_text(bytes)?;
        return finish(text, SourceFormat::Ofd);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let text = crate::docx::docx_text(bytes)?;
        return finish(text, SourceFormat::Docx);
    }
    if crate::html::looks_like_html(bytes) {
        let text = crate::html::html_text(&crate::html::decode_html(bytes));
        return finish(text, SourceFormat::Html);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return match std::str::from_utf8(rest) {
            Ok(s) => finish(s.to_owned(), SourceFormat::Utf8),
            Err(_) => Err(DecodeError::Binary("a UTF-8 byte-order mark followed by invalid UTF-8".into())),
        };
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes.starts_with(&[0xFF, 0xFE]) { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        if had_errors {
            return Err(DecodeError::Binary("invalid UTF-16".into()));
        }
        return finish(text.into_owned(), SourceFormat::Utf16);
    }
    if let Some(why) = binary_reason(bytes) {
        return Err(DecodeError::Binary(why));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return finish(s.to_owned(), SourceFormat::Utf8);
    }
    // Government .txt files are very often GBK; GB18030 is its superset and decodes every GBK file.
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::UnknownEncoding);
    }
    finish(text.into_owned(), SourceFormat::Gb18030)
}

fn finish(text: String, format: SourceFormat) -> Result<Decoded, DecodeError> {
    let text = match strip_controls(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => s,
    };
    if text.trim().is_empty() {
        return Err(DecodeError::NoText);
    }
    Ok(Decoded { text, format })
}

/// Drop control characters other than tab and newlines (form feeds from PDF copies, stray NULs in .docx).
fn strip_controls(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if c == '\u{c}' { '\n' } else { c }).filter(|&c| !bad(c)).collect())
}

/// A plain-text document has no NUL bytes and few C0 control bytes.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or(bytes);
    if let Some(pos) = head.iter().position(|&b| b == 0) {
        return Some(format!("NUL byte at offset {pos}"));
    }
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C)).count();
    if controls * 100 > head.len() {
        return Some(format!("{controls} control bytes in the first {} bytes", head.len()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("一、总体要求".as_bytes()).unwrap();
        assert_eq!(plain.text, "一、总体要求");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("一、总体要求".as_bytes());
        assert_eq!(decode(&bom).unwrap().text, "一、总体要求");
    }

    #[test]
    fn gbk_is_detected() {
        let (bytes, _, _) = encoding_rs::GBK.encode("（省发展改革委、省财政厅等按职责分工负责）");
        assert!(std::str::from_utf8(&bytes).is_err());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.format, SourceFormat::Gb18030);
        assert_eq!(d.text, "（省发展改革委、省财政厅等按职责分工负责）");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "年底前".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().text, "年底前");
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert!(matches!(decode(b"%PDF-1.7\n..."), Err(DecodeError::BadPdf(_))));
        assert!(matches!(decode(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]), Err(DecodeError::BadDoc(_))));
        assert!(matches!(decode(b"ab\0cd"), Err(DecodeError::Binary(_))));
        assert_eq!(decode(b"  \n\t \n"), Err(DecodeError::NoText));
        let big = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert!(matches!(decode(&big), Err(DecodeError::TooLarge { .. })));
        assert!(matches!(decode(b"PK\x03\x04garbage"), Err(DecodeError::BadDocx(_) | DecodeError::NotDocx(_))));
    }

    #[test]
    fn form_feeds_become_line_breaks() {
        assert_eq!(decode("第一页\u{c}第二页".as_bytes()).unwrap().text, "第一页\n第二页");
    }
}
