//! The official, app-authorised LinkedIn APIs (issue 13): the user's own LinkedIn app, its
//! OAuth 2.0 connection, and Lead Gen Forms delivered by webhook. Everything here talks to
//! LinkedIn server to server with the app's tokens; it never sees the member's session cookies.

pub mod associations;
pub mod client;
pub mod connection;
pub mod engagement;
pub mod error;
pub mod expiry;
pub mod job;
pub mod lead_sync;
pub mod leads;
pub mod mail;
pub mod oauth;
pub mod posting;
pub mod profile_sync;
pub mod scopes;
pub mod seal;
pub mod webhook;

use crate::settings::Settings;
use mail::ReminderMailer;
use seal::{Sealer, SecretsKeyError};

/// Where the callback of the OAuth flow lands, under `PING_PUBLIC_URL`.
pub const CALLBACK_PATH: &str = "/settings/integrations/linkedin/app/callback";
/// Where LinkedIn sends webhook validations and Lead Sync notifications.
pub const WEBHOOK_PATH: &str = "/connect/webhook/linkedin";

/// What the official-API side needs from the settings.
#[derive(Debug, Clone)]
pub struct OfficialConfig {
    /// `https://www.linkedin.com` (the OAuth host); tests point it at the fake.
    pub oauth_base_url: String,
    /// `https://api.linkedin.com` (the REST host); tests point it at the fake.
    pub api_base_url: String,
    /// `PING_PUBLIC_URL`, for the redirect URI and the webhook URL shown in Settings.
    pub public_url: String,
    /// The sealer of `PING_SECRETS_KEY`, or why there is none: only this side needs it, so
    /// the backend starts without it and the LinkedIn app page says what to set.
    pub sealer: Result<Sealer, SecretsKeyError>,
    pub http: reqwest::Client,
    /// Sends the expiry reminder by email when SMTP is configured (`serve` has refused a start
    /// with unusable SMTP settings).
    pub mailer: Option<ReminderMailer>,
    /// How often the background job ([`job`]) runs.
    pub job_interval: std::time::Duration,
}

/// The client for LinkedIn's hosts: the built-in web roots plus `PING_EXTRA_CA_CERTS`, as the
/// avatar downloads trust (`serve` has already refused a start with an unusable root file).
fn official_http(settings: &Settings) -> reqwest::Client {
    let roots = crate::avatars::load_extra_roots(&settings.extra_ca_certs).unwrap_or_default();
    roots
        .into_iter()
        .fold(reqwest::Client::builder(), |builder, root| {
            builder.add_root_certificate(root)
        })
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap_or_default()
}

impl OfficialConfig {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            oauth_base_url: settings.linkedin_oauth_url.trim_end_matches('/').to_owned(),
            api_base_url: settings.linkedin_api_url.trim_end_matches('/').to_owned(),
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
            sealer: Sealer::from_key(settings.secrets_key.as_ref()),
            http: official_http(settings),
            mailer: ReminderMailer::from_settings(settings).ok().flatten(),
            job_interval: std::time::Duration::from_secs(settings.official_sync_secs),
        }
    }

    /// The redirect URI registered in the LinkedIn app: an absolute URL without `#`.
    pub fn redirect_uri(&self) -> String {
        format!("{}{CALLBACK_PATH}", self.public_url)
    }

    /// The origin of the OAuth host (`https://www.linkedin.com`), which the form starting the
    /// flow must be allowed to redirect to (CSP `form-action`).
    pub fn oauth_origin(&self) -> Option<String> {
        url::Url::parse(&self.oauth_base_url)
            .ok()
            .map(|url| url.origin().ascii_serialization())
            .filter(|origin| origin != "null")
    }

    /// The webhook URL to register for one app (its client id picks the app, since several
    /// users of one backend may each connect their own).
    pub fn webhook_url(&self, client_id: &str) -> String {
        let app =
            percent_encoding::utf8_percent_encode(client_id, percent_encoding::NON_ALPHANUMERIC);
        format!("{}{WEBHOOK_PATH}?app={app}", self.public_url)
    }

    /// The LinkedIn app page's absolute URL, for the reminder email.
    pub fn app_page_url(&self) -> String {
        format!("{}/settings/integrations/linkedin/app", self.public_url)
    }
}
