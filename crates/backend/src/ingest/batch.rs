//! Reads a push batch of conversations and messages.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use ping_core::ids::ConversationUrn;
use ping_core::model::{Account, Conversation, Message, MessageState, ParticipantId};
use ping_protocol::{RawPushBatch, RecordKind, RejectedRecord, parse_records};
use serde_json::Value;

use super::contacts::{combined, from_participant};
use super::text::{strip_nul, strip_nul_in};
use crate::secrets::sha256_hex;
use crate::store::{
    ContactUpsert, ConversationRow, DeletedConversationRow, Direction, IngestBatch, IngestCounts,
    MessageRow,
};

/// Outbound when the sender is the account owner, inbound when it is someone else, unknown
/// when LinkedIn named no sender. Never inferred from the other participants.
fn direction(account: &Account, sender: Option<&ParticipantId>) -> Direction {
    match sender {
        Some(ParticipantId::Member(urn)) if *urn == account.profile => Direction::Outbound,
        Some(_) => Direction::Inbound,
        None => Direction::Unknown,
    }
}

fn reject(kind: RecordKind, index: usize, urn: String, reason: &str) -> RejectedRecord {
    RejectedRecord {
        kind,
        index,
        urn: Some(urn),
        reason: reason.to_owned(),
    }
}

const OTHER_MAILBOX: &str = "belongs to another mailbox than the batch's account";
const ORPHAN: &str =
    "its conversation is not stored: push the conversation in the same batch or before";

/// The batch's participants as contacts, one per URN.
///
/// A person in several conversations of the batch is merged, not overwritten: what the most
/// recently active conversation says wins, and what only an older one says (a headline, a
/// picture) fills the gaps.
#[derive(Default)]
struct Participants(BTreeMap<String, (DateTime<Utc>, ContactUpsert)>);

impl Participants {
    fn add(&mut self, urn: String, seen_at: DateTime<Utc>, upsert: ContactUpsert) {
        let merged = match self.0.remove(&urn) {
            Some((known_at, known)) if known_at > seen_at => (known_at, combined(known, upsert)),
            Some((_, known)) => (seen_at, combined(upsert, known)),
            None => (seen_at, upsert),
        };
        self.0.insert(urn, merged);
    }

    fn into_contacts(self) -> Vec<ContactUpsert> {
        self.0.into_values().map(|(_, upsert)| upsert).collect()
    }
}

/// Reads the `deletedConversations` entries one by one: a malformed one, or one of another
/// mailbox, is rejected alone.
fn deleted_conversations(
    account: &Account,
    raw: Vec<Value>,
    rejected: &mut Vec<RejectedRecord>,
) -> Vec<DeletedConversationRow> {
    let kind = RecordKind::DeletedConversation;
    let urns: Vec<Option<String>> = raw.iter().map(|v| v.as_str().map(str::to_owned)).collect();
    let (parsed, mut refused) = parse_records::<ConversationUrn>(kind, raw);
    for record in &mut refused {
        record.urn = urns[record.index].clone();
    }
    rejected.append(&mut refused);
    let mut rows = Vec::with_capacity(parsed.len());
    for (index, urn) in parsed {
        if *urn.mailbox() == account.profile {
            rows.push(DeletedConversationRow {
                index,
                urn: urn.to_string(),
            });
        } else {
            rejected.push(reject(kind, index, urn.to_string(), OTHER_MAILBOX));
        }
    }
    rows
}

/// Reads every record of the batch; the good ones become rows, the bad ones are reported.
///
/// NUL characters are taken out of every text first: PostgreSQL cannot store them (SQLite
/// could, but both stores keep the same), and no LinkedIn text means anything by one.
pub fn prepare_batch(raw: RawPushBatch) -> (IngestBatch, Vec<RejectedRecord>) {
    let mut account = raw.account;
    for text in [&mut account.first_name, &mut account.last_name] {
        strip_nul(text);
    }
    if let Some(headline) = &mut account.headline {
        strip_nul(headline);
    }
    let (conversations, mut rejected) =
        parse_records::<Conversation>(RecordKind::Conversation, strip_nul_in(raw.conversations));
    let (messages, rejected_messages) =
        parse_records::<Message>(RecordKind::Message, strip_nul_in(raw.messages));
    rejected.extend(rejected_messages);
    let deleted = deleted_conversations(&account, raw.deleted_conversations, &mut rejected);

    let mut contacts = Participants::default();
    let mut conversation_rows = Vec::new();
    for (index, conversation) in conversations {
        if *conversation.urn.mailbox() != account.profile {
            rejected.push(reject(
                RecordKind::Conversation,
                index,
                conversation.urn.to_string(),
                OTHER_MAILBOX,
            ));
            continue;
        }
        let mut participant_urns = Vec::new();
        for participant in &conversation.participants {
            let is_owner = participant.id == ParticipantId::Member(account.profile.clone());
            if participant.is_self || is_owner {
                continue;
            }
            let upsert = from_participant(participant);
            if let Some(urn) = upsert.urn.clone() {
                participant_urns.push(urn.clone());
                contacts.add(urn, conversation.last_activity_at, upsert);
            }
        }
        let record_json = serde_json::to_string(&conversation).unwrap_or_default();
        conversation_rows.push(ConversationRow {
            index,
            urn: conversation.urn.to_string(),
            kind: serde_json::to_value(conversation.kind)
                .ok()
                .and_then(|kind| kind.as_str().map(str::to_owned))
                .unwrap_or_else(|| "regular".to_owned()),
            group_chat: conversation.group_chat,
            title: conversation.title.clone(),
            folder: conversation.folder(),
            fingerprint: sha256_hex(&record_json),
            record_json,
            last_activity_at: conversation.last_activity_at,
            participant_urns,
        });
    }

    let mut message_rows = Vec::new();
    for (index, message) in messages {
        if *message.urn.mailbox() != account.profile {
            rejected.push(reject(
                RecordKind::Message,
                index,
                message.urn.to_string(),
                OTHER_MAILBOX,
            ));
            continue;
        }
        message_rows.push(message_row(&account, index, &message));
    }
    sort_rejected(&mut rejected);

    let batch = IngestBatch {
        account,
        contacts: contacts.into_contacts(),
        conversations: conversation_rows,
        messages: message_rows,
        deleted_conversations: deleted,
    };
    (batch, rejected)
}

/// Rejections in the order of the batch's lists: conversations, messages, deleted
/// conversations; by position within each.
fn sort_rejected(rejected: &mut [RejectedRecord]) {
    let list = |kind: RecordKind| match kind {
        RecordKind::Conversation => 0,
        RecordKind::Message => 1,
        RecordKind::DeletedConversation => 2,
        RecordKind::Profile => 3,
    };
    rejected.sort_by_key(|r| (list(r.kind), r.index));
}

/// The records the store did not take: messages whose conversation is neither in the batch
/// nor stored, and records the database refused (each alone, the rest of the batch stored).
pub fn orphans_rejected(counts: &IngestCounts) -> impl Iterator<Item = RejectedRecord> + '_ {
    counts
        .orphaned_messages
        .iter()
        .map(|(index, urn)| reject(RecordKind::Message, *index, urn.clone(), ORPHAN))
        .chain(counts.refused.iter().cloned())
}

fn message_row(account: &Account, index: usize, message: &Message) -> MessageRow {
    let recalled = message.state == MessageState::Recalled;
    let state = serde_json::to_value(message.state)
        .ok()
        .and_then(|state| state.as_str().map(str::to_owned))
        .unwrap_or_else(|| "normal".to_owned());
    let extras = serde_json::json!({
        "attachments": message.attachments,
        "reactions": message.reactions,
    });
    MessageRow {
        index,
        urn: message.urn.to_string(),
        conversation_urn: message.conversation.to_string(),
        sender_urn: message.sender.as_ref().map(|sender| match sender {
            ParticipantId::Member(urn) => urn.to_string(),
            ParticipantId::Organization(urn) => urn.to_string(),
        }),
        direction: direction(account, message.sender.as_ref()),
        delivered_at: message.delivered_at,
        subject: message.subject.clone(),
        body: if recalled {
            String::new()
        } else {
            message.body.clone()
        },
        state,
        extras_json: extras.to_string(),
        fingerprint: sha256_hex(serde_json::to_string(message).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ping_core::ids::{CompanyUrn, ProfileUrn};

    fn account() -> Account {
        Account {
            profile: ProfileUrn::parse("urn:li:fsd_profile:ACoAAOwner000000").unwrap(),
            first_name: "Ada".into(),
            last_name: "Example".into(),
            headline: None,
            public_identifier: None,
        }
    }

    #[test]
    fn direction_is_decided_by_the_account_urn_alone() {
        let owner = ParticipantId::Member(account().profile);
        let peer =
            ParticipantId::Member(ProfileUrn::parse("urn:li:fsd_profile:ACoAAPeer0000").unwrap());
        let company =
            ParticipantId::Organization(CompanyUrn::parse("urn:li:fsd_company:42").unwrap());
        assert_eq!(direction(&account(), Some(&owner)), Direction::Outbound);
        assert_eq!(direction(&account(), Some(&peer)), Direction::Inbound);
        assert_eq!(direction(&account(), Some(&company)), Direction::Inbound);
        assert_eq!(direction(&account(), None), Direction::Unknown);
    }
}
