//! The messaging records as the JSON holds them (voyager-api.md §5.2–§5.4): only the fields the
//! parsers read, borrowed from the answer's text, every field lenient (`entity::lenient`), so
//! the fields nobody reads are skipped unbuilt and a strange field only skips its record.

use serde::Deserialize;
use serde_json::Value;

use crate::entity::VectorImage;
use crate::entity::lenient::{Count, Flag, List, Millis, Object, Present, Record, Str, Text};

/// A conversation list item.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct ConversationRecord<'a> {
    #[serde(borrow)]
    pub(super) entity_urn: Str<'a>,
    pub(super) last_activity_at: Millis,
    #[serde(borrow)]
    pub(super) conversation_participants: List<Record<ParticipantRecord<'a>>>,
    /// The latest message(s), `{elements: […]}`.
    #[serde(borrow)]
    pub(super) messages: Object<Elements<MessageRecord<'a>>>,
    #[serde(borrow)]
    pub(super) categories: List<Str<'a>>,
    pub(super) unread_count: Count,
    #[serde(borrow)]
    pub(super) backend_urn: Str<'a>,
    pub(super) group_chat: Flag,
    #[serde(borrow)]
    pub(super) title: Text<'a>,
    #[serde(borrow)]
    pub(super) state: Str<'a>,
    pub(super) read: Flag,
    pub(super) created_at: Millis,
    #[serde(borrow)]
    pub(super) conversation_type_text: Text<'a>,
    pub(super) content_metadata: Object<ContentMetadata>,
}

#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de> + Default"))]
pub(super) struct Elements<T> {
    #[serde(default)]
    pub(super) elements: List<Record<T>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct ContentMetadata {
    pub(super) conversation_ad_content: Present,
}

/// A `Message`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct MessageRecord<'a> {
    #[serde(borrow)]
    pub(super) entity_urn: Str<'a>,
    #[serde(borrow)]
    pub(super) conversation: Object<Urned<'a>>,
    #[serde(borrow)]
    pub(super) backend_conversation_urn: Str<'a>,
    pub(super) delivered_at: Millis,
    #[serde(borrow)]
    pub(super) message_body_render_format: Str<'a>,
    #[serde(borrow)]
    pub(super) body: Text<'a>,
    /// Who wrote it (`actor` may be null and is not); only its URNs are read.
    #[serde(borrow)]
    pub(super) sender: Object<ParticipantUrns<'a>>,
    #[serde(borrow)]
    pub(super) subject: Str<'a>,
    /// Union items read by `attachments`; small, and their order of keys matters there.
    pub(super) render_content: Option<Value>,
    #[serde(borrow)]
    pub(super) reaction_summaries: List<Record<ReactionRecord<'a>>>,
}

/// An object known by its `entityUrn`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Urned<'a> {
    #[serde(borrow)]
    pub(super) entity_urn: Str<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct ReactionRecord<'a> {
    #[serde(borrow)]
    pub(super) emoji: Str<'a>,
    pub(super) count: Count,
    pub(super) viewer_reacted: Flag,
}

/// A `MessagingParticipant` read for who it is only: the rest of it is skipped unread.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct ParticipantUrns<'a> {
    #[serde(borrow)]
    pub(super) host_identity_urn: Str<'a>,
    #[serde(borrow)]
    pub(super) entity_urn: Str<'a>,
}

/// A `MessagingParticipant`, in full or in brief (URNs only).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct ParticipantRecord<'a> {
    #[serde(borrow)]
    pub(super) host_identity_urn: Str<'a>,
    #[serde(borrow)]
    pub(super) entity_urn: Str<'a>,
    #[serde(borrow)]
    pub(super) participant_type: Object<ParticipantType<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ParticipantType<'a> {
    #[serde(borrow)]
    pub(super) member: Object<MemberRecord<'a>>,
    /// `Some` when present (not null) at all: an organisation is read as one even when its
    /// fields are unreadable.
    #[serde(borrow)]
    pub(super) organization: Option<Object<OrganizationRecord<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct MemberRecord<'a> {
    #[serde(borrow)]
    pub(super) first_name: Text<'a>,
    #[serde(borrow)]
    pub(super) last_name: Text<'a>,
    #[serde(borrow)]
    pub(super) headline: Text<'a>,
    #[serde(borrow)]
    pub(super) profile_url: Str<'a>,
    #[serde(borrow)]
    pub(super) distance: Str<'a>,
    #[serde(borrow)]
    pub(super) profile_picture: Object<VectorImage<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct OrganizationRecord<'a> {
    #[serde(borrow)]
    pub(super) name: Text<'a>,
    #[serde(borrow)]
    pub(super) tagline: Text<'a>,
    #[serde(borrow)]
    pub(super) page_url: Str<'a>,
    #[serde(borrow)]
    pub(super) logo: Object<VectorImage<'a>>,
}

/// A collection's `metadata`: paging cursors, the sync token, deletions.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Metadata<'a> {
    #[serde(borrow)]
    pub(super) next_cursor: Str<'a>,
    #[serde(borrow)]
    pub(super) prev_cursor: Str<'a>,
    #[serde(borrow)]
    pub(super) new_sync_token: Str<'a>,
    /// Each a URN or an object around one; few, read by `conversations::deleted_urn`.
    pub(super) deleted_urns: List<Value>,
    pub(super) should_clear_cache: Flag,
}
