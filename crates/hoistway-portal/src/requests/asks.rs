//! The customer's two asks on an open request, escalation and a callback:
//! the box on `/requests/{number}` and its two forms, which go through the
//! API's own functions (`hoistway_api::cases::{ask_escalation,
//! ask_callback}`).

use super::*;

/// The customer's two asks on an open request: escalation (a reason) and
/// a callback (phone, preferred time). An ask still waiting for the care
/// center shows as such instead of its form.
pub(super) fn asks_box(ctx: &Ctx, case: &Case, tz: chrono_tz::Tz) -> Markup {
    let t = ctx.t;
    let r = &t.requests;
    let escalation = case.escalation_request.as_ref().filter(|e| e.pending());
    let callback = case.callback_request.as_ref().filter(|c| c.pending());
    let phone = case
        .callback_phone
        .clone()
        .or_else(|| ctx.caller.user.phone.clone())
        .unwrap_or_default();
    html! {
        div.grid #asks {
            section.card #escalation aria-labelledby="esc-h" {
                h2 #esc-h { (r.escalate_heading) }
                @if let Some(e) = escalation {
                    p { (ui::badge(ui::Tone::Warn, &(r.escalation_pending)(&ui::datetime(e.requested_at, tz)))) }
                    p.small { (e.reason) }
                } @else {
                    p.small { (r.escalate_lead) }
                    form.stack method="post" action=(format!("/requests/{}/escalation", case.number)) {
                        (csrf_field(ctx))
                        div.field {
                            label for="esc-reason" { (r.escalate_reason) }
                            textarea #esc-reason name="reason" required maxlength=(REASON_MAX) rows="2" {}
                        }
                        button.btn type="submit" { (r.escalate_submit) }
                    }
                }
            }
            section.card #callback aria-labelledby="cb-h" {
                h2 #cb-h { (r.callback_heading) }
                @if let Some(c) = callback {
                    p { (ui::badge(ui::Tone::Warn, &(r.callback_pending)(&c.phone, (t.labels.callback_window)(c.window.as_str()), &ui::datetime(c.requested_at, tz)))) }
                } @else {
                    p.small { (r.callback_lead) }
                    form.stack method="post" action=(format!("/requests/{}/callback", case.number)) {
                        (csrf_field(ctx))
                        div.row {
                            div.field {
                                label for="cb-phone" { (r.callback) }
                                input #cb-phone type="tel" name="phone" required value=(phone) autocomplete="tel";
                            }
                            div.field {
                                label for="cb-window" { (r.callback_window) }
                                select #cb-window name="window" {
                                    @for w in CallbackWindow::ALL {
                                        option value=(w.as_str()) { ((t.labels.callback_window)(w.as_str())) }
                                    }
                                }
                            }
                        }
                        button.btn type="submit" { (r.callback_submit) }
                    }
                }
            }
        }
    }
}

/// A refusal of a customer's ask: a flash on the request page for what
/// the user can fix or that already happened; 403 and 404 pages otherwise.
fn ask_refused(s: &AppState, back: &str, e: hoistway_app::error::AppError) -> PageResult {
    use hoistway_app::error::AppError;
    match e {
        AppError::Invalid(e) => Ok(redirect_with(s, back, false, e.to_string())),
        AppError::Conflict(m) => Ok(redirect_with(s, back, false, m)),
        e => Err(e.into()),
    }
}

/// `POST /requests/{number}/escalation`: the customer asks for escalation.
pub async fn escalation(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Requests)?;
    let t = posted.ctx.t;
    let back = format!("/requests/{number}#escalation");
    let ask = EscalationAsk {
        reason: posted.get("reason").unwrap_or_default().to_string(),
    };
    match ask_escalation(&s, &posted.ctx.caller, &number, ask).await {
        Ok(_) => Ok(redirect_with(&s, &back, true, t.requests.escalation_sent)),
        Err(e) => ask_refused(&s, &back, e),
    }
}

/// `POST /requests/{number}/callback`: the customer asks to be called back.
pub async fn callback(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Requests)?;
    let t = posted.ctx.t;
    let back = format!("/requests/{number}#callback");
    let ask = CallbackAsk {
        phone: posted.get("phone").unwrap_or_default().to_string(),
        window: posted.get("window").unwrap_or_default().to_string(),
    };
    match ask_callback(&s, &posted.ctx.caller, &number, ask).await {
        Ok(_) => Ok(redirect_with(&s, &back, true, t.requests.callback_sent)),
        Err(e) => ask_refused(&s, &back, e),
    }
}
