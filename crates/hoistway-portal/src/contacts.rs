//! The local service contacts as the customer's pages show them: the card
//! on a building's page (and its playbook), and the one number a printed
//! label or playbook leads with. The numbers come from the directory
//! (`hoistway_store::service_contacts`) by the building's country.

use crate::strings::Strings;
use hoistway_store::service_contacts::ServiceContact;
use maud::{html, Markup};

/// A `tel:` link of a number as people write it (spaces and dashes kept
/// for reading, dropped from the link).
pub fn phone_link(number: &str) -> Markup {
    let dial: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    html! { a href=(format!("tel:{dial}")) { (number) } }
}

/// The emergency number to print for a unit: the directory's for the
/// country, else the unit's own line from the register.
pub fn emergency_number<'a>(
    contact: Option<&'a ServiceContact>,
    unit_line: Option<&'a str>,
) -> Option<&'a str> {
    contact
        .and_then(|c| c.emergency_phone.as_deref())
        .or(unit_line)
        .filter(|n| !n.trim().is_empty())
}

/// The two halves of a country's contacts: emergency and non-urgent.
/// `country` names the building's country when the directory lacks it.
pub fn card_body(t: &Strings, contact: Option<&ServiceContact>, country: &str) -> Markup {
    let c = &t.contacts;
    let Some(sc) = contact else {
        return html! { p.muted { ((c.none_for_country)(country)) } };
    };
    html! {
        div.contacts-grid {
            div.contact-emergency {
                h3 { (c.emergency) }
                p.small.muted { (c.emergency_lead) }
                @match &sc.emergency_phone {
                    Some(n) => p.big-number { (phone_link(n)) },
                    None => p { (c.use_car_phone) },
                }
                @if let Some(h) = &sc.emergency_hours { p.small { (c.hours) ": " (h) } }
            }
            div.contact-service {
                h3 { (c.non_urgent) }
                p.small.muted { (c.non_urgent_lead) }
                dl.facts {
                    div { dt { (c.phone) } dd { @match &sc.service_phone { Some(n) => (phone_link(n)), None => (c.not_known) } } }
                    div { dt { (c.email) } dd { @match &sc.service_email { Some(e) => a href=(format!("mailto:{e}")) { (e) }, None => (c.not_known) } } }
                    @if let Some(h) = &sc.service_hours { div { dt { (c.hours) } dd { (h) } } }
                    @if let Some(w) = &sc.web { div { dt { (c.web) } dd { a href=(w) rel="noopener noreferrer" { (w) } } } }
                    @if let Some(n) = &sc.notes { div { dt { (c.notes) } dd { (n) } } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directory_number_comes_first() {
        let sc = ServiceContact {
            country: "US".into(),
            name: "United States".into(),
            emergency_phone: Some("877-276-8691".into()),
            emergency_hours: None,
            service_phone: None,
            service_email: None,
            service_hours: None,
            web: None,
            notes: None,
            updated_at: chrono::DateTime::UNIX_EPOCH,
        };
        assert_eq!(
            emergency_number(Some(&sc), Some("555 0100")),
            Some("877-276-8691")
        );
        assert_eq!(emergency_number(None, Some("555 0100")), Some("555 0100"));
        assert_eq!(emergency_number(None, Some(" ")), None);
        assert!(phone_link("+1 (877) 276-8691")
            .into_string()
            .contains("tel:+18772768691"));
    }
}
