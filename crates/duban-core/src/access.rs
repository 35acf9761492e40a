//! Roles and what each may see and change.
//!
//! The office (admin) runs the plan. A unit's reporter drafts and submits its reports; its leader may do the
//! same and answers for them. Leadership (viewer) reads everything and changes nothing. People of a unit see
//! and change only their own unit's reports; everyone signed in may read the ledger and the summaries.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ids::{UnitId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Leader,
    Reporter,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Reporter => "reporter",
            Role::Viewer => "viewer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "leader" => Some(Role::Leader),
            "reporter" => Some(Role::Reporter),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }
    /// Leader and reporter belong to a unit; admin and viewer do not.
    pub fn needs_unit(self) -> bool {
        matches!(self, Role::Leader | Role::Reporter)
    }
    pub const ALL: [Role; 4] = [Role::Admin, Role::Leader, Role::Reporter, Role::Viewer];
}

/// The person acting, as the store and the rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub unit_id: Option<UnitId>,
}

impl Actor {
    /// The actor of changes made by the system itself (`duban serve` first start, demo loading).
    pub fn system() -> Actor {
        Actor { user_id: UserId(0), username: "system".into(), role: Role::Admin, unit_id: None }
    }
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    /// May this person read the reports of `unit`?
    pub fn can_read_unit(&self, unit: UnitId) -> bool {
        match self.role {
            Role::Admin | Role::Viewer => true,
            Role::Leader | Role::Reporter => self.unit_id == Some(unit),
        }
    }
    /// May this person write (draft, submit, ask for an extension) for `unit`?
    pub fn can_report_for(&self, unit: UnitId) -> bool {
        matches!(self.role, Role::Leader | Role::Reporter) && self.unit_id == Some(unit)
    }
    pub fn require_admin(&self) -> Result<(), Error> {
        if self.is_admin() { Ok(()) } else { Err(Error::forbidden()) }
    }
    pub fn require_read_unit(&self, unit: UnitId) -> Result<(), Error> {
        if self.can_read_unit(unit) { Ok(()) } else { Err(Error::forbidden()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, unit: Option<i64>) -> Actor {
        Actor { user_id: UserId(1), username: "u".into(), role, unit_id: unit.map(UnitId) }
    }

    #[test]
    fn units_see_only_their_own_reports() {
        assert!(actor(Role::Reporter, Some(3)).can_read_unit(UnitId(3)));
        assert!(!actor(Role::Reporter, Some(3)).can_read_unit(UnitId(4)));
        assert!(!actor(Role::Leader, Some(3)).can_report_for(UnitId(4)));
        assert!(actor(Role::Viewer, None).can_read_unit(UnitId(4)));
        assert!(!actor(Role::Viewer, None).can_report_for(UnitId(4)));
        assert!(!actor(Role::Admin, None).can_report_for(UnitId(4)));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
