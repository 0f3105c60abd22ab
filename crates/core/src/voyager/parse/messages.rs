//! `Message` objects (voyager-api.md §5.4) and pages of them.

use serde_json::Value;

use super::attachments::attachments;
use super::envelope::Collection;
use super::participants::participant_id;
use super::{cursor, record_urn};
use crate::entity::json::{count, flag, millis, present, string};
use crate::entity::raw_text;
use crate::ids::{ConversationUrn, MessageUrn};
use crate::model::{Message, MessagePage, MessageState, Reaction, Skipped};

/// A page of messages in LinkedIn's order; unreadable records are skipped.
pub(super) fn page(
    collection: &Collection<'_>,
    conversation: Option<&ConversationUrn>,
) -> MessagePage {
    let mut page = MessagePage::default();
    for (index, element) in collection.elements.iter().enumerate() {
        match message(element, conversation) {
            Ok(message) => page.messages.push(message),
            Err(reason) => page.skipped.push(Skipped {
                index,
                urn: record_urn(element),
                reason,
            }),
        }
    }
    if let Some(metadata) = collection.metadata {
        page.prev_cursor = cursor(metadata, "prevCursor");
        page.next_cursor = cursor(metadata, "nextCursor");
    }
    page
}

/// Reads one message. Its conversation is `conversation.entityUrn`, else `fallback` (the
/// conversation the page or list item belongs to), else derived from
/// `backendConversationUrn` and the message's mailbox. The error is the reason to skip it.
pub(super) fn message(
    value: &Value,
    fallback: Option<&ConversationUrn>,
) -> Result<Message, String> {
    let raw_urn = value
        .get("entityUrn")
        .and_then(Value::as_str)
        .ok_or("message without an entityUrn")?;
    let urn = MessageUrn::parse(raw_urn).map_err(|e| e.to_string())?;
    let conversation = present(value, "conversation")
        .and_then(|c| ConversationUrn::parse(c.get("entityUrn")?.as_str()?).ok())
        .or_else(|| fallback.cloned())
        .or_else(|| derived_conversation(value, &urn))
        .ok_or("message without a readable conversation")?;
    let delivered_at = millis(value, "deliveredAt").ok_or("message without deliveredAt")?;
    let state = match value.get("messageBodyRenderFormat").and_then(Value::as_str) {
        Some("EDITED") => MessageState::Edited,
        Some("RECALLED") => MessageState::Recalled,
        Some("SYSTEM") => MessageState::System,
        _ => MessageState::Normal,
    };
    let body = match state {
        MessageState::Recalled => String::new(),
        _ => raw_text(value.get("body")).unwrap_or_default().to_owned(),
    };
    Ok(Message {
        urn,
        conversation,
        // `actor` may be null and is not who wrote the message; `sender` is.
        sender: present(value, "sender").and_then(participant_id),
        delivered_at,
        subject: string(value, "subject"),
        body,
        state,
        attachments: attachments(value.get("renderContent")),
        reactions: reactions(value.get("reactionSummaries")),
    })
}

/// `urn:li:messagingThread:<thread id>` in the message's mailbox.
fn derived_conversation(value: &Value, urn: &MessageUrn) -> Option<ConversationUrn> {
    let thread = value
        .get("backendConversationUrn")?
        .as_str()?
        .strip_prefix("urn:li:messagingThread:")?;
    ConversationUrn::new(urn.mailbox().clone(), thread).ok()
}

fn reactions(summaries: Option<&Value>) -> Vec<Reaction> {
    summaries
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|summary| {
            Some(Reaction {
                emoji: string(summary, "emoji")?,
                count: count(summary, "count").unwrap_or(1),
                viewer_reacted: flag(summary, "viewerReacted").unwrap_or(false),
            })
        })
        .collect()
}
