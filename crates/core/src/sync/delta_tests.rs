//! A page visit's pass takes LinkedIn's sync-token answer for the listing once a listing has
//! shown that the answer names every conversation with new activity: a quiet sync is one
//! request. Listings keep checking it, and nothing is lost when it misses something.

use std::collections::BTreeSet;

use chrono::Duration;

use super::sim::{SimBackend, SimLinkedIn, run_sync, sync_now_from_scratch};
use super::*;
use crate::ids::MessageUrn;
use crate::voyager::{ConversationsQuery, VoyagerCall};

/// A mailbox synced whole by Sync Now, then proven: the next page visit's listing finds the new
/// activity that the sync-token answer before it named.
fn proven() -> (SimLinkedIn, SimBackend, SyncState) {
    let (mut linkedin, mut backend, state) = synced_whole();
    linkedin.add_messages(5, 2);
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    assert_eq!(list_pages(&linkedin), 3, "unproven, the visit lists");
    assert!(state.delta_proven);
    (linkedin, backend, state)
}

/// 30 conversations synced whole by Sync Now.
fn synced_whole() -> (SimLinkedIn, SimBackend, SyncState) {
    let mut linkedin = SimLinkedIn::new(&[4; 30]);
    let mut backend = SimBackend::default();
    let (state, _) = sync_now_from_scratch(&mut linkedin, &mut backend);
    (linkedin, backend, state)
}

fn visit(
    linkedin: &mut SimLinkedIn,
    backend: &mut SimBackend,
    state: SyncState,
) -> (SyncState, RunReport) {
    sync(linkedin, backend, state, SyncTrigger::PageVisit)
}

fn sync(
    linkedin: &mut SimLinkedIn,
    backend: &mut SimBackend,
    state: SyncState,
    trigger: SyncTrigger,
) -> (SyncState, RunReport) {
    linkedin.calls.clear();
    linkedin.clock += Duration::minutes(1);
    let (state, report) = run_sync(linkedin, backend, state, trigger, None);
    (state, report.expect("finished"))
}

/// Conversation list pages asked for, the sync-token request left out.
fn list_pages(linkedin: &SimLinkedIn) -> usize {
    linkedin
        .calls
        .iter()
        .filter(|call| {
            matches!(call, VoyagerCall::Conversations { query, .. }
                if !matches!(query, ConversationsQuery::SyncToken(_)))
        })
        .count()
}

fn message_pages(linkedin: &SimLinkedIn) -> usize {
    linkedin
        .calls
        .iter()
        .filter(|call| matches!(call, VoyagerCall::Messages { .. }))
        .count()
}

fn everything_stored_once(linkedin: &SimLinkedIn, backend: &SimBackend) {
    let stored: BTreeSet<MessageUrn> = backend.stored.keys().cloned().collect();
    assert_eq!(stored, linkedin.all_messages());
    assert!(
        backend.stored.values().all(|&count| count == 1),
        "a message was pushed twice"
    );
}

#[test]
fn a_quiet_page_visit_is_one_request_once_a_listing_proved_the_sync_token_answer() {
    let (mut linkedin, mut backend, state) = synced_whole();
    // Nothing changed, so nothing proves the answer yet: the visit lists every folder.
    let (state, _) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(linkedin.calls.len(), 4, "{:?}", linkedin.calls);
    assert!(!state.delta_proven);

    let (mut linkedin, mut backend, state) = proven();
    let (_, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    assert_eq!(linkedin.calls.len(), 1, "{:?}", linkedin.calls);
    assert!(matches!(
        linkedin.calls[0],
        VoyagerCall::Conversations {
            query: ConversationsQuery::SyncToken(Some(_)),
            ..
        }
    ));
    everything_stored_once(&linkedin, &backend);
}

#[test]
fn new_activity_anywhere_comes_from_the_sync_token_answer_and_one_message_page_each() {
    let (mut linkedin, mut backend, state) = proven();
    // Recent, on the inbox's second page, and the oldest conversation.
    for index in [2, 24, 29] {
        linkedin.add_messages(index, 3);
    }
    let (_, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    assert_eq!(list_pages(&linkedin), 0, "{:?}", linkedin.calls);
    assert_eq!(message_pages(&linkedin), 3, "{:?}", linkedin.calls);
    assert_eq!(report.messages_processed, 9);
    everything_stored_once(&linkedin, &backend);
}

#[test]
fn a_listing_after_answers_stood_for_it_lists_from_its_own_watermark_and_pages_nothing_again() {
    let (mut linkedin, mut backend, state) = proven();
    let watermark = state.watermark();
    linkedin.add_messages(7, 2);
    let (state, _) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(list_pages(&linkedin), 0);
    assert_eq!(
        state.watermark(),
        watermark,
        "only a listing moves the watermark"
    );
    // Sync Now always lists; what the answers brought is held whole, so no message page.
    let (state, report) = sync(&mut linkedin, &mut backend, state, SyncTrigger::Manual);
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    assert_eq!(list_pages(&linkedin), 3);
    assert_eq!(message_pages(&linkedin), 0, "{:?}", linkedin.calls);
    assert!(state.watermark() > watermark);
    everything_stored_once(&linkedin, &backend);
}

#[test]
fn an_answer_that_misses_new_activity_is_caught_by_the_next_listing_and_trusted_no_more() {
    let (mut linkedin, mut backend, state) = proven();
    linkedin.sync_token_omits_changes = true;
    linkedin.add_messages(9, 2);
    linkedin.clock += Duration::hours(1);
    // Trusted still: the visit misses the two messages.
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(report.messages_processed, 0);
    // A day after the listing that proved it (not after that visit), a visit lists again: the
    // messages arrive and the answer is no longer taken for a listing.
    linkedin.clock += SyncConfig::default().list_every - Duration::minutes(30);
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(list_pages(&linkedin), 3);
    assert_eq!(report.messages_processed, 2);
    assert!(!state.delta_proven);
    everything_stored_once(&linkedin, &backend);

    linkedin.add_messages(11, 1);
    let (_, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(list_pages(&linkedin), 3);
    assert_eq!(report.messages_processed, 1);
    everything_stored_once(&linkedin, &backend);
}

#[test]
fn an_answer_cut_short_or_clearing_the_cache_is_not_taken_for_a_listing() {
    let (mut linkedin, mut backend, state) = proven();
    // Twenty conversations changed: LinkedIn's answer holds twenty, so more may be missing.
    for index in 0..20 {
        linkedin.add_messages(index, 1);
    }
    let (state, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(
        list_pages(&linkedin),
        2 + 1 + 1,
        "the inbox's two pages, one per other folder"
    );
    assert_eq!(report.messages_processed, 20);

    linkedin.sync_token_clears_cache = true;
    linkedin.add_messages(21, 1);
    let (_, report) = visit(&mut linkedin, &mut backend, state);
    assert_eq!(list_pages(&linkedin), 3);
    assert_eq!(report.messages_processed, 1);
    everything_stored_once(&linkedin, &backend);
}
