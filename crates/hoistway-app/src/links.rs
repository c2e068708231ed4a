//! Absolute links to our own pages, for what leaves the browser: calendar
//! feed URLs, invitation letters.

use crate::state::AppState;
use axum::http::{header, HeaderMap};

/// `path` on the host the browser used (a host with odd characters is
/// replaced by `localhost` rather than copied into a letter).
pub fn absolute(s: &AppState, headers: &HeaderMap, path: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if s.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}{path}")
}
