//! Where a unit's request for a later deadline stands.

use serde::{Deserialize, Serialize};

/// A request for a later deadline: `pending` until the office approves or refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExtensionState {
    Pending,
    Approved,
    Refused,
}

impl ExtensionState {
    pub const ALL: [ExtensionState; 3] = [ExtensionState::Pending, ExtensionState::Approved, ExtensionState::Refused];

    /// As in the database and the API: `pending`, `approved`, `refused`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionState::Pending => "pending",
            ExtensionState::Approved => "approved",
            ExtensionState::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<ExtensionState> {
        ExtensionState::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// So that a state reads as it is written (`ext.state == "approved"`).
impl PartialEq<&str> for ExtensionState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_text() {
        for s in ExtensionState::ALL {
            assert_eq!(ExtensionState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::Value::from(s.as_str())));
        }
        assert_eq!(ExtensionState::parse("maybe"), None);
    }
}
