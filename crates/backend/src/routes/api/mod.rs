//! The JSON API for the extension (bearer token) and the web UI (session).

mod attachments;
mod json;
mod linkedin;
mod openapi;
mod pairing;
mod profiles;
mod route_doc;
mod sync;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use axum::routing::{MethodRouter, delete, get, post, put};
use axum::{Json, Router};
use ping_protocol::{
    AttachmentStored, AttachmentsSkipped, AvatarUpload, ClaimRequest, ExtensionToken, HelloRequest,
    HelloResponse, PairRequest, PairingCodeRequest, PairingCodeResponse, PairingPollRequest,
    PairingPollResponse, ProfilesPush, ProfilesResponse, PushBatch, PushResponse, RunReport,
    SyncRequest, SyncRequestCreate, SyncStatus,
};
use serde_json::Value;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub(crate) use attachments::attachment_key;
pub use linkedin::MAX_WAIT_SECS;
pub use route_doc::{Access, BodySchema, RawBytes, RouteDoc};
use route_doc::{body, doc};

use crate::state::AppState;

/// Bodies up to 16 MiB: a push of 500 long messages, or a 5 MiB avatar in base64.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Every API route with its handler. The router and the OpenAPI document are both built from
/// this list, so a route cannot be served without being documented.
pub fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    use Access::*;
    vec![
        (
            doc(
                "post",
                "/pairing/codes",
                Public,
                Some(body::<PairingCodeRequest>),
                200,
                Some(body::<PairingCodeResponse>),
                "A pairing code for the popup to show, and the secret to poll with",
            ),
            post(pairing::create_code),
        ),
        (
            doc(
                "post",
                "/pairing/poll",
                Public,
                Some(body::<PairingPollRequest>),
                200,
                Some(body::<PairingPollResponse>),
                "Pending until the code is paired in the web UI, then the token once",
            ),
            post(pairing::poll),
        ),
        (
            doc(
                "post",
                "/pairing/pair",
                Session,
                Some(body::<PairRequest>),
                204,
                None,
                "Pair a code shown by the popup with the logged-in user",
            ),
            post(pairing::pair),
        ),
        (
            doc(
                "post",
                "/pairing/claim",
                Public,
                Some(body::<ClaimRequest>),
                200,
                Some(body::<ExtensionToken>),
                "Trade a code shown by the web UI for a token",
            ),
            post(pairing::claim),
        ),
        (
            doc(
                "post",
                "/pairing/refresh",
                Extension,
                None,
                200,
                Some(body::<ExtensionToken>),
                "A new 30-day token for a still-valid one (the old one is revoked)",
            ),
            post(pairing::refresh),
        ),
        (
            doc(
                "delete",
                "/pairing/tokens/{id}",
                Session,
                None,
                204,
                None,
                "Revoke a paired browser",
            ),
            delete(pairing::revoke),
        ),
        (
            doc(
                "post",
                "/sync/push",
                Extension,
                // The typed records the extension sends; the handler reads them one by one
                // (`RawPushBatch`) so a bad record is rejected alone.
                Some(body::<PushBatch>),
                200,
                Some(body::<PushResponse>),
                "Store one batch of conversations and messages; each record accepted or rejected on its own. Query `attachments=all|imagesOnly|off` (default all): the attachment kinds the answer names",
            ),
            post(sync::push),
        ),
        (
            doc(
                "post",
                "/profiles",
                Extension,
                // Typed profiles, read one by one like the push records.
                Some(body::<ProfilesPush>),
                200,
                Some(body::<ProfilesResponse>),
                "Enrich contacts with captured or backfilled profiles",
            ),
            post(profiles::push),
        ),
        (
            doc(
                "post",
                "/avatars",
                Extension,
                Some(body::<AvatarUpload>),
                204,
                None,
                "Upload avatar bytes the browser fetched",
            ),
            post(profiles::upload_avatar),
        ),
        (
            doc(
                "put",
                "/messages/{messageUrn}/attachments/{index}",
                Extension,
                // The body is the raw bytes, typed by `Content-Type`: no JSON schema.
                None,
                200,
                Some(body::<AttachmentStored>),
                "Upload the bytes of a message's attachment as LinkedIn served them (the URN \
                 percent-encoded, `Content-Type` LinkedIn's); 404 unknown attachment, 413 over \
                 the backend's cap, 422 bytes that are not the declared kind or are markup",
            )
            .raw(RawBytes::Request),
            put(attachments::upload),
        ),
        (
            doc(
                "post",
                "/attachments/skipped",
                Extension,
                Some(body::<AttachmentsSkipped>),
                204,
                None,
                "Attachments the extension will not upload, and why; never asked for again \
                 (entries naming no attachment of the user's are ignored)",
            ),
            post(attachments::skipped),
        ),
        (
            doc(
                "post",
                "/sync/runs",
                Extension,
                Some(body::<RunReport>),
                204,
                None,
                "Report one sync run",
            ),
            post(sync::report_run),
        ),
        (
            doc(
                "get",
                "/sync/status",
                Either,
                None,
                200,
                Some(body::<SyncStatus>),
                "Sync state of every LinkedIn account of the user, or of ?accountId=",
            ),
            get(sync::status),
        ),
        (
            doc(
                "post",
                "/conversations/sync",
                Either,
                Some(body::<SyncRequestCreate>),
                202,
                Some(body::<SyncRequest>),
                "Ask the extension to sync at its next contact; a request already pending for the account is joined and answered",
            ),
            post(sync::request_sync),
        ),
        (
            doc(
                "get",
                "/conversations/sync/{id}",
                Either,
                None,
                200,
                Some(body::<SyncRequest>),
                "Where a sync request is",
            ),
            get(sync::get_request),
        ),
        (
            doc(
                "post",
                "/extension/hello",
                Extension,
                Some(body::<HelloRequest>),
                200,
                Some(body::<HelloResponse>),
                "The extension checks in: token expiry and any queued sync request",
            ),
            post(sync::hello),
        ),
        (
            doc(
                "get",
                "/openapi.json",
                Public,
                None,
                200,
                None,
                "This document",
            ),
            get(serve_openapi),
        ),
    ]
    .into_iter()
    .chain(linkedin::routes())
    .collect()
}

/// The API router, with CORS for `chrome-extension://` origins only.
pub fn router() -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
            origin.as_bytes().starts_with(b"chrome-extension://")
        }))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]);
    routes()
        .into_iter()
        .fold(Router::new(), |router, (doc, handler)| {
            router.route(doc.path, handler)
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(cors)
}

/// `GET /openapi.json`: the document of every route above.
async fn serve_openapi() -> Json<Value> {
    Json(openapi::document(routes().iter().map(|(doc, _)| doc)))
}
