//! Evidence files (佐证材料) attached to a report: what may be uploaded. The type is read from the bytes
//! (not trusted from the name or the browser) and must agree with the file name's extension.

use crate::error::Error;

/// Largest evidence file: 20 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

/// Accepted types: (extension, content type).
pub const ACCEPTED: [(&str, &str); 8] = [
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("txt", "text/plain; charset=utf-8"),
];

/// The file name to keep (no directories, no control characters, at most 200 characters) and the
/// content type, or why the file is refused.
pub fn check(file_name: &str, bytes: &[u8]) -> Result<(String, &'static str), Error> {
    let name = file_name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let name: String = name.chars().filter(|c| !c.is_control() && !is_invisible_format(*c)).collect();
    if name.is_empty() || name.chars().count() > 200 || name.starts_with('.') {
        return Err(Error::bad_input("evidence.name"));
    }
    if bytes.is_empty() {
        return Err(Error::bad_input("evidence.empty"));
    }
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(Error::bad_input("evidence.too_large").arg("limit_mb", MAX_EVIDENCE_BYTES / 1024 / 1024));
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some((_, content_type)) = ACCEPTED.iter().find(|(e, _)| *e == ext) else {
        return Err(refused());
    };
    let sniffed_ok = match ext.as_str() {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "docx" | "xlsx" | "pptx" => bytes.starts_with(b"PK\x03\x04"),
        "txt" => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
        _ => false,
    };
    if !sniffed_ok {
        return Err(Error::bad_input("evidence.mismatch").arg("ext", ext));
    }
    Ok((name, content_type))
}

/// Characters that change how a name is shown without being seen: bidirectional overrides and isolates
/// (`ok\u{202e}gnp.txt` shows as `oktxt.png`), zero-width characters and the byte-order mark.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The evidence one unit may keep in all, so that one unit cannot fill the server's disk.
pub const DEFAULT_QUOTA_BYTES: i64 = 512 * 1024 * 1024;

pub fn quota_exceeded(quota: i64) -> Error {
    let mb = quota / 1024 / 1024;
    Error::bad_input("evidence.quota").arg("mb", mb)
}

fn refused() -> Error {
    Error::bad_input("evidence.type")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_from_the_bytes() {
        assert_eq!(check("进展.pdf", b"%PDF-1.7\n...").unwrap(), ("进展.pdf".into(), "application/pdf"));
        assert_eq!(check("C:\\\\Users\\\\a\\\\照片.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().0, "照片.JPG");
        assert_eq!(check("fake.pdf", b"MZ\x90\x00").unwrap_err().code, "evidence.mismatch");
        // A right-to-left override would show ok\u{202e}gnp.txt as "oktxt.png": it is dropped.
        assert_eq!(check("ok\u{202e}gnp.txt", b"text").unwrap().0, "okgnp.txt");
        assert_eq!(check("a\u{200b}\u{2066}b\u{feff}.txt", b"text").unwrap().0, "ab.txt");
        assert_eq!(check("run.exe", b"MZ\x90\x00").unwrap_err().code, "evidence.type");
        assert_eq!(check("a.txt", b"").unwrap_err().code, "evidence.empty");
        assert_eq!(check("a.txt", &vec![b'a'; MAX_EVIDENCE_BYTES + 1]).unwrap_err().code, "evidence.too_large");
        assert_eq!(check("../../etc/passwd.txt", b"x").unwrap().0, "passwd.txt");
        assert_eq!(check(".htaccess", b"x").unwrap_err().code, "evidence.name");
        assert_eq!(check("a.txt", b"\x00\x01").unwrap_err().code, "evidence.mismatch");
    }
}
