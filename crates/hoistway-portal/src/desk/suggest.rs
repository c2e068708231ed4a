//! The case page's dispatch suggestions card (issue #21) and the
//! extreme-weather banner the desk shows. The ranking is the API's own
//! (`hoistway_api::on_call::suggestions`); each row's "Assign" posts the
//! existing `/desk/cases/{number}/assign` action with the technician and
//! the predicted on-site time as the ETA.

use crate::forms::csrf_field;
use crate::page::Ctx;
use crate::ui;
use hoistway_store::on_call::suggest::{DispatchSuggestions, Suggested};
use hoistway_store::on_call::weather::WeatherPeriod;
use maud::{html, Markup};

/// How many suggestions the card lists (the rest are further away still).
const SHOWN: usize = 6;

/// The banner over the desk while extreme weather is declared.
pub fn weather_banner(ctx: &Ctx, periods: &[WeatherPeriod]) -> Markup {
    let o = &ctx.t.on_call;
    html! {
        @for w in periods {
            div.banner.banner-warn role="status" data-extreme-weather=(w.id) {
                strong { ((o.banner)(
                    &match &w.region { Some(r) => format!("{} ({r})", w.country), None => w.country.clone() },
                    &w.until.format("%-d %b %H:%M UTC").to_string(),
                    &w.note,
                )) }
                " " (o.banner_sla)
            }
        }
    }
}

fn minutes_ahead(s: &Suggested, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    s.predicted_on_site.map(|p| (p - now).num_minutes().max(1))
}

/// The card: notices, then the ranked technicians with an assign button.
pub fn card(ctx: &Ctx, number: &str, d: &DispatchSuggestions, tz: chrono_tz::Tz) -> Markup {
    let o = &ctx.t.on_call;
    let action = format!("/desk/cases/{number}/assign");
    let assign = |s: &Suggested, label: &str, primary: bool| {
        html! {
            form method="post" action=(action) {
                (csrf_field(ctx))
                input type="hidden" name="technician_id" value=(s.technician_id);
                @if let Some(m) = minutes_ahead(s, d.at) {
                    input type="hidden" name="eta_predicted_minutes" value=(m);
                }
                button.btn.btn-sm.btn-primary[primary] type="submit" data-assign-suggestion=(s.technician_id) { (label) }
            }
        }
    };
    let top = d.suggestions.first().filter(|s| s.available);
    html! {
        section.card #suggestions aria-labelledby="suggest-h" {
            h2 #suggest-h { (o.suggest_heading) }
            p.small.muted { (o.suggest_lead) }
            (weather_banner(ctx, &d.extreme_weather))
            @if d.extreme_weather.is_empty() && d.holiday {
                p.small data-situation="holiday" { (o.holiday) }
            } @else if d.extreme_weather.is_empty() && !d.business_hours {
                p.small data-situation="outside-hours" { (o.outside_hours) }
            }
            @if let Some(t) = top {
                (assign(t, o.assign_top, true))
            }
            ol.list.suggestions {
                @for s in d.suggestions.iter().take(SHOWN) {
                    li data-suggestion=(s.technician_id) data-available=(s.available) {
                        div.main {
                            strong { (s.name) }
                            " " (ui::badge(if s.available { ui::Tone::Ok } else { ui::Tone::Muted },
                                (o.cover_label)(&s.cover)))
                            div.sub {
                                @if let Some(p) = s.predicted_on_site {
                                    (o.on_site_by) " " strong data-predicted=(p.to_rfc3339()) { (ui::datetime(p, tz)) }
                                    @if let Some(km) = s.distance_km { " · " (o.distance) " " (format!("{km:.1} km")) }
                                    @if let Some(m) = s.slack_minutes {
                                        " · " @if m >= 0 { ((o.spare)(m)) } @else { ((o.late_by)(-m)) }
                                    }
                                }
                            }
                            div.sub.muted {
                                ((o.reason_label)(&s.reason))
                                @if let Some(p) = &s.position_source { " · " ((o.position_label)(p)) }
                            }
                        }
                        @if s.available { (assign(s, o.assign, false)) }
                    }
                }
            }
            p.small.muted { ((o.model_note)(d.model.average_speed_kmh, d.model.detour_factor, d.model.set_off_minutes)) }
        }
    }
}
