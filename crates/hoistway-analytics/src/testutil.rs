//! Small builders shared by the unit tests.

use crate::event::*;

pub(crate) const T0: i64 = 1_714_557_600_000; // 2024-05-01T10:00:00Z

pub(crate) fn ev(ts_ms: i64, seq: u64, body: EventBody) -> Event {
    Event {
        unit: UnitKey::parse("EL-1").unwrap(),
        ts_ms,
        seq,
        body,
    }
}

pub(crate) fn status(mode: Mode, available: bool, passengers: Option<u32>) -> EventBody {
    EventBody::Status(Status {
        mode,
        available,
        passengers,
    })
}

pub(crate) fn trip(to: i32, duration_ms: u32, lev: f32) -> EventBody {
    EventBody::Trip(Trip {
        from_floor: 0,
        to_floor: to,
        duration_ms,
        levelling_error_mm: lev,
    })
}

pub(crate) fn door(close_ms: u32, reopens: u32) -> EventBody {
    EventBody::DoorCycle(DoorCycle {
        floor: 1,
        open_ms: 2500,
        close_ms,
        reopens,
        obstruction: false,
    })
}

pub(crate) fn alarm(a: AlarmKind, active: bool) -> EventBody {
    EventBody::Alarm(Alarm { alarm: a, active })
}

pub(crate) fn fault(code: &str, severity: FaultSeverity) -> EventBody {
    EventBody::Fault(Fault {
        code: code.into(),
        severity,
    })
}

pub(crate) fn sensor(name: SensorName, value: f64) -> EventBody {
    EventBody::Sensor(Sensor { name, value })
}
