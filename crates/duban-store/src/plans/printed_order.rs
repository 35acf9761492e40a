//! The printed order of a task's units, recovered for rows stored before it was kept.

use duban_core::UnitId;
use std::collections::HashMap;

use duban_core::Error;

use crate::db::{DbResult, Store, get};

impl Store {
    /// Gives the units of tasks stored before units kept their place (migration 7 leaves them at -1) the
    /// place the plan prints them in, from the plan as parsed at import (`plans.parsed_json`): a unit's
    /// place is the first printed name that is its name, one of its aliases or a generic name standing for
    /// it; units printed under none come last. Called at every open, so that it is done even when an
    /// earlier open stopped half-way; once done, it finds nothing at -1 and does nothing more.
    #[doc(hidden)]
    pub async fn recover_printed_order(&self) -> Result<(), Error> {
        let pending = sqlx::query(
            "SELECT i.id, i.plan_id, i.path FROM items i WHERE i.id IN \
             (SELECT item_id FROM assignments WHERE position < 0 UNION SELECT item_id FROM unresolved_names WHERE position < 0) \
             ORDER BY i.plan_id",
        )
        .fetch_all(&self.write)
        .await
        .db()?;
        if pending.is_empty() {
            return Ok(());
        }
        let mut names_of: HashMap<UnitId, Vec<String>> = HashMap::new();
        for u in self.list_units().await? {
            names_of.entry(u.id).or_default().extend(std::iter::once(u.name).chain(u.aliases));
        }
        for g in sqlx::query("SELECT name, unit_id FROM unit_groups").fetch_all(&self.write).await.db()? {
            names_of.entry(get(&g, "unit_id")?).or_default().push(get(&g, "name")?);
        }
        let mut printed: HashMap<i64, HashMap<String, Vec<String>>> = HashMap::new();
        let mut conn = self.write.acquire().await.db()?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.db()?;
        for item in &pending {
            let (item_id, plan_id, path): (i64, i64, String) =
                (get(item, "id")?, get(item, "plan_id")?, get(item, "path")?);
            if let std::collections::hash_map::Entry::Vacant(slot) = printed.entry(plan_id) {
                let row = sqlx::query("SELECT parsed_json FROM plans WHERE id = $1")
                    .bind(plan_id)
                    .fetch_one(&mut *tx)
                    .await
                    .db()?;
                let plan: Option<duban_plan::Plan> = serde_json::from_str(&get::<String>(&row, "parsed_json")?).ok();
                let items = plan.as_ref().map(|p| duban_plan::walk_items(&p.items)).unwrap_or_default();
                slot.insert(
                    items
                        .into_iter()
                        .map(|i| (i.path.join("."), i.units.iter().map(|u| u.name.clone()).collect()))
                        .collect(),
                );
            }
            let names = printed.get(&plan_id).and_then(|p| p.get(&path)).cloned().unwrap_or_default();
            let units = sqlx::query("SELECT unit_id FROM assignments WHERE item_id = $1")
                .bind(item_id)
                .fetch_all(&mut *tx)
                .await
                .db()?;
            for u in &units {
                let unit_id: UnitId = get(u, "unit_id")?;
                let place = names_of
                    .get(&unit_id)
                    .into_iter()
                    .flatten()
                    .filter_map(|n| names.iter().position(|p| p == n))
                    .min()
                    .map_or(1_000_000, |p| p as i64);
                sqlx::query("UPDATE assignments SET position = $1 WHERE item_id = $2 AND unit_id = $3")
                    .bind(place)
                    .bind(item_id)
                    .bind(unit_id)
                    .execute(&mut *tx)
                    .await
                    .db()?;
            }
            let unresolved = sqlx::query("SELECT name FROM unresolved_names WHERE item_id = $1")
                .bind(item_id)
                .fetch_all(&mut *tx)
                .await
                .db()?;
            for r in &unresolved {
                let name: String = get(r, "name")?;
                let place = names.iter().position(|p| *p == name).map_or(1_000_000, |p| p as i64);
                sqlx::query("UPDATE unresolved_names SET position = $1 WHERE item_id = $2 AND name = $3")
                    .bind(place)
                    .bind(item_id)
                    .bind(&name)
                    .execute(&mut *tx)
                    .await
                    .db()?;
            }
        }
        tx.commit().await.db()?;
        Ok(())
    }
}
