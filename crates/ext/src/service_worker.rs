//! The service worker's entry point: one export that takes a [`WorkerRequest`] as JSON and
//! answers a [`WorkerReply`] as JSON. `extension/sw.js` registers the Chrome listeners and
//! forwards every message here.

use chrono::Utc;
use ping_core::sync::{SyncTrigger, next_automatic_sync, with_queued_request};
use ping_protocol::api::{ExtensionToken, ProfileSource, ProfilesPush};
use ping_protocol::worker::{PopupState, WorkerReply, WorkerRequest};
use wasm_bindgen::prelude::*;

use crate::backend::{Backend, BackendError};
use crate::error::WorkerError;
use crate::popup_state::{Facts, popup_state};
use crate::profile_parser::parse_profile_page;
use crate::store::PopupRecords;
use crate::{avatar, pairing, query_ids, store, sync};

/// Handles one message from the popup, the options page or (`from_web_page`) a content script,
/// which may only report what its page shows.
#[wasm_bindgen]
pub async fn handle_message(message: String, from_web_page: bool) -> String {
    let reply = match crate::json::decode::<WorkerRequest>(&message) {
        Ok(request) if from_web_page && !request.allowed_from_content_script() => {
            WorkerReply::Error {
                message: WorkerError::NotFromWebPages.to_string(),
            }
        }
        Ok(request) => handle(request)
            .await
            .unwrap_or_else(|error| WorkerReply::Error {
                message: error.to_string(),
            }),
        Err(error) => WorkerReply::Error {
            message: WorkerError::BadMessage(error.to_string()).to_string(),
        },
    };
    serde_json::to_string(&reply)
        .unwrap_or_else(|_| r#"{"type":"error","message":"unencodable reply"}"#.to_owned())
}

async fn handle(request: WorkerRequest) -> Result<WorkerReply, WorkerError> {
    match request {
        WorkerRequest::GetState => {
            // The popup's first question, often to a cold worker: one read per storage area.
            let mut stored = store::popup_records().await?;
            if stored.token.is_none() {
                if stored.pairing_attempt.is_some() {
                    noting_backend(pairing::poll_once().await).await?;
                    stored = store::popup_records().await?;
                } else if stored.backend_problem.take().is_some() {
                    // What a poll with no code to poll did before this shortcut: forget it.
                    store::save_backend_problem(None).await?;
                }
            }
            return Ok(WorkerReply::State {
                state: state_of(stored),
            });
        }
        WorkerRequest::RequestPairingCode => pairing::request_code().await?,
        WorkerRequest::EnterPairingCode { code } => pairing::claim(&code).await?,
        WorkerRequest::Unpair => store::forget_pairing().await?,
        WorkerRequest::GetSettings => {
            let settings = store::settings().await?;
            return Ok(WorkerReply::Settings { settings });
        }
        WorkerRequest::SaveSettings { settings } => {
            // The options page sends what was typed; the rules are ExtensionSettings'.
            let settings = settings.normalise();
            if let Some(problem) = settings.problem() {
                return Ok(WorkerReply::Error { message: problem });
            }
            // Another backend is another CRM: this browser pairs with it anew.
            if store::settings().await?.backend_url != settings.backend_url {
                store::forget_pairing().await?;
            }
            store::save_settings(&settings).await?;
            return Ok(WorkerReply::Settings { settings });
        }
        WorkerRequest::SyncNow => {
            spawn_trigger(SyncTrigger::Manual);
            return Ok(WorkerReply::Ack);
        }
        WorkerRequest::PageVisit {
            page,
            query_ids: shown,
            ..
        } => {
            store::save_page_meta(&page).await?;
            // The visit's sync starts knowing the ids this page shows: after a rotation they
            // are the only working ones.
            if let Err(error) = query_ids::learn_from_page(&shown).await {
                web_sys::console::warn_1(&format!("query ids: {error}").into());
            }
            spawn_trigger(SyncTrigger::PageVisit);
            return Ok(WorkerReply::Ack);
        }
        WorkerRequest::ProfilePage { url, html } => {
            capture_profile(&url, &html).await?;
            return Ok(WorkerReply::Ack);
        }
        WorkerRequest::QueryIdsObserved { urls } => {
            let mut registry = store::query_ids().await?;
            let learned = urls.iter().filter(|url| registry.observe_url(url)).count();
            if learned > 0 {
                store::save_query_ids(&registry).await?;
            }
            return Ok(WorkerReply::Ack);
        }
    }
    Ok(WorkerReply::State {
        state: current_state().await?,
    })
}

/// Remembers what a backend failure means for the popup, and passes other results through.
/// An unreachable backend or a rejected token is an answer to show, not an error to reply.
async fn noting_backend<T>(result: Result<T, WorkerError>) -> Result<Option<T>, WorkerError> {
    match result {
        Ok(value) => {
            store::save_backend_problem(None).await?;
            Ok(Some(value))
        }
        Err(WorkerError::Backend(BackendError::Unreachable { detail })) => {
            store::save_backend_problem(Some(&detail)).await?;
            Ok(None)
        }
        Err(WorkerError::Backend(BackendError::PairingRejected { refused, .. })) => {
            store::reject_token(refused).await?;
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

fn spawn_trigger(trigger: SyncTrigger) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(error) = on_trigger(trigger).await {
            web_sys::console::warn_1(&format!("sync: {error}").into());
        }
    });
}

/// A sync trigger: check in with the backend, then sync if the throttle allows. Settings,
/// token and sync state are read once, here.
async fn on_trigger(trigger: SyncTrigger) -> Result<(), WorkerError> {
    let Some(token) = store::token().await? else {
        return Ok(());
    };
    let settings = store::settings().await?;
    let state = store::sync_state().await?;
    let account = state.account().map(|account| account.profile.clone());
    let checked_in = pairing::check_in(&settings, token, account).await;
    let Some(checked_in) = noting_backend(checked_in).await? else {
        return Ok(());
    };
    let queued_force = checked_in.requested.map(|request| request.force);
    let (trigger, force) = with_queued_request(trigger, queued_force);
    let due = sync::Due {
        trigger,
        force,
        settings,
        token: checked_in.token,
        state,
    };
    sync::run_if_due(due).await.map(drop)
}

/// Parses a visited profile page and pushes the profile, with its avatar if the backend asks.
async fn capture_profile(url: &str, html: &str) -> Result<(), WorkerError> {
    let Some(token) = store::token().await? else {
        return Ok(());
    };
    let profile =
        parse_profile_page(html, url)
            .await
            .map_err(|reason| WorkerError::NotAProfile {
                url: url.to_owned(),
                reason,
            })?;
    let push = ProfilesPush {
        source: ProfileSource::PageVisit,
        captured_at: Utc::now(),
        profiles: vec![profile],
        unavailable: Vec::new(),
    };
    let backend = backend_for(&token).await?;
    let answer = noting_backend(
        backend
            .push_profiles(&push)
            .await
            .map_err(WorkerError::from),
    )
    .await?;
    for request in answer
        .map(|answer| answer.avatar_requests)
        .unwrap_or_default()
    {
        if let Err(error) = avatar::transfer(&backend, &request.member, &request.url).await {
            web_sys::console::warn_1(&format!("avatar: {error}").into());
        }
    }
    Ok(())
}

async fn backend_for(token: &ExtensionToken) -> Result<Backend, WorkerError> {
    let settings = store::settings().await?;
    Ok(Backend::new(&settings.backend_url, Some(token)))
}

/// The popup's state from what is stored.
async fn current_state() -> Result<PopupState, WorkerError> {
    Ok(state_of(store::popup_records().await?))
}

fn state_of(stored: PopupRecords) -> PopupState {
    let now = Utc::now();
    // A sync runs while someone else holds a live lease (ping-core decides what "live" is).
    let running = match stored.lease {
        Some(lease) if lease.is_live(now) => stored.progress,
        _ => None,
    };
    let facts = Facts {
        token: stored.token.as_ref(),
        pairing_expired: stored.pairing_expired,
        attempt: stored.pairing_attempt.as_ref(),
        running,
        sync: &stored.sync_state,
        last_run: stored.last_run.as_ref(),
        backend_problem: stored.backend_problem.as_deref(),
        next_automatic_sync_at: next_automatic_sync(
            &stored.sync_state,
            &sync::throttle_policy(&stored.settings),
        ),
        pace: stored.settings.pace,
        now,
    };
    popup_state(&facts)
}
