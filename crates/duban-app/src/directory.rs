//! The directory from the plan: for each name of a draft that no unit answers to, what the office may do
//! on the check page without visiting the administration: map it to a unit the directory already has
//! (suggested by abbreviation and full name: 省发改委 ↔ 省发展改革委), create it as a new unit with a kind
//! and parent guessed from its name, or, for a generic name (相关市政府), say which units it stands for.

use std::collections::BTreeMap;

use duban_core::names::{NameMatch, guess_parent, suggest};
use duban_core::{Error, PlanId, UnitId};
use duban_model::UnitKind;
use duban_store::{NewUnit, Store, UnitRecord};
use serde::Serialize;

/// How many directory units are suggested for one name.
const SUGGESTIONS: usize = 3;

/// A unit the directory has that an unmapped name may mean.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub unit_id: UnitId,
    pub name: String,
    /// `same`, `abbreviation` or `prefix`.
    #[schema(value_type = String)]
    pub how: &'static str,
}

/// An unmapped name of a plan with what the office may do about it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NameProposal {
    pub name: String,
    /// The items that print it (paths such as 一.3).
    pub paths: Vec<String>,
    /// Directory units it may mean, best first.
    pub candidates: Vec<Candidate>,
    /// A generic name (相关市政府, 各有关部门) stands for several units: it is mapped as a group, not
    /// created as a unit.
    pub generic: bool,
    /// The kind a new unit of this name would get (…市政府 a government, …管委会 a zone, …集团 an enterprise).
    pub kind: UnitKind,
    /// The government a new unit of this name would belong to (西安市住建局 → 西安市政府), if the
    /// directory has it.
    pub parent_id: Option<UnitId>,
    /// For a generic name, the units it most likely stands for (相关市政府 → the directory's city
    /// governments).
    pub members: Vec<UnitId>,
}

fn how(m: NameMatch) -> &'static str {
    match m {
        NameMatch::Same => "same",
        NameMatch::Abbreviation => "abbreviation",
        NameMatch::Prefix => "prefix",
    }
}

/// Whether a name stands for several units rather than one body.
pub fn is_generic(name: &str) -> bool {
    ["各", "相关", "有关", "其他", "其它"].iter().any(|p| name.starts_with(p))
        || ["成员单位", "各部门", "各单位"].iter().any(|s| name.ends_with(s))
}

/// The kind a new unit gets from its name: the parser's reading, a department where it reads as none.
pub fn guess_kind(name: &str) -> UnitKind {
    match duban_plan::units::unit_kind(name) {
        UnitKind::Other if !name.ends_with("协会") && !name.ends_with("学会") => UnitKind::Department,
        kind => kind,
    }
}

/// What the check page offers for each unmapped name of the plan, in the order of the names.
pub async fn proposals(store: &Store, plan_id: PlanId) -> Result<Vec<NameProposal>, Error> {
    let mut pending = store.unresolved_names(plan_id).await?;
    // In the order the plan prints them (items are stored in document order, so their ids rise with it).
    pending.sort_by_key(|u| (u.item_id, u.position));
    let directory = store.list_units().await?;
    let names_of: Vec<(UnitId, Vec<String>)> = directory
        .iter()
        .map(|u| (u.id, std::iter::once(u.name.clone()).chain(u.aliases.iter().cloned()).collect()))
        .collect();
    let governments: Vec<(UnitId, &str)> =
        directory.iter().filter(|u| u.kind == UnitKind::Government).map(|u| (u.id, u.name.as_str())).collect();
    let name_of: BTreeMap<UnitId, &UnitRecord> = directory.iter().map(|u| (u.id, u)).collect();
    let mut out: Vec<NameProposal> = Vec::new();
    for u in pending {
        if let Some(p) = out.iter_mut().find(|p| p.name == u.name) {
            p.paths.push(u.path);
            continue;
        }
        let generic = is_generic(&u.name);
        let candidates = if generic {
            Vec::new()
        } else {
            suggest(&u.name, names_of.iter().map(|(id, n)| (*id, n.as_slice())), SUGGESTIONS)
                .into_iter()
                .filter_map(|(id, m)| {
                    let unit = name_of.get(&id)?;
                    Some(Candidate { unit_id: id, name: unit.name.clone(), how: how(m) })
                })
                .collect()
        };
        // 相关市政府, 各县（市、区）政府: the governments below the office; 各有关部门: nothing guessed.
        let members = if generic && u.name.ends_with("政府") {
            governments.iter().map(|(id, _)| *id).collect()
        } else {
            Vec::new()
        };
        out.push(NameProposal {
            kind: guess_kind(&u.name),
            parent_id: if generic { None } else { guess_parent(&u.name, governments.iter().copied()) },
            name: u.name,
            paths: vec![u.path],
            candidates,
            generic,
            members,
        });
    }
    Ok(out)
}

/// The units to create for the names the office chose, checked: a name must be one of the plan's
/// unmapped names, and not generic.
pub fn units_to_create(
    proposals: &[NameProposal],
    chosen: &[(String, UnitKind, Option<UnitId>)],
) -> Result<Vec<NewUnit>, Error> {
    chosen
        .iter()
        .map(|(name, kind, parent_id)| {
            let known = proposals.iter().find(|p| p.name == *name);
            match known {
                Some(p) if !p.generic => {
                    Ok(NewUnit { name: name.clone(), kind: *kind, parent_id: *parent_id, ..NewUnit::default() })
                }
                Some(_) => Err(Error::bad_input("unit.generic").arg("name", name.clone())),
                None => Err(Error::bad_input("unit.not_unmapped").arg("name", name.clone())),
            }
        })
        .collect()
}

/// The directory as the units sheet: every unit in its order, with its parent's name.
pub async fn units_sheet(store: &Store) -> Result<Vec<u8>, Error> {
    use duban_office::directory_sheets::{UnitSheetRow, units_xlsx};
    let units = store.list_units().await?;
    let name_of: BTreeMap<UnitId, &str> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let rows: Vec<UnitSheetRow> = (2..)
        .zip(&units)
        .map(|(line, u)| UnitSheetRow {
            line,
            name: u.name.clone(),
            aliases: u.aliases.clone(),
            kind: u.kind,
            parent: u.parent_id.and_then(|p| name_of.get(&p)).map(|n| n.to_string()).unwrap_or_default(),
            sort_order: u.sort_order,
            contact: u.contact.clone(),
            phone: u.phone.clone(),
            email: u.email.clone(),
        })
        .collect();
    units_xlsx(&rows)
}

/// The accounts as the accounts sheet.
pub async fn accounts_sheet(store: &Store) -> Result<Vec<u8>, Error> {
    use duban_office::directory_sheets::{AccountSheetRow, accounts_xlsx};
    let units = store.list_units().await?;
    let name_of: BTreeMap<UnitId, &str> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let rows: Vec<AccountSheetRow> = (2..)
        .zip(store.list_users().await?)
        .map(|(line, u)| AccountSheetRow {
            line,
            unit: u.unit_id.and_then(|id| name_of.get(&id)).map(|n| n.to_string()).unwrap_or_default(),
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            phone: u.phone,
            email: u.email,
            disabled: u.disabled,
        })
        .collect();
    accounts_xlsx(&rows)
}

/// A filled-in units sheet applied: every bad cell (a parent named nowhere included) listed, else all
/// rows written at once. Returns (created, updated).
/// (`rows` from [`duban_office::directory_sheets::read_units_sheet`], run where uploads are read.)
pub async fn apply_units_sheet(
    store: &Store,
    ctx: &duban_store::Ctx,
    rows: Vec<duban_office::directory_sheets::UnitSheetRow>,
) -> Result<(usize, usize), Error> {
    ctx.actor.require_admin()?;
    let upserts: Vec<duban_store::UnitUpsert> = rows
        .into_iter()
        .map(|r| duban_store::UnitUpsert {
            name: r.name,
            aliases: r.aliases,
            kind: r.kind,
            parent: Some(r.parent).filter(|p| !p.is_empty()),
            sort_order: r.sort_order,
            contact: r.contact,
            phone: r.phone,
            email: r.email,
        })
        .collect();
    store.apply_units_sheet(ctx, &upserts).await
}

/// A filled-in accounts sheet applied: every bad cell (a unit the directory lacks included) listed, else
/// all rows written at once; new accounts get `unknown_hash` (the hash of a password nobody knows) until
/// the office issues them initial passwords. Returns the new accounts' ids.
pub async fn apply_accounts_sheet(
    store: &Store,
    ctx: &duban_store::Ctx,
    rows: Vec<duban_office::directory_sheets::AccountSheetRow>,
    unknown_hash: &str,
) -> Result<Vec<duban_core::UserId>, Error> {
    use duban_office::report_sheet::{CellProblem, problems_error};
    ctx.actor.require_admin()?;
    let directory = store.list_units().await?;
    let unit_of = |n: &str| {
        let n = duban_core::names::normalize_unit_name(n);
        directory.iter().find(|u| u.name == n || u.aliases.contains(&n)).map(|u| u.id)
    };
    let mut upserts = Vec::with_capacity(rows.len());
    for r in rows {
        // The sheet was read against the directory: a unit it names is there, unless it went since.
        let unit_id = if r.unit.is_empty() { None } else { unit_of(&r.unit) };
        if !r.unit.is_empty() && unit_id.is_none() {
            let p = CellProblem::new(r.line, "单位", "unknown_unit").arg("value", &r.unit);
            return Err(problems_error(&[p]));
        }
        upserts.push(duban_store::AccountUpsert {
            username: r.username,
            display_name: r.display_name,
            // Only a unit's people belong to a unit.
            unit_id: if r.role.needs_unit() { unit_id } else { None },
            role: r.role,
            phone: r.phone,
            email: r.email,
            disabled: r.disabled,
        });
    }
    store.apply_accounts_sheet(ctx, &upserts, unknown_hash).await
}

/// The directory's names and aliases, normalized: what a sheet may name as a unit or a parent.
pub async fn known_names(store: &Store) -> Result<std::collections::HashSet<String>, Error> {
    let units = store.list_units().await?;
    Ok(units
        .into_iter()
        .flat_map(|u| std::iter::once(u.name).chain(u.aliases))
        .map(|n| duban_core::names::normalize_unit_name(&n))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_generic_names_are_guessed_from_the_name() {
        assert_eq!(guess_kind("西安市政府"), UnitKind::Government);
        assert_eq!(guess_kind("西咸新区管委会"), UnitKind::Zone);
        assert_eq!(guess_kind("陕西建工控股集团"), UnitKind::Enterprise);
        assert_eq!(guess_kind("省发展改革委"), UnitKind::Department);
        assert_eq!(guess_kind("省数据局"), UnitKind::Department);
        assert_eq!(guess_kind("省消费者协会"), UnitKind::Other);
        assert!(is_generic("相关市政府") && is_generic("各县（市、区）政府") && is_generic("领导小组成员单位"));
        assert!(!is_generic("省发展改革委") && !is_generic("西安市政府"));
    }
}
