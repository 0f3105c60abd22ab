//! How long a connection lasts: access tokens live 60 days, refresh tokens (Marketing
//! Developer Platform partners only) 365 days and are never extended by use.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// How long before the access token ends the web UI (and a refresh) starts acting.
pub const REMINDER_BEFORE: Duration = Duration::days(7);

/// What the Settings page says about a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TokenHealth {
    /// Nothing to do before `expires_at`.
    Active { expires_at: DateTime<Utc> },
    /// The access token ends within [`REMINDER_BEFORE`] and no refresh token outlives it:
    /// the member must connect again.
    ExpiresSoon {
        expires_at: DateTime<Utc>,
        days_left: i64,
    },
    /// The access token ended; calls to LinkedIn fail until the member connects again.
    Expired { expired_at: DateTime<Utc> },
}

/// The lifetimes of a stored connection.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub access_expires_at: DateTime<Utc>,
    /// `None` when LinkedIn issued no refresh token.
    pub refresh_expires_at: Option<DateTime<Utc>>,
}

impl Lifetimes {
    /// Whether to refresh now: the access token is within the reminder window (or over) and a
    /// refresh token still lives.
    pub fn refresh_due(&self, now: DateTime<Utc>) -> bool {
        self.access_expires_at - REMINDER_BEFORE <= now
            && self.refresh_expires_at.is_some_and(|end| end > now)
    }

    pub fn health(&self, now: DateTime<Utc>) -> TokenHealth {
        let expires_at = self.access_expires_at;
        if expires_at <= now {
            return TokenHealth::Expired {
                expired_at: expires_at,
            };
        }
        if expires_at - REMINDER_BEFORE <= now && !self.refresh_due(now) {
            // Rounded up: 1 day and 2 hours left reads "2 days".
            let left = expires_at - now;
            let days_left = (left.num_hours() + 23) / 24;
            return TokenHealth::ExpiresSoon {
                expires_at,
                days_left,
            };
        }
        TokenHealth::Active { expires_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000, 0).unwrap()
    }

    #[test]
    fn a_connection_without_refresh_token_reminds_a_week_before_it_ends() {
        let lifetimes = Lifetimes {
            access_expires_at: start() + Duration::days(60),
            refresh_expires_at: None,
        };
        let health = |day| lifetimes.health(start() + Duration::days(day));
        assert!(matches!(health(52), TokenHealth::Active { .. }));
        assert!(matches!(
            health(53),
            TokenHealth::ExpiresSoon { days_left: 7, .. }
        ));
        assert!(matches!(
            health(59),
            TokenHealth::ExpiresSoon { days_left: 1, .. }
        ));
        assert!(matches!(health(60), TokenHealth::Expired { .. }));
    }

    #[test]
    fn a_live_refresh_token_is_used_instead_of_a_reminder() {
        let lifetimes = Lifetimes {
            access_expires_at: start() + Duration::days(60),
            refresh_expires_at: Some(start() + Duration::days(365)),
        };
        assert!(!lifetimes.refresh_due(start() + Duration::days(52)));
        assert!(lifetimes.refresh_due(start() + Duration::days(54)));
        assert!(matches!(
            lifetimes.health(start() + Duration::days(54)),
            TokenHealth::Active { .. }
        ));
    }
}
