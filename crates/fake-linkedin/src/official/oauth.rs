//! `GET /oauth/v2/authorization` (the member consents at once, or as `POST
//! /__fake/official/app` says) and `POST /oauth/v2/accessToken` (code and refresh grants).

use std::time::Instant;

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::json_response;
use super::state::{
    ACCESS_SECONDS, CODE_LIFETIME, IssuedCode, IssuedToken, OfficialState, REFRESH_SECONDS,
};
use crate::request::Req;
use crate::state::Shared;

pub fn handle(shared: &Shared, req: &Req, endpoint: &str) -> Response {
    let mut official = shared.official.lock();
    match (&req.method, endpoint) {
        (&Method::GET, "authorization") => authorize(&mut official, req),
        (&Method::POST, "accessToken") => access_token(&mut official, &req.body),
        _ => (StatusCode::NOT_FOUND, "no such OAuth endpoint").into_response(),
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

fn encode(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

fn authorize(official: &mut OfficialState, req: &Req) -> Response {
    let param = |name| req.param(name).unwrap_or_default();
    if param("response_type") != "code" || param("client_id") != official.app.client_id {
        return (
            StatusCode::BAD_REQUEST,
            "unknown client_id or response_type other than code",
        )
            .into_response();
    }
    let redirect_uri = param("redirect_uri");
    if !(redirect_uri.starts_with("http://") || redirect_uri.starts_with("https://"))
        || redirect_uri.contains('#')
    {
        return (
            StatusCode::BAD_REQUEST,
            "redirect_uri must be an absolute URL",
        )
            .into_response();
    }
    let scopes: Vec<String> = param("scope")
        .split(' ')
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect();
    let code = official.mint("AQT");
    official.codes.insert(
        code.clone(),
        IssuedCode {
            redirect_uri: redirect_uri.clone(),
            scopes,
            issued: Instant::now(),
        },
    );
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!(
        "{redirect_uri}{separator}code={}&state={}",
        encode(&code),
        encode(&param("state"))
    );
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn access_token(official: &mut OfficialState, body: &str) -> Response {
    let form: Vec<(String, String)> = url_pairs(body);
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    for required in ["grant_type", "client_id", "client_secret"] {
        if field(required).is_none() {
            let description = format!("A required parameter \"{required}\" is missing");
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &description);
        }
    }
    if field("client_id").as_deref() != Some(&official.app.client_id)
        || field("client_secret").as_deref() != Some(&official.app.client_secret)
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    let scopes = match field("grant_type").as_deref() {
        Some("authorization_code") => {
            let Some(code) = field("code") else {
                let description = "A required parameter \"code\" is missing";
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description);
            };
            // Single use: taken out whatever follows.
            let Some(issued) = official.codes.remove(&code) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The provided authorization grant is invalid, expired or revoked",
                );
            };
            if issued.issued.elapsed() > CODE_LIFETIME
                || field("redirect_uri").as_deref() != Some(&issued.redirect_uri)
            {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code expired or the redirect_uri does not match",
                );
            }
            official.app.granted_scopes.clone().unwrap_or(issued.scopes)
        }
        Some("refresh_token") => {
            let refresh = field("refresh_token").unwrap_or_default();
            match official.refresh_tokens.get(&refresh) {
                Some(scopes) => scopes.clone(),
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "Token has been expired or revoked.",
                    );
                }
            }
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
            );
        }
    };
    let refreshing = field("grant_type").as_deref() == Some("refresh_token");
    issue(official, scopes, refreshing)
}

fn issue(official: &mut OfficialState, scopes: Vec<String>, refreshing: bool) -> Response {
    let access = official.mint("AQV");
    official.tokens.insert(
        access.clone(),
        IssuedToken {
            scopes: scopes.clone(),
            expired: false,
        },
    );
    let mut body = json!({
        "access_token": access,
        "expires_in": ACCESS_SECONDS,
        "scope": scopes.join(","),
    });
    // A refresh keeps the refresh token and its end (it is never extended by use).
    if official.app.refresh_tokens && !refreshing {
        let refresh = official.mint("AQX");
        official.refresh_tokens.insert(refresh.clone(), scopes);
        body["refresh_token"] = Value::from(refresh);
        body["refresh_token_expires_in"] = Value::from(REFRESH_SECONDS);
    }
    json_response(StatusCode::OK, &body)
}

/// `application/x-www-form-urlencoded` pairs, decoded.
fn url_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(&text.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(key), decode(value))
        })
        .collect()
}
