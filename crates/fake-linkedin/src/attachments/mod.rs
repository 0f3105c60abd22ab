//! Message attachments on `www.linkedin.com/dms/prv/…` (voyager-api.md §5.4): URLs signed
//! afresh, with an expiry, each time their message is rendered, and the bytes behind them for
//! the session's cookies only.
//!
//! URLs keep LinkedIn's shapes and add a signed `e=` (expiry, Unix seconds) as picture URLs have:
//! - file: `/dms/prv/vid/v2/<asset>/messaging-attachmentFile/<tok>/0/<ms>?e=…&m=…&ne=1&v=beta&t=…`
//! - image: `rootUrl` `/dms/prv/image/v2/<asset>/messaging-image-720/` plus the artifact's
//!   `0/<ms>?e=…&m=…&ne=1&v=beta&t=…`
//! - voice message: `/dms/prv/vid/v2/<asset>/messaging-audio-analyzed/0/<ms>?e=…&m=…&ne=1&v=beta&t=…`
//!
//! They are answered when the host is `www.linkedin.com` or, for native clients, on this server's
//! own address as Voyager is ([`crate::Tuning::media_direct`] renders them so). A download is a
//! member's call like a Voyager one: it is logged, counted by the limiter and needs the session's
//! `li_at` (no CSRF header: a browser's `fetch` with credentials sends cookies only). Answers: 401
//! without a live session, the limiter's refusals, 404 for an unknown asset, 403 `Forbidden` for a
//! bad signature and 403 `deny-expired-url` once expired.

mod bytes;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub use bytes::{IMAGE_HEIGHT, IMAGE_WIDTH, content, media_type, refusal};

use crate::data::message::{self, Attachment};
use crate::data::{Account, Conversation};
use crate::faults::json_status;
use crate::media::{self, MediaCtx};
use crate::request::Req;
use crate::state::Shared;
use crate::voyager;

/// The path (from `/dms/`) of the attachment of message `ordinal`.
fn path(conv: &Conversation, ordinal: usize, attachment: &Attachment) -> String {
    let asset = conv.attachment_asset(ordinal);
    let msg = &conv.messages[ordinal];
    match attachment {
        Attachment::File { .. } => format!(
            "/dms/prv/vid/v2/{asset}/messaging-attachmentFile/{:x}/0/{}",
            msg.salt, msg.at
        ),
        Attachment::Image => format!("/dms/prv/image/v2/{asset}/{IMAGE_SIZE_SEGMENT}0/{}", msg.at),
        Attachment::Audio { .. } => {
            format!(
                "/dms/prv/vid/v2/{asset}/messaging-audio-analyzed/0/{}",
                msg.at
            )
        }
    }
}

const IMAGE_SIZE_SEGMENT: &str = "messaging-image-720/";

/// The query of a URL of `path` signed for `ctx.attachment_expires`.
fn signed_query(ctx: &MediaCtx, path: &str) -> String {
    let expires = ctx.attachment_expires;
    let signature = media::sign(&ctx.key, path, expires);
    format!("e={expires}&m=AQfake&ne=1&v=beta&t={signature}")
}

/// The full URL of a message's attachment, signed now.
pub fn url(ctx: &MediaCtx, conv: &Conversation, ordinal: usize, attachment: &Attachment) -> String {
    let path = path(conv, ordinal, attachment);
    let query = signed_query(ctx, &path);
    format!("{}{path}?{query}", ctx.attachment_base)
}

/// The `renderContent` key and payload of a message's attachment.
pub fn render(
    ctx: &MediaCtx,
    conv: &Conversation,
    ordinal: usize,
    attachment: &Attachment,
) -> (&'static str, Value) {
    let asset = conv.attachment_asset(ordinal);
    match attachment {
        Attachment::File {
            name,
            media_type,
            byte_size,
        } => (
            "file",
            json!({"_type": "com.linkedin.messenger.File",
                   "assetUrn": format!("urn:li:digitalmediaAsset:{asset}"),
                   "byteSize": byte_size, "mediaType": media_type, "name": name,
                   "url": url(ctx, conv, ordinal, attachment)}),
        ),
        Attachment::Image => {
            let path = path(conv, ordinal, attachment);
            let (root, segment) = path
                .split_once(IMAGE_SIZE_SEGMENT)
                .map(|(root, rest)| (format!("{root}{IMAGE_SIZE_SEGMENT}"), rest))
                .unwrap_or_default();
            let query = signed_query(ctx, &path);
            (
                "vectorImage",
                json!({"_type": "com.linkedin.common.VectorImage",
                       "rootUrl": format!("{}{root}", ctx.attachment_base),
                       "artifacts": [{"_type": "com.linkedin.common.VectorArtifact",
                                      "width": IMAGE_WIDTH, "height": IMAGE_HEIGHT,
                                      "expiresAt": ctx.attachment_expires * 1000,
                                      "fileIdentifyingUrlPathSegment": format!("{segment}?{query}")}]}),
            )
        }
        Attachment::Audio { duration_ms } => (
            "audio",
            json!({"_type": "com.linkedin.messenger.AudioMetadata", "duration": duration_ms,
                   "url": url(ctx, conv, ordinal, attachment)}),
        ),
    }
}

/// The attachment an asset id names, if its message is live and shows one.
pub fn find(account: &Account, asset: &str) -> Option<Attachment> {
    let (conv, ordinal) = account.attachment_message(asset)?;
    message::details(account.seed, conv, ordinal).attachment
}

/// 200 with the attachment's bytes and media type.
pub fn bytes_response(asset: &str, attachment: &Attachment) -> Response {
    match content(asset, attachment) {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, media_type(attachment)),
                (header::CACHE_CONTROL, "private, max-age=3600"),
            ],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Answers `GET /dms/prv/…`, logged as `seq`.
pub fn serve(shared: &Shared, req: &Req, seq: u64) -> Response {
    if shared.is_revoked() || req.cookie("li_at") != Some(shared.config.li_at.as_str()) {
        return json_status(StatusCode::UNAUTHORIZED);
    }
    if let Some(refusal) = voyager::limit(shared, seq) {
        return refusal;
    }
    // ["", "dms", "prv", "vid" | "image", "v2", asset, …]
    let asset = req.path.split('/').nth(5).unwrap_or_default();
    let Some(attachment) = find(&shared.account.read(), asset) else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    if let Some(refusal) = media::refuse_signature(&shared.media_key, &req.path, &req.query) {
        return refusal;
    }
    bytes_response(asset, &attachment)
}
