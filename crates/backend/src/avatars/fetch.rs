//! Downloading one avatar with the policy's checks, redirects included.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::redirect::Policy;

use super::policy::AvatarPolicy;
use super::trust::trusting;
use crate::store::AvatarImage;

/// Why a download did not produce an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// LinkedIn refused the server, or the URL expired: the browser must fetch it.
    #[error("the CDN refused the server ({0})")]
    Refused(u16),
    /// Against the policy (host, redirect, type, size): never retried.
    #[error("refused by policy: {0}")]
    Policy(String),
    /// Network trouble or a 5xx: worth another try.
    #[error("transient failure: {0}")]
    Transient(String),
    /// The whole download (connect, headers and every byte) took longer than its deadline: a
    /// slow or drip-feeding server, not worth holding a worker for again.
    #[error("took longer than {0:?}")]
    TimedOut(Duration),
}

/// How long one download may take in all, connecting and reading every byte included.
pub const DOWNLOAD_DEADLINE: Duration = Duration::from_secs(15);
/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An HTTP client that follows redirects only within the allow-list and trusts `extra_roots`
/// besides the built-in web roots.
pub fn http_client(
    policy: &AvatarPolicy,
    extra_roots: &[reqwest::Certificate],
) -> reqwest::Result<reqwest::Client> {
    let redirect_policy = policy.clone();
    trusting(extra_roots)
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(DOWNLOAD_DEADLINE)
        .redirect(Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("too many redirects")
            } else if redirect_policy.check_url(attempt.url().as_str()).is_err() {
                attempt.error("redirect off the media host allow-list")
            } else {
                attempt.follow()
            }
        }))
        .build()
}

/// [`download`] within `deadline` in all, however slowly the server sends.
pub async fn download_within(
    client: &reqwest::Client,
    policy: &AvatarPolicy,
    url: &str,
    deadline: Duration,
) -> Result<AvatarImage, FetchError> {
    tokio::time::timeout(deadline, download(client, policy, url))
        .await
        .unwrap_or(Err(FetchError::TimedOut(deadline)))
}

/// Downloads an avatar, refusing anything the policy would not store.
pub async fn download(
    client: &reqwest::Client,
    policy: &AvatarPolicy,
    url: &str,
) -> Result<AvatarImage, FetchError> {
    let url = policy.check_url(url).map_err(FetchError::Policy)?;
    let mut response = client.get(url).send().await.map_err(|error| {
        if error.is_redirect() {
            FetchError::Policy("redirect off the media host allow-list".into())
        } else {
            FetchError::Transient(error.without_url().to_string())
        }
    })?;
    let status = response.status();
    if matches!(
        status,
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND | StatusCode::GONE
    ) {
        return Err(FetchError::Refused(status.as_u16()));
    }
    if !status.is_success() {
        return Err(FetchError::Transient(format!("HTTP {status}")));
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !content_type
        .trim()
        .to_ascii_lowercase()
        .starts_with("image/")
    {
        return Err(FetchError::Policy(format!(
            "{content_type:?} is not an image type"
        )));
    }
    if response
        .content_length()
        .is_some_and(|length| length > policy.max_bytes as u64)
    {
        return Err(FetchError::Policy(format!(
            "larger than {} bytes",
            policy.max_bytes
        )));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| FetchError::Transient(error.without_url().to_string()))?
    {
        if bytes.len() + chunk.len() > policy.max_bytes {
            return Err(FetchError::Policy(format!(
                "larger than {} bytes",
                policy.max_bytes
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    policy
        .check_image(&content_type, bytes)
        .map_err(FetchError::Policy)
}
