//! The ConnectSafely-compatible API for other programs, under `/api/v1/linkedin/`, opened by
//! an API key only: trigger a sync and get its counts, and the sync status of each account.
//!
//! A sync still runs in the user's browser: `POST …/conversations/sync` queues the same
//! request as the web UI's *Sync now*, the extension picks it up at its next check-in, runs
//! the sync and reports the run. The call waits up to `wait` seconds (by the backend's clock)
//! for that report, then answers with its counts, or with the still-queued request.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use chrono::{DateTime, Duration, Utc};
use ping_core::ids::{ProfileId, ProfileUrn};
use ping_protocol::{AccountStatus, RunOutcome, RunReport, SyncRequest, SyncRequestState};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::json::ApiJson;
use super::route_doc::{Access, RawBytes, RouteDoc, body, doc};
use crate::auth::ApiKeyAuth;
use crate::error::ApiError;
use crate::ids::UserId;
use crate::routes::attachment_bytes;
use crate::secrets::random_token;
use crate::state::AppState;

/// The longest `wait` a sync call may ask for, in seconds.
pub const MAX_WAIT_SECS: u64 = 60;
/// How often a waiting call looks at the store without being woken: a run reported to another
/// backend process (several share one PostgreSQL) wakes nobody here.
const POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// `POST /api/v1/linkedin/conversations/sync`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncCall {
    /// The LinkedIn account: its profile URN (`urn:li:fsd_profile:ACoA…`) or the bare `ACoA…`
    /// id, as `GET /api/v1/linkedin/sync/status` lists them.
    pub account_id: String,
    /// Sync even inside the extension's throttle window.
    #[serde(default)]
    pub force: bool,
    /// Seconds to wait for the extension's run (0 to 60; 0, the default, answers 202 at once).
    #[serde(default)]
    pub wait: u64,
}

/// A finished sync run, in ConnectSafely's shape.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncResult {
    /// Whether the run completed (false when it was interrupted or failed).
    pub success: bool,
    /// The account's profile URN.
    pub account_id: ProfileUrn,
    /// Conversations whose messages were all stored in this run.
    pub conversations_processed: u32,
    /// Messages stored in this run.
    pub messages_processed: u32,
    pub duration_ms: i64,
    pub duration_seconds: f64,
    /// What went wrong, when the run did not complete.
    pub error: Option<String>,
}

impl SyncResult {
    fn of(account_id: ProfileUrn, run: &RunReport) -> Self {
        let duration_ms = (run.finished_at - run.started_at).num_milliseconds().max(0);
        let success = run.outcome == RunOutcome::Completed;
        let error = match (success, run.errors.is_empty()) {
            (true, true) => None,
            (_, false) => Some(run.errors.join("; ")),
            (false, true) => Some(
                match run.outcome {
                    RunOutcome::Interrupted => "the run stopped early; it resumes at the next one",
                    _ => "the run failed",
                }
                .to_owned(),
            ),
        };
        Self {
            success,
            account_id,
            conversations_processed: run.conversations_processed,
            messages_processed: run.messages_processed,
            duration_ms,
            #[allow(clippy::cast_precision_loss, reason = "milliseconds of one run")]
            duration_seconds: duration_ms as f64 / 1000.0,
            error,
        }
    }
}

/// Where an account's syncing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SyncState {
    /// No run reported yet, and none asked for.
    Never,
    /// A sync was asked for; the extension has not checked in since.
    Queued,
    /// The extension picked the request up and has not reported the run yet.
    Syncing,
    /// The last run completed.
    Synced,
    /// The last run stopped early (throttled, backend unreachable); the next one resumes.
    Interrupted,
    /// The last run failed on something that needs the user (logged out of LinkedIn, say).
    Failed,
}

/// One account's sync status.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountSync {
    pub account_id: ProfileUrn,
    /// The owner's name, as LinkedIn shows it.
    pub name: String,
    pub state: SyncState,
    /// When the last run finished.
    pub last_sync_at: Option<DateTime<Utc>>,
    /// The last run, in the shape `POST …/conversations/sync` answers with.
    pub last_sync: Option<SyncResult>,
    /// Conversations stored for the account (deleted ones left out).
    pub conversations: u64,
    /// Messages stored for the account.
    pub messages: u64,
    /// People and organisations met in the account's conversations.
    pub contacts: u64,
    /// A sync asked for that has not finished yet.
    pub pending_request: Option<SyncRequest>,
}

impl From<AccountStatus> for AccountSync {
    fn from(status: AccountStatus) -> Self {
        let state = match (&status.pending_request, &status.last_run) {
            (Some(request), _) if request.state == SyncRequestState::Delivered => {
                SyncState::Syncing
            }
            (Some(_), _) => SyncState::Queued,
            (None, None) => SyncState::Never,
            (None, Some(run)) => match run.outcome {
                RunOutcome::Completed => SyncState::Synced,
                RunOutcome::Interrupted => SyncState::Interrupted,
                RunOutcome::Failed => SyncState::Failed,
            },
        };
        Self {
            last_sync_at: status.last_run.as_ref().map(|run| run.finished_at),
            last_sync: status
                .last_run
                .as_ref()
                .map(|run| SyncResult::of(status.account_id.clone(), run)),
            account_id: status.account_id,
            name: status.name,
            state,
            conversations: status.conversations,
            messages: status.messages,
            contacts: status.contacts,
            pending_request: status.pending_request,
        }
    }
}

/// `GET /api/v1/linkedin/sync/status`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusAll {
    pub success: bool,
    /// Every LinkedIn account the extension synced for the key's user.
    pub accounts: Vec<AccountSync>,
}

/// `GET /api/v1/linkedin/sync/status/{accountId}`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusOne {
    pub success: bool,
    pub account: AccountSync,
}

/// An account id as a program sends it: a profile URN or the bare `ACoA…` id.
fn parse_account(raw: &str) -> Result<ProfileUrn, ApiError> {
    ProfileUrn::parse(raw)
        .or_else(|_| ProfileId::parse(raw).map(ProfileUrn::from_id))
        .map_err(|error| ApiError::InvalidRequest(error.to_string()))
}

/// The user's account named `raw`: 404 when the user has no such account.
async fn find_account(
    state: &AppState,
    user: UserId,
    raw: &str,
) -> Result<AccountStatus, ApiError> {
    let account_id = parse_account(raw)?;
    state
        .store
        .list_accounts(user)
        .await?
        .into_iter()
        .find(|account| account.account_id == account_id)
        .ok_or(ApiError::NotFound)
}

pub async fn sync(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    ApiJson(call): ApiJson<SyncCall>,
) -> Result<Response, ApiError> {
    if call.wait > MAX_WAIT_SECS {
        return Err(ApiError::InvalidRequest(format!(
            "wait is at most {MAX_WAIT_SECS} seconds"
        )));
    }
    let account = find_account(&state, auth.user, &call.account_id).await?;
    // A sync already asked for and not finished is joined, not asked for twice; the store
    // does the join or the create at once, so simultaneous calls share one request.
    let request = state
        .store
        .join_or_create_sync_request(
            auth.user,
            &SyncRequest {
                id: random_token(),
                account_id: account.account_id.clone(),
                force: call.force,
                state: SyncRequestState::Queued,
                requested_at: state.clock.now(),
            },
        )
        .await?;
    let wait = Duration::seconds(i64::try_from(call.wait).unwrap_or(0));
    let deadline = state.clock.now() + wait;
    match wait_for_run(&state, auth.user, &request.id, deadline).await? {
        Some(run) => Ok(Json(SyncResult::of(account.account_id, &run)).into_response()),
        None => {
            let request = state
                .store
                .get_sync_request(auth.user, &request.id)
                .await?
                .unwrap_or(request);
            Ok((StatusCode::ACCEPTED, Json(request)).into_response())
        }
    }
}

/// The run that finished the request, once reported, or `None` at `deadline` (by the
/// backend's clock). Woken by every run report this process stores; polls for the others.
async fn wait_for_run(
    state: &AppState,
    user: UserId,
    request_id: &str,
    deadline: DateTime<Utc>,
) -> Result<Option<RunReport>, ApiError> {
    let mut reports = state.runs_reported.subscribe();
    loop {
        // Marked seen before the store is read: a report stored after this wakes the wait.
        reports.borrow_and_update();
        if let Some(run) = state.store.finished_run(user, request_id).await? {
            return Ok(Some(run));
        }
        let left = deadline - state.clock.now();
        if left <= Duration::zero() {
            return Ok(None);
        }
        let nap = left.to_std().unwrap_or(POLL).min(POLL);
        // A timeout or a closed channel both mean: look again.
        let _ = tokio::time::timeout(nap, reports.changed()).await;
    }
}

pub async fn status(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
) -> Result<Json<StatusAll>, ApiError> {
    let accounts = state.store.list_accounts(auth.user).await?;
    Ok(Json(StatusAll {
        success: true,
        accounts: accounts.into_iter().map(AccountSync::from).collect(),
    }))
}

pub async fn status_of(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path(account_id): Path<String>,
) -> Result<Json<StatusOne>, ApiError> {
    let account = find_account(&state, auth.user, &account_id).await?;
    Ok(Json(StatusOne {
        success: true,
        account: account.into(),
    }))
}

/// The routes of this API, for the router and the OpenAPI document.
/// `GET /api/v1/linkedin/messages/{messageUrn}/attachments/{index}`: the stored bytes, with
/// their media type.
pub async fn attachment(
    State(state): State<AppState>,
    auth: ApiKeyAuth,
    Path((message, index)): Path<(String, u32)>,
) -> Result<Response, ApiError> {
    attachment_bytes::serve_stored(&state, auth.user, &message, index).await
}

pub fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    vec![
        (
            doc(
                "post",
                "/linkedin/conversations/sync",
                Access::ApiKey,
                Some(body::<SyncCall>),
                200,
                Some(body::<SyncResult>),
                "Sync an account through the extension and answer with the run's counts \
                 (202 with the queued request when it has not finished within `wait`)",
            )
            .also(202, body::<SyncRequest>),
            post(sync),
        ),
        (
            doc(
                "get",
                "/linkedin/sync/status",
                Access::ApiKey,
                None,
                200,
                Some(body::<StatusAll>),
                "Last sync, state and counts of every LinkedIn account of the key's user",
            ),
            get(status),
        ),
        (
            doc(
                "get",
                "/linkedin/sync/status/{accountId}",
                Access::ApiKey,
                None,
                200,
                Some(body::<StatusOne>),
                "Last sync, state and counts of one LinkedIn account",
            ),
            get(status_of),
        ),
        (
            doc(
                "get",
                "/linkedin/messages/{messageUrn}/attachments/{index}",
                Access::ApiKey,
                None,
                200,
                None,
                "The bytes of a message's attachment (index in the message's `attachments`), \
                 with their media type; 404 when unknown or not downloaded yet",
            )
            .raw(RawBytes::Response),
            get(attachment),
        ),
    ]
}
