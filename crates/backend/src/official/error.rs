//! One error for the official-API side: the pages show it, the webhook answers it as a 503.

use super::client::ApiCallError;
use super::oauth::OAuthError;
use super::seal::{SecretsKeyError, UnsealError};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum OfficialError {
    #[error(transparent)]
    SecretsKey(#[from] SecretsKeyError),
    #[error(transparent)]
    Unseal(#[from] UnsealError),
    #[error("no LinkedIn app is set up: enter its client id and secret first")]
    NoApp,
    #[error("the LinkedIn app is not connected: click Connect")]
    NotConnected,
    #[error("the LinkedIn connection expired: click Connect to authorize the app again")]
    Expired,
    #[error(
        "this LinkedIn authorization was not started here or is over 10 minutes old: click Connect again"
    )]
    StateInvalid,
    #[error("LinkedIn was not authorized ({0}): click Connect to try again")]
    Declined(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Api(#[from] ApiCallError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
