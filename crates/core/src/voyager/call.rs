use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationUrn, Cursor, ProfileId, PublicIdentifier, SyncToken};
use crate::model::{Account, ConversationPage, MessagePage, Profile};

/// One thing to ask LinkedIn, independent of how the request is encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "call",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum VoyagerCall {
    /// `GET /voyager/api/me`: who owns the mailbox.
    Me,
    /// A page of the conversation list, newest activity first.
    Conversations { query: ConversationsQuery },
    /// A page of one conversation's messages.
    Messages {
        conversation: ConversationUrn,
        query: MessagesQuery,
    },
    /// A member's dash profile.
    Profile { member: MemberIdentity },
}

/// Which page of the conversation list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "camelCase")]
pub enum ConversationsQuery {
    /// The sync-token variant: the 20 most recent, or with a token only what changed since.
    SyncToken(Option<SyncToken>),
    /// The category variant: conversations whose last activity is strictly before this instant.
    Before(DateTime<Utc>),
    /// The category variant: the page after a `nextCursor`.
    Cursor(Cursor),
}

/// Which page of a conversation's messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "camelCase")]
pub enum MessagesQuery {
    /// The newest messages (the sync-token variant without a token).
    Latest,
    /// Messages delivered before this anchor (`countBefore`), in LinkedIn's order.
    Before(DateTime<Utc>),
    /// The page before a `prevCursor`.
    Cursor(Cursor),
}

/// How a profile lookup names the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "camelCase")]
pub enum MemberIdentity {
    Id(ProfileId),
    PublicIdentifier(PublicIdentifier),
}

/// A GraphQL query variant; each has its own rotating hash under a stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum QueryKind {
    ConversationsBySyncToken,
    ConversationsByCategory,
    MessagesLatest,
    MessagesByAnchor,
    MessagesByCursor,
}

impl QueryKind {
    /// The stable name part of the query id.
    pub fn query_name(self) -> &'static str {
        match self {
            Self::ConversationsBySyncToken | Self::ConversationsByCategory => {
                "messengerConversations"
            }
            Self::MessagesLatest | Self::MessagesByAnchor | Self::MessagesByCursor => {
                "messengerMessages"
            }
        }
    }
}

impl VoyagerCall {
    /// The GraphQL query variant this call needs, or `None` for REST calls.
    pub fn query_kind(&self) -> Option<QueryKind> {
        match self {
            Self::Me | Self::Profile { .. } => None,
            Self::Conversations {
                query: ConversationsQuery::SyncToken(_),
            } => Some(QueryKind::ConversationsBySyncToken),
            Self::Conversations { .. } => Some(QueryKind::ConversationsByCategory),
            Self::Messages {
                query: MessagesQuery::Latest,
                ..
            } => Some(QueryKind::MessagesLatest),
            Self::Messages {
                query: MessagesQuery::Before(_),
                ..
            } => Some(QueryKind::MessagesByAnchor),
            Self::Messages {
                query: MessagesQuery::Cursor(_),
                ..
            } => Some(QueryKind::MessagesByCursor),
        }
    }
}

/// What a successful call returned, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "answer",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum VoyagerAnswer {
    Me { account: Account },
    Conversations { page: ConversationPage },
    Messages { page: MessagePage },
    Profile { profile: Profile },
}
