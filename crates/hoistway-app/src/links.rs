//! Links to our own pages: absolute ones for what leaves the browser
//! (calendar feed URLs, invitation letters), and the page a notification
//! is about, for the portal's list and for a push's click.

use crate::state::AppState;
use axum::http::{header, HeaderMap};

/// `path` on the host the browser used (a host with odd characters is
/// replaced by `localhost` rather than copied into a letter).
pub fn absolute(s: &AppState, headers: &HeaderMap, path: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if s.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}{path}")
}

/// The portal page a notice is about, for the viewer's role: a case on
/// the customer's request page, the desk's case page or the technician's
/// work order; an invoice on its document page. `None` when the role has
/// no page for it (finance has no case pages, the desk no invoice pages).
pub fn notice_page(
    role: hoistway_domain::Role,
    case_number: Option<&str>,
    invoice_id: Option<i64>,
) -> Option<String> {
    use hoistway_domain::Role::*;
    if let Some(n) = case_number {
        let base = match role {
            CustomerAdmin | PropertyManager | FrontDesk => "/requests/",
            Operator | DutyManager | ProviderAdmin => "/desk/cases/",
            Technician => "/tech/cases/",
            Finance | Resident => return None,
        };
        return Some(format!("{base}{n}"));
    }
    match (invoice_id, role) {
        (Some(id), CustomerAdmin | PropertyManager | Finance) => {
            Some(format!("/documents/invoices/{id}"))
        }
        _ => None,
    }
}

/// The portal page of a notice about neither a case nor an invoice, by
/// its event's wire name: a certificate renewal opens the customer's
/// certificate list, an offer the offers page of the reader's side.
pub fn event_page(role: hoistway_domain::Role, event: &str) -> Option<String> {
    use hoistway_domain::Role::*;
    match (event, role) {
        ("certificate_expiring", CustomerAdmin | PropertyManager) => {
            Some("/services/certificates".into())
        }
        // The notice names the building; its playbook is one click from
        // the equipment list.
        ("playbook_review_due", CustomerAdmin | PropertyManager) => Some("/equipment".into()),
        ("offer_updated", CustomerAdmin | PropertyManager) => Some("/offers".into()),
        ("offer_updated", ProviderAdmin | Operator | DutyManager) => Some("/desk/offers".into()),
        ("root_cause_updated", CustomerAdmin | PropertyManager) => {
            Some("/reports/root-causes".into())
        }
        ("root_cause_updated", ProviderAdmin | Operator | DutyManager) => {
            Some("/desk/root-causes".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{event_page, notice_page};
    use hoistway_domain::Role;

    #[test]
    fn each_role_is_sent_to_its_own_page() {
        let case = Some("SO-2026-000001");
        assert_eq!(
            notice_page(Role::PropertyManager, case, None).as_deref(),
            Some("/requests/SO-2026-000001")
        );
        assert_eq!(
            notice_page(Role::Operator, case, None).as_deref(),
            Some("/desk/cases/SO-2026-000001")
        );
        assert_eq!(
            notice_page(Role::Technician, case, None).as_deref(),
            Some("/tech/cases/SO-2026-000001")
        );
        assert_eq!(notice_page(Role::Finance, case, None), None);
        assert_eq!(
            notice_page(Role::Finance, None, Some(7)).as_deref(),
            Some("/documents/invoices/7")
        );
        assert_eq!(notice_page(Role::Operator, None, Some(7)), None);
        assert_eq!(notice_page(Role::CustomerAdmin, None, None), None);
        assert_eq!(
            event_page(Role::PropertyManager, "certificate_expiring").as_deref(),
            Some("/services/certificates")
        );
        assert_eq!(event_page(Role::Finance, "certificate_expiring"), None);
    }
}
