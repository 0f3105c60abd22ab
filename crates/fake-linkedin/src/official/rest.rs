//! `api.linkedin.com`: the bearer token, scope and version checks, queued faults, and the
//! endpoints the backend calls.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use percent_encoding::percent_decode_str;
use serde_json::json;

use super::state::{AssociationAnswer, OfficialState};
use super::{api_error, json_response};
use super::{engagement, posting};
use crate::request::Req;
use crate::state::Shared;

const LEAD_SYNC_SCOPE: &str = "r_marketing_leadgen_automation";
const SALES_NAV_SCOPE: &str = "r_sales_nav_profiles";
const THROTTLED: &str = "Resource level throttle limit for calls to this resource is reached.";

pub fn handle(shared: &Shared, req: &Req) -> Response {
    let mut official = shared.official.lock();
    let token = match bearer_scopes(&official, req) {
        Ok(scopes) => scopes,
        Err((code, message)) => return api_error(StatusCode::UNAUTHORIZED, code, message),
    };
    if let Some(status) = official.faults.pop_front() {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = if status == StatusCode::TOO_MANY_REQUESTS {
            THROTTLED
        } else {
            "Internal Server Error"
        };
        return api_error(status, 0, message);
    }
    // §0: every /rest call names a version; /v2/ (Sales Navigator, userinfo) does not.
    if req.path.starts_with("/rest/") && req.header("linkedin-version").is_none() {
        return api_error(
            StatusCode::BAD_REQUEST,
            0,
            "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        );
    }
    let path = percent_decode_str(&req.path)
        .decode_utf8_lossy()
        .into_owned();
    if req.method == Method::POST {
        return posting::create(shared, &mut official, req, &path, &token);
    }
    if req.method != Method::GET {
        return api_error(StatusCode::METHOD_NOT_ALLOWED, 0, "Method not allowed");
    }
    if let Some(answer) = engagement::read(&official, req, &path, &token) {
        return answer;
    }
    if path == "/rest/organizationAcls" {
        return posting::acls(&official, &token);
    }
    if let Some(id) = path.strip_prefix("/rest/leadFormResponses/") {
        if !token.contains(&LEAD_SYNC_SCOPE.to_owned()) {
            return access_denied("leadFormResponses.GET");
        }
        return match official.leads.get(id) {
            Some(lead) => json_response(StatusCode::OK, lead),
            None => api_error(StatusCode::NOT_FOUND, 0, "Not Found"),
        };
    }
    if path.starts_with("/rest/adAccounts") {
        if !official.app.mdp_access {
            return access_denied("adAccounts.FINDER-search");
        }
        return json_response(
            StatusCode::OK,
            &json!({"elements": [], "paging": {"start": 0, "count": 10, "total": 0, "links": []}}),
        );
    }
    if path == "/v2/userinfo" {
        return json_response(
            StatusCode::OK,
            &json!({"sub": "Ab3dEf", "name": "Ada Admin", "given_name": "Ada", "family_name": "Admin", "locale": "en_US"}),
        );
    }
    if let Some(key) = path.strip_prefix("/v2/salesNavigatorProfileAssociations/") {
        if !token.contains(&SALES_NAV_SCOPE.to_owned()) {
            return access_denied("salesNavigatorProfileAssociations.GET");
        }
        return association(&official, key);
    }
    api_error(StatusCode::NOT_FOUND, 0, "Not Found")
}

/// The token's scopes, or the 401 LinkedIn answers: its service error code and message
/// (messages as the reference quotes them; the codes are the ones commonly reported, not
/// verified).
pub(super) fn bearer_scopes(
    official: &OfficialState,
    req: &Req,
) -> Result<Vec<String>, (i64, &'static str)> {
    let token = req
        .header("authorization")
        .and_then(|value| value.strip_prefix("Bearer "))
        .filter(|token| !token.is_empty())
        .ok_or((65604, "Empty oauth2_access_token"))?;
    match official.tokens.get(token) {
        None => Err((65600, "Invalid access token")),
        Some(issued) if issued.expired => Err((65601, "Expired access token")),
        Some(issued) => Ok(issued.scopes.clone()),
    }
}

/// The 403 observed without a scope or product access (§6).
pub(super) fn access_denied(resource: &str) -> Response {
    json_response(
        StatusCode::FORBIDDEN,
        &json!({"status": 403, "serviceErrorCode": 100, "code": "ACCESS_DENIED",
                "message": format!("Not enough permissions to access: {resource}.20241101")}),
    )
}

/// `(partner:MS,instanceId:…,recordId:…)`: a set answer, 400 for a missing key part, else 404.
fn association(official: &OfficialState, key: &str) -> Response {
    let missing = ["partner:", "instanceId:", "recordId:"]
        .into_iter()
        .find(|part| !key.contains(part));
    if let Some(part) = missing {
        let message = format!("Missing required key part {}", part.trim_end_matches(':'));
        return api_error(StatusCode::BAD_REQUEST, 0, &message);
    }
    match official.associations.get(key) {
        Some(AssociationAnswer::Match(body)) => json_response(StatusCode::OK, body),
        Some(AssociationAnswer::Error {
            status,
            service_error_code,
            message,
        }) => api_error(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            *service_error_code,
            message,
        ),
        None => api_error(StatusCode::NOT_FOUND, 0, "No matching member"),
    }
}
