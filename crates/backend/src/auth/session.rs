//! Web sessions: an HTTP-only cookie whose hash names a row in the store, with a per-session
//! CSRF token for forms (and the `X-CSRF-Token` header for the UI's own JSON calls).

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;

use super::extension::{authenticate_token, bearer};
use crate::error::ApiError;
use crate::ids::UserId;
use crate::secrets::{constant_time_eq, random_token, sha256_hex};
use crate::state::AppState;
use crate::store::NewSession;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ping_session";
const SESSION_DAYS: i64 = 14;

/// A logged-in person.
#[derive(Debug, Clone)]
pub struct WebSession {
    pub user: UserId,
    pub email: String,
    pub csrf_token: String,
    pub id_hash: String,
}

impl WebSession {
    /// Refuses a form or call whose CSRF token is not this session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), ApiError> {
        if constant_time_eq(submitted, &self.csrf_token) {
            Ok(())
        } else {
            Err(ApiError::CsrfMismatch)
        }
    }

    /// Checks the `X-CSRF-Token` header of a JSON call.
    pub fn check_csrf_header(&self, parts_headers: &HeaderMap) -> Result<(), ApiError> {
        let submitted = parts_headers
            .get("x-csrf-token")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        self.check_csrf(submitted)
    }
}

/// The value of one cookie the browser sent.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

async fn load_session(parts: &Parts, state: &AppState) -> Result<Option<WebSession>, ApiError> {
    let Some(id) = cookie_value(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let id_hash = sha256_hex(id);
    let found = state
        .store
        .find_session(&id_hash, state.clock.now())
        .await?;
    Ok(found.map(|record| WebSession {
        user: record.user,
        email: record.email,
        csrf_token: record.csrf_token,
        id_hash,
    }))
}

impl FromRequestParts<AppState> for WebSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        load_session(parts, state)
            .await?
            .ok_or(ApiError::Unauthenticated)
    }
}

/// A logged-in person on an HTML page; anyone else is sent to the login page.
#[derive(Debug, Clone)]
pub struct PageSession(pub WebSession);

impl FromRequestParts<AppState> for PageSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match load_session(parts, state).await {
            Ok(Some(session)) => Ok(Self(session)),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(error) => Err(error.into_response()),
        }
    }
}

/// The owner of the data, by extension token (when a bearer header is sent) or web session.
#[derive(Debug, Clone)]
pub struct Owner {
    pub user: UserId,
}

impl FromRequestParts<AppState> for Owner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(&parts.headers) {
            return Ok(Self {
                user: authenticate_token(state, token).await?.user,
            });
        }
        let session = load_session(parts, state)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if parts.method != axum::http::Method::GET {
            session.check_csrf_header(&parts.headers)?;
        }
        Ok(Self { user: session.user })
    }
}

/// Stores a new session for `user`; returns the cookie value to set.
pub async fn start_session(state: &AppState, user: UserId) -> Result<String, ApiError> {
    let id = random_token();
    let now = state.clock.now();
    state
        .store
        .create_session(&NewSession {
            id_hash: sha256_hex(&id),
            user,
            csrf_token: random_token(),
            created_at: now,
            expires_at: now + Duration::days(SESSION_DAYS),
        })
        .await?;
    Ok(id)
}

/// The `Set-Cookie` value for a session: HTTP-only, SameSite=Lax, Secure over https.
pub fn session_cookie(id: &str, secure: bool) -> String {
    let max_age = SESSION_DAYS * 24 * 3600;
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}
