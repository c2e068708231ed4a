//! Reading and writing a topology's rows. A `PUT` replaces every row of the
//! building in one transaction with its audit row, so readers see the old
//! topology or the new one, never a mix.

use super::{view_of, AreaView, FloorView, GroupView, LiftView, Topology, TopologyInput};
use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{buildings, units, Db};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::{Invalid, Scope};
use hoistway_twin::Building;
use sqlx::AnyConnection;
use std::collections::BTreeSet;

/// The topology of a building the caller can see.
pub async fn get(db: &Db, scope: &Scope, building_id: i64) -> Result<Topology> {
    let mut conn = db.pool.acquire().await?;
    buildings::fetch(&mut *conn, scope, building_id).await?;
    fetch(&mut conn, building_id)
        .await?
        .ok_or(StoreError::NotFound("topology"))
}

/// The twin's model of a stored topology (stored topologies always build).
pub fn twin_building(t: &Topology) -> Result<Building, Invalid> {
    t.to_input()
        .to_building(&format!("building {}", t.building_id))
}

/// Sets (creates or replaces) the topology of a building.
pub async fn put(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    building_id: i64,
    input: TopologyInput,
) -> Result<Topology> {
    let mut tx = db.begin().await?;
    let building = buildings::fetch(&mut *tx, scope, building_id).await?;
    let twin = input.to_building(&building.name)?;
    check_units(&mut tx, building_id, &input).await?;
    let before = fetch(&mut tx, building_id).await?;
    for table in [
        "topology_lifts",
        "topology_group_floors",
        "topology_groups",
        "topology_areas",
        "topology_floors",
        "topologies",
    ] {
        let mut sql = Sql::new(&format!("DELETE FROM {table} WHERE building_id = "));
        sql.bind(building_id);
        sql.execute(&mut *tx).await?;
    }
    let now = actor.at.timestamp_millis();
    let mut sql = Sql::new(
        "INSERT INTO topologies (building_id, customer_id, main_floor, updated_at) VALUES (",
    );
    sql.bind(building_id)
        .push(", ")
        .bind(building.customer_id)
        .push(", ")
        .bind(i64::from(twin.main_floor()))
        .push(", ")
        .bind(now)
        .push(")");
    sql.execute(&mut *tx).await?;
    let (floors, areas, groups) = view_of(&twin, &input);
    insert_rows(&mut tx, building_id, &floors, &areas, &groups).await?;
    let after = fetch(&mut tx, building_id)
        .await?
        .ok_or(StoreError::NotFound("topology"))?;
    let action = if before.is_some() { "update" } else { "create" };
    audit::record(
        &mut tx,
        actor,
        Some(building.customer_id),
        "topology",
        building_id,
        action,
        before.as_ref(),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Lifts may name units: elevators of the same building, each once.
async fn check_units(
    tx: &mut crate::Tx<'_>,
    building_id: i64,
    input: &TopologyInput,
) -> Result<()> {
    let mut seen = BTreeSet::new();
    let ids: Vec<i64> = input
        .groups
        .iter()
        .flat_map(|g| g.lifts.iter().filter_map(|l| l.unit_id))
        .collect();
    for id in ids {
        if !seen.insert(id) {
            return Err(Invalid::new(
                "groups.lifts.unit_id",
                format!("unit {id} is named by two lifts"),
            )
            .into());
        }
        let unit = units::fetch(&mut **tx, &Scope::All, id).await;
        match unit {
            Ok(u) if u.building_id == building_id && u.kind == UnitKind::Elevator => {}
            _ => {
                return Err(Invalid::new(
                    "groups.lifts.unit_id",
                    format!("unit {id} is not an elevator of this building"),
                )
                .into())
            }
        }
    }
    Ok(())
}

/// Appends `(v1, v2, …), (…)` rows to an INSERT through `bind_row`.
fn values<T>(sql: &mut Sql, rows: &[T], mut bind_row: impl FnMut(&mut Sql, &T)) {
    for (i, r) in rows.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        bind_row(sql, r);
        sql.push(")");
    }
}

async fn insert_rows(
    tx: &mut crate::Tx<'_>,
    b: i64,
    floors: &[FloorView],
    areas: &[AreaView],
    groups: &[GroupView],
) -> Result<()> {
    let mut sql = Sql::new(
        "INSERT INTO topology_floors (building_id, number, name, level_m, height_m) VALUES ",
    );
    values(&mut sql, floors, |s, f| {
        s.bind(b).push(", ").bind(i64::from(f.number)).push(", ");
        s.bind(f.name.clone()).push(", ").bind(f.level_m).push(", ");
        s.bind(f.height_m);
    });
    sql.execute(&mut **tx).await?;

    let mut sql =
        Sql::new("INSERT INTO topology_areas (building_id, area_id, floor, side, name) VALUES ");
    values(&mut sql, areas, |s, a| {
        s.bind(b).push(", ").bind(i64::from(a.id)).push(", ");
        s.bind(i64::from(a.floor)).push(", ").bind(a.side.clone());
        s.push(", ").bind(a.name.clone());
    });
    sql.execute(&mut **tx).await?;

    for (pos, g) in groups.iter().enumerate() {
        let mut sql = Sql::new(
            "INSERT INTO topology_groups (building_id, group_id, position, name, decks, rated_speed_mps, acceleration_mps2, jerk_mps3, capacity_persons, door_open_s, door_close_s, door_dwell_s, transfer_s, start_delay_s) VALUES (",
        );
        sql.bind(b).push(", ").bind(g.id.clone()).push(", ");
        sql.bind(pos as i64)
            .push(", ")
            .bind(g.name.clone())
            .push(", ");
        sql.bind(i64::from(g.decks));
        for v in [g.rated_speed_mps, g.acceleration_mps2, g.jerk_mps3] {
            sql.push(", ").bind(v);
        }
        sql.push(", ").bind(i64::from(g.capacity_persons));
        for v in [
            g.door_open_s,
            g.door_close_s,
            g.door_dwell_s,
            g.transfer_s,
            g.start_delay_s,
        ] {
            sql.push(", ").bind(v);
        }
        sql.push(")");
        sql.execute(&mut **tx).await?;

        let mut sql = Sql::new(
            "INSERT INTO topology_group_floors (building_id, group_id, floor, rear) VALUES ",
        );
        values(&mut sql, &g.served_floors, |s, f| {
            s.bind(b).push(", ").bind(g.id.clone()).push(", ");
            s.bind(i64::from(*f))
                .push(", ")
                .bind(i64::from(g.rear_floors.contains(f)));
        });
        sql.execute(&mut **tx).await?;

        let mut sql = Sql::new(
            "INSERT INTO topology_lifts (building_id, lift_id, group_id, position, unit_id) VALUES ",
        );
        let lifts: Vec<(usize, &LiftView)> = g.lifts.iter().enumerate().collect();
        values(&mut sql, &lifts, |s, (i, l)| {
            s.bind(b).push(", ").bind(l.id.clone()).push(", ");
            s.bind(g.id.clone()).push(", ").bind(*i as i64).push(", ");
            s.bind(l.unit_id);
        });
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

fn float(r: &sqlx::any::AnyRow, col: &str) -> Result<f64, sqlx::Error> {
    sqlx::Row::try_get(r, col)
}

/// Reads every row of a building's topology; `None` when it has none.
async fn fetch(conn: &mut AnyConnection, b: i64) -> Result<Option<Topology>> {
    let mut sql = Sql::new("SELECT * FROM topologies WHERE building_id = ");
    sql.bind(b);
    let Some(head) = sql.fetch_optional(&mut *conn).await? else {
        return Ok(None);
    };
    let query = |table: &str, order: &str| {
        let mut sql = Sql::new(&format!("SELECT * FROM {table} WHERE building_id = "));
        sql.bind(b).push(&format!(" ORDER BY {order}"));
        sql
    };
    let floors = query("topology_floors", "number")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(FloorView {
                number: r.int("number")? as i32,
                name: r.text("name")?,
                level_m: float(r, "level_m")?,
                height_m: float(r, "height_m")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let areas = query("topology_areas", "area_id")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(AreaView {
                id: r.int("area_id")? as u32,
                floor: r.int("floor")? as i32,
                side: r.text("side")?,
                name: r.text("name")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let group_floors = query("topology_group_floors", "group_id, floor")
        .fetch_all(&mut *conn)
        .await?;
    let lifts = query("topology_lifts", "group_id, position")
        .fetch_all(&mut *conn)
        .await?;
    let mut groups = Vec::new();
    for r in query("topology_groups", "position")
        .fetch_all(&mut *conn)
        .await?
    {
        let id = r.text("group_id")?;
        let mut served = Vec::new();
        let mut rear = Vec::new();
        for f in &group_floors {
            if f.text("group_id")? == id {
                let n = f.int("floor")? as i32;
                served.push(n);
                if f.int("rear")? != 0 {
                    rear.push(n);
                }
            }
        }
        let mut lift_views = Vec::new();
        for l in &lifts {
            if l.text("group_id")? == id {
                lift_views.push(LiftView {
                    id: l.text("lift_id")?,
                    unit_id: l.opt_int("unit_id")?,
                });
            }
        }
        groups.push(GroupView {
            name: r.text("name")?,
            decks: r.int("decks")? as u8,
            served_floors: served,
            rear_floors: rear,
            lifts: lift_views,
            rated_speed_mps: float(&r, "rated_speed_mps")?,
            acceleration_mps2: float(&r, "acceleration_mps2")?,
            jerk_mps3: float(&r, "jerk_mps3")?,
            capacity_persons: r.int("capacity_persons")? as u32,
            door_open_s: float(&r, "door_open_s")?,
            door_close_s: float(&r, "door_close_s")?,
            door_dwell_s: float(&r, "door_dwell_s")?,
            transfer_s: float(&r, "transfer_s")?,
            start_delay_s: float(&r, "start_delay_s")?,
            id,
        });
    }
    Ok(Some(Topology {
        building_id: b,
        customer_id: head.int("customer_id")?,
        main_floor: head.int("main_floor")? as i32,
        floors,
        areas,
        groups,
        updated_at: head.instant("updated_at")?,
    }))
}
