//! The messaging records as the JSON holds them (voyager-api.md §5.2–§5.4): only the fields the
//! parsers read, borrowed from the answer's text, every field lenient (`crate::lenient`), so
//! the fields nobody reads are skipped unbuilt and a strange field only skips its record.

use serde::Deserialize;
use serde_json::Value;

use crate::lenient::{Count, Flag, List, Millis, Object, Present, Record, Str, Text};
use crate::picture::VectorImage;

/// A conversation list item.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConversationRecord<'a> {
    #[serde(borrow)]
    pub entity_urn: Str<'a>,
    pub last_activity_at: Millis,
    #[serde(borrow)]
    pub conversation_participants: List<Record<ParticipantRecord<'a>>>,
    /// The latest message(s), `{elements: […]}`.
    #[serde(borrow)]
    pub messages: Object<Elements<MessageRecord<'a>>>,
    #[serde(borrow)]
    pub categories: List<Str<'a>>,
    pub unread_count: Count,
    #[serde(borrow)]
    pub backend_urn: Str<'a>,
    pub group_chat: Flag,
    #[serde(borrow)]
    pub title: Text<'a>,
    #[serde(borrow)]
    pub state: Str<'a>,
    pub read: Flag,
    pub created_at: Millis,
    #[serde(borrow)]
    pub conversation_type_text: Text<'a>,
    pub content_metadata: Object<ContentMetadata>,
}

#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de> + Default"))]
pub struct Elements<T> {
    #[serde(default)]
    pub elements: List<Record<T>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContentMetadata {
    pub conversation_ad_content: Present,
}

/// A `Message`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MessageRecord<'a> {
    #[serde(borrow)]
    pub entity_urn: Str<'a>,
    #[serde(borrow)]
    pub conversation: Object<Urned<'a>>,
    #[serde(borrow)]
    pub backend_conversation_urn: Str<'a>,
    pub delivered_at: Millis,
    #[serde(borrow)]
    pub message_body_render_format: Str<'a>,
    #[serde(borrow)]
    pub body: Text<'a>,
    /// Who wrote it (`actor` may be null and is not); only its URNs are read.
    #[serde(borrow)]
    pub sender: Object<ParticipantUrns<'a>>,
    #[serde(borrow)]
    pub subject: Str<'a>,
    /// Union items read by `attachments`; small, and their order of keys matters there.
    pub render_content: Option<Value>,
    #[serde(borrow)]
    pub reaction_summaries: List<Record<ReactionRecord<'a>>>,
}

/// An object known by its `entityUrn`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Urned<'a> {
    #[serde(borrow)]
    pub entity_urn: Str<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReactionRecord<'a> {
    #[serde(borrow)]
    pub emoji: Str<'a>,
    pub count: Count,
    pub viewer_reacted: Flag,
}

/// A `MessagingParticipant` read for who it is only: the rest of it is skipped unread.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ParticipantUrns<'a> {
    #[serde(borrow)]
    pub host_identity_urn: Str<'a>,
    #[serde(borrow)]
    pub entity_urn: Str<'a>,
}

/// A `MessagingParticipant`, in full or in brief (URNs only).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ParticipantRecord<'a> {
    #[serde(borrow)]
    pub host_identity_urn: Str<'a>,
    #[serde(borrow)]
    pub entity_urn: Str<'a>,
    #[serde(borrow)]
    pub participant_type: Object<ParticipantType<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ParticipantType<'a> {
    #[serde(borrow)]
    pub member: Object<MemberRecord<'a>>,
    /// `Some` when present (not null) at all: an organisation is read as one even when its
    /// fields are unreadable.
    #[serde(borrow)]
    pub organization: Option<Object<OrganizationRecord<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MemberRecord<'a> {
    #[serde(borrow)]
    pub first_name: Text<'a>,
    #[serde(borrow)]
    pub last_name: Text<'a>,
    #[serde(borrow)]
    pub headline: Text<'a>,
    #[serde(borrow)]
    pub profile_url: Str<'a>,
    #[serde(borrow)]
    pub distance: Str<'a>,
    #[serde(borrow)]
    pub profile_picture: Object<VectorImage<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OrganizationRecord<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow)]
    pub tagline: Text<'a>,
    #[serde(borrow)]
    pub page_url: Str<'a>,
    #[serde(borrow)]
    pub logo: Object<VectorImage<'a>>,
}

/// A collection's `metadata`: paging cursors, the sync token, deletions.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Metadata<'a> {
    #[serde(borrow)]
    pub next_cursor: Str<'a>,
    #[serde(borrow)]
    pub prev_cursor: Str<'a>,
    #[serde(borrow)]
    pub new_sync_token: Str<'a>,
    /// Each a URN or an object around one; few, read by `conversations::deleted_urn`.
    pub deleted_urns: List<Value>,
    pub should_clear_cache: Flag,
}
