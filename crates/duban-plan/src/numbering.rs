//! Word's automatic numbering (`w:numPr` in a paragraph, defined in `word/numbering.xml`): the labels
//! Word draws but does not store in the text (一、 （一） 1. （1） ①), rendered so that a list numbered
//! by Word keeps its structure.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One level of a list: how its number is written, the label around it, where it starts.
#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// The lists of a document and the counters of the paragraphs read so far.
#[derive(Debug, Default)]
pub struct Numbering {
    /// abstractNumId → levels by ilvl.
    abstract_levels: HashMap<String, HashMap<u8, Level>>,
    /// numId → (abstractNumId, start overrides by ilvl).
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
    /// numId → the counters of its levels (by the abstract list, which instances of one list share
    /// in Word only when they name the same numId).
    counters: HashMap<String, [u32; 9]>,
}

use crate::docx::attribute as attr;

fn val(e: &BytesStart<'_>) -> Option<String> {
    attr(e, "val")
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (to 99; larger in digits).
fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |k: u32| D.get(k as usize).copied().unwrap_or("");
    match n {
        0..=9 => digit(n).to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { digit(n - 10) }),
        20..=99 => format!("{}十{}", digit(n / 10), if n.is_multiple_of(10) { "" } else { digit(n % 10) }),
        _ => n.to_string(),
    }
}

fn circled(n: u32) -> String {
    char::from_u32(0x2460 + n - 1).filter(|_| (1..=20).contains(&n)).map_or_else(|| n.to_string(), String::from)
}

fn letter(n: u32, upper: bool) -> String {
    let base = if upper { b'A' } else { b'a' };
    u8::try_from((n.saturating_sub(1)) % 26).map_or_else(|_| n.to_string(), |k| char::from(base + k).to_string())
}

fn roman(mut n: u32, upper: bool) -> String {
    const R: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (v, s) in R {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    if upper { out.to_uppercase() } else { out }
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "ideographLegalTraditional" => chinese(n),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" | "ideographEnclosedCircle" => circled(n),
        "lowerLetter" => letter(n, false),
        "upperLetter" => letter(n, true),
        "lowerRoman" => roman(n, false),
        "upperRoman" => roman(n, true),
        "none" | "bullet" => String::new(),
        _ => n.to_string(),
    }
}

impl Numbering {
    /// Reads `word/numbering.xml`; a part that cannot be read gives no numbering (the text stays).
    pub fn parse(xml: &str) -> Numbering {
        let mut out = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<(u8, Level)> = None;
        let mut override_level: Option<u8> = None;
        while let Ok(event) = reader.read_event() {
            match event {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "abstractNum" => abstract_id = attr(&e, "abstractNumId"),
                    "num" => num_id = attr(&e, "numId"),
                    "lvl" if abstract_id.is_some() => {
                        let ilvl = attr(&e, "ilvl").and_then(|v| v.parse().ok()).unwrap_or(0);
                        level = Some((ilvl, Level { format: "decimal".into(), text: String::new(), start: 1 }));
                    }
                    "start" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.start = val(&e).and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "numFmt" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.format = val(&e).unwrap_or_default();
                        }
                    }
                    "lvlText" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.text = val(&e).unwrap_or_default();
                        }
                    }
                    "abstractNumId" => {
                        if let (Some(n), Some(a)) = (&num_id, val(&e)) {
                            out.nums.entry(n.clone()).or_default().0 = a;
                        }
                    }
                    "lvlOverride" => override_level = attr(&e, "ilvl").and_then(|v| v.parse().ok()),
                    "startOverride" => {
                        if let (Some(n), Some(l), Some(v)) =
                            (&num_id, override_level, val(&e).and_then(|v| v.parse().ok()))
                        {
                            out.nums.entry(n.clone()).or_default().1.insert(l, v);
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local_name().as_ref() {
                    "lvl" => {
                        if let (Some(a), Some((ilvl, l))) = (&abstract_id, level.take()) {
                            out.abstract_levels.entry(a.clone()).or_default().insert(ilvl, l);
                        }
                    }
                    "abstractNum" => abstract_id = None,
                    "num" => num_id = None,
                    "lvlOverride" => override_level = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    /// The label of the next paragraph of list `num_id` at level `ilvl` ("一、", "（二）", "3."), counting
    /// it; None for a list this document does not define.
    pub fn next_label(&mut self, num_id: &str, ilvl: u8) -> Option<String> {
        if num_id == "0" {
            return None;
        }
        let (abstract_id, overrides) = self.nums.get(num_id)?.clone();
        let levels = self.abstract_levels.get(&abstract_id)?;
        let ilvl = ilvl.min(8);
        let start_of = |k: u8| overrides.get(&k).copied().or_else(|| levels.get(&k).map(|l| l.start)).unwrap_or(1);
        let counters = self.counters.entry(num_id.to_string()).or_insert([0; 9]);
        let i = usize::from(ilvl);
        let current = counters.get(i).copied().unwrap_or(0);
        if let Some(c) = counters.get_mut(i) {
            *c = if current == 0 { start_of(ilvl) } else { current + 1 };
        }
        // A level's count starts again under each new item of the level above.
        for c in counters.iter_mut().skip(i + 1) {
            *c = 0;
        }
        let level = levels.get(&ilvl)?;
        let mut label = level.text.clone();
        for k in 0..=ilvl {
            let n = counters.get(usize::from(k)).copied().filter(|&n| n > 0).unwrap_or_else(|| start_of(k));
            let format = levels.get(&k).map_or("decimal", |l| l.format.as_str());
            label = label.replace(&format!("%{}", k + 1), &format_number(n, format));
        }
        (!label.is_empty()).then_some(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="x">
<w:abstractNum w:abstractNumId="3">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="3"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride></w:num>
</w:numbering>"#;

    #[test]
    fn labels_count_by_level_and_restart_below() {
        let mut n = Numbering::parse(XML);
        let labels: Vec<Option<String>> =
            [(0, "5"), (1, "5"), (1, "5"), (2, "5"), (0, "5"), (1, "5"), (0, "6"), (0, "9")]
                .iter()
                .map(|(l, id)| n.next_label(id, *l))
                .collect();
        let want = ["一、", "（一）", "（二）", "1.", "二、", "（一）", "四、"];
        for (got, want) in labels.iter().zip(want) {
            assert_eq!(got.as_deref(), Some(want));
        }
        assert_eq!(labels[7], None);
        assert_eq!(chinese(21), "二十一");
        assert_eq!(chinese(10), "十");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
    }
}
