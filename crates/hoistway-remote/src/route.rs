//! From a call request in areas to a group and a driver call: the area
//! must exist, the caller must be allowed it, and a group must serve it on
//! that side. Pure, so the rules are tested without a server.

use hoistway_lift::{CallRequest, CancelReason, Direction, Landing, Side};
use hoistway_store::grants::Areas;
use hoistway_twin::{Building, Group};

/// A call as asked, in area ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    Destination { from: u32, to: u32 },
    Landing { area: u32, direction: Direction },
}

fn landing(b: &Building, area: u32) -> Result<Landing, CancelReason> {
    let a = b.area(area).ok_or(CancelReason::AreaDoesNotExist)?;
    let side = match a.side {
        hoistway_twin::Side::Front => Side::Front,
        hoistway_twin::Side::Rear => Side::Rear,
    };
    Ok(Landing {
        area,
        floor: a.floor,
        side,
    })
}

fn opens_at(g: &Group, l: &Landing) -> bool {
    let side = match l.side {
        Side::Front => hoistway_twin::Side::Front,
        Side::Rear => hoistway_twin::Side::Rear,
    };
    g.lifts
        .iter()
        .flat_map(|lift| lift.doors.iter())
        .any(|d| d.side == side && d.floors.contains(&l.floor))
}

/// The group and driver call for `ask`, or why it cannot be made.
/// `group` pins the group (it must serve the call); otherwise the first
/// group in topology order that serves every landing is taken.
pub fn resolve(
    b: &Building,
    ask: Ask,
    allowed: &Areas,
    group: Option<&str>,
) -> Result<(String, CallRequest), CancelReason> {
    let (landings, call) = match ask {
        Ask::Destination { from, to } => {
            let (f, t) = (landing(b, from)?, landing(b, to)?);
            (vec![f, t], CallRequest::Destination { from: f, to: t })
        }
        Ask::Landing { area, direction } => {
            let at = landing(b, area)?;
            (vec![at], CallRequest::Landing { at, direction })
        }
    };
    if landings.iter().any(|l| !allowed.allows(l.area)) {
        return Err(CancelReason::AccessDenied);
    }
    if let [f, t] = landings[..] {
        if f.floor == t.floor {
            return Err(CancelReason::SameSourceAndDestination);
        }
    }
    let serving = b
        .groups()
        .iter()
        .filter(|g| group.is_none_or(|want| g.id == want))
        .find(|g| landings.iter().all(|l| opens_at(g, l)))
        .ok_or(CancelReason::NotServed)?;
    Ok((serving.id.clone(), call))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESIDENTIAL: &str = include_str!("../../../examples/buildings/residential-8.toml");

    #[test]
    fn areas_resolve_to_floors_sides_and_a_serving_group() {
        let b = Building::from_toml_str(RESIDENTIAL).unwrap();
        // floors -1..=8: area 2000 is floor 0 front, 2010 floor 0 rear.
        let (g, call) = resolve(
            &b,
            Ask::Destination {
                from: 2010,
                to: 7000,
            },
            &Areas::All,
            None,
        )
        .unwrap();
        assert_eq!(g, "R");
        let CallRequest::Destination { from, to } = call else {
            panic!("{call:?}")
        };
        assert_eq!(
            (from.floor, from.side, to.floor, to.side),
            (0, Side::Rear, 5, Side::Front)
        );
        let only: Areas = Areas::Only([2000, 3000].into_iter().collect());
        assert_eq!(
            resolve(
                &b,
                Ask::Destination {
                    from: 2000,
                    to: 7000
                },
                &only,
                None
            ),
            Err(CancelReason::AccessDenied)
        );
        assert!(resolve(
            &b,
            Ask::Destination {
                from: 3000,
                to: 2000
            },
            &only,
            None
        )
        .is_ok());
        assert_eq!(
            resolve(
                &b,
                Ask::Destination {
                    from: 2000,
                    to: 99000
                },
                &Areas::All,
                None
            ),
            Err(CancelReason::AreaDoesNotExist)
        );
        assert_eq!(
            resolve(
                &b,
                Ask::Destination {
                    from: 2000,
                    to: 2010
                },
                &Areas::All,
                None
            ),
            Err(CancelReason::SameSourceAndDestination)
        );
        assert_eq!(
            resolve(
                &b,
                Ask::Landing {
                    area: 5000,
                    direction: Direction::Up
                },
                &Areas::All,
                Some("Z")
            ),
            Err(CancelReason::NotServed)
        );
        let (g, _) = resolve(
            &b,
            Ask::Landing {
                area: 5000,
                direction: Direction::Up,
            },
            &Areas::All,
            Some("R"),
        )
        .unwrap();
        assert_eq!(g, "R");
    }
}
