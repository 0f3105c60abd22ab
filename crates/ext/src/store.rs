//! What the extension keeps in `chrome.storage`, one typed function per key.
//!
//! `chrome.storage.local` (kept across restarts): `settings`, `token`, `pairingAttempt`,
//! `pairingExpired`, `syncState`, `paceLog` (the calls made, for the budgets), `queryIds`,
//! `lastRun`, `backendProblem`, `pageMeta`.
//! `chrome.storage.session` (this browser session, shared by worker instances): `lease`,
//! `progress` (read by the popup through `storage.onChanged`).
//! No LinkedIn cookie is ever stored.

use ping_core::sync::{Lease, PaceLog, Progress, SyncState};
use ping_core::voyager::{PageMeta, QueryIdRegistry};
use ping_protocol::api::{ExtensionToken, PairingCodeResponse, RunReport};
use ping_protocol::worker::ExtensionSettings;
use serde::Deserialize;

use crate::backend::TokenTag;
use crate::chrome::ChromeError;
use crate::chrome::storage::{Area, get, get_many_of_both, remove, set};

const SETTINGS: &str = "settings";
const TOKEN: &str = "token";
const PAIRING_ATTEMPT: &str = "pairingAttempt";
const PAIRING_EXPIRED: &str = "pairingExpired";
const SYNC_STATE: &str = "syncState";
const PACE_LOG: &str = "paceLog";
const QUERY_IDS: &str = "queryIds";
const LAST_RUN: &str = "lastRun";
const BACKEND_PROBLEM: &str = "backendProblem";
const PAGE_META: &str = "pageMeta";
const LEASE: &str = "lease";
const PROGRESS: &str = "progress";

pub async fn settings() -> Result<ExtensionSettings, ChromeError> {
    Ok(get(Area::Local, SETTINGS).await?.unwrap_or_default())
}

pub async fn save_settings(settings: &ExtensionSettings) -> Result<(), ChromeError> {
    set(Area::Local, SETTINGS, settings).await
}

pub async fn token() -> Result<Option<ExtensionToken>, ChromeError> {
    get(Area::Local, TOKEN).await
}

/// Stores a fresh token: the browser is paired, any earlier rejection is over.
pub async fn save_token(token: &ExtensionToken) -> Result<(), ChromeError> {
    set(Area::Local, TOKEN, token).await?;
    remove(
        Area::Local,
        &[PAIRING_ATTEMPT, PAIRING_EXPIRED, BACKEND_PROBLEM],
    )
    .await
}

/// The backend refused the token `refused`: forget it and remember why, so the popup offers
/// re-pairing. A different token stored meanwhile (a concurrent refresh saved it) is kept.
pub async fn reject_token(refused: Option<TokenTag>) -> Result<(), ChromeError> {
    let stored = token().await?;
    if let (Some(refused), Some(stored)) = (refused, &stored)
        && TokenTag::of(&stored.token) != refused
    {
        return Ok(());
    }
    remove(Area::Local, &[TOKEN]).await?;
    set(Area::Local, PAIRING_EXPIRED, &true).await
}

pub async fn pairing_attempt() -> Result<Option<PairingCodeResponse>, ChromeError> {
    get(Area::Local, PAIRING_ATTEMPT).await
}

pub async fn save_pairing_attempt(attempt: &PairingCodeResponse) -> Result<(), ChromeError> {
    set(Area::Local, PAIRING_ATTEMPT, attempt).await
}

/// Unpair: forget the token, the pairing, and everything synced for this backend.
pub async fn forget_pairing() -> Result<(), ChromeError> {
    let keys = [
        TOKEN,
        PAIRING_ATTEMPT,
        PAIRING_EXPIRED,
        SYNC_STATE,
        LAST_RUN,
        BACKEND_PROBLEM,
    ];
    remove(Area::Local, &keys).await
}

/// The sync state with the calls made, which are saved apart and far more often.
pub async fn sync_state() -> Result<SyncState, ChromeError> {
    let state: SyncState = get(Area::Local, SYNC_STATE).await?.unwrap_or_default();
    let pace: PaceLog = get(Area::Local, PACE_LOG).await?.unwrap_or_default();
    Ok(state.with_pace(pace))
}

pub async fn save_pace_log(pace: &PaceLog) -> Result<(), ChromeError> {
    set(Area::Local, PACE_LOG, pace).await
}

pub async fn save_sync_state(state: &SyncState) -> Result<(), ChromeError> {
    set(Area::Local, SYNC_STATE, state).await
}

pub async fn query_ids() -> Result<QueryIdRegistry, ChromeError> {
    Ok(get(Area::Local, QUERY_IDS)
        .await?
        .unwrap_or_else(QueryIdRegistry::builtin))
}

pub async fn save_query_ids(registry: &QueryIdRegistry) -> Result<(), ChromeError> {
    set(Area::Local, QUERY_IDS, registry).await
}

pub async fn save_last_run(report: &RunReport) -> Result<(), ChromeError> {
    set(Area::Local, LAST_RUN, report).await
}

pub async fn save_backend_problem(problem: Option<&str>) -> Result<(), ChromeError> {
    match problem {
        Some(detail) => set(Area::Local, BACKEND_PROBLEM, detail).await,
        None => remove(Area::Local, &[BACKEND_PROBLEM]).await,
    }
}

/// What the latest LinkedIn page visit said about LinkedIn's web client (empty before one).
pub async fn page_meta() -> Result<PageMeta, ChromeError> {
    Ok(get(Area::Local, PAGE_META).await?.unwrap_or_default())
}

pub async fn save_page_meta(meta: &PageMeta) -> Result<(), ChromeError> {
    set(Area::Local, PAGE_META, meta).await
}

pub async fn lease() -> Result<Option<Lease>, ChromeError> {
    get(Area::Session, LEASE).await
}

pub async fn save_lease(lease: &Lease) -> Result<(), ChromeError> {
    set(Area::Session, LEASE, lease).await
}

/// Ends the run: frees the lease and clears the progress the popup shows.
pub async fn release_lease() -> Result<(), ChromeError> {
    remove(Area::Session, &[LEASE, PROGRESS]).await
}

pub async fn save_progress(progress: &Progress) -> Result<(), ChromeError> {
    set(Area::Session, PROGRESS, progress).await
}

/// Everything the popup's state is made of, read with one call per storage area: on a cold
/// worker every call is a round trip before the first reply.
pub struct PopupRecords {
    pub token: Option<ExtensionToken>,
    pub pairing_attempt: Option<PairingCodeResponse>,
    pub pairing_expired: bool,
    pub sync_state: SyncState,
    pub last_run: Option<RunReport>,
    pub backend_problem: Option<String>,
    pub settings: ExtensionSettings,
    pub lease: Option<Lease>,
    pub progress: Option<Progress>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LocalRecords {
    token: Option<ExtensionToken>,
    pairing_attempt: Option<PairingCodeResponse>,
    pairing_expired: Option<bool>,
    sync_state: Option<SyncState>,
    pace_log: Option<PaceLog>,
    last_run: Option<RunReport>,
    backend_problem: Option<String>,
    settings: Option<ExtensionSettings>,
}

#[derive(Deserialize)]
struct SessionRecords {
    lease: Option<Lease>,
    progress: Option<Progress>,
}

pub async fn popup_records() -> Result<PopupRecords, ChromeError> {
    let (local, session): (LocalRecords, SessionRecords) = get_many_of_both(
        &[
            TOKEN,
            PAIRING_ATTEMPT,
            PAIRING_EXPIRED,
            SYNC_STATE,
            PACE_LOG,
            LAST_RUN,
            BACKEND_PROBLEM,
            SETTINGS,
        ],
        &[LEASE, PROGRESS],
    )
    .await?;
    Ok(PopupRecords {
        token: local.token,
        pairing_attempt: local.pairing_attempt,
        pairing_expired: local.pairing_expired.unwrap_or(false),
        sync_state: local
            .sync_state
            .unwrap_or_default()
            .with_pace(local.pace_log.unwrap_or_default()),
        last_run: local.last_run,
        backend_problem: local.backend_problem,
        settings: local.settings.unwrap_or_default(),
        lease: session.lease,
        progress: session.progress,
    })
}
