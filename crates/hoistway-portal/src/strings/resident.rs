//! Strings of the residents' remote-call page (`/` for a resident): the
//! page itself, and the live texts its script shows while a call runs
//! (templates with `{lift}` and `{floor}`, filled in on the phone).

pub struct Resident {
    pub title: &'static str,
    pub lead: &'static str,
    pub building: &'static str,
    /// Label of the start-floor picker.
    pub from: &'static str,
    /// Heading of the destination buttons.
    pub to: &'static str,
    pub to_hint: &'static str,
    /// A floor whose name is its number ("3" → "Floor 3").
    pub floor_numbered: fn(i32) -> String,
    /// An area reached through the car's rear door.
    pub rear_door: fn(&str) -> String,
    /// Heading of the landing call (up/down at the start floor).
    pub landing_heading: &'static str,
    pub landing_hint: &'static str,
    pub up: &'static str,
    pub down: &'static str,
    pub no_access_title: &'static str,
    pub no_access: &'static str,
    /// A granted building whose lifts are not set up for remote call.
    pub not_set_up: fn(&str) -> String,
    pub needs_script: &'static str,
    pub privacy_heading: &'static str,
    pub privacy: &'static str,
    pub privacy_device: &'static str,
    pub emergency: &'static str,
    pub live: Live,
    /// A refusal or end of a call in plain words, by the wire name of the
    /// reason (`access_denied`, …).
    pub reason: fn(&str) -> &'static str,
}

/// What the page says while a call runs. `{lift}` and `{floor}` are
/// replaced on the phone.
pub struct Live {
    pub heading: &'static str,
    pub calling: &'static str,
    pub wait: &'static str,
    pub enter: &'static str,
    pub ride: &'static str,
    pub exit: &'static str,
    /// A landing call: a lift is on its way.
    pub landing_coming: &'static str,
    /// A landing call: the lift has opened at the floor.
    pub landing_here: &'static str,
    pub lift: &'static str,
    pub step_wait: &'static str,
    pub step_enter: &'static str,
    pub step_ride: &'static str,
    pub step_exit: &'static str,
    pub steps_label: &'static str,
    pub cancel: &'static str,
    pub cancelling: &'static str,
    pub too_late: &'static str,
    pub again: &'static str,
    pub placing: &'static str,
    pub failed: &'static str,
    pub signed_out: &'static str,
    pub lost: &'static str,
}

pub const EN_RESIDENT: Resident = Resident {
    title: "Call a lift",
    lead: "Choose the floor you are on and where you are going. The lift is called as you tap.",
    building: "Building",
    from: "You are at",
    to: "Where to?",
    to_hint: "Floors you have access to.",
    floor_numbered: |n| format!("Floor {n}"),
    rear_door: |floor| format!("{floor} · rear door"),
    landing_heading: "Or call a lift to where you are",
    landing_hint: "Like the buttons beside the lift doors: choose your floor inside the car.",
    up: "Going up",
    down: "Going down",
    no_access_title: "No lift access yet",
    no_access: "Your building manager has not given you access to call lifts. Ask them to add the floors you need.",
    not_set_up: |b| format!("Lifts in {b} cannot be called from a phone yet."),
    needs_script: "Calling lifts needs JavaScript. Turn it on in your browser's settings and reload the page.",
    privacy_heading: "Your calls are not stored",
    privacy: "The floors you choose are used only to call the lift and are forgotten shortly after your ride. We keep no record of who travelled where: the building sees only how many calls were made.",
    privacy_device: "This phone remembers the floor you last used, so you start from it next time. It is kept in this browser only.",
    emergency: "Trapped in a lift? Press the alarm button in the car.",
    live: Live {
        heading: "Your lift",
        calling: "Calling a lift…",
        wait: "Go to lift {lift} and wait at its door.",
        enter: "Lift {lift} is here. Step in.",
        ride: "Stay in lift {lift}. It takes you to {floor}.",
        exit: "You are at {floor}. Step out.",
        landing_coming: "Lift {lift} is on its way to {floor}.",
        landing_here: "Lift {lift} is here at {floor}.",
        lift: "Lift {lift}",
        step_wait: "Wait",
        step_enter: "Enter",
        step_ride: "Ride",
        step_exit: "Exit",
        steps_label: "Progress of your call",
        cancel: "Cancel call",
        cancelling: "Cancelling…",
        too_late: "Too late to cancel: you are already in the lift, or the call has ended.",
        again: "Call another lift",
        placing: "Calling…",
        failed: "The lift could not be called. Check your connection and try again.",
        signed_out: "You have been signed out. Sign in again to call a lift.",
        lost: "The connection to the lift was lost. Watch the lift doors, or cancel and call again.",
    },
    reason: |r| match r {
        "by_caller" => "You cancelled the call.",
        "access_denied" => "You do not have access to one of those floors. Ask your building manager if you need it.",
        "area_does_not_exist" => "That floor is no longer in the building's lift plan. Reload the page and try again.",
        "same_source_and_destination" => "You are already on that floor.",
        "invalid_direction" => "The lifts cannot go that way from this floor.",
        "not_served" => "No lift goes between those two floors.",
        "no_lifts_available" => "All lifts are out of service right now. Please use the stairs or try again later.",
        "cannot_serve_now" => "The lifts cannot take calls right now. Try again in a moment.",
        _ => "The call ended without a lift.",
    },
};
