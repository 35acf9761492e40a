//! Quantitative targets: 建设保障性租赁住房8.8万套（间）, 覆盖率超过90%, 创建10-15个示范县.
//! Years, dates, ordinal names (6号线二期, 十四五, 5G, PM2.5) and document numbers are not targets.

use crate::deadlines::DeadlineSpan;
use crate::labels::{cn_number, is_cn_numeral_char};
use crate::model::{Op, Target, TargetBasis};
use crate::scan::{ends_at, starts, text};

/// Measure words, longest first where one is a prefix of another.
const MEASURES: &[&str] = &[
    "个百分点",
    "百分点",
    "平方公里",
    "平方千米",
    "平方米",
    "立方米",
    "千瓦时",
    "千瓦",
    "兆瓦",
    // Bandwidth as offices write it (20兆进牧户), after 兆瓦.
    "兆",
    "千伏",
    "公里",
    "千米",
    "厘米",
    "毫米",
    "公顷",
    "公斤",
    "千克",
    "美元",
    "人次",
    "架次",
    "毫升",
    "个基点",
    "基点",
    "个工作日",
    "个小时",
    "个月",
    "工作日",
    "小时",
    "分钟",
    "标准箱",
    "标箱",
    "个",
    "套",
    "间",
    "座",
    "所",
    "家",
    "户",
    "人",
    "名",
    "位",
    "项",
    "条",
    "处",
    "辆",
    "台",
    "架",
    "艘",
    "张",
    "册",
    "件",
    "份",
    "场",
    "次",
    "批",
    "吨",
    "克",
    "元",
    "米",
    "亩",
    "瓦",
    "度",
    "倍",
    "天",
    "秒",
    "株",
    "棵",
    "头",
    "只",
    "口",
    "眼",
    "栋",
    "幢",
    "床",
    "片",
    "部",
    "本",
    "支",
    "根",
    "盏",
    "块",
    "宗",
    "种",
    "类",
    "段",
    "层",
    "斤",
    "升",
    "例",
    "对",
    "篇",
    "门",
    "班",
    "列",
    "趟",
    "岁",
    "泊",
    // Basis points (不低于-30BP), read only where letters after a number are allowed (see find_targets).
    "BP",
    "bp",
    // Only for a span of years within which something is done (15年内): see find_targets.
    "年",
];

/// Words after a number that make it a date, a year or an ordinal name, not a target.
const NOT_MEASURES: [&str; 11] = ["年", "月", "日", "号", "期", "届", "版", "周岁", "时", "级", "星"];

/// Comparators before a number, longest first.
const PREFIX_OPS: [(&str, Op); 41] = [
    ("不少于", Op::Ge),
    ("不低于", Op::Ge),
    ("不小于", Op::Ge),
    ("不超过", Op::Le),
    ("不高于", Op::Le),
    ("不大于", Op::Le),
    ("不多于", Op::Le),
    ("提升到", Op::Ge),
    ("提升至", Op::Ge),
    ("提高到", Op::Ge),
    ("提高至", Op::Ge),
    ("增加到", Op::Ge),
    ("增加至", Op::Ge),
    ("增长到", Op::Ge),
    ("扩大到", Op::Ge),
    ("扩大至", Op::Ge),
    ("上升到", Op::Ge),
    ("上升至", Op::Ge),
    ("降低到", Op::Le),
    ("降低至", Op::Le),
    ("下降到", Op::Le),
    ("下降至", Op::Le),
    ("减少到", Op::Le),
    ("压缩到", Op::Le),
    ("压缩至", Op::Le),
    ("缩短到", Op::Le),
    ("缩短至", Op::Le),
    ("控制在", Op::Le),
    ("稳定在", Op::Eq),
    ("保持在", Op::Eq),
    ("维持在", Op::Eq),
    ("至少", Op::Ge),
    ("达到", Op::Ge),
    ("力争", Op::Ge),
    // An aspiration is a floor: 争取各项上级资金40亿元.
    ("争取", Op::Ge),
    ("超过", Op::Gt),
    ("高于", Op::Gt),
    ("大于", Op::Gt),
    ("突破", Op::Gt),
    ("低于", Op::Lt),
    ("降至", Op::Le),
];

/// Comparators after the measure word.
const SUFFIX_OPS: [(&str, Option<Op>); 8] = [
    ("及以上", Some(Op::Ge)),
    ("以上", Some(Op::Ge)),
    ("及以下", Some(Op::Le)),
    ("以下", Some(Op::Le)),
    ("以内", Some(Op::Le)),
    // 20个工作日内, 2小时内: a time limit.
    ("内", Some(Op::Le)),
    ("左右", None),
    ("上下", None),
];

/// Comparators that make even 一个 a commitment (至少一个, 不少于一次); 达到一个 / 力争一个 stay words
/// (达到一个新水平).
const STRICT_LIMITS: [&str; 8] = ["不少于", "不低于", "不小于", "不超过", "不多于", "至少", "最多", "超过"];

/// Verbs that make a Chinese-numeral count (建设两个, 打造十五个) a commitment.
const COMMIT_VERBS: [&str; 22] = [
    "建设", "新建", "建成", "创建", "打造", "培育", "完成", "新增", "选择", "设立", "认定", "遴选", "确定", "形成",
    "布局", "命名", "建立", "编制", "出台", "举办", "改造", "实施",
];

/// A number that is not a target and not clearly something else, for the review step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclassified {
    pub text: String,
}

fn is_clause_break(c: char) -> bool {
    matches!(c, '，' | '。' | '；' | '！' | '？' | '：' | ',' | ';' | '\n' | '（' | '）' | '(' | ')')
}

fn is_sentence_break(c: char) -> bool {
    matches!(c, '。' | '；' | '！' | '？' | ';' | '\n')
}

/// Parse an Arabic number (with , separators and a decimal part) at `i`.
fn arabic(chars: &[char], i: usize) -> Option<(f64, usize)> {
    let mut k = i;
    let mut s = String::new();
    while let Some(&c) = chars.get(k) {
        if c.is_ascii_digit() {
            s.push(c);
        } else if c == ',' && chars.get(k + 1).is_some_and(|d| d.is_ascii_digit()) && !s.is_empty() {
            // thousands separator
        } else if (c == '.' || c == '．') && chars.get(k + 1).is_some_and(|d| d.is_ascii_digit()) && !s.contains('.') {
            s.push('.');
        } else {
            break;
        }
        k += 1;
    }
    let v: f64 = s.parse().ok()?;
    Some((v, k))
}

/// 万 / 亿 / 万亿 / 千 / 百 after a number; 千瓦, 千米, 百分点 are measure words, not multipliers.
fn multiplier(chars: &[char], i: usize) -> (f64, usize) {
    if starts(chars, i, "万亿") {
        return (1e12, i + 2);
    }
    match chars.get(i) {
        Some('亿') => (1e8, i + 1),
        Some('万') => (1e4, i + 1),
        Some('千') if !matches!(chars.get(i + 1), Some('瓦' | '米' | '克' | '伏' | '帕' | '卡' | '焦')) => {
            (1e3, i + 1)
        }
        Some('百') if !starts(chars, i, "百分") => (1e2, i + 1),
        _ => (1.0, i),
    }
}

/// Number with multiplier and the 多/余 approximations: returns (value, end, multiplier).
fn quantity(chars: &[char], i: usize) -> Option<(f64, usize, f64)> {
    let (v, k) = arabic(chars, i)?;
    let mut k = k;
    while chars.get(k) == Some(&' ') {
        k += 1;
    }
    let (m, k2) = multiplier(chars, k);
    let mut k = k2;
    if matches!(chars.get(k), Some('多' | '余')) {
        k += 1;
    }
    // 2.3亿 is 230000000, not the 229999999.99999997 that binary floating point makes of 2.3 × 1e8.
    let scaled = if m == 1.0 { v } else { (v * m * 1e6).round() / 1e6 };
    Some((scaled, k, m))
}

fn measure_at(chars: &[char], i: usize) -> Option<(&'static str, usize)> {
    if matches!(chars.get(i), Some('%' | '％')) {
        return Some(("%", i + 1));
    }
    for &m in MEASURES {
        if starts(chars, i, m) {
            // Measure words as printed, 个 included (个工作日, 个月, 个小时), as offices and the gold ledgers
            // write them; a bare 百分点 is the 个百分点 it abbreviates.
            let unit = match m {
                "百分点" => "个百分点",
                other => other,
            };
            return Some((unit, i + m.chars().count()));
        }
    }
    None
}

/// One flag per char: set inside any of the spans. Lets the scan test a position in O(1).
fn mask(len: usize, spans: impl IntoIterator<Item = Span>) -> Vec<bool> {
    let mut m = vec![false; len];
    for (a, b) in spans {
        for f in m.iter_mut().take(b).skip(a) {
            *f = true;
        }
    }
    m
}

/// A char range `start..end`.
type Span = (usize, usize);

/// Spans where numbers are names, not quantities: 《…》 titles, 〔2022〕 document numbers, “…” quotes.
fn quoted_spans(chars: &[char]) -> (Vec<Span>, Vec<Span>) {
    let mut titles = Vec::new();
    let mut quotes = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for (i, &c) in chars.iter().enumerate() {
        match (c, open) {
            ('《' | '〔' | '[' | '【', None) => open = Some((c, i)),
            ('》', Some(('《', a))) | ('〕', Some(('〔', a))) | (']', Some(('[', a))) | ('】', Some(('【', a))) =>
            {
                titles.push((a, i + 1));
                open = None;
            }
            ('“', None) => open = Some((c, i)),
            ('”', Some(('“', a))) => {
                quotes.push((a, i + 1));
                open = None;
            }
            _ => {}
        }
    }
    (titles, quotes)
}

/// Find the targets in an item's text.
pub fn find_targets(
    chars: &[char],
    deadlines: &[DeadlineSpan],
    skip: &[(usize, usize)],
) -> (Vec<Target>, Vec<Unclassified>) {
    let (titles, quotes) = quoted_spans(chars);
    // Numbers inside titles, document numbers, unit lists or deadline phrases are not targets;
    // Chinese numerals inside quotes (“三品”) are names.
    let blocked =
        mask(chars.len(), titles.iter().chain(skip).copied().chain(deadlines.iter().map(|d| (d.start, d.end))));
    let quoted = mask(chars.len(), quotes.iter().copied());
    let is = |m: &[bool], i: usize| m.get(i).copied().unwrap_or(false);
    let mut targets = Vec::new();
    let mut unclassified = Vec::new();
    let mut i = 0usize;
    let mut last_target_end: Option<usize> = None;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if c.is_ascii_digit() && !is(&blocked, i) {
            let prev = if i > 0 { chars.get(i - 1).copied() } else { None };
            let Some((value, after_num, mult)) = quantity(chars, i) else {
                i += 1;
                continue;
            };
            // A minus sign, not a range's dash: after a word, not after a number (不低于-30BP).
            let before_prev = if i > 1 { chars.get(i - 2).copied() } else { None };
            let signed = matches!(prev, Some('-' | '－'))
                && !before_prev.is_some_and(|b| b.is_ascii_alphanumeric() || b == '.' || b == '%');
            let basis_points = starts(chars, after_num, "BP") || starts(chars, after_num, "bp");
            let glued_to_letters = (!signed && prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '.' || p == '-'))
                || (!basis_points && chars.get(after_num).is_some_and(|n| n.is_ascii_alphabetic()));
            // 第3项, 专栏1, 附件2, 表4: a number that names a thing's place, not a quantity.
            let ordinal =
                prev == Some('第') || ["专栏", "附件", "附表", "表", "图"].iter().any(|w| ends_at(chars, i, w));
            // （25分）: the weight an assessment gives a duty, not a commitment.
            let weight = matches!(prev, Some('（' | '('))
                && starts(chars, after_num, "分")
                && matches!(chars.get(after_num + 1), Some('）' | ')'));
            // A span of years within which something is done is a limit (需在15年内完成); any other number
            // before 年 is a year or an age of something (2025年, 3年来).
            let years_within = value < 100.0
                && mult == 1.0
                && (starts(chars, after_num, "年内") || starts(chars, after_num, "年以内"));
            if glued_to_letters
                || ordinal
                || weight
                || (!years_within && NOT_MEASURES.iter().any(|w| starts(chars, after_num, w)))
            {
                i = after_num.max(i + 1);
                continue;
            }
            let (start, value) = if signed { (i - 1, -value) } else { (i, value) };
            if let Some(t) = target_at(chars, start, value, after_num, mult, last_target_end, deadlines) {
                last_target_end = Some(t.1);
                i = t.1;
                targets.push(t.0);
                continue;
            }
            unclassified
                .push(Unclassified { text: text(chars, i.saturating_sub(6), (after_num + 4).min(chars.len())) });
            i = after_num.max(i + 1);
            continue;
        }
        // Looked at only before a Chinese numeral, so the scan stays one pass over the other characters.
        let after_limit = is_cn_numeral_char(c) && STRICT_LIMITS.iter().any(|w| ends_at(chars, i, w));
        let verb = if is_cn_numeral_char(c) { COMMIT_VERBS.iter().find(|v| ends_at(chars, i, v)) } else { None };
        // 至少形成一篇: a floor before the verb makes even 一 a commitment.
        let after_limit = after_limit
            || verb.is_some_and(|v| {
                let at = i.saturating_sub(v.chars().count());
                STRICT_LIMITS.iter().any(|w| ends_at(chars, at, w))
            });
        if is_cn_numeral_char(c) && !is(&quoted, i) && !is(&blocked, i) && (after_limit || verb.is_some()) {
            {
                let mut k = i;
                while chars.get(k).is_some_and(|&c| is_cn_numeral_char(c)) {
                    k += 1;
                }
                let numeral = text(chars, i, k);
                // 建设一个 is how a sentence starts, not a count; 至少一个 is a floor.
                let least = if after_limit { 1 } else { 2 };
                if let Some(v) = cn_number(&numeral).filter(|v| (least..10_000).contains(v))
                    && matches!(
                        chars.get(k),
                        Some(
                            '个' | '座'
                                | '家'
                                | '所'
                                | '条'
                                | '项'
                                | '处'
                                | '套'
                                | '次'
                                | '场'
                                | '批'
                                | '支'
                                | '名'
                                | '篇'
                                | '份'
                        )
                    )
                    && let Some(t) = target_at(chars, i, f64::from(v), k, 1.0, last_target_end, deadlines)
                {
                    last_target_end = Some(t.1);
                    i = t.1;
                    targets.push(t.0);
                    continue;
                }
            }
        }
        i += 1;
    }
    (targets, unclassified)
}

/// Build the target whose number starts at `start` and ends (with multiplier) at `after_num`.
fn target_at(
    chars: &[char],
    start: usize,
    value: f64,
    after_num: usize,
    mult: f64,
    last_target_end: Option<usize>,
    deadlines: &[DeadlineSpan],
) -> Option<(Target, usize)> {
    let mut k = after_num;
    let mut value_max = None;
    let mut value = value;
    // Range: 10-15个, 10—15个, 10至15个, 10～15个, 1万—1.5万.
    if matches!(chars.get(k), Some('-' | '—' | '–' | '～' | '~' | '〜' | '至' | '到' | '－'))
        && chars.get(k + 1).is_some_and(|c| c.is_ascii_digit())
        && let Some((hi, k2, hi_mult)) = quantity(chars, k + 1)
    {
        value_max = Some(hi);
        k = k2;
        // "10-15万": the upper end's multiplier belongs to both ends.
        if mult == 1.0 {
            value *= hi_mult;
        }
    }
    let had_mult = mult != 1.0;
    while chars.get(k) == Some(&' ') {
        k += 1;
    }
    let (unit, mut end) = match measure_at(chars, k) {
        Some(found) => found,
        None if had_mult => ("", k),
        None => return None,
    };
    // A rate: 200元/平方米, 10000元/台 — the measure per another measure.
    let per = match chars.get(end) {
        Some('/' | '／') if !unit.is_empty() => measure_at(chars, end + 1)
            .map(|(m, e)| (format!("{unit}/{m}"), e))
            // Per a counted measure: 1泊/100平方米.
            .or_else(|| {
                let digits = chars.get(end + 1..)?.iter().take_while(|c| c.is_ascii_digit()).count();
                let (m, e) = measure_at(chars, end + 1 + digits).filter(|_| digits > 0)?;
                Some((format!("{unit}/{}{m}", text(chars, end + 1, end + 1 + digits)), e))
            }),
        _ => None,
    };
    let unit: std::borrow::Cow<'static, str> = match per {
        Some((rate, e)) => {
            end = e;
            rate.into()
        }
        None => unit.into(),
    };
    let unit = unit.as_ref();
    // 8.8万套（间）: the alternative measure word in brackets belongs to the target text.
    if chars.get(end) == Some(&'（')
        && chars.get(end + 2) == Some(&'）')
        && chars.get(end + 1).is_some_and(|c| !c.is_ascii_digit())
    {
        end += 3;
    }
    let mut suffix_op: Option<Option<Op>> = None;
    let mut suffix_word = "";
    for (word, op) in SUFFIX_OPS {
        if starts(chars, end, word) {
            suffix_op = Some(op);
            suffix_word = word;
            end += word.chars().count();
            break;
        }
    }
    let sentence_start =
        (0..start).rev().find(|&j| chars.get(j).is_some_and(|&c| is_sentence_break(c))).map_or(0, |j| j + 1);
    let clause_start =
        (0..start).rev().find(|&j| chars.get(j).is_some_and(|&c| is_clause_break(c))).map_or(0, |j| j + 1);
    // 超30% binds tighter than a 力争 further back.
    let prefix = adjacent_op(chars, start).or_else(|| prefix_op(chars, clause_start, start, last_target_end));
    let (op, basis, cue) = if value_max.is_some() {
        (Op::Range, TargetBasis::Range, None)
    } else {
        match (suffix_op, prefix) {
            (Some(Some(op)), _) => (op, TargetBasis::Word, Some(suffix_word.to_string())),
            (_, Some((op, at, word_end))) => (op, TargetBasis::Word, Some(text(chars, at, word_end))),
            // 最高额度为80万元 (≤), 最低首付款比例为15% (≥).
            _ => limit_word_before(chars, clause_start.max(start.saturating_sub(40)), start)
                .map(|(op, cue)| (op, TargetBasis::Limit, Some(cue)))
                .or_else(|| {
                    time_limit_after(chars, end, unit)
                        .map(|(op, act)| (op, TargetBasis::TimeLimit, Some(act.to_string())))
                })
                // 240余座, 100多个: more than the number.
                .or_else(|| {
                    after_num
                        .checked_sub(1)
                        .and_then(|j| chars.get(j))
                        .filter(|c| matches!(c, '余' | '多'))
                        .map(|c| (Op::Gt, TargetBasis::About, Some(c.to_string())))
                })
                // 力争…10场以上，引进…项目100个: an aspiration holds for the whole sentence, a 达到 for its list.
                .or_else(|| {
                    if suffix_op.is_some() {
                        return None;
                    }
                    distributed_op(chars, sentence_start, start)
                        .map(|(op, word)| (op, TargetBasis::Sentence, Some(word.to_string())))
                })
                .unwrap_or((Op::Eq, TargetBasis::Bare, None)),
        }
    };
    let metric_after = metric_after(chars, end, unit);
    let metric = match &metric_after {
        Some((m, _)) => m.clone(),
        None => match prefix {
            // 力争全年引进项目10个以上: the comparator opens the clause, and what it counts stands after it.
            Some((_, at, word_end)) => Some(metric_before(chars, clause_start, at))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| metric_before(chars, word_end, start)),
            None => metric_before(chars, clause_start, start),
        },
    };
    let span_end = metric_after.as_ref().map_or(end, |(_, e)| *e);
    let sentence_end =
        (start..chars.len()).find(|&j| chars.get(j).is_some_and(|&c| is_sentence_break(c))).unwrap_or(chars.len());
    // Deadlines are in text order: the last one before the number in its sentence, else the next.
    let split = deadlines.partition_point(|d| d.start < start);
    let before = deadlines.get(..split).and_then(|b| b.last()).filter(|d| d.start >= sentence_start && d.end <= start);
    let after = deadlines.get(split..).and_then(|a| a.first()).filter(|d| d.end <= sentence_end);
    let deadline = before.or(after).and_then(|d| d.date.clone());
    let target = Target {
        text: text(chars, clause_start, span_end).trim().to_string(),
        metric,
        value,
        value_max,
        unit: unit.to_string(),
        op,
        deadline,
        basis,
        cue,
    };
    Some((target, end))
}

/// The nearest comparator before the number within its clause. Another quantity between the
/// comparator and this number breaks the link unless joined by 和/、/及/或 ("分别达到65%和55%").
fn prefix_op(
    chars: &[char],
    clause_start: usize,
    start: usize,
    last_target_end: Option<usize>,
) -> Option<(Op, usize, usize)> {
    let floor = clause_start.max(start.saturating_sub(40));
    // The comparator that ends nearest the number; at the same end the longest (不低于 over 低于).
    let mut best: Option<(usize, usize, usize, Op)> = None; // (end, len, at, op)
    for (w, op) in PREFIX_OPS {
        let n = w.chars().count();
        let last = (floor..=start.saturating_sub(n)).rev().find(|&at| starts(chars, at, w));
        if let Some(at) = last {
            let key = (at + n, n);
            if best.is_none_or(|(e, l, _, _)| key > (e, l)) {
                best = Some((at + n, n, at, op));
            }
        }
    }
    let (word_end, _, mut at, mut op) = best?;
    // A negated relation is its opposite: 不应大于/不宜超过/不得高于 → ≤, 不得低于/不应小于 → ≥,
    // 未达到/未满 → <. (不超过, 不低于 … are in the table already and are not negated again.)
    if let Some((negated, neg_at)) = negated(chars, at, op) {
        op = negated;
        at = neg_at;
    }
    if let Some(prev_end) = last_target_end
        && prev_end > at
        && prev_end <= start
        && !matches!(text(chars, prev_end, start).as_str(), "和" | "、" | "及" | "或" | "与")
    {
        return None;
    }
    Some((op, at, word_end))
}

/// Words whose comparator holds for every number after them in their sentence that has none of its own:
/// an aspiration (力争全年举办经贸活动10场以上，引进亿元以上项目100个，新注册外资企业3家) — all floors.
const SENTENCE_OPS: [&str; 2] = ["力争", "争取"];

/// A comparator carried to a number from further back than its clause: an aspiration anywhere before it
/// in its sentence, or a 达到 that opens the 、-list the number stands in (达到万兆到旗县区、千兆到苏木乡镇
/// （街道）、20兆进牧户).
fn distributed_op(chars: &[char], sentence_start: usize, start: usize) -> Option<(Op, &'static str)> {
    let floor = sentence_start.max(start.saturating_sub(120));
    // The aspiration must govern a number in its own clause (力争新增…1家): 通过争取中央预算内投资 is a
    // means, not a commitment over what follows.
    let governs_number = |at: usize| {
        chars
            .get(at..start)
            .is_some_and(|rest| rest.iter().take_while(|&&c| !is_clause_break(c)).any(|c| c.is_ascii_digit()))
    };
    if let Some(w) = SENTENCE_OPS.iter().find(|w| (floor..start).any(|at| starts(chars, at, w) && governs_number(at))) {
        return Some((Op::Ge, w));
    }
    let list_floor = floor.max(start.saturating_sub(60));
    let opener = (list_floor..start).rev().find(|&at| starts(chars, at, "达到"))?;
    let between = chars.get(opener + 2..start)?;
    (between.contains(&'、') && !between.iter().any(|c| matches!(c, '，' | ',' | '：' | ':')))
        .then_some((Op::Ge, "达到"))
}

/// The words that negate a relation right before it, longest first.
const NEGATIONS: [&str; 7] = ["不应", "不宜", "不得", "不能", "不可", "不", "未"];

/// If the relation at `at` is negated (不应大于), the opposite comparator and where the negation starts.
fn negated(chars: &[char], at: usize, op: Op) -> Option<(Op, usize)> {
    // A table entry that already holds its negation (不超过 …) starts with 不 itself.
    if chars.get(at) == Some(&'不') {
        return None;
    }
    let flipped = match op {
        Op::Gt => Op::Le,
        Op::Lt => Op::Ge,
        Op::Ge => Op::Lt,
        Op::Le | Op::Eq | Op::Range => return None,
    };
    NEGATIONS.iter().find_map(|w| {
        let n = w.chars().count();
        let neg_at = at.checked_sub(n)?;
        starts(chars, neg_at, w).then_some((flipped, neg_at))
    })
}

/// A limit word before the number with no other number between them (so that 最高额度在100万元基础上上浮20%
/// makes 100万元 a ceiling, not 20%): 最高/最多/上限 make it a ceiling, 最低/最少/下限 a floor.
fn limit_word_before(chars: &[char], floor: usize, start: usize) -> Option<(Op, String)> {
    // Walk back from the number to the nearest limit word; another number on the way ends the search.
    for at in (floor..start.saturating_sub(1)).rev() {
        let (a, b) = (*chars.get(at)?, *chars.get(at + 1)?);
        if a.is_ascii_digit() || b.is_ascii_digit() {
            return None;
        }
        match (a, b) {
            ('最', '高' | '多') | ('上', '限') => return Some((Op::Le, [a, b].iter().collect())),
            ('最', '低' | '少') | ('下', '限') => return Some((Op::Ge, [a, b].iter().collect())),
            _ => {}
        }
    }
    None
}

/// One-character comparators right before the number: 达95%, 超100亿元. Alone they are too
/// common (达标, 超前) to look for further back.
/// A duration followed by the act it bounds (3个工作日办结, 5日内完成, 7个工作日（不含补正时间）办结) is
/// a time limit: at most that long.
fn time_limit_after(chars: &[char], end: usize, unit: &str) -> Option<(Op, &'static str)> {
    const DURATIONS: [&str; 9] = ["个工作日", "工作日", "天", "日", "个小时", "小时", "个月", "周", "分钟"];
    const ACTS: [&str; 8] = ["办结", "完成", "办理", "答复", "反馈", "出具", "审结", "办毕"];
    if !DURATIONS.contains(&unit) {
        return None;
    }
    let mut k = end;
    // An aside in brackets between the duration and the act.
    if matches!(chars.get(k), Some('（' | '(')) {
        let close = (k..chars.len().min(k + 30)).find(|&j| matches!(chars.get(j), Some('）' | ')')))?;
        k = close + 1;
    }
    ACTS.iter().find(|a| starts(chars, k, a)).map(|a| (Op::Le, *a))
}

fn adjacent_op(chars: &[char], start: usize) -> Option<(Op, usize, usize)> {
    let at = start.checked_sub(1)?;
    match chars.get(at)? {
        '达' => Some((Op::Ge, at, start)),
        '超' => Some((Op::Gt, at, start)),
        _ => None,
    }
}

/// Classifiers after which the counted noun follows the number (100个乡村振兴示范镇).
pub(crate) fn is_classifier(unit: &str) -> bool {
    matches!(
        unit,
        "个" | "座"
            | "家"
            | "所"
            | "条"
            | "项"
            | "处"
            | "批"
            | "套"
            | "户"
            | "名"
            | "位"
            | "台"
            | "辆"
            | "张"
            | "件"
            | "种"
            | "类"
            | "支"
            | "场"
            | "间"
            | "栋"
            | "部"
            | "宗"
            | "块"
    )
}

fn metric_after(chars: &[char], end: usize, unit: &str) -> Option<(String, usize)> {
    if !is_classifier(unit) {
        return None;
    }
    let mut k = end;
    let mut quoted = false;
    while let Some(&c) = chars.get(k) {
        if c == '“' {
            quoted = true;
        } else if c == '”' {
            quoted = false;
        } else if !quoted && (is_clause_break(c) || c == '、' || c == '的') {
            break;
        }
        if k - end >= 24 {
            break;
        }
        k += 1;
    }
    let raw = text(chars, end, k);
    let trimmed: String = raw.chars().filter(|c| !matches!(c, '“' | '”')).collect();
    let trimmed = trimmed.trim_end_matches("建设").trim_end_matches("任务").trim().to_string();
    (trimmed.chars().count() >= 2).then_some((trimmed, k))
}

/// Verbs and scope words stripped from the front of a metric phrase.
const METRIC_LEADS: [&str; 28] = [
    "到年底",
    "年内",
    "年底前",
    "力争",
    "确保",
    "其中",
    "全省",
    "全市",
    "全国",
    "全区",
    "累计",
    "新建",
    "建设",
    "改造",
    "完成",
    "打造",
    "创建",
    "新增",
    "实现",
    "推动",
    "推进",
    "开展",
    "整改",
    "培育",
    "组织编制",
    "编制",
    "总体",
    "使",
];

fn metric_before(chars: &[char], clause_start: usize, end: usize) -> String {
    let mut s = text(chars, clause_start, end);
    loop {
        let before = s.len();
        for lead in METRIC_LEADS {
            if let Some(rest) = s.strip_prefix(lead) {
                s = rest.to_string();
            }
        }
        if s.len() == before {
            break;
        }
    }
    for tail in ["均", "分别", "总体", "稳定", "提升到", "提高到", "达", "在", "为"] {
        if let Some(rest) = s.strip_suffix(tail) {
            s = rest.to_string();
        }
    }
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadlines::find_deadlines;

    fn targets(s: &str) -> Vec<(f64, Option<f64>, String, &'static str, String)> {
        let chars: Vec<char> = s.chars().collect();
        let d = find_deadlines(&chars, Some(2022));
        find_targets(&chars, &d, &[])
            .0
            .into_iter()
            .map(|t| (t.value, t.value_max, t.unit, t.op.as_str(), t.metric))
            .collect()
    }

    fn one(s: &str, value: f64, unit: &str, op: &str) {
        let t = targets(s);
        assert_eq!(t.len(), 1, "{s}: {t:?}");
        assert!((t[0].0 - value).abs() < 1e-6, "{s}: {t:?}");
        assert_eq!((t[0].2.as_str(), t[0].3), (unit, op), "{s}");
    }

    #[test]
    fn counts_with_wan_and_yi() {
        // Exactly, not as binary floating point multiplies.
        assert_eq!(targets("粮食总产达到2.3亿公斤")[0].0, 230_000_000.0);
        assert_eq!(targets("新增1.1万个")[0].0, 11_000.0);
        one("坚持租购并举，建设保障性租赁住房8.8万套（间）", 88000.0, "套", "=");
        one("全省新建5G基站1.85万个", 18500.0, "个", "=");
        one("全国农机总动力超过10亿千瓦", 1e9, "千瓦", ">");
        one("其中灌排机械动力达到1.2亿千瓦", 1.2e8, "千瓦", ">=");
        one("完成22万座农村卫生户厕改造任务", 220000.0, "座", "=");
        one("安排资金100亿元", 1e10, "元", "=");
        one("新增装机300万千瓦", 3e6, "千瓦", "=");
    }

    #[test]
    fn each_comparator_says_what_it_was_read_from() {
        let read = |s: &str| -> Vec<(&'static str, TargetBasis, Option<String>)> {
            let chars: Vec<char> = s.chars().collect();
            find_targets(&chars, &[], &[]).0.into_iter().map(|t| (t.op.as_str(), t.basis, t.cue)).collect()
        };
        let word = |w: &str| Some(w.to_string());
        assert_eq!(read("筹集保障性租赁住房不少于8.8万套"), [(">=", TargetBasis::Word, word("不少于"))]);
        assert_eq!(read("新建充电桩500个以上"), [(">=", TargetBasis::Word, word("以上"))]);
        assert_eq!(read("覆盖率达95%"), [(">=", TargetBasis::Word, word("达"))]);
        assert_eq!(read("不应大于20%"), [("<=", TargetBasis::Word, word("不应大于"))]);
        assert_eq!(read("最高额度为80万元"), [("<=", TargetBasis::Limit, word("最高"))]);
        assert_eq!(read("3个工作日办结"), [("<=", TargetBasis::TimeLimit, word("办结"))]);
        assert_eq!(read("建成240余座"), [(">", TargetBasis::About, word("余"))]);
        assert_eq!(read("新增10—15个"), [("range", TargetBasis::Range, None)]);
        assert_eq!(read("建设保障性租赁住房8.8万套"), [("=", TargetBasis::Bare, None)]);
        // The guess the review step shows first: a word further back in the sentence.
        assert_eq!(
            read("力争全年举办经贸活动10场以上，引进亿元以上项目100个"),
            [(">=", TargetBasis::Word, word("以上")), (">=", TargetBasis::Sentence, word("力争"))]
        );
    }

    #[test]
    fn an_aspiration_holds_for_its_sentence_and_a_floor_for_its_list() {
        // 济源 2023: every count after 力争 is a floor, each but the one that says 左右.
        let t = targets(
            "力争全年举办经贸活动10场以上，引进亿元以上项目100个，新注册外资企业3家，实际利用外资2100万美元左右",
        );
        assert_eq!(t.iter().map(|t| t.3).collect::<Vec<_>>(), [">=", ">=", ">=", "="], "{t:?}");
        let t = targets("力争新增50亿元工业企业1家、国家级专精特新小巨人企业2家");
        assert_eq!(t.iter().map(|t| (t.0, t.3)).collect::<Vec<_>>(), [(5e9, ">="), (1.0, ">="), (2.0, ">=")]);
        // 包头 2022: 达到 opens a list of bandwidths.
        let t = targets(
            "对主干链路进行扩容，达到万兆到旗县区、千兆到苏木乡镇（街道）、百兆到嘎查村（社区）、20兆进牧户的带宽要求",
        );
        assert_eq!(t.iter().map(|t| t.3).collect::<Vec<_>>(), [">="], "{t:?}");
        // Without an aspiration or a list the number is as stated; the next sentence is not carried.
        assert_eq!(targets("力争早日建成。新增企业3家").iter().map(|t| t.3).collect::<Vec<_>>(), ["="]);
        // 陕西 2022: 通过争取投资 is a means; the count after it is as stated.
        let t = targets("通过争取中央预算内投资、发行专项债券等多渠道筹措资金，加快补齐县城等17个领域短板弱项");
        assert_eq!(t.iter().map(|t| t.3).collect::<Vec<_>>(), ["="]);
        assert_eq!(targets("达到国内先进水平，新增企业3家").iter().map(|t| t.3).collect::<Vec<_>>(), ["="]);
    }

    #[test]
    fn comparators() {
        one("注册公司不少于200个", 200.0, "个", ">=");
        one("社区日间照料机构覆盖率超过90%", 90.0, "%", ">");
        one("生活垃圾分类覆盖率达到95%", 95.0, "%", ">=");
        one("自然村比例稳定保持在90%以上", 90.0, "%", ">=");
        one("全国农机总动力稳定在11亿千瓦左右", 1.1e9, "千瓦", "=");
        one("机械化率总体达到50%左右", 50.0, "%", ">=");
        one("力争年底试点区域新批工业用地不低于40%按照标准地供应", 40.0, "%", ">=");
        one("禁止生产和使用厚度低于0.01毫米的地膜", 0.01, "毫米", "<");
        one("能耗控制在500万吨标准煤以内", 5e6, "吨", "<=");
        one("城镇新建建筑中绿色建筑占比提升到60%", 60.0, "%", ">=");
        one("单位GDP能耗下降3个百分点", 3.0, "个百分点", "=");
        one("空置率不超过5%", 5.0, "%", "<=");
        one("森林覆盖率达45%", 45.0, "%", ">=");
        one("年营业收入超100亿元", 1e10, "元", ">");
        one("年均增长10%以上", 10.0, "%", ">=");
        one("培育企业1000万元以上", 1e7, "元", ">=");
        one("产量达到130亿斤", 1.3e10, "斤", ">=");
        one("开行班列300列", 300.0, "列", "=");
        // A negated relation is its opposite (萍乡 2024 and the like).
        one("主阳台进深调整为不应大于2.4米", 2.4, "米", "<=");
        one("层高不宜超过3.6米", 3.6, "米", "<=");
        one("绿地率不得低于30%", 30.0, "%", ">=");
        one("允许未达到项目投资额25%的土地", 25.0, "%", "<");
        // A ceiling word makes the number a limit.
        one("双职工贷款最高额度为80万元", 8e5, "元", "<=");
        one("每户最多补贴3万元", 3e4, "元", "<=");
        one("购买保障性住房的最低首付款比例为15%", 15.0, "%", ">=");
        one("在完成工程竣工验收备案后20个工作日内", 20.0, "个工作日", "<=");
        one("接诉后2小时内响应", 2.0, "小时", "<=");
        // A duration before the act it bounds is a time limit too (广元 2023).
        one("自正式受理之日起3个工作日办结", 3.0, "个工作日", "<=");
        one("自正式受理之日起7个工作日(均不包含补正时间)办结", 7.0, "个工作日", "<=");
        one("连续3天低于收购价", 3.0, "天", "=");
        // 超 right before the number outranks a 力争 further back.
        one("力争外汇套保比率超30%", 30.0, "%", ">");
        one("争取各项上级资金40亿元", 4e9, "元", ">=");
        one("建设240余座蔬菜制种育苗大棚", 240.0, "座", ">");
        one("全年争取4家企业进入培育库", 4.0, "家", ">=");
        // The limit word binds the nearest number only.
        let t = targets("住房公积金贷款最高额度在100万元基础上上浮20%");
        assert_eq!(t.iter().map(|t| (t.0, t.3)).collect::<Vec<_>>(), vec![(1e6, "<="), (20.0, "=")]);
        // Rates and months (萍乡 2024).
        one("按照200元/平方米给予一次性购房补贴", 200.0, "元/平方米", "=");
        one("对商品住宅去化周期超过36个月的", 36.0, "个月", ">");
    }

    /// Limits and rates in the measures real policies write: an age, a span of years, basis points with
    /// their sign, bandwidth, parking per household or per floor area.
    #[test]
    fn ages_years_basis_points_and_rates_per_counted_measure() {
        one("调整为贷款到期日不超过借款人65岁", 65.0, "岁", "<=");
        one("需在15年内完成借款归还", 15.0, "年", "<=");
        one("将其加点幅度调整为不低于-30BP", -30.0, "BP", ">=");
        one("贷款利率下调25个基点", 25.0, "个基点", "=");
        one("实现50兆进牧户", 50.0, "兆", "=");
        one("公寓项目可按不少于1泊/300平方米进行配建", 1.0, "泊/300平方米", ">=");
        one("商品住房项目可按1泊/户进行配建", 1.0, "泊/户", "=");
        // A year, a time since, a range's dash and a model name stay what they are.
        assert!(targets("到2025年内基本完成").iter().all(|t| t.1.is_none() && t.2 != "年"));
        assert!(targets("近3年来持续推进").is_empty());
        assert_eq!(targets("创建10-15个示范县")[0].0, 10.0);
        assert!(targets("推广5G-A网络").is_empty());
    }

    #[test]
    fn ranges_and_lists() {
        let t = targets("创建10-15个县城建设示范县");
        assert_eq!((t[0].0, t[0].1, t[0].3), (10.0, Some(15.0), "range"));
        assert_eq!(t[0].4, "县城建设示范县");
        for s in ["创建10—15个示范县", "创建10至15个示范县", "创建10～15个示范县"] {
            let t = targets(s);
            assert_eq!((t[0].0, t[0].1), (10.0, Some(15.0)), "{s}");
        }
        let t = targets("花生种植、收获机械化率分别达到65%和55%");
        assert_eq!(t.iter().map(|t| (t.0, t.3)).collect::<Vec<_>>(), vec![(65.0, ">="), (55.0, ">=")]);
    }

    #[test]
    fn chinese_numerals_after_commitment_verbs() {
        // 上海 2024: a report counted in 篇.
        let t = targets("每年年底至少形成一篇反应工作特色亮点的专题材料");
        assert_eq!(t.iter().map(|t| (t.0, t.2.as_str(), t.3)).collect::<Vec<_>>(), [(1.0, "篇", ">=")]);
        one("在全省打造两个国家级示范区", 2.0, "个", "=");
        one("建设十五个物流枢纽", 15.0, "个", "=");
        assert!(targets("统筹两个市场、两种资源").is_empty());
        assert!(targets("深入实施三年行动计划").is_empty());
        // A floor or a ceiling makes even one a commitment (广州 2016); 达到一个 stays words.
        one("各区设立至少一个公共集体户", 1.0, "个", ">=");
        one("每年举办不少于两场招聘会", 2.0, "场", ">=");
        assert!(targets("推动城镇化水平达到一个新高度").is_empty());
        assert!(targets("设立一个窗口").is_empty());
    }

    #[test]
    fn not_targets() {
        // 包头 2022: an assessment's weights; 安徽 2021: a box's number. Neither is a target nor a number to
        // warn of.
        let chars: Vec<char> = "推进“一网通办”（25分）。专栏1 工业互联网平台（1.5分）".chars().collect();
        let (found, unclassified) = find_targets(&chars, &[], &[]);
        assert!(found.is_empty() && unclassified.is_empty(), "{found:?} {unclassified:?}");
        for s in [
            "整改2013年以来各级财政支持改造过的问题",
            "6号线二期年内建成通车",
            "协同控制PM2.5和臭氧污染",
            "加大对5G网络的投资力度",
            "抓好城市群“十四五”建设",
            "国办发〔2022〕371号",
            "落实《2022年新型城镇化和城乡融合发展重点任务》",
            "2019年6月底前，研究建立指标体系",
            "第3批试点城市",
        ] {
            assert!(targets(s).is_empty(), "{s}: {:?}", targets(s));
        }
    }

    #[test]
    fn metrics() {
        assert_eq!(targets("建设保障性租赁住房8.8万套（间）")[0].4, "保障性租赁住房");
        assert_eq!(targets("改造城镇老旧小区2192个")[0].4, "城镇老旧小区");
        assert_eq!(targets("全力推进100个乡村振兴示范镇建设")[0].4, "乡村振兴示范镇");
        assert_eq!(targets("在全省打造200个“美丽宜居示范村”")[0].4, "美丽宜居示范村");
        assert_eq!(targets("社区日间照料机构覆盖率超过90%")[0].4, "社区日间照料机构覆盖率");
        // A comparator that opens the clause: what it counts stands between it and the number.
        assert_eq!(targets("力争全年引进项目10个以上")[0].4, "全年引进项目");
        assert_eq!(targets("确保不少于5个")[0].4, "");
    }

    #[test]
    fn deadline_attached_from_sentence() {
        let chars: Vec<char> = "到2020年，秸秆综合利用率达到85%以上。".chars().collect();
        let d = find_deadlines(&chars, Some(2018));
        let t = find_targets(&chars, &d, &[]).0;
        assert_eq!(t[0].deadline.as_deref(), Some("2020-12-31"));
    }
}
