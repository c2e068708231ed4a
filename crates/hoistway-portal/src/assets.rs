//! Static assets compiled into the binary: stylesheet, script, service
//! worker, manifest, icon. Pages link them with a content hash in the URL
//! (`/assets/app.css?v=…`), so they can be cached for a year and still
//! change the moment a new build ships.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One asset: its bytes and content type.
struct Asset {
    body: &'static [u8],
    content_type: &'static str,
}

const ASSETS: &[(&str, Asset)] = &[
    (
        "app.css",
        Asset {
            body: include_bytes!("assets/app.css"),
            content_type: "text/css; charset=utf-8",
        },
    ),
    (
        "app.js",
        Asset {
            body: include_bytes!("assets/app.js"),
            content_type: "text/javascript; charset=utf-8",
        },
    ),
    // The residents' remote-call page only (resident.rs).
    (
        "call.css",
        Asset {
            body: include_bytes!("assets/call.css"),
            content_type: "text/css; charset=utf-8",
        },
    ),
    (
        "call.js",
        Asset {
            body: include_bytes!("assets/call.js"),
            content_type: "text/javascript; charset=utf-8",
        },
    ),
    (
        "icon.svg",
        Asset {
            body: include_bytes!("assets/icon.svg"),
            content_type: "image/svg+xml",
        },
    ),
];

const SERVICE_WORKER: &str = include_str!("assets/sw.js");
const MANIFEST: &str = include_str!("assets/manifest.webmanifest");

fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
}

/// Short content hashes, computed once.
fn versions() -> &'static HashMap<&'static str, String> {
    static V: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    V.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(n, a)| (*n, hex::encode(&Sha256::digest(a.body)[..6])))
            .collect()
    })
}

/// The versioned URL of an asset, e.g. `/assets/app.css?v=1a2b3c4d5e6f`.
pub fn url(name: &str) -> String {
    match versions().get(name) {
        Some(v) => format!("/assets/{name}?v={v}"),
        None => format!("/assets/{name}"),
    }
}

/// Every versioned asset URL (the service worker pre-caches them).
pub fn all_urls() -> Vec<String> {
    ASSETS.iter().map(|(n, _)| url(n)).collect()
}

/// `GET /assets/{name}`.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = find(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.body,
    )
        .into_response()
}

/// `GET /sw.js`: the service worker, at the root so its scope is the site.
/// Not cached long: a new build must reach the browser. The list of
/// assets to pre-cache is filled in here, so it always names this build's.
pub async fn service_worker() -> Response {
    let list = serde_json::to_string(&all_urls()).unwrap_or_else(|_| "[]".into());
    let version = versions().values().cloned().collect::<Vec<_>>().join("");
    let body = SERVICE_WORKER
        .replace("__ASSETS__", &list)
        .replace("__VERSION__", &hex::encode(&Sha256::digest(version)[..6]))
        .replace("__ICON__", &url("icon.svg"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// `GET /manifest.webmanifest`.
pub async fn manifest() -> Response {
    let body = MANIFEST.replace("__ICON__", &url("icon.svg"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_a_content_hash() {
        let u = url("app.css");
        assert!(u.starts_with("/assets/app.css?v="), "{u}");
        assert_eq!(u.len(), "/assets/app.css?v=".len() + 12);
        assert_eq!(url("nope.css"), "/assets/nope.css");
    }

    #[test]
    fn service_worker_lists_every_asset_and_never_pages() {
        let sw = SERVICE_WORKER;
        assert!(sw.contains("__ASSETS__"));
        assert!(
            sw.contains("/assets/"),
            "only asset requests are served from cache"
        );
    }
}
