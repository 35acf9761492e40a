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
    /// The office: plans, reviews, periods (业务管理员); with the duties not separated, everything.
    Admin,
    Leader,
    Reporter,
    Viewer,
    /// 系统管理员: accounts and the units directory.
    #[serde(rename = "sysadmin")]
    SysAdmin,
    /// 安全审计员: reads the audit log and the sign-in records, changes nothing.
    Auditor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Reporter => "reporter",
            Role::Viewer => "viewer",
            Role::SysAdmin => "sysadmin",
            Role::Auditor => "auditor",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// Leader and reporter belong to a unit; admin and viewer do not.
    pub fn needs_unit(self) -> bool {
        matches!(self, Role::Leader | Role::Reporter)
    }
    pub const ALL: [Role; 6] = [Role::Admin, Role::Leader, Role::Reporter, Role::Viewer, Role::SysAdmin, Role::Auditor];
}

/// The duties 三员分立 keeps apart: the office's business, the accounts and units, the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Plans, reviews, periods, reminders: the office (admin) only.
    Business,
    /// Accounts and the units directory: the system administrator; the office too unless separated.
    Accounts,
    /// The audit log and the sign-in records: the security auditor; the office too unless separated.
    Audit,
}

/// Whether `role` carries `duty`, with the duties separated (三员分立) or not. Separated, each duty has
/// its own role and no role carries two.
pub fn carries(role: Role, duty: Duty, separated: bool) -> bool {
    match duty {
        Duty::Business => role == Role::Admin,
        Duty::Accounts => role == Role::SysAdmin || (role == Role::Admin && !separated),
        Duty::Audit => role == Role::Auditor || (role == Role::Admin && !separated),
    }
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
            // Their duties are accounts and the audit, not the units' reports.
            Role::SysAdmin | Role::Auditor => false,
        }
    }
    /// The actor of the system's own changes (first start, demo, the command line run on the server).
    pub fn is_system(&self) -> bool {
        self.user_id == UserId(0) && self.username == "system" && self.role == Role::Admin
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
mod duty_tests {
    use super::*;

    #[test]
    fn separated_each_duty_has_its_role_and_no_role_two() {
        for role in Role::ALL {
            let held =
                [Duty::Business, Duty::Accounts, Duty::Audit].into_iter().filter(|d| carries(role, *d, true)).count();
            assert!(held <= 1, "{role:?} holds {held} duties when separated");
        }
        assert!(carries(Role::Admin, Duty::Accounts, false) && carries(Role::Admin, Duty::Audit, false));
        assert!(!carries(Role::Admin, Duty::Accounts, true) && !carries(Role::Admin, Duty::Audit, true));
        assert!(carries(Role::SysAdmin, Duty::Accounts, true) && !carries(Role::SysAdmin, Duty::Business, false));
        assert!(carries(Role::Auditor, Duty::Audit, true) && !carries(Role::Auditor, Duty::Accounts, false));
        assert!(!carries(Role::Viewer, Duty::Audit, false));
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
