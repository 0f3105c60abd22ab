//! The rows the store takes and gives back.

use chrono::{DateTime, Utc};
use ping_core::model::{Account, ConversationFolder};
use ping_protocol::{PushCounts, RejectedRecord};
use serde::Serialize;

use crate::ids::{AvatarJobId, ContactId, TokenId, UserId};

#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
}

/// A web session to store; only the hash of its id is kept.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user: UserId,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: UserId,
    pub email: String,
    pub csrf_token: String,
}

/// Who made a pairing code, and so who enters it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeDirection {
    /// The popup shows it; the user enters it in the web UI; the extension polls.
    FromExtension,
    /// The web UI shows it; the user enters it in the popup (claim).
    FromWeb,
}

impl CodeDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FromExtension => "extension",
            Self::FromWeb => "web",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "extension" => Some(Self::FromExtension),
            "web" => Some(Self::FromWeb),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PairingCodeRecord {
    pub code: String,
    pub direction: CodeDirection,
    /// The user it belongs to: set at creation for web codes, at pairing for extension codes.
    pub user: Option<UserId>,
    pub client_name: String,
    pub poll_secret_hash: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub paired_at: Option<DateTime<Utc>>,
    pub consumed_at: Option<DateTime<Utc>>,
}

/// An extension token to store; only its hash is kept.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub user: UserId,
    pub token_hash: String,
    pub client_name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A paired browser.
#[derive(Debug, Clone, Serialize)]
pub struct TokenRecord {
    pub id: TokenId,
    pub user: UserId,
    pub client_name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When a refresh replaced it; it answers for a grace period after that.
    pub rotated_at: Option<DateTime<Utc>>,
}

/// The token that replaced another one at a refresh.
#[derive(Debug, Clone)]
pub struct Successor {
    pub id: TokenId,
    /// When the old token was replaced.
    pub rotated_at: DateTime<Utc>,
    /// The successor's token sealed with the old one (cleared once the grace is over).
    pub sealed: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// Revoked in the web UI since.
    pub revoked: bool,
}

/// What a refresh did in the store.
#[derive(Debug, Clone)]
pub enum Rotation {
    /// The new token was issued and the old one replaced.
    Issued(TokenId),
    /// The old token had been replaced already (a concurrent refresh): by this successor.
    Replaced(Successor),
    /// The old token was revoked in the web UI, not replaced.
    Revoked,
}

/// Whether a message was sent by the account owner. Decided by comparing the sender with the
/// account's profile URN, never guessed: without a sender it stays `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Inbound,
    Outbound,
    Unknown,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inbound => "inbound",
            Self::Outbound => "outbound",
            Self::Unknown => "unknown",
        }
    }
    pub fn parse(raw: &str) -> Self {
        match raw {
            "inbound" => Self::Inbound,
            "outbound" => Self::Outbound,
            _ => Self::Unknown,
        }
    }
}

/// A person (keyed by member profile URN) or an organisation (keyed by company URN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ContactKind {
    Person,
    Organization,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organization => "organization",
        }
    }
    pub fn parse(raw: &str) -> Self {
        if raw == "organization" {
            Self::Organization
        } else {
            Self::Person
        }
    }
}

/// The picture to download for a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvatarSource {
    pub url: String,
    pub asset_id: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// What a sync learned about a contact: from a conversation participant or a profile.
/// `None` fields are unknown and never blank a stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactUpsert {
    pub kind: ContactKind,
    /// Member profile URN (`urn:li:fsd_profile:…`) or company URN.
    pub urn: Option<String>,
    pub public_identifier: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub headline: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub profile_url: Option<String>,
    pub avatar: Option<AvatarSource>,
}

/// The columns of a contact that sync may write.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContactFields {
    pub urn: Option<String>,
    pub public_identifier: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: String,
    pub headline: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub profile_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ConversationRow {
    pub index: usize,
    pub urn: String,
    pub kind: String,
    pub group_chat: bool,
    pub title: Option<String>,
    /// Where it sits on LinkedIn now: a push moves a stored conversation there.
    pub folder: ConversationFolder,
    pub record_json: String,
    pub fingerprint: String,
    pub last_activity_at: DateTime<Utc>,
    /// URNs of the participants other than the account owner.
    pub participant_urns: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct MessageRow {
    pub index: usize,
    pub urn: String,
    pub conversation_urn: String,
    pub sender_urn: Option<String>,
    pub direction: Direction,
    pub delivered_at: DateTime<Utc>,
    pub subject: Option<String>,
    pub body: String,
    pub state: String,
    pub extras_json: String,
    pub fingerprint: String,
}

/// A conversation LinkedIn reported deleted, from a push's `deletedConversations`.
#[derive(Debug, Clone)]
pub struct DeletedConversationRow {
    pub index: usize,
    pub urn: String,
}

/// One push batch, validated and converted to rows.
#[derive(Debug, Clone)]
pub struct IngestBatch {
    pub account: Account,
    pub contacts: Vec<ContactUpsert>,
    pub conversations: Vec<ConversationRow>,
    pub messages: Vec<MessageRow>,
    pub deleted_conversations: Vec<DeletedConversationRow>,
}

/// What a batch changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestCounts {
    pub conversations: PushCounts,
    pub messages: PushCounts,
    /// Messages whose conversation is neither in the batch nor stored: (index, urn).
    pub orphaned_messages: Vec<(usize, String)>,
    /// Records the database refused to hold, each with the reason; the rest of the batch is
    /// stored.
    pub refused: Vec<RejectedRecord>,
}

/// What a profiles push changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileCounts {
    pub profiles: PushCounts,
    /// Profiles the database refused to hold, each with the reason; the others are stored.
    pub refused: Vec<RejectedRecord>,
}

/// Bits of [`ContactRecord::user_edited`]: fields sync never overwrites again.
pub mod edited {
    pub const NAME: i64 = 1;
    pub const TITLE: i64 = 2;
    pub const COMPANY: i64 = 4;
    pub const LOCATION: i64 = 8;
    pub const NOTES: i64 = 16;
}

#[derive(Debug, Clone)]
pub struct AvatarJob {
    pub id: AvatarJobId,
    pub user: UserId,
    pub contact: ContactId,
    pub url: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub attempts: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvatarImage {
    /// Lowercase hex SHA-256 of the bytes.
    pub hash: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// How an avatar job ended.
#[derive(Debug, Clone)]
pub enum AvatarOutcome {
    Stored(AvatarImage),
    /// LinkedIn refused the server (403) or the URL expired: ask the extension.
    NeedsUpload(String),
    /// A transient failure: try again later.
    Retry(String),
    /// Refused for good (host, size or type); the reason is kept for the log.
    Failed(String),
}
