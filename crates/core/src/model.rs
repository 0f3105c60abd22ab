//! The domain: what a sync learns from LinkedIn, independent of Voyager's JSON shapes.
//!
//! These types are also the records the extension pushes to the backend (through
//! `ping-protocol`), so they serialize in camelCase with RFC 3339 timestamps.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{
    CompanyUrn, ConversationUrn, Cursor, MessageUrn, ProfileUrn, PublicIdentifier, SyncToken,
};

/// The LinkedIn account whose mailbox is synced (from `/voyager/api/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The mailbox owner; every conversation and message URN is scoped to it.
    pub profile: ProfileUrn,
    pub first_name: String,
    pub last_name: String,
    pub headline: Option<String>,
    pub public_identifier: Option<PublicIdentifier>,
}

/// Who a participant is: a member, or an organisation (sponsored messages).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "urn", rename_all = "camelCase")]
pub enum ParticipantId {
    Member(ProfileUrn),
    Organization(CompanyUrn),
}

/// One person or organisation in a conversation, as the messaging API describes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub id: ParticipantId,
    /// True for the mailbox owner (`distance: SELF`).
    pub is_self: bool,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Organisation name, or the member's full name when only that is known.
    pub display_name: String,
    pub headline: Option<String>,
    /// `https://www.linkedin.com/in/<ACoA id>` for members (not the vanity slug).
    pub profile_url: Option<String>,
    /// `DISTANCE_1`, `DISTANCE_2`, … as LinkedIn reports it.
    pub distance: Option<String>,
    pub picture: Option<Picture>,
}

/// A picture in several sizes (LinkedIn's `VectorImage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Picture {
    /// Stable id of the photo (from `displayImageUrn` or the `rootUrl`), to know when it changed.
    pub asset_id: Option<String>,
    pub artifacts: Vec<Artifact>,
}

/// One size of a picture. The URL is signed and stops working after `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    /// Pixel width; 0 when unknown (a URL read from a page).
    pub width: u32,
    pub height: u32,
    /// `rootUrl + fileIdentifyingUrlPathSegment`, verbatim.
    pub url: String,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Picture {
    /// The artifact to download: the smallest at least `min_width` wide, else the largest.
    pub fn best(&self, min_width: u32) -> Option<&Artifact> {
        let wide_enough = self
            .artifacts
            .iter()
            .filter(|a| a.width >= min_width)
            .min_by_key(|a| a.width);
        wide_enough.or_else(|| self.artifacts.iter().max_by_key(|a| a.width))
    }
}

/// What kind of thread this is, from its categories and markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ConversationKind {
    /// An ordinary 1:1 or group conversation.
    Regular,
    /// Began as InMail (`INMAIL` category, or an InMail label).
    InMail,
    /// An advertiser's message (organisation participant, `Sponsored` label or ad content).
    Sponsored,
    /// A pending message request (`SECONDARY_INBOX`).
    MessageRequest,
}

/// A conversation as the conversation list reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub urn: ConversationUrn,
    /// `urn:li:messagingThread:<thread id>` when given.
    pub backend_urn: Option<String>,
    pub kind: ConversationKind,
    pub group_chat: bool,
    pub title: Option<String>,
    pub categories: Vec<String>,
    /// InMail state: `PENDING`, `ACCEPTED`, `DECLINED`.
    pub state: Option<String>,
    pub read: bool,
    pub unread_count: u32,
    pub created_at: Option<DateTime<Utc>>,
    pub last_activity_at: DateTime<Utc>,
    /// Every participant, the mailbox owner included.
    pub participants: Vec<Participant>,
}

/// How a message body is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum MessageState {
    Normal,
    Edited,
    /// Unsent by its author: the body is gone.
    Recalled,
    /// Written by LinkedIn (e.g. "X joined the conversation").
    System,
}

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum AttachmentKind {
    File,
    Image,
    Video,
    Audio,
    /// GIFs and other external media.
    ExternalMedia,
    /// A shared feed post or InMail host reference.
    SharedPost,
    Forwarded,
    Reply,
    /// A render item this version does not know; its key is kept in `name`.
    Other,
}

/// Metadata of an attachment; the bytes stay on LinkedIn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub kind: AttachmentKind,
    pub name: Option<String>,
    pub media_type: Option<String>,
    pub byte_size: Option<u64>,
    pub url: Option<String>,
}

/// How often one emoji was used on a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    pub emoji: String,
    pub count: u32,
    pub viewer_reacted: bool,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub urn: MessageUrn,
    pub conversation: ConversationUrn,
    /// Resolved through the conversation's participants when the message carried only a brief
    /// sender; `None` when LinkedIn gave none.
    pub sender: Option<ParticipantId>,
    pub delivered_at: DateTime<Utc>,
    pub subject: Option<String>,
    /// Plain text; `\n` separates lines. Empty for recalled messages.
    pub body: String,
    pub state: MessageState,
    pub attachments: Vec<Attachment>,
    pub reactions: Vec<Reaction>,
}

/// What is known about a member from a profile lookup or a visited profile page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub urn: Option<ProfileUrn>,
    pub public_identifier: Option<PublicIdentifier>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The full name as displayed (pages show only this).
    pub full_name: Option<String>,
    pub headline: Option<String>,
    /// Current position title.
    pub title: Option<String>,
    /// Current company name.
    pub company: Option<String>,
    pub location: Option<String>,
    pub picture: Option<Picture>,
}

/// A record a parser could not read. It is reported and skipped; the rest of the page stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// Position in the page's `elements`.
    pub index: usize,
    /// The record's `entityUrn`, when it had a readable one.
    pub urn: Option<String>,
    pub reason: String,
}

/// One page of the conversation list, newest activity first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    pub conversations: Vec<Conversation>,
    /// The last message of each conversation, when the list embedded it.
    pub last_messages: Vec<Message>,
    pub next_cursor: Option<Cursor>,
    pub new_sync_token: Option<SyncToken>,
    /// Conversations deleted since the sync token that was sent.
    pub deleted: Vec<ConversationUrn>,
    pub skipped: Vec<Skipped>,
}

/// One page of a conversation's messages, in the order LinkedIn sent them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub messages: Vec<Message>,
    pub prev_cursor: Option<Cursor>,
    pub next_cursor: Option<Cursor>,
    pub skipped: Vec<Skipped>,
}
