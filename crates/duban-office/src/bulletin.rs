//! The periodic 调度通报 (progress bulletin) as a Word document, written from a period's summary and the
//! plan's ledger: the figures the office used to copy by hand into its bulletin each month.
//!
//! Sections: 总体情况 (figures and a chart of status by part), 分领域推进情况, 工作亮点 (completed and
//! ahead of schedule), 滞后事项 with their responsible units, units that did not report on time, the
//! indicator table (target, actual, expected by now, forecast), units ranked by completeness and
//! timeliness (with a chart), and the next steps asked of the units.

use chrono::{Datelike, NaiveDate};
use duban_core::Status;
use duban_model::{
    Assessment, IndicatorSummary, Ledger, LedgerItem, StatusCounts, Summary, SupervisionOverview, SupervisionRecord,
    SupervisionState, TaskSummary,
};

use crate::chart;
use crate::docx::{Docx, Properties, Run, Style};
use crate::{Error, format_value};

/// A lagging-free task whose progress is this far ahead of the time line counts as a highlight.
pub const AHEAD_RATIO: f64 = 1.1;

/// What the bulletin is made from.
#[derive(Debug, Clone, Copy)]
pub struct BulletinInput<'a> {
    pub ledger: &'a Ledger,
    pub summary: &'a Summary,
    /// Who issues it (the office), in the issuing line and the signature.
    pub issuer: &'a str,
    /// The bulletin's number in the year (第N期): the period's place among the plan's periods.
    pub number: usize,
    /// The date it is issued on; also the document's creation date, so the file depends only on the data.
    pub issued_on: NaiveDate,
    /// The plan's 督办s that are open on `issued_on`.
    pub supervisions: &'a [SupervisionRecord],
    /// The units' 考核 scores for the period as of `issued_on`.
    pub assessment: Option<&'a Assessment>,
}

/// 2022-07-05 → 2022年7月5日.
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 1 → 一, 12 → 十二, 21 → 二十一 (up to 99, which is more parts than any plan has): the parser's.
pub fn numeral(n: usize) -> String {
    duban_plan::labels::cn_numeral(u32::try_from(n).unwrap_or(u32::MAX))
}

fn percent(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}

fn counts_text(c: &StatusCounts) -> String {
    let parts: Vec<String> = [
        (c.completed, "已完成"),
        (c.on_track, "正常推进"),
        (c.lagging, "滞后"),
        (c.overdue, "逾期"),
        (c.not_reported, "未报送进展"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, label)| format!("{label}{n}项"))
    .collect();
    parts.join("、")
}

fn total(c: &StatusCounts) -> i64 {
    c.completed + c.on_track + c.lagging + c.not_reported + c.overdue
}

/// The units of a task as the ledger lists them: lead first, marked （牵头）.
fn responsible(item: Option<&&LedgerItem>) -> String {
    let Some(item) = item else { return String::new() };
    let mut units: Vec<_> = item.units.iter().collect();
    units.sort_by_key(|u| u.role != duban_model::UnitRole::Lead);
    units
        .iter()
        .map(|u| if u.role == duban_model::UnitRole::Lead { format!("{}（牵头）", u.name) } else { u.name.clone() })
        .chain(item.unresolved_units.iter().cloned())
        .collect::<Vec<_>>()
        .join("、")
}

fn indicator_value(ind: &IndicatorSummary, v: f64) -> String {
    format!("{}{}", format_value((v * 100.0).round() / 100.0), ind.unit)
}

fn target_text(ind: &IndicatorSummary) -> String {
    format!("{}{}", ind.op.symbol(), indicator_value(ind, ind.target))
}

fn task_label(t: &TaskSummary) -> String {
    if t.path.is_empty() { t.title.clone() } else { format!("{} {}", t.path, t.title) }
}

/// The bulletin as .docx bytes.
pub fn bulletin_docx(input: &BulletinInput) -> Result<Vec<u8>, Error> {
    let s = input.summary;
    let plan = &input.ledger.plan;
    let period = &s.period.spec.label_zh;
    let items = input.ledger.by_id();

    let mut d = Docx::new();
    d.text(Style::Masthead, "工作调度通报");
    d.text(Style::Caption, &format!("第{}期", input.number));
    d.split_line(input.issuer, &date_zh(input.issued_on));
    d.red_rule();
    let title = format!("关于{period}《{}》推进情况的通报", plan.title);
    d.text(Style::Title, &title);
    d.text(Style::BodyFlush, "各有关单位：");
    d.text(Style::Body, &format!("按照《{}》调度安排，现将{period}各项任务推进情况通报如下。", plan.title));

    // 一、总体情况
    let mut section = 0;
    let mut heading = |d: &mut Docx, text: &str| {
        section += 1;
        d.text(Style::Heading1, &format!("{}、{text}", numeral(section)));
    };
    heading(&mut d, "总体情况");
    d.paragraph(
        Style::Body,
        &[
            Run::plain(format!("《{}》共确定重点任务{}项。截至{}，", plan.title, s.tasks_total, date_zh(s.as_of))),
            Run::bold(format!("{}。", counts_text(&s.counts))),
            Run::plain(format!(
                "本期应报送进展{}份，实际报送{}份，报送完整率{}；按时报送{}份，按时报送率{}。",
                s.reports_owed,
                s.reports_received,
                percent(s.completeness),
                s.reports_on_time,
                percent(s.on_time_rate)
            )),
        ],
    );
    let rows: Vec<[i64; 5]> = s
        .parts
        .iter()
        .map(|p| [p.counts.completed, p.counts.on_track, p.counts.lagging, p.counts.not_reported, p.counts.overdue])
        .collect();
    let mut figure = 0;
    if !rows.is_empty() {
        let canvas = chart::status_bars(&rows);
        figure += 1;
        d.picture(canvas.png()?, canvas.width, canvas.height, "各部分任务推进状态");
        d.text(
            Style::Caption,
            &format!(
                "图{figure} 各部分任务推进状态（纵轴序号为第几部分，数字为任务项数；深绿为已完成，浅绿为正常推进，黄为滞后，灰为未报送，红为逾期）"
            ),
        );
    }

    // 二、分领域推进情况
    heading(&mut d, "分领域推进情况");
    for (i, p) in s.parts.iter().enumerate() {
        d.text(Style::Heading2, &format!("（{}）{}", numeral(i + 1), p.title));
        let n = total(&p.counts);
        let detail = counts_text(&p.counts);
        d.text(
            Style::Body,
            &if detail.is_empty() {
                format!("共{n}项任务。")
            } else {
                format!("共{n}项任务，其中{detail}。")
            },
        );
    }

    // 三、工作亮点
    heading(&mut d, "工作亮点");
    let completed: Vec<&TaskSummary> = s.tasks.iter().filter(|t| t.status == Status::Completed).collect();
    let ahead: Vec<&TaskSummary> =
        s.tasks.iter().filter(|t| t.status == Status::OnTrack && t.ratio.is_some_and(|r| r >= AHEAD_RATIO)).collect();
    if completed.is_empty() && ahead.is_empty() {
        d.text(Style::Body, "本期暂无已完成或超序时进度推进的任务。");
    }
    if !completed.is_empty() {
        d.text(Style::Body, &format!("已完成任务{}项：", completed.len()));
        for (i, t) in completed.iter().enumerate() {
            d.text(Style::Body, &format!("{}. {}（{}）。", i + 1, task_label(t), responsible(items.get(&t.item_id))));
        }
    }
    if !ahead.is_empty() {
        d.text(Style::Body, &format!("超序时进度推进任务{}项：", ahead.len()));
        for (i, t) in ahead.iter().enumerate() {
            let r = t.ratio.map(percent).unwrap_or_default();
            d.text(
                Style::Body,
                &format!("{}. {}，完成序时进度的{r}（{}）。", i + 1, task_label(t), responsible(items.get(&t.item_id))),
            );
        }
    }

    // 四、滞后事项
    heading(&mut d, "滞后事项");
    let mut table = 0;
    if s.lagging.is_empty() {
        d.text(Style::Body, "本期无滞后或逾期任务。");
    } else {
        let overdue = s.lagging.iter().filter(|t| t.status == Status::Overdue).count();
        d.text(Style::Body, &format!("本期滞后任务{}项（其中逾期{overdue}项），请责任单位抓紧推进：", s.lagging.len()));
        table += 1;
        d.text(Style::Caption, &format!("表{table} 滞后事项"));
        let rows: Vec<Vec<String>> = s
            .lagging
            .iter()
            .enumerate()
            .map(|(i, t)| {
                vec![
                    (i + 1).to_string(),
                    task_label(t),
                    t.status.zh().to_string(),
                    t.ratio.map(percent).unwrap_or_else(|| "—".into()),
                    items
                        .get(&t.item_id)
                        .filter(|i| !i.deadline_text.is_empty())
                        .map_or_else(|| date_zh(t.deadline), |i| i.deadline_text.clone()),
                    responsible(items.get(&t.item_id)),
                ]
            })
            .collect();
        d.table(&[6, 26, 8, 11, 15, 38], &["序号", "任务", "状态", "序时完成比", "完成时限", "责任单位"], &rows);
    }

    supervision_part(&mut d, input, &mut table);

    // 五、未按时报送情况
    heading(&mut d, "未按时报送情况");
    // In the directory's protocol order (排序), as an office lists units in a 通报.
    let mut late: Vec<_> = s.units.iter().filter(|u| u.owed > 0 && u.on_time < u.owed).collect();
    late.sort_by_key(|u| (u.sort_order, u.unit_id));
    if late.is_empty() {
        d.text(Style::Body, "本期各单位均按时报送进展。");
    } else {
        let missing = late.iter().filter(|u| u.received < u.owed).count();
        d.text(
            Style::Body,
            &format!(
                "本期共有{}个单位未按时报送（其中{missing}个单位至今未报齐）：{}。",
                late.len(),
                late.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("、")
            ),
        );
        table += 1;
        d.text(Style::Caption, &format!("表{table} 未按时报送单位"));
        let rows: Vec<Vec<String>> = late
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![
                    (i + 1).to_string(),
                    u.name.clone(),
                    u.owed.to_string(),
                    u.received.to_string(),
                    u.on_time.to_string(),
                    (u.owed - u.received).to_string(),
                ]
            })
            .collect();
        d.table(
            &[6, 40, 12, 12, 12, 12],
            &["序号", "单位", "应报（份）", "已报（份）", "按时（份）", "未报（份）"],
            &rows,
        );
    }

    // 六、主要指标完成情况
    heading(&mut d, "主要指标完成情况");
    if s.indicators.is_empty() {
        d.text(Style::Body, "本计划未设量化指标。");
    } else {
        let behind = s.indicators.iter().filter(|i| matches!(i.status, Status::Lagging | Status::Overdue)).count();
        d.text(Style::Body, &format!("计划共设量化指标{}项，本期落后于序时进度{behind}项。", s.indicators.len()));
        table += 1;
        d.text(Style::Caption, &format!("表{table} 主要指标完成情况"));
        let rows: Vec<Vec<String>> = s
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                vec![
                    (i + 1).to_string(),
                    format!("{}（{}）", ind.metric, ind.path),
                    target_text(ind),
                    ind.actual.map(|v| indicator_value(ind, v)).unwrap_or_else(|| "未报".into()),
                    indicator_value(ind, ind.expected),
                    ind.forecast.as_ref().map(|f| indicator_value(ind, f.at_deadline)).unwrap_or_else(|| "—".into()),
                    ind.status.zh().to_string(),
                ]
            })
            .collect();
        d.table(&[5, 30, 13, 13, 13, 13, 9], &["序号", "指标", "目标", "实际", "序时应达", "预计到期", "状态"], &rows);
    }

    // 七、各单位报送排名
    heading(&mut d, "各单位报送情况排名");
    let ranked: Vec<_> = s.units.iter().filter(|u| u.owed > 0).collect();
    if ranked.is_empty() {
        d.text(Style::Body, "本期无应报送单位。");
    } else {
        table += 1;
        d.text(Style::Body, &format!("各单位按报送完整率、按时报送率排名如下（表{table}）。"));
        let rates: Vec<(f64, f64)> = ranked.iter().map(|u| (u.completeness, u.on_time_rate)).collect();
        let canvas = chart::rate_bars(&rates);
        figure += 1;
        d.picture(canvas.png()?, canvas.width, canvas.height, "各单位报送完整率");
        d.text(
            Style::Caption,
            &format!("图{figure} 各单位报送完整率（蓝柱）与按时报送率（黑线），横轴为表{table}中的排名"),
        );
        d.text(Style::Caption, &format!("表{table} 各单位报送情况排名"));
        let rows: Vec<Vec<String>> = ranked
            .iter()
            .enumerate()
            .map(|(i, u)| {
                vec![
                    (i + 1).to_string(),
                    u.name.clone(),
                    u.owed.to_string(),
                    u.received.to_string(),
                    percent(u.completeness),
                    percent(u.on_time_rate),
                ]
            })
            .collect();
        d.table(&[6, 40, 12, 12, 14, 14], &["排名", "单位", "应报（份）", "已报（份）", "完整率", "按时率"], &rows);
    }
    if let Some(a) = input.assessment.filter(|a| !a.units.is_empty()) {
        table += 1;
        let version = a.rules.first().map_or(0, |r| r.version);
        let rule = if version == 0 { "默认计分规则".to_string() } else { format!("第{version}版计分规则") };
        d.text(Style::Body, &format!("按{rule}，本期各单位考核得分如下（表{table}）。"));
        d.text(Style::Caption, &format!("表{table} 各单位考核得分"));
        let pts = crate::assessment_sheet::points_text;
        let rows: Vec<Vec<String>> = a
            .units
            .iter()
            .map(|u| {
                let top: Vec<&str> = {
                    let mut seen: Vec<&str> = Vec::new();
                    for l in &u.lines {
                        if !seen.contains(&l.event_zh.as_str()) {
                            seen.push(&l.event_zh);
                        }
                    }
                    seen
                };
                vec![u.rank.to_string(), u.name.clone(), pts(u.deductions), pts(u.bonus), pts(u.total), top.join("、")]
            })
            .collect();
        d.table(&[6, 30, 10, 10, 10, 34], &["排名", "单位", "扣分", "加分", "得分", "扣加分事项"], &rows);
    }

    // 八、下步工作要求
    heading(&mut d, "下步工作要求");
    d.text(
        Style::Body,
        "请各责任单位对照任务分工和时间节点，加快推进各项任务。对滞后和逾期事项，牵头单位要会同配合单位分析原因、制定措施，在下期报送时说明整改进展；未按时报送的单位要落实专人负责，按时、完整报送进展情况。",
    );
    d.text(Style::BodyFlush, "");
    d.text(Style::Signature, input.issuer);
    d.text(Style::Signature, &date_zh(input.issued_on));

    d.finish(&Properties {
        title,
        author: input.issuer.to_string(),
        created: format!("{}T00:00:00Z", input.issued_on.format("%Y-%m-%d")),
    })
}

/// Under 滞后事项: the 督办s open on the day, by level, with where their replies stand.
fn supervision_part(d: &mut Docx, input: &BulletinInput, table: &mut usize) {
    let open: Vec<&SupervisionRecord> =
        input.supervisions.iter().filter(|s| s.state == SupervisionState::Open).collect();
    if open.is_empty() {
        return;
    }
    let o = SupervisionOverview::of(input.supervisions, input.issued_on);
    let levels: Vec<String> = [(o.open_red, "红色"), (o.open_yellow, "黄色"), (o.open_blue, "蓝色")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, l)| format!("{l}{n}件"))
        .collect();
    let mut text = format!("目前在办督办事项{}件（{}），", o.open(), levels.join("、"));
    text.push_str(&format!("责任单位已全部回复{}件", o.all_replied));
    if o.reply_overdue > 0 {
        text.push_str(&format!("，逾期未回复{}件", o.reply_overdue));
    }
    text.push('。');
    d.text(Style::Body, &text);
    *table += 1;
    d.text(Style::Caption, &format!("表{table} 在办督办事项"));
    let rows: Vec<Vec<String>> = open
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let overdue = s.reply_overdue(input.issued_on);
            vec![
                (i + 1).to_string(),
                s.number.clone(),
                s.level.label_zh().to_string(),
                format!("{} {}", s.task_path, s.task_title),
                date_zh(s.reply_by),
                format!(
                    "已回复{}/{}个单位{}",
                    s.replied_count(),
                    s.units.len(),
                    if overdue { "，逾期未回复" } else { "" }
                ),
            ]
        })
        .collect();
    d.table(&[6, 18, 14, 32, 14, 16], &["序号", "督办编号", "等级", "任务", "回复时限", "回复情况"], &rows);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 24, 99].iter().map(|n| numeral(*n)).collect();
        assert_eq!(got, ["一", "九", "十", "十一", "二十", "二十四", "九十九"]);
    }

    #[test]
    fn percentages_drop_a_trailing_zero() {
        assert_eq!(percent(0.95), "95%");
        assert_eq!(percent(0.9523), "95.2%");
        assert_eq!(percent(1.0), "100%");
    }
}
