//! Small helpers for scanning text as a slice of chars (the extractors index by char position).

/// Whether `pat` occurs at char position `i`.
pub fn starts(chars: &[char], i: usize, pat: &str) -> bool {
    let mut rest = chars.get(i..).unwrap_or(&[]).iter();
    pat.chars().all(|p| rest.next() == Some(&p))
}

/// Whether `pat` ends right before char position `end`.
pub fn ends_at(chars: &[char], end: usize, pat: &str) -> bool {
    let n = pat.chars().count();
    end >= n && starts(chars, end - n, pat)
}

/// The chars `a..b` as a String (clamped to the slice).
pub fn text(chars: &[char], a: usize, b: usize) -> String {
    chars.get(a..b.min(chars.len())).map(|s| s.iter().collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        let c: Vec<char> = "到2020年底前".chars().collect();
        assert!(starts(&c, 1, "2020年"));
        assert!(!starts(&c, 5, "年底前后"));
        assert!(ends_at(&c, 7, "年底"));
        assert_eq!(text(&c, 5, 99), "年底前");
    }
}
