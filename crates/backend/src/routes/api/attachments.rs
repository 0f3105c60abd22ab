//! Attachment bytes from the extension: uploads, and the ones it will not upload.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt as _;
use ping_core::ids::MessageUrn;
use ping_protocol::{AttachmentSkip, AttachmentStored, AttachmentsSkipped, SkipReason};

use super::json::ApiJson;
use crate::attachments::{self, UploadError};
use crate::auth::ExtensionAuth;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::AttachmentKey;

impl From<UploadError> for ApiError {
    fn from(error: UploadError) -> Self {
        match error {
            UploadError::Unknown => Self::NotFound,
            UploadError::TooLarge { .. } => Self::TooLarge(error.to_string()),
            UploadError::Refused(refused) => Self::ContentRefused(refused.to_string()),
            UploadError::Interrupted(_) => Self::InvalidRequest(error.to_string()),
            UploadError::Checking(_) | UploadError::Objects(_) => Self::Internal(error.to_string()),
            UploadError::Store(store) => store.into(),
        }
    }
}

/// The attachment a path names; an unreadable URN names none.
pub(crate) fn attachment_key(message: &str, index: u32) -> Result<AttachmentKey, ApiError> {
    let message = MessageUrn::parse(message).map_err(|_| ApiError::NotFound)?;
    Ok(AttachmentKey { message, index })
}

/// Reads the body up to `cap` bytes: a declared or actual size over it is refused as soon as
/// it is known, before the rest is read.
async fn read_capped(headers: &HeaderMap, body: Body, cap: u64) -> Result<Bytes, UploadError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if let Some(byte_size) = declared.filter(|size| *size > cap) {
        return Err(UploadError::TooLarge { byte_size, cap });
    }
    let mut bytes = BytesMut::with_capacity(declared.unwrap_or(0) as usize);
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| UploadError::Interrupted(error.to_string()))?;
        let byte_size = (bytes.len() + chunk.len()) as u64;
        if byte_size > cap {
            return Err(UploadError::TooLarge { byte_size, cap });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes.freeze())
}

/// `PUT /api/v1/messages/{messageUrn}/attachments/{index}`: the body is the bytes, the
/// `Content-Type` what LinkedIn served. Not limited by the API's body limit: by the
/// attachment cap (`PING_ATTACHMENT_MAX_BYTES`) instead.
pub async fn upload(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    Path((message, index)): Path<(String, u32)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<AttachmentStored>, ApiError> {
    let key = attachment_key(&message, index)?;
    // An unknown attachment is refused before its bytes are read.
    if state
        .store
        .attachment_target(auth.user, &key)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    let received = async {
        let bytes = read_capped(&headers, body, state.config.attachment_max_bytes).await?;
        let declared = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok());
        attachments::receive(
            &*state.store,
            &state.attachments,
            auth.user,
            &key,
            declared,
            bytes,
            state.clock.now(),
        )
        .await
    }
    .await;
    match received {
        Ok(stored) => Ok(Json(stored)),
        Err(error @ (UploadError::TooLarge { .. } | UploadError::Refused(_))) => {
            // The same bytes would be refused again: the extension is not asked for them
            // again (each try is a LinkedIn request), and the timeline says why.
            let skip = AttachmentSkip {
                message: key.message.clone(),
                index: key.index,
                reason: SkipReason::Refused {
                    detail: error.to_string(),
                },
            };
            state
                .store
                .record_skipped_attachments(auth.user, &[skip], state.clock.now())
                .await?;
            Err(error.into())
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /api/v1/attachments/skipped`: entries naming no attachment of the user's are
/// ignored, the rest are never asked for again.
pub async fn skipped(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    ApiJson(skipped): ApiJson<AttachmentsSkipped>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .record_skipped_attachments(auth.user, &skipped.skipped, state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
