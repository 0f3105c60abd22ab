//! Settings → Import: upload LinkedIn's data export, watch it run, read its summary.
//!
//! The upload is streamed to a temporary file (the archive can be large), the import runs in
//! the background ([`crate::import::jobs`]), and the browser is sent to the import's own page,
//! which refreshes itself (a `Refresh` header: the pages run no inline script) until the import
//! is done.

use std::path::PathBuf;

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::header::HeaderName;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use tokio::io::AsyncWriteExt as _;

use super::page::{PageError, page_context};
use crate::auth::{PageSession, WebSession};
use crate::error::ApiError;
use crate::import::{ImportSummary, jobs};
use crate::secrets::random_token;
use crate::state::AppState;
use crate::store::{ImportRecord, ImportState};
use crate::templates;

/// The largest archive accepted: LinkedIn's complete archive of a heavy user is a few hundred
/// megabytes.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024 * 1024;

/// How many earlier imports the page lists.
const HISTORY: u32 = 20;

/// A running import no process reports progress for after this long was cut short (its
/// process stopped): nothing of it was stored, its single transaction never committed.
const INTERRUPTED_AFTER_HOURS: i64 = 2;

async fn render(
    state: &AppState,
    session: &WebSession,
    current: Option<&ImportRecord>,
    extra: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let imports = state.store.list_imports(session.user, HISTORY).await?;
    let summary = current
        .and_then(|record| record.summary_json.as_deref())
        .and_then(|json| serde_json::from_str::<ImportSummary>(json).ok());
    let progress = current.and_then(|record| jobs::progress(&record.id));
    let interrupted = current.is_some_and(|record| {
        record.state == ImportState::Running
            && progress.is_none()
            && record.started_at
                < state.clock.now() - chrono::Duration::hours(INTERRUPTED_AFTER_HOURS)
    });
    let html = templates::render(
        "import.html",
        context! {
            ..page_context(session, "settings"),
            ..context! { imports, current, summary, progress, interrupted },
            ..extra
        },
    )?;
    let mut response = (status, html).into_response();
    if !interrupted && current.is_some_and(|record| record.state == ImportState::Running) {
        response.headers_mut().insert(
            HeaderName::from_static("refresh"),
            axum::http::HeaderValue::from_static("1"),
        );
    }
    Ok(response)
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(session): PageSession,
) -> Result<Response, PageError> {
    render(&state, &session, None, context! {}, StatusCode::OK).await
}

pub async fn status(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = state
        .store
        .get_import(session.user, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    render(&state, &session, Some(&record), context! {}, StatusCode::OK).await
}

/// Why an upload was refused, shown on the page.
async fn refuse(
    state: &AppState,
    session: &WebSession,
    message: &str,
) -> Result<Response, PageError> {
    let extra = context! { upload_error => message };
    render(state, session, None, extra, StatusCode::BAD_REQUEST).await
}

pub async fn upload(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut csrf_checked = false;
    let mut saved: Option<(PathBuf, String)> = None;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|error| ApiError::InvalidRequest(error.body_text()))?
    {
        match field.name() {
            Some("csrf") => {
                let token = field
                    .text()
                    .await
                    .map_err(|error| ApiError::InvalidRequest(error.body_text()))?;
                session.check_csrf(&token)?;
                csrf_checked = true;
            }
            // The form puts the token first; a file before it is not read.
            Some("archive") if csrf_checked => {
                let file_name = field.file_name().unwrap_or("archive.zip").to_owned();
                let path = std::env::temp_dir().join(format!("ping-import-{}.zip", random_token()));
                let mut file = tokio::fs::File::create(&path)
                    .await
                    .map_err(|error| ApiError::Internal(format!("upload file: {error}")))?;
                let mut written = 0_u64;
                loop {
                    let chunk = match field.chunk().await {
                        Ok(Some(chunk)) => chunk,
                        Ok(None) => break,
                        Err(error) => {
                            let _ = tokio::fs::remove_file(&path).await;
                            return Err(ApiError::InvalidRequest(error.body_text()).into());
                        }
                    };
                    written += chunk.len() as u64;
                    if let Err(error) = file.write_all(&chunk).await {
                        let _ = tokio::fs::remove_file(&path).await;
                        return Err(ApiError::Internal(format!("upload file: {error}")).into());
                    }
                }
                file.flush()
                    .await
                    .map_err(|error| ApiError::Internal(format!("upload file: {error}")))?;
                if written == 0 {
                    let _ = tokio::fs::remove_file(&path).await;
                    return refuse(&state, &session, "Choose the ZIP archive first.").await;
                }
                saved = Some((path, file_name));
            }
            _ => {}
        }
    }
    if !csrf_checked {
        return Err(ApiError::CsrfMismatch.into());
    }
    let Some((path, file_name)) = saved else {
        return refuse(&state, &session, "Choose the ZIP archive first.").await;
    };
    let record = ImportRecord {
        id: random_token(),
        source: "web".to_owned(),
        file_name,
        state: ImportState::Running,
        summary_json: None,
        error: None,
        started_at: state.clock.now(),
        finished_at: None,
    };
    if let Err(error) = state.store.insert_import(session.user, &record).await {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(error.into());
    }
    let target = format!("/settings/import/{}", record.id);
    tokio::spawn(jobs::run(state.clone(), session.user, record, path));
    Ok(Redirect::to(&target).into_response())
}
