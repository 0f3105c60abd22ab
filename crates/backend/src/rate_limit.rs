//! Rate limits on the doors a guesser would knock on: pairing codes and the login form.
//!
//! Attempts are counted in the store under `scope:subject` keys (a client address, a user, an
//! email), so the limit holds across several backend processes.

use chrono::Duration;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::StoreError;

/// At most `max` counted attempts per subject within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    scope: &'static str,
    pub max: u64,
    pub window: Duration,
    /// What the refused client is told, ending in what to do.
    pub refusal: &'static str,
}

/// Wrong pairing codes, per client address and per user.
pub const WRONG_PAIRING_CODES: Limit = Limit {
    scope: "pairing",
    max: 10,
    window: Duration::minutes(10),
    refusal: "too many wrong pairing codes: wait ten minutes and try again",
};

/// Pairing codes issued to one address. The popup asks for one every ten minutes at most;
/// this leaves room for several browsers behind one address.
pub const PAIRING_CODES_ISSUED: Limit = Limit {
    scope: "codes",
    max: 30,
    window: Duration::minutes(10),
    refusal: "too many pairing codes asked for from this address: wait ten minutes and try again",
};

/// Failed logins, per client address and per email.
pub const FAILED_LOGINS: Limit = Limit {
    scope: "login",
    max: 10,
    window: Duration::minutes(15),
    refusal: "too many failed logins: wait fifteen minutes and try again",
};

impl Limit {
    /// The store key of one subject, e.g. `pairing:ip:203.0.113.7`.
    pub fn key(&self, subject: &str) -> String {
        format!("{}:{subject}", self.scope)
    }

    /// Refuses with 429 when any subject has used up its attempts.
    pub async fn ensure_allowed(
        &self,
        state: &AppState,
        subjects: &[String],
    ) -> Result<(), ApiError> {
        let since = state.clock.now() - self.window;
        for subject in subjects {
            if state
                .store
                .count_attempts(&self.key(subject), since)
                .await?
                >= self.max
            {
                return Err(ApiError::RateLimited(*self));
            }
        }
        Ok(())
    }

    /// Counts one attempt against every subject.
    pub async fn record(&self, state: &AppState, subjects: &[String]) -> Result<(), StoreError> {
        let keys: Vec<String> = subjects.iter().map(|subject| self.key(subject)).collect();
        state.store.record_attempt(&keys, state.clock.now()).await
    }
}

/// The subject for a client address.
pub fn address(ip: &str) -> String {
    format!("ip:{ip}")
}
