use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationUrn, Cursor, ProfileId, PublicIdentifier, SyncToken};
use crate::model::{Account, ConversationFolder, ConversationPage, MessagePage, Profile};

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
    Conversations {
        /// Which page: the sync-token answer, or an older page of the list.
        query: ConversationsQuery,
        /// The folder the category variants list; the sync-token variant spans them all.
        #[serde(default)]
        folder: ConversationFolder,
    },
    /// A page of one conversation's messages.
    Messages {
        /// The thread to read.
        conversation: ConversationUrn,
        /// Which page: the newest messages, or older ones.
        query: MessagesQuery,
    },
    /// A member's dash profile.
    Profile {
        /// The member to look up.
        member: MemberIdentity,
    },
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
    /// By profile id (`ACoA…`), as conversation participants give it.
    Id(ProfileId),
    /// By the vanity slug of the profile URL.
    PublicIdentifier(PublicIdentifier),
}

/// A GraphQL query variant; each has its own rotating hash under a stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum QueryKind {
    /// The recent conversations, or what changed since a sync token
    /// (`messengerConversationsBySyncToken`).
    ConversationsBySyncToken,
    /// Older conversations by date or cursor (`messengerConversationsByCategoryQuery`).
    ConversationsByCategory,
    /// A thread's newest messages (`messengerMessagesBySyncToken`).
    MessagesLatest,
    /// A thread's messages before a timestamp (`messengerMessagesByAnchorTimestamp`).
    MessagesByAnchor,
    /// A thread's messages before a `prevCursor` (`messengerMessagesByConversation`).
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
                ..
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
    /// The answer to [`VoyagerCall::Me`].
    Me {
        /// The mailbox owner.
        account: Account,
    },
    /// The answer to [`VoyagerCall::Conversations`].
    Conversations {
        /// The conversations, their last messages and the paging metadata.
        page: ConversationPage,
    },
    /// The answer to [`VoyagerCall::Messages`].
    Messages {
        /// The messages and the paging metadata.
        page: MessagePage,
    },
    /// The answer to [`VoyagerCall::Profile`].
    Profile {
        /// What the profile says about the member.
        profile: Profile,
    },
}
