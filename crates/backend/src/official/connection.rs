//! The app's connection: saving the app, the OAuth round trip, tokens kept fresh.

use chrono::{DateTime, Duration, Utc};

use super::error::OfficialError;
use super::expiry::{Lifetimes, TokenHealth};
use super::oauth::{self, AppCredentials, OAuthError, TokenGrant};
use super::scopes::known_scopes;
use super::seal::{Purpose, Sealer};
use crate::ids::UserId;
use crate::secrets::{random_token, sha256_hex};
use crate::settings::Secret;
use crate::state::AppState;
use crate::store::{LinkedInApp, OfficialConnection};

/// How long a consent may take between Connect and the callback.
const STATE_LIFETIME: Duration = Duration::minutes(10);

fn sealer(state: &AppState) -> Result<&Sealer, OfficialError> {
    state
        .config
        .official
        .sealer
        .as_ref()
        .map_err(|error| error.clone().into())
}

async fn stored_app(state: &AppState, user: UserId) -> Result<LinkedInApp, OfficialError> {
    state
        .store
        .get_linkedin_app(user)
        .await?
        .ok_or(OfficialError::NoApp)
}

/// What Settings submits for the app.
pub struct AppForm<'a> {
    pub client_id: &'a str,
    /// Empty keeps the stored secret (the page never shows it back).
    pub client_secret: &'a str,
    pub scopes: Vec<&'a str>,
}

pub async fn save_app(
    state: &AppState,
    user: UserId,
    form: &AppForm<'_>,
) -> Result<(), OfficialError> {
    let sealer = sealer(state)?;
    let client_id = form.client_id.trim();
    if client_id.is_empty() || client_id.len() > 200 {
        return Err(OfficialError::InvalidInput(
            "enter the app's client id (LinkedIn developer portal → Auth)".into(),
        ));
    }
    let stored = state.store.get_linkedin_app(user).await?;
    let secret = form.client_secret.trim();
    let client_secret_sealed = match (secret.is_empty(), stored) {
        (false, _) => sealer.seal(Purpose::ClientSecret, user, secret),
        (true, Some(app)) if app.client_id == client_id => app.client_secret_sealed,
        (true, _) => {
            return Err(OfficialError::InvalidInput(
                "enter the app's client secret".into(),
            ));
        }
    };
    let app = LinkedInApp {
        client_id: client_id.to_owned(),
        client_secret_sealed,
        scopes: known_scopes(form.scopes.iter().copied()),
        updated_at: state.clock.now(),
    };
    Ok(state.store.save_linkedin_app(user, &app).await?)
}

/// The app's client secret, opened.
pub fn client_secret(
    state: &AppState,
    user: UserId,
    app: &LinkedInApp,
) -> Result<Secret<String>, OfficialError> {
    Ok(sealer(state)?.open(Purpose::ClientSecret, user, &app.client_secret_sealed)?)
}

/// Starts a consent: remembers a single-use state and answers the URL to send the browser to.
pub async fn start_connect(state: &AppState, user: UserId) -> Result<String, OfficialError> {
    sealer(state)?;
    let app = stored_app(state, user).await?;
    let oauth_state = random_token();
    let expires_at = state.clock.now() + STATE_LIFETIME;
    state
        .store
        .insert_oauth_state(&sha256_hex(&oauth_state), user, expires_at)
        .await?;
    Ok(oauth::authorization_url(
        &state.config.official,
        &app.client_id,
        &oauth_state,
        &app.scopes,
    ))
}

/// What LinkedIn's callback carried.
pub struct Callback<'a> {
    pub state: &'a str,
    pub code: Option<&'a str>,
    /// `user_cancelled_login`, `user_cancelled_authorize`…
    pub error: Option<&'a str>,
}

/// Checks the callback's state against the session's user and trades the code for tokens.
pub async fn finish_connect(
    state: &AppState,
    user: UserId,
    callback: &Callback<'_>,
) -> Result<(), OfficialError> {
    let now = state.clock.now();
    let owner = state
        .store
        .take_oauth_state(&sha256_hex(callback.state), now)
        .await?;
    if owner != Some(user) {
        return Err(OfficialError::StateInvalid);
    }
    if let Some(error) = callback.error {
        return Err(OfficialError::Declined(error.to_owned()));
    }
    let code = callback
        .code
        .ok_or_else(|| OfficialError::Declined("no code".into()))?;
    let app = stored_app(state, user).await?;
    let secret = client_secret(state, user, &app)?;
    let credentials = AppCredentials {
        client_id: &app.client_id,
        client_secret: &secret,
    };
    let grant = oauth::exchange_code(&state.config.official, &credentials, code, now).await?;
    store_grant(state, user, &grant, now, None).await
}

async fn store_grant(
    state: &AppState,
    user: UserId,
    grant: &TokenGrant,
    connected_at: DateTime<Utc>,
    refreshed_at: Option<DateTime<Utc>>,
) -> Result<(), OfficialError> {
    let sealer = sealer(state)?;
    let connection = OfficialConnection {
        access_token_sealed: sealer.seal(Purpose::AccessToken, user, grant.access_token.expose()),
        access_expires_at: grant.access_expires_at,
        refresh_token_sealed: grant
            .refresh_token
            .as_ref()
            .map(|token| sealer.seal(Purpose::RefreshToken, user, token.expose())),
        refresh_expires_at: grant.refresh_expires_at,
        granted_scopes: grant.scopes.clone(),
        connected_at,
        refreshed_at,
        refresh_failure: None,
    };
    Ok(state
        .store
        .save_official_connection(user, &connection)
        .await?)
}

fn lifetimes(connection: &OfficialConnection) -> Lifetimes {
    Lifetimes {
        access_expires_at: connection.access_expires_at,
        refresh_expires_at: connection
            .refresh_token_sealed
            .as_ref()
            .and(connection.refresh_expires_at),
    }
}

/// The connection, refreshed first when its access token nears its end and LinkedIn issued a
/// refresh token. A failed refresh leaves the stored tokens as they were (and the reminder up).
pub async fn fresh_connection(
    state: &AppState,
    user: UserId,
) -> Result<Option<OfficialConnection>, OfficialError> {
    let Some(connection) = state.store.get_official_connection(user).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let (true, Some(sealed)) = (
        lifetimes(&connection).refresh_due(now),
        connection.refresh_token_sealed.as_deref(),
    ) else {
        return Ok(Some(connection));
    };
    let app = stored_app(state, user).await?;
    let secret = client_secret(state, user, &app)?;
    let refresh_token = sealer(state)?.open(Purpose::RefreshToken, user, sealed)?;
    let credentials = AppCredentials {
        client_id: &app.client_id,
        client_secret: &secret,
    };
    let refreshed = oauth::refresh(
        &state.config.official,
        &credentials,
        &refresh_token,
        connection.refresh_expires_at,
        now,
    )
    .await;
    match refreshed {
        Ok(grant) => {
            store_grant(state, user, &grant, connection.connected_at, Some(now)).await?;
            Ok(state.store.get_official_connection(user).await?)
        }
        Err(error @ OAuthError::Refused { .. }) => {
            // A refresh token LinkedIn refuses stays refused: drop it, so the reminder shows,
            // and keep why, so the page says the member must connect again.
            tracing::warn!(%user, %error, "LinkedIn refused the refresh token");
            let without_refresh = OfficialConnection {
                refresh_token_sealed: None,
                refresh_expires_at: None,
                refresh_failure: Some(error.to_string()),
                ..connection
            };
            state
                .store
                .save_official_connection(user, &without_refresh)
                .await?;
            Ok(Some(without_refresh))
        }
        Err(error) => {
            tracing::warn!(%user, %error, "refreshing the LinkedIn token failed; kept for later");
            Ok(Some(connection))
        }
    }
}

/// The connection's state for the page.
pub fn health(connection: &OfficialConnection, now: DateTime<Utc>) -> TokenHealth {
    lifetimes(connection).health(now)
}

/// A live access token for calls to LinkedIn (refreshed when due).
pub async fn access_token(state: &AppState, user: UserId) -> Result<Secret<String>, OfficialError> {
    let connection = fresh_connection(state, user)
        .await?
        .ok_or(OfficialError::NotConnected)?;
    if connection.access_expires_at <= state.clock.now() {
        return Err(OfficialError::Expired);
    }
    Ok(sealer(state)?.open(Purpose::AccessToken, user, &connection.access_token_sealed)?)
}
