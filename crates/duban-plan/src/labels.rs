//! Numbering labels of Chinese official documents: 一、 / （一） / 1. 1、 1． / （1） / ①.

/// The numbering style of a label; each style is one level of a document's outline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelKind {
    /// 一、 一．
    ChineseComma,
    /// （一） (一)
    ChineseParen,
    /// 1. 1、 1． 1）
    ArabicDot,
    /// （1） (1)
    ArabicParen,
    /// ① ②
    Circled,
}

/// A label found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub kind: LabelKind,
    /// As printed.
    pub text: String,
    /// Bare number as printed: "十八", "3".
    pub number: String,
    pub ordinal: u32,
    /// Byte length of the label in the paragraph.
    pub len: usize,
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Whether a character can be part of a Chinese numeral.
pub fn is_cn_numeral_char(c: char) -> bool {
    cn_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万')
}

/// Value of a Chinese numeral such as 十八, 二十四, 九十九, 一百零五, 两; None if malformed.
/// The inverse of [`cn_number`] for labels: 1 → 一, 12 → 十二, 21 → 二十一, 0 → 〇; from 100 on, digits
/// (no plan numbers its parts that far).
pub fn cn_numeral(n: u32) -> String {
    let digit = |d: u32| "〇一二三四五六七八九".chars().nth(d as usize).map(String::from).unwrap_or_default();
    match n {
        0..=9 => digit(n),
        10..=19 => format!("十{}", if n == 10 { String::new() } else { digit(n % 10) }),
        20..=99 => format!("{}十{}", digit(n / 10), if n.is_multiple_of(10) { String::new() } else { digit(n % 10) }),
        _ => n.to_string(),
    }
}

pub fn cn_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut total: u32 = 0;
    let mut section: u32 = 0;
    let mut digit: Option<u32> = None;
    let mut last_unit = u32::MAX;
    for c in s.chars() {
        if let Some(d) = cn_digit(c) {
            if digit.is_some_and(|prev| prev != 0) && d != 0 {
                // Two digits in a row without a unit between them (一二) is not a numeral.
                return None;
            }
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            _ => return None,
        };
        if unit == 10_000 {
            section = (section + digit.unwrap_or(0)).checked_mul(unit)?;
            total = total.checked_add(section)?;
            section = 0;
            last_unit = u32::MAX;
        } else {
            if unit >= last_unit {
                return None;
            }
            section += digit.unwrap_or(1) * unit;
            last_unit = unit;
        }
        digit = None;
    }
    let value = total.checked_add(section)?.checked_add(digit.unwrap_or(0))?;
    // A lone 〇 is not a label number and "一〇" style digit strings are rejected above.
    (value > 0 || s == "零" || s == "〇").then_some(value)
}

fn circled(c: char) -> Option<u32> {
    let u = c as u32;
    match u {
        0x2460..=0x2473 => Some(u - 0x2460 + 1),
        0x3251..=0x325F => Some(u - 0x3251 + 21),
        0x32B1..=0x32BF => Some(u - 0x32B1 + 36),
        _ => None,
    }
}

const OPEN: [char; 2] = ['（', '('];
const CLOSE: [char; 2] = ['）', ')'];

/// Recognise a numbering label at the start of a paragraph.
pub fn parse_label(s: &str) -> Option<Label> {
    let first = s.chars().next()?;
    if let Some(n) = circled(first) {
        let len = first.len_utf8();
        return Some(Label {
            kind: LabelKind::Circled,
            text: first.to_string(),
            number: first.to_string(),
            ordinal: n,
            len,
        });
    }
    if OPEN.contains(&first) {
        let rest = s.get(first.len_utf8()..)?;
        let end = rest.find(|c: char| !(c.is_ascii_digit() || is_cn_numeral_char(c)))?;
        let inner = rest.get(..end)?;
        let close = rest.get(end..)?.chars().next()?;
        if inner.is_empty() || !CLOSE.contains(&close) || inner.chars().count() > 4 {
            return None;
        }
        let len = first.len_utf8() + end + close.len_utf8();
        let text = s.get(..len)?.to_string();
        if inner.bytes().all(|b| b.is_ascii_digit()) {
            let ordinal: u32 = inner.parse().ok()?;
            return (ordinal > 0 && ordinal < 1000).then(|| Label {
                kind: LabelKind::ArabicParen,
                text,
                number: inner.to_string(),
                ordinal,
                len,
            });
        }
        let ordinal = cn_number(inner)?;
        return (ordinal > 0).then(|| Label {
            kind: LabelKind::ChineseParen,
            text,
            number: inner.to_string(),
            ordinal,
            len,
        });
    }
    if first.is_ascii_digit() {
        let end = s.find(|c: char| !c.is_ascii_digit())?;
        if end > 3 {
            return None;
        }
        let inner = s.get(..end)?;
        let sep = s.get(end..)?.chars().next()?;
        // The dots a typesetter may use: ASCII, fullwidth, small (﹒) and halfwidth ideographic (｡).
        if !matches!(sep, '.' | '、' | '．' | '﹒' | '｡' | '）' | ')') {
            return None;
        }
        let len = end + sep.len_utf8();
        // "1.85万个" or "2.5%" is a number, not a label.
        let next = s.get(len..)?.chars().next();
        if next.is_none() || next.is_some_and(|c| c.is_ascii_digit() || c == '%' || c == '％') {
            return None;
        }
        let ordinal: u32 = inner.parse().ok()?;
        let text = s.get(..len)?.to_string();
        return (ordinal > 0).then(|| Label {
            kind: LabelKind::ArabicDot,
            text,
            number: inner.to_string(),
            ordinal,
            len,
        });
    }
    if is_cn_numeral_char(first) {
        let end = s.find(|c: char| !is_cn_numeral_char(c))?;
        let inner = s.get(..end)?;
        let sep = s.get(end..)?.chars().next()?;
        if !matches!(sep, '、' | '．' | '.' | '﹒' | '｡') || inner.chars().count() > 4 {
            return None;
        }
        let ordinal = cn_number(inner)?;
        let len = end + sep.len_utf8();
        s.get(len..)?.chars().next()?;
        let text = s.get(..len)?.to_string();
        return (ordinal > 0).then(|| Label {
            kind: LabelKind::ChineseComma,
            text,
            number: inner.to_string(),
            ordinal,
            len,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_are_written_back_as_they_are_read() {
        for n in 1..=99 {
            assert_eq!(cn_number(&cn_numeral(n)), Some(n), "{n} → {}", cn_numeral(n));
        }
        assert_eq!(cn_numeral(14), "十四");
        assert_eq!(cn_numeral(30), "三十");
        assert_eq!(cn_numeral(120), "120");
    }

    #[test]
    fn chinese_numerals_to_ninety_nine_and_beyond() {
        for (s, n) in [
            ("一", 1),
            ("十", 10),
            ("十八", 18),
            ("二十", 20),
            ("二十四", 24),
            ("九十九", 99),
            ("一百零五", 105),
            ("两", 2),
            ("十五", 15),
        ] {
            assert_eq!(cn_number(s), Some(n), "{s}");
        }
        assert_eq!(cn_number("一二"), None);
        assert_eq!(cn_number("十十"), None);
        assert_eq!(cn_number(""), None);
    }

    #[test]
    fn every_label_style() {
        let cases = [
            ("一、总体要求", LabelKind::ChineseComma, "一", 1),
            ("二十三．健全", LabelKind::ChineseComma, "二十三", 23),
            ("（十八）加快", LabelKind::ChineseParen, "十八", 18),
            ("(二)推进", LabelKind::ChineseParen, "二", 2),
            ("（二)推进", LabelKind::ChineseParen, "二", 2),
            ("1.拓展两个市场", LabelKind::ArabicDot, "1", 1),
            ("12、试行", LabelKind::ArabicDot, "12", 12),
            ("3．释放", LabelKind::ArabicDot, "3", 3),
            // 安徽 2021: a small full stop after the number.
            ("1﹒推进工业互联网外网建设", LabelKind::ArabicDot, "1", 1),
            ("4｡加强", LabelKind::ArabicDot, "4", 4),
            ("（3）开展", LabelKind::ArabicParen, "3", 3),
            ("(10)开展", LabelKind::ArabicParen, "10", 10),
            ("②完善", LabelKind::Circled, "②", 2),
        ];
        for (s, kind, number, ordinal) in cases {
            let l = parse_label(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!((l.kind, l.number.as_str(), l.ordinal), (kind, number, ordinal), "{s}");
            assert_eq!(&s[..l.len], l.text);
        }
    }

    #[test]
    fn numbers_and_text_are_not_labels() {
        for s in [
            "1.85万个5G基站",
            "2022年工作要点",
            "2.5%",
            "一是加强",
            "十四五时期",
            "（此件公开发布）",
            "（PPP）",
            "一二、",
            "1.",
        ] {
            assert!(parse_label(s).is_none(), "{s}");
        }
    }
}
