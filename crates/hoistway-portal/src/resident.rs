//! `/` for a resident: the remote-call app, an installable page (the
//! portal's manifest and service worker) made for a phone.
//!
//! The page lists the buildings the resident holds an active access grant
//! for and, in each, only the areas the grant allows — read through
//! [`hoistway_remote::access::call_areas`], the function the call API
//! itself checks with, so the page never offers a floor the API would
//! refuse. Placing, following and cancelling a call is done by the page's
//! script (`assets/call.js`) against the REST call API with the session
//! cookie: `POST /api/v1/buildings/{id}/calls`, the call's server-sent
//! events, `DELETE …/calls/{call_id}`. The API takes the portal's session
//! cookie only together with the `X-CSRF-Token` header (the session's
//! token, given to the script in a data attribute like the `_csrf` field of
//! every form), and enforces role, tenancy and grants itself; so the page
//! adds no route that changes anything, and calls stay out of the
//! database exactly as they do for any other client.

use super::assets;
use super::layout;
use super::page::{Ctx, PageResult};
use super::strings::Strings;
use super::ui;
use axum::response::IntoResponse;
use hoistway_app::error::AppError;
use hoistway_app::state::AppState;
use hoistway_remote::access;
use hoistway_store::grants::{self, Areas, GrantFilter};
use hoistway_store::topology::{self, AreaView, Topology};
use maud::{html, Markup};
use std::collections::BTreeMap;

/// One building the resident may call lifts in.
struct Callable {
    id: i64,
    name: String,
    /// The granted areas, lowest floor first (front before rear).
    areas: Vec<AreaView>,
    /// Where a call starts by default (the page may remember another).
    entrance: u32,
    /// Floor number → the words the page uses for it.
    floors: BTreeMap<i32, String>,
    lowest: i32,
    highest: i32,
}

/// A floor as people name it: its name, or "Floor 3" when the name is the
/// bare number.
fn floor_label(t: &Strings, number: i32, name: &str) -> String {
    if name.trim().is_empty() || name.trim() == number.to_string() {
        (t.resident.floor_numbered)(number)
    } else {
        name.to_string()
    }
}

fn area_label(t: &Strings, floors: &BTreeMap<i32, String>, a: &AreaView) -> String {
    let floor = floors
        .get(&a.floor)
        .cloned()
        .unwrap_or_else(|| (t.resident.floor_numbered)(a.floor));
    if a.side == "rear" {
        (t.resident.rear_door)(&floor)
    } else {
        floor
    }
}

fn callable(t: &Strings, id: i64, name: String, topo: &Topology, allowed: &Areas) -> Callable {
    let floors: BTreeMap<i32, String> = topo
        .floors
        .iter()
        .map(|f| (f.number, floor_label(t, f.number, &f.name)))
        .collect();
    let mut areas: Vec<AreaView> = topo
        .areas
        .iter()
        .filter(|a| allowed.allows(a.id))
        .cloned()
        .collect();
    areas.sort_by_key(|a| (a.floor, a.side != "front", a.id));
    let entrance = areas
        .iter()
        .find(|a| a.floor == topo.main_floor && a.side == "front")
        .or_else(|| areas.iter().find(|a| a.floor == topo.main_floor))
        .or(areas.first())
        .map_or(0, |a| a.id);
    Callable {
        id,
        name,
        areas,
        entrance,
        lowest: floors.keys().next().copied().unwrap_or(0),
        highest: floors.keys().next_back().copied().unwrap_or(0),
        floors,
    }
}

/// The resident's buildings: those with remote call, and the names of
/// those without (a grant on a building whose lifts have no topology).
async fn buildings(s: &AppState, ctx: &Ctx) -> PageResult<(Vec<Callable>, Vec<String>)> {
    let caller = &ctx.caller;
    let f = GrantFilter {
        user_id: Some(caller.user.id),
        active: Some(true),
        limit: Some(500),
        ..Default::default()
    };
    let mut ids: Vec<i64> = grants::list(&s.db, &caller.scope, &f)
        .await?
        .items
        .iter()
        .map(|g| g.building_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let (mut ready, mut not_ready) = (Vec::new(), Vec::new());
    for id in ids {
        // The call API's own check: building in scope, active grant, areas.
        let (b, allowed) = match access::call_areas(s, caller, id).await {
            Ok(found) => found,
            Err(AppError::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        match topology::get(&s.db, &caller.scope, id).await {
            Ok(topo) => ready.push(callable(ctx.t, b.id, b.name, &topo, &allowed)),
            Err(hoistway_store::StoreError::NotFound(_)) => not_ready.push(b.name),
            Err(e) => return Err(e.into()),
        }
    }
    ready.retain(|c| !c.areas.is_empty());
    ready.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((ready, not_ready))
}

/// The live texts and refusal words for the script, as JSON.
fn texts(t: &Strings) -> String {
    let l = &t.resident.live;
    let reasons: serde_json::Map<String, serde_json::Value> = hoistway_lift::CancelReason::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                (t.resident.reason)(r.as_str()).into(),
            )
        })
        .collect();
    serde_json::json!({
        "calling": l.calling, "wait": l.wait, "enter": l.enter, "ride": l.ride,
        "exit": l.exit, "landing_coming": l.landing_coming,
        "landing_here": l.landing_here, "lift": l.lift,
        "cancelling": l.cancelling, "too_late": l.too_late, "placing": l.placing,
        "failed": l.failed, "signed_out": l.signed_out, "lost": l.lost,
        "ended": (t.resident.reason)(""), "reasons": reasons,
    })
    .to_string()
}

fn building_panel(t: &Strings, b: &Callable, first: bool, alone: bool) -> Markup {
    let r = &t.resident;
    let labels: Vec<(u32, String)> = b
        .areas
        .iter()
        .map(|a| (a.id, area_label(t, &b.floors, a)))
        .collect();
    let floors_json = serde_json::to_string(&b.floors).unwrap_or_else(|_| "{}".into());
    let from_id = format!("rc-from-{}", b.id);
    html! {
        section.card.rc-panel data-building=(b.id) data-entrance=(b.entrance)
            data-floors=(floors_json) data-lowest=(b.lowest) data-highest=(b.highest)
            hidden[!first] {
            @if alone { h2.rc-name { (b.name) } }
            div.field {
                label for=(from_id) { (r.from) }
                select.rc-from id=(from_id) {
                    @for (a, (id, label)) in b.areas.iter().zip(&labels) {
                        option value=(id) data-floor=(a.floor) selected[*id == b.entrance] { (label) }
                    }
                }
            }
            h3.rc-to { (r.to) }
            p.hint.small.muted { (r.to_hint) }
            div.rc-floors role="group" aria-label=(r.to) {
                @for (a, (id, label)) in b.areas.iter().zip(&labels).rev() {
                    button.btn.rc-floor type="button" data-area=(id) data-floor=(a.floor) { (label) }
                }
            }
            div.rc-landing {
                h3 { (r.landing_heading) }
                p.hint.small.muted { (r.landing_hint) }
                div.rc-dirs {
                    button.btn.rc-dir type="button" data-direction="up" { span aria-hidden="true" { "▲ " } (r.up) }
                    button.btn.rc-dir type="button" data-direction="down" { span aria-hidden="true" { "▼ " } (r.down) }
                }
            }
        }
    }
}

fn live_panel(t: &Strings) -> Markup {
    let l = &t.resident.live;
    html! {
        section.card.rc-live data-rc-live hidden {
            h2 { (l.heading) }
            p.rc-lift data-rc-lift {}
            p.rc-say data-rc-say role="status" aria-live="polite" {}
            ol.rc-steps data-rc-steps aria-label=(l.steps_label) {
                li data-step="wait" { (l.step_wait) }
                li data-step="enter" { (l.step_enter) }
                li data-step="ride" { (l.step_ride) }
                li data-step="exit" { (l.step_exit) }
            }
            div.rc-actions {
                button.btn.btn-danger.btn-block type="button" data-rc-cancel { (l.cancel) }
                button.btn.btn-primary.btn-block type="button" data-rc-again hidden { (l.again) }
            }
        }
    }
}

/// The resident's start page: the remote-call app.
pub async fn show(s: &AppState, ctx: &Ctx) -> PageResult {
    let t = ctx.t;
    let r = &t.resident;
    let (ready, not_ready) = buildings(s, ctx).await?;
    let body = html! {
        div.rc-page {
        (ui::page_header(r.title, Some(r.lead), html! {}))
        noscript { p.flash.flash-error { (r.needs_script) } }
        @if ready.is_empty() {
            section.card {
                h2 { (r.no_access_title) }
                p { (r.no_access) }
            }
        } @else {
            div.rc data-rc data-csrf=(ctx.csrf) data-texts=(texts(t)) {
                div.flash.flash-error data-rc-error role="alert" hidden {}
                (live_panel(t))
                div data-rc-pick {
                    @if ready.len() > 1 {
                        div.field.rc-building-pick {
                            label for="rc-building" { (r.building) }
                            select #rc-building {
                                @for b in &ready { option value=(b.id) { (b.name) } }
                            }
                        }
                    }
                    @for (i, b) in ready.iter().enumerate() {
                        (building_panel(t, b, i == 0, ready.len() == 1))
                    }
                }
            }
        }
        @for name in &not_ready { p.note { ((r.not_set_up)(name)) } }
        section.card.rc-privacy {
            h2 { (r.privacy_heading) }
            p { (r.privacy) }
            p.small.muted { (r.privacy_device) }
        }
        p.note { (r.emergency) }
        }
        // The page's own stylesheet and script (allowed in the body; kept
        // apart from app.css/app.js so other pages do not load them).
        link rel="stylesheet" href=(assets::url("call.css"));
        script src=(assets::url("call.js")) defer {}
    };
    Ok(layout::page(ctx, r.title, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::EN;

    #[test]
    fn floors_are_named_as_people_name_them() {
        assert_eq!(floor_label(&EN, 3, "3"), "Floor 3");
        assert_eq!(floor_label(&EN, -1, "-1"), "Floor -1");
        assert_eq!(floor_label(&EN, 0, "Lobby"), "Lobby");
        let floors: BTreeMap<i32, String> = [(0, "E".to_string())].into();
        let rear = AreaView {
            id: 2010,
            floor: 0,
            side: "rear".into(),
            name: "E rear".into(),
        };
        assert_eq!(area_label(&EN, &floors, &rear), "E · rear door");
    }

    #[test]
    fn script_texts_hold_every_refusal_in_words() {
        let v: serde_json::Value = serde_json::from_str(&texts(&EN)).unwrap();
        for r in hoistway_lift::CancelReason::ALL {
            assert!(v["reasons"][r.as_str()].is_string(), "{r:?}");
        }
        assert!(v["wait"].as_str().unwrap().contains("{lift}"));
    }
}
