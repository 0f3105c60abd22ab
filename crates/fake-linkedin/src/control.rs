//! The control API under `/__fake/` for tests in other languages (the Node browser suite).
//!
//! | request | effect / answer |
//! |---|---|
//! | `GET /__fake/health` | `{"ok":true}` |
//! | `GET /__fake/requests[?since=<seq>]` | the request log (control calls are not logged) |
//! | `DELETE /__fake/requests` | clears the log |
//! | `POST /__fake/faults` `{"kind", "times"?, "persistent"?, "retryAfter"?, "challenge"?}` | kinds: `tooManyRequests` (`429`), `requestDenied` (`999`), `serverError` (`5xx`), `csrfFailure` (`csrf`), `rotateQueryIds` (`rotate`), `sessionRevoked` |
//! | `DELETE /__fake/faults` | clears faults, restores the built-in query ids and the session |
//! | `POST /__fake/activity` `{"conversations":3,"messagesEach":2}` | `{"conversations":[urn…]}` |
//! | `POST /__fake/delete` `{"conversations":1}` | `{"conversations":[urn…]}` (reported in `deletedUrns`) |
//! | `POST /__fake/session` `{"revoked":bool}` | revokes or restores the session |
//! | `POST /__fake/rotate` `{"messagingPage"?: "everyId"\|"conversationsOnly"}` | `{"liveQueryIds":[…]}`; with `conversationsOnly` the `/messaging/` page's own requests name the conversations ids only (the bundle on `static.licdn.com` still declares all) |
//! | `GET /__fake/query-ids` | `{"liveQueryIds":[…]}` |
//! | `POST /__fake/tuning` `{"rotationAnswer":"badRequest"\|"graphqlErrors","mediaTtlSecs","attachmentTtlSecs","mediaDirect","filterCategories"}` | changes the given knobs (`attachmentTtlSecs`: lifetime of attachment URLs from each render, default 3600, negative: already expired) |
//! | `POST /__fake/attachments` `{"files":[{"kind":"image"}, {"kind":"file","name","mediaType","byteSize"}, {"kind":"audio","durationMs"?}]}` | a new inbox conversation, newest of all, with one message from a member per file; answers `{"conversation": urn, "attachments":[{"message": urn, "index": 0, "kind", "mediaType", "byteSize", "bytesPath"}]}` (PDFs have a least size, files at most 64 MiB: 400 otherwise) |
//! | `GET /__fake/attachment-bytes/<asset>` | the attachment's bytes as `/dms/prv/…` serves them, without cookies or signature (404 for an unknown asset) |
//! | `GET /__fake/snapshot` | the [`crate::Snapshot`] |
//! | `GET /__fake/export.zip` | the account as LinkedIn's data export (a ZIP of `messages.csv`, `Connections.csv`, …) |
//! | `POST /__fake/limiter` `{"perMinute"?, "perHour"?, "strikes"?}` | turns the limiter on afresh (missing limits: the LinkedIn-like [`crate::Limits::default`]); answers its state |
//! | `DELETE /__fake/limiter` | turns it off (a session it revoked stays revoked); answers its state |
//! | `GET /__fake/limiter` | its [`crate::LimiterState`]: `{"enabled", "limits":{"perMinute","perHour","strikes"}\|null, "calls", "strikes", "checkpointServed", "sessionRevoked", "mostCallsInAMinute", "mostCallsInAnHour"}` |

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::attachments;
use crate::config::RotationAnswer;
use crate::data::message::Attachment;
use crate::faults::Fault;
use crate::limiter::Limits;
use crate::queryids::MessagingPage;
use crate::request::Req;
use crate::state::Shared;

fn ok(body: &Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn error(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": message});
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultRequest {
    kind: String,
    times: Option<u32>,
    #[serde(default)]
    persistent: bool,
    #[serde(alias = "retry_after", alias = "retryAfterSecs")]
    retry_after: Option<u64>,
    #[serde(default)]
    challenge: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Counts {
    #[serde(default)]
    conversations: usize,
    #[serde(default = "one", alias = "messages_each")]
    messages_each: usize,
}

fn one() -> usize {
    1
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TuningRequest {
    rotation_answer: Option<String>,
    media_ttl_secs: Option<i64>,
    attachment_ttl_secs: Option<i64>,
    media_direct: Option<bool>,
    filter_categories: Option<bool>,
}

#[derive(Deserialize)]
struct AttachmentsRequest {
    files: Vec<FileRequest>,
}

#[derive(Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum FileRequest {
    Image,
    File {
        name: String,
        media_type: String,
        byte_size: u64,
    },
    Audio {
        #[serde(default = "one_second")]
        duration_ms: u64,
    },
}

fn one_second() -> u64 {
    1_000
}

impl From<FileRequest> for Attachment {
    fn from(file: FileRequest) -> Self {
        match file {
            FileRequest::Image => Self::Image,
            FileRequest::File {
                name,
                media_type,
                byte_size,
            } => Self::File {
                name,
                media_type,
                byte_size,
            },
            FileRequest::Audio { duration_ms } => Self::Audio { duration_ms },
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RotateRequest {
    messaging_page: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LimitsRequest {
    per_minute: Option<u32>,
    per_hour: Option<u32>,
    strikes: Option<u32>,
}

impl LimitsRequest {
    fn limits(&self) -> Limits {
        let defaults = Limits::default();
        Limits {
            per_minute: self.per_minute.unwrap_or(defaults.per_minute),
            per_hour: self.per_hour.unwrap_or(defaults.per_hour),
            strikes: self.strikes.unwrap_or(defaults.strikes),
        }
    }
}

/// A refused control call: status and message.
type Refusal = (StatusCode, String);

fn parse<T: for<'de> Deserialize<'de>>(body: &str) -> Result<T, Refusal> {
    let body = if body.trim().is_empty() { "{}" } else { body };
    serde_json::from_str(body).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))
}

fn fault(request: &FaultRequest) -> Option<Fault> {
    Some(match request.kind.as_str() {
        "tooManyRequests" | "too_many_requests" | "429" => Fault::TooManyRequests {
            retry_after_secs: request.retry_after,
            challenge: request.challenge,
        },
        "requestDenied" | "request_denied" | "999" => Fault::RequestDenied,
        "serverError" | "server_error" | "5xx" | "500" | "503" => Fault::ServerError,
        "csrfFailure" | "csrf_failure" | "csrf" => Fault::CsrfFailure,
        "rotateQueryIds" | "rotate_query_ids" | "rotate" => Fault::RotateQueryIds,
        _ => return None,
    })
}

fn export_zip(shared: &Shared) -> Response {
    let ctx = shared.media_ctx();
    match crate::export::archive(&shared.account.read(), &ctx) {
        Ok(bytes) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "application/zip"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"Basic_LinkedInDataExport.zip\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// Adds the conversation `POST /__fake/attachments` asks for.
fn add_attachments(shared: &Shared, request: AttachmentsRequest) -> Result<Value, Refusal> {
    let files: Vec<Attachment> = request.files.into_iter().map(Attachment::from).collect();
    if let Some(reason) = files.iter().find_map(attachments::refusal) {
        return Err((StatusCode::BAD_REQUEST, reason));
    }
    let (conversation, messages) = shared.add_attachment_conversation(files.clone());
    let answers = messages
        .into_iter()
        .zip(&files)
        .map(|((message, asset), file)| {
            let bytes = attachments::content(&asset, file)
                .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
            let kind = match file {
                Attachment::File { .. } => "file",
                Attachment::Image => "image",
                Attachment::Audio { .. } => "audio",
            };
            Ok(json!({"message": message, "index": 0, "kind": kind,
                      "mediaType": attachments::media_type(file), "byteSize": bytes.len(),
                      "bytesPath": format!("/__fake/attachment-bytes/{asset}")}))
        })
        .collect::<Result<Vec<Value>, Refusal>>()?;
    Ok(json!({"conversation": conversation, "attachments": answers}))
}

fn original_bytes(shared: &Shared, asset: &str) -> Response {
    match attachments::find(&shared.account.read(), asset) {
        Some(attachment) => attachments::bytes_response(asset, &attachment),
        None => error(StatusCode::NOT_FOUND, "no such attachment"),
    }
}

/// Answers a `/__fake/…` request.
pub fn handle(shared: &Shared, req: &Req) -> Response {
    let path = req.path.trim_end_matches('/');
    if req.method == Method::GET && path == "/__fake/export.zip" {
        return export_zip(shared);
    }
    if req.method == Method::GET
        && let Some(asset) = path.strip_prefix("/__fake/attachment-bytes/")
    {
        return original_bytes(shared, asset);
    }
    let result = match (&req.method, path) {
        (&Method::GET, "/__fake/health") => Ok(json!({"ok": true})),
        (&Method::GET, "/__fake/requests") => {
            let since = req.param("since").and_then(|s| s.parse().ok()).unwrap_or(0);
            Ok(json!(shared.log.lock().since(since)))
        }
        (&Method::DELETE, "/__fake/requests") => {
            shared.log.lock().clear();
            Ok(json!({"ok": true}))
        }
        (&Method::POST, "/__fake/faults") => parse::<FaultRequest>(&req.body).and_then(|r| {
            if matches!(r.kind.as_str(), "sessionRevoked" | "session_revoked" | "revoked") {
                shared.set_revoked(true);
                return Ok(json!({"ok": true}));
            }
            let f = fault(&r).ok_or_else(|| {
                (StatusCode::BAD_REQUEST, format!("unknown fault kind {:?}", r.kind))
            })?;
            let times = if r.persistent { None } else { Some(r.times.unwrap_or(1)) };
            shared.inject(f, times);
            Ok(json!({"ok": true}))
        }),
        (&Method::DELETE, "/__fake/faults") => {
            shared.clear_faults();
            shared.set_revoked(false);
            Ok(json!({"ok": true}))
        }
        (&Method::POST, "/__fake/activity") => parse::<Counts>(&req.body)
            .map(|c| json!({"conversations": shared.add_activity(c.conversations, c.messages_each)})),
        (&Method::POST, "/__fake/attachments") => {
            parse::<AttachmentsRequest>(&req.body).and_then(|r| add_attachments(shared, r))
        }
        (&Method::POST, "/__fake/archive") => parse::<Counts>(&req.body)
            .map(|c| json!({"conversations": shared.account.write().archive_conversations(c.conversations)})),
        (&Method::POST, "/__fake/delete") => parse::<Counts>(&req.body)
            .map(|c| json!({"conversations": shared.account.write().delete_conversations(c.conversations)})),
        (&Method::POST, "/__fake/session") => parse::<Value>(&req.body).map(|v| {
            let revoked = v.get("revoked").and_then(Value::as_bool).unwrap_or(true);
            shared.set_revoked(revoked);
            json!({"revoked": revoked})
        }),
        (&Method::POST, "/__fake/rotate") => parse::<RotateRequest>(&req.body).and_then(|r| {
            let page = match r.messaging_page.as_deref() {
                None | Some("everyId") => MessagingPage::EveryId,
                Some("conversationsOnly") => MessagingPage::ConversationsOnly,
                Some(other) => {
                    return Err((StatusCode::BAD_REQUEST, format!("unknown messagingPage {other:?}")));
                }
            };
            Ok(json!({"liveQueryIds": shared.rotate(page)}))
        }),
        (&Method::GET, "/__fake/query-ids") => {
            Ok(json!({"liveQueryIds": shared.query_ids.lock().ids().to_vec()}))
        }
        (&Method::POST, "/__fake/tuning") => parse::<TuningRequest>(&req.body).map(|t| {
            let mut tuning = shared.tuning.write();
            match t.rotation_answer.as_deref() {
                Some("graphqlErrors") => tuning.rotation_answer = RotationAnswer::GraphqlErrors,
                Some("badRequest") => tuning.rotation_answer = RotationAnswer::BadRequest,
                _ => {}
            }
            tuning.media_ttl_secs = t.media_ttl_secs.unwrap_or(tuning.media_ttl_secs);
            tuning.attachment_ttl_secs = t.attachment_ttl_secs.unwrap_or(tuning.attachment_ttl_secs);
            tuning.media_direct = t.media_direct.unwrap_or(tuning.media_direct);
            tuning.filter_categories = t.filter_categories.unwrap_or(tuning.filter_categories);
            json!({"ok": true})
        }),
        (&Method::GET, "/__fake/snapshot") => Ok(json!(shared.snapshot())),
        (&Method::POST, "/__fake/limiter") => parse::<LimitsRequest>(&req.body).map(|r| {
            shared.set_limiter(Some(r.limits()));
            json!(shared.limiter_state())
        }),
        (&Method::DELETE, "/__fake/limiter") => {
            shared.set_limiter(None);
            Ok(json!(shared.limiter_state()))
        }
        (&Method::GET, "/__fake/limiter") => Ok(json!(shared.limiter_state())),
        _ => Err((StatusCode::NOT_FOUND, "no such control endpoint".to_owned())),
    };
    match result {
        Ok(body) => ok(&body),
        Err((status, message)) => error(status, &message),
    }
}
