//! The pace and budgets hold over whole timelines of a simulated account (see `sim.rs`).

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::sim::{SimBackend, SimLinkedIn, Stop, run_paced, run_sync};
use super::*;
use crate::voyager::{QueryKind, VoyagerCall};

/// The most calls in any window of `window` ending at a call.
fn busiest(times: &[DateTime<Utc>], window: Duration) -> usize {
    times
        .iter()
        .map(|end| {
            times
                .iter()
                .filter(|t| **t > *end - window && *t <= end)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// The fewest requests a complete first sync can make with pages of 20: `/me`, the deletion
/// check, the inbox's list pages, one page each of the other folders (Other, Archived), and
/// per conversation ⌊messages / 20⌋ + 1 message pages.
fn fewest_requests(sizes: &[usize]) -> usize {
    let other_folders = SyncConfig::FOLDERS_SEEN_IN_MESSAGING.len() - 1;
    2 + sizes.len().div_ceil(20).max(1)
        + other_folders
        + sizes.iter().map(|m| m / 20 + 1).sum::<usize>()
}

#[test]
fn a_first_sync_asks_for_nothing_it_already_has() {
    let sizes: Vec<usize> = (0..45)
        .map(|i| [3, 45, 0, 120, 7, 21, 20, 40, 39][i % 9])
        .collect();
    // Distinct timestamps: where two share the instant at a page's edge, the first step back
    // re-reads one message to lose none (see `paging.rs`).
    let mut linkedin = SimLinkedIn::with_messages_per_second(&sizes, 1);
    let mut backend = SimBackend::default();
    let (_, report) = run_sync(
        &mut linkedin,
        &mut backend,
        SyncState::default(),
        SyncTrigger::Manual,
        None,
    );
    assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
    assert_eq!(linkedin.calls.len(), fewest_requests(&sizes));
    assert!(backend.stored.values().all(|&count| count == 1));
}

#[test]
fn every_conversation_and_its_latest_message_arrive_before_any_history() {
    let sizes = vec![60; 30];
    let mut linkedin = SimLinkedIn::new(&sizes);
    let mut backend = SimBackend::default();
    run_sync(
        &mut linkedin,
        &mut backend,
        SyncState::default(),
        SyncTrigger::Manual,
        // Batches of 4 conversations: 8 carry the two list pages.
        Some(Stop::AfterPushes(8)),
    );
    let latest: Vec<_> = linkedin
        .conversations
        .iter()
        .filter_map(|(_, messages)| messages.iter().max_by_key(|m| m.delivered_at))
        .map(|m| m.urn.clone())
        .collect();
    // `/me`, the deletion check, two list pages and the batches that carried them: no
    // message page yet.
    assert_eq!(backend.pushes, 8);
    assert!(latest.iter().all(|urn| backend.stored.contains_key(urn)));
    let message_pages = linkedin
        .calls
        .iter()
        .filter(|call| {
            call.query_kind().is_some_and(|kind| {
                kind != QueryKind::ConversationsByCategory
                    && kind != QueryKind::ConversationsBySyncToken
            })
        })
        .count();
    assert_eq!(message_pages, 0);
}

#[test]
fn a_spent_budget_ends_the_run_and_automatic_syncs_wait_until_it_frees() {
    let mut linkedin = SimLinkedIn::new(&vec![100; 40]);
    let mut backend = SimBackend::default();
    let (state, report) = run_paced(
        &mut linkedin,
        &mut backend,
        SyncState::default(),
        SyncTrigger::Manual,
        None,
        PacePreset::Standard,
    );
    let report = report.expect("the run ends by itself");
    assert_eq!(report.outcome, RunOutcome::Interrupted);
    let Some(StopReason::BudgetSpent { until }) = state.stop_reason().cloned() else {
        panic!("{:?}", state.stop_reason());
    };
    assert_eq!(report.requests_made, 120);
    let decision = decide_sync(
        &state,
        &ThrottlePolicy::default(),
        SyncTrigger::PageVisit,
        false,
        linkedin.clock,
    );
    assert_eq!(
        decision,
        SyncDecision::Skip {
            reason: SkipReason::BudgetSpent,
            next_at: Some(until)
        }
    );
    let after = decide_sync(
        &state,
        &ThrottlePolicy::default(),
        SyncTrigger::PageVisit,
        false,
        until,
    );
    assert_eq!(after, SyncDecision::Run);
}

fn list_calls(calls: &[VoyagerCall]) -> usize {
    calls
        .iter()
        .filter(|call| matches!(call, VoyagerCall::Conversations { .. }))
        .count()
}

#[test]
fn a_page_visit_back_for_older_history_soon_after_a_listing_lists_nothing_again() {
    // The first run lists everything, brings each newest page, and the budget ends it in the
    // older history.
    let mut linkedin = SimLinkedIn::new(&vec![100; 40]);
    let mut backend = SimBackend::default();
    let paced = |linkedin: &mut SimLinkedIn, backend: &mut SimBackend, state, trigger| {
        run_paced(
            linkedin,
            backend,
            state,
            trigger,
            None,
            PacePreset::Standard,
        )
    };
    let (state, _) = paced(
        &mut linkedin,
        &mut backend,
        SyncState::default(),
        SyncTrigger::Manual,
    );
    let Some(StopReason::BudgetSpent { until }) = state.stop_reason().cloned() else {
        panic!("{:?}", state.stop_reason());
    };
    assert!(state.has_pending_history() && !state.has_unfinished_pass());

    // The next page visit once the budget frees goes on with the history alone.
    linkedin.clock = until;
    linkedin.calls.clear();
    let (state, report) = paced(&mut linkedin, &mut backend, state, SyncTrigger::PageVisit);
    assert!(report.expect("ended").messages_processed > 0);
    assert_eq!(list_calls(&linkedin.calls), 0, "{:?}", linkedin.calls);
    assert!(!linkedin.calls.is_empty());

    // Sync Now lists whatever the time; so does a page visit once the listing is as old as
    // the automatic throttle.
    let Some(StopReason::BudgetSpent { until }) = state.stop_reason().cloned() else {
        panic!("{:?}", state.stop_reason());
    };
    linkedin.clock = until;
    linkedin.calls.clear();
    let (state, _) = paced(&mut linkedin, &mut backend, state, SyncTrigger::Manual);
    assert!(list_calls(&linkedin.calls) > 0);
    let later = SyncConfig::default().relist_after + Duration::minutes(1);
    linkedin.clock += later;
    linkedin.calls.clear();
    paced(&mut linkedin, &mut backend, state, SyncTrigger::PageVisit);
    assert!(list_calls(&linkedin.calls) > 0);
}

#[test]
fn a_security_checkpoint_pauses_every_sync_and_slows_the_pace_afterwards() {
    let mut linkedin = SimLinkedIn::new(&[30; 5]);
    linkedin
        .faults
        .push_back(crate::voyager::VoyagerFailure::Throttled {
            retry_after_secs: None,
            challenge: true,
        });
    let (state, report) = run_sync(
        &mut linkedin,
        &mut SimBackend::default(),
        SyncState::default(),
        SyncTrigger::Manual,
        None,
    );
    assert_eq!(report.expect("finished").outcome, RunOutcome::Interrupted);
    // Only `/me` and the call that met the checkpoint: never retried into it.
    assert_eq!(linkedin.calls.len(), 2);
    let day_later = linkedin.clock + Duration::hours(23);
    for trigger in [SyncTrigger::Manual, SyncTrigger::PageVisit] {
        let decision = decide_sync(&state, &ThrottlePolicy::default(), trigger, true, day_later);
        assert!(
            matches!(
                decision,
                SyncDecision::Skip {
                    reason: SkipReason::SecurityCheck,
                    ..
                }
            ),
            "{decision:?}"
        );
    }
    assert_eq!(
        state
            .pace()
            .preset_in_force(PacePreset::Faster, linkedin.clock + Duration::days(6)),
        PacePreset::Careful
    );
}

#[test]
fn history_the_data_export_covers_costs_no_request() {
    let sizes = vec![100; 10];
    let without = {
        let mut linkedin = SimLinkedIn::new(&sizes);
        run_sync(
            &mut linkedin,
            &mut SimBackend::default(),
            SyncState::default(),
            SyncTrigger::Manual,
            None,
        );
        linkedin.calls.len()
    };
    let mut linkedin = SimLinkedIn::new(&sizes);
    let imported: std::collections::BTreeSet<_> = linkedin.conversations[..6]
        .iter()
        .map(|(c, _)| c.urn.clone())
        .collect();
    let mut backend = SimBackend {
        imported,
        ..SimBackend::default()
    };
    let (state, report) = run_sync(
        &mut linkedin,
        &mut backend,
        SyncState::default(),
        SyncTrigger::Manual,
        None,
    );
    assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
    assert!(!state.has_pending_history());
    // A hundred messages are six pages: the five older ones of six conversations were not
    // asked for.
    assert_eq!(linkedin.calls.len(), without - 6 * 5);
    let (_, messages) = &linkedin.conversations[7];
    assert!(messages.iter().all(|m| backend.stored.contains_key(&m.urn)));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Over random accounts, page visits at random times and worker stops, at the default
    /// pace: no rolling hour or day holds more calls than its budget, no two calls come closer
    /// than the shortest gap, and every message arrives exactly once.
    #[test]
    fn budgets_and_gaps_hold_and_every_message_arrives_once(
        sizes in prop::collection::vec(0usize..100, 1..40),
        visits in prop::collection::vec((1i64..180, prop::option::of(1usize..60)), 40..80),
    ) {
        let policy = PacePreset::Standard.policy();
        let mut linkedin = SimLinkedIn::new(&sizes);
        let mut backend = SimBackend::default();
        let mut state = SyncState::default();
        let throttle = ThrottlePolicy::default();
        for (minutes, stop) in visits {
            linkedin.clock += Duration::minutes(minutes);
            if let SyncDecision::Skip { .. } =
                decide_sync(&state, &throttle, SyncTrigger::PageVisit, false, linkedin.clock)
            {
                continue;
            }
            let (saved, _) = run_paced(
                &mut linkedin,
                &mut backend,
                state,
                SyncTrigger::PageVisit,
                stop.map(Stop::AfterEffects),
                PacePreset::Standard,
            );
            state = saved;
        }
        // Whatever is left, Sync Now finishes over the following days.
        for _ in 0..60 {
            if !state.has_unfinished_pass() && !state.has_pending_history() && state.watermark().is_some() {
                break;
            }
            let resume = state.retry_after().unwrap_or(linkedin.clock).max(linkedin.clock);
            linkedin.clock = resume + Duration::minutes(1);
            state = run_paced(&mut linkedin, &mut backend, state, SyncTrigger::Manual, None, PacePreset::Standard).0;
        }
        for budget in &policy.budgets {
            prop_assert!(busiest(&linkedin.call_times, budget.window) <= budget.calls as usize);
        }
        let shortest = linkedin.call_times.windows(2).map(|pair| pair[1] - pair[0]).min();
        prop_assert!(shortest.is_none_or(|gap| gap >= policy.burst_gap.min), "{:?}", shortest);
        let stored: std::collections::BTreeSet<_> = backend.stored.keys().cloned().collect();
        prop_assert_eq!(stored, linkedin.all_messages());
        prop_assert!(backend.stored.values().all(|&count| count == 1));
    }
}
