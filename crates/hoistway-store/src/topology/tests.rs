use super::*;

const RESIDENTIAL: &str = include_str!("../../../../examples/buildings/residential-8.toml");
const OFFICE: &str = include_str!("../../../../examples/buildings/office-20x6.toml");

fn input(toml: &str) -> TopologyInput {
    TopologyInput::from_twin(&Building::from_toml_str(toml).unwrap())
}

#[test]
fn example_buildings_round_trip_through_the_input() {
    for text in [RESIDENTIAL, OFFICE] {
        let twin = Building::from_toml_str(text).unwrap();
        let again = input(text).to_building(twin.name()).unwrap();
        assert_eq!(again.floors(), twin.floors());
        assert_eq!(again.areas(), twin.areas());
        assert_eq!(again.groups(), twin.groups());
        assert_eq!(again.main_floor(), twin.main_floor());
    }
}

#[test]
fn rear_doors_make_rear_areas_with_kone_ids() {
    let b = input(RESIDENTIAL).to_building("R").unwrap();
    // Floors -1..=8: floor -1 is index 0 → area 1000, its rear 1010.
    let rear: Vec<(u32, i32)> = b
        .areas()
        .iter()
        .filter(|a| a.side == Side::Rear)
        .map(|a| (a.id, a.floor))
        .collect();
    assert_eq!(rear, vec![(1010, -1), (2010, 0)]);
    assert_eq!(b.area(3000).map(|a| a.floor), Some(1));
}

#[test]
fn served_floors_with_gaps_become_skipped_floors() {
    let mut i = input(OFFICE);
    i.groups[0].served_floors = Some(vec![0, 1, 2, 5, 6]);
    let b = i.to_building("O").unwrap();
    assert_eq!(b.groups()[0].served, vec![0, 1, 2, 5, 6]);
    assert!(!b.groups()[0].serves(3));
}

#[test]
fn bad_topologies_name_the_field() {
    let mut gap = input(OFFICE);
    gap.floors.remove(3);
    let e = gap.to_building("O").unwrap_err();
    assert_eq!(e.field, "floors");
    assert!(e.message.contains("without gaps"), "{e}");

    let mut slow = input(OFFICE);
    slow.groups[0].rated_speed_mps = 0.0;
    let e = slow.to_building("O").unwrap_err();
    assert_eq!(e.field, "groups");
    assert!(e.message.contains("groups[0]"), "{e}");

    let mut dup = input(OFFICE);
    dup.groups[0].lifts[1].id = dup.groups[0].lifts[0].id.clone();
    let e = dup.to_building("O").unwrap_err();
    assert!(e.message.contains("duplicate lift id"), "{e}");

    let mut rear = input(OFFICE);
    rear.groups[0].served_floors = Some(vec![0, 1, 2]);
    rear.groups[0].rear_floors = vec![7];
    let e = rear.to_building("O").unwrap_err();
    assert!(e.message.contains("rear_floors"), "{e}");

    let mut no_main = input(OFFICE);
    no_main.groups[0].served_floors = Some(vec![3, 4, 5]);
    let e = no_main.to_building("O").unwrap_err();
    assert!(e.message.contains("main floor"), "{e}");

    let mut empty = input(OFFICE);
    empty.groups[0].lifts.clear();
    assert_eq!(empty.to_building("O").unwrap_err().field, "groups.lifts");

    let mut nan = input(OFFICE);
    nan.floors[2].height_m = f64::NAN;
    assert!(nan.to_building("O").is_err());
}
