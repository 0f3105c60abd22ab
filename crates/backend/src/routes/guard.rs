//! What every answer carries and every request must name: security headers, and a `Host` the
//! backend answers for.

use axum::extract::{Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, HOST, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;
use crate::state::AppState;

/// Scripts, styles and images from the backend itself only (no inline script: the UI's little
/// JS is in `/static/`), forms posted back to it, and no framing.
pub(super) const CONTENT_SECURITY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The headers every response gets, unless its handler set them: the content security policy,
/// no framing (the CSP's `frame-ancestors` and `X-Frame-Options` for older browsers), no type
/// sniffing (avatars included: their bytes are checked, but a browser must not guess either),
/// and no referrer leaving for LinkedIn or anywhere.
pub(super) fn security_headers() -> [SetResponseHeaderLayer<HeaderValue>; 4] {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    [
        header(CONTENT_SECURITY_POLICY, CONTENT_SECURITY),
        header(X_FRAME_OPTIONS, "DENY"),
        header(X_CONTENT_TYPE_OPTIONS, "nosniff"),
        header(REFERRER_POLICY, "no-referrer"),
    ]
}

/// Whether a request naming `host` (a `Host` header: name and optional port) is for this
/// backend: the host of `PING_PUBLIC_URL`, or a loopback name, which a rebinding site cannot
/// make a browser send.
fn host_allowed(host: &str, public_host: Option<&str>) -> bool {
    let Ok(authority) = host.parse::<axum::http::uri::Authority>() else {
        return false;
    };
    let name = authority.host().to_ascii_lowercase();
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    loopback || public_host == Some(name.as_str())
}

/// Refuses (421) a request whose `Host` is not this backend's: a page of another site whose
/// name was rebound to this machine's address must not reach the UI or the API. A request
/// without a `Host` (no browser sends one) passes.
pub(super) async fn check_host(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let public_host = state.config.public_host.as_deref();
    let named = request
        .uri()
        .authority()
        .map(|authority| authority.as_str().to_owned())
        .or_else(|| {
            request
                .headers()
                .get(HOST)
                .map(|host| String::from_utf8_lossy(host.as_bytes()).into_owned())
        });
    match named {
        Some(host) if !host_allowed(&host, public_host) => ApiError::MisdirectedHost(format!(
            "this Ping backend answers at {} (PING_PUBLIC_URL), not at {host}: open it \
                 there, or set PING_PUBLIC_URL to the address you use",
            public_host.unwrap_or("localhost")
        ))
        .into_response(),
        _ => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_the_public_host_are_allowed_on_any_port() {
        let public = Some("crm.example.com");
        for host in [
            "crm.example.com",
            "CRM.example.com:443",
            "127.0.0.1:8787",
            "127.8.9.10",
            "localhost:3000",
            "[::1]:8787",
        ] {
            assert!(host_allowed(host, public), "{host}");
        }
        for host in [
            "evil.example",
            "crm.example.com.evil.example",
            "192.168.1.10:8787",
            "",
            "crm.example.com/x",
        ] {
            assert!(!host_allowed(host, public), "{host}");
        }
        assert!(host_allowed("127.0.0.1:8787", None));
        assert!(!host_allowed("rebound.example:8787", Some("127.0.0.1")));
    }
}
