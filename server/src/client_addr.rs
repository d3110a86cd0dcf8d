//! The client's address, for per-client limits: the TCP peer, or, only when
//! the peer is a configured trusted proxy (`--trusted-proxy`), the right-most
//! address that is not itself a trusted proxy in the **one** forwarding
//! header chosen by `--proxy-header` (`X-Forwarded-For` by default, or RFC
//! 7239 `Forwarded`). Anyone else's proxy headers are ignored: a client could
//! otherwise write any address there and get fresh limits with each. The
//! other header is ignored even from a trusted proxy: a proxy appends to the
//! header it knows and passes the other one on as the client wrote it, so
//! reading both (or preferring one when present) would let the client pick.
//!
//! Limits key IPv6 clients by their /64 (one subscriber's network), IPv4
//! clients by the address.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

/// An address or a CIDR block (`10.0.0.0/8`, `::1`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpBlock {
    base: IpAddr,
    prefix: u8,
}

impl IpBlock {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, ip.to_canonical()) {
            (IpAddr::V4(b), IpAddr::V4(a)) => {
                masked(u32::from(b).into(), self.prefix, 32)
                    == masked(u32::from(a).into(), self.prefix, 32)
            }
            (IpAddr::V6(b), IpAddr::V6(a)) => {
                masked(u128::from(b), self.prefix, 128) == masked(u128::from(a), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let shift = width - prefix;
    (bits >> shift) << shift
}

impl std::str::FromStr for IpBlock {
    type Err = String;

    fn from_str(s: &str) -> Result<IpBlock, String> {
        let s = s.trim();
        let bad = || format!("{s:?} is not an IP address or CIDR block (like 10.0.0.0/8)");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s, None),
        };
        let base: IpAddr = addr.parse().map_err(|_| bad())?;
        let base = base.to_canonical();
        let width = if base.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(width);
        if prefix > width {
            return Err(bad());
        }
        Ok(IpBlock { base, prefix })
    }
}

/// The one forwarding header the trusted proxies write (`--proxy-header`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProxyHeader {
    /// `X-Forwarded-For`: what nginx, HAProxy, load balancers and CDNs append.
    #[default]
    #[value(name = "x-forwarded-for")]
    XForwardedFor,
    /// RFC 7239 `Forwarded` (its `for=` values).
    #[value(name = "forwarded")]
    Forwarded,
}

impl ProxyHeader {
    pub fn name(self) -> &'static str {
        match self {
            ProxyHeader::XForwardedFor => "x-forwarded-for",
            ProxyHeader::Forwarded => "forwarded",
        }
    }
}

/// The proxies whose forwarding header is believed (default: none), and
/// which header that is.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    pub blocks: Vec<IpBlock>,
    pub header: ProxyHeader,
}

impl TrustedProxies {
    /// A comma- or space-separated list of addresses and CIDR blocks
    /// (reading `X-Forwarded-For`; see [`TrustedProxies::reading`]).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split([',', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(str::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(|blocks| TrustedProxies {
                blocks,
                header: ProxyHeader::default(),
            })
    }

    /// The same proxies, read through `header` only.
    pub fn reading(self, header: ProxyHeader) -> TrustedProxies {
        TrustedProxies { header, ..self }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.blocks.iter().any(|b| b.contains(ip))
    }

    /// The client behind `peer`, given the request's headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for(headers, self.header);
        // Right to left: the first hop we do not trust is the client; every
        // hop to its right was appended by a proxy we trust.
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) if self.trusts(*ip) => nearest = *ip,
                Some(ip) => return *ip,
                // An unreadable hop: nothing left of it can be believed.
                None => return nearest,
            }
        }
        nearest
    }
}

/// The hops of `header` (only that one: the other is never read), left to
/// right: the `for` addresses of `Forwarded`, or the entries of
/// `X-Forwarded-For`; `None` for a hop that is not an address (`unknown`,
/// an obfuscated name, garbage).
fn forwarded_for(headers: &HeaderMap, header: ProxyHeader) -> Vec<Option<IpAddr>> {
    let values: Vec<String> = headers
        .get_all(header.name())
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    match header {
        ProxyHeader::Forwarded => values
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v.trim().trim_matches('"')))
            })
            .collect(),
        ProxyHeader::XForwardedFor => values
            .iter()
            .flat_map(|v| v.split(','))
            .map(|hop| parse_node(hop.trim()))
            .collect(),
    }
}

/// `1.2.3.4`, `1.2.3.4:80`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:80`.
fn parse_node(s: &str) -> Option<IpAddr> {
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    s.parse::<SocketAddr>().ok().map(|a| a.ip().to_canonical())
}

/// The client's address, put in the request's extensions by [`resolve`].
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// Middleware: work out the client's address once per request.
pub async fn resolve(
    State(proxies): State<Arc<TrustedProxies>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = proxies.client(peer.ip(), req.headers());
        req.extensions_mut().insert(ClientAddr(client));
    }
    next.run(req).await
}

/// The client's address (none for in-process test requests).
pub fn client_ip(ext: &axum::http::Extensions) -> Option<IpAddr> {
    ext.get::<ClientAddr>().map(|c| c.0)
}

/// The limit key of a client: the address (IPv4) or its /64 (IPv6).
pub fn client_key(ext: &axum::http::Extensions) -> String {
    match client_ip(ext) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let net = u128::from(v6) >> 64 << 64;
            format!("{}/64", Ipv6Addr::from(net))
        }
        None => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn blocks_parse_and_match() {
        let b: IpBlock = "10.0.0.0/8".parse().unwrap();
        assert!(b.contains(ip("10.200.1.2")) && !b.contains(ip("11.0.0.1")));
        let one: IpBlock = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        assert!(one.contains(ip("::ffff:127.0.0.1")), "IPv4-mapped IPv6");
        let v6: IpBlock = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        assert!("0.0.0.0/0"
            .parse::<IpBlock>()
            .unwrap()
            .contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "nope", "10.0.0.0/x", ""] {
            assert!(bad.parse::<IpBlock>().is_err(), "{bad}");
        }
        assert_eq!(
            TrustedProxies::parse("10.0.0.1, 192.168.0.0/16")
                .unwrap()
                .blocks
                .len(),
            2
        );
        assert!(TrustedProxies::parse("10.0.0.1,bad").is_err());
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let none = TrustedProxies::default();
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
        ]);
        assert_eq!(none.client(ip("198.51.100.7"), &h), ip("198.51.100.7"));
        let some = TrustedProxies::parse("10.0.0.1").unwrap();
        assert_eq!(some.client(ip("198.51.100.7"), &h), ip("198.51.100.7"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client wrote a fake first hop; our proxies appended the rest.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        let f = t.clone().reading(ProxyHeader::Forwarded);
        let h = headers(&[(
            "forwarded",
            "for=1.1.1.1, for=\"[2001:db8::17]:4711\";proto=https, for=10.0.0.2",
        )]);
        assert_eq!(f.client(ip("10.0.0.1"), &h), ip("2001:db8::17"));
        // X-Forwarded-For is read by default; Forwarded is then ignored.
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        // Ports are dropped; repeated headers are one list.
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.5:999"),
            ("x-forwarded-for", "10.0.0.3"),
        ]);
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("203.0.113.5"));
        // Only trusted hops, or none: the left-most trusted one stands in.
        let h = headers(&[("x-forwarded-for", "10.0.0.9")]);
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("10.0.0.9"));
        assert_eq!(t.client(ip("10.0.0.1"), &HeaderMap::new()), ip("10.0.0.1"));
        // Garbage stops the walk at the nearest trusted hop.
        let h = headers(&[("x-forwarded-for", "203.0.113.9, unknown, 10.0.0.2")]);
        assert_eq!(t.client(ip("10.0.0.1"), &h), ip("10.0.0.2"));
    }

    #[test]
    fn only_the_configured_header_is_read() {
        // The client wrote the header the proxy does not use; the proxy
        // appended the real address to the one it does.
        let xff = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let fwd = xff.clone().reading(ProxyHeader::Forwarded);
        for spoof in ["for=198.51.100.1", "for=198.51.100.2, for=10.0.0.5"] {
            let h = headers(&[("forwarded", spoof), ("x-forwarded-for", "203.0.113.2")]);
            assert_eq!(xff.client(ip("10.0.0.1"), &h), ip("203.0.113.2"), "{spoof}");
        }
        for spoof in ["198.51.100.3", "198.51.100.4, 10.0.0.5"] {
            let h = headers(&[("x-forwarded-for", spoof), ("forwarded", "for=203.0.113.1")]);
            assert_eq!(fwd.client(ip("10.0.0.1"), &h), ip("203.0.113.1"), "{spoof}");
        }
        // Only the other header there: as if none were, the proxy is the client.
        let h = headers(&[("forwarded", "for=198.51.100.1")]);
        assert_eq!(xff.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        let h = headers(&[("x-forwarded-for", "198.51.100.1")]);
        assert_eq!(fwd.client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }
}
