//! How stored attachment bytes are answered, to the web UI and to API keys alike.
//!
//! The bytes came from another LinkedIn member: whatever they are, the browser must not run
//! them in the backend's origin. Every answer is sandboxed and never sniffed; only pictures,
//! audio and video are shown inline, anything else is a download under its own name.

use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::attachments::{AttachmentObjects, shown_inline};
use crate::error::ApiError;
use crate::ids::UserId;
use crate::routes::api::attachment_key;
use crate::state::AppState;
use crate::store::StoredFile;

/// The policy of served bytes: no script, no plugin, no same-origin access, even when opened
/// on their own.
const SANDBOXED: &str = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'";

/// RFC 5987 `attr-char`s, which `filename*=` may carry unencoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback for old clients (quotes,
/// backslashes and anything non-printable replaced), the exact name per RFC 5987 for the rest.
pub fn download_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let exact = utf8_percent_encode(name, ATTR_CHAR);
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}")
}

/// The name a file is downloaded under: LinkedIn's, else one made from its hash.
pub fn file_name(file: &StoredFile) -> String {
    file.name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| format!("attachment-{}", &file.sha256[..12.min(file.sha256.len())]))
}

/// The stored bytes of one of the user's attachments, named by a path's message URN and index;
/// 404 when the user has no such attachment or its bytes are not stored.
pub async fn serve_stored(
    state: &AppState,
    user: UserId,
    message: &str,
    index: u32,
) -> Result<Response, ApiError> {
    let key = attachment_key(message, index)?;
    let file = state
        .store
        .stored_attachment(user, &key)
        .await?
        .ok_or(ApiError::NotFound)?;
    serve(&state.attachments, &file).await
}

/// The stored bytes of `file` as an answer.
async fn serve(objects: &AttachmentObjects, file: &StoredFile) -> Result<Response, ApiError> {
    let bytes: Bytes = objects
        .get(&file.sha256)
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    let inline = shown_inline(&file.media_type);
    let disposition = if inline {
        "inline".to_owned()
    } else {
        download_disposition(&file_name(file))
    };
    Ok((
        [
            (CONTENT_TYPE, file.media_type.clone()),
            (CONTENT_DISPOSITION, disposition),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (CONTENT_SECURITY_POLICY, SANDBOXED.to_owned()),
            // Content-addressed, and only ever the owner's.
            (
                CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_names_are_encoded_per_rfc_5987_with_an_ascii_fallback() {
        assert_eq!(
            download_disposition("Lebenslauf Müller \"final\".pdf"),
            "attachment; filename=\"Lebenslauf M_ller _final_.pdf\"; \
             filename*=UTF-8''Lebenslauf%20M%C3%BCller%20%22final%22.pdf"
        );
    }
}
