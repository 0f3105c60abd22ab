//! What the popup shows, derived from what is stored. Pure, so every state is tested natively.

use chrono::{DateTime, Utc};
use ping_core::sync::{Lane, PacePreset, Progress, StopReason, SyncState};
use ping_protocol::api::{ExtensionToken, PairingCodeResponse, RunReport};
use ping_protocol::worker::{BudgetView, HistoryView, PopupState};

/// Everything the popup state depends on, as read from storage.
pub struct Facts<'a> {
    pub token: Option<&'a ExtensionToken>,
    /// The backend refused the last token (expired or revoked).
    pub pairing_expired: bool,
    /// The code this browser asked for, while it is waiting to be entered in the web UI.
    pub attempt: Option<&'a PairingCodeResponse>,
    /// Progress of a sync that holds a live lease.
    pub running: Option<Progress>,
    pub sync: &'a SyncState,
    pub last_run: Option<&'a RunReport>,
    /// Why the backend could not be reached at the last contact.
    pub backend_problem: Option<&'a str>,
    /// From the throttle: when the next page visit will sync (`None`: the next one will).
    pub next_automatic_sync_at: Option<DateTime<Utc>>,
    /// The pace the user chose.
    pub pace: PacePreset,
    pub now: DateTime<Utc>,
}

/// The one state to show; the most urgent thing the user can act on wins.
pub fn popup_state(facts: &Facts<'_>) -> PopupState {
    let live_attempt = facts
        .attempt
        .filter(|attempt| attempt.expires_at > facts.now);
    let code = live_attempt.map(|attempt| attempt.code.clone());
    let expires_at = live_attempt.map(|attempt| attempt.expires_at);
    if facts.token.is_none() {
        return if facts.pairing_expired {
            PopupState::PairingExpired { code, expires_at }
        } else {
            PopupState::Unpaired { code, expires_at }
        };
    }
    if let Some(progress) = facts.running {
        return PopupState::Syncing {
            conversations: progress.conversations,
            messages: progress.messages,
            attachments: progress.attachments,
            started_at: progress.started_at,
            history: history(facts.sync),
            budget: budget(facts),
        };
    }
    if let (Some(StopReason::LinkedInChallenge), Some(until)) =
        (facts.sync.stop_reason(), facts.sync.retry_after())
        && until > facts.now
    {
        return PopupState::SecurityCheck { until };
    }
    if let Some(detail) = facts.backend_problem {
        return PopupState::BackendUnreachable {
            detail: detail.to_owned(),
        };
    }
    match facts.sync.stop_reason() {
        Some(StopReason::LinkedInSessionExpired) => {
            return PopupState::LinkedInSessionExpired {
                after_pushback: facts.sync.pace().pushed_back(facts.now),
            };
        }
        Some(StopReason::LinkedInThrottled { until }) if *until > facts.now => {
            return PopupState::ThrottledByLinkedIn { retry_at: *until };
        }
        Some(StopReason::BackendUnreachable { detail }) => {
            return PopupState::BackendUnreachable {
                detail: detail.clone(),
            };
        }
        Some(StopReason::PairingRejected) => {
            return PopupState::PairingExpired { code, expires_at };
        }
        // Challenges, API changes and other failures are explained by the last run's errors.
        _ => {}
    }
    PopupState::Connected {
        account_name: facts.sync.account().map(|account| {
            format!("{} {}", account.first_name, account.last_name)
                .trim()
                .to_owned()
        }),
        last_run: facts.last_run.cloned(),
        next_automatic_sync_at: facts.next_automatic_sync_at,
        history: history(facts.sync),
        budget: budget(facts),
    }
}

/// History progress while older messages are still coming.
fn history(sync: &SyncState) -> Option<HistoryView> {
    if !sync.has_pending_history() && !sync.has_unfinished_pass() {
        return None;
    }
    let progress = sync.history_progress();
    Some(HistoryView {
        complete: u32::try_from(progress.complete).unwrap_or(u32::MAX),
        known: u32::try_from(progress.known).unwrap_or(u32::MAX),
    })
}

/// Calls made within the shortest and the longest budget window of the pace in force.
fn budget(facts: &Facts<'_>) -> BudgetView {
    let pace = facts.sync.pace().preset_in_force(facts.pace, facts.now);
    let policy = pace.policy();
    let shortest = policy.budgets.iter().min_by_key(|budget| budget.window);
    let longest = policy.budgets.iter().max_by_key(|budget| budget.window);
    let used = |window| {
        let calls = facts
            .sync
            .pace()
            .calls_within(Lane::Messaging, window, facts.now);
        u32::try_from(calls).unwrap_or(u32::MAX)
    };
    BudgetView {
        pace,
        this_hour: shortest.map_or(0, |budget| used(budget.window)),
        hourly: shortest.map_or(0, |budget| budget.calls),
        today: longest.map_or(0, |budget| used(budget.window)),
        daily: longest.map_or(0, |budget| budget.calls),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.timestamp_opt(1_760_000_000, 0).single().expect("valid")
    }

    fn token() -> ExtensionToken {
        ExtensionToken {
            token: "t".to_owned(),
            expires_at: now() + Duration::days(30),
        }
    }

    fn attempt(expires_in: Duration) -> PairingCodeResponse {
        PairingCodeResponse {
            code: "PING-X7K3M2".to_owned(),
            poll_secret: "s".to_owned(),
            expires_at: now() + expires_in,
        }
    }

    fn facts<'a>(token: Option<&'a ExtensionToken>, sync: &'a SyncState) -> Facts<'a> {
        Facts {
            token,
            pairing_expired: false,
            attempt: None,
            running: None,
            sync,
            last_run: None,
            backend_problem: None,
            next_automatic_sync_at: None,
            pace: PacePreset::Standard,
            now: now(),
        }
    }

    fn unused_budget() -> BudgetView {
        BudgetView {
            pace: PacePreset::Standard,
            this_hour: 0,
            hourly: 120,
            today: 0,
            daily: 600,
        }
    }

    #[test]
    fn without_a_token_the_popup_shows_the_live_code() {
        let sync = SyncState::default();
        let waiting = attempt(Duration::minutes(5));
        let state = popup_state(&Facts {
            attempt: Some(&waiting),
            ..facts(None, &sync)
        });
        assert_eq!(
            state,
            PopupState::Unpaired {
                code: Some("PING-X7K3M2".to_owned()),
                expires_at: Some(now() + Duration::minutes(5))
            }
        );
    }

    #[test]
    fn an_expired_code_is_not_shown() {
        let sync = SyncState::default();
        let old = attempt(Duration::seconds(-1));
        let state = popup_state(&Facts {
            attempt: Some(&old),
            ..facts(None, &sync)
        });
        assert_eq!(
            state,
            PopupState::Unpaired {
                code: None,
                expires_at: None
            }
        );
    }

    #[test]
    fn a_rejected_token_asks_for_pairing_again() {
        let sync = SyncState::default();
        let state = popup_state(&Facts {
            pairing_expired: true,
            ..facts(None, &sync)
        });
        assert_eq!(
            state,
            PopupState::PairingExpired {
                code: None,
                expires_at: None
            }
        );
    }

    #[test]
    fn a_running_sync_shows_its_progress() {
        let sync = SyncState::default();
        let token = token();
        let progress = Progress {
            started_at: now(),
            conversations: 3,
            messages: 40,
            attachments: 2,
        };
        let state = popup_state(&Facts {
            running: Some(progress),
            backend_problem: Some("down"),
            ..facts(Some(&token), &sync)
        });
        assert_eq!(
            state,
            PopupState::Syncing {
                conversations: 3,
                messages: 40,
                attachments: 2,
                started_at: now(),
                history: None,
                budget: unused_budget(),
            }
        );
    }

    #[test]
    fn an_unreachable_backend_is_reported() {
        let sync = SyncState::default();
        let token = token();
        let state = popup_state(&Facts {
            backend_problem: Some("connection refused"),
            ..facts(Some(&token), &sync)
        });
        assert_eq!(
            state,
            PopupState::BackendUnreachable {
                detail: "connection refused".to_owned()
            }
        );
    }

    fn stopped(reason: serde_json::Value) -> SyncState {
        serde_json::from_value(serde_json::json!({ "stopReason": reason, "syncedThrough": {} }))
            .expect("a sync state")
    }

    #[test]
    fn a_lost_linkedin_session_asks_for_a_login() {
        let sync = stopped(serde_json::json!({"reason": "linkedInSessionExpired"}));
        let token = token();
        assert_eq!(
            popup_state(&facts(Some(&token), &sync)),
            PopupState::LinkedInSessionExpired {
                after_pushback: false
            }
        );
    }

    #[test]
    fn linkedin_throttling_shows_until_it_is_over() {
        let until = now() + Duration::minutes(30);
        let sync = stopped(serde_json::json!({"reason": "linkedInThrottled", "until": until}));
        let token = token();
        assert_eq!(
            popup_state(&facts(Some(&token), &sync)),
            PopupState::ThrottledByLinkedIn { retry_at: until }
        );
        let later = Facts {
            now: until + Duration::seconds(1),
            ..facts(Some(&token), &sync)
        };
        assert!(matches!(popup_state(&later), PopupState::Connected { .. }));
    }

    #[test]
    fn a_paired_idle_browser_is_connected() {
        let sync = SyncState::default();
        let token = token();
        let next = now() + Duration::hours(2);
        let state = popup_state(&Facts {
            next_automatic_sync_at: Some(next),
            ..facts(Some(&token), &sync)
        });
        assert_eq!(
            state,
            PopupState::Connected {
                account_name: None,
                last_run: None,
                next_automatic_sync_at: Some(next),
                history: None,
                budget: unused_budget(),
            }
        );
    }

    #[test]
    fn a_security_check_blocks_syncing_until_its_cool_down_ends() {
        let until = now() + Duration::hours(24);
        let sync: SyncState = serde_json::from_value(serde_json::json!({
            "stopReason": {"reason": "linkedInChallenge"},
            "retryAfter": until,
            "syncedThrough": {}
        }))
        .expect("a sync state");
        let token = token();
        assert_eq!(
            popup_state(&facts(Some(&token), &sync)),
            PopupState::SecurityCheck { until }
        );
        let later = Facts {
            now: until + Duration::seconds(1),
            ..facts(Some(&token), &sync)
        };
        assert!(matches!(popup_state(&later), PopupState::Connected { .. }));
    }
}
