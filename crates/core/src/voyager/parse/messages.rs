//! `Message` objects (voyager-api.md §5.4) and pages of them.

use ping_voyager_records::Collection;
use ping_voyager_records::lenient::Record;
use ping_voyager_records::messaging::{MessageRecord, ReactionRecord};

use super::attachments::attachments;
use super::participants::participant_id;
use super::{cursor, record_urn};
use crate::ids::{ConversationUrn, MessageUrn};
use crate::model::{Message, MessagePage, MessageState, Reaction, Skipped};

/// A page of messages in LinkedIn's order; unreadable records are skipped.
pub(super) fn page(
    collection: &Collection<'_, MessageRecord<'_>>,
    conversation: Option<&ConversationUrn>,
) -> MessagePage {
    let mut page = MessagePage::default();
    for (index, Record(element)) in collection.elements.iter().enumerate() {
        match message(element, conversation) {
            Ok(message) => page.messages.push(message),
            Err(reason) => page.skipped.push(Skipped {
                index,
                urn: record_urn(&element.entity_urn),
                reason,
            }),
        }
    }
    if let Some(metadata) = &collection.metadata {
        page.prev_cursor = cursor(&metadata.prev_cursor);
        page.next_cursor = cursor(&metadata.next_cursor);
    }
    page
}

/// Reads one message. Its conversation is `conversation.entityUrn`, else `fallback` (the
/// conversation the page or list item belongs to), else derived from
/// `backendConversationUrn` and the message's mailbox. The error is the reason to skip it.
pub(super) fn message(
    value: &MessageRecord<'_>,
    fallback: Option<&ConversationUrn>,
) -> Result<Message, String> {
    let raw_urn = value
        .entity_urn
        .as_str()
        .ok_or("message without an entityUrn")?;
    let urn = MessageUrn::parse(raw_urn).map_err(|e| e.to_string())?;
    let conversation = value
        .conversation
        .0
        .as_ref()
        .and_then(|c| ConversationUrn::parse(c.entity_urn.as_str()?).ok())
        .or_else(|| fallback.cloned())
        .or_else(|| derived_conversation(value, &urn))
        .ok_or("message without a readable conversation")?;
    let delivered_at = value.delivered_at.0.ok_or("message without deliveredAt")?;
    let state = match value.message_body_render_format.as_str() {
        Some("EDITED") => MessageState::Edited,
        Some("RECALLED") => MessageState::Recalled,
        Some("SYSTEM") => MessageState::System,
        _ => MessageState::Normal,
    };
    let body = match state {
        MessageState::Recalled => String::new(),
        _ => value.body.as_str().unwrap_or_default().to_owned(),
    };
    Ok(Message {
        urn,
        conversation,
        sender: value
            .sender
            .0
            .as_ref()
            .and_then(|sender| participant_id(&sender.host_identity_urn, &sender.entity_urn)),
        delivered_at,
        subject: value.subject.non_empty(),
        body,
        state,
        attachments: attachments(value.render_content.as_ref()),
        reactions: value
            .reaction_summaries
            .items()
            .iter()
            .filter_map(|Record(summary)| reaction(summary))
            .collect(),
    })
}

/// `urn:li:messagingThread:<thread id>` in the message's mailbox.
fn derived_conversation(value: &MessageRecord<'_>, urn: &MessageUrn) -> Option<ConversationUrn> {
    let thread = value
        .backend_conversation_urn
        .as_str()?
        .strip_prefix("urn:li:messagingThread:")?;
    ConversationUrn::new(urn.mailbox().clone(), thread).ok()
}

fn reaction(summary: &ReactionRecord<'_>) -> Option<Reaction> {
    Some(Reaction {
        emoji: summary.emoji.non_empty()?,
        count: summary.count.0.unwrap_or(1),
        viewer_reacted: summary.viewer_reacted.0.unwrap_or(false),
    })
}
