//! Message attachments' bytes: uploaded by the extension, checked, stored by content hash in
//! the object store, and served back to their owner only.

mod archive;
mod content;
mod objects;

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use ping_protocol::{AttachmentDownloads, AttachmentRequest, AttachmentStored};

pub use archive::{archive_path, conversations_zip};
pub use content::{ContentRefused, UNKNOWN_TYPE, media_type_of, shown_inline};
pub use objects::{AttachmentObjects, ObjectsError};

use crate::ids::UserId;
use crate::secrets::sha256_hex;
use crate::store::{AttachmentKey, Store, StoreError, StoredFile};

/// The default largest attachment accepted, in bytes (100 MiB).
pub const DEFAULT_MAX_BYTES: u64 = 100 * 1024 * 1024;

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("no such attachment")]
    Unknown,
    #[error("{byte_size} bytes is over this backend's {cap}-byte attachment cap")]
    TooLarge { byte_size: u64, cap: u64 },
    #[error(transparent)]
    Refused(#[from] ContentRefused),
    /// The body broke off before its end.
    #[error("the upload broke off: {0}")]
    Interrupted(String),
    #[error("checking the upload failed: {0}")]
    Checking(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Objects(#[from] ObjectsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks and stores uploaded bytes for one of the user's attachments: the bytes once under
/// their SHA-256, the metadata per attachment. Uploading the same bytes again changes nothing.
pub async fn receive(
    store: &dyn Store,
    objects: &AttachmentObjects,
    user: UserId,
    key: &AttachmentKey,
    declared_type: Option<&str>,
    bytes: Bytes,
    now: DateTime<Utc>,
) -> Result<AttachmentStored, UploadError> {
    let target = store
        .attachment_target(user, key)
        .await?
        .ok_or(UploadError::Unknown)?;
    // Hashing up to the cap's worth of bytes is CPU work: off the async workers.
    let declared_type = declared_type.map(str::to_owned);
    let checked = bytes.clone();
    let (sha256, media_type) = tokio::task::spawn_blocking(move || {
        media_type_of(declared_type.as_deref(), &checked).map(|kept| (sha256_hex(&checked), kept))
    })
    .await??;
    let file = StoredFile {
        sha256,
        media_type,
        byte_size: bytes.len() as u64,
        name: target.name,
    };
    objects.put(&file.sha256, bytes).await?;
    if !store
        .record_stored_attachment(user, key, &file, now)
        .await?
    {
        // The message went away meanwhile; the bytes stay for whoever else has them.
        return Err(UploadError::Unknown);
    }
    Ok(AttachmentStored {
        sha256: file.sha256,
        byte_size: file.byte_size,
        media_type: file.media_type,
    })
}

/// Attachments named in one push answer at most.
pub const REQUESTS_PER_ANSWER: u32 = 20;

/// An attachment named in an answer is not named again for this long: the extension is
/// fetching it, or will report why not.
pub fn ask_again_after() -> Duration {
    Duration::hours(1)
}

/// The attachments a push answer names, of the kinds the extension downloads, newest messages
/// first; they are marked asked at `now`. Kinds it leaves are not named, so not held back.
pub async fn requests(
    store: &dyn Store,
    user: UserId,
    wanted: AttachmentDownloads,
    now: DateTime<Utc>,
) -> Result<Vec<AttachmentRequest>, StoreError> {
    store
        .take_attachment_requests(
            user,
            wanted.kinds(),
            REQUESTS_PER_ANSWER,
            now - ask_again_after(),
            now,
        )
        .await
}
