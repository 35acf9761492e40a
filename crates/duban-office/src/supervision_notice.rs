//! The 督办通知单: the numbered notice the office prints and sends with a 督办, in the layout of an official
//! document (red masthead and rule, number and date, addressees, the notice, a form of the case, the units'
//! replies, signature). Written with the bulletin's .docx writer: same data, same bytes.

use chrono::NaiveDate;
use duban_model::{SupervisionRecord, SupervisionState, UnitRole};

use crate::Error;
use crate::bulletin::date_zh;
use crate::docx::{Docx, Properties, Style};

/// What the notice is made from.
#[derive(Debug, Clone, Copy)]
pub struct NoticeInput<'a> {
    pub supervision: &'a SupervisionRecord,
    /// The plan's title, as the notice cites it: 《…》.
    pub plan_title: &'a str,
    /// The task's deadline as the plan words it (年底前), or a date.
    pub deadline: &'a str,
    /// The period whose 调度 found the task behind, when there was one (2026年11月).
    pub period_label: Option<&'a str>,
    /// Who issues it (the office), in the issuing line and the signature.
    pub issuer: &'a str,
    /// The day it was issued (its dates are the caller's, so the file depends only on the data).
    pub issued_on: NaiveDate,
}

fn role_word(r: UnitRole) -> &'static str {
    match r {
        UnitRole::Lead => "（牵头）",
        UnitRole::Co => "（配合）",
        UnitRole::Responsible => "",
    }
}

/// The notice as .docx bytes.
pub fn notice_docx(input: &NoticeInput) -> Result<Vec<u8>, Error> {
    let s = input.supervision;
    let mut d = Docx::new();
    d.text(Style::Masthead, "督办通知单");
    d.split_line(&s.number, &date_zh(input.issued_on));
    d.red_rule();
    let units: Vec<String> = s.units.iter().map(|u| u.name.clone()).collect();
    d.text(Style::BodyFlush, &format!("{}：", units.join("、")));
    let found = match input.period_label {
        Some(p) => format!("经{p}调度，"),
        None => String::new(),
    };
    let task = format!("{} {}", s.task_path, s.task_title);
    d.text(
        Style::Body,
        &format!(
            "按照《{}》调度安排，{found}你单位承担的“{task}”任务推进滞后。现予{}，请于{}前将整改措施和新的完成时限书面回复。",
            input.plan_title,
            s.level.label_zh(),
            date_zh(s.reply_by)
        ),
    );
    let responsible: Vec<String> = s.units.iter().map(|u| format!("{}{}", u.name, role_word(u.role))).collect();
    let mut rows = vec![
        vec!["督办编号".to_string(), s.number.clone()],
        vec!["督办等级".to_string(), s.level.label_zh().to_string()],
        vec!["督办事项".to_string(), task.clone()],
        vec!["完成时限".to_string(), input.deadline.to_string()],
        vec!["责任单位".to_string(), responsible.join("、")],
        vec!["督办事由".to_string(), s.reason.clone()],
        vec!["督办要求".to_string(), s.demand.clone()],
        vec!["回复时限".to_string(), date_zh(s.reply_by)],
    ];
    if let Some(from) = &s.escalated_from_number {
        rows.push(vec!["前次督办".to_string(), format!("由{from}升级")]);
    }
    d.table(&[22, 78], &["项目", "内容"], &rows);

    d.text(Style::Heading1, "回复情况");
    let replies: Vec<Vec<String>> = s
        .units
        .iter()
        .map(|u| {
            vec![
                u.name.clone(),
                if u.replied() { u.measures.clone() } else { "（尚未回复）".into() },
                u.new_deadline.map(date_zh).unwrap_or_default(),
            ]
        })
        .collect();
    d.table(&[28, 50, 22], &["单位", "整改措施", "新的完成时限"], &replies);
    let closing = match s.state {
        SupervisionState::Open => String::new(),
        SupervisionState::Accepted => format!("办理结果：已办结。{}", s.decision_note),
        SupervisionState::Escalated => format!("办理结果：已升级督办。{}", s.decision_note),
    };
    if !closing.is_empty() {
        d.text(Style::Body, closing.trim_end());
    }
    d.text(Style::BodyFlush, "");
    d.text(Style::Signature, input.issuer);
    d.text(Style::Signature, &date_zh(input.issued_on));
    d.finish(&Properties {
        title: format!("督办通知单 {}", s.number),
        author: input.issuer.to_string(),
        created: format!("{}T00:00:00Z", input.issued_on.format("%Y-%m-%d")),
    })
}
