//! Fault injection: the next N Voyager API calls (or all, until cleared) fail in a chosen way.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A way for Voyager calls to fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429, with `Retry-After` when given; `challenge` serves a `/checkpoint/challenge/` page.
    TooManyRequests {
        /// The `Retry-After` header, in seconds.
        retry_after_secs: Option<u64>,
        /// Serve a security checkpoint page as the body.
        challenge: bool,
    },
    /// LinkedIn's 999 "Request denied".
    RequestDenied,
    /// 503 Service Unavailable.
    ServerError,
    /// 403 `CSRF check failed.` whatever the token.
    CsrfFailure,
    /// Replaces the live query ids with new ones (applied at once, not per call).
    RotateQueryIds,
}

impl Fault {
    /// The answer a faulty call gets.
    pub fn response(&self) -> Response {
        match self {
            Self::TooManyRequests {
                retry_after_secs,
                challenge,
            } => {
                let mut response = if *challenge {
                    let html = "<!DOCTYPE html><html><head><title>Security Verification | LinkedIn</title></head>\
                        <body><form action=\"/checkpoint/challenge/verify\" method=\"post\">\
                        <a href=\"https://www.linkedin.com/checkpoint/challenge/AgFakeChallenge\">Let's do a quick security check</a>\
                        </form></body></html>";
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                        html,
                    )
                        .into_response()
                } else {
                    json_status(StatusCode::TOO_MANY_REQUESTS)
                };
                if let Some(secs) = retry_after_secs {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(*secs));
                }
                response
            }
            Self::RequestDenied => {
                let status = StatusCode::from_u16(999).unwrap_or(StatusCode::FORBIDDEN);
                (
                    status,
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html><body>Request denied</body></html>",
                )
                    .into_response()
            }
            Self::ServerError => json_status(StatusCode::SERVICE_UNAVAILABLE),
            Self::CsrfFailure => csrf_failed(),
            Self::RotateQueryIds => json_status(StatusCode::BAD_REQUEST),
        }
    }
}

/// `{"status": <code>}` as LinkedIn's Rest.li errors look.
pub fn json_status(status: StatusCode) -> Response {
    let body = serde_json::json!({ "status": status.as_u16() });
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// 403 `text/plain` `CSRF check failed.`
pub fn csrf_failed() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain")],
        "CSRF check failed.",
    )
        .into_response()
}

/// Pending faults, consumed in order.
#[derive(Debug, Default)]
pub struct FaultQueue {
    /// Each fault with how many calls it still affects (`None`: until cleared).
    entries: Vec<(Fault, Option<u32>)>,
}

impl FaultQueue {
    /// Adds a fault for `times` calls, or persistently when `times` is `None`.
    pub fn push(&mut self, fault: Fault, times: Option<u32>) {
        if times != Some(0) {
            self.entries.push((fault, times));
        }
    }

    /// Removes every fault.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The fault for this call, if any, counting it down.
    pub fn next(&mut self) -> Option<Fault> {
        let (fault, remaining) = self.entries.first_mut()?;
        let fault = fault.clone();
        if let Some(left) = remaining {
            *left -= 1;
            if *left == 0 {
                self.entries.remove(0);
            }
        }
        Some(fault)
    }
}
