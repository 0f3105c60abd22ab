//! What the web UI's pages read: one page at a time, newest first, each page ending with the
//! cursor of the next older one (keyset pagination: a page costs the same however deep it is).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::model::ConversationFolder;
use serde::Serialize;

use super::StoreResult;
use super::views::{ContactSummary, MessageView, ParticipantView};
use crate::ids::{ContactId, ConversationId, UserId};

/// Where the next older page starts: the sort time (milliseconds) and id of the last row shown,
/// written `time.id` in links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    /// Reads a cursor from a link; anything else is `None` (the first page).
    pub fn parse(raw: &str) -> Option<Self> {
        let (at, id) = raw.split_once('.')?;
        Some(Self {
            at: at.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.at, self.id)
    }
}

/// Some rows, and the cursor of the older ones when there are more.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `time.id`, for an "Older" link; `None` on the last page.
    pub older: Option<String>,
}

/// A message on a contact's timeline, with the conversation it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineMessage {
    #[serde(flatten)]
    pub message: MessageView,
    pub conversation_id: ConversationId,
    pub conversation_title: Option<String>,
    pub group_chat: bool,
}

/// A conversation without its messages.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationHead {
    pub id: ConversationId,
    pub title: Option<String>,
    pub group_chat: bool,
    pub folder: ConversationFolder,
    pub last_activity_at: DateTime<Utc>,
    /// Participants besides the user.
    pub participant_count: u64,
}

/// A row of the conversations list: the head, and who the conversation is with.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationSummary {
    #[serde(flatten)]
    pub head: ConversationHead,
    /// The first participant besides the user, by name; `None` when there is none.
    pub first_participant: Option<String>,
}

/// How many conversations one folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FolderCount {
    pub folder: ConversationFolder,
    pub count: u64,
}

/// A conversation page: its head, the first participants by name, one page of messages.
#[derive(Debug, Clone, Serialize)]
pub struct ConversationPage {
    #[serde(flatten)]
    pub head: ConversationHead,
    pub participants: Vec<ParticipantView>,
    pub messages: Page<MessageView>,
}

/// The web UI's reads, paginated; they go through their own connections, so that page loads
/// never make pushes wait.
#[async_trait]
pub trait PageStore: Send + Sync + 'static {
    /// Contacts by their latest message (newest first, then by name), `limit` at a time.
    async fn contacts_page(
        &self,
        user: UserId,
        after: Option<Cursor>,
        limit: u32,
    ) -> StoreResult<Page<ContactSummary>>;
    /// Conversations by latest activity (newest first), of one folder or of every folder,
    /// `limit` at a time.
    async fn conversations_page(
        &self,
        user: UserId,
        folder: Option<ConversationFolder>,
        after: Option<Cursor>,
        limit: u32,
    ) -> StoreResult<Page<ConversationSummary>>;
    /// How many conversations the user has in each folder, every folder listed (zeros too).
    async fn folder_counts(&self, user: UserId) -> StoreResult<Vec<FolderCount>>;
    /// The contact's conversations, most recently active first (at most `limit`).
    async fn contact_conversation_heads(
        &self,
        user: UserId,
        id: ContactId,
        limit: u32,
    ) -> StoreResult<Vec<ConversationHead>>;
    /// Messages of every conversation the contact is in, newest first, older than `before`.
    async fn contact_timeline(
        &self,
        user: UserId,
        id: ContactId,
        before: Option<Cursor>,
        limit: u32,
    ) -> StoreResult<Page<TimelineMessage>>;
    /// A conversation with its first `participants` participants and one page of messages.
    async fn conversation_page(
        &self,
        user: UserId,
        id: ConversationId,
        before: Option<Cursor>,
        limit: u32,
        participants: u32,
    ) -> StoreResult<Option<ConversationPage>>;
}
