//! The second factor at sign-in: TOTP (RFC 6238, SHA-1, 6 digits, 30 s,
//! as authenticator apps expect) via `totp-rs`, its enrolment QR code as
//! SVG (`qrcode`), and one-time recovery codes.
//!
//! [`verify`] is the one check of a code, shared by the portal's second
//! sign-in step and the API login. It runs under the same throttle as
//! passwords (per account and per address), so six digits cannot be
//! guessed; a TOTP code is accepted once (the store refuses a step not
//! newer than the last), a recovery code once (consumed by one update).

use crate::auth::{random_token, token_hash};
use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use crate::throttle::{PER_ACCOUNT, PER_ADDRESS};
use chrono::{DateTime, Utc};
use hoistway_store::second_factor;
use hoistway_store::users::User;
use hoistway_store::Actor;
use rand::RngCore;
use totp_rs::{Algorithm, TOTP};

/// Seconds per TOTP step.
const STEP: u64 = 30;
/// How many recovery codes an enrolment hands out.
pub const RECOVERY_CODES: usize = 10;
/// Issuer shown in the authenticator app.
const ISSUER: &str = "Hoistway";

/// A fresh random secret (160 bits, RFC 4226's recommendation), base32.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    totp_rs::Secret::Raw(bytes.to_vec())
        .to_encoded()
        .to_string()
}

fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .ok()?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP,
        bytes,
        Some(ISSUER.to_string()),
        account.to_string(),
    )
    .ok()
}

/// The `otpauth://` URL an authenticator app scans.
pub fn otpauth_url(secret_b32: &str, account: &str) -> Option<String> {
    totp(secret_b32, account).map(|t| t.get_url())
}

/// The QR code of `text` as inline SVG markup (no XML prolog, no style
/// attribute, so the page's CSP allows it), sized by CSS.
pub fn qr_svg(text: &str, label: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg")?;
    let label = label.replace(['"', '<', '>', '&'], "");
    Some(svg[start..].replacen(
        "<svg ",
        &format!("<svg class=\"qr\" role=\"img\" aria-label=\"{label}\" "),
        1,
    ))
}

/// The TOTP step `code` belongs to (the current one or one either side,
/// for clock drift), if it matches.
pub fn matching_step(secret_b32: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let t = totp(secret_b32, "x")?;
    let now = u64::try_from(now.timestamp()).ok()?;
    let current = now / STEP;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| crate::auth::same_token(&t.generate(step * STEP), code))
        .and_then(|s| i64::try_from(s).ok())
}

/// Ten recovery codes, `xxxxx-xxxxx` (50 bits each).
pub fn recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw = random_token(12).to_lowercase().replace(['-', '_'], "x");
            format!("{}-{}", &raw[..5], &raw[5..10])
        })
        .collect()
}

/// What is stored for a recovery code: the SHA-256 of its normal form.
pub fn recovery_hash(code: &str) -> String {
    token_hash(&normal(code))
}

fn normal(code: &str) -> String {
    code.trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// Checks a TOTP or recovery code of `user` (whose factor is enabled),
/// throttled like a password. `Unauthorized` if wrong.
pub async fn verify(
    state: &AppState,
    user: &User,
    answer: &str,
    address: Option<std::net::IpAddr>,
) -> ApiResult<()> {
    let now = state.clock.now();
    let account_key = format!("totp:{}", user.id);
    let address_key = format!(
        "address:{}",
        address.map(|a| a.to_string()).unwrap_or_default()
    );
    for (key, limit) in [(&account_key, PER_ACCOUNT), (&address_key, PER_ADDRESS)] {
        if let Some(retry_after_s) = state.throttle.locked_for(key, limit, now) {
            return Err(AppError::TooManyRequests { retry_after_s });
        }
    }
    let Some(factor) = second_factor::get(&state.db, user.id).await? else {
        return Err(AppError::Unauthorized);
    };
    let answer = normal(answer);
    let actor = Actor {
        user_id: Some(user.id),
        at: now,
    };
    let ok = if answer.len() == 6 && answer.bytes().all(|b| b.is_ascii_digit()) {
        match matching_step(&factor.secret, &answer, now) {
            Some(step) if factor.enabled => {
                second_factor::use_step(&state.db, user.id, step).await?
            }
            _ => false,
        }
    } else if factor.enabled && answer.len() == 10 {
        second_factor::use_recovery(
            &state.db,
            actor,
            user.customer_id,
            user.id,
            &token_hash(&answer),
        )
        .await?
    } else {
        false
    };
    if !ok {
        state.throttle.fail(&account_key, now);
        state.throttle.fail(&address_key, now);
        state.metrics.login_failures.inc();
        return Err(AppError::Unauthorized);
    }
    state.throttle.clear(&account_key);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_own_step_and_neighbours_only() {
        let secret = new_secret();
        let t = totp(&secret, "a@b.example").unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:10Z")
            .unwrap()
            .with_timezone(&Utc);
        let step = now.timestamp() as u64 / STEP;
        let code = t.generate(step * STEP);
        assert_eq!(matching_step(&secret, &code, now), Some(step as i64));
        let old = t.generate((step - 5) * STEP);
        if old != code {
            assert_eq!(matching_step(&secret, &old, now), None);
        }
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalise() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut set = codes.clone();
        set.sort();
        set.dedup();
        assert_eq!(set.len(), RECOVERY_CODES);
        assert_eq!(normal(&codes[0]).len(), 10);
        assert_eq!(
            recovery_hash(&codes[0]),
            recovery_hash(&codes[0].to_uppercase())
        );
    }

    #[test]
    fn qr_is_inline_svg_without_style() {
        let url = otpauth_url(&new_secret(), "a@b.example").unwrap();
        assert!(
            url.starts_with("otpauth://totp/Hoistway:a%40b.example?"),
            "{url}"
        );
        let svg = qr_svg(&url, "QR").unwrap();
        assert!(svg.starts_with("<svg class=\"qr\""));
        assert!(!svg.contains("style"));
    }
}
