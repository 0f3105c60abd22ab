//! Conversation list items (voyager-api.md §5.2, §5.6) and pages of them.

use serde_json::Value;

use super::attachments::has_ad;
use super::envelope::Collection;
use super::json::label;
use super::messages::message;
use super::participants::participant;
use super::{cursor, record_urn};
use crate::entity::json::{count, flag, millis, present, string};
use crate::ids::{ConversationUrn, SyncToken};
use crate::model::{
    Conversation, ConversationKind, ConversationPage, Participant, ParticipantId, Skipped,
};

/// A page of the conversation list. Unreadable conversations are skipped; so are unreadable
/// participants and embedded messages, reported under their conversation's index.
pub(super) fn page(collection: &Collection<'_>) -> ConversationPage {
    let mut page = ConversationPage::default();
    for (index, element) in collection.elements.iter().enumerate() {
        let skip = |urn, reason| Skipped { index, urn, reason };
        let Some(urn) = element.get("entityUrn").and_then(Value::as_str) else {
            page.skipped
                .push(skip(None, "conversation without an entityUrn".to_owned()));
            continue;
        };
        let Ok(urn) = ConversationUrn::parse(urn) else {
            page.skipped.push(skip(
                Some(urn.to_owned()),
                "unreadable conversation URN".to_owned(),
            ));
            continue;
        };
        let Some(last_activity_at) = millis(element, "lastActivityAt") else {
            page.skipped.push(skip(
                Some(urn.to_string()),
                "conversation without lastActivityAt".to_owned(),
            ));
            continue;
        };
        let mut participants = Vec::new();
        for value in array(element, "conversationParticipants") {
            match participant(value) {
                Ok(parsed) => participants.push(parsed),
                Err(reason) => page.skipped.push(skip(record_urn(value), reason)),
            }
        }
        let messages = present(element, "messages").map_or(&[][..], |m| array(m, "elements"));
        for value in messages {
            match message(value, Some(&urn)) {
                Ok(parsed) => page.last_messages.push(parsed),
                Err(reason) => page.skipped.push(skip(record_urn(value), reason)),
            }
        }
        let categories: Vec<String> = array(element, "categories")
            .iter()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        let unread_count = count(element, "unreadCount").unwrap_or(0);
        page.conversations.push(Conversation {
            kind: kind(element, &categories, &participants, messages),
            backend_urn: string(element, "backendUrn"),
            group_chat: flag(element, "groupChat").unwrap_or(false),
            title: label(element.get("title")),
            state: string(element, "state"),
            read: flag(element, "read").unwrap_or(unread_count == 0),
            unread_count,
            created_at: millis(element, "createdAt"),
            last_activity_at,
            categories,
            participants,
            urn,
        });
    }
    if let Some(metadata) = collection.metadata {
        page.next_cursor = cursor(metadata, "nextCursor");
        page.new_sync_token =
            string(metadata, "newSyncToken").and_then(|t| SyncToken::parse(&t).ok());
        page.deleted = array(metadata, "deletedUrns")
            .iter()
            .filter_map(deleted_urn)
            .collect();
    }
    page
}

fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A `deletedUrns` item: the URN itself, or `{conversation: {entityUrn}}` / `{entityUrn}`.
fn deleted_urn(item: &Value) -> Option<ConversationUrn> {
    let raw = item
        .as_str()
        .or_else(|| item.pointer("/conversation/entityUrn")?.as_str())
        .or_else(|| item.get("entityUrn")?.as_str())?;
    ConversationUrn::parse(raw).ok()
}

/// The kind of thread. Precedence, first match wins:
/// 1. `Sponsored`: a `Sponsored` label, an organisation participant, `conversationAdContent`, or
///    an ad render item in the embedded message (sponsored threads also carry `INMAIL`);
/// 2. `MessageRequest`: the `SECONDARY_INBOX` category (pending requests also carry `INMAIL`);
/// 3. `InMail`: the `INMAIL` category or an `InMail` label;
/// 4. `Regular`.
fn kind(
    element: &Value,
    categories: &[String],
    participants: &[Participant],
    messages: &[Value],
) -> ConversationKind {
    let type_label = label(element.get("conversationTypeText"));
    let type_is = |name: &str| {
        type_label
            .as_deref()
            .is_some_and(|l| l.eq_ignore_ascii_case(name))
    };
    let has_category = |name: &str| categories.iter().any(|c| c == name);
    let sponsored = type_is("Sponsored")
        || participants
            .iter()
            .any(|p| matches!(p.id, ParticipantId::Organization(_)))
        || present(element, "contentMetadata")
            .and_then(|meta| present(meta, "conversationAdContent"))
            .is_some()
        || messages.iter().any(|m| has_ad(m.get("renderContent")));
    if sponsored {
        ConversationKind::Sponsored
    } else if has_category("SECONDARY_INBOX") {
        ConversationKind::MessageRequest
    } else if has_category("INMAIL") || type_is("InMail") {
        ConversationKind::InMail
    } else {
        ConversationKind::Regular
    }
}
