//! Pairing routes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use ping_protocol::{
    ClaimRequest, ExtensionToken, PairRequest, PairingCodeRequest, PairingCodeResponse,
    PairingPollRequest, PairingPollResponse,
};

use super::json::ApiJson;
use crate::auth::{ClientIp, ExtensionAuth, WebSession, bearer};
use crate::error::ApiError;
use crate::ids::TokenId;
use crate::pairing;
use crate::state::AppState;

pub async fn create_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<PairingCodeRequest>,
) -> Result<Json<PairingCodeResponse>, ApiError> {
    Ok(Json(
        pairing::create_extension_code(&state, &request.client_name, &ip).await?,
    ))
}

pub async fn poll(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<PairingPollRequest>,
) -> Result<Json<PairingPollResponse>, ApiError> {
    Ok(Json(pairing::poll(&state, &request, &ip).await?))
}

pub async fn pair(
    State(state): State<AppState>,
    session: WebSession,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<PairRequest>,
) -> Result<StatusCode, ApiError> {
    session.check_csrf_header(&headers)?;
    pairing::pair(&state, session.user, &request.code, &ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn claim(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<ClaimRequest>,
) -> Result<Json<ExtensionToken>, ApiError> {
    Ok(Json(pairing::claim(&state, &request, &ip).await?))
}

pub async fn refresh(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    headers: HeaderMap,
) -> Result<Json<ExtensionToken>, ApiError> {
    let presented = bearer(&headers).ok_or(ApiError::TokenInvalid)?;
    Ok(Json(pairing::refresh(&state, &auth, presented).await?))
}

pub async fn revoke(
    State(state): State<AppState>,
    session: WebSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    session.check_csrf_header(&headers)?;
    let revoked = state
        .store
        .revoke_token(session.user, TokenId(id), state.clock.now())
        .await?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
