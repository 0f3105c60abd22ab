use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::state::{StopReason, SyncState};
use super::trigger::SyncTrigger;

/// The user's settings for automatic syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottlePolicy {
    /// Minimum time between automatic syncs (default 2 hours).
    pub interval: Duration,
    /// No automatic syncs at all.
    pub paused: bool,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            interval: Duration::hours(2),
            paused: false,
        }
    }
}

/// Whether a trigger starts a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "decision",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SyncDecision {
    /// Start (or resume) a sync now.
    Run,
    /// Not now; `next_at` is the earliest time an automatic sync would run, when known.
    Skip {
        /// Why not, for the popup.
        reason: SkipReason,
        /// The earliest time an automatic sync would run; `None` when paused.
        next_at: Option<DateTime<Utc>>,
    },
}

/// Why a trigger did not start a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// The last sync completed less than the interval ago.
    RecentlySynced,
    /// The user paused automatic syncs.
    Paused,
    /// LinkedIn asked us to slow down.
    LinkedInBackoff,
    /// The call budget that keeps the account safe is spent until `next_at`.
    BudgetSpent,
    /// LinkedIn asked for a security check: no sync at all, not even Sync Now, until the
    /// cool-down ends.
    SecurityCheck,
}

/// Decides whether `trigger` starts a sync now. Sync Now always runs, as does a web UI request
/// with `force`; an unfinished pass resumes at any automatic trigger (only LinkedIn's backoff
/// holds it back); otherwise automatic syncs wait `interval` after the last completed one.
pub fn decide_sync(
    state: &SyncState,
    policy: &ThrottlePolicy,
    trigger: SyncTrigger,
    force: bool,
    now: DateTime<Utc>,
) -> SyncDecision {
    let retry_after = state.retry_after.filter(|until| *until > now);
    if let (Some(StopReason::LinkedInChallenge), Some(until)) = (&state.stop_reason, retry_after) {
        return SyncDecision::Skip {
            reason: SkipReason::SecurityCheck,
            next_at: Some(until),
        };
    }
    if trigger == SyncTrigger::Manual || force {
        return SyncDecision::Run;
    }
    if policy.paused {
        return SyncDecision::Skip {
            reason: SkipReason::Paused,
            next_at: None,
        };
    }
    if let Some(until) = retry_after {
        let reason = match state.stop_reason {
            Some(StopReason::BudgetSpent { .. }) => SkipReason::BudgetSpent,
            _ => SkipReason::LinkedInBackoff,
        };
        return SyncDecision::Skip {
            reason,
            next_at: Some(until),
        };
    }
    // Unfinished work resumes at any automatic trigger once LinkedIn and the budget allow, and
    // so does a sync that stopped for an expired session: the visit may come after a fresh
    // login (a run without cookies stops before calling LinkedIn).
    if state.pass.is_some()
        || state.has_pending_history()
        || state.stop_reason == Some(StopReason::LinkedInSessionExpired)
    {
        return SyncDecision::Run;
    }
    match next_automatic_sync(state, policy) {
        Some(next_at) if next_at > now => SyncDecision::Skip {
            reason: SkipReason::RecentlySynced,
            next_at: Some(next_at),
        },
        _ => SyncDecision::Run,
    }
}

/// The trigger and `force` a sync runs with. A trigger that collects a sync the web UI queued
/// runs as that request, with its `force`; Sync Now stays manual (it runs anyway).
pub fn with_queued_request(
    trigger: SyncTrigger,
    queued_force: Option<bool>,
) -> (SyncTrigger, bool) {
    match queued_force {
        Some(force) if trigger != SyncTrigger::Manual => (SyncTrigger::Requested, force),
        _ => (trigger, false),
    }
}

/// The earliest time the next page visit will sync, for the popup (`None`: the next one will).
pub fn next_automatic_sync(state: &SyncState, policy: &ThrottlePolicy) -> Option<DateTime<Utc>> {
    if state.pass.is_some() || state.has_pending_history() {
        return state.retry_after;
    }
    let after_interval = state.last_completed_at.map(|at| at + policy.interval);
    after_interval.max(state.retry_after)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::sync::state::Pass;

    fn at(minutes: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_760_000_000, 0).single().expect("valid") + Duration::minutes(minutes)
    }

    fn synced_at(minutes: i64) -> SyncState {
        SyncState {
            last_completed_at: Some(at(minutes)),
            ..SyncState::default()
        }
    }

    #[test]
    fn a_page_visit_within_two_hours_of_a_completed_sync_is_skipped() {
        let decision = decide_sync(
            &synced_at(0),
            &ThrottlePolicy::default(),
            SyncTrigger::PageVisit,
            false,
            at(119),
        );
        assert_eq!(
            decision,
            SyncDecision::Skip {
                reason: SkipReason::RecentlySynced,
                next_at: Some(at(120))
            }
        );
    }

    #[test]
    fn a_page_visit_two_hours_after_the_last_sync_runs() {
        let decision = decide_sync(
            &synced_at(0),
            &ThrottlePolicy::default(),
            SyncTrigger::PageVisit,
            false,
            at(120),
        );
        assert_eq!(decision, SyncDecision::Run);
    }

    #[test]
    fn sync_now_ignores_the_throttle_the_pause_and_the_backoff() {
        let state = SyncState {
            retry_after: Some(at(30)),
            ..synced_at(0)
        };
        let policy = ThrottlePolicy {
            paused: true,
            ..ThrottlePolicy::default()
        };
        assert_eq!(
            decide_sync(&state, &policy, SyncTrigger::Manual, false, at(1)),
            SyncDecision::Run
        );
    }

    #[test]
    fn a_forced_request_from_the_web_ui_runs_and_an_unforced_one_waits() {
        let policy = ThrottlePolicy::default();
        assert_eq!(
            decide_sync(&synced_at(0), &policy, SyncTrigger::Requested, true, at(5)),
            SyncDecision::Run
        );
        assert!(matches!(
            decide_sync(&synced_at(0), &policy, SyncTrigger::Requested, false, at(5)),
            SyncDecision::Skip {
                reason: SkipReason::RecentlySynced,
                ..
            }
        ));
    }

    #[test]
    fn an_interrupted_pass_resumes_at_the_next_visit_unless_linkedin_asked_to_wait() {
        let mut state = synced_at(0);
        state.pass = Some(Pass::begin(SyncTrigger::Manual, None, &[], at(1)));
        let policy = ThrottlePolicy::default();
        assert_eq!(
            decide_sync(&state, &policy, SyncTrigger::PageVisit, false, at(2)),
            SyncDecision::Run
        );
        state.retry_after = Some(at(20));
        assert_eq!(
            decide_sync(&state, &policy, SyncTrigger::PageVisit, false, at(2)),
            SyncDecision::Skip {
                reason: SkipReason::LinkedInBackoff,
                next_at: Some(at(20))
            }
        );
    }

    #[test]
    fn a_paused_extension_does_not_sync_on_page_visits() {
        let policy = ThrottlePolicy {
            paused: true,
            ..ThrottlePolicy::default()
        };
        let decision = decide_sync(
            &SyncState::default(),
            &policy,
            SyncTrigger::PageVisit,
            false,
            at(0),
        );
        assert_eq!(
            decision,
            SyncDecision::Skip {
                reason: SkipReason::Paused,
                next_at: None
            }
        );
    }

    #[test]
    fn the_interval_is_configurable() {
        let policy = ThrottlePolicy {
            interval: Duration::minutes(15),
            paused: false,
        };
        assert_eq!(
            decide_sync(
                &synced_at(0),
                &policy,
                SyncTrigger::PageVisit,
                false,
                at(15)
            ),
            SyncDecision::Run
        );
    }

    #[test]
    fn a_page_visit_that_collects_a_queued_request_runs_as_that_request() {
        assert_eq!(
            with_queued_request(SyncTrigger::PageVisit, Some(true)),
            (SyncTrigger::Requested, true)
        );
        assert_eq!(
            with_queued_request(SyncTrigger::PageVisit, Some(false)),
            (SyncTrigger::Requested, false)
        );
        assert_eq!(
            with_queued_request(SyncTrigger::PageVisit, None),
            (SyncTrigger::PageVisit, false)
        );
    }

    #[test]
    fn sync_now_stays_manual_when_it_collects_a_queued_request() {
        assert_eq!(
            with_queued_request(SyncTrigger::Manual, Some(true)),
            (SyncTrigger::Manual, false)
        );
    }

    #[test]
    fn a_page_visit_after_an_expired_session_syncs_whatever_the_throttle() {
        let state = SyncState {
            stop_reason: Some(StopReason::LinkedInSessionExpired),
            ..synced_at(0)
        };
        let decision = decide_sync(
            &state,
            &ThrottlePolicy::default(),
            SyncTrigger::PageVisit,
            false,
            at(10),
        );
        assert_eq!(decision, SyncDecision::Run);
    }
}
