//! Calls to `api.linkedin.com` with the connection's access token, their failures read in
//! LinkedIn's error shape `{message, status, serviceErrorCode}` (§0).

use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::OfficialConfig;
use crate::settings::Secret;

/// The Marketing API version this backend was written against (`LinkedIn-Version`).
pub const LINKEDIN_VERSION: &str = "202411";

/// LinkedIn's error body; any field may be missing.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LinkedInErrorBody {
    #[serde(default)]
    pub message: String,
    pub service_error_code: Option<i64>,
}

/// Why a call to LinkedIn's API failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiCallError {
    /// LinkedIn answered an error status.
    #[error("LinkedIn answered {status}: {}", body.message)]
    Status {
        status: StatusCode,
        body: LinkedInErrorBody,
    },
    /// No answer, or an answer that is not what the endpoint returns.
    #[error("LinkedIn's API did not answer usably: {0}")]
    Unavailable(String),
}

/// A GET on the API host (`path` starts with `/rest/` or `/v2/`), read as JSON.
pub async fn get_json<T: DeserializeOwned>(
    config: &OfficialConfig,
    access_token: &Secret<String>,
    path: &str,
) -> Result<T, ApiCallError> {
    let mut request = config
        .http
        .get(format!("{}{path}", config.api_base_url))
        .bearer_auth(access_token.expose())
        .header("X-Restli-Protocol-Version", "2.0.0");
    // Sales Navigator stays on /v2/, without a version (§5).
    if path.starts_with("/rest/") {
        request = request.header("LinkedIn-Version", LINKEDIN_VERSION);
    }
    let (status, body) = send(request).await.map_err(ApiCallError::Unavailable)?;
    if !status.is_success() {
        let body = serde_json::from_slice(&body).unwrap_or_default();
        return Err(ApiCallError::Status { status, body });
    }
    serde_json::from_slice(&body)
        .map_err(|error| ApiCallError::Unavailable(format!("unreadable answer: {error}")))
}

/// Sends a request and reads its whole answer; a failure says why without the URL (whose
/// query could carry a code).
pub(super) async fn send(
    request: reqwest::RequestBuilder,
) -> Result<(StatusCode, bytes::Bytes), String> {
    let response = request
        .send()
        .await
        .map_err(|error| error.without_url().to_string())?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|error| error.without_url().to_string())?;
    Ok((status, body))
}

/// A URN as a Rest.li 2.0 path key: percent-encoded whole (`:` → `%3A`).
pub fn path_key(urn: &str) -> String {
    percent_encoding::utf8_percent_encode(urn, percent_encoding::NON_ALPHANUMERIC).to_string()
}
