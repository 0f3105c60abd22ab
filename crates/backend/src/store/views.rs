//! What the store gives back to the web UI and exports.

use chrono::{DateTime, Utc};
use ping_core::model::ConversationFolder;
use serde::Serialize;

use super::records::{ContactFields, ContactKind, Direction};
use crate::ids::{ContactId, ConversationId};

#[derive(Debug, Clone, Serialize)]
pub struct ContactSummary {
    pub id: ContactId,
    pub kind: ContactKind,
    pub display_name: String,
    pub headline: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub avatar_hash: Option<String>,
    pub last_message: Option<String>,
    pub last_message_at: Option<DateTime<Utc>>,
}

/// A stored contact: what sync writes, plus what only the user (notes) and the avatar worker
/// write.
#[derive(Debug, Clone, Serialize)]
pub struct ContactRecord {
    pub id: ContactId,
    pub kind: ContactKind,
    /// Flattened: pages read `contact.display_name`, not `contact.fields.display_name`.
    #[serde(flatten)]
    pub fields: ContactFields,
    pub notes: Option<String>,
    pub avatar_hash: Option<String>,
    pub avatar_url: Option<String>,
    pub user_edited: i64,
}

/// The fields a user can edit in the web UI.
#[derive(Debug, Clone, Default)]
pub struct ContactEdit {
    pub display_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParticipantView {
    pub contact_id: ContactId,
    pub display_name: String,
    pub avatar_hash: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub urn: String,
    pub sender_name: Option<String>,
    pub direction: Direction,
    pub delivered_at: DateTime<Utc>,
    pub subject: Option<String>,
    pub body: String,
    pub state: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConversationView {
    pub id: ConversationId,
    pub urn: String,
    pub title: Option<String>,
    pub kind: String,
    pub group_chat: bool,
    pub folder: ConversationFolder,
    pub last_activity_at: DateTime<Utc>,
    pub participants: Vec<ParticipantView>,
    pub messages: Vec<MessageView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub conversation_id: ConversationId,
    pub conversation_title: String,
    pub sender_name: Option<String>,
    pub direction: Direction,
    pub delivered_at: DateTime<Utc>,
    pub body: String,
}
