//! Where the server may send a customer's webhooks: the checks on an
//! endpoint URL, and the address test the delivery job applies again to
//! every address a host name resolves to.
//!
//! A webhook makes the server send requests where a customer says, so an
//! endpoint must not turn the server into a way into its own network:
//! only `https://` URLs to public addresses, unless the node runs with
//! [`WebhookSettings::allow_private`] (tests and `hoistway demo`, whose
//! receivers listen on this machine over plain HTTP).

use hoistway_domain::Invalid;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Which webhook endpoints this node accepts and calls.
#[derive(Debug, Clone, Default)]
pub struct WebhookSettings {
    /// Accept `http://` URLs and loopback, private, link-local and other
    /// non-public addresses. Off in production; on in tests and the demo.
    pub allow_private: bool,
}

/// Longest URL accepted.
pub const MAX_LEN: usize = 2048;

/// Checks an endpoint URL; returns it as stored (the parser's normal
/// form, so `https://0x7f.1/` is seen as the loopback address it is).
pub fn check(text: &str, settings: &WebhookSettings) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::new("url", "is required"));
    }
    if text.len() > MAX_LEN {
        return Err(Invalid::new(
            "url",
            format!("is longer than {MAX_LEN} characters"),
        ));
    }
    let url = url::Url::parse(text).map_err(|_| Invalid::new("url", "must be a URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if settings.allow_private => {}
        _ => return Err(Invalid::new("url", "must be an https:// URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Invalid::new(
            "url",
            "must not carry a user name or password",
        ));
    }
    if url.fragment().is_some() {
        return Err(Invalid::new("url", "must not have a #fragment"));
    }
    let host = match url.host() {
        None => return Err(Invalid::new("url", "must name a host")),
        Some(h) => h,
    };
    if !settings.allow_private {
        let refused = match host {
            url::Host::Ipv4(ip) => !is_public(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => !is_public(IpAddr::V6(ip)),
            url::Host::Domain(name) => is_local_name(name),
        };
        if refused {
            return Err(Invalid::new(
                "url",
                "must be a public address (not loopback, private or link-local)",
            ));
        }
    }
    Ok(url.to_string())
}

/// Names that are this machine or its network by definition (RFC 6761
/// `localhost`, mDNS `.local`, bare single-label names of the LAN).
fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.ends_with(".local")
        || name.ends_with(".internal")
        || !name.contains('.')
}

/// Whether `ip` is an address on the public internet: not loopback,
/// private, link-local, shared (CGNAT), unspecified, broadcast, multicast,
/// documentation or reserved, and no IPv6 form of such an IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // shared address space (RFC 6598)
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments (RFC 6890)
        || (a == 192 && b == 0 && c == 0)
        // benchmarking (RFC 2544)
        || (a == 198 && (18..20).contains(&b))
        // reserved (240/4)
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return is_public_v4(v4);
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // unique local fc00::/7
        || (s[0] & 0xfe00) == 0xfc00
        // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfe80
        // site-local fec0::/10 (deprecated, still routed inside sites)
        || (s[0] & 0xffc0) == 0xfec0
        // documentation 2001:db8::/32
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        // IPv4-compatible ::a.b.c.d (deprecated)
        || (s[0..6] == [0, 0, 0, 0, 0, 0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> WebhookSettings {
        WebhookSettings::default()
    }

    #[test]
    fn public_https_urls_pass_in_their_normal_form() {
        assert_eq!(
            check("https://hooks.example.com/in?x=1", &strict()).unwrap(),
            "https://hooks.example.com/in?x=1"
        );
        assert_eq!(
            check("  https://93.184.216.34:8443/h ", &strict()).unwrap(),
            "https://93.184.216.34:8443/h"
        );
    }

    #[test]
    fn plain_http_and_other_schemes_are_refused_in_production() {
        for u in [
            "http://hooks.example.com/",
            "ftp://hooks.example.com/",
            "file:///etc/passwd",
        ] {
            let e = check(u, &strict()).unwrap_err();
            assert_eq!(e.field, "url", "{u}");
        }
    }

    #[test]
    fn internal_addresses_are_refused_in_every_spelling() {
        for u in [
            "https://127.0.0.1/",
            "https://0x7f.1/",
            "https://2130706433/",
            "https://localhost:8443/",
            "https://api.localhost/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[64:ff9b::a00:1]/",
            "https://printer.local/",
            "https://intranet/",
        ] {
            let e = check(u, &strict()).unwrap_err();
            assert_eq!(e.field, "url", "{u}");
        }
    }

    #[test]
    fn the_test_setting_allows_a_local_plain_receiver() {
        let open = WebhookSettings {
            allow_private: true,
        };
        assert_eq!(
            check("http://127.0.0.1:4000/hook", &open).unwrap(),
            "http://127.0.0.1:4000/hook"
        );
        assert!(check("ftp://127.0.0.1/", &open).is_err());
    }

    #[test]
    fn credentials_fragments_and_garbage_are_refused() {
        for u in [
            "",
            "not a url",
            "https://user:pw@hooks.example.com/",
            "https://hooks.example.com/#x",
        ] {
            assert_eq!(check(u, &strict()).unwrap_err().field, "url", "{u}");
        }
        let long = format!("https://hooks.example.com/{}", "a".repeat(3000));
        assert!(check(&long, &strict()).is_err());
    }

    #[test]
    fn public_addresses_are_public() {
        assert!(is_public("93.184.216.34".parse().unwrap()));
        assert!(is_public("2606:2800:220:1::1".parse().unwrap()));
        assert!(!is_public("::".parse().unwrap()));
    }
}
