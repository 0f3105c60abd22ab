//! `/voyager/api/…`: cookie auth, the CSRF check, injected faults and the resources.

mod conversations;
mod graphql;
pub mod json;
mod messages;
mod profiles;
mod restli;

use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::faults::{csrf_failed, json_status};
use crate::request::Req;
use crate::state::Shared;

/// A JSON answer with a content type.
pub fn json_response(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        body.to_string(),
    )
        .into_response()
}

/// Answers a Voyager API request (the path starts with `/voyager/api/`).
pub async fn handle(shared: &Shared, req: &Req) -> Response {
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
