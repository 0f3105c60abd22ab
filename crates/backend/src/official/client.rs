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

/// A request to the API host with the token and Rest.li headers.
fn api_request(
    config: &OfficialConfig,
    access_token: &Secret<String>,
    method: reqwest::Method,
    path: &str,
) -> reqwest::RequestBuilder {
    let request = config
        .http
        .request(method, format!("{}{path}", config.api_base_url))
        .bearer_auth(access_token.expose())
        .header("X-Restli-Protocol-Version", "2.0.0");
    // Sales Navigator stays on /v2/, without a version (§5).
    if path.starts_with("/rest/") {
        request.header("LinkedIn-Version", LINKEDIN_VERSION)
    } else {
        request
    }
}

/// An answer that is not a success, read in LinkedIn's error shape.
fn failure(status: StatusCode, body: &[u8]) -> Result<(), ApiCallError> {
    if status.is_success() {
        return Ok(());
    }
    let body = serde_json::from_slice(body).unwrap_or_default();
    Err(ApiCallError::Status { status, body })
}

/// A GET on the API host (`path` starts with `/rest/` or `/v2/`), read as JSON.
pub async fn get_json<T: DeserializeOwned>(
    config: &OfficialConfig,
    access_token: &Secret<String>,
    path: &str,
) -> Result<T, ApiCallError> {
    let request = api_request(config, access_token, reqwest::Method::GET, path);
    let (status, _, body) = send(request).await.map_err(ApiCallError::Unavailable)?;
    failure(status, &body)?;
    serde_json::from_slice(&body)
        .map_err(|error| ApiCallError::Unavailable(format!("unreadable answer: {error}")))
}

/// A POST of JSON on the API host: the answer's body and its `x-restli-id` (the id of what a
/// 201 created).
pub async fn post_json(
    config: &OfficialConfig,
    access_token: &Secret<String>,
    path: &str,
    body: &serde_json::Value,
) -> Result<(bytes::Bytes, Option<String>), ApiCallError> {
    let request = api_request(config, access_token, reqwest::Method::POST, path)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string());
    let (status, headers, body) = send(request).await.map_err(ApiCallError::Unavailable)?;
    failure(status, &body)?;
    let created = headers
        .get("x-restli-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    Ok((body, created))
}

/// PUTs bytes to an upload URL LinkedIn gave, with the same bearer token (§2). Only URLs on
/// LinkedIn's hosts (or the configured ones) are sent to, so a forged answer cannot make the
/// backend hand its token elsewhere.
pub async fn upload(
    config: &OfficialConfig,
    access_token: &Secret<String>,
    upload_url: &str,
    bytes: bytes::Bytes,
) -> Result<(), ApiCallError> {
    let trusted = [&config.api_base_url, &config.oauth_base_url]
        .iter()
        .any(|base| upload_url.starts_with(&format!("{base}/")))
        || url::Url::parse(upload_url).is_ok_and(|url| {
            url.scheme() == "https"
                && url
                    .host_str()
                    .is_some_and(|host| host == "linkedin.com" || host.ends_with(".linkedin.com"))
        });
    if !trusted {
        return Err(ApiCallError::Unavailable(
            "LinkedIn named an upload URL off its hosts".into(),
        ));
    }
    let request = config
        .http
        .put(upload_url)
        .bearer_auth(access_token.expose())
        .body(bytes);
    let (status, _, body) = send(request).await.map_err(ApiCallError::Unavailable)?;
    failure(status, &body)
}

/// Sends a request and reads its whole answer; a failure says why without the URL (whose
/// query could carry a code).
pub(super) async fn send(
    request: reqwest::RequestBuilder,
) -> Result<(StatusCode, reqwest::header::HeaderMap, bytes::Bytes), String> {
    let response = request
        .send()
        .await
        .map_err(|error| error.without_url().to_string())?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|error| error.without_url().to_string())?;
    Ok((status, headers, body))
}

/// A URN as a Rest.li 2.0 path key: percent-encoded whole (`:` → `%3A`).
pub fn path_key(urn: &str) -> String {
    percent_encoding::utf8_percent_encode(urn, percent_encoding::NON_ALPHANUMERIC).to_string()
}
