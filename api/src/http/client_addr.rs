//! The client's address, for rate limits and the access log.
//!
//! Behind a load balancer every connection comes from the balancer, so limits per client address
//! would throttle the whole partnership as one client, and the access log would name the balancer.
//! The balancers' addresses are configured (`trusted_proxies`); when a connection comes from one,
//! the client is the nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
//! With no proxies configured (the default) the header is ignored, since any client can write it.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// One trusted proxy: an address, or a network in CIDR notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProxyNet {
    addr: IpAddr,
    prefix: u8,
}

impl ProxyNet {
    /// `10.0.0.5`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    pub fn parse(raw: &str) -> Result<ProxyNet, String> {
        let raw = raw.trim();
        let (addr, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{raw}` is not an IP address or network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{raw}` has a bad prefix length"))?,
        };
        Ok(ProxyNet { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// A comma-separated list of [`ProxyNet`]s; empty for none.
pub fn parse_list(raw: Option<&str>) -> Result<Vec<ProxyNet>, String> {
    raw.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(ProxyNet::parse)
        .collect()
}

/// The client's address for this request.
pub fn of(req: &HttpRequest, trusted: &[ProxyNet]) -> Option<String> {
    let peer = req.peer_addr()?.ip();
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    Some(resolve(peer, &forwarded, trusted).to_string())
}

/// The nearest untrusted hop: walk from the peer back along `X-Forwarded-For` (whose last entry
/// is the one the nearest proxy added) while the hop is a trusted proxy. An entry that is not an
/// address stops the walk at the last hop known good.
fn resolve(peer: IpAddr, forwarded: &[&str], trusted: &[ProxyNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    let hops = forwarded
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = canonical(ip);
        if !is_trusted(client) {
            break;
        }
    }
    client
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:10.0.0.1`) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_match() {
        let net = ProxyNet::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped");
        assert!(
            ProxyNet::parse("0.0.0.0/0")
                .unwrap()
                .contains(ip("8.8.8.8"))
        );
        assert!(ProxyNet::parse("::1").unwrap().contains(ip("::1")));
        assert!(ProxyNet::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "proxy.internal",
            "10.0.0/8",
            "10.0.0.1/x",
        ] {
            assert!(ProxyNet::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_list(Some(" 10.0.0.1 , ::1 ")).unwrap().len(), 2);
        assert!(parse_list(None).unwrap().is_empty());
    }

    #[test]
    fn the_client_is_the_nearest_untrusted_hop() {
        let lb = parse_list(Some("10.0.0.0/8")).unwrap();
        // No proxies trusted: the header is anyone's to write, and is ignored.
        assert_eq!(resolve(ip("10.0.0.2"), &["1.2.3.4"], &[]), ip("10.0.0.2"));
        // From an untrusted peer the header is ignored too.
        assert_eq!(resolve(ip("9.9.9.9"), &["1.2.3.4"], &lb), ip("9.9.9.9"));
        // Through the balancer: the address it added.
        assert_eq!(resolve(ip("10.0.0.2"), &["1.2.3.4"], &lb), ip("1.2.3.4"));
        // A client's forged entries sit left of the real one and are not believed.
        assert_eq!(
            resolve(ip("10.0.0.2"), &["6.6.6.6, 1.2.3.4"], &lb),
            ip("1.2.3.4")
        );
        // Two trusted proxies in a row, across two header lines.
        assert_eq!(
            resolve(ip("10.0.0.2"), &["6.6.6.6, 1.2.3.4", "10.0.0.7"], &lb),
            ip("1.2.3.4")
        );
        // Garbage stops the walk at the last good hop.
        assert_eq!(
            resolve(ip("10.0.0.2"), &["1.2.3.4, nonsense"], &lb),
            ip("10.0.0.2")
        );
        // Only proxies: the farthest of them.
        assert_eq!(resolve(ip("10.0.0.2"), &["10.0.0.3"], &lb), ip("10.0.0.3"));
        assert_eq!(resolve(ip("10.0.0.2"), &[], &lb), ip("10.0.0.2"));
    }
}
