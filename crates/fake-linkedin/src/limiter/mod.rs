//! The limiter over the member's calls: LinkedIn's punishments for a session that calls too much
//! (DESIGN.md §5, linkedin-limits.md §1), in the order a client meets them.
//!
//! A call over a sliding-window limit gets 429 with `Retry-After`. A call made before that moment
//! is a strike; the strike after the allowed ones gets a security checkpoint, and a call after a
//! checkpoint (which a client must never retry) revokes the session. Every call counts towards
//! the windows, refused ones too: LinkedIn sees them all.

mod clock;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;

pub use clock::{LimiterClock, ManualClock};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

/// How much the member may call before the limiter punishes.
///
/// LinkedIn publishes no number for reads through its web client, so [`Limits::default`] is
/// built from what linkedin-limits.md gathered:
/// - `per_hour` 900: the one volume reported to end in a challenge is ~900 requests within an
///   hour (tomquirk/linkedin-api's README).
/// - `per_minute` 100: one profile page load of LinkedIn's own web client makes ~47 Voyager
///   calls, so a person opening two pages in a minute passes; a script calling without pauses
///   does not.
/// - `strikes` 3: nothing says how many calls LinkedIn lets a session make after a 429; a few
///   let requests already under way land, and a client that keeps going meets the checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Calls allowed in any 60 seconds (0 counts as 1).
    pub per_minute: u32,
    /// Calls allowed in any hour (0 counts as 1).
    pub per_hour: u32,
    /// Calls made while limited (before the `Retry-After` moment) that still get a 429; the next
    /// one gets the checkpoint.
    pub strikes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_minute: 100,
            per_hour: 900,
            strikes: 3,
        }
    }
}

/// How the limiter refused a call; the request log carries it on the call's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum LimiterEvent {
    /// Over a limit: 429 with `Retry-After`.
    TooManyRequests {
        /// Seconds until a call would be answered.
        retry_after_secs: u64,
    },
    /// Over a limit again before the `Retry-After` moment: another 429.
    Strike {
        /// Seconds until a call would be answered.
        retry_after_secs: u64,
    },
    /// One strike too many: a security checkpoint page.
    Checkpoint,
    /// A call after the checkpoint: the session is revoked (401 from now on).
    SessionRevoked,
}

/// What the limiter has seen since it was turned on (all zero while it is off).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LimiterState {
    /// Whether the limiter is on.
    pub enabled: bool,
    /// Its limits, while on.
    pub limits: Option<Limits>,
    /// The member's calls counted.
    pub calls: u64,
    /// Calls made while limited.
    pub strikes: u32,
    /// Whether a checkpoint was served.
    pub checkpoint_served: bool,
    /// Whether the limiter revoked the session.
    pub session_revoked: bool,
    /// The most calls in any 60 seconds.
    pub most_calls_in_a_minute: usize,
    /// The most calls in any hour.
    pub most_calls_in_an_hour: usize,
}

/// The limiter, turned on with its limits and clock.
#[derive(Debug)]
pub struct Limiter {
    limits: Limits,
    clock: LimiterClock,
    origin: Instant,
    /// When each call of the last hour arrived, on `clock`, oldest first.
    recent: VecDeque<Duration>,
    /// The moment the last 429 named in its `Retry-After`.
    limited_until: Option<Duration>,
    state: LimiterState,
}

impl Limiter {
    /// A limiter that has seen no call yet.
    pub fn new(limits: Limits, clock: LimiterClock) -> Self {
        Self {
            limits,
            clock,
            origin: Instant::now(),
            recent: VecDeque::new(),
            limited_until: None,
            state: LimiterState {
                enabled: true,
                limits: Some(limits),
                ..LimiterState::default()
            },
        }
    }

    /// What it has seen.
    pub fn state(&self) -> LimiterState {
        self.state.clone()
    }

    /// Counts a member's call arriving now: `None` lets it be answered, an event says how it
    /// is refused.
    pub fn call(&mut self) -> Option<LimiterEvent> {
        let now = self.clock.since(self.origin);
        self.record(now);
        // A checkpoint is to be cleared by the member in a tab, never retried
        // (linkedin-limits.md §5): a client calling on after one costs the session.
        if self.state.checkpoint_served {
            self.state.session_revoked = true;
            return Some(LimiterEvent::SessionRevoked);
        }
        let wait = self.wait(now)?;
        // Calling before the moment the last 429 named is ignoring it.
        let strike = self.limited_until.is_some_and(|until| now < until);
        self.limited_until = Some(now + wait);
        let retry_after_secs = whole_seconds(wait);
        if !strike {
            return Some(LimiterEvent::TooManyRequests { retry_after_secs });
        }
        self.state.strikes += 1;
        if self.state.strikes > self.limits.strikes {
            self.state.checkpoint_served = true;
            return Some(LimiterEvent::Checkpoint);
        }
        Some(LimiterEvent::Strike { retry_after_secs })
    }

    fn record(&mut self, now: Duration) {
        while self.recent.front().is_some_and(|&at| at + HOUR <= now) {
            self.recent.pop_front();
        }
        self.recent.push_back(now);
        let (in_a_minute, in_an_hour) = (self.count(now, MINUTE), self.recent.len());
        let state = &mut self.state;
        state.calls += 1;
        state.most_calls_in_a_minute = state.most_calls_in_a_minute.max(in_a_minute);
        state.most_calls_in_an_hour = state.most_calls_in_an_hour.max(in_an_hour);
    }

    /// How many of the recent calls arrived in the `length` up to `now`.
    fn count(&self, now: Duration, length: Duration) -> usize {
        self.recent.len() - self.first_within(now, length)
    }

    /// The index of the first recent call in the `length` up to `now`.
    fn first_within(&self, now: Duration, length: Duration) -> usize {
        self.recent.partition_point(|&at| at + length <= now)
    }

    /// When the call just recorded is over a limit: how long until a call would be answered,
    /// which is when every full window has let enough calls go.
    fn wait(&self, now: Duration) -> Option<Duration> {
        let windows = [
            (MINUTE, self.limits.per_minute),
            (HOUR, self.limits.per_hour),
        ]
        // A limit of 0 would refuse every call for ever.
        .map(|(length, limit)| (length, usize::try_from(limit.max(1)).unwrap_or(usize::MAX)));
        let over = windows
            .iter()
            .any(|&(length, limit)| self.count(now, length) > limit);
        if !over {
            return None;
        }
        windows
            .iter()
            .filter_map(|&(length, limit)| {
                let first = self.first_within(now, length);
                let count = self.recent.len() - first;
                // The window has room again once its oldest `count - limit + 1` calls are out.
                (count >= limit).then(|| self.recent[first + count - limit] + length - now)
            })
            .max()
    }
}

/// A `Retry-After` in whole seconds, rounded up so a client that honours it is not early.
fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}
