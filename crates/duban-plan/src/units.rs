//! Responsible units of an item: bracket lists such as
//! （省发展改革委、省交通运输厅，相关市政府等按职责分工负责）, 牵头单位：…/配合单位：… forms,
//! roles, and the conventions that say who leads.

use crate::model::{Role, Unit, UnitBasis, UnitKind};

/// Conventions in force while walking the document in order.
#[derive(Debug, Clone, Default)]
pub struct UnitContext {
    /// "列第一位者为牵头单位，下同": the first unit of a list leads from here on.
    pub first_listed_leads: bool,
}

/// A plan-level rule found inside a unit list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FoundRule {
    FirstListedLeads(String),
    AppliesToFollowing { text: String, units: Vec<String> },
}

/// What one item's text yields.
#[derive(Debug, Clone, Default)]
pub struct UnitScan {
    pub units: Vec<Unit>,
    pub rules: Vec<FoundRule>,
    /// Char ranges (start, end) of the unit groups, so numbers inside them are not read as targets.
    pub spans: Vec<(usize, usize)>,
    pub unclosed_bracket: bool,
    pub odd_names: Vec<String>,
    /// Names read from a list that closes with no duty word (a guess the office should check).
    pub bare_names: Vec<String>,
}

/// Duty words at the end of a clause, longest first, and the role they give.
const DUTIES: [(&str, Role); 25] = [
    ("按职责分工负责", Role::Responsible),
    ("按职责分工落实", Role::Responsible),
    ("按职能分工负责", Role::Responsible),
    ("按职责负责", Role::Responsible),
    ("分工负责", Role::Responsible),
    ("共同负责", Role::Responsible),
    ("牵头负责", Role::Lead),
    ("牵头落实", Role::Lead),
    ("牵头实施", Role::Lead),
    ("负责落实", Role::Responsible),
    ("具体负责", Role::Responsible),
    ("督促指导", Role::Co),
    ("参与配合", Role::Co),
    ("配合落实", Role::Co),
    ("组织实施", Role::Responsible),
    ("牵头", Role::Lead),
    ("负责", Role::Responsible),
    ("落实", Role::Responsible),
    ("参与", Role::Co),
    ("参加", Role::Co),
    ("配合", Role::Co),
    ("协助", Role::Co),
    ("协同", Role::Co),
    ("指导", Role::Co),
    ("承担", Role::Responsible),
];

/// The role words a "牵头单位：" style label starts with, and the role they give.
const LABEL_ROLES: [(&str, Role); 12] = [
    ("牵头", Role::Lead),
    ("主责", Role::Lead),
    ("主办", Role::Lead),
    ("主管", Role::Lead),
    ("责任", Role::Responsible),
    ("负责", Role::Responsible),
    ("实施", Role::Responsible),
    ("配合", Role::Co),
    ("参与", Role::Co),
    ("协办", Role::Co),
    ("协同", Role::Co),
    ("协助", Role::Co),
];

/// The most characters between a label's role word and its 单位/部门 (考核 in 牵头考核单位, 落实 in
/// 责任落实单位).
const LABEL_QUALIFIER_MAX: usize = 4;

/// A role label at the start of `chars`: a role word, up to [`LABEL_QUALIFIER_MAX`] more characters of
/// a name (no punctuation), then 单位 or 部门 and a colon — 牵头单位：, 牵头考核单位：, 配合部门: … The role
/// and how many characters the label takes, colon included.
fn label_at(chars: &[char]) -> Option<(Role, usize)> {
    // Called at every character of an item: most are ruled out by their first character alone.
    let (first, second) = (*chars.first()?, *chars.get(1)?);
    if !matches!(first, '牵' | '主' | '责' | '负' | '实' | '配' | '参' | '协') {
        return None;
    }
    let (_, role) = LABEL_ROLES.iter().find(|(w, _)| {
        let mut w = w.chars();
        w.next() == Some(first) && w.next() == Some(second)
    })?;
    let start = 2;
    for gap in 0..=LABEL_QUALIFIER_MAX {
        let at = start + gap;
        let noun = chars.get(at..at + 2)?;
        if matches!(noun, ['单', '位'] | ['部', '门']) {
            return matches!(chars.get(at + 2), Some('：' | ':')).then_some((*role, at + 3));
        }
        let c = *chars.get(at)?;
        if !is_cjk(c) {
            return None;
        }
    }
    None
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Closing words of a list that are not part of the last name.
const LIST_TAILS: [&str; 9] =
    ["等有关部门", "等相关部门", "等有关单位", "等相关单位", "等部门", "等单位", "等有关方面", "及有关部门", "等"];

/// How organisation names end. 部门, 单位, 专班, 小组 and 工作组 end the names of groups of units (区直各部门,
/// 市直各单位, 全区经济运行各专班, 领导小组, 省推进工业互联网创新发展专项工作组), which plans assign tasks to as
/// they do to one body.
const ORG_SUFFIXES: [&str; 49] = [
    "政府",
    "部门",
    "单位",
    "专班",
    "小组",
    "工作组",
    "管委会",
    "委员会",
    "集团",
    "公司",
    "总局",
    "总署",
    "分行",
    "监管局",
    "中心",
    "办公室",
    "法院",
    "检察院",
    "银行",
    "协会",
    "联合会",
    "工会",
    "妇联",
    "团委",
    "团省委",
    "大学",
    "学院",
    "海关",
    "部",
    "委",
    "厅",
    "局",
    "署",
    "办",
    "院",
    "会",
    "行",
    "室",
    "所",
    "社",
    "处",
    "站",
    "队",
    "市",
    "县",
    "区",
    "旗",
    "州",
    "盟",
];

/// Whether a name reads like a government body, company or other organisation.
pub fn looks_like_org(name: &str) -> bool {
    // A second name in brackets (示范区发展改革和统计局(商务局), 省发展改革委（省粮食和物资储备局）) is read
    // by the first.
    let name = strip_trailing_alias(name);
    let n = name.chars().count();
    if !(2..=30).contains(&n)
        || name.contains(['，', '。', '；', '：', '“', '”', '%', '％'])
        || name.chars().any(|c| c.is_ascii_digit())
    {
        return false;
    }
    ORG_SUFFIXES.iter().any(|s| name.ends_with(s))
        || ["各", "相关", "有关", "省", "市", "县", "国家"].iter().any(|p| name.starts_with(p) && n <= 16)
}

/// `name` without a bracketed second name at its end.
fn strip_trailing_alias(name: &str) -> &str {
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = name.strip_suffix(close)
            && let Some(at) = inner.rfind(open)
            && at > 0
        {
            return name.get(..at).unwrap_or(name);
        }
    }
    name
}

/// Classify a unit by its name.
pub fn unit_kind(name: &str) -> UnitKind {
    if name.ends_with("公司") || name.ends_with("集团") || name.ends_with("企业") {
        return UnitKind::Enterprise;
    }
    if name.ends_with("管委会") || name.ends_with("管理委员会") {
        return UnitKind::Zone;
    }
    if name.ends_with("政府") {
        return UnitKind::Government;
    }
    let n = name.chars().count();
    if n <= 8 && ["市", "县", "区", "旗", "州", "盟"].iter().any(|s| name.ends_with(s)) && !name.ends_with("城区")
    {
        return UnitKind::Government;
    }
    if ["协会", "联合会", "学会", "商会", "大学", "学院"].iter().any(|s| name.ends_with(s)) {
        return UnitKind::Other;
    }
    if ["部", "委", "厅", "局", "署", "办", "院", "行", "室", "总社", "海关", "中心", "委员会"]
        .iter()
        .any(|s| name.ends_with(s))
    {
        return UnitKind::Department;
    }
    UnitKind::Other
}

fn strip_duty(clause: &str) -> Option<(&str, Role, &'static str)> {
    DUTIES.iter().find_map(|(word, role)| {
        let rest = clause.strip_suffix(word)?;
        // 分别负责 / 共同牵头: the adverb belongs to the duty, not to the last name.
        let rest = ["分别", "共同", "各自"].iter().find_map(|a| rest.strip_suffix(a)).unwrap_or(rest);
        Some((rest, *role, *word))
    })
}

/// A clause that starts with a role label: the rest, the role, and the label as printed (its duty word).
fn strip_label(clause: &str) -> Option<(&str, Role, &str)> {
    let chars: Vec<char> = clause.chars().take(LABEL_QUALIFIER_MAX + 6).collect();
    let (role, len) = label_at(&chars)?;
    let label: usize = chars.iter().take(len - 1).map(|c| c.len_utf8()).sum();
    let colon = chars.get(len - 1).map_or(0, |c| c.len_utf8());
    Some((clause.get(label + colon..)?, role, clause.get(..label)?))
}

/// One name with its own role marker such as 省发展改革委（牵头）.
fn split_names(list: &str) -> Vec<(String, Option<Role>)> {
    let mut list = list.trim();
    for p in ["分别由", "由", "请"] {
        list = list.strip_prefix(p).unwrap_or(list);
    }
    for tail in LIST_TAILS {
        if let Some(rest) = list.strip_suffix(tail)
            && !rest.is_empty()
        {
            list = rest;
            break;
        }
    }
    split_outside_brackets(list, &['、', '，', ','])
        .into_iter()
        .flat_map(split_joined)
        .filter_map(|raw| {
            let raw = raw.trim();
            for marker in ["（牵头）", "(牵头)"] {
                if let Some(name) = raw.strip_suffix(marker) {
                    return Some((name.to_string(), Some(Role::Lead)));
                }
            }
            (!raw.is_empty()).then(|| (raw.to_string(), None))
        })
        .collect()
}

/// The names of a table cell: a list as in text, or one name per paragraph (the paragraphs of a cell are
/// joined by spaces when the table is read).
pub(crate) fn split_cell(cell: &str) -> Vec<(String, Option<Role>)> {
    let list: String = cell
        .trim()
        .chars()
        .map(|c| if c.is_whitespace() || matches!(c, '\u{3000}' | '；' | ';') { '、' } else { c })
        .collect();
    split_names(&list)
}

/// A name that ends as an organisation's does (a suffix such as 局, 委, 政府, 区, or 单位, 部门), not only
/// starts like one.
fn ends_like_org(name: &str) -> bool {
    looks_like_org(name)
        && (ORG_SUFFIXES.iter().any(|s| name.ends_with(s)) || name.ends_with("单位") || name.ends_with("部门"))
}

/// Names joined by 和, 及 or 以及 (各有关单位和各区及光明新区), split where both sides are whole names; a
/// name that has 和 inside it (市规划和自然资源局, 住房和城乡建设部) stays whole, since its first part is not.
fn split_joined(name: &str) -> Vec<&str> {
    for joint in ["以及", "和", "及"] {
        let mut at = 0;
        while let Some(found) = name.get(at..).and_then(|rest| rest.find(joint)) {
            let cut = at + found;
            let (left, right) = (name.get(..cut).unwrap_or(""), name.get(cut + joint.len()..).unwrap_or(""));
            if ends_like_org(left) && !right.is_empty() {
                let rest = split_joined(right);
                if rest.iter().all(|r| ends_like_org(r)) {
                    return std::iter::once(left).chain(rest).collect();
                }
            }
            at = cut + joint.len();
        }
    }
    vec![name]
}

/// `list` split at `seps` that stand outside brackets, so that 各县（市、区）人民政府 and 各县[市、区]政府
/// stay one name.
fn split_outside_brackets<'a>(list: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (at, c) in list.char_indices() {
        match c {
            '（' | '(' | '[' | '【' | '〔' | '［' => depth += 1,
            '）' | ')' | ']' | '】' | '〕' | '］' => depth = depth.saturating_sub(1),
            c if depth == 0 && seps.contains(&c) => {
                out.push(list.get(start..at).unwrap_or(""));
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(list.get(start..).unwrap_or(""));
    out
}

/// Units named by one clause, with their role, duty word and what they were read from.
type Named = Vec<(String, Role, String, UnitBasis)>;

/// Parse the content of one bracket group, or a 牵头单位：… passage. None when it is not a unit list.
fn parse_group(content: &str, rules: &mut Vec<FoundRule>) -> Option<Named> {
    let mut named: Named = Vec::new();
    let mut saw_duty = false;
    // "牵头单位：A配合单位：B" on one line: each label (after the first character) starts its own sentence.
    let content: String = if content.contains(['：', ':']) {
        let chars: Vec<char> = content.chars().collect();
        let mut out = String::with_capacity(content.len() + 8);
        for (i, c) in chars.iter().enumerate() {
            if i > 0 && label_at(chars.get(i..).unwrap_or(&[])).is_some() {
                out.push('；');
            }
            out.push(*c);
        }
        out
    } else {
        content.to_string()
    };
    for sentence in content.split(['。', '；', ';']) {
        let mut pending: Vec<(String, Option<Role>)> = Vec::new();
        // A role label holds to the end of its sentence: （牵头单位：市委组织部，市财政局）, （责任单位：省通信管理局，
        // 省铁塔公司、各基础电信企业，各市人民政府） — the comma only groups the names.
        let mut label_in_force: Option<(Role, String)> = None;
        for clause in sentence.split(['，', ',']) {
            let clause = clause.trim();
            if clause.is_empty() || clause == "下同" || clause.contains("不再列出") {
                continue;
            }
            // Another field of the same line, such as 完成时限：2023年底.
            if clause.contains(['：', ':']) && strip_label(clause).is_none() {
                continue;
            }
            if clause.contains("第一") && clause.contains("牵头") {
                rules.push(FoundRule::FirstListedLeads(content.trim().to_string()));
                saw_duty = true;
                continue;
            }
            if clause.starts_with("以下") || clause.starts_with("上述") {
                let body = clause.split_once('需').map_or(clause, |(_, b)| b);
                let body = body.trim_end_matches("落实").trim_end_matches("负责").trim_end_matches("承担");
                let units = split_names(body).into_iter().map(|(n, _)| n).filter(|n| looks_like_org(n)).collect();
                rules.push(FoundRule::AppliesToFollowing { text: sentence.trim().to_string(), units });
                saw_duty = true;
                continue;
            }
            let (list, role, duty, basis) = if let Some((list, role, duty)) = strip_label(clause) {
                (list, role, duty, UnitBasis::Label)
            } else if let Some((list, role, duty)) = strip_duty(clause) {
                (list, role, duty, UnitBasis::Duty)
            } else if let Some((role, duty)) = &label_in_force {
                for (name, own) in split_names(clause) {
                    named.push(match own {
                        Some(own) => (name, own, "牵头".into(), UnitBasis::Marker),
                        None => (name, *role, duty.clone(), UnitBasis::Label),
                    });
                }
                continue;
            } else {
                pending.extend(split_names(clause));
                continue;
            };
            saw_duty = true;
            if basis == UnitBasis::Label {
                label_in_force = Some((role, duty.to_string()));
            }
            // "A会同B负责": A leads, B supports.
            if let Some((lead, co)) = list.split_once("会同") {
                for (name, _) in split_names(lead) {
                    named.push((name, Role::Lead, "牵头".to_string(), UnitBasis::Joint));
                }
                for (name, _) in pending.drain(..).chain(split_names(co)) {
                    named.push((name, Role::Co, "配合".to_string(), UnitBasis::Joint));
                }
                continue;
            }
            for (name, own) in pending.drain(..).chain(split_names(list)) {
                named.push(match own {
                    Some(own) => (name, own, "牵头".into(), UnitBasis::Marker),
                    None => (name, role, duty.into(), basis),
                });
            }
        }
        // Names with no duty word after them: the list closed without one (rare); keep those that
        // read as organisations, as responsible.
        for (name, own) in pending.into_iter().filter(|(n, _)| looks_like_org(n)) {
            named.push(match own {
                Some(own) => (name, own, "牵头".into(), UnitBasis::Marker),
                None => (name, Role::Responsible, "负责".into(), UnitBasis::Bare),
            });
        }
    }
    if !saw_duty || named.is_empty() && rules.is_empty() {
        return None;
    }
    let orgish = named.iter().filter(|(n, ..)| looks_like_org(n)).count();
    (orgish * 10 >= named.len() * 6).then_some(named)
}

/// Find every unit group in an item's text (as chars) and resolve roles.
pub fn scan_units(chars: &[char], ctx: &mut UnitContext) -> UnitScan {
    let mut scan = UnitScan::default();
    let mut named: Named = Vec::new();
    let mut depth = 0usize;
    let mut open_at = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        match c {
            '（' | '(' => {
                if depth == 0 {
                    open_at = i;
                }
                depth += 1;
            }
            '）' | ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let content: String = chars.get(open_at + 1..i).unwrap_or(&[]).iter().collect();
                    let mut rules = Vec::new();
                    if let Some(found) = parse_group(&content, &mut rules) {
                        named.extend(found);
                        scan.spans.push((open_at, i + 1));
                    }
                    if !rules.is_empty() {
                        scan.spans.push((open_at, i + 1));
                    }
                    scan.rules.extend(rules);
                }
            }
            _ if depth == 0 => {
                // 牵头单位：… outside brackets runs to the end of the sentence or line.
                if let Some(end) = label_passage_end(chars, i) {
                    let content: String = chars.get(i..end).unwrap_or(&[]).iter().collect();
                    let mut rules = Vec::new();
                    if let Some(found) = parse_group(&content, &mut rules) {
                        named.extend(found);
                        scan.spans.push((i, end));
                        scan.rules.extend(rules);
                        i = end;
                        continue;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        scan.unclosed_bracket = true;
        let content: String = chars.get(open_at + 1..).unwrap_or(&[]).iter().collect();
        let mut rules = Vec::new();
        if let Some(found) = parse_group(&content, &mut rules) {
            named.extend(found);
            scan.spans.push((open_at, chars.len()));
        }
        scan.rules.extend(rules);
    }
    if scan.rules.iter().any(|r| matches!(r, FoundRule::FirstListedLeads(_))) {
        ctx.first_listed_leads = true;
    }
    for (name, role, duty, basis) in named {
        if let Some(existing) = scan.units.iter_mut().find(|u| u.name == name) {
            if role == Role::Lead {
                existing.role = Role::Lead;
                existing.basis = basis;
            }
            continue;
        }
        if !looks_like_org(&name) {
            scan.odd_names.push(name.clone());
        }
        if basis == UnitBasis::Bare {
            scan.bare_names.push(name.clone());
        }
        let kind = unit_kind(&name);
        scan.units.push(Unit { name, role, kind, duty: Some(duty), basis });
    }
    if ctx.first_listed_leads && !scan.units.iter().any(|u| u.role == Role::Lead) {
        let mut first = true;
        for u in scan.units.iter_mut().filter(|u| u.role == Role::Responsible) {
            u.role = if first { Role::Lead } else { Role::Co };
            u.basis = UnitBasis::FirstListed;
            first = false;
        }
    }
    scan
}

/// If a 牵头单位：/责任单位： passage starts at `i`, where it ends.
fn label_passage_end(chars: &[char], i: usize) -> Option<usize> {
    label_at(chars.get(i..)?)?;
    let mut end = i;
    while let Some(&c) = chars.get(end) {
        if matches!(c, '。' | '\n') {
            break;
        }
        end += 1;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str, ctx: &mut UnitContext) -> UnitScan {
        let chars: Vec<char> = text.chars().collect();
        scan_units(&chars, ctx)
    }

    fn names(s: &UnitScan) -> Vec<(&str, Role)> {
        s.units.iter().map(|u| (u.name.as_str(), u.role)).collect()
    }

    #[test]
    fn names_joined_by_he_and_ji_are_split_only_between_whole_names() {
        assert_eq!(split_joined("各有关单位和各区及光明新区"), ["各有关单位", "各区", "光明新区"]);
        assert_eq!(split_joined("省发展改革委和省财政厅"), ["省发展改革委", "省财政厅"]);
        for whole in
            ["市规划和自然资源局", "住房和城乡建设部", "人力资源和社会保障局", "工业和信息化部", "文化和旅游局"]
        {
            assert_eq!(split_joined(whole), [whole]);
        }
        // 深圳 2009: 参加 closes the list as the supporting units' duty.
        let s = scan("（市发展改革局牵头，各有关单位和各区及光明新区参加）", &mut UnitContext::default());
        assert_eq!(
            names(&s),
            vec![("市发展改革局", Role::Lead), ("各有关单位", Role::Co), ("各区", Role::Co), ("光明新区", Role::Co)]
        );
    }

    #[test]
    fn groups_of_units_named_by_their_level_or_their_task_force_are_units() {
        // A district plan's label lines: 区直各部门 and 全区经济运行各专班 are assigned as one body is.
        let s = scan(
            "（牵头单位:区发改局；责任单位:立山经济开发区,全区经济运行各专班,各街道、区直各部门）",
            &mut UnitContext::default(),
        );
        assert_eq!(
            names(&s),
            vec![
                ("区发改局", Role::Lead),
                ("立山经济开发区", Role::Responsible),
                ("全区经济运行各专班", Role::Responsible),
                ("各街道", Role::Responsible),
                ("区直各部门", Role::Responsible)
            ]
        );
        assert!(looks_like_org("市直有关单位") && looks_like_org("稳增长工作领导小组"));
        assert!(!looks_like_org("全年新增就业岗位"));
    }

    #[test]
    fn a_label_holds_to_the_end_of_its_sentence_and_each_unit_says_what_it_was_read_from() {
        let bases = |s: &UnitScan| s.units.iter().map(|u| (u.name.clone(), u.role, u.basis)).collect::<Vec<_>>();
        let n = |s: &str| s.to_string();
        // 运城 2024: the comma groups names under one label; it does not end it.
        let s = scan("（牵头单位:市委组织部,市财政局）", &mut UnitContext::default());
        assert_eq!(
            bases(&s),
            [(n("市委组织部"), Role::Lead, UnitBasis::Label), (n("市财政局"), Role::Lead, UnitBasis::Label)]
        );
        assert!(s.bare_names.is_empty());
        // 安徽 2021: a group's name ending in 工作组 is a unit.
        let s = scan(
            "（责任单位：省通信管理局，省铁塔公司、各基础电信企业，省推进工业互联网创新发展专项工作组）",
            &mut UnitContext::default(),
        );
        assert_eq!(s.units.len(), 4, "{:?}", bases(&s));
        assert!(s.units.iter().all(|u| u.role == Role::Responsible && u.basis == UnitBasis::Label));
        // A new sentence needs its own label: 配合 after the ；.
        let s = scan("（牵头单位：省发展改革委；省财政厅、省税务局配合）", &mut UnitContext::default());
        assert_eq!(
            bases(&s),
            [
                (n("省发展改革委"), Role::Lead, UnitBasis::Label),
                (n("省财政厅"), Role::Co, UnitBasis::Duty),
                (n("省税务局"), Role::Co, UnitBasis::Duty)
            ]
        );
        let s = scan("（省交通运输厅会同省发展改革委负责）", &mut UnitContext::default());
        assert_eq!(s.units.iter().map(|u| u.basis).collect::<Vec<_>>(), [UnitBasis::Joint, UnitBasis::Joint]);
        let s = scan("（省发展改革委（牵头）、省财政厅按职责分工负责）", &mut UnitContext::default());
        assert_eq!(s.units.iter().map(|u| u.basis).collect::<Vec<_>>(), [UnitBasis::Marker, UnitBasis::Duty]);
        // The first-listed convention says so; a list with no duty word is the guess flagged for review.
        let mut ctx = UnitContext { first_listed_leads: true };
        let s = scan("（工业和信息化部、发展改革委负责）", &mut ctx);
        assert_eq!(s.units.iter().map(|u| u.basis).collect::<Vec<_>>(), [UnitBasis::FirstListed; 2]);
        let s = scan("（牵头单位：省发展改革委；省财政厅、省税务局）", &mut UnitContext::default());
        assert_eq!(s.bare_names, [n("省财政厅"), n("省税务局")]);
        assert_eq!(s.units.iter().filter(|u| u.basis == UnitBasis::Bare).count(), 2);
    }

    #[test]
    fn a_name_with_its_second_name_in_brackets_is_one_unit() {
        assert!(looks_like_org("示范区发展改革和统计局(商务局)"));
        assert!(looks_like_org("省发展改革委（省粮食和物资储备局）"));
        // 济源 2023: half-width brackets, a label with a half-width colon.
        let s = scan(
            "发放消费券。(牵头单位:示范区发展改革和统计局(商务局),责任单位:示范区财政金融局)",
            &mut UnitContext::default(),
        );
        assert_eq!(
            names(&s),
            vec![("示范区发展改革和统计局(商务局)", Role::Lead), ("示范区财政金融局", Role::Responsible)]
        );
    }

    #[test]
    fn a_name_with_a_list_in_brackets_stays_one_name() {
        let s = scan("推进改革。（市住建局、各县[市、区]人民政府、运城开发区管委会负责）", &mut UnitContext::default());
        let got: Vec<&str> = s.units.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(got, ["市住建局", "各县[市、区]人民政府", "运城开发区管委会"]);
        assert_eq!(split_outside_brackets("甲、乙（丙、丁）、戊", &['、']), ["甲", "乙（丙、丁）", "戊"]);
    }

    #[test]
    fn role_labels_are_a_role_word_a_short_qualifier_and_a_unit_noun() {
        let at = |s: &str| label_at(&s.chars().collect::<Vec<_>>());
        assert_eq!(at("牵头单位：省发展改革委"), Some((Role::Lead, 5)));
        assert_eq!(at("牵头考核单位：市审批服务局"), Some((Role::Lead, 7)));
        assert_eq!(at("责任落实单位：各县区"), Some((Role::Responsible, 7)));
        assert_eq!(at("配合部门:市财政局"), Some((Role::Co, 5)));
        assert_eq!(at("协助推进部门：市教育局"), Some((Role::Co, 7)));
        // Not labels: no colon, a sentence, punctuation or too long a qualifier before 单位.
        assert_eq!(at("牵头单位负责汇总"), None);
        assert_eq!(at("牵头抓总，各单位：配合"), None);
        assert_eq!(at("责任单位"), None);
        assert_eq!(at("负责本地区各有关单位："), None);
        // In a bracket after a time limit (包头 2022): the label's role, the printed label as the duty.
        let s = scan(
            "全面提升政务热线服务水平。（5月底取得明显成效并持续推进，牵头考核单位：市审批服务局）",
            &mut UnitContext::default(),
        );
        assert_eq!(names(&s), vec![("市审批服务局", Role::Lead)]);
        assert_eq!(s.units[0].duty.as_deref(), Some("牵头考核单位"));
        let s = scan("推进改革。（牵头单位：省发展改革委；配合部门：省财政厅、省税务局）", &mut UnitContext::default());
        assert_eq!(names(&s), vec![("省发展改革委", Role::Lead), ("省财政厅", Role::Co), ("省税务局", Role::Co)]);
    }

    #[test]
    fn shaanxi_trailing_list_with_governments() {
        let s = scan(
            "完善西安地铁网络。（省发展改革委、省交通运输厅，相关市政府、杨凌示范区管委会等按职责分工负责）",
            &mut UnitContext::default(),
        );
        assert_eq!(
            names(&s),
            vec![
                ("省发展改革委", Role::Responsible),
                ("省交通运输厅", Role::Responsible),
                ("相关市政府", Role::Responsible),
                ("杨凌示范区管委会", Role::Responsible)
            ]
        );
        assert_eq!(s.units[2].kind, UnitKind::Government);
        assert_eq!(s.units[0].kind, UnitKind::Department);
    }

    #[test]
    fn lead_and_participants_and_plan_rule() {
        let mut ctx = UnitContext::default();
        let s = scan(
            "健全统计制度。（生态环境部牵头，国家发展改革委、国家统计局参与）提升监管能力。（生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出）",
            &mut ctx,
        );
        assert_eq!(
            names(&s),
            vec![
                ("生态环境部", Role::Lead),
                ("国家发展改革委", Role::Co),
                ("国家统计局", Role::Co),
                ("试点城市政府", Role::Responsible)
            ]
        );
        assert_eq!(s.rules.len(), 1);
        assert!(
            matches!(&s.rules[0], FoundRule::AppliesToFollowing { units, .. } if units == &vec!["试点城市政府".to_string()])
        );
    }

    #[test]
    fn first_listed_leads_from_here_on() {
        let mut ctx = UnitContext::default();
        let s =
            scan("孵化培育企业。（工业和信息化部、发展改革委、科技部等负责。列第一位者为牵头单位，下同）", &mut ctx);
        assert_eq!(names(&s), vec![("工业和信息化部", Role::Lead), ("发展改革委", Role::Co), ("科技部", Role::Co)]);
        assert!(ctx.first_listed_leads);
        let s = scan("推进改革。（市场监管总局、工业和信息化部等负责）", &mut ctx);
        assert_eq!(names(&s), vec![("市场监管总局", Role::Lead), ("工业和信息化部", Role::Co)]);
        // An explicit 牵头 wins over the convention.
        let s = scan("健全机制。（农业农村部、工业和信息化部牵头负责）", &mut ctx);
        assert_eq!(names(&s), vec![("农业农村部", Role::Lead), ("工业和信息化部", Role::Lead)]);
    }

    #[test]
    fn convention_in_same_bracket_as_list() {
        let mut ctx = UnitContext::default();
        let s = scan("拓展两个市场。（税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）", &mut ctx);
        assert_eq!(names(&s), vec![("税务总局", Role::Lead), ("财政部", Role::Co), ("海关总署", Role::Co)]);
    }

    #[test]
    fn label_forms_outside_brackets() {
        let s =
            scan("推进改革。\n牵头单位：省发展改革委\n配合单位：省财政厅、省自然资源厅\n", &mut UnitContext::default());
        assert_eq!(names(&s), vec![("省发展改革委", Role::Lead), ("省财政厅", Role::Co), ("省自然资源厅", Role::Co)]);
        let s = scan(
            "推进改革。\n牵头单位：省发展改革委 配合单位：省财政厅；完成时限：2023年12月底\n",
            &mut UnitContext::default(),
        );
        assert_eq!(names(&s), vec![("省发展改革委", Role::Lead), ("省财政厅", Role::Co)]);
        let s = scan("推进改革。（责任单位：省发展改革委（牵头）、省财政厅）", &mut UnitContext::default());
        assert_eq!(names(&s), vec![("省发展改革委", Role::Lead), ("省财政厅", Role::Responsible)]);
    }

    #[test]
    fn other_bracket_groups_are_not_units() {
        for t in [
            "（此件公开发布）",
            "推广政府和社会资本合作（PPP）模式",
            "试点县（市、区）",
            "（垃圾焚烧企业依法依规安装污染物排放自动监测设备、自动监测设备与生态环境部门联网）",
        ] {
            assert!(scan(t, &mut UnitContext::default()).units.is_empty(), "{t}");
        }
    }

    #[test]
    fn etc_and_related_departments_dropped_and_huitong() {
        let s = scan("（海关总署、商务部等有关部门负责）", &mut UnitContext::default());
        assert_eq!(names(&s), vec![("海关总署", Role::Responsible), ("商务部", Role::Responsible)]);
        let s = scan("（省教育厅、省卫生健康委分别负责）", &mut UnitContext::default());
        assert_eq!(names(&s), vec![("省教育厅", Role::Responsible), ("省卫生健康委", Role::Responsible)]);
        let s = scan("（分别由省财政厅、省税务局负责）", &mut UnitContext::default());
        assert_eq!(names(&s), vec![("省财政厅", Role::Responsible), ("省税务局", Role::Responsible)]);
        let s = scan("（省交通运输厅会同省发展改革委负责）", &mut UnitContext::default());
        assert_eq!(names(&s), vec![("省交通运输厅", Role::Lead), ("省发展改革委", Role::Co)]);
    }

    #[test]
    fn unclosed_bracket_is_flagged_but_read() {
        let s = scan("推进改革。（省自然资源厅等按职责分工负责", &mut UnitContext::default());
        assert!(s.unclosed_bracket);
        assert_eq!(names(&s), vec![("省自然资源厅", Role::Responsible)]);
    }
}
