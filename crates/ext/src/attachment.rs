//! Attachment bytes fetched with the user's LinkedIn session, for the backend.
//!
//! The bytes stay a `Blob` in the browser, handed from LinkedIn's answer to the upload: they
//! never enter the wasm heap, which would keep its high-water mark for the worker's life.

use gloo_net::http::Request;
use js_sys::{Promise, Reflect};
use ping_core::media::is_attachment_url;
use ping_core::sync::attachments::AttachmentRequest;
use ping_core::sync::{AttachmentFetched, PushFailure};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestCredentials;

use crate::transport::{no_answer, read_answer};
use ping_core::voyager::HttpResponse;

/// The most of a refusal's body kept for the planner to read (a login or checkpoint page).
const REFUSAL_BODY_CHARS: usize = 4096;

/// The bytes of an attachment, ready to upload.
pub struct Download {
    /// A `Blob`.
    pub bytes: JsValue,
    /// As LinkedIn served it.
    pub content_type: String,
}

/// Downloads `attachment`, reading at most `max_bytes`; otherwise what came instead.
pub async fn download(
    attachment: &AttachmentRequest,
    max_bytes: u64,
) -> Result<Download, AttachmentFetched> {
    // The backend may be wrong or compromised: the user's session reaches LinkedIn only.
    if !is_attachment_url(&attachment.url) {
        return Err(AttachmentFetched::NotUploaded(PushFailure::Refused {
            status: 0,
            detail: "an attachment address not on LinkedIn was not fetched".to_owned(),
        }));
    }
    let response = match Request::get(&attachment.url)
        .credentials(RequestCredentials::Include)
        .send()
        .await
    {
        Ok(response) => response,
        Err(error) => return Err(AttachmentFetched::Refused(no_answer(error.to_string()))),
    };
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    // A login or checkpoint page is LinkedIn's answer, not the file.
    if !response.ok() || content_type.starts_with("text/html") {
        return Err(AttachmentFetched::Refused(refusal(response).await));
    }
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|length| length.parse::<u64>().ok());
    if let Some(byte_size) = declared.filter(|&size| size > max_bytes) {
        return Err(AttachmentFetched::TooLarge { byte_size });
    }
    let bytes = read_blob(response)
        .await
        .map_err(|detail| AttachmentFetched::Refused(no_answer(detail)))?;
    let byte_size = Reflect::get(&bytes, &"size".into())
        .ok()
        .and_then(|size| size.as_f64())
        .unwrap_or(0.0) as u64;
    if byte_size > max_bytes {
        return Err(AttachmentFetched::TooLarge { byte_size });
    }
    Ok(Download {
        bytes,
        content_type,
    })
}

async fn read_blob(response: gloo_net::http::Response) -> Result<JsValue, String> {
    let raw = web_sys::Response::from(response);
    let promise: Promise = raw
        .blob()
        .map_err(|_| "the attachment could not be read".to_owned())?;
    JsFuture::from(promise)
        .await
        .map_err(|_| "the attachment could not be read to its end".to_owned())
}

/// LinkedIn's answer when it was not the file, with the start of its body.
async fn refusal(response: gloo_net::http::Response) -> HttpResponse {
    let mut answer = read_answer(response).await;
    answer.body = answer.body.chars().take(REFUSAL_BODY_CHARS).collect();
    answer
}
