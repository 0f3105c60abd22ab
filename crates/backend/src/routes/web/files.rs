//! Downloads: exports, avatars, the stylesheet.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::page::PageError;
use crate::attachments;
use crate::auth::PageSession;
use crate::error::ApiError;
use crate::export;
use crate::state::AppState;

const STYLESHEET: &str = include_str!("../../../static/style.css");
const DIALOGS: &str = include_str!("../../../static/dialogs.js");

fn download(content_type: &'static str, filename: &str, body: String) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub async fn contacts_vcard(
    State(state): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Response, PageError> {
    let contacts = state.store.export_contacts(session.user).await?;
    Ok(download(
        "text/vcard; charset=utf-8",
        "ping-contacts.vcf",
        export::vcards(&contacts),
    ))
}

pub async fn contacts_csv(
    State(state): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Response, PageError> {
    let contacts = state.store.export_contacts(session.user).await?;
    let body =
        export::csv(&contacts).map_err(|error| ApiError::Internal(format!("CSV: {error}")))?;
    Ok(download(
        "text/csv; charset=utf-8",
        "ping-contacts.csv",
        body,
    ))
}

pub async fn conversations_json(
    State(state): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Response, PageError> {
    let conversations = state.store.all_conversations(session.user).await?;
    Ok(download(
        "application/json",
        "ping-conversations.json",
        export::conversations_json(&conversations),
    ))
}

/// `GET /export/conversations.zip`: the JSON export and every stored attachment file, with
/// which message each belongs to, streamed.
pub async fn conversations_zip(
    State(state): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Response, PageError> {
    let conversations = state.store.all_conversations(session.user).await?;
    let stored = state.store.stored_attachments(session.user).await?;
    let archive = attachments::conversations_zip(
        export::conversations_json(&conversations),
        stored,
        state.attachments.clone(),
    );
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_owned()),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"ping-conversations.zip\"".to_owned(),
            ),
        ],
        Body::from_stream(archive),
    )
        .into_response())
}

pub async fn avatar(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path(hash): Path<String>,
) -> Result<Response, PageError> {
    let image = state
        .store
        .get_avatar(session.user, &hash)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, image.content_type),
            // Content-addressed: the bytes behind a hash never change.
            (
                CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
        ],
        image.bytes,
    )
        .into_response())
}

pub async fn stylesheet() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], STYLESHEET).into_response()
}

/// The UI's script (the Content-Security-Policy allows no inline one).
pub async fn dialogs_script() -> Response {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], DIALOGS).into_response()
}
