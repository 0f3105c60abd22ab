//! Typed settings: defaults in code, overridden by `PING_…` environment variables and flags.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

/// A value that must never appear in logs: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A database URL whose password (if any) is redacted in `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// The URL with its password replaced, for logs.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut parsed) if parsed.password().is_some() => {
                // Setting a password only fails for URLs that cannot have one.
                let _ = parsed.set_password(Some("redacted"));
                parsed.to_string()
            }
            _ => self.0.clone(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(s))
    }
}

/// Everything `serve` needs.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(long, env = "PING_BIND", default_value = "127.0.0.1:8787")]
    pub bind: SocketAddr,

    /// `sqlite://path` (created on first run) or `postgres://…` (needs `--features postgres`).
    #[arg(
        long,
        env = "PING_DATABASE_URL",
        default_value = "sqlite://data/ping.db"
    )]
    pub database_url: DatabaseUrl,

    /// The URL users open; an `https://` URL makes cookies `Secure`.
    #[arg(long, env = "PING_PUBLIC_URL", default_value = "http://127.0.0.1:8787")]
    pub public_url: String,

    /// Extra hosts avatars may be downloaded from (comma separated), besides LinkedIn's media
    /// hosts (`ping_core::media::MEDIA_HOSTS`).
    #[arg(long, env = "PING_AVATAR_EXTRA_HOSTS", value_delimiter = ',')]
    pub avatar_extra_hosts: Vec<String>,

    /// Allow plain-http avatar URLs (tests with a local fake only).
    #[arg(long, env = "PING_AVATAR_ALLOW_HTTP", default_value_t = false)]
    pub avatar_allow_http: bool,

    /// Largest avatar accepted, in bytes.
    #[arg(long, env = "PING_AVATAR_MAX_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub avatar_max_bytes: usize,

    /// PEM files of root certificates that avatar downloads trust besides the built-in web roots
    /// (comma separated; a file may hold several): a company's TLS-inspecting proxy, a local
    /// HTTPS server in tests. A file that cannot be read stops the start.
    #[arg(long, env = "PING_EXTRA_CA_CERTS", value_delimiter = ',')]
    pub extra_ca_certs: Vec<PathBuf>,

    /// Avatar downloads run at once (per backend process), so one slow server holds one only.
    #[arg(long, env = "PING_AVATAR_WORKERS", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub avatar_workers: u16,

    /// Where attachment bytes are kept: a directory, `file:///dir`, or `s3://bucket/prefix`
    /// (build with `--features s3`; credentials and region from the standard `AWS_…`
    /// variables). Default: `attachments/` beside the SQLite database, else `data/attachments`.
    #[arg(long, env = "PING_ATTACHMENT_STORE")]
    pub attachment_store: Option<String>,

    /// Largest attachment accepted from the extension, in bytes (default 100 MiB).
    #[arg(long, env = "PING_ATTACHMENT_MAX_BYTES", default_value_t = crate::attachments::DEFAULT_MAX_BYTES)]
    pub attachment_max_bytes: u64,

    /// 32 random bytes as 64 hex characters (`openssl rand -hex 32`) that seal LinkedIn app
    /// secrets and OAuth tokens at rest. Without it the LinkedIn app settings store nothing.
    #[arg(long, env = "PING_SECRETS_KEY", hide_env_values = true)]
    pub secrets_key: Option<Secret<String>>,

    /// LinkedIn's OAuth host (the official API's authorization and token endpoints).
    #[arg(
        long,
        env = "PING_LINKEDIN_OAUTH_URL",
        default_value = "https://www.linkedin.com"
    )]
    pub linkedin_oauth_url: String,

    /// LinkedIn's API host (`/rest/…`, `/v2/…`).
    #[arg(
        long,
        env = "PING_LINKEDIN_API_URL",
        default_value = "https://api.linkedin.com"
    )]
    pub linkedin_api_url: String,

    /// How often the official API's background job runs: token renewals, the expiry reminder
    /// email, and the engagement poll of organisation posts.
    #[arg(long, env = "PING_OFFICIAL_SYNC_SECS", default_value_t = 900, value_parser = clap::value_parser!(u64).range(10..))]
    pub official_sync_secs: u64,

    /// SMTP server for the LinkedIn connection's expiry reminder: `smtp://user:pass@host:port`
    /// (plain), `smtp://…?tls=required` (STARTTLS) or `smtps://…` (TLS). Unset: no email.
    #[arg(long, env = "PING_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret<String>>,

    /// Who gets the reminder email (needed with `PING_SMTP_URL`).
    #[arg(long, env = "PING_REMINDER_EMAIL_TO")]
    pub reminder_email_to: Option<String>,

    /// The reminder email's sender.
    #[arg(
        long,
        env = "PING_REMINDER_EMAIL_FROM",
        default_value = "Ping <ping@localhost>"
    )]
    pub reminder_email_from: String,

    /// TEST ONLY: run the server's clock ahead by this many seconds (e.g. 2592000 for 30
    /// days), so the browser suite can see a pairing token expire.
    #[arg(
        long,
        env = "PING_CLOCK_OFFSET_SECS",
        default_value_t = 0,
        hide_short_help = true
    )]
    pub clock_offset_secs: i64,

    /// How many reverse proxies of your own stand in front of the backend: the client address
    /// (for rate limits) is then read from `X-Forwarded-For`, that many entries from the right.
    /// 0: the header is ignored.
    #[arg(long, env = "PING_TRUSTED_PROXIES", default_value_t = 0)]
    pub trusted_proxies: usize,

    /// Deprecated: the same as `PING_TRUSTED_PROXIES=1`.
    #[arg(
        long,
        env = "PING_TRUST_FORWARDED_FOR",
        default_value_t = false,
        hide = true
    )]
    pub trust_forwarded_for: bool,
}

impl Settings {
    /// The defaults, as `serve` without flags or environment would use them.
    pub fn defaults() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8787)),
            database_url: DatabaseUrl::new("sqlite://data/ping.db"),
            public_url: "http://127.0.0.1:8787".to_owned(),
            avatar_extra_hosts: Vec::new(),
            avatar_allow_http: false,
            avatar_max_bytes: 5 * 1024 * 1024,
            extra_ca_certs: Vec::new(),
            avatar_workers: 4,
            attachment_store: None,
            attachment_max_bytes: crate::attachments::DEFAULT_MAX_BYTES,
            secrets_key: None,
            linkedin_oauth_url: "https://www.linkedin.com".to_owned(),
            linkedin_api_url: "https://api.linkedin.com".to_owned(),
            official_sync_secs: 900,
            smtp_url: None,
            reminder_email_to: None,
            reminder_email_from: "Ping <ping@localhost>".to_owned(),
            clock_offset_secs: 0,
            trusted_proxies: 0,
            trust_forwarded_for: false,
        }
    }

    /// Proxies in front of the backend, the deprecated `PING_TRUST_FORWARDED_FOR` counting as
    /// one.
    pub fn proxies(&self) -> usize {
        self.trusted_proxies
            .max(usize::from(self.trust_forwarded_for))
    }

    /// The host name users reach the backend at (from `PING_PUBLIC_URL`), lowercase.
    pub fn public_host(&self) -> Option<String> {
        url::Url::parse(&self.public_url)
            .ok()
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
    }

    /// Cookies get `Secure` when the UI is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The media hosts avatars may come from.
    pub fn avatar_hosts(&self) -> Vec<String> {
        ping_core::media::MEDIA_HOSTS
            .iter()
            .map(|host| (*host).to_owned())
            .chain(self.avatar_extra_hosts.iter().cloned())
            .collect()
    }

    /// Where attachment bytes go: the configured store, else `attachments/` in the SQLite
    /// database's directory, else `data/attachments`.
    pub fn attachment_location(&self) -> String {
        if let Some(location) = &self.attachment_store {
            return location.clone();
        }
        let database = self.database_url.expose();
        let sqlite_file = database
            .strip_prefix("sqlite://")
            .or_else(|| database.strip_prefix("sqlite:"))
            .map(|rest| rest.split('?').next().unwrap_or_default())
            .filter(|path| !path.is_empty() && *path != ":memory:");
        match sqlite_file.map(std::path::Path::new) {
            Some(path) => path
                .parent()
                .unwrap_or(std::path::Path::new(""))
                .join("attachments")
                .display()
                .to_string(),
            None => "data/attachments".to_owned(),
        }
    }

    /// The effective settings as `KEY=value` lines, secrets redacted.
    pub fn describe(&self) -> String {
        format!(
            "PING_BIND={}\nPING_DATABASE_URL={}\nPING_PUBLIC_URL={}\nPING_AVATAR_EXTRA_HOSTS={}\n\
             PING_AVATAR_ALLOW_HTTP={}\nPING_AVATAR_MAX_BYTES={}\nPING_EXTRA_CA_CERTS={}\n\
             PING_AVATAR_WORKERS={}\nPING_ATTACHMENT_STORE={}\nPING_ATTACHMENT_MAX_BYTES={}\n\
             PING_CLOCK_OFFSET_SECS={}\nPING_TRUSTED_PROXIES={}\nPING_SECRETS_KEY={}\n\
             PING_LINKEDIN_OAUTH_URL={}\nPING_LINKEDIN_API_URL={}\nPING_OFFICIAL_SYNC_SECS={}\n\
             PING_SMTP_URL={}\nPING_REMINDER_EMAIL_TO={}\nPING_REMINDER_EMAIL_FROM={}\n",
            self.bind,
            self.database_url,
            self.public_url,
            self.avatar_extra_hosts.join(","),
            self.avatar_allow_http,
            self.avatar_max_bytes,
            self.extra_ca_certs
                .iter()
                .map(|path| path.display().to_string())
                .collect::<Vec<_>>()
                .join(","),
            self.avatar_workers,
            self.attachment_location(),
            self.attachment_max_bytes,
            self.clock_offset_secs,
            self.proxies(),
            if self.secrets_key.is_some() {
                "[redacted]"
            } else {
                ""
            },
            self.linkedin_oauth_url,
            self.linkedin_api_url,
            self.official_sync_secs,
            // The URL holds the SMTP password.
            if self.smtp_url.is_some() {
                "[redacted]"
            } else {
                ""
            },
            self.reminder_email_to.as_deref().unwrap_or_default(),
            self.reminder_email_from,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_never_show_in_debug_or_display() {
        let url = DatabaseUrl::new("postgres://ping:hunter2@db.example:5432/ping");
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!(!url.to_string().contains("hunter2"));
        assert!(url.expose().contains("hunter2"));
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        assert_eq!(format!("{:?}", Secret::new("pw")), "[redacted]");
    }

    #[test]
    fn the_deprecated_forwarded_for_switch_counts_as_one_proxy() {
        let mut settings = Settings::defaults();
        assert_eq!(settings.proxies(), 0);
        settings.trust_forwarded_for = true;
        assert_eq!(settings.proxies(), 1);
        settings.trusted_proxies = 2;
        assert_eq!(settings.proxies(), 2);
    }

    #[test]
    fn attachments_go_beside_the_sqlite_database_unless_a_store_is_named() {
        let mut settings = Settings::defaults();
        assert_eq!(settings.attachment_location(), "data/attachments");
        settings.database_url = DatabaseUrl::new("sqlite:///var/lib/ping/ping.db?mode=rwc");
        assert_eq!(settings.attachment_location(), "/var/lib/ping/attachments");
        settings.database_url = DatabaseUrl::new("postgres://db.example/ping");
        assert_eq!(settings.attachment_location(), "data/attachments");
        settings.attachment_store = Some("s3://bucket/ping".into());
        assert_eq!(settings.attachment_location(), "s3://bucket/ping");
    }

    #[test]
    fn https_public_urls_make_cookies_secure() {
        let mut settings = Settings::defaults();
        assert!(!settings.secure_cookies());
        settings.public_url = "https://crm.example".into();
        assert!(settings.secure_cookies());
    }
}
