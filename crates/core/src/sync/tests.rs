//! The planner against a simulated LinkedIn and backend (see `sim.rs`).

use chrono::Duration;
use proptest::prelude::*;

use super::sim::{SimBackend, SimLinkedIn, Stop, run_sync};
use super::*;
use crate::ids::SessionFingerprint;
use crate::model::ConversationFolder;
use crate::voyager::{
    MessagesQuery, QueryIdRegistry, QueryKind, VoyagerCall, VoyagerFailure, WorkingQueryIds,
};

fn sizes() -> Vec<usize> {
    // 45 conversations: three list pages; sizes from empty to several message pages.
    (0..45).map(|i| [3, 45, 0, 120, 7, 21][i % 6]).collect()
}

/// Pages of the conversation list asked for (the deletion check aside).
fn list_page_calls(linkedin: &SimLinkedIn) -> usize {
    linkedin
        .calls
        .iter()
        .filter(|call| call.query_kind() == Some(QueryKind::ConversationsByCategory))
        .count()
}

/// Sync-token calls, which ask for conversations deleted since the last complete pass.
fn deletion_checks(linkedin: &SimLinkedIn) -> usize {
    linkedin
        .calls
        .iter()
        .filter(|call| call.query_kind() == Some(QueryKind::ConversationsBySyncToken))
        .count()
}

fn first_sync() -> (SimLinkedIn, SimBackend, SyncState) {
    let mut linkedin = SimLinkedIn::new(&sizes());
    let mut backend = SimBackend::default();
    let (state, report) = run_sync(
        &mut linkedin,
        &mut backend,
        SyncState::default(),
        SyncTrigger::PageVisit,
        None,
    );
    let report = report.expect("finished");
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    (linkedin, backend, state)
}

/// A page visit's sync, run to its end.
fn visit(
    linkedin: &mut SimLinkedIn,
    backend: &mut SimBackend,
    state: SyncState,
) -> (SyncState, Option<RunReport>) {
    run_sync(linkedin, backend, state, SyncTrigger::PageVisit, None)
}

/// Sync Now until a run completes (at most ten runs); the state and whether one completed.
fn sync_until_complete(
    linkedin: &mut SimLinkedIn,
    backend: &mut SimBackend,
    mut state: SyncState,
) -> (SyncState, bool) {
    for _ in 0..10 {
        let (saved, finished) = run_sync(linkedin, backend, state, SyncTrigger::Manual, None);
        state = saved;
        if finished.is_some_and(|report| report.outcome == RunOutcome::Completed) {
            return (state, true);
        }
    }
    (state, false)
}

/// Every conversation at or below the watermark, and every message at or below its
/// conversation's synced-through mark, is stored, except older history the state says is still
/// to come: the state never claims more than was pushed.
fn assert_state_claims_only_stored(
    state: &SyncState,
    linkedin: &SimLinkedIn,
    backend: &SimBackend,
) {
    for (conversation, messages) in &linkedin.conversations {
        let through = state.synced_through.get(&conversation.urn).copied();
        let below_watermark = state
            .watermark
            .is_some_and(|w| conversation.last_activity_at <= w);
        let still_to_come = |message: &crate::model::Message| {
            state.history.get(&conversation.urn).is_some_and(|gap| {
                let MessagesQuery::Before(anchor) = gap.next else {
                    return true;
                };
                message.delivered_at < anchor && !gap.taken_at_anchor.contains(&message.urn)
            })
        };
        for message in messages {
            let claimed = (below_watermark || through.is_some_and(|t| message.delivered_at <= t))
                && !still_to_come(message);
            if claimed {
                assert!(
                    backend.stored.contains_key(&message.urn),
                    "claimed but never pushed: {}",
                    message.urn
                );
            }
        }
    }
}

#[test]
fn the_first_sync_pushes_every_message_exactly_once() {
    let (linkedin, backend, state) = first_sync();
    assert_eq!(
        backend
            .stored
            .keys()
            .cloned()
            .collect::<std::collections::BTreeSet<_>>(),
        linkedin.all_messages()
    );
    assert!(backend.stored.values().all(|&count| count == 1));
    // The inbox's three pages, and one page of each other folder, which repeats what the inbox
    // listed where LinkedIn ignores the category asked for.
    assert_eq!(list_page_calls(&linkedin), 3 + 2);
    assert_eq!(deletion_checks(&linkedin), 1);
    assert_eq!(
        state.watermark(),
        Some(linkedin.conversations[0].0.last_activity_at)
    );
    assert!(!state.has_unfinished_pass());
}

#[test]
fn batches_stay_within_their_bounds() {
    let (linkedin, backend, _) = first_sync();
    // The simulated run sends a batch once it holds 25 messages or 4 conversations; one more
    // page (20 messages) or the conversation being paged may come on top.
    assert!(
        backend.largest_batch.0 <= 25 + 20,
        "{:?}",
        backend.largest_batch
    );
    assert!(
        backend.largest_batch.1 <= 4 + 1,
        "{:?}",
        backend.largest_batch
    );
    assert!(backend.pushes as usize > linkedin.all_messages().len() / 45);
}

#[test]
fn a_second_sync_with_no_new_activity_asks_for_deletions_and_one_page_per_folder() {
    let (mut linkedin, mut backend, state) = first_sync();
    linkedin.calls.clear();
    linkedin.clock += Duration::hours(2);
    let (_, report) = visit(&mut linkedin, &mut backend, state);
    // The browser's session is the one `/me` answered for: no `/me`.
    assert_eq!(linkedin.calls.len(), 4, "{:?}", linkedin.calls);
    assert!(!linkedin.calls.contains(&VoyagerCall::Me));
    assert_eq!(deletion_checks(&linkedin), 1);
    assert_eq!(list_page_calls(&linkedin), 3);
    assert_eq!(report.expect("finished").messages_processed, 0);
}

#[test]
fn new_messages_in_three_conversations_are_the_only_ones_fetched() {
    let (mut linkedin, mut backend, state) = first_sync();
    for index in [2, 17, 40] {
        linkedin.add_messages(index, 3);
    }
    linkedin.calls.clear();
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    let fetched: std::collections::BTreeSet<_> = linkedin
        .calls
        .iter()
        .filter_map(|call| match call {
            VoyagerCall::Messages { conversation, .. } => Some(conversation.clone()),
            _ => None,
        })
        .collect();
    let expected: std::collections::BTreeSet<_> = [2, 17, 40]
        .iter()
        .map(|&i| linkedin.conversations[i].0.urn.clone())
        .collect();
    assert_eq!(fetched, expected);
    assert_eq!(report.expect("finished").messages_processed, 9);
    assert_eq!(backend.stored.len(), linkedin.all_messages().len());
    assert_state_claims_only_stored(&state, &linkedin, &backend);
}

#[test]
fn conversations_deleted_on_linkedin_are_reported_once_at_the_next_sync() {
    let (mut linkedin, mut backend, state) = first_sync();
    let gone: std::collections::BTreeSet<_> = [10, 3]
        .into_iter()
        .map(|index| {
            let urn = linkedin.conversations[index].0.urn.clone();
            linkedin.delete_conversation(index);
            urn
        })
        .collect();
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
    assert_eq!(backend.deleted, gone);

    backend.deleted.clear();
    let (_, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
    assert!(backend.deleted.is_empty(), "{:?}", backend.deleted);
}

#[test]
fn a_new_linkedin_session_is_asked_who_it_is() {
    let (mut linkedin, mut backend, state) = first_sync();
    linkedin.calls.clear();
    linkedin.clock += Duration::hours(2);
    linkedin.session = SessionFingerprint::parse("session-2").expect("a fingerprint");
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
    assert_eq!(linkedin.calls[0], VoyagerCall::Me);

    // Once answered, that session is known too.
    linkedin.calls.clear();
    linkedin.clock += Duration::hours(2);
    visit(&mut linkedin, &mut backend, state);
    assert!(
        !linkedin.calls.contains(&VoyagerCall::Me),
        "{:?}",
        linkedin.calls
    );
}

#[test]
fn after_linkedin_ends_the_session_the_next_sync_asks_who_is_logged_in() {
    let (mut linkedin, mut backend, state) = first_sync();
    linkedin.clock += Duration::hours(2);
    linkedin.faults.push_back(VoyagerFailure::SessionExpired);
    let (state, _) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(
        state.stop_reason(),
        Some(&StopReason::LinkedInSessionExpired)
    );

    // The same cookie may come back (LinkedIn's hiccup, or a stale jar): LinkedIn says.
    linkedin.calls.clear();
    linkedin.clock += Duration::hours(2);
    let (_, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
    assert_eq!(linkedin.calls[0], VoyagerCall::Me);
}

#[test]
fn a_refused_sync_token_costs_the_deletions_not_the_sync() {
    let (mut linkedin, mut backend, state) = first_sync();
    linkedin.delete_conversation(5);
    linkedin.add_messages(0, 2);
    linkedin.faults.push_back(VoyagerFailure::Fatal {
        status: 400,
        detail: "bad syncToken".into(),
    });
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    let report = report.expect("finished");
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(report.messages_processed, 2);
    assert!(
        report
            .errors
            .iter()
            .any(|error| error.contains("deleted conversations")),
        "{:?}",
        report.errors
    );
    assert!(backend.deleted.is_empty());

    // The next pass starts over with a fresh token, and later deletions are reported again.
    linkedin.calls.clear();
    let (state, _) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(
        linkedin.calls[0],
        VoyagerCall::Conversations {
            query: crate::voyager::ConversationsQuery::SyncToken(None),
            folder: ConversationFolder::Inbox,
        }
    );
    let urn = linkedin.conversations[7].0.urn.clone();
    linkedin.delete_conversation(7);
    visit(&mut linkedin, &mut backend, state);
    assert_eq!(backend.deleted, [urn].into_iter().collect());
}

#[test]
fn a_sync_stopped_after_every_batch_resumes_from_its_checkpoint() {
    for stop_after in [1, 2, 3] {
        let mut linkedin = SimLinkedIn::new(&sizes());
        let mut backend = SimBackend::default();
        let mut state = SyncState::default();
        let mut runs = 0;
        loop {
            runs += 1;
            assert!(
                runs < 500,
                "no progress when stopping after {stop_after} steps"
            );
            let (saved, report) = run_sync(
                &mut linkedin,
                &mut backend,
                state,
                SyncTrigger::PageVisit,
                Some(Stop::AfterPushes(stop_after)),
            );
            assert_state_claims_only_stored(&saved, &linkedin, &backend);
            state = saved;
            if report.is_some() {
                break;
            }
        }
        assert_eq!(
            backend.stored.len(),
            linkedin.all_messages().len(),
            "stopping after {stop_after}"
        );
        assert!(runs > 10, "the sync was interrupted only {runs} times");
        assert!(state.watermark().is_some());
    }
}

#[test]
fn throttled_requests_are_waited_out_and_the_sync_finishes() {
    let mut linkedin = SimLinkedIn::new(&[30, 5]);
    linkedin.faults.extend([
        VoyagerFailure::Throttled {
            retry_after_secs: Some(10),
            challenge: false,
        },
        VoyagerFailure::Throttled {
            retry_after_secs: None,
            challenge: false,
        },
    ]);
    let started = linkedin.clock;
    let (state, report) = run_sync(
        &mut linkedin,
        &mut SimBackend::default(),
        SyncState::default(),
        SyncTrigger::Manual,
        None,
    );
    assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
    assert!(
        linkedin.clock >= started + Duration::seconds(15),
        "waited {:?}",
        linkedin.clock - started
    );
    assert!(state.stop_reason().is_none());
}

#[test]
fn a_long_retry_after_ends_the_run_and_the_next_one_resumes() {
    let mut linkedin = SimLinkedIn::new(&sizes());
    let mut backend = SimBackend::default();
    let (state, _) = run_sync(
        &mut linkedin,
        &mut backend,
        SyncState::default(),
        SyncTrigger::Manual,
        Some(Stop::AfterPushes(3)),
    );
    linkedin.faults.push_back(VoyagerFailure::Throttled {
        retry_after_secs: Some(3600),
        challenge: false,
    });
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    let report = report.expect("finished");
    assert_eq!(report.outcome, RunOutcome::Interrupted);
    assert!(
        report.errors[0].contains("limiting requests"),
        "{:?}",
        report.errors
    );
    assert_eq!(
        state.retry_after(),
        Some(linkedin.clock + Duration::hours(1))
    );
    assert!(matches!(
        state.stop_reason(),
        Some(StopReason::LinkedInThrottled { .. })
    ));
    assert!(state.has_unfinished_pass());
    let decision = decide_sync(
        &state,
        &ThrottlePolicy::default(),
        SyncTrigger::PageVisit,
        false,
        linkedin.clock,
    );
    assert!(matches!(
        decision,
        SyncDecision::Skip {
            reason: SkipReason::LinkedInBackoff,
            ..
        }
    ));

    linkedin.clock += Duration::hours(1);
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.expect("finished").outcome, RunOutcome::Completed);
    assert_eq!(backend.stored.len(), linkedin.all_messages().len());
    assert!(state.retry_after().is_none() && state.stop_reason().is_none());
}

#[test]
fn an_expired_linkedin_session_stops_the_run_and_says_so() {
    let mut linkedin = SimLinkedIn::new(&[2]);
    linkedin.faults.push_back(VoyagerFailure::SessionExpired);
    let (state, report) = run_sync(
        &mut linkedin,
        &mut SimBackend::default(),
        SyncState::default(),
        SyncTrigger::PageVisit,
        None,
    );
    assert_eq!(report.expect("finished").outcome, RunOutcome::Failed);
    assert_eq!(
        state.stop_reason(),
        Some(&StopReason::LinkedInSessionExpired)
    );
}

#[test]
fn a_browser_without_linkedin_cookies_does_not_call_linkedin() {
    let mut planner = Planner::new(
        SyncConfig::default(),
        SyncState::default(),
        &QueryIdRegistry::builtin(),
    );
    let step = planner.start("r".into(), SyncTrigger::PageVisit, None, sim::at(0));
    assert!(
        matches!(step.next, Next::Finished(report) if report.outcome == RunOutcome::Failed && report.requests_made == 0)
    );
    assert_eq!(
        planner.state().stop_reason(),
        Some(&StopReason::LinkedInSessionExpired)
    );
}

fn session() -> SessionFingerprint {
    SessionFingerprint::parse("session-1").expect("a fingerprint")
}

/// Waits out the pacer's gaps between calls.
fn past_pacing(planner: &mut Planner, mut step: Step) -> Step {
    while let Next::Effect(Effect::Wait { until }) = step.next {
        step = planner.handle(Outcome::Waited, until);
    }
    step
}

#[test]
fn a_rotated_query_id_is_replaced_by_the_next_candidate() {
    let registry = QueryIdRegistry::builtin();
    let mut planner = Planner::new(SyncConfig::default(), SyncState::default(), &registry);
    let mut linkedin = SimLinkedIn::new(&[1]);
    let me = planner.start("r".into(), SyncTrigger::Manual, Some(session()), sim::at(0));
    let Next::Effect(Effect::Fetch(VoyagerFetch { call, .. })) = &me.next else {
        panic!("{me:?}")
    };
    let list = planner.handle(
        Outcome::Fetched {
            result: linkedin.answer(call),
        },
        sim::at(0),
    );
    let list = past_pacing(&mut planner, list);
    let Next::Effect(Effect::Fetch(VoyagerFetch {
        query_id: first, ..
    })) = &list.next
    else {
        panic!("{list:?}")
    };
    let rotated = VoyagerFailure::QueryRotated {
        detail: "HTTP 404".into(),
    };
    let retry = planner.handle(
        Outcome::Fetched {
            result: Err(rotated),
        },
        sim::at(0),
    );
    let retry = past_pacing(&mut planner, retry);
    let Next::Effect(Effect::Fetch(VoyagerFetch {
        query_id: second, ..
    })) = &retry.next
    else {
        panic!("{retry:?}")
    };
    // The pass begins with the deletion check, the sync-token variant.
    assert_eq!(
        first.as_ref(),
        registry
            .candidates(QueryKind::ConversationsBySyncToken, &WorkingQueryIds::new())
            .first()
    );
    assert_eq!(
        second.as_ref(),
        registry
            .candidates(QueryKind::ConversationsBySyncToken, &WorkingQueryIds::new())
            .get(1)
    );
}

#[test]
fn when_every_query_id_is_refused_the_run_says_linkedin_changed() {
    let mut linkedin = SimLinkedIn::new(&[1]);
    linkedin
        .faults
        .extend((0..50).map(|_| VoyagerFailure::QueryRotated {
            detail: "HTTP 400".into(),
        }));
    let (state, report) = run_sync(
        &mut linkedin,
        &mut SimBackend::default(),
        SyncState::default(),
        SyncTrigger::Manual,
        None,
    );
    assert_eq!(report.expect("finished").outcome, RunOutcome::Failed);
    assert_eq!(state.stop_reason(), Some(&StopReason::LinkedInApiChanged));
}

#[test]
fn a_csrf_failure_is_retried_then_sent_through_a_linkedin_tab() {
    let mut planner = Planner::new(
        SyncConfig::default(),
        SyncState::default(),
        &QueryIdRegistry::builtin(),
    );
    let mut vias = vec![];
    let mut step = planner.start("r".into(), SyncTrigger::Manual, Some(session()), sim::at(0));
    for _ in 0..3 {
        let Next::Effect(Effect::Fetch(VoyagerFetch { via, .. })) = step.next else {
            panic!("{step:?}")
        };
        vias.push(via);
        step = planner.handle(
            Outcome::Fetched {
                result: Err(VoyagerFailure::CsrfFailed),
            },
            sim::at(0),
        );
        step = past_pacing(&mut planner, step);
    }
    assert_eq!(vias, [Transport::Direct, Transport::Direct, Transport::Tab]);
    assert!(matches!(step.next, Next::Finished(report) if report.outcome == RunOutcome::Failed));
}

#[test]
fn an_unreachable_backend_is_retried_then_the_run_stops_without_moving_the_watermark() {
    let mut linkedin = SimLinkedIn::new(&[3]);
    let refused = PushFailure::Unreachable {
        detail: "connection refused".into(),
    };
    let mut backend = SimBackend {
        refuse: Some(refused),
        ..SimBackend::default()
    };
    let (state, report) = run_sync(
        &mut linkedin,
        &mut backend,
        SyncState::default(),
        SyncTrigger::Manual,
        None,
    );
    assert_eq!(backend.pushes, 5);
    assert_eq!(report.expect("finished").outcome, RunOutcome::Interrupted);
    assert!(state.watermark().is_none());
    assert!(matches!(
        state.stop_reason(),
        Some(StopReason::BackendUnreachable { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the page order, the faults, the restarts and the new activity between runs,
    /// every message ends up pushed, and no saved state ever claims an unpushed message.
    #[test]
    fn every_message_is_pushed_and_the_state_never_claims_more(
        sizes in prop::collection::vec(0usize..60, 1..45),
        ascending in any::<bool>(),
        faults in prop::collection::vec(0u8..4, 0..8),
        stops in prop::collection::vec(prop::option::of(1usize..40), 1..5),
        activity in prop::collection::vec((0usize..45, 1usize..25), 0..4),
        deletions in prop::collection::vec(0usize..45, 0..3),
    ) {
        let mut linkedin = SimLinkedIn::new(&sizes);
        linkedin.anchor_ascending = ascending;
        linkedin.faults.extend(faults.iter().map(|kind| match kind {
            0 => VoyagerFailure::Transient { detail: "502".into() },
            1 => VoyagerFailure::Throttled { retry_after_secs: Some(5), challenge: false },
            2 => VoyagerFailure::Throttled { retry_after_secs: None, challenge: false },
            _ => VoyagerFailure::CsrfFailed,
        }));
        let mut backend = SimBackend::default();
        let mut state = SyncState::default();
        for (round, stop) in stops.iter().enumerate() {
            if let Some(&(index, count)) = activity.get(round) {
                linkedin.add_messages(index % sizes.len(), count);
            }
            let (saved, _) = run_sync(&mut linkedin, &mut backend, state, SyncTrigger::Manual, stop.map(Stop::AfterEffects));
            assert_state_claims_only_stored(&saved, &linkedin, &backend);
            state = saved;
        }
        let (saved, completed) = sync_until_complete(&mut linkedin, &mut backend, state);
        state = saved;
        prop_assert!(completed);
        assert_state_claims_only_stored(&state, &linkedin, &backend);
        let stored: std::collections::BTreeSet<_> = backend.stored.keys().cloned().collect();
        prop_assert_eq!(stored, linkedin.all_messages());

        // Conversations deleted after a complete pass reach the backend, through restarts.
        let mut gone = std::collections::BTreeSet::new();
        for index in deletions {
            if !linkedin.conversations.is_empty() {
                let index = index % linkedin.conversations.len();
                gone.insert(linkedin.conversations[index].0.urn.clone());
                linkedin.delete_conversation(index);
            }
        }
        let (saved, _) = run_sync(&mut linkedin, &mut backend, state, SyncTrigger::Manual, stops[0].map(Stop::AfterEffects));
        let (_, completed) = sync_until_complete(&mut linkedin, &mut backend, saved);
        prop_assert!(completed);
        prop_assert!(gone.is_subset(&backend.deleted), "{:?} not all in {:?}", gone, backend.deleted);
        let stored: std::collections::BTreeSet<_> = backend.stored.keys().cloned().collect();
        let ever: std::collections::BTreeSet<_> =
            linkedin.all_messages().union(&linkedin.deleted_messages()).cloned().collect();
        prop_assert_eq!(stored, ever);
    }
}
