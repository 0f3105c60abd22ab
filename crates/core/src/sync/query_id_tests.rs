//! Rotated query ids against a simulated LinkedIn that answers each id for its own variant
//! only: what a run spends finding the live ids, and what the next run remembers.

use super::sim::{SimBackend, SimLinkedIn, run_sync};
use super::*;
use crate::ids::QueryId;
use crate::voyager::{QueryIdRegistry, QueryKind, WorkingQueryIds};

const KINDS: [QueryKind; 5] = [
    QueryKind::ConversationsBySyncToken,
    QueryKind::ConversationsByCategory,
    QueryKind::MessagesLatest,
    QueryKind::MessagesByAnchor,
    QueryKind::MessagesByCursor,
];

/// An id no built-in list knows, `digit` repeated as its hash.
fn rotated(kind: QueryKind, digit: char) -> QueryId {
    QueryId::parse(&format!(
        "{}.{}",
        kind.query_name(),
        digit.to_string().repeat(32)
    ))
    .expect("valid")
}

/// After a release: every variant answers a new id.
fn live() -> WorkingQueryIds {
    KINDS
        .into_iter()
        .zip(['1', '2', '3', '4', '5'])
        .map(|(kind, digit)| (kind, rotated(kind, digit)))
        .collect()
}

/// What a visit to /messaging/ teaches: its own requests name the conversations ids only; the
/// bundle declares dead ids and every live one, the message variants in an unhelpful order.
fn learnt_from_messaging_page(live: &WorkingQueryIds) -> QueryIdRegistry {
    let mut registry = QueryIdRegistry::builtin();
    for kind in [
        QueryKind::ConversationsBySyncToken,
        QueryKind::ConversationsByCategory,
    ] {
        registry.observe_url(&format!(
            "https://www.linkedin.com/voyager/api/voyagerMessagingGraphQL/graphql?queryId={}&variables=()",
            live.get(&kind).unwrap()
        ));
    }
    let declared = [
        rotated(QueryKind::MessagesLatest, 'a'),
        live.get(&QueryKind::MessagesByCursor).unwrap().clone(),
        rotated(QueryKind::ConversationsByCategory, 'b'),
        live.get(&QueryKind::MessagesByAnchor).unwrap().clone(),
        rotated(QueryKind::MessagesLatest, 'c'),
        live.get(&QueryKind::MessagesLatest).unwrap().clone(),
        live.get(&QueryKind::ConversationsBySyncToken)
            .unwrap()
            .clone(),
        live.get(&QueryKind::ConversationsByCategory)
            .unwrap()
            .clone(),
    ];
    let bundle = declared
        .iter()
        .map(|id| format!("q(\"{id}\");"))
        .collect::<String>();
    registry.learn_bundle("https://static.licdn.com/aero-v1/sc/h/messaging", &bundle);
    registry
}

fn sizes() -> Vec<usize> {
    // Several pages of history in some conversations: the anchor and cursor variants are used.
    vec![3, 45, 0, 7, 21, 60]
}

fn sync(linkedin: &mut SimLinkedIn, backend: &mut SimBackend, state: SyncState) -> SyncState {
    let (state, report) = run_sync(linkedin, backend, state, SyncTrigger::Manual, None);
    let report = report.expect("finished");
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    state
}

/// Calls the same first sync makes when every id it tries first is live.
fn calls_without_rotation() -> usize {
    let mut linkedin = SimLinkedIn::new(&sizes());
    sync(
        &mut linkedin,
        &mut SimBackend::default(),
        SyncState::default(),
    );
    linkedin.calls.len()
}

/// The first sync after a release rotated every id, from what a visit to /messaging/ taught.
fn first_sync_after_rotation() -> (SimLinkedIn, SimBackend, SyncState) {
    let mut linkedin = SimLinkedIn::new(&sizes());
    linkedin.live_query_ids = Some(live());
    linkedin.learnt_query_ids = learnt_from_messaging_page(&live());
    let mut backend = SimBackend::default();
    let state = sync(&mut linkedin, &mut backend, SyncState::default());
    (linkedin, backend, state)
}

#[test]
fn a_sync_after_a_rotation_finds_every_live_id_and_the_next_one_starts_with_them() {
    let (mut linkedin, mut backend, state) = first_sync_after_rotation();
    let stored: Vec<_> = backend.stored.keys().cloned().collect();
    assert_eq!(stored, Vec::from_iter(linkedin.all_messages()));
    assert_eq!(state.working_query_ids, live());
    let refused = linkedin.refused_query_ids.len();
    assert!(refused > 0, "the bundle's order made some ids fail");
    // Each refused id cost one request, and no more: none was tried twice for a variant.
    assert_eq!(linkedin.calls.len(), calls_without_rotation() + refused);

    linkedin.add_messages(1, 3);
    let calls_before = linkedin.calls.len();
    let state = sync(&mut linkedin, &mut backend, state);
    assert_eq!(
        linkedin.refused_query_ids.len(),
        refused,
        "no request on a refused id"
    );
    assert!(linkedin.calls.len() > calls_before);
    assert!(backend.stored.values().all(|&times| times == 1));
    assert_eq!(backend.stored.len(), linkedin.all_messages().len());
    assert_eq!(state.working_query_ids, live());
}

#[test]
fn a_working_id_that_linkedin_later_refuses_is_tried_once_then_replaced() {
    let (mut linkedin, mut backend, state) = first_sync_after_rotation();
    let refused_first = linkedin.refused_query_ids.len();

    // Another release retires the newest-page id; the bundle declared its successor already.
    let successor = rotated(QueryKind::MessagesLatest, 'c');
    let mut rotated_again = live();
    rotated_again.insert(QueryKind::MessagesLatest, successor);
    linkedin.live_query_ids = Some(rotated_again.clone());
    linkedin.add_messages(0, 2);
    let state = sync(&mut linkedin, &mut backend, state);

    let refused_now = &linkedin.refused_query_ids[refused_first..];
    assert_eq!(refused_now.first(), live().get(&QueryKind::MessagesLatest));
    let mut distinct = refused_now.to_vec();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        refused_now.len(),
        "no id refused twice: {refused_now:?}"
    );
    assert_eq!(state.working_query_ids, rotated_again);
    assert_eq!(backend.stored.len(), linkedin.all_messages().len());
}
