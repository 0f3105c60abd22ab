//! A fake of LinkedIn's official, app-authorised API (reference `linkedin-official-api.md`):
//! the OAuth 2.0 endpoints of `www.linkedin.com/oauth/v2/`, the REST calls of
//! `api.linkedin.com` the backend makes (Lead Sync, Sales Navigator Profile Associations,
//! organisation posts, their comments and reactions), the
//! same faults as the real one (expired tokens, 403 without a scope or Marketing Developer
//! Platform access, 429, the `{message, status, serviceErrorCode}` body), and signed webhook
//! notifications for tests. Routed by path (`/oauth/v2/`, `/rest/`, `/v2/`), whatever the host,
//! so a test can point both base URLs at one fake. Control routes: [`control`].

pub mod control;
mod engagement;
mod oauth;
mod posting;
mod rest;
mod state;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub use state::OfficialState;

use crate::request::Req;
use crate::state::Shared;

/// The official API's answer to `req`, or `None` when the path is not one of its.
pub fn handle(shared: &Shared, req: &Req) -> Option<Response> {
    if let Some(endpoint) = req.path.strip_prefix("/oauth/v2/") {
        return Some(oauth::handle(shared, req, endpoint));
    }
    if req.path.starts_with("/dms-uploads/") {
        return Some(posting::upload(shared, req));
    }
    if req.path.starts_with("/rest/") || req.path.starts_with("/v2/") {
        return Some(rest::handle(shared, req));
    }
    None
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// LinkedIn's common error body.
fn api_error(status: StatusCode, service_error_code: i64, message: &str) -> Response {
    json_response(
        status,
        &json!({"message": message, "serviceErrorCode": service_error_code, "status": status.as_u16()}),
    )
}
