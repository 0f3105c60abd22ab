//! `GET|POST /connect/webhook/linkedin`: LinkedIn's validation challenge and Lead Sync
//! notifications, signed with the app's client secret. Answers in the API's error shape.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ping_protocol::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::official::connection::client_secret;
use crate::official::error::OfficialError;
use crate::official::lead_sync::{handle_notification, webhook_app};
use crate::official::leads::{LeadNotification, NotificationError};
use crate::official::webhook::{challenge_response, signature_matches};
use crate::settings::Secret;
use crate::state::AppState;

/// Why a webhook call was refused. LinkedIn reads any non-2xx as a failure and retries.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("no LinkedIn app is set up for this webhook: add `?app=<client id>` to its URL")]
    UnknownApp,
    #[error("challengeCode is missing")]
    NoChallenge,
    #[error("X-LI-Signature is missing or does not sign this body with the app's secret")]
    BadSignature,
    #[error("{0}")]
    BadNotification(#[from] NotificationError),
    /// The lead could not be fetched or stored now (connection expired, LinkedIn down…):
    /// a 503, so LinkedIn delivers it again.
    #[error("the lead could not be handled now: {0}")]
    Unavailable(#[from] OfficialError),
}

impl IntoResponse for WebhookError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            Self::UnknownApp => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::NoChallenge | Self::BadNotification(_) => {
                (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest)
            }
            Self::BadSignature => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Internal),
        };
        tracing::warn!(error = %self, "LinkedIn webhook call refused");
        let body = ping_protocol::ApiError {
            message: self.to_string(),
            status: status.as_u16(),
            service_error_code: code,
        };
        (status, Json(body)).into_response()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateQuery {
    challenge_code: Option<String>,
    /// The app's client id (several users may each connect an app).
    app: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeAnswer {
    challenge_code: String,
    challenge_response: String,
}

async fn app_secret(
    state: &AppState,
    client_id: Option<&str>,
) -> Result<(UserId, Secret<String>), WebhookError> {
    let (user, app) = webhook_app(state, client_id)
        .await?
        .ok_or(WebhookError::UnknownApp)?;
    Ok((user, client_secret(state, user, &app)?))
}

pub async fn validate(
    State(state): State<AppState>,
    Query(query): Query<ValidateQuery>,
) -> Result<Json<ChallengeAnswer>, WebhookError> {
    let challenge_code = query.challenge_code.ok_or(WebhookError::NoChallenge)?;
    let (_, secret) = app_secret(&state, query.app.as_deref()).await?;
    let challenge_response = challenge_response(&secret, &challenge_code);
    Ok(Json(ChallengeAnswer {
        challenge_code,
        challenge_response,
    }))
}

#[derive(Deserialize)]
pub struct NotifyQuery {
    app: Option<String>,
}

pub async fn notify(
    State(state): State<AppState>,
    Query(query): Query<NotifyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, WebhookError> {
    let (user, secret) = app_secret(&state, query.app.as_deref()).await?;
    let signature = headers
        .get("x-li-signature")
        .and_then(|value| value.to_str().ok())
        .ok_or(WebhookError::BadSignature)?;
    if !signature_matches(&secret, &body, signature) {
        return Err(WebhookError::BadSignature);
    }
    let notification = match LeadNotification::parse(&body) {
        Ok(notification) => notification,
        // Another kind of notification on the same hook: taken, not used (yet).
        Err(NotificationError::OtherType(kind)) => {
            tracing::info!(%user, kind, "LinkedIn notification of another type ignored");
            return Ok(StatusCode::OK);
        }
        Err(error) => return Err(error.into()),
    };
    handle_notification(&state, user, &notification).await?;
    Ok(StatusCode::OK)
}
