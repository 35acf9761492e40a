//! Deadline phrases (年内, 年底前, 上半年, 6月底前, 2022年6月底前, 到2025年) and the dates they mean.

use crate::scan::starts;

/// A deadline phrase found in a text, with char offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub date: Option<String>,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn iso(year: Option<i32>, month: u32, day: u32) -> Option<String> {
    let y = year?;
    (1..=12).contains(&month).then_some(())?;
    let day = day.min(days_in_month(y, month));
    Some(format!("{y:04}-{month:02}-{day:02}"))
}

fn digits(chars: &[char], i: usize, max: usize) -> Option<(u32, usize)> {
    let mut k = i;
    let mut v: u32 = 0;
    while let Some(c) = chars.get(k).and_then(|c| c.to_digit(10)) {
        if k - i >= max {
            return None;
        }
        v = v * 10 + c;
        k += 1;
    }
    (k > i).then_some((v, k))
}

/// Skip one of the suffixes 前 / 以前 / 内 / 之前.
fn before_suffix(chars: &[char], k: usize) -> (usize, bool) {
    for s in ["以前", "之前", "前", "内"] {
        if starts(chars, k, s) {
            return (k + s.chars().count(), true);
        }
    }
    (k, false)
}

/// Month part after a year (or alone): "6月底前", "3月31日前", "6月中旬".
fn month_part(chars: &[char], i: usize, year: Option<i32>) -> Option<(usize, Option<String>, bool)> {
    let (month, k) = digits(chars, i, 2)?;
    if !(1..=12).contains(&month) || chars.get(k) != Some(&'月') {
        return None;
    }
    let k = k + 1;
    let y = year.unwrap_or(2000);
    let (day, k, marked) = if let Some((d, k2)) =
        digits(chars, k, 2).filter(|&(_, k2)| chars.get(k2) == Some(&'日') || chars.get(k2) == Some(&'号'))
    {
        (d, k2 + 1, true)
    } else if starts(chars, k, "底") || starts(chars, k, "末") || starts(chars, k, "下旬") {
        let n = if starts(chars, k, "下旬") { 2 } else { 1 };
        (days_in_month(y, month), k + n, true)
    } else if starts(chars, k, "中旬") {
        (20, k + 2, true)
    } else if starts(chars, k, "上旬") {
        (10, k + 2, true)
    } else {
        (days_in_month(y, month), k, false)
    };
    let (k, has_before) = before_suffix(chars, k);
    Some((k, iso(year, month, day), marked || has_before))
}

/// Phrases that need no number.
const RELATIVE: [(&str, u32, u32); 14] = [
    ("今年年底前", 12, 31),
    ("今年底前", 12, 31),
    ("年底前", 12, 31),
    ("年底", 12, 31),
    ("年末", 12, 31),
    ("年内", 12, 31),
    ("本年度", 12, 31),
    ("上半年", 6, 30),
    ("下半年", 12, 31),
    ("年中", 6, 30),
    ("一季度", 3, 31),
    ("二季度", 6, 30),
    ("三季度", 9, 30),
    ("四季度", 12, 31),
];

/// A deadline that names no end: the work is kept up (长期坚持, 持续推进, 常态化开展, 每年).
pub fn is_ongoing(phrase: &str) -> bool {
    let p: String = phrase.chars().filter(|c| !c.is_whitespace() && !matches!(c, '。' | '；' | '\u{3000}')).collect();
    let n = p.chars().count();
    (1..=8).contains(&n)
        && (["长期", "持续", "常态", "常年", "每年", "逐年"].iter().any(|w| p.starts_with(w))
            || ["长期坚持", "持续推进", "持续开展", "长期推进"].iter().any(|w| p.contains(w)))
}

/// Find every deadline phrase in `chars`, resolving years against `plan_year`.
pub fn find_deadlines(chars: &[char], plan_year: Option<i32>) -> Vec<DeadlineSpan> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(span) = deadline_at(chars, i, plan_year) {
            let span = range_end(chars, span, plan_year);
            i = span.end.max(i + 1);
            out.push(span);
        } else {
            i += 1;
        }
    }
    out
}

/// A range (2019年1月1日至12月31日, 3月底至6月底前) is due at its end: the span grows over the range and takes
/// the end's date, read in the start's year when the end names none.
fn range_end(chars: &[char], span: DeadlineSpan, plan_year: Option<i32>) -> DeadlineSpan {
    let Some(&joint) = chars.get(span.end) else { return span };
    if !matches!(joint, '至' | '到' | '—' | '－' | '-' | '～' | '~') {
        return span;
    }
    let start_year = span.date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok()).or(plan_year);
    let after = span.end + 1 + usize::from(joint == '—' && chars.get(span.end + 1) == Some(&'—'));
    // The end is read as a phrase of its own (a leading 至 would make it "by" rather than "until").
    let Some(end) = deadline_at(chars, after, start_year).filter(|e| e.date.is_some()) else { return span };
    DeadlineSpan {
        start: span.start,
        end: end.end,
        text: chars.get(span.start..end.end).map(|s| s.iter().collect()).unwrap_or_default(),
        date: end.date,
    }
}

fn deadline_at(chars: &[char], i: usize, plan_year: Option<i32>) -> Option<DeadlineSpan> {
    let c = *chars.get(i)?;
    // Every phrase starts with one of these; most characters are rejected here.
    if !(c.is_ascii_digit()
        || matches!(c, '到' | '至' | '于' | '第' | '今' | '年' | '本' | '上' | '下' | '一' | '二' | '三' | '四'))
    {
        return None;
    }
    let make = |end: usize, date: Option<String>| DeadlineSpan {
        start: i,
        end,
        text: chars.get(i..end).map(|s| s.iter().collect()).unwrap_or_default(),
        date,
    };
    let prefixed = matches!(c, '到' | '至' | '于');
    let num_at = if prefixed { i + 1 } else { i };
    // Inside a number (the 22 of 2022) nothing starts.
    if !prefixed && i > 0 && chars.get(i - 1).is_some_and(|p| p.is_ascii_digit()) {
        return None;
    }
    if let Some((year, k)) = digits(chars, num_at, 4)
        .filter(|&(y, k)| k - num_at == 4 && (1949..=2100).contains(&y) && chars.get(k) == Some(&'年'))
    {
        let year = i32::try_from(year).ok();
        let k = k + 1;
        if let Some((end, date, marked)) = month_part(chars, k, year)
            && (marked || prefixed)
        {
            return Some(make(end, date));
        }
        // 2024年底前, 2024年末, 2024年内: the year's end (the 年 of 年底 is the year's own).
        for word in ["底", "末", "内"] {
            if starts(chars, k, word) {
                let (end, _) = before_suffix(chars, k + 1);
                return Some(make(end, iso(year, 12, 31)));
            }
        }
        for (word, m, d) in RELATIVE.iter().skip(2) {
            if starts(chars, k, word) {
                let end = k + word.chars().count();
                let (end, _) = before_suffix(chars, end);
                return Some(make(end, iso(year, *m, *d)));
            }
        }
        let (end, has_before) = before_suffix(chars, k);
        if prefixed || has_before {
            return Some(make(end, iso(year, 12, 31)));
        }
        return None;
    }
    if prefixed {
        return None;
    }
    if c.is_ascii_digit() {
        let (end, date, marked) = month_part(chars, i, plan_year)?;
        return marked.then(|| make(end, date));
    }
    let offset = usize::from(c == '第');
    for (word, m, d) in RELATIVE {
        if starts(chars, i + offset, word) {
            // 年底 inside 今年底 or a longer word is matched from its first character.
            let mut end = i + offset + word.chars().count();
            for s in ["末", "底"] {
                if word.ends_with("季度") && starts(chars, end, s) {
                    end += 1;
                }
            }
            let (end, _) = before_suffix(chars, end);
            return Some(make(end, iso(plan_year, m, d)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_years_end_written_after_its_number() {
        for (text, phrase) in [
            ("2024年底前完成", "2024年底前"),
            ("于2024年底前建成", "于2024年底前"),
            ("2025年末", "2025年末"),
            ("2024年内", "2024年内"),
        ] {
            let chars: Vec<char> = text.chars().collect();
            let found = find_deadlines(&chars, Some(2023));
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].text, phrase);
            assert_eq!(found[0].date.as_deref().map(|d| &d[5..]), Some("12-31"), "{text}");
        }
    }

    fn find(s: &str, year: Option<i32>) -> Vec<(String, Option<String>)> {
        let chars: Vec<char> = s.chars().collect();
        find_deadlines(&chars, year).into_iter().map(|d| (d.text, d.date)).collect()
    }

    fn one(s: &str, text: &str, date: &str) {
        assert_eq!(find(s, Some(2022)), vec![(text.to_string(), Some(date.to_string()))], "{s}");
    }

    #[test]
    fn a_range_is_due_at_its_end() {
        one("2019年1月1日至12月31日，开展专项行动", "2019年1月1日至12月31日", "2019-12-31");
        one("3月底至6月底前完成排查", "3月底至6月底前", "2022-06-30");
        one("2022年9月底—2023年6月底，分批推进", "2022年9月底—2023年6月底", "2023-06-30");
        one("2023年3月1日至2023年5月31日集中整治", "2023年3月1日至2023年5月31日", "2023-05-31");
        // A range whose end is no date stays its start.
        one("6月底前至少完成一次", "6月底前", "2022-06-30");
    }

    #[test]
    fn phrases_that_name_no_end_are_ongoing() {
        for p in ["长期坚持", "持续推进", "长期", "常态化开展", "每年", "持续推进。"] {
            assert!(is_ongoing(p), "{p}");
        }
        for p in ["2024年底前", "年内完成", "", "持续推进城市更新行动并完成改造任务"] {
            assert!(!is_ongoing(p), "{p}");
        }
    }

    #[test]
    fn phrases_from_real_plans() {
        one("6号线二期年内建成通车", "年内", "2022-12-31");
        one("确保年底前全省农村生活垃圾", "年底前", "2022-12-31");
        one("力争年底试点区域新批工业用地", "年底", "2022-12-31");
        one("2019年上半年，试点城市政府印发实施方案", "2019年上半年", "2019-06-30");
        one("2019年6月底前，研究建立指标体系", "2019年6月底前", "2019-06-30");
        one("2021年3月底前，试点城市政府", "2021年3月底前", "2021-03-31");
        one("到2020年，基本建成废弃产品逆向回收体系", "到2020年", "2020-12-31");
        one("6月底前出台方案", "6月底前", "2022-06-30");
        one("9月30日前完成", "9月30日前", "2022-09-30");
        one("第三季度末前完成", "第三季度末前", "2022-09-30");
        one("2025年前建成", "2025年前", "2025-12-31");
        one("2024年2月底前", "2024年2月底前", "2024-02-29");
    }

    #[test]
    fn years_alone_are_not_deadlines() {
        assert!(find("整改2013年以来各级财政支持改造过的户厕", Some(2022)).is_empty());
        assert!(find("落实2021年联席会议相关成果，配合举办2022年联席会议", Some(2022)).is_empty());
        assert!(find("建设保障性租赁住房8.8万套", Some(2022)).is_empty());
    }

    #[test]
    fn unknown_plan_year_keeps_the_phrase() {
        assert_eq!(find("年底前完成", None), vec![("年底前".to_string(), None)]);
    }
}
