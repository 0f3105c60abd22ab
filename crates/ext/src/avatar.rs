//! Avatar bytes fetched in the browser (LinkedIn's CDN refuses some servers) and uploaded.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gloo_net::http::Request;
use ping_core::ids::ProfileUrn;
use ping_core::media::is_media_url;
use ping_protocol::api::AvatarUpload;

use crate::backend::Backend;

/// Fetches the picture at `url` and uploads it for `member`; the error is in words.
pub async fn transfer(backend: &Backend, member: &ProfileUrn, url: &str) -> Result<(), String> {
    // The backend may be wrong or compromised: the user's session reaches LinkedIn's media
    // hosts only.
    if !is_media_url(url) {
        return Err("the picture is not on LinkedIn's media hosts; not fetched".to_owned());
    }
    let response = Request::get(url)
        .send()
        .await
        .map_err(|error| format!("the picture could not be fetched: {error}"))?;
    if !response.ok() {
        return Err(format!("the picture answered HTTP {}", response.status()));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let bytes = response
        .binary()
        .await
        .map_err(|error| format!("the picture could not be read: {error}"))?;
    let upload = AvatarUpload {
        member: member.clone(),
        source_url: url.to_owned(),
        content_type,
        data_base64: STANDARD.encode(bytes),
    };
    backend
        .upload_avatar(&upload)
        .await
        .map_err(|error| error.to_string())
}
