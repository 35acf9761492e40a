//! The pages' translations: text from the catalogs of `duban-i18n` in the reader's language, and numbers
//! and dates formatted per language (8.8万 / 88,000, 2022年7月5日 / 5 Jul 2022).

use std::borrow::Borrow;

use chrono::{Datelike, NaiveDate};
use duban_core::{Lang, Status};

/// Translations in one language, handed to every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    fn format(&self, key: &str, args: &[(&str, String)]) -> Option<String> {
        duban_i18n::text(self.lang, key, args)
    }

    /// The text of `key`; the key itself when missing (a test keeps every key present in both catalogs).
    pub fn t(&self, key: &str) -> String {
        self.format(key, &[]).unwrap_or_else(|| key.to_string())
    }

    /// The text of `key` with `{ $name }` filled.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.format(key, &[(name, value.to_string())]).unwrap_or_else(|| key.to_string())
    }

    pub fn t2(&self, key: &str, a: &str, av: impl std::fmt::Display, b: &str, bv: impl std::fmt::Display) -> String {
        self.format(key, &[(a, av.to_string()), (b, bv.to_string())]).unwrap_or_else(|| key.to_string())
    }

    /// A parser warning in this language: its catalog text (`warning-<code>`) filled with its arguments,
    /// or its English message when the catalog has no text for the code.
    pub fn warning(&self, code: &str, args: &std::collections::BTreeMap<String, String>, message: &str) -> String {
        let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        self.format(&format!("warning-{code}"), &args).unwrap_or_else(|| message.to_string())
    }

    /// A notice's text in this language: its catalog text (`notice-<kind>`) filled with its particulars;
    /// a 督办 level is named in this language too.
    pub fn notice(&self, n: &duban_store::NoticeRecord) -> String {
        let mut args: Vec<(&str, String)> = n.args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        for (k, v) in &mut args {
            match *k {
                "level" => *v = self.t(&format!("level-{v}")),
                "state" => *v = self.t(&format!("notice-state-{v}")),
                _ => {}
            }
        }
        self.format(&format!("notice-{}", n.kind.as_str()), &args).unwrap_or_else(|| n.kind.as_str().to_string())
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// A value as people write it: 8.8万 in Chinese, 88,000 in English.
    pub fn num(&self, v: impl Borrow<f64>) -> String {
        let v = readable(*v.borrow());
        match self.lang {
            // 万 with at most two decimals (3.91万), as offices write figures.
            Lang::Zh if v.abs() >= 10_000.0 => {
                let s = format!("{:.2}", v / 10_000.0);
                format!("{}万", s.trim_end_matches('0').trim_end_matches('.'))
            }
            Lang::Zh => duban_office::format_value(v),
            Lang::En => group_thousands(v),
        }
    }

    pub fn opt_num(&self, v: &Option<f64>) -> String {
        v.map(|x| self.num(x)).unwrap_or_else(|| "—".into())
    }

    /// 0.952 → 95.2%
    pub fn pct(&self, ratio: impl Borrow<f64>) -> String {
        let ratio = *ratio.borrow();
        let s = format!("{:.1}", ratio * 100.0);
        format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
    }

    pub fn opt_pct(&self, ratio: &Option<f64>) -> String {
        ratio.map(|r| self.pct(r)).unwrap_or_else(|| "—".into())
    }

    /// A day (a date, or an ISO date or date-time as text) in the language's form.
    pub fn date<D: Day + ?Sized>(&self, day: &D) -> String {
        match day.as_day() {
            Ok(d) => self.naive_date(d),
            Err(text) => text,
        }
    }

    pub fn naive_date(&self, d: impl Borrow<NaiveDate>) -> String {
        let d = *d.borrow();
        match self.lang {
            Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Lang::En => d.format("%-d %b %Y").to_string(),
        }
    }

    /// A Unix time as a local (UTC+8) date and time.
    pub fn time(&self, ts: impl Borrow<i64>) -> String {
        let ts = *ts.borrow();
        let Some(t) = chrono::DateTime::from_timestamp(ts + 8 * 3600, 0) else { return String::new() };
        match self.lang {
            Lang::Zh => format!("{} {}", self.naive_date(t.date_naive()), t.format("%H:%M")),
            Lang::En => t.format("%-d %b %Y %H:%M").to_string(),
        }
    }

    pub fn status(&self, s: &Status) -> String {
        self.t(&format!("status-{}", s.as_str().replace('_', "-")))
    }

    /// Label of a report state (`draft`, …) or of no report (`None`).
    pub fn state(&self, s: &Option<duban_core::ReportState>) -> String {
        match s {
            None => self.t("state-none"),
            Some(s) => self.t(&format!("state-{}", s.as_str())),
        }
    }

    /// Label of a report's state.
    pub fn report_state(&self, s: impl Borrow<duban_core::ReportState>) -> String {
        self.t(&format!("state-{}", s.borrow().as_str()))
    }

    /// The period's label in this language.
    pub fn period(&self, p: &duban_core::periods::PeriodSpec) -> String {
        match self.lang {
            Lang::Zh => p.label_zh.clone(),
            Lang::En => p.label_en.clone(),
        }
    }
}

/// What [`Tr::date`] shows: a date, or text holding one (shown as it is when it holds none).
pub trait Day {
    fn as_day(&self) -> Result<NaiveDate, String>;
}

impl Day for NaiveDate {
    fn as_day(&self) -> Result<NaiveDate, String> {
        Ok(*self)
    }
}

impl Day for str {
    fn as_day(&self) -> Result<NaiveDate, String> {
        NaiveDate::parse_from_str(self.get(..10).unwrap_or(self), "%Y-%m-%d").map_err(|_| self.to_string())
    }
}

impl Day for String {
    fn as_day(&self) -> Result<NaiveDate, String> {
        self.as_str().as_day()
    }
}

/// Rounded for reading: whole numbers from 1,000, one decimal from 10, two below.
fn readable(v: f64) -> f64 {
    let places = if v.abs() >= 1000.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    };
    let f = 10f64.powi(places);
    (v * f).round() / f
}

fn group_thousands(v: f64) -> String {
    let neg = v < 0.0;
    let v = v.abs();
    let int = v.trunc() as u64;
    let frac = v - v.trunc();
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if frac > 1e-9 {
        let f = format!("{frac:.2}");
        out.push_str(f.trim_start_matches('0').trim_end_matches('0').trim_end_matches('.'));
    }
    if neg { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_per_language() {
        let zh = Tr::new(Lang::Zh);
        let en = Tr::new(Lang::En);
        assert_eq!(zh.num(88_000.0), "8.8万");
        assert_eq!(en.num(88_000.0), "88,000");
        assert_eq!(en.num(1_234_567.5), "1,234,568");
        assert_eq!(zh.num(39_116.0), "3.91万");
        assert_eq!(zh.num(51_010.989), "5.1万");
        assert_eq!(zh.num(23.1868), "23.2");
        assert_eq!(en.num(2.345), "2.35");
        assert_eq!(en.num(950.0), "950");
        assert_eq!(zh.date("2022-07-05"), "2022年7月5日");
        assert_eq!(en.date("2022-07-05"), "5 Jul 2022");
        assert_eq!(zh.pct(0.952), "95.2%");
    }

    #[test]
    fn every_parser_warning_has_a_text_with_its_arguments() {
        assert_eq!(Tr::new(Lang::Zh).t1("check-warnings", "n", 3), "解析提示 3 条");
        assert_eq!(Tr::new(Lang::En).t("no-such-key"), "no-such-key");
        let sources = duban_i18n::catalog_sources();
        let zh: std::collections::HashMap<&str, &str> = sources
            .iter()
            .filter(|(lang, _, _)| *lang == Lang::Zh)
            .flat_map(|(_, _, src)| duban_i18n::entries(src))
            .collect();
        // Every parser warning has a text in both catalogs, with exactly its arguments as placeholders.
        for (code, args) in duban_plan::model::WARNING_CODES {
            let key = format!("warning-{code}");
            let text = zh.get(key.as_str()).unwrap_or_else(|| panic!("zh-CN lacks {key}"));
            let mut holes: Vec<&str> = text.split("{ $").skip(1).map(|p| p.split(' ').next().unwrap_or("")).collect();
            holes.sort();
            holes.dedup();
            let mut want = args.to_vec();
            want.sort();
            assert_eq!(holes, want, "placeholders of {key}");
        }
    }
}
