//! Conversation list items (voyager-api.md §5.2, §5.6) and pages of them.

use ping_voyager_records::Collection;
use ping_voyager_records::lenient::Record;
use ping_voyager_records::messaging::{ConversationRecord, MessageRecord};
use serde_json::Value;

use super::attachments::has_ad;
use super::json::text_label;
use super::messages::message;
use super::participants::participant;
use super::{cursor, record_urn};
use crate::ids::{ConversationUrn, SyncToken};
use crate::model::{
    Conversation, ConversationKind, ConversationPage, Participant, ParticipantId, Skipped,
};

/// A page of the conversation list. Unreadable conversations are skipped; so are unreadable
/// participants and embedded messages, reported under their conversation's index.
pub(super) fn page(collection: &Collection<'_, ConversationRecord<'_>>) -> ConversationPage {
    let mut page = ConversationPage::default();
    for (index, Record(element)) in collection.elements.iter().enumerate() {
        let skip = |urn, reason| Skipped { index, urn, reason };
        let Some(urn) = element.entity_urn.as_str() else {
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
        let Some(last_activity_at) = element.last_activity_at.0 else {
            page.skipped.push(skip(
                Some(urn.to_string()),
                "conversation without lastActivityAt".to_owned(),
            ));
            continue;
        };
        let mut participants = Vec::new();
        for Record(value) in element.conversation_participants.items() {
            match participant(value) {
                Ok(parsed) => participants.push(parsed),
                Err(reason) => page
                    .skipped
                    .push(skip(record_urn(&value.entity_urn), reason)),
            }
        }
        let messages = element
            .messages
            .0
            .as_ref()
            .map_or(&[][..], |holder| holder.elements.items());
        for Record(value) in messages {
            match message(value, Some(&urn)) {
                Ok(parsed) => page.last_messages.push(parsed),
                Err(reason) => page
                    .skipped
                    .push(skip(record_urn(&value.entity_urn), reason)),
            }
        }
        let categories: Vec<String> = element
            .categories
            .items()
            .iter()
            .filter_map(|category| category.as_str().map(str::to_owned))
            .collect();
        let unread_count = element.unread_count.0.unwrap_or(0);
        page.conversations.push(Conversation {
            kind: kind(element, &categories, &participants, messages),
            backend_urn: element.backend_urn.non_empty(),
            group_chat: element.group_chat.0.unwrap_or(false),
            title: text_label(&element.title),
            state: element.state.non_empty(),
            read: element.read.0.unwrap_or(unread_count == 0),
            unread_count,
            created_at: element.created_at.0,
            last_activity_at,
            categories,
            participants,
            urn,
        });
    }
    if let Some(metadata) = &collection.metadata {
        page.next_cursor = cursor(&metadata.next_cursor);
        page.new_sync_token = metadata
            .new_sync_token
            .non_empty()
            .and_then(|t| SyncToken::parse(&t).ok());
        page.deleted = metadata
            .deleted_urns
            .items()
            .iter()
            .filter_map(deleted_urn)
            .collect();
        page.should_clear_cache = metadata.should_clear_cache.0.unwrap_or(false);
    }
    page
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
    element: &ConversationRecord<'_>,
    categories: &[String],
    participants: &[Participant],
    messages: &[Record<MessageRecord<'_>>],
) -> ConversationKind {
    let type_label = text_label(&element.conversation_type_text);
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
        || element
            .content_metadata
            .0
            .as_ref()
            .is_some_and(|meta| meta.conversation_ad_content.is_present())
        || messages
            .iter()
            .any(|Record(m)| has_ad(m.render_content.as_ref()));
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
