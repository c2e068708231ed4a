//! Tests of the group simulation: conservation, capacity, determinism,
//! breakdowns and the remote-call lifecycle.

use super::*;
use crate::error::CallError;

const OFFICE_10: &str = include_str!("../../../../examples/buildings/office-10.toml");
const RESIDENTIAL: &str = include_str!("../../../../examples/buildings/residential-8.toml");

fn office(lifts: u32) -> Building {
    Building::from_toml_str(&OFFICE_10.replace("lifts = 4", &format!("lifts = {lifts}"))).unwrap()
}

fn run(
    b: &Building,
    pattern: Pattern,
    dispatch: DispatchMode,
    rate: f64,
    seed: u64,
    horizon: f64,
) -> GroupSim {
    let opts = SimOptions {
        dispatch,
        parking: if pattern.parks_at_main() {
            Parking::MainFloor
        } else {
            Parking::StayPut
        },
        seed,
        ..Default::default()
    };
    let mut sim = GroupSim::new(b, &b.groups()[0].id, opts).unwrap();
    sim.set_traffic(pattern, rate, seed);
    sim.stop_traffic_at(horizon);
    sim.run_until(horizon + 3600.0);
    sim
}

fn arrivals(b: &Building, pattern: Pattern, rate: f64, seed: u64, horizon: f64) -> usize {
    let g = &b.groups()[0];
    let served: Vec<usize> = g
        .served
        .iter()
        .map(|&n| b.floor_index(n).unwrap())
        .collect();
    let main = b.floor_index(b.main_floor()).unwrap();
    let mut gen = TrafficGen::new(pattern, rate, &served, main, seed);
    let mut n = 0;
    while gen.peek_time() < horizon {
        gen.next_arrival();
        n += 1;
    }
    n
}

/// Most people aboard one car at any instant, from the journey records.
fn peak_load(records: &[PassengerRecord], lift: usize) -> usize {
    let mut ev: Vec<(f64, i32)> = records
        .iter()
        .filter(|r| r.lift == lift)
        .flat_map(|r| [(r.board_s, 1), (r.alight_s, -1)])
        .collect();
    // Leaving before entering at the same instant.
    ev.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut cur, mut max) = (0i32, 0i32);
    for (_, d) in ev {
        cur += d;
        max = max.max(cur);
    }
    max as usize
}

#[test]
fn every_passenger_is_delivered_in_order_and_cars_never_overfill() {
    for text in [OFFICE_10, RESIDENTIAL] {
        let b = Building::from_toml_str(text).unwrap();
        let cap = b.groups()[0].car.capacity_persons as usize;
        for pattern in Pattern::ALL {
            for dispatch in [DispatchMode::Collective, DispatchMode::Destination] {
                let rate = crate::traffic::arrival_rate_p5(&b, pattern);
                let sim = run(&b, pattern, dispatch, rate, 11, 1800.0);
                let expected = arrivals(&b, pattern, rate, 11, 1800.0);
                let what = format!("{} {pattern} {dispatch}", b.name());
                assert_eq!(sim.in_system(), 0, "{what}: passengers left in the system");
                assert_eq!(sim.records().len(), expected, "{what}");
                for r in sim.records() {
                    assert!(
                        r.board_s >= r.arrival_s - 1e-9 && r.alight_s > r.board_s,
                        "{what}: {r:?}"
                    );
                    assert_ne!(r.origin, r.destination);
                    // Riding takes at least the flight time at rated speed.
                    let dist = (b.floor(r.destination).unwrap().level_m
                        - b.floor(r.origin).unwrap().level_m)
                        .abs();
                    assert!(
                        r.transit_s() >= dist / b.groups()[0].car.kinematics.rated_speed(),
                        "{what}: {r:?}"
                    );
                }
                for lift in 0..b.groups()[0].lifts.len() {
                    assert!(
                        peak_load(sim.records(), lift) <= cap,
                        "{what}: lift {lift} overfilled"
                    );
                }
            }
        }
    }
}

#[test]
fn same_seed_same_run_other_seed_other_run() {
    let b = office(4);
    let a = run(
        &b,
        Pattern::Mixed,
        DispatchMode::Destination,
        80.0,
        5,
        1200.0,
    );
    let again = run(
        &b,
        Pattern::Mixed,
        DispatchMode::Destination,
        80.0,
        5,
        1200.0,
    );
    let other = run(
        &b,
        Pattern::Mixed,
        DispatchMode::Destination,
        80.0,
        6,
        1200.0,
    );
    assert_eq!(a.records(), again.records());
    assert_eq!(a.round_trips(), again.round_trips());
    assert_ne!(a.records(), other.records());
}

#[test]
fn up_peak_cars_return_to_the_lobby_and_log_round_trips() {
    let b = office(4);
    let sim = run(
        &b,
        Pattern::UpPeak,
        DispatchMode::Collective,
        96.0,
        2,
        1800.0,
    );
    assert!(sim.round_trips().len() > 20);
    for t in sim.round_trips() {
        assert!(t.busy_s > 0.0 && t.busy_s <= t.end_s - t.start_s + 1e-9);
    }
    for lift in 0..4 {
        let s = sim.lift_state(lift).unwrap();
        assert_eq!(s.floor, 0, "idle cars park at the main floor");
        assert_eq!(s.phase, Phase::Idle);
    }
}

fn states(updates: &[CallUpdate], id: CallId) -> Vec<&'static str> {
    updates
        .iter()
        .filter(|u| u.call == id)
        .map(|u| match (&u.state, &u.guidance) {
            (CallState::Created, _) => "created",
            (CallState::Approved { .. }, Some(Guidance::WaitForCar { .. })) => "wait",
            (CallState::Approved { .. }, Some(Guidance::EnterCar { .. })) => "enter",
            (CallState::Approved { .. }, Some(Guidance::StayInCar { .. })) => "stay",
            (CallState::Approved { .. }, _) => "approved",
            (CallState::Served, Some(Guidance::ExitCar { .. })) => "exit",
            (CallState::Served, _) => "served",
            (CallState::Cancelled { .. }, _) => "cancelled",
        })
        .collect()
}

fn quiet_sim(dispatch: DispatchMode) -> GroupSim {
    let b = office(2);
    let opts = SimOptions {
        dispatch,
        ..Default::default()
    };
    GroupSim::new(&b, "A", opts).unwrap()
}

#[test]
fn destination_call_goes_created_approved_served_with_guidance() {
    for dispatch in [DispatchMode::Collective, DispatchMode::Destination] {
        let mut sim = quiet_sim(dispatch);
        sim.run_until(10.0);
        let id = sim.place_destination_call(3, 8).unwrap();
        // Dispatch approves at once: the call already has its lift.
        assert!(matches!(
            sim.call_state(id),
            Some(CallState::Approved { .. })
        ));
        sim.run_until(200.0);
        let ups = sim.drain_call_updates();
        assert_eq!(
            states(&ups, id),
            ["created", "wait", "enter", "stay", "exit"],
            "{dispatch}"
        );
        // The lift that was approved is the one entered.
        let lifts: Vec<&str> = ups
            .iter()
            .filter_map(|u| match &u.guidance {
                Some(Guidance::WaitForCar { lift, .. } | Guidance::EnterCar { lift, .. }) => {
                    Some(lift.as_str())
                }
                _ => None,
            })
            .collect();
        assert_eq!(lifts[0], lifts[1]);
        assert!(ups.windows(2).all(|w| w[0].at_s <= w[1].at_s));
        // Served calls are forgotten after the drain.
        assert_eq!(sim.call_state(id), None);
    }
}

#[test]
fn landing_call_is_served_and_cancel_works_before_boarding() {
    for dispatch in [DispatchMode::Collective, DispatchMode::Destination] {
        let mut sim = quiet_sim(dispatch);
        let land = sim.place_landing_call(6, Direction::Down).unwrap();
        sim.run_until(100.0);
        assert_eq!(sim.call_state(land), Some(&CallState::Served), "{dispatch}");
        let far = sim.place_destination_call(10, 0).unwrap();
        sim.run_until(101.0);
        sim.cancel_call(far).unwrap();
        assert_eq!(
            sim.call_state(far),
            Some(&CallState::Cancelled {
                reason: CancelReason::ByCaller
            })
        );
        assert_eq!(sim.cancel_call(far), Err(CallError::NotCancellable(far)));
        sim.run_until(400.0);
        assert_eq!(sim.in_system(), 0);
        let ups = sim.drain_call_updates();
        assert_eq!(states(&ups, far).last(), Some(&"cancelled"));
        assert_eq!(states(&ups, land).last(), Some(&"served"));
    }
}

#[test]
fn bad_calls_are_refused() {
    let mut sim = quiet_sim(DispatchMode::Destination);
    assert_eq!(
        sim.place_destination_call(3, 3),
        Err(CallError::SameFloor(3))
    );
    assert_eq!(
        sim.place_destination_call(3, 11),
        Err(CallError::FloorNotServed(11))
    );
    assert!(matches!(
        sim.place_landing_call(10, Direction::Up),
        Err(CallError::NoTravel { .. })
    ));
    assert_eq!(sim.cancel_call(99), Err(CallError::UnknownCall(99)));
    sim.take_out_of_service(0);
    sim.take_out_of_service(1);
    assert_eq!(
        sim.place_destination_call(1, 2),
        Err(CallError::NoLiftAvailable)
    );
}

#[test]
fn calls_move_to_another_lift_when_theirs_breaks_down() {
    for dispatch in [DispatchMode::Collective, DispatchMode::Destination] {
        let mut sim = quiet_sim(dispatch);
        let id = sim.place_destination_call(9, 0).unwrap();
        let ups = sim.drain_call_updates();
        let first = ups
            .iter()
            .find_map(|u| match &u.state {
                CallState::Approved { lift } => Some(lift.clone()),
                _ => None,
            })
            .unwrap();
        let idx = sim.lift_ids().iter().position(|l| *l == first).unwrap();
        sim.run_until(2.0);
        sim.take_out_of_service(idx);
        assert!(!sim.lift_state(idx).unwrap().available);
        sim.run_until(300.0);
        let ups = sim.drain_call_updates();
        let entered = ups.iter().find_map(|u| match &u.guidance {
            Some(Guidance::EnterCar { lift, .. }) => Some(lift.clone()),
            _ => None,
        });
        assert_eq!(states(&ups, id).last(), Some(&"exit"), "{dispatch}");
        assert_ne!(entered.as_deref(), Some(first.as_str()), "{dispatch}");
    }
}

#[test]
fn a_broken_down_car_keeps_its_riders_until_it_returns() {
    let mut sim = quiet_sim(DispatchMode::Destination);
    sim.take_out_of_service(1);
    let id = sim.place_destination_call(0, 10).unwrap();
    // Doors open 2.4 s, boarding 1.2 s, closing 3.2 s: moving by t = 8.
    sim.run_until(10.0);
    assert_eq!(sim.lift_state(0).unwrap().phase, Phase::Moving);
    sim.take_out_of_service(0);
    sim.run_until(500.0);
    assert_eq!(
        sim.lift_state(0).unwrap().passengers,
        1,
        "trapped in the car"
    );
    assert!(sim
        .drain_call_updates()
        .iter()
        .all(|u| u.state != CallState::Served));
    sim.return_to_service(0);
    sim.run_until(600.0);
    assert_eq!(sim.lift_state(0).unwrap().passengers, 0);
    assert_eq!(states(&sim.drain_call_updates(), id).last(), Some(&"exit"));
}

#[test]
fn faults_slow_doors_and_make_levelling_errors() {
    let b = office(1);
    let opts = SimOptions {
        observations: true,
        ..Default::default()
    };
    let mut sim = GroupSim::new(&b, "A", opts).unwrap();
    sim.set_traffic(Pattern::UpPeak, 60.0, 1);
    sim.set_effects(
        0,
        CarEffects {
            door_close_factor: 1.5,
            reopen_prob: 0.5,
            levelling_bias_mm: 15.0,
            ..Default::default()
        },
    );
    sim.run_until(1800.0);
    let obs = sim.drain_observations();
    let mut doors = 0;
    let mut reopens = 0;
    let mut trips = 0;
    for o in &obs {
        match o.kind {
            ObservationKind::DoorCycle {
                close_s,
                reopens: r,
                ..
            } => {
                doors += 1;
                reopens += r;
                assert!((close_s - 3.2 * 1.5).abs() < 1e-9);
            }
            ObservationKind::Trip {
                levelling_error_mm, ..
            } => {
                trips += 1;
                assert!(levelling_error_mm > 5.0);
            }
        }
    }
    assert!(doors > 50 && trips > 50);
    // With p = 0.5 the mean number of reopens per cycle is close to 1.
    assert!(f64::from(reopens) / f64::from(doors) > 0.6);
    assert!(obs.windows(2).all(|w| w[0].t <= w[1].t));
}

#[test]
fn lift_motion_reports_direction_and_next_stop_while_moving() {
    let mut sim = quiet_sim(DispatchMode::Destination);
    assert_eq!(sim.lift_motion(0), Some((None, None)));
    let id = sim.place_destination_call(0, 9).unwrap();
    let mut seen_up_to_9 = false;
    for step in 1..400 {
        sim.run_until(f64::from(step) * 0.25);
        for lift in 0..2 {
            if let Some((Some(Direction::Up), Some(9))) = sim.lift_motion(lift) {
                assert_eq!(sim.lift_state(lift).unwrap().phase, Phase::Moving);
                seen_up_to_9 = true;
            }
        }
    }
    assert!(seen_up_to_9, "no car was seen travelling up to floor 9");
    assert_eq!(states(&sim.drain_call_updates(), id).last(), Some(&"exit"));
    assert_eq!(sim.lift_motion(5), None);
}
