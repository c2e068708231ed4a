//! The twin driver against a manual clock: the simulation only moves when
//! the test moves the clock, so every assertion is deterministic in
//! simulated time; waits are for the driver's task to notice.

use super::*;
use crate::driver::{
    CallState, CancelReason, Direction, DoorState, Guidance, Landing, Motion, Side,
};
use chrono::{TimeZone, Utc};
use hoistway_domain::ManualClock;

const RESIDENTIAL: &str = include_str!("../../../../examples/buildings/residential-8.toml");

fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap())
}

fn driver(clock: &ManualClock, speed: f64) -> (TwinDriver, Building) {
    let b = Building::from_toml_str(RESIDENTIAL).unwrap();
    let opts = TwinOptions {
        speed,
        tick: Duration::from_millis(5),
        ..TwinOptions::default()
    };
    (TwinDriver::start(&b, Arc::new(clock.clone()), opts), b)
}

fn landing(b: &Building, floor: i32, side: Side) -> Landing {
    let tside = match side {
        Side::Front => hoistway_twin::Side::Front,
        Side::Rear => hoistway_twin::Side::Rear,
    };
    let area = b.area_at(floor, tside).map_or(0, |a| a.id);
    Landing { area, floor, side }
}

async fn next<T: Clone>(rx: &mut broadcast::Receiver<T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an event within 10 s")
        .expect("channel open")
}

/// Events of `call` until it ends.
async fn until_final(rx: &mut broadcast::Receiver<CallEvent>, call: CallId) -> Vec<CallEvent> {
    let mut out = Vec::new();
    loop {
        let e = next(rx).await;
        if e.call != call {
            continue;
        }
        let done = e.state.is_final();
        out.push(e);
        if done {
            return out;
        }
    }
}

fn step(e: &CallEvent) -> &'static str {
    match (&e.state, &e.guidance) {
        (CallState::Approved, Some(Guidance::WaitForCar { .. })) => "wait",
        (CallState::Approved, Some(Guidance::EnterCar { .. })) => "enter",
        (CallState::Approved, Some(Guidance::StayInCar { .. })) => "stay",
        (CallState::Served, Some(Guidance::ExitCar { .. })) => "exit",
        (CallState::Created, _) => "created",
        (CallState::Approved, None) => "approved",
        (CallState::Served, _) => "served",
        (CallState::Cancelled, _) => "cancelled",
        (CallState::Approved, Some(Guidance::ExitCar { .. })) => "approved-exit",
    }
}

#[tokio::test]
async fn a_destination_call_is_approved_at_once_and_served_as_the_clock_moves() {
    let clock = clock();
    let (d, b) = driver(&clock, 1.0);
    let mut calls = d.subscribe_calls("R").unwrap();
    let placed = d
        .place_call(
            "R",
            CallRequest::Destination {
                from: landing(&b, 5, Side::Front),
                to: landing(&b, 0, Side::Front),
            },
        )
        .await
        .unwrap();
    assert_eq!(placed.state, CallState::Approved, "{placed:?}");
    let lift = placed.lift.clone().expect("allocated lift");
    assert!(d.groups()[0].lifts.contains(&lift));
    assert!(placed.call > 0 && placed.call < (1 << 31));
    // Nothing moves until the clock does.
    clock.advance(chrono::Duration::seconds(120));
    let events = until_final(&mut calls, placed.call).await;
    let steps: Vec<&str> = events.iter().map(step).collect();
    assert_eq!(
        steps,
        ["created", "wait", "enter", "stay", "exit"],
        "{events:?}"
    );
    assert_eq!(events[0].lift, None, "created before allocation");
    assert!(events[1..]
        .iter()
        .all(|e| e.lift.as_deref() == Some(lift.as_str())));
    let start = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
    let served = events.last().unwrap().at;
    assert!(served > start && served <= clock.now(), "{served}");
    // A finished call is forgotten: it can no longer be cancelled.
    assert_eq!(
        d.cancel_call(placed.call).await,
        Err(DriverError::UnknownCall(placed.call))
    );
}

#[tokio::test]
async fn the_speed_factor_runs_the_group_faster_than_the_clock() {
    let clock = clock();
    let (d, b) = driver(&clock, 20.0);
    let mut calls = d.subscribe_calls("R").unwrap();
    let placed = d
        .place_call(
            "R",
            CallRequest::Destination {
                from: landing(&b, 0, Side::Front),
                to: landing(&b, 8, Side::Front),
            },
        )
        .await
        .unwrap();
    // 6 clock seconds at 20x are 120 simulated seconds: plenty for 8 floors.
    clock.advance(chrono::Duration::seconds(6));
    let events = until_final(&mut calls, placed.call).await;
    assert_eq!(events.last().unwrap().state, CallState::Served);
    assert!(events.last().unwrap().at <= clock.now());
}

#[tokio::test]
async fn refusals_name_their_reason() {
    let clock = clock();
    let (d, b) = driver(&clock, 1.0);
    let d = &d;
    let refuse = |call| async move { d.place_call("R", call).await.unwrap_err() };
    assert_eq!(
        refuse(CallRequest::Destination {
            from: landing(&b, 3, Side::Front),
            to: landing(&b, 3, Side::Front)
        })
        .await,
        DriverError::Refused(CancelReason::SameSourceAndDestination)
    );
    assert_eq!(
        refuse(CallRequest::Landing {
            at: landing(&b, 8, Side::Front),
            direction: Direction::Up
        })
        .await,
        DriverError::Refused(CancelReason::InvalidDirection)
    );
    // The cars open at the rear only at floors -1 and 0.
    let rear5 = Landing {
        area: 7010,
        floor: 5,
        side: Side::Rear,
    };
    assert_eq!(
        refuse(CallRequest::Destination {
            from: landing(&b, 0, Side::Rear),
            to: rear5
        })
        .await,
        DriverError::Refused(CancelReason::NotServed)
    );
    assert!(d
        .place_call(
            "R",
            CallRequest::Destination {
                from: landing(&b, 0, Side::Rear),
                to: landing(&b, -1, Side::Rear)
            }
        )
        .await
        .is_ok());
    assert_eq!(
        d.place_call(
            "X",
            CallRequest::Landing {
                at: landing(&b, 2, Side::Front),
                direction: Direction::Up
            }
        )
        .await,
        Err(DriverError::UnknownGroup("X".into()))
    );
}

#[tokio::test]
async fn landing_calls_and_cancellation() {
    let clock = clock();
    let (d, b) = driver(&clock, 1.0);
    let mut calls = d.subscribe_calls("R").unwrap();
    let land = d
        .place_call(
            "R",
            CallRequest::Landing {
                at: landing(&b, 6, Side::Front),
                direction: Direction::Down,
            },
        )
        .await
        .unwrap();
    assert_eq!(land.state, CallState::Approved);
    let far = d
        .place_call(
            "R",
            CallRequest::Destination {
                from: landing(&b, 8, Side::Front),
                to: landing(&b, -1, Side::Front),
            },
        )
        .await
        .unwrap();
    d.cancel_call(far.call).await.unwrap();
    let ended = until_final(&mut calls, far.call).await;
    let last = ended.last().unwrap();
    assert_eq!(
        (last.state, last.reason),
        (CallState::Cancelled, Some(CancelReason::ByCaller))
    );
    assert_eq!(
        d.cancel_call(far.call).await,
        Err(DriverError::UnknownCall(far.call))
    );
    clock.advance(chrono::Duration::seconds(90));
    let served = until_final(&mut calls, land.call).await;
    assert_eq!(served.last().unwrap().state, CallState::Served);
}

#[tokio::test]
async fn lift_state_follows_the_car_and_shutdown_cancels_live_calls() {
    let clock = clock();
    let (d, b) = driver(&clock, 1.0);
    let states = d.lift_states("R").await.unwrap();
    assert_eq!(states.len(), 2);
    assert!(states
        .iter()
        .all(|s| s.floor == 0 && s.motion == Motion::Standing && s.door == DoorState::Closed));
    let mut lifts = d.subscribe_lifts("R").unwrap();
    let mut calls = d.subscribe_calls("R").unwrap();
    let placed = d
        .place_call(
            "R",
            CallRequest::Destination {
                from: landing(&b, 7, Side::Front),
                to: landing(&b, 2, Side::Front),
            },
        )
        .await
        .unwrap();
    let lift = placed.lift.clone().unwrap();
    // Advance in small steps so the moving state is observed.
    let mut seen_moving_up = false;
    for _ in 0..20 {
        clock.advance(chrono::Duration::seconds(1));
        while let Ok(Ok(s)) = tokio::time::timeout(Duration::from_millis(50), lifts.recv()).await {
            if s.lift == lift && s.motion == Motion::Moving && s.direction == Some(Direction::Up) {
                assert!(s.next_floor.is_some());
                seen_moving_up = true;
            }
        }
        if seen_moving_up {
            break;
        }
    }
    assert!(seen_moving_up, "lift {lift} never seen moving up");
    d.shutdown();
    let ended = until_final(&mut calls, placed.call).await;
    let last = ended.last().unwrap();
    assert_eq!(
        (last.state, last.reason),
        (CallState::Cancelled, Some(CancelReason::CannotServeNow))
    );
    assert!(matches!(
        d.lift_states("R").await,
        Err(DriverError::Unavailable(_))
    ));
}
