//! Settings → Integrations → LinkedIn: Connect (pair), show a code, paired browsers, accounts.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use minijinja::{Value, context};
use ping_core::ids::ProfileUrn;
use ping_protocol::{SyncRequest, SyncRequestState};
use serde::{Deserialize, Serialize};

use super::attachments::human_size;
use super::page::{PageError, page_context};
use crate::auth::{ClientIp, PageSession, WebSession};
use crate::error::ApiError;
use crate::ids::TokenId;
use crate::pairing;
use crate::secrets::random_token;
use crate::state::AppState;
use crate::templates;

#[derive(Serialize)]
struct TokenRow {
    id: TokenId,
    client_name: String,
    created_at: DateTime<Utc>,
    last_seen_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    expired: bool,
}

async fn render_page(
    state: &AppState,
    session: &WebSession,
    extra: Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let tokens: Vec<TokenRow> = state
        .store
        .list_tokens(session.user)
        .await?
        .into_iter()
        .map(|token| TokenRow {
            id: token.id,
            client_name: token.client_name,
            created_at: token.created_at,
            last_seen_at: token.last_seen_at,
            expires_at: token.expires_at,
            expired: token.expires_at <= now,
        })
        .collect();
    let accounts = state.store.list_accounts(session.user).await?;
    let accounts = serde_json::to_value(&accounts).unwrap_or_default();
    let used = state.store.storage_use(session.user).await?;
    let storage =
        context! { files => used.files, bytes => used.bytes, size => human_size(used.bytes) };
    let official_reminder = super::official::settings_reminder(state, session.user).await?;
    let html = templates::render(
        "settings.html",
        context! { ..page_context(session, "settings"), ..context! { tokens, accounts, storage, official_reminder }, ..extra },
    )?;
    Ok((status, html).into_response())
}

#[derive(Deserialize)]
pub struct Notice {
    paired: Option<String>,
    revoked: Option<String>,
    requested: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Query(notice): Query<Notice>,
) -> Result<Response, PageError> {
    let notice = if notice.paired.is_some() {
        Some("Paired. The extension connects within a few seconds.")
    } else if notice.revoked.is_some() {
        Some("Revoked. That browser must pair again.")
    } else if notice.requested.is_some() {
        Some("Sync requested: the extension syncs at its next contact.")
    } else {
        None
    };
    render_page(&state, &session, context! { notice }, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PairForm {
    csrf: String,
    code: String,
}

pub async fn pair(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    ClientIp(ip): ClientIp,
    Form(form): Form<PairForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    match pairing::pair(&state, session.user, &form.code, &ip).await {
        Ok(()) => Ok(Redirect::to("/settings/integrations/linkedin?paired=1").into_response()),
        Err(error @ ApiError::Internal(_)) => Err(error.into()),
        Err(error) => {
            let extra = context! { pair_error => error.to_string(), pair_code_value => form.code };
            render_page(&state, &session, extra, error.status()).await
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    pub(super) csrf: String,
}

pub async fn show_code(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let (code, expires_at) = pairing::create_web_code(&state, session.user).await?;
    let extra = context! { shown_code => code, shown_code_expires => expires_at };
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
        .revoke_token(session.user, TokenId(id), state.clock.now())
        .await?;
    if !revoked {
        return Err(ApiError::NotFound.into());
    }
    Ok(Redirect::to("/settings/integrations/linkedin?revoked=1").into_response())
}

#[derive(Deserialize)]
pub struct SyncForm {
    csrf: String,
    account_id: String,
}

pub async fn request_sync(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Form(form): Form<SyncForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let account_id = ProfileUrn::parse(&form.account_id)
        .map_err(|error| ApiError::InvalidRequest(error.to_string()))?;
    let request = SyncRequest {
        id: random_token(),
        account_id,
        force: true,
        state: SyncRequestState::Queued,
        requested_at: state.clock.now(),
    };
    // A second click while a request is pending joins it: one run, not two.
    state
        .store
        .join_or_create_sync_request(session.user, &request)
        .await?;
    Ok(Redirect::to("/settings/integrations/linkedin?requested=1").into_response())
}
