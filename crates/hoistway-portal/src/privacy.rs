//! `/account/privacy` (issue #20), for every signed-in role: a copy of
//! one's data, the objection to analytics, erasure of one's account, and
//! the retention periods (which the provider admin sets here). The Team
//! tab's "Their data" and "Erase on request" land here too. Every action
//! is the API's own function (`hoistway_api::privacy`), so the rules, the
//! refusals and the audit are the same.

use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::page::{back_with_refusal, redirect_with, Ctx, PageResult, PortalError};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use axum_extra::extract::cookie::CookieJar;
use hoistway_api::auth::without_session_cookies;
use hoistway_api::privacy::{data_for, erase_for, erase_self, own_data};
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::privacy::retention::{self, RetentionInput};
use hoistway_store::privacy::{self, PrivacyChoices};
use maud::html;

const HERE: &str = "/account/privacy";

/// `GET /account/privacy`.
pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let t = &ctx.t.privacy;
    let me = &ctx.caller.user;
    let choices: PrivacyChoices = privacy::choices(&s.db, &ctx.caller.scope, me.id).await?;
    let policies = retention::policies(&s.db).await?;
    let may_set = ctx.may(Resource::Audit, Action::Write);
    let telemetry_days = s.settings.connected.retention.num_days();
    let body = html! {
        (ui::page_header(t.title, Some(t.lead), html! {}))
        section.card aria-labelledby="pd-h" {
            h2 #pd-h { (t.data_heading) }
            p { (t.data_lead) }
            a.btn.btn-primary href="/account/privacy/data.json" download { (t.download) }
        }
        section.card aria-labelledby="pa-h" {
            h2 #pa-h { (t.analytics_heading) }
            p.muted { (t.analytics_lead) }
            @match choices.analytics_objection_at {
                Some(at) => {
                    p data-objection="on" { ((t.objected_on)(&at.format("%Y-%m-%d").to_string())) }
                    form method="post" action="/account/privacy/objection" {
                        (csrf_field(&ctx))
                        input type="hidden" name="objects" value="no";
                        button.btn type="submit" { (t.withdraw) }
                    }
                }
                None => {
                    p data-objection="off" { (t.not_objected) }
                    form method="post" action="/account/privacy/objection" {
                        (csrf_field(&ctx))
                        input type="hidden" name="objects" value="yes";
                        button.btn.btn-primary type="submit" { (t.object) }
                    }
                }
            }
        }
        section.card aria-labelledby="ps-h" {
            h2 #ps-h { (ctx.t.surveys.consent_heading) }
            p.muted { (ctx.t.surveys.consent_lead) }
            @match choices.survey_consent_at {
                Some(at) => {
                    p data-surveys="on" { ((ctx.t.surveys.consent_on)(&at.format("%Y-%m-%d").to_string())) }
                    @if choices.analytics_objection_at.is_some() { p.small.muted { (ctx.t.surveys.consent_blocked) } }
                    form method="post" action="/account/privacy/surveys" {
                        (csrf_field(&ctx))
                        input type="hidden" name="consents" value="no";
                        button.btn type="submit" { (ctx.t.surveys.stop) }
                    }
                }
                None => {
                    p data-surveys="off" { (ctx.t.surveys.consent_off) }
                    form method="post" action="/account/privacy/surveys" {
                        (csrf_field(&ctx))
                        input type="hidden" name="consents" value="yes";
                        button.btn.btn-primary type="submit" { (ctx.t.surveys.agree) }
                    }
                }
            }
        }
        section.card aria-labelledby="pr-h" {
            h2 #pr-h { (t.retention_heading) }
            p.muted { (t.retention_lead) }
            div.table-wrap { table.stack-sm {
                thead { tr { th scope="col" { (t.kind) } th scope="col" { (t.kept_for) } } }
                tbody {
                    @for p in &policies {
                        tr data-retention=(p.kind) {
                            td data-label=(t.kind) { (p.applies_to) }
                            td data-label=(t.kept_for) {
                                @if may_set {
                                    form.inline method="post" action=(format!("/account/privacy/retention/{}", p.kind)) {
                                        (csrf_field(&ctx))
                                        label.sr-only for=(format!("rd-{}", p.kind)) { (t.days_label) " · " (p.applies_to) }
                                        input.input-sm id=(format!("rd-{}", p.kind)) type="number" name="days" min=(p.min_days) max="36500" value=(p.days) required;
                                        " " button.btn.btn-sm type="submit" { (ctx.t.common.save) }
                                    }
                                } @else {
                                    ((t.days)(p.days))
                                }
                            }
                        }
                    }
                    tr data-retention="telemetry" {
                        td data-label=(t.kind) { (t.telemetry_row) }
                        td data-label=(t.kept_for) { ((t.days)(telemetry_days)) span.small.muted { " (" (t.telemetry_where) ")" } }
                    }
                }
            } }
        }
        section.card aria-labelledby="pe-h" {
            h2 #pe-h { (t.erase_heading) }
            p { (t.erase_lead) }
            form.stack.narrow method="post" action="/account/privacy/erase" {
                (csrf_field(&ctx))
                div.field {
                    label for="pe-email" { (t.confirm_email) }
                    input #pe-email type="email" name="confirm_email" required autocomplete="off";
                }
                button.btn.btn-danger type="submit" data-confirm=(t.erase_confirm) { (t.erase) }
            }
        }
    };
    Ok(layout::page(&ctx, t.title, body).into_response())
}

/// `GET /account/privacy/data.json`: the viewer's own data.
pub async fn my_data(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    Ok(own_data(&s, &ctx.caller).await?)
}

/// `POST /account/privacy/objection`.
pub async fn set_objection(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    let objects = match posted.get("objects") {
        Some("yes") => true,
        Some("no") => false,
        _ => return Err(PortalError::BadRequest("objects: yes or no".into())),
    };
    let caller = &ctx.caller;
    privacy::set_objection(
        &s.db,
        &caller.scope,
        caller.actor(&s),
        caller.user.id,
        objects,
    )
    .await?;
    let t = &ctx.t.privacy;
    let said = if objects {
        t.objection_saved
    } else {
        t.objection_withdrawn
    };
    Ok(redirect_with(&s, HERE, true, said))
}

/// `POST /account/privacy/surveys`.
pub async fn set_survey_consent(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    let consents = match posted.get("consents") {
        Some("yes") => true,
        Some("no") => false,
        _ => return Err(PortalError::BadRequest("consents: yes or no".into())),
    };
    let caller = &ctx.caller;
    privacy::set_survey_consent(
        &s.db,
        &caller.scope,
        caller.actor(&s),
        caller.user.id,
        consents,
    )
    .await?;
    let t = &ctx.t.surveys;
    let said = if consents {
        t.consent_saved
    } else {
        t.consent_withdrawn
    };
    Ok(redirect_with(&s, HERE, true, said))
}

/// `POST /account/privacy/erase`: erases the viewer and signs them out.
pub async fn erase_me(State(s): State<AppState>, jar: CookieJar, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    match erase_self(&s, &ctx.caller, posted.get("confirm_email").unwrap_or("")).await {
        Ok(_) => {
            let res = redirect_with(&s, "/signin", true, ctx.t.privacy.erased);
            Ok((without_session_cookies(jar), res).into_response())
        }
        Err(e) => back_with_refusal(&s, HERE, e),
    }
}

/// `POST /account/privacy/retention/{kind}` (provider admins).
pub async fn set_retention(
    State(s): State<AppState>,
    Path(kind): Path<String>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    ctx.caller.require(Resource::Audit, Action::Write)?;
    let days = match posted.get("days").map(str::parse::<i64>) {
        Some(Ok(d)) => d,
        _ => {
            return back_with_refusal(
                &s,
                HERE,
                hoistway_domain::Invalid::new("days", "a whole number of days"),
            )
        }
    };
    match retention::set(&s.db, ctx.caller.actor(&s), &kind, RetentionInput { days }).await {
        Ok(_) => Ok(redirect_with(&s, HERE, true, ctx.t.privacy.retention_saved)),
        Err(e) => back_with_refusal(&s, HERE, e),
    }
}

/// `GET /account/privacy/users/{id}/data.json`: a member's data, on their
/// request (customer admins for their people, the provider for anyone).
pub async fn member_data(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    Ok(data_for(&s, &ctx.caller, id).await?)
}

/// `POST /account/privacy/users/{id}/erase`: erases a member on request;
/// back to the Team tab (or the provider's register) with the outcome.
pub async fn erase_member(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    let back = if ctx.caller.scope.customer_id().is_some() {
        "/setup/team"
    } else {
        "/admin/users"
    };
    let before = hoistway_store::users::get(&s.db, &ctx.caller.scope, id).await?;
    match erase_for(&s, &ctx.caller, id).await {
        Ok(done) => Ok(redirect_with(
            &s,
            back,
            true,
            (ctx.t.privacy.member_erased)(&before.name, &done.pseudonym),
        )),
        Err(e) => back_with_refusal(&s, back, e),
    }
}
