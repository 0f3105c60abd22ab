//! The Ping backend's API (`ping_protocol::api`), over gloo-net's `fetch`.
//!
//! Only the extension token travels here, as a bearer header; never a LinkedIn cookie.

use gloo_net::http::{Request, RequestBuilder};
use ping_protocol::api::{
    API_PREFIX, ApiError, AttachmentRequest, AttachmentSkip, AttachmentStored, AttachmentsSkipped,
    AvatarUpload, ClaimRequest, ErrorCode, ExtensionToken, HelloRequest, HelloResponse,
    PairingCodeRequest, PairingCodeResponse, PairingPollRequest, PairingPollResponse, ProfilesPush,
    ProfilesResponse, PushBatch, PushOptions, PushResponse, RunReport,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use web_sys::RequestCredentials;

/// Why a backend call failed, sorted by what the extension does about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// No answer, or a 5xx without the backend's own error: try again at the next trigger.
    #[error("the Ping backend could not be reached ({detail})")]
    Unreachable { detail: String },
    /// The token expired, was revoked or is unknown: pair again. `refused` names the token
    /// that was refused, so that a fresher one saved meanwhile is kept.
    #[error("this browser's pairing with Ping has ended ({code:?}): pair it again")]
    PairingRejected {
        code: ErrorCode,
        refused: Option<TokenTag>,
    },
    /// The backend answered with an error about this request.
    #[error("the Ping backend refused the request ({status}: {message})")]
    Refused {
        status: u16,
        message: String,
        code: Option<ErrorCode>,
    },
}

/// A token's fingerprint: tells tokens apart without carrying the secret into errors or logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenTag(u64);

impl TokenTag {
    pub fn of(token: &str) -> Self {
        Self(token.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        }))
    }
}

/// Sorts an HTTP error answer by its status and, when it has LinkedIn's error shape, its code.
/// A 5xx in the backend's own error shape is the backend's answer (retrying the same request
/// would fail the same way), not an unreachable backend; a 502–504 is the way to it failing.
pub fn classify_error(status: u16, body: &str, token: Option<&str>) -> BackendError {
    let api_error = crate::json::decode::<ApiError>(body).ok();
    if let Some(code) = api_error
        .as_ref()
        .map(|error| error.service_error_code)
        .filter(|code| code.requires_pairing())
    {
        return BackendError::PairingRejected {
            code,
            refused: token.map(TokenTag::of),
        };
    }
    if (502..=504).contains(&status) || (status >= 500 && api_error.is_none()) {
        return BackendError::Unreachable {
            detail: format!("HTTP {status}"),
        };
    }
    match api_error {
        Some(error) => BackendError::Refused {
            status,
            message: error.message,
            code: Some(error.service_error_code),
        },
        None => BackendError::Refused {
            status,
            message: body.chars().take(200).collect(),
            code: None,
        },
    }
}

/// The backend at `base_url` (e.g. `http://127.0.0.1:8787`), with the token when paired.
pub struct Backend {
    base_url: String,
    token: Option<String>,
}

impl Backend {
    pub fn new(base_url: &str, token: Option<&ExtensionToken>) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: token.map(|token| token.token.clone()),
        }
    }

    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, BackendError> {
        let text = self.post_for_text(path, body).await?;
        read_json(path, &text)
    }

    async fn post_for_text<B: Serialize>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<String, BackendError> {
        let request = self.authorised(Request::post(&self.url(path))).json(body);
        self.answer_text(request).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.base_url)
    }

    /// The token is the only credential: no cookie of the backend's host (e.g. a web UI
    /// session) rides along.
    fn authorised(&self, request: RequestBuilder) -> RequestBuilder {
        let request = request.credentials(RequestCredentials::Omit);
        match &self.token {
            Some(token) => request.header("authorization", &format!("Bearer {token}")),
            None => request,
        }
    }

    async fn answer_text(
        &self,
        request: Result<Request, gloo_net::Error>,
    ) -> Result<String, BackendError> {
        let unreachable = |error: gloo_net::Error| BackendError::Unreachable {
            detail: error.to_string(),
        };
        let response = request
            .map_err(unreachable)?
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        let text = response.text().await.map_err(unreachable)?;
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            Err(classify_error(status, &text, self.token.as_deref()))
        }
    }

    pub async fn request_pairing_code(
        &self,
        request: &PairingCodeRequest,
    ) -> Result<PairingCodeResponse, BackendError> {
        self.post("/pairing/codes", request).await
    }

    pub async fn poll_pairing(
        &self,
        request: &PairingPollRequest,
    ) -> Result<PairingPollResponse, BackendError> {
        self.post("/pairing/poll", request).await
    }

    pub async fn claim(&self, request: &ClaimRequest) -> Result<ExtensionToken, BackendError> {
        self.post("/pairing/claim", request).await
    }

    pub async fn refresh_token(&self) -> Result<ExtensionToken, BackendError> {
        self.post("/pairing/refresh", &EmptyObject {}).await
    }

    pub async fn hello(&self, request: &HelloRequest) -> Result<HelloResponse, BackendError> {
        self.post("/extension/hello", request).await
    }

    pub async fn push(
        &self,
        batch: &PushBatch,
        options: PushOptions,
    ) -> Result<PushResponse, BackendError> {
        self.post(&format!("/sync/push?{}", options.query()), batch)
            .await
    }

    pub async fn push_profiles(
        &self,
        push: &ProfilesPush,
    ) -> Result<ProfilesResponse, BackendError> {
        self.post("/profiles", push).await
    }

    pub async fn upload_avatar(&self, upload: &AvatarUpload) -> Result<(), BackendError> {
        self.post_for_text("/avatars", upload).await.map(drop)
    }

    pub async fn report_run(&self, report: &RunReport) -> Result<(), BackendError> {
        self.post_for_text("/sync/runs", report).await.map(drop)
    }

    /// Uploads an attachment's bytes (a `Blob`) as LinkedIn served them.
    pub async fn upload_attachment(
        &self,
        attachment: &AttachmentRequest,
        content_type: &str,
        bytes: &JsValue,
    ) -> Result<AttachmentStored, BackendError> {
        let message = String::from(js_sys::encode_uri_component(
            &attachment.message.to_string(),
        ));
        let path = format!("/messages/{message}/attachments/{}", attachment.index);
        let request = self
            .authorised(Request::put(&self.url(&path)))
            .header("content-type", content_type)
            .body(bytes.clone());
        let text = self.answer_text(request).await?;
        read_json(&path, &text)
    }

    pub async fn report_skipped_attachments(
        &self,
        skipped: &[AttachmentSkip],
    ) -> Result<(), BackendError> {
        let report = AttachmentsSkipped {
            skipped: skipped.to_vec(),
        };
        self.post_for_text("/attachments/skipped", &report)
            .await
            .map(drop)
    }
}

/// The body of a call whose bearer token says all: `{}`. Not `json!({})`, which would compile
/// serde_json's whole `Value` writer, floats included, into the worker for two bytes.
#[derive(Serialize)]
struct EmptyObject {}

fn read_json<R: DeserializeOwned>(path: &str, text: &str) -> Result<R, BackendError> {
    crate::json::decode(text).map_err(|error| BackendError::Refused {
        status: 200,
        message: format!("unreadable answer from {path}: {error}"),
        code: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revoked_token_means_pairing_again() {
        let body = r#"{"message":"revoked","status":401,"serviceErrorCode":"TOKEN_REVOKED"}"#;
        assert_eq!(
            classify_error(401, body, Some("t1")),
            BackendError::PairingRejected {
                code: ErrorCode::TokenRevoked,
                refused: Some(TokenTag::of("t1")),
            }
        );
        assert_ne!(TokenTag::of("t1"), TokenTag::of("t2"));
    }

    #[test]
    fn a_failing_way_to_the_backend_counts_as_unreachable() {
        for (status, body) in [
            (502, "Bad Gateway"),
            (503, "{}"),
            (500, "<html>oops</html>"),
        ] {
            assert!(
                matches!(
                    classify_error(status, body, None),
                    BackendError::Unreachable { .. }
                ),
                "{status}"
            );
        }
    }

    #[test]
    fn a_server_error_in_the_backends_own_words_is_its_answer() {
        let body = r#"{"message":"the store refused the batch","status":500,"serviceErrorCode":"INTERNAL"}"#;
        assert!(matches!(
            classify_error(500, body, None),
            BackendError::Refused { status: 500, .. }
        ));
    }

    #[test]
    fn other_errors_keep_the_backends_words() {
        let body =
            r#"{"message":"no such code","status":404,"serviceErrorCode":"PAIRING_CODE_UNKNOWN"}"#;
        assert_eq!(
            classify_error(404, body, None),
            BackendError::Refused {
                status: 404,
                message: "no such code".to_owned(),
                code: Some(ErrorCode::PairingCodeUnknown)
            }
        );
    }
}
