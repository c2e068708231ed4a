//! The portal's tabs and which of them each role has.

use super::strings::Strings;
use hoistway_domain::Role;

/// A tab of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Home,
    Equipment,
    Requests,
    Services,
    Reports,
    Documents,
    Setup,
    Desk,
    Tech,
    Admin,
}

impl Area {
    pub fn href(self) -> &'static str {
        match self {
            Area::Home => "/",
            Area::Equipment => "/equipment",
            Area::Requests => "/requests",
            Area::Services => "/services",
            Area::Reports => "/reports",
            Area::Documents => "/documents",
            Area::Setup => "/setup",
            Area::Desk => "/desk",
            Area::Tech => "/tech",
            Area::Admin => "/admin",
        }
    }

    pub fn label(self, t: &Strings) -> &'static str {
        match self {
            Area::Home => t.nav.home,
            Area::Equipment => t.nav.equipment,
            Area::Requests => t.nav.requests,
            Area::Services => t.nav.services,
            Area::Reports => t.nav.reports,
            Area::Documents => t.nav.documents,
            Area::Setup => t.nav.setup,
            Area::Desk => t.nav.desk,
            Area::Tech => t.nav.tech,
            Area::Admin => t.nav.admin,
        }
    }

    /// A label short enough for the phone's bottom tab bar.
    pub fn short_label(self, t: &Strings) -> &'static str {
        match self {
            Area::Requests => t.nav.requests_short,
            Area::Setup => t.nav.setup_short,
            Area::Documents => t.nav.documents_short,
            Area::Equipment => t.nav.equipment_short,
            Area::Admin => t.nav.admin_short,
            other => other.label(t),
        }
    }

    /// Whether `path` is inside this area.
    pub fn contains(self, path: &str) -> bool {
        match self {
            Area::Home => path == "/",
            other => {
                let base = other.href();
                path == base || path.starts_with(&format!("{base}/"))
            }
        }
    }

    /// A 24×24 outline icon (SVG path data).
    pub fn icon(self) -> &'static str {
        match self {
            Area::Home => "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
            Area::Equipment => "M6 3h12v18H6zM12 3v18M9 8l-1.5 2h3zM15 14l-1.5 2h3z",
            Area::Requests => "M4 5h16v11H8l-4 4zM9 9h6M9 12h4",
            Area::Services => "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5",
            Area::Reports => "M4 20V10M10 20V4M16 20v-7M22 20H2",
            Area::Documents => "M6 3h9l4 4v14H6zM14 3v5h5M9 13h7M9 17h7",
            Area::Setup => "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2",
            Area::Desk => "M4 14v-2a8 8 0 0 1 16 0v2M4 14h3v5H4zM17 14h3v5h-3z",
            Area::Tech => "M14 6l4 4-9 9H5v-4zM13 7l4 4",
            Area::Admin => "M4 21V8l8-5 8 5v13M9 21v-6h6v6M8 10h2M14 10h2",
        }
    }
}

/// The tabs of a role, in order. The first is where the role lands.
pub fn areas(role: Role) -> &'static [Area] {
    use Area::*;
    match role {
        Role::CustomerAdmin | Role::PropertyManager => &[
            Home, Equipment, Requests, Services, Reports, Documents, Setup,
        ],
        // Front desk: service requests only (SPEC roles).
        Role::FrontDesk => &[Home, Requests, Setup],
        // Finance: contracts and invoices only.
        Role::Finance => &[Documents, Setup],
        Role::Operator | Role::DutyManager => &[Desk],
        // The provider admin also keeps the register behind every page.
        Role::ProviderAdmin => &[Desk, Admin],
        Role::Technician => &[Tech],
        Role::Resident => &[Home],
    }
}

/// Where a role lands after signing in (and on `/`).
pub fn landing(role: Role) -> &'static str {
    areas(role).first().map(|a| a.href()).unwrap_or("/")
}
