//! Named projects and their milestones, a first cut: 加快西延高铁、西康高铁建设 → (西延高铁, 加快建设);
//! 建成通车西安外环高速公路南段; 6号线二期年内建成通车; 开工建设府谷、定边机场.

use crate::model::Project;

/// Endings of project names: lines, roads, airports, works.
const NAME_ENDS: [&str; 34] = [
    "高铁",
    "铁路",
    "城际",
    "高速公路",
    "高速",
    "公路",
    "机场",
    "改扩建工程",
    "扩建工程",
    "工程",
    "水利枢纽",
    "枢纽",
    "水库",
    "号线",
    "地铁",
    "项目",
    "大桥",
    "隧道",
    "港区",
    "码头",
    "电站",
    "电厂",
    "管道",
    "引水",
    "二期",
    "三期",
    "四期",
    "南段",
    "北段",
    "东段",
    "西段",
    "段",
    "线",
    "站",
];

/// Milestone verbs, longest first, and the milestone they name.
const VERBS_BEFORE: [(&str, &str); 12] = [
    ("加快推进", "加快推进"),
    ("建成通车", "建成通车"),
    ("建成投运", "建成投运"),
    ("建成投产", "建成投产"),
    ("开工建设", "开工建设"),
    ("加快建设", "加快建设"),
    ("推进", "推进"),
    ("加快", "加快建设"),
    ("开工", "开工建设"),
    ("建成", "建成"),
    ("开展", "前期工作"),
    ("完成", "完成"),
];

const VERBS_AFTER: [&str; 9] =
    ["建成通车", "建成投运", "建成投产", "开工建设", "加快建设", "竣工验收", "建成", "开工", "通车"];

fn ends_with_name_end(s: &str) -> Option<&'static str> {
    NAME_ENDS.iter().copied().find(|e| s.ends_with(e) && s.chars().count() > e.chars().count())
}

/// "…水库等项目" → "…水库".
fn strip_etc(body: &str) -> &str {
    ["等项目", "等工程", "等"].iter().find_map(|t| body.strip_suffix(t)).unwrap_or(body)
}

/// Generic phrases such as 重大基础设施项目 name a class of projects, not one.
fn is_generic(name: &str) -> bool {
    ["重大", "重点", "一批", "相关", "各类", "有关", "基础设施"].iter().any(|p| name.starts_with(p))
}

/// Split "府谷、定边机场" into 府谷机场, 定边机场 (a shared ending is distributed).
fn names(list: &str) -> Vec<String> {
    let parts: Vec<&str> = list.split('、').map(str::trim).filter(|p| !p.is_empty()).collect();
    let shared = parts.last().and_then(|l| ends_with_name_end(l));
    parts
        .iter()
        .filter(|p| !is_generic(p))
        .filter_map(|p| match (ends_with_name_end(p), shared) {
            (Some(_), _) => Some((*p).to_string()),
            (None, Some(end)) if p.chars().count() <= 6 => Some(format!("{p}{end}")),
            _ => None,
        })
        .collect()
}

/// Projects named in a text.
pub fn find_projects(text: &str) -> Vec<Project> {
    let mut out: Vec<Project> = Vec::new();
    for clause in text.split(['。', '；', '，', '\n']) {
        let mut clause = clause.trim();
        for adverb in ["协同", "积极", "全力", "有序", "继续"] {
            clause = clause.strip_prefix(adverb).unwrap_or(clause);
        }
        let mut found = false;
        for (verb, milestone) in VERBS_BEFORE {
            let Some(rest) = clause.strip_prefix(verb) else {
                continue;
            };
            let (body, milestone) = if let Some(b) = rest.strip_suffix("前期工作") {
                (b, "前期工作")
            } else if let Some(b) = rest.strip_suffix("建设进度").or_else(|| rest.strip_suffix("建设")) {
                (b, if milestone == "推进" { "加快建设" } else { milestone })
            } else {
                (rest, milestone)
            };
            let body = strip_etc(body);
            let list = names(body);
            if !list.is_empty() && list.len() == body.split('、').count() {
                for name in list {
                    out.push(Project { name, milestone: milestone.to_string() });
                }
                found = true;
                break;
            }
        }
        if found {
            continue;
        }
        for verb in VERBS_AFTER {
            let Some(body) = clause.strip_suffix(verb) else {
                continue;
            };
            let body = body.strip_suffix("年内").or_else(|| body.strip_suffix("年底前")).unwrap_or(body);
            let body = strip_etc(body);
            let list = names(body);
            if !list.is_empty() && list.len() == body.split('、').count() {
                for name in list {
                    out.push(Project { name, milestone: verb.to_string() });
                }
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaanxi_infrastructure_sentence() {
        let p = find_projects(
            "加快西延高铁、西康高铁、西十高铁建设，推进延安经榆林至鄂尔多斯高铁前期工作。建成通车西安外环高速公路南段，开工建设府谷、定边机场。6号线二期年内建成通车。",
        );
        let got: Vec<(&str, &str)> = p.iter().map(|p| (p.name.as_str(), p.milestone.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("西延高铁", "加快建设"),
                ("西康高铁", "加快建设"),
                ("西十高铁", "加快建设"),
                ("延安经榆林至鄂尔多斯高铁", "前期工作"),
                ("西安外环高速公路南段", "建成通车"),
                ("府谷机场", "开工建设"),
                ("定边机场", "开工建设"),
                ("6号线二期", "建成通车"),
            ]
        );
    }

    #[test]
    fn policy_sentences_are_not_projects() {
        assert!(find_projects("推进农机装备创新中心、产业技术创新联盟建设。完善政策措施。").is_empty());
    }
}
