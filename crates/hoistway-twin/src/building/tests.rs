//! Tests of the building loader: the example files and each validation rule.

use super::*;

const OFFICE_10: &str = include_str!("../../../../examples/buildings/office-10.toml");
const OFFICE_20: &str = include_str!("../../../../examples/buildings/office-20x6.toml");
const RESIDENTIAL: &str = include_str!("../../../../examples/buildings/residential-8.toml");

#[test]
fn examples_load() {
    let b = Building::from_toml_str(OFFICE_10).unwrap();
    assert_eq!(b.floors().len(), 11);
    assert_eq!(b.groups()[0].lifts.len(), 4);
    assert_eq!(b.groups()[0].floors_above(b.main_floor()), 10);
    assert_eq!(b.floor(0).unwrap().name, "Lobby");

    let b = Building::from_toml_str(OFFICE_20).unwrap();
    assert_eq!(b.groups()[0].lifts.len(), 6);
    assert_eq!(b.groups()[0].floors_above(0), 20);
    // Lobby override: floor 1 sits 4.5 m up, floor 2 at 4.5 + 3.6.
    assert!((b.floor(2).unwrap().level_m - 8.1).abs() < 1e-9);

    let b = Building::from_toml_str(RESIDENTIAL).unwrap();
    assert_eq!(b.floor_index(-1), Some(0));
    assert_eq!(b.groups()[0].lifts[1].id, "R-right");
    assert_eq!(b.area_at(0, Side::Rear).unwrap().id, 2010);
    assert!(b.area_at(3, Side::Rear).is_none());
    assert_eq!(b.area(3000).unwrap().floor, 1);
}

fn with(replace: &str, by: &str) -> Result<Building, TwinError> {
    assert!(OFFICE_10.contains(replace), "fixture lacks {replace}");
    Building::from_toml_str(&OFFICE_10.replacen(replace, by, 1))
}

fn field_of(r: Result<Building, TwinError>) -> String {
    match r {
        Err(TwinError::Invalid { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn rejects_bad_physics_with_the_field_name() {
    assert_eq!(
        field_of(with("rated_speed_mps = 1.6", "rated_speed_mps = 0")),
        "groups[0].rated_speed_mps"
    );
    assert_eq!(
        field_of(with("height_m = 3.3", "height_m = -3.3")),
        "floors.height_m"
    );
    assert_eq!(
        field_of(with("capacity_persons = 13", "capacity_persons = 0")),
        "groups[0].capacity_persons"
    );
    assert_eq!(
        field_of(with("transfer_s = 1.2", "transfer_s = 0.0")),
        "groups[0].transfer_s"
    );
    assert_eq!(
        field_of(with(
            "door_open_s = 2.4\ndoor_close_s = 3.2",
            "door_open_s = 0.0\ndoor_close_s = 0.0"
        )),
        "groups[0].door_open_s/door_close_s"
    );
}

#[test]
fn rejects_bad_topology() {
    assert_eq!(
        field_of(with("main_floor = 0", "main_floor = 12")),
        "main_floor"
    );
    assert_eq!(
        field_of(with("highest = 10", "highest = 0")),
        "floors.highest"
    );
    assert_eq!(field_of(with("lifts = 4", "lifts = 0")), "groups[0].lifts");
    assert_eq!(
        field_of(with("lifts = 4", "lifts = 4\nlowest = 1")),
        "groups[0].lowest/highest/skip"
    );
    assert_eq!(
        field_of(with("lifts = 4", "lifts = 4\nskip = [11]")),
        "groups[0].skip"
    );
    assert_eq!(
        field_of(with("lifts = 4", "lifts = 2\nlift_ids = [\"X\"]")),
        "groups[0].lift_ids"
    );
    assert_eq!(
        field_of(with("lifts = 4", "lifts = 2\nlift_ids = [\"X\", \"X\"]")),
        "groups[0].lift_ids"
    );
    assert_eq!(
        field_of(with("\"0\" = \"Lobby\"", "\"99\" = \"Lobby\"")),
        "floors.names"
    );
}

#[test]
fn rejects_unknown_fields_and_bad_syntax() {
    assert!(
        matches!(with("lifts = 4", "lifts = 4\nspeed = 3"), Err(TwinError::Toml(m)) if m.contains("speed"))
    );
    assert!(matches!(
        Building::from_toml_str("name = "),
        Err(TwinError::Toml(_))
    ));
}

#[test]
fn skip_floors_are_not_served() {
    let b = with("lifts = 4", "lifts = 4\nskip = [3, 4]").unwrap();
    let g = &b.groups()[0];
    assert!(!g.serves(3) && g.serves(5));
    assert_eq!(g.floors_above(0), 8);
}
