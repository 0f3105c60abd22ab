//! Every folder a user sees in LinkedIn's messaging is synced, each conversation once, whether
//! LinkedIn lists only the category asked for or every folder whatever was asked.

use std::collections::BTreeSet;

use super::sim::{SimBackend, SimLinkedIn, first_sync_now, run_sync, sync_now_from_scratch};
use super::*;
use crate::ids::MessageUrn;
use crate::model::ConversationFolder;
use crate::voyager::VoyagerCall;

/// 30 conversations: a message request, two archived (sponsored) threads and one in spam among
/// ordinary ones, some of them older than the inbox's first page.
fn mailbox(strict: bool) -> SimLinkedIn {
    let mut linkedin = SimLinkedIn::new(&[4; 30]);
    linkedin.strict_folders = strict;
    linkedin.categorise(3, &["INBOX", "SECONDARY_INBOX", "INMAIL"]);
    linkedin.categorise(8, &["ARCHIVE", "INMAIL"]);
    linkedin.categorise(25, &["ARCHIVE", "INMAIL"]);
    linkedin.categorise(12, &["INBOX", "SPAM"]);
    linkedin
}

fn messages_in(linkedin: &SimLinkedIn, folder: ConversationFolder) -> BTreeSet<MessageUrn> {
    linkedin
        .conversations
        .iter()
        .filter(|(conversation, _)| conversation.folder() == folder)
        .flat_map(|(_, messages)| messages.iter().map(|message| message.urn.clone()))
        .collect()
}

fn folders_listed(linkedin: &SimLinkedIn) -> Vec<ConversationFolder> {
    let mut listed: Vec<ConversationFolder> = linkedin
        .calls
        .iter()
        .filter_map(|call| match call {
            VoyagerCall::Conversations { query, folder } => {
                (!matches!(query, crate::voyager::ConversationsQuery::SyncToken(_)))
                    .then_some(*folder)
            }
            _ => None,
        })
        .collect();
    listed.dedup();
    listed
}

fn first_sync(linkedin: &mut SimLinkedIn) -> SimBackend {
    let mut backend = SimBackend::default();
    let report = first_sync_now(linkedin, &mut backend);
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    backend
}

#[test]
fn message_requests_and_archived_threads_arrive_where_linkedin_lists_only_the_folder_asked() {
    let mut linkedin = mailbox(true);
    let backend = first_sync(&mut linkedin);
    let stored: BTreeSet<MessageUrn> = backend.stored.keys().cloned().collect();
    let wanted: BTreeSet<MessageUrn> = linkedin
        .all_messages()
        .difference(&messages_in(&linkedin, ConversationFolder::Spam))
        .cloned()
        .collect();
    assert_eq!(stored, wanted);
    assert!(backend.stored.values().all(|&count| count == 1));
    assert_eq!(
        folders_listed(&linkedin),
        [
            ConversationFolder::Inbox,
            ConversationFolder::Other,
            ConversationFolder::Archived
        ]
    );
}

#[test]
fn spam_is_synced_only_when_the_user_opts_in() {
    let mut linkedin = mailbox(true);
    linkedin.synced_folders = SyncConfig::folders(true);
    let backend = first_sync(&mut linkedin);
    let stored: BTreeSet<MessageUrn> = backend.stored.keys().cloned().collect();
    assert_eq!(stored, linkedin.all_messages());
    assert_eq!(
        folders_listed(&linkedin).last(),
        Some(&ConversationFolder::Spam)
    );
}

#[test]
fn where_linkedin_lists_every_folder_each_conversation_still_arrives_once_at_one_page_per_extra_folder()
 {
    let mut linkedin = mailbox(false);
    let backend = first_sync(&mut linkedin);
    assert!(backend.stored.values().all(|&count| count == 1));
    assert_eq!(
        backend.stored.len(),
        linkedin.all_messages().len(),
        "the inbox's list brought every folder"
    );
    let list_pages = linkedin
        .calls
        .iter()
        .filter(|call| matches!(call, VoyagerCall::Conversations { .. }))
        .count();
    // The deletion check, the inbox's two pages, one repeating page each for Other and Archived.
    assert_eq!(list_pages, 1 + 2 + 2);
}

#[test]
fn new_activity_in_a_message_request_is_synced_at_the_next_visit() {
    let (linkedin, backend, report) = visit_after(|linkedin| linkedin.add_messages(3, 2));
    assert_eq!(report.messages_processed, 2);
    assert_eq!(
        backend.stored.len(),
        linkedin.all_messages().len() - messages_in(&linkedin, ConversationFolder::Spam).len()
    );
}

/// The mailbox synced whole by Sync Now, then a page visit's sync after `change`.
fn visit_after(change: impl FnOnce(&mut SimLinkedIn)) -> (SimLinkedIn, SimBackend, RunReport) {
    let mut linkedin = mailbox(true);
    let mut backend = SimBackend::default();
    let (state, _) = sync_now_from_scratch(&mut linkedin, &mut backend);
    change(&mut linkedin);
    linkedin.calls.clear();
    let (_, report) = run_sync(
        &mut linkedin,
        &mut backend,
        state,
        SyncTrigger::PageVisit,
        None,
    );
    (linkedin, backend, report.expect("finished"))
}

fn message_pages_asked(linkedin: &SimLinkedIn) -> usize {
    linkedin
        .calls
        .iter()
        .filter(|call| matches!(call, VoyagerCall::Messages { .. }))
        .count()
}

#[test]
fn a_conversation_archived_without_new_activity_moves_folder_in_the_crm_for_no_extra_request() {
    let (linkedin, backend, report) = visit_after(|linkedin| linkedin.categorise(20, &["ARCHIVE"]));
    let archived = &linkedin.conversations[20].0.urn;
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    assert_eq!(
        backend.folders.get(archived),
        Some(&ConversationFolder::Archived)
    );
    assert_eq!(report.messages_processed, 0);
    assert_eq!(message_pages_asked(&linkedin), 0, "{:?}", linkedin.calls);
}

#[test]
fn a_conversation_taken_out_of_spam_without_new_activity_arrives_with_its_messages() {
    let (linkedin, backend, report) = visit_after(|linkedin| linkedin.categorise(12, &["INBOX"]));
    let (rescued, messages) = &linkedin.conversations[12];
    assert_eq!(report.outcome, RunOutcome::Completed, "{:?}", report.errors);
    assert_eq!(
        backend.folders.get(&rescued.urn),
        Some(&ConversationFolder::Inbox)
    );
    assert!(!messages.is_empty());
    assert!(
        messages
            .iter()
            .all(|message| backend.stored.get(&message.urn) == Some(&1))
    );
}
