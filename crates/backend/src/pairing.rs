//! Pairing the extension with a user (DESIGN.md §3): codes, polling, claiming, tokens.
//!
//! A code alone never yields a token: the extension collects it with a poll secret only it
//! knows, and codes are single-use. Wrong codes count against the client address and the user,
//! and codes issued against the address ([`crate::rate_limit`]); past the limit, 429.

use chrono::{DateTime, Duration, Utc};
use ping_protocol::{
    ClaimRequest, ExtensionToken, PairingCodeResponse, PairingPollRequest, PairingPollResponse,
};

use crate::error::ApiError;
use crate::ids::UserId;
use crate::rate_limit::{PAIRING_CODES_ISSUED, WRONG_PAIRING_CODES, address};
use crate::secrets::{
    constant_time_eq, normalize_code, open_successor, pairing_code, random_token, seal_successor,
    sha256_hex,
};
use crate::state::AppState;
use crate::store::{CodeDirection, NewToken, PairingCodeRecord, Rotation, StoreError};

/// How long a pairing code can be entered.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
/// How long an extension token lasts.
pub const TOKEN_LIFETIME: Duration = Duration::days(30);
/// A token with less than this left is refreshed at the extension's next check-in.
pub const REFRESH_WHEN_LEFT: Duration = Duration::days(7);
/// How long a refreshed token keeps answering, and a refresh of it gets the same successor:
/// the extension's triggers (alarm, popup, page visit) may refresh at once, and a request sent
/// with the old token may still be on its way.
pub const REFRESH_GRACE: Duration = Duration::seconds(60);
/// A browser's name as kept: 100 characters at most, without NUL (which PostgreSQL refuses).
fn client_label(name: &str) -> String {
    name.chars().filter(|c| *c != '\0').take(100).collect()
}

fn user_subject(user: UserId) -> String {
    format!("user:{user}")
}

/// Counts a wrong code and answers `error`.
async fn fail(state: &AppState, subjects: Vec<String>, error: ApiError) -> ApiError {
    let recorded = WRONG_PAIRING_CODES
        .record(&*state.store, &subjects, state.clock.now())
        .await;
    match recorded {
        Ok(()) => error,
        Err(store_error) => store_error.into(),
    }
}

/// Stores a fresh code (a new one on the rare collision).
async fn insert_code(
    state: &AppState,
    mut record: PairingCodeRecord,
) -> Result<PairingCodeRecord, ApiError> {
    for _ in 0..5 {
        match state.store.insert_pairing_code(&record).await {
            Ok(()) => return Ok(record),
            Err(StoreError::Conflict(_)) => record.code = pairing_code(),
            Err(error) => return Err(error.into()),
        }
    }
    Err(ApiError::Internal(
        "no free pairing code after 5 tries".into(),
    ))
}

/// `POST /pairing/codes`: a code for the popup to show, and the secret to poll with.
pub async fn create_extension_code(
    state: &AppState,
    client_name: &str,
    ip: &str,
) -> Result<PairingCodeResponse, ApiError> {
    let subjects = [address(ip)];
    let now = state.clock.now();
    PAIRING_CODES_ISSUED
        .ensure_allowed(&*state.store, &subjects, now)
        .await?;
    PAIRING_CODES_ISSUED
        .record(&*state.store, &subjects, now)
        .await?;
    let poll_secret = random_token();
    let record = insert_code(
        state,
        PairingCodeRecord {
            code: pairing_code(),
            direction: CodeDirection::FromExtension,
            user: None,
            client_name: client_label(client_name),
            poll_secret_hash: Some(sha256_hex(&poll_secret)),
            created_at: now,
            expires_at: now + CODE_LIFETIME,
            paired_at: None,
            consumed_at: None,
        },
    )
    .await?;
    Ok(PairingCodeResponse {
        code: record.code,
        poll_secret,
        expires_at: record.expires_at,
    })
}

/// The web UI's "Show a code for the extension": a code the popup claims.
pub async fn create_web_code(
    state: &AppState,
    user: UserId,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let now = state.clock.now();
    let record = insert_code(
        state,
        PairingCodeRecord {
            code: pairing_code(),
            direction: CodeDirection::FromWeb,
            user: Some(user),
            client_name: String::new(),
            poll_secret_hash: None,
            created_at: now,
            expires_at: now + CODE_LIFETIME,
            paired_at: None,
            consumed_at: None,
        },
    )
    .await?;
    Ok((record.code, record.expires_at))
}

async fn issue_token(
    state: &AppState,
    code: &str,
    user: UserId,
    client_name: &str,
) -> Result<Option<ExtensionToken>, ApiError> {
    let now = state.clock.now();
    let token = random_token();
    let new = NewToken {
        user,
        token_hash: sha256_hex(&token),
        client_name: client_label(client_name),
        created_at: now,
        expires_at: now + TOKEN_LIFETIME,
    };
    Ok(state
        .store
        .redeem_code(code, &new)
        .await?
        .map(|_| ExtensionToken {
            token,
            expires_at: new.expires_at,
        }))
}

/// `POST /pairing/poll`: pending until paired, then the token once, expired after 10 minutes.
pub async fn poll(
    state: &AppState,
    request: &PairingPollRequest,
    ip: &str,
) -> Result<PairingPollResponse, ApiError> {
    let keys = vec![address(ip)];
    WRONG_PAIRING_CODES
        .ensure_allowed(&*state.store, &keys, state.clock.now())
        .await?;
    let code = normalize_code(&request.code);
    let found = state.store.find_pairing_code(&code).await?;
    let Some(record) = found.filter(|record| {
        record.direction == CodeDirection::FromExtension
            && record.consumed_at.is_none()
            && record
                .poll_secret_hash
                .as_deref()
                .is_some_and(|hash| constant_time_eq(hash, &sha256_hex(&request.poll_secret)))
    }) else {
        return Err(fail(state, keys, ApiError::PairingCodeUnknown).await);
    };
    match record.user {
        // Paired in time: the extension may collect the token even just after the deadline.
        Some(user) => match issue_token(state, &code, user, &record.client_name).await? {
            Some(token) => Ok(PairingPollResponse::Paired { token }),
            None => Err(ApiError::PairingCodeUnknown),
        },
        None if record.expires_at <= state.clock.now() => Ok(PairingPollResponse::Expired),
        None => Ok(PairingPollResponse::Pending {
            expires_at: record.expires_at,
        }),
    }
}

/// The web UI's Pair: attaches the code the popup shows to the logged-in user.
pub async fn pair(
    state: &AppState,
    user: UserId,
    raw_code: &str,
    ip: &str,
) -> Result<(), ApiError> {
    let keys = vec![address(ip), user_subject(user)];
    WRONG_PAIRING_CODES
        .ensure_allowed(&*state.store, &keys, state.clock.now())
        .await?;
    let code = normalize_code(raw_code);
    let found = state.store.find_pairing_code(&code).await?;
    let Some(record) = found.filter(|record| {
        record.direction == CodeDirection::FromExtension
            && record.paired_at.is_none()
            && record.consumed_at.is_none()
    }) else {
        return Err(fail(state, keys, ApiError::PairingCodeUnknown).await);
    };
    let now = state.clock.now();
    if record.expires_at <= now {
        return Err(ApiError::PairingCodeExpired);
    }
    if state.store.pair_code(&code, user, now).await? {
        Ok(())
    } else {
        Err(fail(state, keys, ApiError::PairingCodeUnknown).await)
    }
}

/// `POST /pairing/claim`: the popup enters a code the web UI showed and gets a token.
pub async fn claim(
    state: &AppState,
    request: &ClaimRequest,
    ip: &str,
) -> Result<ExtensionToken, ApiError> {
    let keys = vec![address(ip)];
    WRONG_PAIRING_CODES
        .ensure_allowed(&*state.store, &keys, state.clock.now())
        .await?;
    let code = normalize_code(&request.code);
    let found = state.store.find_pairing_code(&code).await?;
    let Some((record, user)) = found
        .filter(|record| record.direction == CodeDirection::FromWeb && record.consumed_at.is_none())
        .and_then(|record| record.user.map(|user| (record, user)))
    else {
        return Err(fail(state, keys, ApiError::PairingCodeUnknown).await);
    };
    if record.expires_at <= state.clock.now() {
        return Err(ApiError::PairingCodeExpired);
    }
    issue_token(state, &code, user, &request.client_name)
        .await?
        .ok_or(ApiError::PairingCodeUnknown)
}

/// Whether a token expiring at `expires_at` should be refreshed now.
pub fn refresh_due(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    expires_at - now < REFRESH_WHEN_LEFT
}

/// Whether a token replaced at `rotated_at` still answers at `now`.
pub fn in_grace(rotated_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < rotated_at + REFRESH_GRACE
}

/// `POST /pairing/refresh`: a new 30-day token for a still-valid one (`presented`), which is
/// revoked. Idempotent for [`REFRESH_GRACE`]: refreshes of the same token within it, however
/// many and however concurrent, all get the same new token.
pub async fn refresh(
    state: &AppState,
    auth: &crate::auth::ExtensionAuth,
    presented: &str,
) -> Result<ExtensionToken, ApiError> {
    let now = state.clock.now();
    let token = random_token();
    let new = NewToken {
        user: auth.user,
        token_hash: sha256_hex(&token),
        client_name: auth.token.client_name.clone(),
        created_at: now,
        expires_at: now + TOKEN_LIFETIME,
    };
    let sealed = seal_successor(presented, &token)
        .ok_or_else(|| ApiError::Internal("a new token that does not seal".into()))?;
    match state
        .store
        .rotate_token(auth.token.id, &new, &sealed)
        .await?
    {
        Rotation::Issued(_) => Ok(ExtensionToken {
            token,
            expires_at: new.expires_at,
        }),
        Rotation::Replaced(successor)
            if !successor.revoked && in_grace(successor.rotated_at, now) =>
        {
            let token = successor
                .sealed
                .as_deref()
                .and_then(|sealed| open_successor(presented, sealed))
                .ok_or(ApiError::TokenRevoked)?;
            Ok(ExtensionToken {
                token,
                expires_at: successor.expires_at,
            })
        }
        Rotation::Replaced(_) | Rotation::Revoked => Err(ApiError::TokenRevoked),
    }
}
