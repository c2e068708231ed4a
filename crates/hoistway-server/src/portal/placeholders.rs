//! Pages another part of the portal will build: the care-center console
//! (`/desk`) and the technician view (`/tech`). They exist so staff and
//! technicians land somewhere honest after signing in.

use super::layout::{self, Area};
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

/// `GET /desk`.
pub async fn desk(ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Desk)?;
    let t = ctx.t;
    placeholder(&ctx, t.placeholders.desk_title, t.placeholders.desk_body)
}

/// `GET /tech`.
pub async fn tech(ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Tech)?;
    let t = ctx.t;
    placeholder(&ctx, t.placeholders.tech_title, t.placeholders.tech_body)
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
