//! The client's address, for rate limits.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;

/// The address the request came from, behind `trusted_proxies` reverse proxies of your own.
///
/// Each proxy appends the address it got the request from to `X-Forwarded-For`, so only the
/// right-most `trusted_proxies` entries were written by them; whatever stands to the left
/// came from the client and proves nothing. The client is the entry the outermost trusted
/// proxy wrote: the `trusted_proxies`-th from the right (or the left-most, when fewer are
/// there). Without trusted proxies the header is ignored and the peer is the client;
/// `"unknown"` when there is no peer either (router tests without a socket).
pub fn client_ip(parts: &Parts, trusted_proxies: usize) -> String {
    if trusted_proxies > 0 {
        let hops: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|hop| !hop.is_empty())
            .collect();
        if let Some(hop) = hops.get(hops.len().saturating_sub(trusted_proxies)) {
            return (*hop).to_owned();
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The client's address as an extractor.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl axum::extract::FromRequestParts<crate::state::AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts, state.config.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    fn seen(trusted_proxies: usize, forwarded: &[&str]) -> String {
        let mut request = Request::builder();
        for value in forwarded {
            request = request.header("x-forwarded-for", *value);
        }
        let (mut parts, ()) = request.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 2], 40000))));
        client_ip(&parts, trusted_proxies)
    }

    #[test]
    fn the_client_is_counted_from_the_right_past_the_trusted_proxies() {
        // The client wrote "6.6.6.6" itself; the edge proxy appended the real address.
        let chain = ["6.6.6.6, 203.0.113.7"];
        assert_eq!(seen(1, &chain), "203.0.113.7");
        // Two proxies: the inner one appended the edge proxy's address.
        let chain = ["6.6.6.6, 203.0.113.7, 10.0.0.1"];
        assert_eq!(seen(2, &chain), "203.0.113.7");
        // Several headers are one list, in order.
        assert_eq!(
            seen(2, &["6.6.6.6", "203.0.113.7, 10.0.0.1"]),
            "203.0.113.7"
        );
        // Fewer entries than proxies: the furthest one known.
        assert_eq!(seen(3, &["203.0.113.7, 10.0.0.1"]), "203.0.113.7");
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        assert_eq!(seen(0, &["6.6.6.6"]), "10.0.0.2");
        assert_eq!(seen(1, &[]), "10.0.0.2", "no header: the peer");
    }
}
