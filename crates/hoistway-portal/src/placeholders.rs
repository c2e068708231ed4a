//! A plain page for a role the portal has nothing for (residents call
//! lifts in the mobile app).

use super::layout;
use super::page::{Ctx, PageResult};
use super::ui;
use axum::response::IntoResponse;
use maud::html;

fn placeholder(ctx: &Ctx, title: &str, body: &str) -> PageResult {
    Ok(layout::page(
        ctx,
        title,
        html! {
            (ui::page_header(title, None, html! {}))
            section.card { p { (body) } }
        },
    )
    .into_response())
}

/// The start page of a resident (remote call lives in the mobile app).
pub fn resident(ctx: &Ctx) -> PageResult {
    let t = ctx.t;
    placeholder(
        ctx,
        t.placeholders.resident_title,
        t.placeholders.resident_body,
    )
}
