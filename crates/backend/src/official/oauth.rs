//! The OAuth 2.0 authorization-code flow against `www.linkedin.com/oauth/v2/` (§1): the
//! authorization URL, and the code and refresh-token exchanges at `accessToken`.

use chrono::{DateTime, Duration, Utc};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use super::OfficialConfig;
use super::client::send;
use super::scopes::parse_granted;
use crate::settings::Secret;

/// Why LinkedIn gave no token. Never carries a secret, code or token.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// LinkedIn refused the grant (`invalid_grant` for a dead refresh token or used code…).
    #[error("LinkedIn refused the authorization ({error}): {description}; connect the app again")]
    Refused { error: String, description: String },
    /// The token endpoint could not be reached or answered something unreadable.
    #[error("LinkedIn's token endpoint did not answer usably ({0}); try again later")]
    Unavailable(String),
}

/// Tokens as LinkedIn issued them, their lifetimes made absolute with the injected time.
#[derive(Debug)]
pub struct TokenGrant {
    pub access_token: Secret<String>,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: Option<Secret<String>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub scopes: Vec<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: i64,
    #[serde(default)]
    scope: String,
    refresh_token: Option<String>,
    refresh_token_expires_in: Option<i64>,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
    #[serde(default)]
    error_description: String,
}

fn encode(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

/// Where the member's browser is sent to consent; scopes space-separated (§7).
pub fn authorization_url(
    config: &OfficialConfig,
    client_id: &str,
    state: &str,
    scopes: &[String],
) -> String {
    format!(
        "{}/oauth/v2/authorization?response_type=code&client_id={}&redirect_uri={}&state={}&scope={}",
        config.oauth_base_url,
        encode(client_id),
        encode(&config.redirect_uri()),
        encode(state),
        encode(&scopes.join(" ")),
    )
}

/// The client credentials every exchange sends.
pub struct AppCredentials<'a> {
    pub client_id: &'a str,
    pub client_secret: &'a Secret<String>,
}

/// Trades the callback's code for tokens.
pub async fn exchange_code(
    config: &OfficialConfig,
    app: &AppCredentials<'_>,
    code: &str,
    now: DateTime<Utc>,
) -> Result<TokenGrant, OAuthError> {
    let redirect_uri = config.redirect_uri();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("client_id", app.client_id),
        ("client_secret", app.client_secret.expose().as_str()),
        ("redirect_uri", redirect_uri.as_str()),
    ];
    request_tokens(config, &form, now, None).await
}

/// A new access token from a refresh token; the refresh token keeps its original end unless
/// LinkedIn says otherwise.
pub async fn refresh(
    config: &OfficialConfig,
    app: &AppCredentials<'_>,
    refresh_token: &Secret<String>,
    refresh_expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<TokenGrant, OAuthError> {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose().as_str()),
        ("client_id", app.client_id),
        ("client_secret", app.client_secret.expose().as_str()),
    ];
    let mut grant = request_tokens(config, &form, now, refresh_expires_at).await?;
    if grant.refresh_token.is_none() {
        grant.refresh_token = Some(refresh_token.clone());
    }
    Ok(grant)
}

async fn request_tokens(
    config: &OfficialConfig,
    form: &[(&str, &str)],
    now: DateTime<Utc>,
    previous_refresh_end: Option<DateTime<Utc>>,
) -> Result<TokenGrant, OAuthError> {
    let url = format!("{}/oauth/v2/accessToken", config.oauth_base_url);
    let (status, _, body) = send(config.http.post(url).form(form))
        .await
        .map_err(OAuthError::Unavailable)?;
    if !status.is_success() {
        return Err(match serde_json::from_slice::<ErrorAnswer>(&body) {
            Ok(answer) => OAuthError::Refused {
                error: answer.error,
                description: answer.error_description,
            },
            Err(_) => OAuthError::Unavailable(format!("HTTP {status}")),
        });
    }
    let answer: TokenAnswer = serde_json::from_slice(&body)
        .map_err(|_| OAuthError::Unavailable("an unreadable token answer".into()))?;
    let refresh_expires_at = answer
        .refresh_token_expires_in
        .map(|seconds| now + Duration::seconds(seconds))
        .or(previous_refresh_end);
    Ok(TokenGrant {
        access_token: Secret::new(answer.access_token),
        access_expires_at: now + Duration::seconds(answer.expires_in),
        refresh_token: answer.refresh_token.map(Secret::new),
        refresh_expires_at,
        scopes: parse_granted(&answer.scope),
    })
}
