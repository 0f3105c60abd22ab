//! Message attachments whose bytes the backend lacks: which ones the browser fetches, which it
//! skips and why. The bytes themselves never pass through here: the host downloads and uploads
//! them; the planner decides, paces and reads LinkedIn's refusals.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationUrn, MessageUrn};
use crate::model::AttachmentKind;

/// An attachment whose bytes the backend lacks. The extension fetches `url` with the user's
/// LinkedIn session and uploads the bytes to
/// `PUT /api/v1/messages/{messageUrn}/attachments/{index}` (the URN percent-encoded; body: the
/// bytes as LinkedIn served them, `Content-Type`: LinkedIn's), or reports why it did not
/// (`POST /api/v1/attachments/skipped`). A URL that LinkedIn refuses as expired is refreshed by
/// re-reading the message (`conversation`, `sentAt`), not retried as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentRequest {
    /// The message the attachment belongs to.
    pub message: MessageUrn,
    /// Its position in the message's `attachments`.
    pub index: u32,
    /// The message's conversation, to re-read the message by.
    pub conversation: ConversationUrn,
    /// When the message was sent, to re-read the message by.
    pub sent_at: DateTime<Utc>,
    /// File, image, video or audio.
    pub kind: AttachmentKind,
    /// The stored LinkedIn URL (`/dms/prv/…` or a signed media URL); it may have expired.
    pub url: String,
    /// The size LinkedIn declared, when it did: a file over the cap is skipped unfetched.
    pub byte_size: Option<u64>,
    /// The media type LinkedIn declared, when it did.
    pub media_type: Option<String>,
}

/// One attachment not uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentSkip {
    /// The message the attachment belongs to.
    pub message: MessageUrn,
    /// Its position in the message's `attachments`.
    pub index: u32,
    /// Why it was not uploaded.
    pub reason: SkipReason,
}

/// Why an attachment was not uploaded. The backend shows it beside the attachment and does not
/// ask for it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SkipReason {
    /// Bigger than the size cap set in the extension's options.
    TooLarge {
        /// The size LinkedIn declared, or the bytes read before the cap was passed.
        byte_size: u64,
        /// The cap in force.
        cap: u64,
    },
    /// LinkedIn no longer serves it (404, or still refused after the message was re-read).
    Unavailable {
        /// LinkedIn's last HTTP status for it.
        status: u16,
    },
    /// The backend refused the bytes LinkedIn served (over its own size limit, or not what
    /// they were declared to be): the same bytes would be refused again. Recorded by the
    /// backend itself.
    Refused {
        /// Why, in words for a person.
        detail: String,
    },
}

/// Which attachments the browser downloads, as chosen in the options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum AttachmentDownloads {
    /// Files, images, audio and video.
    #[default]
    All,
    /// Pictures only: the cheapest to fetch and the most looked at.
    ImagesOnly,
    /// None; the CRM keeps their names and links only.
    Off,
}

impl AttachmentDownloads {
    /// The kinds downloaded: bytes LinkedIn keeps behind the user's session. GIFs and shared
    /// posts live elsewhere; quotes and forwards are text.
    pub const fn kinds(self) -> &'static [AttachmentKind] {
        match self {
            Self::All => &[
                AttachmentKind::File,
                AttachmentKind::Image,
                AttachmentKind::Audio,
                AttachmentKind::Video,
            ],
            Self::ImagesOnly => &[AttachmentKind::Image],
            Self::Off => &[],
        }
    }
}

/// What the options say about attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentPolicy {
    /// Which kinds are downloaded.
    pub downloads: AttachmentDownloads,
    /// The largest file downloaded, in bytes.
    pub max_bytes: u64,
}

impl AttachmentPolicy {
    /// The options' default cap: 25 MB.
    pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;
}

impl Default for AttachmentPolicy {
    fn default() -> Self {
        Self {
            downloads: AttachmentDownloads::All,
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

/// What to do with one attachment the backend asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Choice {
    /// Download and upload it.
    Fetch,
    /// Tell the backend it will not come, and why.
    Skip(SkipReason),
    /// Not wanted now (the options leave it out): say nothing, so that it is offered again
    /// should the options change.
    Leave,
}

impl AttachmentPolicy {
    /// Decides before any request: a file LinkedIn declared too large costs nothing.
    pub(crate) fn choose(&self, request: &AttachmentRequest) -> Choice {
        let wanted = self.downloads.kinds().contains(&request.kind);
        match request.byte_size {
            _ if !wanted => Choice::Leave,
            Some(byte_size) if byte_size > self.max_bytes => Choice::Skip(SkipReason::TooLarge {
                byte_size,
                cap: self.max_bytes,
            }),
            _ => Choice::Fetch,
        }
    }
}
