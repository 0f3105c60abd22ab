//! Message attachments' bytes: which are wanted from the browser, stored, or skipped.
//!
//! Attachments stay described in the message (`extras_json`); the store keeps, per attachment,
//! what became of its bytes. The bytes themselves live in the object store
//! ([`crate::attachments::AttachmentObjects`]) under their SHA-256.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use ping_core::ids::MessageUrn;
use ping_core::model::{Attachment, AttachmentKind};
use ping_protocol::{AttachmentDownloads, AttachmentRequest, AttachmentSkip, SkipReason};
use serde::Serialize;

use super::StoreResult;
use crate::ids::{ConversationId, UserId};

/// Whether the browser can fetch an attachment's bytes: a file, image, video or audio with a URL.
pub fn downloadable(attachment: &Attachment) -> bool {
    attachment.url.is_some() && AttachmentDownloads::All.kinds().contains(&attachment.kind)
}

/// One attachment: its message and its position in the message's `attachments`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentKey {
    pub message: MessageUrn,
    pub index: u32,
}

/// An attachment of the user's that bytes may be uploaded for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentTarget {
    pub kind: AttachmentKind,
    /// The file name LinkedIn gave, if any.
    pub name: Option<String>,
}

/// Bytes kept for an attachment, in the object store under `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFile {
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    pub media_type: String,
    pub byte_size: u64,
    /// The file name LinkedIn gave, if any.
    pub name: Option<String>,
}

/// A stored attachment of the user's, for the ZIP export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAttachment {
    pub message_urn: String,
    pub index: u32,
    #[serde(flatten)]
    pub file: StoredFile,
}

/// What became of an attachment's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AttachmentState {
    /// Not downloaded yet: the extension will be asked for it.
    Pending,
    Stored(StoredFile),
    /// The extension reported why it will not upload it.
    Skipped {
        reason: SkipReason,
    },
}

/// A downloadable attachment of a message, for the web UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentView {
    pub message_urn: String,
    pub index: u32,
    pub kind: AttachmentKind,
    pub name: Option<String>,
    /// The size LinkedIn declared, if any.
    pub declared_size: Option<u64>,
    #[serde(flatten)]
    pub state: AttachmentState,
}

/// How much attachment storage a user's files take (each distinct file counted once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct StorageUse {
    pub files: u64,
    pub bytes: u64,
}

/// Attachments' states and the metadata of their stored bytes.
#[async_trait]
pub trait AttachmentStore: Send + Sync + 'static {
    /// Up to `limit` downloadable attachments of `kinds` of the user's messages whose bytes are
    /// neither stored nor skipped and that were not asked for since `asked_before`, newest
    /// messages first; marks them asked at `now`.
    async fn take_attachment_requests(
        &self,
        user: UserId,
        kinds: &[AttachmentKind],
        limit: u32,
        asked_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AttachmentRequest>>;
    /// The attachment, if the message is the user's and its attachment at that index is
    /// downloadable.
    async fn attachment_target(
        &self,
        user: UserId,
        key: &AttachmentKey,
    ) -> StoreResult<Option<AttachmentTarget>>;
    /// Records the bytes stored for an attachment; false if the user has no such downloadable
    /// attachment.
    async fn record_stored_attachment(
        &self,
        user: UserId,
        key: &AttachmentKey,
        file: &StoredFile,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Records why attachments will not be uploaded (stored ones stay stored); entries naming
    /// no downloadable attachment of the user's are ignored. Returns how many were recorded.
    async fn record_skipped_attachments(
        &self,
        user: UserId,
        skips: &[AttachmentSkip],
        now: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// The stored bytes' metadata of one attachment of the user's.
    async fn stored_attachment(
        &self,
        user: UserId,
        key: &AttachmentKey,
    ) -> StoreResult<Option<StoredFile>>;
    /// The downloadable attachments of a conversation's messages, oldest messages first.
    async fn conversation_attachments(
        &self,
        user: UserId,
        conversation: ConversationId,
    ) -> StoreResult<Vec<AttachmentView>>;
    /// Every stored attachment of the user's, oldest messages first, for the ZIP export.
    async fn stored_attachments(&self, user: UserId) -> StoreResult<Vec<StoredAttachment>>;
    async fn storage_use(&self, user: UserId) -> StoreResult<StorageUse>;
}
