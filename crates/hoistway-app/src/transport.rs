//! How a request reached us: directly or through a trusted reverse proxy,
//! over TLS or not.
//!
//! One layer in front of everything:
//! - a request from a trusted proxy (`Settings::trusted_proxies`) carries
//!   its client's address in `X-Forwarded-For`; the layer puts that address
//!   in the request's `ConnectInfo`, so the sign-in throttle and the audit
//!   see the client, not the proxy. From anyone else the header is ignored:
//!   a client could write any address in it;
//! - a request that came over TLS (our TLS listener, or a trusted proxy
//!   saying `X-Forwarded-Proto: https`) gets HSTS on its answer, and every
//!   cookie it sets is marked `Secure`, so a browser never sends a session
//!   opened over HTTPS in clear text.

use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{HeaderValue, SET_COOKIE, STRICT_TRANSPORT_SECURITY};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// Marks requests of the TLS listener (an extension set by [`crate::tls`]).
#[derive(Debug, Clone, Copy)]
pub struct OverTls;

/// A year, as HSTS preload lists expect.
const HSTS: &str = "max-age=31536000";

/// Parses `HOISTWAY_TRUSTED_PROXIES`-style text: addresses or networks,
/// separated by commas or spaces.
pub fn parse_proxies(text: &str) -> Result<Vec<IpNet>, String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("{s:?} is neither an IP address nor a network like 10.0.0.0/8")
                })
        })
        .collect()
}

/// The client behind `peer`: the right-most address in `forwarded` that
/// is not a trusted proxy (proxies append, so that is the last hop a
/// trusted proxy saw), when `peer` itself is trusted.
pub fn client_ip(peer: IpAddr, forwarded: Option<&str>, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let Some(forwarded) = forwarded else {
        return peer;
    };
    let hops: Vec<IpAddr> = forwarded
        .split(',')
        .map_while(|h| h.trim().parse::<IpAddr>().ok())
        .collect();
    hops.iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let trusted = &state.settings.trusted_proxies;
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let from_proxy = peer.is_some_and(|p| trusted.iter().any(|n| n.contains(&p.ip())));
    if let (Some(peer), true) = (peer, from_proxy) {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        let client = client_ip(peer.ip(), forwarded, trusted);
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(client, 0)));
    }
    let https = req.extensions().get::<OverTls>().is_some()
        || state.settings.secure_cookies
        || (from_proxy
            && req
                .headers()
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")));
    let mut response = next.run(req).await;
    if https {
        secure_cookies(&mut response);
        response
            .headers_mut()
            .insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// Adds `; Secure` to every `Set-Cookie` of `response` that lacks it.
fn secure_cookies(response: &mut Response) {
    let cookies: Vec<HeaderValue> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if cookies.is_empty() {
        return;
    }
    response.headers_mut().remove(SET_COOKIE);
    for c in cookies {
        let text = String::from_utf8_lossy(c.as_bytes());
        let secured = if text
            .split(';')
            .any(|a| a.trim().eq_ignore_ascii_case("secure"))
        {
            c
        } else {
            HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(c)
        };
        response.headers_mut().append(SET_COOKIE, secured);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = parse_proxies("10.0.0.0/8, 192.168.1.5").unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // A client writing its own header directly: ignored.
        assert_eq!(
            client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &trusted),
            ip("203.0.113.9")
        );
        // Through the proxy: the client it saw.
        assert_eq!(
            client_ip(ip("10.1.2.3"), Some("198.51.100.7"), &trusted),
            ip("198.51.100.7")
        );
        // A forged first hop is skipped: the right-most untrusted address counts.
        assert_eq!(
            client_ip(
                ip("10.1.2.3"),
                Some("1.2.3.4, 198.51.100.7, 192.168.1.5"),
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(client_ip(ip("10.1.2.3"), None, &trusted), ip("10.1.2.3"));
        assert!(parse_proxies("ten.0.0.1").is_err());
    }
}
