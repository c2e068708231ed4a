//! Live state: reordering, connectivity and the remote-command gate.

use super::*;
use crate::testutil::*;

fn fold(events: &[Event]) -> UnitState {
    let mut s = UnitState::default();
    for e in events {
        s.apply(e, &StateConfig::default());
    }
    s
}

#[test]
fn late_status_does_not_roll_back() {
    let s = fold(&[
        ev(T0 + 1000, 2, status(Mode::OutOfService, false, Some(0))),
        ev(T0, 1, status(Mode::Normal, true, Some(3))),
    ]);
    let v = s.view(T0 + 2000, &StateConfig::default());
    assert_eq!(v.mode, Some(Mode::OutOfService));
    assert!(!v.available);
    assert_eq!(v.passengers, Some(0));
    assert_eq!(v.last_seen_ms, Some(T0 + 1000));
}

#[test]
fn connectivity_lost_means_unknown_and_unavailable() {
    let cfg = StateConfig::default();
    let s = fold(&[ev(T0, 1, status(Mode::Normal, true, Some(0)))]);
    let on = s.view(T0 + cfg.offline_after_ms, &cfg);
    assert!(on.connected && on.available);
    assert_eq!(on.mode, Some(Mode::Normal));
    let off = s.view(T0 + cfg.offline_after_ms + 1, &cfg);
    assert!(!off.connected && !off.available);
    assert_eq!(off.mode, None);
    let json = serde_json::to_value(&off).unwrap();
    assert_eq!(json["mode"], "unknown");
    assert_eq!(json["available"], false);
}

#[test]
fn floor_counters_alarms_faults() {
    let s = fold(&[
        ev(
            T0,
            1,
            EventBody::Counter(Counter {
                starts: 100,
                run_hours: 12.5,
            }),
        ),
        ev(T0 + 10, 2, trip(4, 8000, 1.0)),
        ev(T0 + 20, 3, trip(2, 8000, 1.0)),
        ev(T0 + 30, 4, alarm(AlarmKind::Entrapment, true)),
        ev(T0 + 40, 5, fault("DRV_OVERCURRENT", FaultSeverity::Major)),
        ev(T0 + 50, 6, status(Mode::Normal, true, Some(1))),
    ]);
    let v = s.view(T0 + 60, &StateConfig::default());
    assert_eq!(v.floor, Some(2));
    assert_eq!(v.starts, Some(102));
    assert_eq!(v.run_hours, Some(12.5));
    assert_eq!(v.alarms, vec![AlarmKind::Entrapment]);
    // Entrapment overrides the reported availability.
    assert!(!v.available);
    // Normal and available after the fault resolves it.
    assert!(v.faults.is_empty());

    let mut s2 = s.clone();
    s2.apply(
        &ev(T0 + 70, 7, fault("DOOR_LOCK", FaultSeverity::Minor)),
        &StateConfig::default(),
    );
    s2.apply(
        &ev(T0 + 80, 8, alarm(AlarmKind::Entrapment, false)),
        &StateConfig::default(),
    );
    let v2 = s2.view(T0 + 90, &StateConfig::default());
    assert_eq!(v2.faults.len(), 1);
    assert_eq!(v2.faults[0].code, "DOOR_LOCK");
    assert!(v2.alarms.is_empty() && v2.available);
}

#[test]
fn remote_command_gate() {
    let cfg = StateConfig::default();
    let now = T0 + 1000;
    assert_eq!(
        is_safe_for_remote_command(&UnitState::default(), now, &cfg),
        Err(Refusal::Offline)
    );
    let ok = fold(&[ev(T0, 1, status(Mode::OutOfService, false, Some(0)))]);
    assert_eq!(is_safe_for_remote_command(&ok, now, &cfg), Ok(()));
    assert_eq!(
        is_safe_for_remote_command(&ok, T0 + cfg.offline_after_ms + 1, &cfg),
        Err(Refusal::Offline)
    );
    let aboard = fold(&[ev(T0, 1, status(Mode::Normal, true, Some(2)))]);
    assert_eq!(
        is_safe_for_remote_command(&aboard, now, &cfg),
        Err(Refusal::PassengersAboard { count: 2 })
    );
    let unknown = fold(&[ev(T0, 1, status(Mode::Normal, true, None))]);
    assert_eq!(
        is_safe_for_remote_command(&unknown, now, &cfg),
        Err(Refusal::PassengersUnknown)
    );
    for mode in [Mode::Inspection, Mode::Fire, Mode::Maintenance] {
        let s = fold(&[ev(T0, 1, status(mode, false, Some(0)))]);
        assert_eq!(
            is_safe_for_remote_command(&s, now, &cfg),
            Err(Refusal::UnsafeMode { mode })
        );
    }
    let trapped = fold(&[
        ev(T0, 1, status(Mode::Normal, true, Some(0))),
        ev(T0, 2, alarm(AlarmKind::Entrapment, true)),
    ]);
    assert_eq!(
        is_safe_for_remote_command(&trapped, now, &cfg),
        Err(Refusal::AlarmActive {
            alarm: AlarmKind::Entrapment
        })
    );
    // A later status without a count keeps the last known count.
    let kept = fold(&[
        ev(T0, 1, status(Mode::Normal, true, Some(0))),
        ev(T0 + 5, 2, status(Mode::OutOfService, false, None)),
    ]);
    assert_eq!(is_safe_for_remote_command(&kept, now, &cfg), Ok(()));
}
