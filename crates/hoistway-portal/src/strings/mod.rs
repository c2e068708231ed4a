//! Every user-facing string of the portal, in one place, so a translation
//! is one more `Strings` value. Pages never spell text themselves: they
//! take it from `ctx.t` (today always [`EN`]).
//!
//! Sections group the strings by page area; add a section (a struct and
//! its field here) for a new area rather than scattering literals. The
//! customer pages' sections live in [`customer`]; other areas add a file
//! beside it the same way.

pub mod admin;
pub mod contacts;
pub mod contract_scope;
pub mod customer;
pub mod desk;
pub mod integrations;
pub mod notices;
pub mod offers;
pub mod on_call;
pub mod parts;
pub mod places;
pub mod printed;
pub mod privacy;
pub mod resident;
pub mod root_causes;
pub mod surveys;
pub mod tech_visits;

pub use admin::Admin;
pub use contacts::Contacts;
pub use contract_scope::ContractScope;
pub use customer::{Documents, Equipment, Home, Reports, Requests, Services, Setup};
pub use desk::{Desk, Security, Tech};
pub use integrations::Integrations;
pub use notices::Notices;
pub use offers::Offers;
pub use on_call::OnCall;
pub use parts::Parts;
pub use places::Places;
pub use printed::Printed;
pub use privacy::Privacy;
pub use resident::Resident;
pub use root_causes::RootCauses;
pub use surveys::Surveys;
pub use tech_visits::TechVisits;

/// The strings of a user's language (`users.language`); English is the
/// one the portal has today, and the answer for any other code.
pub fn for_language(_code: &str) -> &'static Strings {
    &EN
}

/// All strings of one language.
pub struct Strings {
    /// BCP 47 tag for `<html lang>`.
    pub lang: &'static str,
    pub common: Common,
    pub nav: Nav,
    pub signin: SignIn,
    pub errors: Errors,
    pub labels: Labels,
    pub home: Home,
    pub equipment: Equipment,
    pub requests: Requests,
    pub services: Services,
    pub reports: Reports,
    pub documents: Documents,
    pub places: Places,
    /// Invoice page, PDFs, report heading (strings/printed.rs).
    pub printed: Printed,
    pub setup: Setup,
    // Care center, technician view, sign-in security (strings/desk.rs).
    pub desk: Desk,
    pub tech: Tech,
    pub security: Security,
    /// The residents' remote-call page (strings/resident.rs).
    pub resident: Resident,
    /// The bell, the notification list, push on this device (strings/notices.rs).
    pub notices: Notices,
    /// The provider admin's screens (strings/admin.rs).
    pub admin: Admin,
    /// The technician's planned visits and unit history (strings/tech_visits.rs).
    pub tech_visits: TechVisits,
    /// Privacy rights and retention (strings/privacy.rs).
    pub privacy: Privacy,
    /// Service contacts, the on-site playbook, service labels (strings/contacts.rs).
    pub contacts: Contacts,
    /// Offers (strings/offers.rs).
    pub offers: Offers,
    /// Contract scope, charges, invoice lines (strings/contract_scope.rs).
    pub contract_scope: ContractScope,
    /// The parts catalogue, parts holds, time lost waiting for parts (strings/parts.rs).
    pub parts: Parts,
    /// Rota, on call, extreme weather, dispatch suggestions (strings/on_call.rs).
    pub on_call: OnCall,
    /// Satisfaction surveys (strings/surveys.rs).
    pub surveys: Surveys,
    /// Setup → Integrations: outgoing webhooks (strings/integrations.rs).
    pub integrations: Integrations,
    /// Recurring faults, root-cause analyses, lifecycle (strings/root_causes.rs).
    pub root_causes: RootCauses,
}

pub struct Common {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub main_nav: &'static str,
    pub signed_in_as: &'static str,
    pub sign_out: &'static str,
    pub back_home: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub filter: &'static str,
    pub filters: &'static str,
    pub clear_filters: &'static str,
    pub all: &'static str,
    pub none: &'static str,
    pub dash: &'static str,
    pub view_all: &'static str,
    pub live_connected: &'static str,
    /// The live indicator's tooltip.
    pub live_title: &'static str,
    pub live_offline: &'static str,
    pub dismiss: &'static str,
    pub saved: &'static str,
}

pub struct Nav {
    pub home: &'static str,
    pub equipment: &'static str,
    pub requests: &'static str,
    pub requests_short: &'static str,
    pub services: &'static str,
    pub reports: &'static str,
    pub documents: &'static str,
    pub setup: &'static str,
    pub setup_short: &'static str,
    pub documents_short: &'static str,
    pub equipment_short: &'static str,
    pub desk: &'static str,
    pub tech: &'static str,
    pub admin: &'static str,
    pub admin_short: &'static str,
}

pub struct SignIn {
    pub title: &'static str,
    pub heading: &'static str,
    pub lead: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub submit: &'static str,
    pub wrong: &'static str,
    pub throttled: fn(u64) -> String,
    pub signed_out: &'static str,
    pub emergency_note: &'static str,
    pub invite_title: &'static str,
    pub invite_lead: fn(&str, &str) -> String,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub password_hint: &'static str,
    pub invite_submit: &'static str,
    pub passwords_differ: &'static str,
    pub invite_unusable: &'static str,
}

pub struct Errors {
    pub not_found_title: &'static str,
    pub not_found: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden: &'static str,
    pub csrf_title: &'static str,
    pub csrf: &'static str,
    pub bad_request_title: &'static str,
    pub internal_title: &'static str,
    pub internal: &'static str,
    pub too_many_title: &'static str,
}

/// Labels of the wire enums (statuses, kinds, roles).
pub struct Labels {
    pub role: fn(&str) -> &'static str,
    pub case_status: fn(&str) -> &'static str,
    pub priority: fn(&str) -> &'static str,
    pub unit_kind: fn(&str) -> &'static str,
    pub visit_kind: fn(&str) -> &'static str,
    pub visit_status: fn(&str) -> &'static str,
    pub invoice_status: fn(&str) -> &'static str,
    pub tier: fn(&str) -> &'static str,
    pub billing_interval: fn(&str) -> &'static str,
    pub unit_state: fn(&str) -> &'static str,
    /// "Does it happen again": yes, no, unknown.
    pub repeatable: fn(&str) -> &'static str,
    /// When a customer wants the callback: as_soon_as_possible, morning, afternoon.
    pub callback_window: fn(&str) -> &'static str,
}

/// English.
pub static EN: Strings = Strings {
    lang: "en",
    common: Common {
        app_name: "Hoistway",
        tagline: "Service for elevators, escalators and doors",
        skip_to_content: "Skip to content",
        main_nav: "Main",
        signed_in_as: "Signed in as",
        sign_out: "Sign out",
        back_home: "Back to the start page",
        save: "Save",
        cancel: "Cancel",
        filter: "Apply filters",
        filters: "Filters",
        clear_filters: "Clear",
        all: "All",
        none: "None",
        dash: "–",
        view_all: "View all",
        live_connected: "Live",
        live_title: "Live: this page updates by itself",
        live_offline: "Offline",
        dismiss: "Dismiss",
        saved: "Saved.",
    },
    nav: Nav {
        home: "Home",
        equipment: "Equipment",
        requests: "Service requests",
        requests_short: "Requests",
        services: "Services",
        reports: "Reports",
        documents: "Documents",
        setup: "1-2-3 Setup",
        setup_short: "Setup",
        documents_short: "Docs",
        equipment_short: "Units",
        desk: "Care center",
        tech: "My work",
        admin: "Administration",
        admin_short: "Admin",
    },
    signin: SignIn {
        title: "Sign in",
        heading: "Sign in to Hoistway",
        lead: "Your equipment, service requests, visits and documents in one place.",
        email: "E-mail",
        password: "Password",
        submit: "Sign in",
        wrong: "That e-mail and password do not match an account.",
        throttled: |s| format!("Too many attempts. Try again in {} minutes.", s.div_ceil(60)),
        signed_out: "You have signed out.",
        emergency_note: "Someone trapped in a lift? Use the emergency phone in the car or call the care center: do not use this form.",
        invite_title: "Choose your password",
        invite_lead: |name, email| format!("Welcome, {name}. Choose the password you will sign in with as {email}."),
        new_password: "New password",
        repeat_password: "The same password again",
        password_hint: "At least 10 characters. A few unrelated words make a strong one.",
        invite_submit: "Save and sign in",
        passwords_differ: "The two passwords differ.",
        invite_unusable: "This invitation link is unknown, already used or expired. Ask whoever invited you to send a new one.",
    },
    errors: Errors {
        not_found_title: "Not found",
        not_found: "There is nothing here, or you do not have access to it.",
        forbidden_title: "Not allowed",
        forbidden: "Your role does not give access to this page.",
        csrf_title: "Form expired",
        csrf: "This form was not sent from a page of this site, or your session changed since it was opened. Go back, reload the page and try again.",
        bad_request_title: "Please check your input",
        internal_title: "Something went wrong",
        internal: "The server could not complete this request. Please try again in a moment.",
        too_many_title: "Too many attempts",
    },
    labels: Labels {
        role: |r| match r {
            "provider_admin" => "Provider admin",
            "operator" => "Care-center operator",
            "duty_manager" => "Duty manager",
            "technician" => "Technician",
            "customer_admin" => "Customer admin",
            "property_manager" => "Property manager",
            "front_desk" => "Front desk",
            "finance" => "Finance",
            "resident" => "Resident",
            _ => "Other",
        },
        case_status: |s| match s {
            "new" => "Received",
            "dispatched" => "Technician assigned",
            "en_route" => "Technician on the way",
            "on_site" => "Technician on site",
            "on_hold" => "On hold",
            "resolved" => "Resolved",
            "closed" => "Closed",
            "cancelled" => "Cancelled",
            _ => "Unknown",
        },
        priority: |p| match p {
            "emergency" => "Emergency",
            "urgent" => "Urgent",
            "routine" => "Routine",
            _ => "Unknown",
        },
        unit_kind: |k| match k {
            "elevator" => "Elevator",
            "escalator" => "Escalator",
            "door" => "Automatic door",
            _ => "Equipment",
        },
        visit_kind: |k| match k {
            "preventive" => "Maintenance",
            "inspection" => "Inspection",
            "follow_up" => "Follow-up visit",
            _ => "Visit",
        },
        visit_status: |s| match s {
            "planned" => "Planned",
            "in_progress" => "In progress",
            "completed" => "Completed",
            "missed" => "Missed",
            "cancelled" => "Cancelled",
            _ => "Unknown",
        },
        invoice_status: |s| match s {
            "issued" => "Issued",
            "paid" => "Paid",
            "unpaid" => "Unpaid",
            "overdue" => "Overdue",
            _ => "Unknown",
        },
        tier: |t| match t {
            "basic" => "Basic",
            "standard" => "Standard",
            "comprehensive" => "Comprehensive",
            _ => "Other",
        },
        billing_interval: |b| match b {
            "monthly" => "Monthly",
            "quarterly" => "Quarterly",
            "annual" => "Annual",
            _ => "Other",
        },
        unit_state: |s| match s {
            "in_service" => "In service",
            "out_of_service" => "Out of service",
            "maintenance" => "Under maintenance",
            _ => "Status unknown",
        },
        repeatable: |r| match r {
            "yes" => "Yes, it keeps happening",
            "no" => "No, it happened once",
            "unknown" => "Not known",
            _ => "Not said",
        },
        callback_window: |w| match w {
            "as_soon_as_possible" => "as soon as possible",
            "morning" => "morning",
            "afternoon" => "afternoon",
            _ => "any time",
        },
    },
    home: customer::EN_HOME,
    equipment: customer::EN_EQUIPMENT,
    requests: customer::EN_REQUESTS,
    services: customer::EN_SERVICES,
    reports: customer::EN_REPORTS,
    documents: customer::EN_DOCUMENTS,
    places: places::EN_PLACES,
    printed: printed::EN_PRINTED,
    setup: customer::EN_SETUP,
    desk: desk::EN_DESK,
    tech: desk::EN_TECH,
    security: desk::EN_SECURITY,
    resident: resident::EN_RESIDENT,
    notices: notices::EN_NOTICES,
    admin: admin::EN_ADMIN,
    tech_visits: tech_visits::EN_TECH_VISITS,
    privacy: privacy::EN_PRIVACY,
    contacts: contacts::EN_CONTACTS,
    offers: offers::EN_OFFERS,
    contract_scope: contract_scope::EN_CONTRACT_SCOPE,
    parts: parts::EN_PARTS,
    on_call: on_call::EN_ON_CALL,
    surveys: surveys::EN_SURVEYS,
    integrations: integrations::EN_INTEGRATIONS,
    root_causes: root_causes::EN_ROOT_CAUSES,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_status_has_a_label() {
        for s in hoistway_desk::Status::ALL {
            assert_ne!((EN.labels.case_status)(s.as_str()), "Unknown", "{s:?}");
        }
    }

    #[test]
    fn every_tier_and_interval_has_a_label() {
        use hoistway_domain::fleet::{BillingInterval, Tier};
        for t in [Tier::Basic, Tier::Standard, Tier::Comprehensive] {
            assert_ne!((EN.labels.tier)(t.as_str()), "Other");
        }
        for b in [
            BillingInterval::Monthly,
            BillingInterval::Quarterly,
            BillingInterval::Annual,
        ] {
            assert_ne!((EN.labels.billing_interval)(b.as_str()), "Other");
        }
    }

    #[test]
    fn every_priority_has_a_label() {
        for p in [
            hoistway_desk::Priority::Emergency,
            hoistway_desk::Priority::Urgent,
            hoistway_desk::Priority::Routine,
        ] {
            assert_ne!((EN.labels.priority)(p.as_str()), "Unknown", "{p:?}");
        }
    }

    #[test]
    fn every_call_end_has_plain_words() {
        let fallback = (EN.resident.reason)("");
        for r in hoistway_lift::CancelReason::ALL {
            let text = (EN.resident.reason)(r.as_str());
            assert_ne!(text, fallback, "{r:?}");
            assert!(!text.contains('_'), "no wire names shown: {text}");
        }
    }

    #[test]
    fn throttle_message_rounds_up_to_minutes() {
        assert!((EN.signin.throttled)(61).contains("2 minutes"));
    }
}
