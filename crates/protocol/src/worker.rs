//! Messages inside the extension: popup and content script to the service worker, and the
//! worker to the content script (the tab transport). The JS side uses the same `type` tags;
//! `extension/types/worker.d.ts` is generated from these types (tests/worker_types.rs).

use chrono::{DateTime, Utc};
use ping_core::sync::PacePreset;
use ping_core::sync::attachments::{AttachmentDownloads, AttachmentPolicy};
use ping_core::voyager::{HttpRequest, PageMeta, PageQueryIds};
use serde::{Deserialize, Serialize};

use crate::api::RunReport;

/// A message to the service worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    try_from = "crate::flat::WorkerRequestFields"
)]
// The JSON is the tagged enum's either way (crate::flat).
#[cfg_attr(feature = "schema", schemars(!try_from))]
pub enum WorkerRequest {
    /// The content script saw a LinkedIn page load (sync if the throttle allows); `page` is
    /// what the page said about LinkedIn's web client, for the headers of Voyager calls, and
    /// where the page shows LinkedIn's query ids. The worker learns those (fetching the bundles
    /// it has not scanned) before the visit's sync starts.
    PageVisit {
        /// The address of the LinkedIn page.
        url: String,
        /// The page's locale, client version and page instance id, and the browser's time zone.
        page: PageMeta,
        /// The page's requests with a query id so far, its inline scripts' ids, its bundles.
        query_ids: PageQueryIds,
    },
    /// The content script saw a profile page; `html` is the parts the profile parser needs.
    ProfilePage {
        /// The profile's address, `https://www.linkedin.com/in/<slug>/`.
        url: String,
        /// The page's markup as rendered when the content script read it.
        html: String,
    },
    /// Voyager URLs the page itself requested (from resource timing), to learn rotated query ids.
    QueryIdsObserved {
        /// Request URLs; messaging query ids are learnt from their `queryId` parameter.
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
        /// The code as the user typed it, e.g. `PING-X7K3M2`.
        code: String,
    },
    /// Forget the token and the sync state.
    Unpair,
    /// The options page asks for the settings in force (the defaults before any save);
    /// answered with [`WorkerReply::Settings`].
    GetSettings,
    /// The options page saves; the worker stores them [normalised](ExtensionSettings::normalise)
    /// and answers with [`WorkerReply::Settings`], what it stored.
    SaveSettings {
        /// The settings as the form holds them.
        settings: ExtensionSettings,
    },
}

impl WorkerRequest {
    /// Whether a web page's content script may send this: page visits, profile pages and
    /// the query ids it saw, nothing that changes settings, pairing or triggers a sync.
    pub fn allowed_from_content_script(&self) -> bool {
        matches!(
            self,
            WorkerRequest::PageVisit { .. }
                | WorkerRequest::ProfilePage { .. }
                | WorkerRequest::QueryIdsObserved { .. }
        )
    }
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
    /// Whether the spam folder is synced too (the other folders always are).
    #[serde(default)]
    pub sync_spam: bool,
    /// Which message attachments are downloaded into the CRM.
    #[serde(default)]
    pub attachments: AttachmentDownloads,
    /// The largest attachment downloaded, in megabytes (MiB).
    #[serde(default = "ExtensionSettings::default_attachment_max_mb")]
    pub attachment_max_mb: u32,
}

impl ExtensionSettings {
    /// The shortest throttle: automatic syncs closer together would spend LinkedIn's patience
    /// on pages that rarely change.
    pub const MIN_THROTTLE_MINUTES: u32 = 15;
    /// The longest throttle, a week (the options page's limit too).
    pub const MAX_THROTTLE_MINUTES: u32 = 7 * 24 * 60;
    /// The largest attachment cap offered: the backend's own default limit.
    pub const MAX_ATTACHMENT_MB: u32 = 100;

    fn default_attachment_max_mb() -> u32 {
        u32::try_from(AttachmentPolicy::DEFAULT_MAX_BYTES / MIB).unwrap_or(25)
    }

    /// The attachment cap in bytes.
    pub fn attachment_max_bytes(&self) -> u64 {
        u64::from(self.attachment_max_mb) * MIB
    }

    /// Why these settings cannot be saved: a plain-http backend anywhere but this computer
    /// would carry the pairing token and the CRM's data unencrypted.
    pub fn problem(&self) -> Option<String> {
        let rest = self.backend_url.strip_prefix("http://")?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        };
        let local = ["localhost", "127.0.0.1", "::1"].contains(&host.to_ascii_lowercase().as_str());
        (!local).then(|| {
            format!(
                "{host} would receive your pairing token and CRM data unencrypted over plain http: use an https:// address (plain http is allowed only for this computer, localhost)"
            )
        })
    }

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
            sync_spam: self.sync_spam,
            attachments: self.attachments,
            attachment_max_mb: self.attachment_max_mb.clamp(1, Self::MAX_ATTACHMENT_MB),
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
            sync_spam: false,
            attachments: AttachmentDownloads::All,
            attachment_max_mb: Self::default_attachment_max_mb(),
        }
    }
}

const MIB: u64 = 1024 * 1024;

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
    /// The pace in force: the chosen one, or Careful while LinkedIn's pushback lasts.
    pub pace: PacePreset,
    /// Messaging calls in the last hour.
    pub this_hour: u32,
    /// The hourly budget of that pace.
    pub hourly: u32,
    /// Messaging calls in the last 24 hours.
    pub today: u32,
    /// The daily budget of that pace.
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
        /// The pairing code to enter in the web UI, once the backend issued one.
        code: Option<String>,
        /// When that code stops working.
        expires_at: Option<DateTime<Utc>>,
    },
    /// Paired and idle.
    Connected {
        /// The LinkedIn account's owner, once a sync has learnt who it is.
        account_name: Option<String>,
        /// How the latest sync went.
        last_run: Option<RunReport>,
        /// The earliest time a LinkedIn page visit syncs again; absent: the next one does.
        next_automatic_sync_at: Option<DateTime<Utc>>,
        /// While older history is still coming.
        history: Option<HistoryView>,
        /// LinkedIn calls made against the pace's budgets.
        budget: BudgetView,
    },
    /// A sync is running.
    Syncing {
        /// Conversations whose messages are all fetched so far.
        conversations: u32,
        /// Messages fetched so far.
        messages: u32,
        /// Attachments stored in the CRM so far.
        attachments: u32,
        /// When the run began.
        started_at: DateTime<Utc>,
        /// While older history is still coming.
        history: Option<HistoryView>,
        /// LinkedIn calls made against the pace's budgets.
        budget: BudgetView,
    },
    /// LinkedIn asked for a security check: every sync, Sync Now included, waits until
    /// `until`; the user completes the check on linkedin.com.
    SecurityCheck {
        /// When the cool-down after the check ends.
        until: DateTime<Utc>,
    },
    /// No usable LinkedIn cookies: visit linkedin.com and log in.
    LinkedInSessionExpired {
        /// LinkedIn ended the session soon after it limited this browser's requests.
        after_pushback: bool,
    },
    /// The backend refused the token (expired or revoked): pair again.
    PairingExpired {
        /// A new pairing code to enter in the web UI, once the backend issued one.
        code: Option<String>,
        /// When that code stops working.
        expires_at: Option<DateTime<Utc>>,
    },
    /// The backend did not answer.
    BackendUnreachable {
        /// The network error or the HTTP status.
        detail: String,
    },
    /// LinkedIn is limiting requests; the sync resumes after `retry_at`.
    ThrottledByLinkedIn {
        /// When LinkedIn's backoff ends.
        retry_at: DateTime<Utc>,
    },
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
    /// What the popup shows, after `getState`, the pairing requests and `unpair`.
    State {
        /// The state to render.
        state: PopupState,
    },
    /// The settings in force, after `getSettings` and `saveSettings`.
    Settings {
        /// The settings stored, normalised.
        settings: ExtensionSettings,
    },
    /// Done, nothing to show: after `syncNow` and the content script's reports.
    Ack,
    /// The request failed.
    Error {
        /// What went wrong, for a person.
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
    Fetch {
        /// The URL and headers; the page's `fetch` adds the cookies.
        request: HttpRequest,
    },
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
            sync_spam: false,
            attachments: AttachmentDownloads::ImagesOnly,
            attachment_max_mb: 25,
        }
    }

    #[test]
    fn settings_saved_before_attachments_existed_download_them_all_up_to_25_mb() {
        let old = r#"{"backendUrl":"http://127.0.0.1:8787","throttleMinutes":120,"paused":false}"#;
        let settings: ExtensionSettings = serde_json::from_str(old).unwrap();
        assert_eq!(settings.attachments, AttachmentDownloads::All);
        assert_eq!(settings.attachment_max_bytes(), 25 * 1024 * 1024);
    }

    #[test]
    fn the_attachment_cap_stays_between_one_megabyte_and_the_backends_limit() {
        for (given, kept) in [
            (0, 1),
            (25, 25),
            (5_000, ExtensionSettings::MAX_ATTACHMENT_MB),
        ] {
            let saved = ExtensionSettings {
                attachment_max_mb: given,
                ..ExtensionSettings::default()
            }
            .normalise();
            assert_eq!(saved.attachment_max_mb, kept, "{given}");
        }
    }

    #[test]
    fn plain_http_is_allowed_for_this_computer_only() {
        for url in [
            "http://127.0.0.1:8787",
            "http://localhost:8787/crm",
            "http://[::1]:8787",
            "https://ping.example",
        ] {
            assert_eq!(settings(url, 120).problem(), None, "{url}");
        }
        for url in [
            "http://ping.example",
            "http://192.168.1.5:8787",
            "http://localhost.evil.example",
        ] {
            assert!(settings(url, 120).problem().is_some(), "{url}");
        }
    }

    #[test]
    fn content_scripts_may_only_report_what_they_see() {
        let visit = WorkerRequest::PageVisit {
            url: "https://www.linkedin.com/feed/".into(),
            page: PageMeta::default(),
            query_ids: PageQueryIds::default(),
        };
        assert!(visit.allowed_from_content_script());
        for request in [
            WorkerRequest::SyncNow,
            WorkerRequest::Unpair,
            WorkerRequest::GetState,
            WorkerRequest::SaveSettings {
                settings: ExtensionSettings::default(),
            },
        ] {
            assert!(!request.allowed_from_content_script(), "{request:?}");
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
