//! The parsed plan: the `duban.plan/1` shape that every later layer (store, exports, UI) reads.

use serde::{Deserialize, Serialize};

/// Schema tag written into every serialised plan.
pub const SCHEMA: &str = "duban.plan/1";

/// A whole work plan as read from one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Plan {
    pub schema: String,
    /// Title of the plan itself (for a notice wrapper, the plan it distributes).
    pub title: Option<String>,
    /// Issuing body, where the document prints one.
    pub issuer: Option<String>,
    /// Document number such as 国办发〔2018〕128号.
    #[serde(default)]
    pub doc_number: Option<String>,
    /// Plan year: used to turn 年底前 into a date.
    pub year: Option<i32>,
    /// Plan-level rules such as "first listed unit leads" or units that apply to every later task.
    pub rules: Vec<Rule>,
    /// What the parser was unsure of, for the review step.
    pub warnings: Vec<Warning>,
    /// Text before the first numbered item (after any notice wrapper).
    #[serde(default)]
    pub preamble: String,
    /// Unnumbered text after the last item (signature, date, 此件公开发布…).
    #[serde(default)]
    pub closing: String,
    pub items: Vec<Item>,
}

/// One numbered item of the document: a heading (it has children) or a task (a leaf).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Item {
    /// The label as printed: "一、", "（十八）", "1.", "（3）", "①".
    pub label: String,
    /// The bare number: "十八", "3".
    pub number: String,
    /// The number as an integer (十八 → 18).
    pub ordinal: u32,
    /// Depth in the tree, 1 for the outermost level.
    pub level: u32,
    /// Bare numbers of the enclosing items, outermost first, ending with this one.
    pub path: Vec<String>,
    /// Lead phrase: the words before the first 。 or ：.
    pub title: String,
    /// Full text of the item (all its paragraphs, without the label), children excluded.
    pub text: String,
    /// 1-based line in the decoded source where the item starts.
    pub line: u32,
    pub units: Vec<Unit>,
    pub targets: Vec<Target>,
    pub deadlines: Vec<Deadline>,
    pub projects: Vec<Project>,
    #[cfg_attr(feature = "schema", schema(no_recursion))]
    pub children: Vec<Item>,
}

impl Item {
    /// A task is a numbered item without numbered children.
    pub fn is_task(&self) -> bool {
        self.children.is_empty()
    }
}

/// A responsible body named at an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Unit {
    /// As written in the document (aliases are resolved by the caller's directory).
    pub name: String,
    pub role: Role,
    pub kind: UnitKind,
    /// The duty word as printed: 牵头, 参与, 配合, 指导, 负责, 负责落实 …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty: Option<String>,
    /// Why the parser read the name as a unit with this role, for the review step.
    #[serde(default)]
    pub basis: UnitBasis,
}

/// What a unit and its role were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitBasis {
    /// A role label before the list: 牵头单位：…, 配合单位：…
    Label,
    /// A duty word closing the list: （…按职责分工负责）, （…牵头）.
    #[default]
    Duty,
    /// A marker after the one name: 省发展改革委（牵头）.
    Marker,
    /// A会同B: A leads, B supports.
    Joint,
    /// The plan's convention that the first listed unit leads (列第一位者为牵头单位).
    FirstListed,
    /// A column of a task table (牵头单位, 配合单位, 责任单位).
    Column,
    /// A bracket of names that reads as a unit list but closes with no duty word: a guess.
    Bare,
}

impl UnitBasis {
    pub const ALL: [UnitBasis; 7] = [
        UnitBasis::Label,
        UnitBasis::Duty,
        UnitBasis::Marker,
        UnitBasis::Joint,
        UnitBasis::FirstListed,
        UnitBasis::Column,
        UnitBasis::Bare,
    ];

    /// As in `duban.plan/1` and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitBasis::Label => "label",
            UnitBasis::Duty => "duty",
            UnitBasis::Marker => "marker",
            UnitBasis::Joint => "joint",
            UnitBasis::FirstListed => "first_listed",
            UnitBasis::Column => "column",
            UnitBasis::Bare => "bare",
        }
    }

    pub fn parse(s: &str) -> Option<UnitBasis> {
        UnitBasis::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 牵头: the unit that leads and reports for the task.
    Lead,
    /// 参与 / 配合 / 指导: the unit that supports.
    Co,
    /// 负责 without a lead/co distinction.
    Responsible,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Lead, Role::Co, Role::Responsible];

    /// As in `duban.plan/1` and the database: `lead`, `co`, `responsible`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Co => "co",
            Role::Responsible => "responsible",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Department,
    Government,
    /// A development zone or new area run by its 管委会 (杨凌示范区管委会, 西咸新区管委会).
    Zone,
    Enterprise,
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 5] =
        [UnitKind::Department, UnitKind::Government, UnitKind::Zone, UnitKind::Enterprise, UnitKind::Other];

    /// As in `duban.plan/1` and the database: `department`, `government`, `zone`, `enterprise`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Department => "department",
            UnitKind::Government => "government",
            UnitKind::Zone => "zone",
            UnitKind::Enterprise => "enterprise",
            UnitKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A quantitative commitment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Target {
    /// The clause the number stands in.
    pub text: String,
    /// What the number counts (保障性租赁住房, 垃圾分类覆盖率).
    pub metric: String,
    /// The value with 万/亿/千 applied; the lower end of a range.
    pub value: f64,
    pub value_max: Option<f64>,
    /// Measure word without 万/亿: 套, 个, %, 个百分点, 千瓦 …
    pub unit: String,
    pub op: Op,
    /// Deadline phrase of the sentence, as an ISO date.
    pub deadline: Option<String>,
    /// Why the comparator was read so, for the review step.
    #[serde(default)]
    pub basis: TargetBasis,
    /// The words that gave the comparator (不少于, 以上, 力争, 最高 …), where some did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
}

/// What a target's comparator was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetBasis {
    /// A comparator word in the number's clause: 不少于, 达到, 控制在, 超过 …, or right after it: 以上, 以内.
    Word,
    /// A limit word before the number: 最高, 最多, 上限 (≤), 最低, 下限 (≥).
    Limit,
    /// A duration followed by the act it bounds: 3个工作日办结 (≤).
    TimeLimit,
    /// 余 / 多 after the number: 240余座 (>).
    About,
    /// Two numbers joined as a range: 10—15个.
    Range,
    /// A word further back in the sentence (力争…, 达到 opening a list): a guess that it reaches this far.
    Sentence,
    /// No comparator word at all: the number as written (=).
    #[default]
    Bare,
}

impl TargetBasis {
    pub const ALL: [TargetBasis; 7] = [
        TargetBasis::Word,
        TargetBasis::Limit,
        TargetBasis::TimeLimit,
        TargetBasis::About,
        TargetBasis::Range,
        TargetBasis::Sentence,
        TargetBasis::Bare,
    ];

    /// As in `duban.plan/1` and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetBasis::Word => "word",
            TargetBasis::Limit => "limit",
            TargetBasis::TimeLimit => "time_limit",
            TargetBasis::About => "about",
            TargetBasis::Range => "range",
            TargetBasis::Sentence => "sentence",
            TargetBasis::Bare => "bare",
        }
    }

    pub fn parse(s: &str) -> Option<TargetBasis> {
        TargetBasis::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// Comparator of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum Op {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "range")]
    Range,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "=",
            Op::Range => "range",
        }
    }
    /// The comparator as a Chinese ledger would print it before the value.
    pub fn zh_prefix(self) -> &'static str {
        match self {
            Op::Ge => "不少于",
            Op::Gt => "超过",
            Op::Le => "不超过",
            Op::Lt => "低于",
            Op::Eq | Op::Range => "",
        }
    }
}

/// A deadline phrase and the date it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Deadline {
    pub text: String,
    /// ISO date (YYYY-MM-DD); absent when the plan year is unknown, or the phrase names no date.
    pub date: Option<String>,
    /// Kept up without an end (长期坚持, 持续推进): no date is due, and none is made up.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ongoing: bool,
}

impl Deadline {
    /// A phrase and the date it means.
    pub fn dated(text: String, date: Option<String>) -> Self {
        Self { text, date, ongoing: false }
    }
}

/// A named project with its milestone (西安外环高速公路南段 — 建成通车).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Project {
    pub name: String,
    pub milestone: String,
}

/// A plan-level rule, recorded once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Rule {
    /// `first_listed_leads` or `applies_to_following`.
    pub kind: String,
    /// The sentence as printed.
    pub text: String,
    /// Units the rule names (for `applies_to_following`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Path of the item where the rule was stated.
    pub from_path: Vec<String>,
    pub line: u32,
}

/// Something the parser was unsure of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Warning {
    pub line: u32,
    /// The path of the item the warning is about (the last item that starts at or before `line`);
    /// empty before the first item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// Stable code, one of [`WARNING_CODES`]; a reader shows the text its catalog has for it, filled with
    /// `args`.
    pub code: String,
    /// The English text (for the command line and logs).
    pub message: String,
    /// The named values the text is made of (`label`, `title`, `name`, `text`, `from`, `to`, `row` …).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub args: std::collections::BTreeMap<String, String>,
}

/// Every warning code, with the names of its arguments. The pages' catalogs have a text for each
/// (`warning-<code>`), with exactly these placeholders (tested).
pub const WARNING_CODES: &[(&str, &[&str])] = &[
    ("no_units", &["label", "title"]),
    ("unclosed_bracket", &["label"]),
    ("odd_unit_name", &["name"]),
    ("unclassified_number", &["text"]),
    ("numbering_gap", &["from", "to", "label"]),
    ("label_out_of_sequence", &["label"]),
    ("unread_target", &["row", "text"]),
    ("no_task_text", &["row"]),
    ("empty_part", &["row", "label", "title"]),
    ("units_without_duty", &["names"]),
    ("op_from_sentence", &["text", "cue"]),
    ("op_assumed", &["text"]),
    ("no_metric", &["text"]),
];

impl Warning {
    /// A warning whose `args` are `args` (name, value).
    pub fn new(line: u32, code: &str, message: String, args: &[(&str, &str)]) -> Warning {
        Warning {
            line,
            path: Vec::new(),
            code: code.to_string(),
            message,
            args: args.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }
}
