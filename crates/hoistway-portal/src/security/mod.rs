//! The account's security: the TOTP second factor. [`second_step`] asks
//! for the code at sign-in (after a right password); [`enrol`] is
//! `/account/security` (QR code, confirm, recovery codes, disable). The
//! arithmetic and the throttled check are [`hoistway_app::second_factor`]'s,
//! shared with the API login.

pub mod enrol;
pub mod second_step;
