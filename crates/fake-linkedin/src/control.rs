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
//! | `POST /__fake/tuning` `{"rotationAnswer":"badRequest"\|"graphqlErrors","mediaTtlSecs","mediaDirect","filterCategories"}` | changes the given knobs |
//! | `GET /__fake/snapshot` | the [`crate::Snapshot`] |
//! | `GET /__fake/export.zip` | the account as LinkedIn's data export (a ZIP of `messages.csv`, `Connections.csv`, …) |
//! | `POST /__fake/limiter` `{"perMinute"?, "perHour"?, "strikes"?}` | turns the limiter on afresh (missing limits: the LinkedIn-like [`crate::Limits::default`]); answers its state |
//! | `DELETE /__fake/limiter` | turns it off (a session it revoked stays revoked); answers its state |
//! | `GET /__fake/limiter` | its [`crate::LimiterState`]: `{"enabled", "limits":{"perMinute","perHour","strikes"}\|null, "calls", "strikes", "checkpointServed", "sessionRevoked", "mostCallsInAMinute", "mostCallsInAnHour"}` |

use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::config::RotationAnswer;
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
    media_direct: Option<bool>,
    filter_categories: Option<bool>,
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
    match crate::export::archive(&shared.account.read()) {
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

/// Answers a `/__fake/…` request.
pub fn handle(shared: &Shared, req: &Req) -> Response {
    let path = req.path.trim_end_matches('/');
    if req.method == Method::GET && path == "/__fake/export.zip" {
        return export_zip(shared);
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
