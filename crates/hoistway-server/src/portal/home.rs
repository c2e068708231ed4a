//! `/`: the customer's home. Staff and technicians are sent on to their
//! own start pages.

use super::layout::{self, Area};
use super::page::{Ctx, PageResult};
use super::placeholders;
use super::ui;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use hoistway_domain::Role;
use maud::html;

/// `GET /`.
pub async fn show(State(_s): State<AppState>, ctx: Ctx) -> PageResult {
    let role = ctx.caller.user.role;
    if role == Role::Resident {
        return placeholders::resident(&ctx);
    }
    if !layout::areas(role).contains(&Area::Home) {
        return Ok(Redirect::to(layout::landing(role)).into_response());
    }
    let t = ctx.t;
    Ok(layout::page(
        &ctx,
        t.nav.home,
        html! { (ui::page_header(t.nav.home, None, html! {})) },
    )
    .into_response())
}
