//! Strings of the notification list (the bell and `/notifications`) and
//! of the Web Push switch.

/// The bell, the list and push on this device.
pub struct Notices {
    pub title: &'static str,
    pub lead: &'static str,
    /// The bell's accessible name with the unread count.
    pub bell: fn(i64) -> String,
    pub empty: &'static str,
    pub unread: &'static str,
    pub mark_read: &'static str,
    pub mark_all_read: &'static str,
    pub marked_read: &'static str,
    pub all_marked: fn(u64) -> String,
    pub nothing_unread: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
    /// The heading of an entry, by the event's wire name.
    pub event_title: fn(&str) -> &'static str,
    pub about_request: fn(&str) -> String,
    pub about_invoice: fn(&str) -> String,
    pub push_title: &'static str,
    pub push_lead: &'static str,
    pub push_on: &'static str,
    pub push_off: &'static str,
    pub push_checking: &'static str,
    pub push_working: &'static str,
    pub push_unsupported: &'static str,
    pub push_denied: &'static str,
    pub push_failed: &'static str,
    pub push_not_saved: &'static str,
    pub push_is_on: &'static str,
    pub push_is_off: &'static str,
    pub push_needs_script: &'static str,
}

pub const EN_NOTICES: Notices = Notices {
    title: "Notifications",
    lead: "What happened that concerns you, newest first. You find here what you chose to hear about, by whichever channel.",
    bell: |n| match n {
        0 => "Notifications, none unread".to_string(),
        1 => "Notifications, 1 unread".to_string(),
        n => format!("Notifications, {n} unread"),
    },
    empty: "Nothing yet. When something you asked to hear about happens, it appears here.",
    unread: "Unread",
    mark_read: "Mark as read",
    mark_all_read: "Mark all as read",
    marked_read: "Marked as read.",
    all_marked: |n| match n {
        1 => "1 notification marked as read.".to_string(),
        n => format!("{n} notifications marked as read."),
    },
    nothing_unread: "Everything was already read.",
    older: "Older notifications",
    newest: "Back to the newest",
    event_title: |e| match e {
        "case_created" => "New service request",
        "technician_assigned" => "Technician assigned",
        "eta_changed" => "Arrival time changed",
        "on_site" => "Technician on site",
        "resolved" => "Request resolved",
        "report_posted" => "Service report ready",
        "invoice_issued" => "New invoice",
        "invoice_overdue" => "Invoice overdue",
        "escalation" => "Request escalated",
        "predictive_alert" => "Possible fault found by monitoring",
        "certificate_expiring" => "Inspection certificate due",
        "playbook_review_due" => "On-site playbook review due",
        "offer_updated" => "Offer update",
        "root_cause_updated" => "Root-cause analysis update",
        _ => "Notification",
    },
    about_request: |n| format!("Request {n}"),
    about_invoice: |n| format!("Invoice {n}"),
    push_title: "Push notifications on this device",
    push_lead: "Get a message on this phone or computer, even when the portal is closed, for the events where you chose Push.",
    push_on: "Turn on push on this device",
    push_off: "Turn off push on this device",
    push_checking: "Checking this browser…",
    push_working: "Asking the browser…",
    push_unsupported: "This browser cannot receive push notifications here. Everything still appears under the bell.",
    push_denied: "Notifications are blocked for this site in the browser's settings. Allow them there, then try again.",
    push_failed: "This browser could not subscribe to push notifications: its push service did not answer. Everything still appears under the bell; try again later.",
    push_not_saved: "The subscription could not be saved. Try again.",
    push_is_on: "Push is on for this device.",
    push_is_off: "Push is off for this device.",
    push_needs_script: "Turning push on needs JavaScript in this browser.",
};

#[cfg(test)]
mod tests {
    use super::EN_NOTICES;
    use hoistway_desk::Event;

    #[test]
    fn every_event_has_a_title() {
        for e in Event::ALL {
            let wire = hoistway_store::notifications::event_name(e);
            assert_ne!((EN_NOTICES.event_title)(wire), "Notification", "{wire}");
        }
    }
}
