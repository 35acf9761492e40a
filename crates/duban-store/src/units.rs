//! The units directory: names, aliases, kinds, parents, contacts; and what generic names stand for.

use duban_core::UnitId;
use duban_core::names::normalize_unit_name;
use duban_core::{Error, ErrorKind};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::Ctx;
use crate::db::{DbResult, Store, Tx, get};
use duban_model::UnitKind;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitRecord {
    pub id: UnitId,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub contact: String,
    pub aliases: Vec<String>,
    /// The protocol order (排序): where units are listed without a plan's printed order, smaller first.
    pub sort_order: i64,
    pub phone: String,
    pub email: String,
    /// 单位审签: its reporters' reports go to its leader before the office.
    pub signoff: bool,
}

/// A unit as the directory sheet gives it: found by its name (or an alias), else created; the parent by
/// name, among the sheet's units and the directory's.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitUpsert {
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: UnitKind,
    pub parent: Option<String>,
    pub sort_order: i64,
    pub contact: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewUnit {
    pub name: String,
    #[serde(default = "default_kind")]
    pub kind: UnitKind,
    #[serde(default)]
    pub parent_id: Option<UnitId>,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

impl Default for NewUnit {
    fn default() -> Self {
        NewUnit {
            name: String::new(),
            kind: default_kind(),
            parent_id: None,
            contact: String::new(),
            aliases: Vec::new(),
        }
    }
}

fn default_kind() -> UnitKind {
    UnitKind::Department
}

/// A change to a unit; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UnitPatch {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    /// `Some(None)` clears the parent.
    #[serde(default, with = "double_option")]
    pub parent_id: Option<Option<UnitId>>,
    pub contact: Option<String>,
    /// 单位审签 on or off.
    #[serde(default)]
    pub signoff: Option<bool>,
}

mod double_option {
    use duban_core::UnitId;
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<UnitId>>, D::Error> {
        Ok(Some(Option::deserialize(d)?))
    }
}

/// What a name in a plan resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    Unit(UnitId),
    Group(Vec<UnitId>),
    Nothing,
}

impl Store {
    pub async fn list_units(&self) -> Result<Vec<UnitRecord>, Error> {
        let rows = sqlx::query(
            "SELECT id, name, kind, parent_id, contact, sort_order, phone, email, signoff FROM units ORDER BY sort_order, id",
        )
        .fetch_all(&self.read)
        .await
        .db()?;
        let aliases =
            sqlx::query("SELECT unit_id, alias FROM unit_aliases ORDER BY alias").fetch_all(&self.read).await.db()?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(unit_from_row(r)?);
        }
        for a in &aliases {
            let id: UnitId = get(a, "unit_id")?;
            if let Some(u) = out.iter_mut().find(|u| u.id == id) {
                u.aliases.push(get(a, "alias")?);
            }
        }
        Ok(out)
    }

    pub async fn get_unit(&self, id: UnitId) -> Result<UnitRecord, Error> {
        let row = sqlx::query(
            "SELECT id, name, kind, parent_id, contact, sort_order, phone, email, signoff FROM units WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await
        .db()?
        .ok_or_else(|| Error::not_found(duban_core::Thing::Unit))?;
        let mut u = unit_from_row(&row)?;
        let aliases = sqlx::query("SELECT alias FROM unit_aliases WHERE unit_id = $1 ORDER BY alias")
            .bind(id)
            .fetch_all(&self.read)
            .await
            .db()?;
        for a in &aliases {
            u.aliases.push(get(a, "alias")?);
        }
        Ok(u)
    }

    pub async fn create_unit(&self, ctx: &Ctx, new: &NewUnit) -> Result<UnitRecord, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let new = new.clone();
        self.write(ctx, async |tx| tx.create_unit(&new).await).await
    }

    /// Renames a unit (the old name stays as an alias, so documents that use it still resolve), or changes
    /// its kind, parent or contact.
    pub async fn update_unit(&self, ctx: &Ctx, unit_id: UnitId, patch: &UnitPatch) -> Result<UnitRecord, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let patch = patch.clone();
        self.write(ctx, async |tx| {
            let row = sqlx::query(
                "SELECT id, name, kind, parent_id, contact, sort_order, phone, email, signoff FROM units WHERE id = $1",
            )
            .bind(unit_id)
            .fetch_optional(tx.conn())
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Unit))?;
            let before = unit_from_row(&row)?;
            if let Some(Some(parent)) = patch.parent_id
                && parent == unit_id
            {
                return Err(Error::bad_input("unit.parent"));
            }
            if let Some(name) = &patch.name {
                let name = check_name(name)?;
                if name != before.name {
                    match tx.resolve_name(&name).await? {
                        Resolved::Nothing => {}
                        Resolved::Unit(id) if id == unit_id => {
                            sqlx::query("DELETE FROM unit_aliases WHERE alias = $1")
                                .bind(&name)
                                .execute(tx.conn())
                                .await
                                .db()?;
                        }
                        _ => {
                            return Err(Error::new(ErrorKind::Conflict, "unit.exists").arg("name", name));
                        }
                    }
                    sqlx::query("UPDATE units SET name = $1 WHERE id = $2")
                        .bind(&name)
                        .bind(unit_id)
                        .execute(tx.conn())
                        .await
                        .db()?;
                    tx.add_alias(unit_id, &before.name).await?;
                }
            }
            sqlx::query(
                "UPDATE units SET kind = COALESCE($1, kind), contact = COALESCE($2, contact), \
                 parent_id = CASE WHEN $3 = 1 THEN $4 ELSE parent_id END, signoff = COALESCE($6, signoff) WHERE id = $5",
            )
            .bind(patch.kind.map(UnitKind::as_str))
            .bind(patch.contact.as_deref().map(str::trim).map(str::to_string))
            .bind(i64::from(patch.parent_id.is_some()))
            .bind(patch.parent_id.flatten())
            .bind(unit_id)
            .bind(patch.signoff.map(i64::from))
            .execute(tx.conn())
            .await
            .db()?;
            let row = sqlx::query(
                "SELECT id, name, kind, parent_id, contact, sort_order, phone, email, signoff FROM units WHERE id = $1",
            )
            .bind(unit_id)
            .fetch_one(tx.conn())
            .await
            .db()?;
            let after = unit_from_row(&row)?;
            tx.audit("unit.update", "unit", unit_id, &before, &after).await?;
            Ok(())
        })
        .await?;
        self.get_unit(unit_id).await
    }

    /// Adds another name under which `unit_id` appears in documents.
    pub async fn add_alias(&self, ctx: &Ctx, unit_id: UnitId, alias: &str) -> Result<UnitRecord, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let alias = check_name(alias)?;
        self.write(ctx, async |tx| {
            tx.add_alias(unit_id, &alias).await?;
            tx.audit("unit.alias_add", "unit", unit_id, &(), &serde_json::json!({ "alias": alias })).await?;
            Ok(())
        })
        .await?;
        self.get_unit(unit_id).await
    }

    /// The directory sheet, applied in one transaction: each row updates the unit of its name (or alias)
    /// or creates it; aliases are added; parents are set by name once every row is in. A name taken by
    /// another unit, or a parent that is nowhere, refuses the whole sheet. Returns (created, updated).
    pub async fn apply_units_sheet(&self, ctx: &Ctx, rows: &[UnitUpsert]) -> Result<(usize, usize), Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let rows = rows.to_vec();
        self.write(ctx, async |tx| {
            let (mut created, mut updated) = (0, 0);
            let mut ids = Vec::with_capacity(rows.len());
            for r in &rows {
                let name = check_name(&r.name)?;
                let id = match tx.resolve_name(&name).await? {
                    Resolved::Unit(id) => {
                        updated += 1;
                        id
                    }
                    Resolved::Nothing => {
                        created += 1;
                        let new = NewUnit { name: name.clone(), kind: r.kind, ..NewUnit::default() };
                        tx.create_unit(&new).await?.id
                    }
                    Resolved::Group(_) => {
                        return Err(Error::new(ErrorKind::Conflict, "unit.exists").arg("name", name));
                    }
                };
                sqlx::query(
                    "UPDATE units SET kind = $1, sort_order = $2, contact = $3, phone = $4, email = $5 WHERE id = $6",
                )
                .bind(r.kind.as_str())
                .bind(r.sort_order)
                .bind(r.contact.trim())
                .bind(r.phone.trim())
                .bind(r.email.trim())
                .bind(id)
                .execute(tx.conn())
                .await
                .db()?;
                for a in &r.aliases {
                    let a = check_name(a)?;
                    if a != name {
                        tx.add_alias(id, &a).await?;
                    }
                }
                ids.push(id);
            }
            for (r, id) in rows.iter().zip(&ids) {
                let parent = match r.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                    Some(p) => match tx.resolve_name(p).await? {
                        Resolved::Unit(pid) if pid != *id => Some(pid),
                        _ => return Err(Error::bad_input("unit.parent_unknown").arg("name", p.to_string())),
                    },
                    None => None,
                };
                sqlx::query("UPDATE units SET parent_id = $1 WHERE id = $2")
                    .bind(parent)
                    .bind(*id)
                    .execute(tx.conn())
                    .await
                    .db()?;
            }
            let summary = serde_json::json!({ "created": created, "updated": updated });
            tx.audit("unit.sheet", "unit", "sheet", &(), &summary).await?;
            Ok((created, updated))
        })
        .await
    }

    /// Says which units a generic name (相关市政府, 各设区市政府) stands for.
    pub async fn set_group(&self, ctx: &Ctx, name: &str, unit_ids: &[UnitId]) -> Result<(), Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let name = check_name(name)?;
        self.write(ctx, async |tx| {
            sqlx::query("DELETE FROM unit_groups WHERE name = $1").bind(&name).execute(tx.conn()).await.db()?;
            for id in unit_ids {
                sqlx::query("INSERT INTO unit_groups (name, unit_id) VALUES ($1, $2)")
                    .bind(&name)
                    .bind(*id)
                    .execute(tx.conn())
                    .await
                    .db()?;
            }
            tx.audit("unit.group_set", "unit_group", &name, &(), &unit_ids).await
        })
        .await
    }
}

impl Tx {
    pub(crate) async fn create_unit(&mut self, new: &NewUnit) -> Result<UnitRecord, Error> {
        let name = check_name(&new.name)?;
        if self.resolve_name(&name).await? != Resolved::Nothing {
            return Err(Error::new(ErrorKind::Conflict, "unit.exists").worded("named").arg("name", name));
        }
        let row = sqlx::query(
            "INSERT INTO units (name, kind, parent_id, contact, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&name)
        .bind(new.kind.as_str())
        .bind(new.parent_id)
        .bind(new.contact.trim())
        .bind(self.now)
        .fetch_one(self.conn())
        .await
        .db()?;
        let id: UnitId = get(&row, "id")?;
        let mut aliases = Vec::new();
        for a in &new.aliases {
            let a = check_name(a)?;
            if a != name && !aliases.contains(&a) {
                self.add_alias(id, &a).await?;
                aliases.push(a);
            }
        }
        let rec = UnitRecord {
            id,
            name,
            kind: new.kind,
            parent_id: new.parent_id,
            contact: new.contact.trim().to_string(),
            aliases,
            sort_order: 0,
            phone: String::new(),
            email: String::new(),
            signoff: false,
        };
        self.audit("unit.create", "unit", id, &(), &rec).await?;
        Ok(rec)
    }

    async fn add_alias(&mut self, unit_id: UnitId, alias: &str) -> Result<(), Error> {
        match self.resolve_name(alias).await? {
            Resolved::Nothing => {}
            Resolved::Unit(id) if id == unit_id => return Ok(()),
            _ => {
                return Err(Error::new(ErrorKind::Conflict, "unit.alias_taken").arg("alias", alias));
            }
        }
        sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2)")
            .bind(alias)
            .bind(unit_id)
            .execute(self.conn())
            .await
            .db()?;
        Ok(())
    }

    /// A name as written in a plan → a unit (by name or alias), a group of units, or nothing.
    pub(crate) async fn resolve_name(&mut self, name: &str) -> Result<Resolved, Error> {
        let key = normalize_unit_name(name);
        let row =
            sqlx::query("SELECT id FROM units WHERE name = $1 UNION SELECT unit_id FROM unit_aliases WHERE alias = $1")
                .bind(&key)
                .fetch_optional(self.conn())
                .await
                .db()?;
        if let Some(row) = row {
            return Ok(Resolved::Unit(row.try_get(0).db()?));
        }
        let rows = sqlx::query("SELECT unit_id FROM unit_groups WHERE name = $1 ORDER BY unit_id")
            .bind(&key)
            .fetch_all(self.conn())
            .await
            .db()?;
        if rows.is_empty() {
            return Ok(Resolved::Nothing);
        }
        let mut ids = Vec::with_capacity(rows.len());
        for r in &rows {
            ids.push(r.try_get(0).db()?);
        }
        Ok(Resolved::Group(ids))
    }
}

fn unit_from_row(r: &sqlx::any::AnyRow) -> Result<UnitRecord, Error> {
    Ok(UnitRecord {
        id: get(r, "id")?,
        name: get(r, "name")?,
        kind: crate::db::unit_kind(&get::<String>(r, "kind")?)?,
        parent_id: get(r, "parent_id")?,
        contact: get(r, "contact")?,
        aliases: Vec::new(),
        sort_order: get(r, "sort_order")?,
        phone: get(r, "phone")?,
        email: get(r, "email")?,
        signoff: get::<i64>(r, "signoff")? != 0,
    })
}

pub(crate) fn check_name(name: &str) -> Result<String, Error> {
    let n = normalize_unit_name(name);
    if n.is_empty() || n.chars().count() > 100 || n.chars().any(char::is_control) {
        return Err(Error::bad_input("unit.name"));
    }
    Ok(n)
}
