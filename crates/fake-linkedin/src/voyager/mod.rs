//! `/voyager/api/…`: cookie auth, the limiter, the CSRF check, injected faults and the resources.

mod conversations;
mod envelope;
mod graphql;
pub mod json;
mod messages;
mod profiles;
mod restli;

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Response;

use crate::faults::{Fault, csrf_failed, json_status};
use crate::limiter::LimiterEvent;
use crate::request::Req;
use crate::state::Shared;

/// Answers a Voyager API request (the path starts with `/voyager/api/`), logged as `seq`.
pub async fn handle(shared: &Shared, req: &Req, seq: u64) -> Response {
    // `?delay=<ms>` holds the answer (the browser suite kills a worker mid-call with it).
    if let Some(ms) = req.param("delay").and_then(|d| d.parse::<u64>().ok()) {
        tokio::time::sleep(Duration::from_millis(ms.min(30_000))).await;
    }
    let fault = shared.faults.lock().next();
    if let Some(fault) = fault {
        return fault.response();
    }
    if shared.is_revoked() || req.cookie("li_at") != Some(shared.config.li_at.as_str()) {
        return json_status(StatusCode::UNAUTHORIZED);
    }
    if let Some(refusal) = limit(shared, seq) {
        return refusal;
    }
    let jsessionid = req.cookie("JSESSIONID").map(|v| v.trim_matches('"'));
    let csrf = req.header("csrf-token");
    if jsessionid.is_none_or(str::is_empty) || csrf != jsessionid {
        return csrf_failed();
    }
    let path = req.path.trim_end_matches('/');
    match path {
        "/voyager/api/voyagerMessagingGraphQL/graphql" => graphql::handle(shared, req),
        "/voyager/api/me" => profiles::me(shared, req),
        "/voyager/api/identity/dash/profiles" | "/voyager/api/voyagerIdentityDashProfiles" => {
            profiles::dash(shared, req)
        }
        _ if path.starts_with("/voyager/api/identity/profiles/") => json_status(StatusCode::GONE),
        _ => json_status(StatusCode::NOT_FOUND),
    }
}

/// Counts a member's call (one carrying the session's `li_at` that no injected fault answered,
/// attachment downloads included) when the limiter is on. A refused call gets LinkedIn's answer, and the event goes on its log
/// entry.
pub(crate) fn limit(shared: &Shared, seq: u64) -> Option<Response> {
    let event = shared.limiter.lock().as_mut()?.call()?;
    shared.log.lock().note_limiter(seq, event);
    Some(match event {
        LimiterEvent::TooManyRequests { retry_after_secs }
        | LimiterEvent::Strike { retry_after_secs } => Fault::TooManyRequests {
            retry_after_secs: Some(retry_after_secs),
            challenge: false,
        }
        .response(),
        // A 429 with a `/checkpoint/challenge/` page: core's classifier reads it as
        // `Throttled { challenge: true }`.
        LimiterEvent::Checkpoint => Fault::TooManyRequests {
            retry_after_secs: None,
            challenge: true,
        }
        .response(),
        LimiterEvent::SessionRevoked => {
            shared.set_revoked(true);
            json_status(StatusCode::UNAUTHORIZED)
        }
    })
}
