//! Push, runs, status, sync requests and the extension's hello.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use ping_core::ids::ProfileUrn;
use ping_protocol::{
    HelloRequest, HelloResponse, PushOptions, PushResponse, RawPushBatch, RunReport, SyncRequest,
    SyncRequestCreate, SyncRequestState, SyncStatus,
};
use serde::Deserialize;

use super::json::ApiJson;
use crate::attachments;
use crate::auth::{ExtensionAuth, Owner};
use crate::backfill::BACKFILL;
use crate::error::ApiError;
use crate::import::{history_covered, pending_history};
use crate::ingest::{orphans_rejected, prepare_batch};
use crate::pairing;
use crate::secrets::random_token;
use crate::state::AppState;

pub async fn push(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    Query(options): Query<PushOptions>,
    ApiJson(raw): ApiJson<RawPushBatch>,
) -> Result<Json<PushResponse>, ApiError> {
    let now = state.clock.now();
    let pending = pending_history(&raw);
    let (batch, mut rejected) = prepare_batch(raw);
    let counts = state.store.ingest_batch(auth.user, &batch, now).await?;
    let history_covered = history_covered(&*state.store, auth.user, &batch, &pending).await?;
    rejected.extend(orphans_rejected(&counts));
    state.avatar_wakeup.notify_one();
    let backfill_needed = BACKFILL
        .profiles_to_fetch(&*state.store, auth.user, now)
        .await?;
    let avatar_requests = BACKFILL
        .avatars_to_fetch(&*state.store, &state.config.avatar_policy, auth.user, now)
        .await?;
    let attachment_requests =
        attachments::requests(&*state.store, auth.user, options.attachments, now).await?;
    Ok(Json(PushResponse {
        conversations: counts.conversations,
        messages: counts.messages,
        rejected,
        backfill_needed,
        avatar_requests,
        history_covered,
        attachment_requests,
    }))
}

pub async fn report_run(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    ApiJson(report): ApiJson<RunReport>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .insert_run(auth.user, &report, state.clock.now())
        .await?;
    state.runs_reported.send_modify(|n| *n = n.wrapping_add(1));
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusQuery {
    account_id: Option<String>,
}

pub async fn status(
    State(state): State<AppState>,
    owner: Owner,
    Query(query): Query<StatusQuery>,
) -> Result<Json<SyncStatus>, ApiError> {
    let filter = query
        .account_id
        .map(|raw| {
            ProfileUrn::parse(&raw).map_err(|error| ApiError::InvalidRequest(error.to_string()))
        })
        .transpose()?;
    let mut accounts = state.store.list_accounts(owner.user).await?;
    if let Some(filter) = filter {
        accounts.retain(|account| account.account_id == filter);
        if accounts.is_empty() {
            return Err(ApiError::NotFound);
        }
    }
    Ok(Json(SyncStatus { accounts }))
}

pub async fn request_sync(
    State(state): State<AppState>,
    owner: Owner,
    ApiJson(create): ApiJson<SyncRequestCreate>,
) -> Result<(StatusCode, Json<SyncRequest>), ApiError> {
    let request = SyncRequest {
        id: random_token(),
        account_id: create.account_id,
        force: create.force,
        state: SyncRequestState::Queued,
        requested_at: state.clock.now(),
    };
    // A request already pending for the account is the one to wait for: asking twice
    // queues one run, not two.
    let pending = state
        .store
        .join_or_create_sync_request(owner.user, &request)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(pending)))
}

pub async fn get_request(
    State(state): State<AppState>,
    owner: Owner,
    Path(id): Path<String>,
) -> Result<Json<SyncRequest>, ApiError> {
    state
        .store
        .get_sync_request(owner.user, &id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

pub async fn hello(
    State(state): State<AppState>,
    auth: ExtensionAuth,
    ApiJson(hello): ApiJson<HelloRequest>,
) -> Result<Json<HelloResponse>, ApiError> {
    let now = state.clock.now();
    let sync_requested = state
        .store
        .deliver_sync_request(auth.user, hello.account.as_ref(), now)
        .await?;
    Ok(Json(HelloResponse {
        token_expires_at: auth.token.expires_at,
        refresh_due: pairing::refresh_due(auth.token.expires_at, now),
        sync_requested,
    }))
}
