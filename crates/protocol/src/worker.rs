//! Messages inside the extension: popup and content script to the service worker, and the
//! worker to the content script (the tab transport). The JS side uses the same `type` tags;
//! `extension/types/worker.d.ts` is generated from these types (tests/worker_types.rs).

use chrono::{DateTime, Utc};
use ping_core::sync::PacePreset;
use ping_core::voyager::{HttpRequest, PageMeta};
use serde::{Deserialize, Serialize};

use crate::api::RunReport;

/// A message to the service worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkerRequest {
    /// The content script saw a LinkedIn page load (sync if the throttle allows); `page` is
    /// what the page said about LinkedIn's web client, for the headers of Voyager calls.
    PageVisit { url: String, page: PageMeta },
    /// The content script saw a profile page; `html` is the parts the profile parser needs.
    ProfilePage { url: String, html: String },
    /// Voyager URLs the page itself requested (from resource timing), to learn rotated query ids.
    QueryIdsObserved { urls: Vec<String> },
    /// The popup's Sync Now: no throttle.
    SyncNow,
    /// The popup asks what to show.
    GetState,
    /// The popup asks for a pairing code to display.
    RequestPairingCode,
    /// The popup's field for a code shown by the web UI.
    EnterPairingCode { code: String },
    /// Forget the token and the sync state.
    Unpair,
    /// The options page asks for the settings in force (the defaults before any save);
    /// answered with [`WorkerReply::Settings`].
    GetSettings,
    /// The options page saves; the worker stores them [normalised](ExtensionSettings::normalise)
    /// and answers with [`WorkerReply::Settings`], what it stored.
    SaveSettings { settings: ExtensionSettings },
}

/// The extension's options page settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExtensionSettings {
    /// The Ping backend, e.g. `http://127.0.0.1:8787`.
    pub backend_url: String,
    /// Minimum time between automatic syncs, in minutes (default 120).
    pub throttle_minutes: u32,
    /// No automatic syncs while paused (Sync Now still works).
    pub paused: bool,
    /// How fast the extension may call LinkedIn.
    #[serde(default)]
    pub pace: PacePreset,
}

impl ExtensionSettings {
    /// The shortest throttle: automatic syncs closer together would spend LinkedIn's patience
    /// on pages that rarely change.
    pub const MIN_THROTTLE_MINUTES: u32 = 15;
    /// The longest throttle, a week (the options page's limit too).
    pub const MAX_THROTTLE_MINUTES: u32 = 7 * 24 * 60;

    /// The settings as the worker keeps them: the backend address without surrounding
    /// whitespace, query, fragment or trailing slashes (the API paths are appended to it), and
    /// the throttle within its bounds.
    #[must_use]
    pub fn normalise(self) -> Self {
        let url = self.backend_url.trim();
        let url = url.split(['?', '#']).next().unwrap_or(url);
        Self {
            backend_url: url.trim_end_matches('/').to_owned(),
            throttle_minutes: self
                .throttle_minutes
                .clamp(Self::MIN_THROTTLE_MINUTES, Self::MAX_THROTTLE_MINUTES),
            paused: self.paused,
            // The compressed test timing is never saved from a page: it would call LinkedIn
            // a thousand times faster than Standard.
            pace: match self.pace {
                PacePreset::Compressed => PacePreset::Standard,
                pace => pace,
            },
        }
    }
}

impl Default for ExtensionSettings {
    fn default() -> Self {
        Self {
            backend_url: "http://127.0.0.1:8787".to_owned(),
            throttle_minutes: 120,
            paused: false,
            pace: PacePreset::Standard,
        }
    }
}

/// How much of the mailbox's history is synced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    /// Conversations whose whole history is in Ping.
    pub complete: u32,
    /// Conversations known so far.
    pub known: u32,
}

/// LinkedIn calls made against the budgets of the pace in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct BudgetView {
    pub pace: PacePreset,
    pub this_hour: u32,
    pub hourly: u32,
    pub today: u32,
    pub daily: u32,
}

/// What the popup shows; one variant per state a user can meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        /// While older history is still coming.
        history: Option<HistoryView>,
        budget: BudgetView,
    },
    /// A sync is running.
    Syncing {
        conversations: u32,
        messages: u32,
        started_at: DateTime<Utc>,
        history: Option<HistoryView>,
        budget: BudgetView,
    },
    /// LinkedIn asked for a security check: every sync, Sync Now included, waits until
    /// `until`; the user completes the check on linkedin.com.
    SecurityCheck { until: DateTime<Utc> },
    /// No usable LinkedIn cookies: visit linkedin.com and log in.
    LinkedInSessionExpired {
        /// LinkedIn ended the session soon after it limited this browser's requests.
        after_pushback: bool,
    },
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkerReply {
    State {
        state: PopupState,
    },
    /// The settings in force, after `getSettings` and `saveSettings`.
    Settings {
        settings: ExtensionSettings,
    },
    Ack,
    Error {
        message: String,
    },
}

/// A message from the worker to the content script of an open LinkedIn tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ContentRequest {
    /// Fetch this Voyager request from the page (same origin, the tab's own cookies).
    Fetch { request: HttpRequest },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(backend_url: &str, throttle_minutes: u32) -> ExtensionSettings {
        ExtensionSettings {
            backend_url: backend_url.to_owned(),
            throttle_minutes,
            paused: true,
            pace: PacePreset::Careful,
        }
    }

    #[test]
    fn the_compressed_test_pace_is_never_saved_from_a_page() {
        let saved = ExtensionSettings {
            pace: PacePreset::Compressed,
            ..ExtensionSettings::default()
        }
        .normalise();
        assert_eq!(saved.pace, PacePreset::Standard);
        let careful = settings("http://127.0.0.1:8787", 120).normalise();
        assert_eq!(careful.pace, PacePreset::Careful);
    }

    #[test]
    fn normalise_keeps_the_address_the_api_paths_append_to_and_bounds_the_throttle() {
        for (given, minutes, expected_url, expected_minutes) in [
            ("http://127.0.0.1:8787", 120, "http://127.0.0.1:8787", 120),
            (
                "  https://ping.example/crm/// ",
                0,
                "https://ping.example/crm",
                15,
            ),
            (
                "http://localhost:8787/?tab=1#top",
                14,
                "http://localhost:8787",
                15,
            ),
            ("https://ping.example#x", 15, "https://ping.example", 15),
            (
                "https://ping.example",
                u32::MAX,
                "https://ping.example",
                10_080,
            ),
        ] {
            let normalised = settings(given, minutes).normalise();
            assert_eq!(
                normalised,
                settings(expected_url, expected_minutes),
                "{given:?}"
            );
        }
    }

    #[test]
    fn normal_settings_stay_as_they_are() {
        let defaults = ExtensionSettings::default();
        assert_eq!(defaults.clone().normalise(), defaults);
    }
}
