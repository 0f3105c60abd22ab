//! The API's errors, answered in LinkedIn's shape `{"message", "status", "serviceErrorCode"}`.

use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use ping_protocol::ErrorCode;

/// Everything a handler can answer besides success. Messages say what to do next; internal
/// details are logged, never returned.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 401: the extension token is older than 30 days.
    #[error("this extension's pairing expired: pair it again from the popup")]
    TokenExpired,
    /// 401: the token was revoked in the web UI (or replaced by a refresh).
    #[error("this browser was unpaired in the web UI: pair it again from the popup")]
    TokenRevoked,
    /// 401: no bearer token, or one the backend never issued.
    #[error("missing or unknown extension token: pair the extension first")]
    TokenInvalid,
    /// 401: no API key, or one that is unknown or revoked (`/api/v1/linkedin/…` only).
    #[error("missing, unknown or revoked API key: create one in Settings → API keys")]
    ApiKeyInvalid,
    /// 401: no web session (log in first).
    #[error("log in to Ping first")]
    Unauthenticated,
    /// 403: the form's CSRF token does not match the session.
    #[error("the form expired: reload the page and try again")]
    CsrfMismatch,
    /// 404: no such pairing code, already used, or not for this direction.
    #[error("unknown pairing code: check it, or ask for a new one")]
    PairingCodeUnknown,
    /// 410: the pairing code is older than 10 minutes.
    #[error("this pairing code expired: ask for a new one")]
    PairingCodeExpired,
    /// 429: a rate limit was reached (wrong pairing codes, codes issued, failed logins); the
    /// message says what to do, `retry_after` is sent as `Retry-After`.
    #[error("{message}")]
    RateLimited {
        message: &'static str,
        retry_after: Duration,
    },
    /// 400: the body is not what the endpoint takes.
    #[error("{0}")]
    InvalidRequest(String),
    /// 404: the thing does not exist, or belongs to another user.
    #[error("not found")]
    NotFound,
    /// 422: an avatar the backend will not store (host, size or type).
    #[error("{0}")]
    AvatarRefused(String),
    /// 413: an upload over the backend's size cap.
    #[error("{0}")]
    TooLarge(String),
    /// 422: attachment bytes the backend will not store (their type).
    #[error("{0}")]
    ContentRefused(String),
    /// 421: the request names a host this backend does not answer for (DNS rebinding, or a
    /// `PING_PUBLIC_URL` that is not the address in use); the message names the right one.
    #[error("{0}")]
    MisdirectedHost(String),
    /// 422: the database refused to hold what the request carries (a character or a size it
    /// cannot store). Retrying the same data fails the same way, so it is not a 5xx.
    #[error("the backend's database could not store this data: {0}")]
    DataRefused(String),
    /// 500: the detail is logged, the client gets a generic message.
    #[error("something went wrong inside the backend; the details are in its log")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TokenExpired
            | Self::TokenRevoked
            | Self::TokenInvalid
            | Self::ApiKeyInvalid
            | Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::CsrfMismatch => StatusCode::FORBIDDEN,
            Self::PairingCodeUnknown | Self::NotFound => StatusCode::NOT_FOUND,
            Self::PairingCodeExpired => StatusCode::GONE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            Self::AvatarRefused(_) | Self::DataRefused(_) | Self::ContentRefused(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MisdirectedHost(_) => StatusCode::MISDIRECTED_REQUEST,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::TokenExpired => ErrorCode::TokenExpired,
            Self::TokenRevoked => ErrorCode::TokenRevoked,
            Self::TokenInvalid => ErrorCode::TokenInvalid,
            // Not a token code: those tell the extension to pair again.
            Self::Unauthenticated | Self::ApiKeyInvalid => ErrorCode::Unauthenticated,
            Self::CsrfMismatch
            | Self::InvalidRequest(_)
            | Self::MisdirectedHost(_)
            | Self::DataRefused(_)
            | Self::TooLarge(_)
            | Self::ContentRefused(_) => ErrorCode::InvalidRequest,
            Self::PairingCodeUnknown => ErrorCode::PairingCodeUnknown,
            Self::PairingCodeExpired => ErrorCode::PairingCodeExpired,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::NotFound => ErrorCode::NotFound,
            Self::AvatarRefused(_) => ErrorCode::AvatarRefused,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The wire body.
    pub fn body(&self) -> ping_protocol::ApiError {
        ping_protocol::ApiError {
            message: self.to_string(),
            status: self.status().as_u16(),
            service_error_code: self.code(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let mut response = (self.status(), Json(self.body())).into_response();
        if let Self::RateLimited { retry_after, .. } = &self {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after.num_seconds()));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_are_not_in_the_body() {
        let body = ApiError::Internal("disk I/O error at /secret/path".into()).body();
        assert!(!body.message.contains("/secret/path"));
        assert_eq!(body.status, 500);
        assert_eq!(body.service_error_code, ErrorCode::Internal);
    }

    #[test]
    fn token_problems_are_401_with_distinct_codes() {
        for (error, code) in [
            (ApiError::TokenExpired, ErrorCode::TokenExpired),
            (ApiError::TokenRevoked, ErrorCode::TokenRevoked),
            (ApiError::TokenInvalid, ErrorCode::TokenInvalid),
        ] {
            assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
            assert_eq!(error.code(), code);
        }
    }

    #[test]
    fn a_rate_limit_says_what_to_do_and_when_to_retry() {
        let error = ApiError::RateLimited {
            message: "too many tries: wait ten minutes",
            retry_after: Duration::minutes(10),
        };
        assert_eq!(error.body().message, "too many tries: wait ten minutes");
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[RETRY_AFTER], "600");
    }
}
