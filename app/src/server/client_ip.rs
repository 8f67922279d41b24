//! The address a request comes from, for throttles and audit records. Behind a load
//! balancer or reverse proxy the socket's peer is the proxy, so with
//! TRUSTED_PROXY_HOPS = N the client is the Nth address from the right of
//! X-Forwarded-For: the one the outermost of our N proxies saw. Entries further left
//! were sent by the client and are never believed.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The client's address, put on every request by the HTTP stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The client of a request from `peer`; the peer itself when no proxy is trusted or
/// the header does not hold as many addresses as there are trusted proxies.
pub fn resolve(headers: &HeaderMap, peer: IpAddr, trusted_hops: usize) -> IpAddr {
    if trusted_hops == 0 {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    hops.len()
        .checked_sub(trusted_hops)
        .and_then(|i| parse(hops[i]))
        .unwrap_or(peer)
}

/// An address as proxies write it: bare, or with a port (`[v6]:port`, `v4:port`).
fn parse(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    const PEER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(resolve(&forwarded(&["203.0.113.7"]), PEER, 0), PEER);
    }

    #[test]
    fn the_address_our_outermost_proxy_saw_is_the_client() {
        let headers = forwarded(&["198.51.100.1, 203.0.113.7"]);
        assert_eq!(resolve(&headers, PEER, 1), ip("203.0.113.7"));
        assert_eq!(resolve(&headers, PEER, 2), ip("198.51.100.1"));
        // The same list spread over several header lines.
        let lines = forwarded(&["198.51.100.1", "203.0.113.7"]);
        assert_eq!(resolve(&lines, PEER, 1), ip("203.0.113.7"));
    }

    #[test]
    fn what_the_client_wrote_itself_is_not_believed() {
        // The client sent "1.1.1.1"; our one proxy appended the address it saw.
        let headers = forwarded(&["1.1.1.1, 203.0.113.7"]);
        assert_eq!(resolve(&headers, PEER, 1), ip("203.0.113.7"));
    }

    #[test]
    fn too_few_or_unreadable_entries_fall_back_to_the_peer() {
        assert_eq!(resolve(&HeaderMap::new(), PEER, 1), PEER);
        assert_eq!(resolve(&forwarded(&["203.0.113.7"]), PEER, 2), PEER);
        assert_eq!(resolve(&forwarded(&["unknown"]), PEER, 1), PEER);
    }

    #[test]
    fn ports_and_ipv6_are_read() {
        assert_eq!(
            resolve(&forwarded(&["203.0.113.7:4711"]), PEER, 1),
            ip("203.0.113.7")
        );
        assert_eq!(
            resolve(&forwarded(&["[2001:db8::1]:443"]), PEER, 1),
            ip("2001:db8::1")
        );
        assert_eq!(
            resolve(&forwarded(&["2001:db8::1"]), PEER, 1),
            ip("2001:db8::1")
        );
    }
}
