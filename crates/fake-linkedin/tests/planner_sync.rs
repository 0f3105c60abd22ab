//! The sync planner of ping-core driving a running fake LinkedIn over HTTP, with no browser
//! (see `native_sync`).

use std::collections::BTreeSet;

use crate::native_sync::Harness;
use fake_linkedin::Fault;
use ping_core::ids::ConversationUrn;
use ping_core::model::ConversationFolder;
use ping_core::sync::{RunOutcome, StopReason, SyncState, SyncTrigger};

#[tokio::test]
async fn where_linkedin_lists_only_the_category_asked_every_folder_is_still_synced() {
    let mut harness = Harness::start(60, 0..=12).await;
    harness
        .server
        .tune(|tuning| tuning.filter_categories = true);
    let (_, report) = harness.sync_to_completion(SyncState::default()).await;
    assert_eq!(report.outcome, RunOutcome::Completed);
    // Message requests (SECONDARY_INBOX) and sponsored threads (ARCHIVE) among them.
    assert_eq!(harness.backend.conversations.len(), 60);
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
}

#[tokio::test]
async fn a_conversation_archived_without_new_activity_moves_folder_at_the_next_sync() {
    let mut harness = Harness::start(30, 1..=6).await;
    harness
        .server
        .tune(|tuning| tuning.filter_categories = true);
    let (state, _) = harness.sync_to_completion(SyncState::default()).await;
    let archived = harness.server.archive_conversations(2);
    assert_eq!(archived.len(), 2);
    harness.server.clear_requests();
    let (_, report) = harness.sync_to_completion(state).await;
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    for urn in &archived {
        assert_eq!(
            harness.backend.folders.get(urn),
            Some(&ConversationFolder::Archived)
        );
    }
    assert!(harness.voyager_requests("messengerMessages").is_empty());
}

#[tokio::test]
async fn a_first_sync_takes_everything_once_and_later_syncs_only_what_changed() {
    let mut harness = Harness::start(500, 0..=80).await;
    let expected = harness.expected_messages();
    assert!(
        expected.len() >= 18_000,
        "the account has {} messages",
        expected.len()
    );

    let (state, report) = harness.sync_to_completion(SyncState::default()).await;
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, expected);
    assert!(
        harness.backend.messages.values().all(|&count| count == 1),
        "a message was pushed twice"
    );
    assert_eq!(harness.backend.conversations.len(), 500);
    assert_eq!(report.messages_processed as usize, expected.len());

    harness.wait_for_budgets();
    harness.server.clear_requests();
    let (state, report) = harness.sync_to_completion(state).await;
    let lists = harness.voyager_requests("messengerConversations");
    assert_eq!(
        lists.len(),
        4,
        "the deletion check and one list page per folder: {lists:?}"
    );
    assert_eq!(lists.iter().filter(|q| q.contains("syncToken")).count(), 1);
    assert!(harness.voyager_requests("messengerMessages").is_empty());
    assert_eq!(report.messages_processed, 0);

    let changed = harness.server.add_activity(3, 2);
    harness.server.clear_requests();
    let (state, report) = harness.sync_to_completion(state).await;
    assert_eq!(conversations_paged(&harness), changed.into_iter().collect());
    assert_eq!(report.messages_processed, 6);
    every_message_stored_once(&harness);

    let gone: BTreeSet<_> = harness.server.delete_conversations(2).into_iter().collect();
    let (_, report) = harness.sync_to_completion(state).await;
    assert_eq!(report.outcome, RunOutcome::Completed);
    assert_eq!(harness.backend.deleted, gone);
}

#[tokio::test]
async fn once_a_listing_proved_the_sync_token_answer_page_visits_ask_for_it_and_the_changed_conversations_only()
 {
    let mut harness = Harness::start(200, 0..=30).await;
    let (state, _) = harness.sync_to_completion(SyncState::default()).await;
    harness.trigger = SyncTrigger::PageVisit;
    // Unproven, the visit lists; it finds the new activity the answer named.
    harness.server.add_activity(3, 2);
    harness.wait_for_budgets();
    harness.server.clear_requests();
    let (state, _) = harness.sync_to_completion(state).await;
    assert_eq!(harness.voyager_requests("messengerConversations").len(), 4);

    harness.wait_for_budgets();
    harness.server.clear_requests();
    let (state, report) = harness.sync_to_completion(state).await;
    let lists = harness.voyager_requests("messengerConversations");
    assert_eq!(lists.len(), 1, "the sync-token request alone: {lists:?}");
    assert!(lists[0].contains("syncToken"));
    assert!(harness.voyager_requests("messengerMessages").is_empty());
    assert_eq!(report.messages_processed, 0);

    let changed = harness.server.add_activity(4, 2);
    harness.wait_for_budgets();
    harness.server.clear_requests();
    let (_, report) = harness.sync_to_completion(state).await;
    assert_eq!(harness.voyager_requests("messengerConversations").len(), 1);
    assert_eq!(conversations_paged(&harness), changed.into_iter().collect());
    assert_eq!(report.messages_processed, 8);
    every_message_stored_once(&harness);
}

#[tokio::test]
async fn a_sync_interrupted_after_every_batch_resumes_to_the_same_result() {
    let mut harness = Harness::start(500, 0..=80).await;
    let mut state = SyncState::default();
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs < 200, "the resumed sync makes no progress");
        let (saved, report) = harness.sync(state, Some(1)).await;
        state = saved;
        if let Some(report) = report {
            assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
            break;
        }
    }
    assert!(runs > 30, "only {runs} runs: batches were not interrupted");
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
    assert!(
        harness.backend.messages.values().all(|&count| count == 1),
        "a resumed sync pushed a message twice"
    );
}

#[tokio::test]
async fn a_sync_under_throttling_and_server_errors_backs_off_and_finishes() {
    let mut harness = Harness::start(60, 0..=40).await;
    harness.server.inject(
        Fault::TooManyRequests {
            retry_after_secs: Some(3),
            challenge: false,
        },
        3,
    );
    let started = harness.clock;
    let (_, first) = harness.sync_to_completion(SyncState::default()).await;
    assert!(
        harness.clock - started >= chrono::Duration::seconds(9),
        "it did not wait out Retry-After"
    );

    let mut harness = Harness::start(60, 0..=40).await;
    harness.server.inject(Fault::ServerError, 2);
    harness.server.inject(Fault::RequestDenied, 1);
    let (_, second) = harness.sync_to_completion(SyncState::default()).await;
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
    assert!(second.requests_made > first.requests_made - 3);
}

#[tokio::test]
async fn a_long_retry_after_stops_the_run_and_keeps_its_checkpoint() {
    let mut harness = Harness::start(60, 0..=40).await;
    let (state, _) = harness.sync(SyncState::default(), Some(1)).await;
    harness.server.inject(
        Fault::TooManyRequests {
            retry_after_secs: Some(900),
            challenge: false,
        },
        1,
    );
    let (state, report) = harness.sync(state, None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Interrupted);
    assert!(matches!(
        state.stop_reason(),
        Some(StopReason::LinkedInThrottled { .. })
    ));
    assert!(state.has_unfinished_pass());
    harness.clock += chrono::Duration::minutes(15);
    harness.sync_to_completion(state).await;
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
}

#[tokio::test]
async fn rotated_query_ids_are_healed_by_the_ids_the_page_uses() {
    let mut harness = Harness::start(30, 0..=30).await;
    let (state, _) = harness.sync_to_completion(SyncState::default()).await;
    let rotated = harness.server.rotate_query_ids();
    harness.server.add_activity(2, 1);

    let (state, report) = harness.sync(state, None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Failed);
    assert_eq!(state.stop_reason(), Some(&StopReason::LinkedInApiChanged));

    // What the content script reports from the messaging page's own requests.
    for id in &rotated {
        harness.registry.observe_url(&format!("https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql?queryId={id}&variables=()"));
    }
    harness.sync_to_completion(state).await;
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
}

#[tokio::test]
async fn a_revoked_linkedin_session_stops_the_sync_with_a_reason() {
    let mut harness = Harness::start(10, 0..=5).await;
    harness.server.revoke_session(true);
    let (state, report) = harness.sync(SyncState::default(), None).await;
    assert_eq!(report.unwrap().outcome, RunOutcome::Failed);
    assert_eq!(
        state.stop_reason(),
        Some(&StopReason::LinkedInSessionExpired)
    );
    harness.server.revoke_session(false);
    harness.sync_to_completion(state).await;
}

/// The conversation URN inside a messages request's percent-encoded `variables`.
/// The conversations whose messages were asked for.
fn conversations_paged(harness: &Harness) -> BTreeSet<ConversationUrn> {
    harness
        .voyager_requests("messengerMessages")
        .iter()
        .map(|query| conversation_in(query))
        .collect()
}

fn every_message_stored_once(harness: &Harness) {
    let stored: BTreeSet<_> = harness.backend.messages.keys().cloned().collect();
    assert_eq!(stored, harness.expected_messages());
    assert!(
        harness.backend.messages.values().all(|&count| count == 1),
        "a message was pushed twice"
    );
}

fn conversation_in(query: &str) -> ConversationUrn {
    let decoded = percent_encoding::percent_decode_str(query)
        .decode_utf8()
        .unwrap();
    let start = decoded.find("urn:li:msg_conversation:").unwrap();
    let urn = &decoded[start..];
    let end = urn.find(')').unwrap() + 1;
    ConversationUrn::parse(&urn[..end]).unwrap()
}
