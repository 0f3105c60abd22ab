//! API keys for other programs: `Authorization: Bearer ping_sk_…` on `/api/v1/linkedin/…`
//! only. The extension's token and the web session do not open those routes, and a key opens
//! no other route (it is not in the extension's token table, and it is no cookie).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::extension::bearer;
use crate::error::ApiError;
use crate::ids::{ApiKeyId, UserId};
use crate::secrets::{random_token, sha256_hex};
use crate::state::AppState;

/// Every key starts with this, so a key pasted in the wrong place is recognisable.
pub const API_KEY_PREFIX: &str = "ping_sk_";
/// How much of a key is kept in clear to tell keys apart: the prefix and 4 random characters.
const SHOWN_CHARS: usize = API_KEY_PREFIX.len() + 4;

/// A new key (shown to its user once) and what is stored of it: its SHA-256 and its start.
pub struct NewKey {
    pub key: String,
    pub hash: String,
    pub shown_prefix: String,
}

/// A fresh key: the prefix and 32 random bytes. Like the extension's tokens it is random
/// enough that a plain SHA-256 is the right way to store it.
pub fn new_api_key() -> NewKey {
    let key = format!("{API_KEY_PREFIX}{}", random_token());
    NewKey {
        hash: sha256_hex(&key),
        shown_prefix: key[..SHOWN_CHARS].to_owned(),
        key,
    }
}

/// A request carrying a live API key; resolves to the key's owner.
#[derive(Debug, Clone)]
pub struct ApiKeyAuth {
    pub user: UserId,
    pub key: ApiKeyId,
}

impl FromRequestParts<AppState> for ApiKeyAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = bearer(&parts.headers)
            .filter(|key| key.starts_with(API_KEY_PREFIX))
            .ok_or(ApiError::ApiKeyInvalid)?;
        let key = state
            .store
            .find_api_key(&sha256_hex(presented))
            .await?
            .filter(|key| key.revoked_at.is_none())
            .ok_or(ApiError::ApiKeyInvalid)?;
        state.store.touch_api_key(key.id, state.clock.now()).await?;
        Ok(Self {
            user: key.user,
            key: key.id,
        })
    }
}
