//! A message's `renderContent` items as attachments (voyager-api.md §5.4). Each item is a
//! union: one non-null key names what it is.

use ping_voyager_records::is_meta_key;
use serde_json::Value;

use super::json::label;
use crate::entity::json::{present, string};
use crate::entity::{raw_text, vector_image};
use crate::model::{Attachment, AttachmentKind};

/// Render keys that mark sponsored content.
const AD_KEYS: [&str; 2] = ["messageAdRenderContent", "conversationAdsMessageContent"];

/// The union key of a render item and its payload.
fn union(item: &Value) -> Option<(&str, &Value)> {
    item.as_object()?
        .iter()
        .find(|(key, value)| !is_meta_key(key) && !value.is_null())
        .map(|(key, value)| (key.as_str(), value))
}

/// Whether a message's render content includes an advertiser's item.
pub(super) fn has_ad(render_content: Option<&Value>) -> bool {
    items(render_content).any(|item| union(item).is_some_and(|(key, _)| AD_KEYS.contains(&key)))
}

fn items(render_content: Option<&Value>) -> impl Iterator<Item = &Value> {
    render_content
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Every render item as an attachment; items with no non-null key are ignored, unknown keys
/// become [`AttachmentKind::Other`] named by the key.
pub(super) fn attachments(render_content: Option<&Value>) -> Vec<Attachment> {
    items(render_content)
        .filter_map(union)
        .map(|(key, payload)| attachment(key, payload))
        .collect()
}

fn bare(kind: AttachmentKind) -> Attachment {
    Attachment {
        kind,
        name: None,
        media_type: None,
        byte_size: None,
        url: None,
    }
}

fn attachment(key: &str, payload: &Value) -> Attachment {
    match key {
        "file" => Attachment {
            name: string(payload, "name"),
            media_type: string(payload, "mediaType"),
            byte_size: payload.get("byteSize").and_then(Value::as_u64),
            url: string(payload, "url"),
            ..bare(AttachmentKind::File)
        },
        "vectorImage" => Attachment {
            url: largest_url(payload),
            ..bare(AttachmentKind::Image)
        },
        "video" => video(payload),
        "audio" => Attachment {
            url: string(payload, "url"),
            ..bare(AttachmentKind::Audio)
        },
        "externalMedia" => Attachment {
            name: label(payload.get("title")),
            url: present(payload, "media").and_then(|media| string(media, "url")),
            ..bare(AttachmentKind::ExternalMedia)
        },
        // The quoted text of forwards and replies travels in `name`.
        "forwardedMessageContent" => Attachment {
            name: raw_text(payload.get("forwardedBody")).map(str::to_owned),
            ..bare(AttachmentKind::Forwarded)
        },
        "repliedMessageContent" => Attachment {
            name: present(payload, "originalMessage")
                .and_then(|original| raw_text(original.get("body")))
                .map(str::to_owned),
            ..bare(AttachmentKind::Reply)
        },
        "hostUrnData" => shared(payload),
        other => Attachment {
            name: Some(other.to_owned()),
            ..bare(AttachmentKind::Other)
        },
    }
}

/// The URL of an image's widest artifact.
fn largest_url(image: &Value) -> Option<String> {
    let picture = vector_image(image)?;
    picture
        .artifacts
        .into_iter()
        .max_by_key(|artifact| artifact.width)
        .map(|artifact| artifact.url)
}

/// The widest progressive stream: its first location, media type and size.
fn video(payload: &Value) -> Attachment {
    let widest = payload
        .get("progressiveStreams")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .max_by_key(|stream| stream.get("width").and_then(Value::as_u64).unwrap_or(0));
    let url = widest
        .and_then(|stream| stream.get("streamingLocations")?.as_array()?.first())
        .and_then(|location| string(location, "url"));
    Attachment {
        media_type: widest.and_then(|stream| string(stream, "mediaType")),
        byte_size: widest.and_then(|stream| stream.get("size")?.as_u64()),
        url,
        ..bare(AttachmentKind::Video)
    }
}

/// A shared post (`FEED_UPDATE`) or InMail host reference; `name` is the host URN.
fn shared(payload: &Value) -> Attachment {
    let host = string(payload, "hostUrn");
    let is_post = payload.get("type").and_then(Value::as_str) == Some("FEED_UPDATE");
    Attachment {
        url: host
            .as_ref()
            .filter(|_| is_post)
            .map(|urn| format!("https://www.linkedin.com/feed/update/{urn}/")),
        name: host,
        ..bare(AttachmentKind::SharedPost)
    }
}
