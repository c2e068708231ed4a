//! What the PDF routes share: the answer (`application/pdf`, a download
//! with a file name), the document frame (issuer, title, the lines under
//! it, footer, the generation instant from the app's clock) and the time a
//! technician spent on site, read from a case's timeline.
//!
//! The documents themselves are drawn by `hoistway-documents` from plain
//! data; this module and the handlers fill that data from the same store
//! reads and strings as the pages, so a PDF says what its page says.

use super::page::PortalError;
use super::strings::Strings;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use hoistway_documents::{DocumentError, Frame};
use hoistway_store::cases::timeline::TimelineEntry;

/// A PDF download. `name` becomes the file name (kept to safe characters).
pub fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    download(bytes, "application/pdf".into(), &format!("{name}.pdf"))
}

/// A file as a download (never shown inline), its name kept to safe
/// characters.
pub fn download(bytes: Vec<u8>, content_type: String, name: &str) -> Response {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A document that could not be drawn is the server's fault: logged, a 500 page.
pub fn failed(e: DocumentError) -> PortalError {
    tracing::error!(cause = %e, "PDF document failed");
    PortalError::Internal
}

/// "6 Dec 2026, 11:00 EET": the generation instant in `tz`, zone named.
pub fn generated_at(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .format("%-d %b %Y, %H:%M %Z")
        .to_string()
}

/// The frame of a document: title, the lines under it (as given, then
/// the generation line), footer "Hoistway · title".
pub fn frame(
    t: &Strings,
    title: String,
    mut lines: Vec<String>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Frame {
    lines.push((t.printed.generated)(&generated_at(now, tz)));
    Frame {
        issuer: t.common.app_name.into(),
        footer: format!("{} · {title}", t.common.app_name),
        title,
        lines,
        page: t.printed.page.into(),
        generated_at: now,
    }
}

/// Time on site: the sum of every stretch the case spent in `on_site`,
/// read from its status entries (a second visit counts too). A stretch
/// still open ends at `until` (the resolution, else now).
pub fn time_on_site(entries: &[TimelineEntry], until: DateTime<Utc>) -> Option<Duration> {
    let mut total = Duration::zero();
    let mut since: Option<DateTime<Utc>> = None;
    let mut seen = false;
    for e in entries.iter().filter(|e| e.kind == "status") {
        let Some(d) = e.detail.as_ref() else { continue };
        if let Some(start) = since.take() {
            if d["from"] == "on_site" {
                total += e.at - start;
            } else {
                since = Some(start);
            }
        }
        if d["to"] == "on_site" {
            since = Some(e.at);
            seen = true;
        }
    }
    if let Some(start) = since {
        total += (until - start).max(Duration::zero());
    }
    seen.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn status(min: i64, from: &str, to: &str) -> TimelineEntry {
        TimelineEntry {
            id: min,
            at: Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap() + Duration::minutes(min),
            actor_user_id: None,
            kind: "status".into(),
            message: format!("Status {from} → {to}"),
            detail: Some(serde_json::json!({"from": from, "to": to})),
            internal: false,
        }
    }

    #[test]
    fn time_on_site_adds_every_visit() {
        let end = Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap();
        let one = [
            status(0, "dispatched", "en_route"),
            status(30, "en_route", "on_site"),
            status(115, "on_site", "resolved"),
        ];
        assert_eq!(time_on_site(&one, end), Some(Duration::minutes(85)));
        let two = [
            status(30, "en_route", "on_site"),
            status(60, "on_site", "on_hold"),
            status(300, "on_hold", "on_site"),
            status(345, "on_site", "resolved"),
        ];
        assert_eq!(time_on_site(&two, end), Some(Duration::minutes(75)));
        assert_eq!(time_on_site(&one[..1], end), None, "never on site");
    }

    #[test]
    fn file_names_keep_safe_characters_only() {
        let r = pdf_response(b"%PDF-".to_vec(), "invoice INV-1/../x");
        assert_eq!(
            r.headers()[header::CONTENT_DISPOSITION],
            "attachment; filename=\"invoice-INV-1-..-x.pdf\""
        );
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/pdf");
    }
}
