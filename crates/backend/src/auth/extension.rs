//! The extension's bearer token.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::ids::UserId;
use crate::pairing;
use crate::secrets::sha256_hex;
use crate::state::AppState;
use crate::store::TokenRecord;

/// A request carrying a live extension token; resolves to the token's owner.
#[derive(Debug, Clone)]
pub struct ExtensionAuth {
    pub user: UserId,
    pub token: TokenRecord,
}

/// Checks a bearer token: unknown, revoked and expired tokens are told apart.
pub async fn authenticate_token(state: &AppState, bearer: &str) -> Result<ExtensionAuth, ApiError> {
    let token = state
        .store
        .find_token(&sha256_hex(bearer))
        .await?
        .ok_or(ApiError::TokenInvalid)?;
    let now = state.clock.now();
    // A token a refresh replaced answers for a grace period; one revoked in the web UI never.
    let replaced_lately = token
        .rotated_at
        .is_some_and(|rotated_at| pairing::in_grace(rotated_at, now));
    if token.revoked_at.is_some() && !replaced_lately {
        return Err(ApiError::TokenRevoked);
    }
    if token.expires_at <= now {
        return Err(ApiError::TokenExpired);
    }
    state.store.touch_token(token.id, now).await?;
    Ok(ExtensionAuth {
        user: token.user,
        token,
    })
}

/// The token of an `Authorization: Bearer …` header, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
}

impl FromRequestParts<AppState> for ExtensionAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(&parts.headers).ok_or(ApiError::TokenInvalid)?;
        authenticate_token(state, token).await
    }
}
