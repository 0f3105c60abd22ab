//! Settings → API keys: keys for other programs (the ConnectSafely-compatible API), created
//! with a name, shown once, listed with their times, revoked.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use super::page::{PageError, page_context};
use super::settings::CsrfForm;
use crate::auth::{PageSession, WebSession, new_api_key};
use crate::error::ApiError;
use crate::ids::ApiKeyId;
use crate::state::AppState;
use crate::store::NewApiKey;
use crate::templates;

/// The longest key name kept.
const NAME_CHARS: usize = 80;

#[derive(Serialize)]
struct KeyRow {
    id: ApiKeyId,
    name: String,
    prefix: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
}

async fn render_page(
    state: &AppState,
    session: &WebSession,
    extra: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let keys: Vec<KeyRow> = state
        .store
        .list_api_keys(session.user)
        .await?
        .into_iter()
        .map(|key| KeyRow {
            id: key.id,
            name: key.name,
            prefix: key.prefix,
            created_at: key.created_at,
            last_used_at: key.last_used_at,
        })
        .collect();
    let html = templates::render(
        "api_keys.html",
        context! { ..page_context(session, "settings"), ..context! { keys }, ..extra },
    )?;
    // The page may hold a new key: no cache keeps it.
    Ok((status, [("cache-control", "no-store")], html).into_response())
}

#[derive(Deserialize)]
pub struct Notice {
    revoked: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let notice = notice
        .revoked
        .map(|_| "Revoked. Programs using that key are refused from now on.");
    render_page(&state, &session, context! { notice }, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    csrf: String,
    name: String,
}

pub async fn create(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<CreateForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let name: String = form.name.trim().chars().take(NAME_CHARS).collect();
    if name.is_empty() {
        let extra = context! { name_error => "Name the key after the program that uses it." };
        return render_page(&state, &session, extra, StatusCode::BAD_REQUEST).await;
    }
    let key = new_api_key();
    state
        .store
        .create_api_key(&NewApiKey {
            user: session.user,
            name: &name,
            key_hash: &key.hash,
            prefix: &key.shown_prefix,
            created_at: state.clock.now(),
        })
        .await?;
    // Shown once, in this answer only: the store keeps its hash.
    let extra = context! { new_key => key.key, new_key_name => name };
    render_page(&state, &session, extra, StatusCode::OK).await
}

pub async fn revoke(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let revoked = state
        .store
        .revoke_api_key(session.user, ApiKeyId(id), state.clock.now())
        .await?;
    if !revoked {
        return Err(ApiError::NotFound.into());
    }
    Ok(Redirect::to("/settings/api-keys?revoked=1").into_response())
}
