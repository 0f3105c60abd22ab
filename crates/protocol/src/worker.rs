//! Messages inside the extension: popup and content script to the service worker, and the
//! worker to the content script (the tab transport). The JS side uses the same `type` tags.

use chrono::{DateTime, Utc};
use ping_core::voyager::{HttpRequest, PageMeta};
use serde::{Deserialize, Serialize};

use crate::api::RunReport;

/// A message to the service worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkerRequest {
    /// The content script saw a LinkedIn page load (sync if the throttle allows); `page` is
    /// what the page said about LinkedIn's web client, for the headers of Voyager calls.
    PageVisit {
        url: String,
        page: PageMeta,
    },
    /// The content script saw a profile page; `html` is the parts the profile parser needs.
    ProfilePage {
        url: String,
        html: String,
    },
    /// Voyager URLs the page itself requested (from resource timing), to learn rotated query ids.
    QueryIdsObserved {
        urls: Vec<String>,
    },
    /// The popup's Sync Now: no throttle.
    SyncNow,
    /// The popup asks what to show.
    GetState,
    /// The popup asks for a pairing code to display.
    RequestPairingCode,
    /// The popup's field for a code shown by the web UI.
    EnterPairingCode {
        code: String,
    },
    /// Forget the token and the sync state.
    Unpair,
    SaveSettings {
        settings: ExtensionSettings,
    },
}

/// The extension's options page settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionSettings {
    /// The Ping backend, e.g. `http://127.0.0.1:8787`.
    pub backend_url: String,
    /// Minimum time between automatic syncs, in minutes (default 120).
    pub throttle_minutes: u32,
    /// No automatic syncs while paused (Sync Now still works).
    pub paused: bool,
}

impl Default for ExtensionSettings {
    fn default() -> Self {
        Self {
            backend_url: "http://127.0.0.1:8787".to_owned(),
            throttle_minutes: 120,
            paused: false,
        }
    }
}

/// What the popup shows; one variant per state a user can meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PopupState {
    /// Not paired: show the code, its countdown, and the field for a code from the web UI.
    Unpaired {
        code: Option<String>,
        expires_at: Option<DateTime<Utc>>,
    },
    /// Paired and idle.
    Connected {
        account_name: Option<String>,
        last_run: Option<RunReport>,
        next_automatic_sync_at: Option<DateTime<Utc>>,
    },
    /// A sync is running.
    Syncing {
        conversations: u32,
        messages: u32,
        started_at: DateTime<Utc>,
    },
    /// No usable LinkedIn cookies: visit linkedin.com and log in.
    LinkedInSessionExpired,
    /// The backend refused the token (expired or revoked): pair again.
    PairingExpired {
        code: Option<String>,
        expires_at: Option<DateTime<Utc>>,
    },
    /// The backend did not answer.
    BackendUnreachable { detail: String },
    /// LinkedIn is limiting requests; the sync resumes after `retry_at`.
    ThrottledByLinkedIn { retry_at: DateTime<Utc> },
}

/// The worker's reply to any [`WorkerRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkerReply {
    State { state: PopupState },
    Ack,
    Error { message: String },
}

/// A message from the worker to the content script of an open LinkedIn tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ContentRequest {
    /// Fetch this Voyager request from the page (same origin, the tab's own cookies).
    Fetch { request: HttpRequest },
}
