//! `/account/security`: turning the TOTP second factor on and off.
//!
//! Start → a pending secret, shown as a QR code (inline SVG: the CSP
//! allows no inline script or style, and SVG markup needs neither) and as
//! text → confirm with a code, which enables it and shows ten recovery
//! codes once (only their hashes are kept) → disable with a current code.
//! Enabling and disabling are audited by the store.

use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::page::{redirect_with, Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use hoistway_app::second_factor::{self as sf, matching_step, otpauth_url, qr_svg, recovery_codes};
use hoistway_app::state::AppState;
use hoistway_app::throttle::PER_ACCOUNT;
use hoistway_store::second_factor::{self, Totp};
use maud::{html, Markup, PreEscaped};

/// The secret in groups of four, easier to type than to scan.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn pending(ctx: &Ctx, factor: &Totp, error: Option<&str>) -> Markup {
    let s = &ctx.t.security;
    let url = otpauth_url(&factor.secret, &ctx.caller.user.email).unwrap_or_default();
    html! {
        section.card.enrol {
            h2 { (s.step_scan) }
            div.enrol-grid {
                div.qr-box {
                    @if let Some(svg) = qr_svg(&url, s.qr_label) { (PreEscaped(svg)) }
                }
                div {
                    p { (s.scan_lead) }
                    p.muted { (s.manual) }
                    p { code.secret data-totp-secret=(factor.secret) { (grouped(&factor.secret)) } }
                }
            }
            h2 { (s.step_confirm) }
            form.stack.narrow method="post" action="/account/security/confirm" {
                (csrf_field(ctx))
                div.field {
                    label for="code" { (s.code_label) }
                    input #code.code-input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="6" aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "code-error")];
                    @if let Some(e) = error { p.field-error #code-error { (e) } }
                }
                button.btn.btn-primary type="submit" { (s.confirm) }
            }
        }
    }
}

fn render(ctx: &Ctx, factor: Option<&Totp>, body_extra: Markup, error: Option<&str>) -> Markup {
    let s = &ctx.t.security;
    let status = match factor {
        Some(f) if f.enabled => ui::badge(ui::Tone::Ok, s.on),
        _ => ui::badge(ui::Tone::Muted, s.off),
    };
    layout::page(
        ctx,
        s.title,
        html! {
            (ui::page_header(s.title, Some(s.lead), status))
            (body_extra)
            @match factor {
                Some(f) if f.enabled => {
                    section.card {
                        h2 { (s.on_heading) }
                        p { ((s.recovery_left)(f.recovery_left)) }
                        form.stack.narrow method="post" action="/account/security/disable" {
                            (csrf_field(ctx))
                            div.field {
                                label for="disable-code" { (s.disable_code) }
                                input #disable-code.code-input type="text" name="code" autocomplete="one-time-code" required maxlength="20" aria-invalid=[error.map(|_| "true")];
                                @if let Some(e) = error { p.field-error { (e) } }
                            }
                            button.btn.btn-danger type="submit" data-confirm=(s.disable_confirm) { (s.disable) }
                        }
                    }
                }
                Some(f) => { (pending(ctx, f, error)) }
                None => {
                    section.card {
                        h2 { (s.off_heading) }
                        p { (s.off_lead) }
                        form method="post" action="/account/security/start" {
                            (csrf_field(ctx))
                            button.btn.btn-primary type="submit" { (s.start) }
                        }
                    }
                }
            }
            // Every role reaches its privacy rights from here.
            section.card aria-labelledby="privacy-h" {
                h2 #privacy-h { (ctx.t.privacy.title) }
                p { (ctx.t.privacy.lead) }
                a.btn href="/account/privacy" { (ctx.t.privacy.nav) }
            }
        },
    )
}

/// `GET /account/security`.
pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let factor = second_factor::get(&s.db, ctx.caller.user.id).await?;
    Ok(render(&ctx, factor.as_ref(), html! {}, None).into_response())
}

/// `POST /account/security/start`: a new pending secret.
pub async fn start(State(s): State<AppState>, posted: Posted) -> PageResult {
    let user = &posted.ctx.caller.user;
    second_factor::start(&s.db, user.id, &sf::new_secret(), s.clock.now()).await?;
    Ok(axum::response::Redirect::to("/account/security").into_response())
}

/// `POST /account/security/confirm`: the first code enables the factor.
pub async fn confirm(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    let t = &ctx.t.security;
    let user = &ctx.caller.user;
    let now = s.clock.now();
    let key = format!("totp:{}", user.id);
    if let Some(wait) = s.throttle.locked_for(&key, PER_ACCOUNT, now) {
        return Err(crate::page::PortalError::TooMany(wait));
    }
    let factor = second_factor::get(&s.db, user.id).await?;
    let Some(factor) = factor.filter(|f| !f.enabled) else {
        return Ok(redirect_with(&s, "/account/security", false, t.not_pending));
    };
    let code = posted.get("code").unwrap_or_default().replace(' ', "");
    let Some(step) = matching_step(&factor.secret, &code, now) else {
        s.throttle.fail(&key, now);
        let page = render(ctx, Some(&factor), html! {}, Some(t.code_wrong));
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    s.throttle.clear(&key);
    let codes = recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| sf::recovery_hash(c)).collect();
    let actor = ctx.caller.actor(&s);
    let session = ctx.caller.session_id;
    second_factor::enable(
        &s.db,
        actor,
        user.customer_id,
        user.id,
        session,
        step,
        &hashes,
    )
    .await?;
    let enabled = second_factor::get(&s.db, user.id).await?;
    let shown = html! {
        section.card.recovery role="status" {
            h2 { (t.enabled_heading) }
            p { (t.recovery_lead) }
            ol.recovery-codes data-recovery-codes {
                @for c in &codes { li { code { (c) } } }
            }
            p.muted { (t.recovery_once) }
        }
    };
    Ok(render(ctx, enabled.as_ref(), shown, None).into_response())
}

/// `POST /account/security/disable`: needs a current or recovery code.
pub async fn disable(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    let t = &ctx.t.security;
    let user = &ctx.caller.user;
    let code = posted.get("code").unwrap_or_default().to_string();
    match sf::verify(&s, user, &code, None).await {
        Ok(()) => {
            second_factor::disable(&s.db, ctx.caller.actor(&s), user.customer_id, user.id).await?;
            Ok(redirect_with(&s, "/account/security", true, t.disabled))
        }
        Err(hoistway_app::error::AppError::Unauthorized) => {
            let factor = second_factor::get(&s.db, user.id).await?;
            let page = render(ctx, factor.as_ref(), html! {}, Some(t.code_wrong));
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
