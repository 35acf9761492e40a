//! Where a project or milestone of a task stands, as a unit reports it.

use serde::{Deserialize, Serialize};

/// 未开工 / 推进中 / 已完成, stored and sent as `not_started`, `in_progress`, `done`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectProgress {
    NotStarted,
    InProgress,
    Done,
}

impl ProjectProgress {
    pub const ALL: [ProjectProgress; 3] =
        [ProjectProgress::NotStarted, ProjectProgress::InProgress, ProjectProgress::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectProgress::NotStarted => "not_started",
            ProjectProgress::InProgress => "in_progress",
            ProjectProgress::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<ProjectProgress> {
        ProjectProgress::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_text() {
        for p in ProjectProgress::ALL {
            assert_eq!(ProjectProgress::parse(p.as_str()), Some(p));
            assert_eq!(serde_json::to_value(p).ok(), Some(serde_json::Value::from(p.as_str())));
        }
        assert!(serde_json::from_str::<ProjectProgress>("\"finished\"").is_err());
    }
}
