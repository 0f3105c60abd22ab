//! What every handler shares.

use std::sync::Arc;

use tokio::sync::{Notify, watch};

use crate::attachments::AttachmentObjects;
use crate::avatars::AvatarPolicy;
use crate::clock::Clock;
use crate::settings::Settings;
use crate::store::Store;

/// Configuration the handlers need, derived from [`Settings`].
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub secure_cookies: bool,
    /// Reverse proxies of the operator's own in front of the backend (`X-Forwarded-For`).
    pub trusted_proxies: usize,
    /// The host name of `PING_PUBLIC_URL`: requests naming another host (DNS rebinding) are
    /// refused, except loopback names.
    pub public_host: Option<String>,
    pub avatar_policy: AvatarPolicy,
    /// Largest attachment upload accepted, in bytes.
    pub attachment_max_bytes: u64,
    /// The official LinkedIn API: its hosts and the key sealing app secrets and tokens.
    pub official: crate::official::OfficialConfig,
}

impl AppConfig {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            secure_cookies: settings.secure_cookies(),
            trusted_proxies: settings.proxies(),
            public_host: settings.public_host(),
            avatar_policy: AvatarPolicy {
                hosts: settings.avatar_hosts(),
                allow_http: settings.avatar_allow_http,
                max_bytes: settings.avatar_max_bytes,
            },
            attachment_max_bytes: settings.attachment_max_bytes,
            official: crate::official::OfficialConfig::from_settings(settings),
        }
    }
}

/// The router's state: the store, the clock and the configuration.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    /// Attachment bytes by content hash.
    pub attachments: AttachmentObjects,
    /// Wakes the avatar worker of this process when a push queued downloads.
    pub avatar_wakeup: Arc<Notify>,
    /// Counts the run reports this process stored: a `wait`ing sync call of the API looks
    /// again at each (and polls, for reports another process stored).
    pub runs_reported: Arc<watch::Sender<u64>>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        Self {
            store,
            clock,
            config: Arc::new(config),
            // Replaced by the configured store when serving ([`Self::with_attachments`]).
            attachments: AttachmentObjects::in_memory(),
            avatar_wakeup: Arc::new(Notify::new()),
            runs_reported: Arc::new(watch::Sender::new(0)),
        }
    }

    /// This state with attachment bytes kept in `attachments`.
    pub fn with_attachments(self, attachments: AttachmentObjects) -> Self {
        Self {
            attachments,
            ..self
        }
    }
}
