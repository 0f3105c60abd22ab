//! Attachments in the web UI: how each shows in a timeline, and their bytes for their owner.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use ping_protocol::SkipReason;
use serde::Serialize;

use super::page::PageError;
use crate::attachments::shown_inline;
use crate::auth::PageSession;
use crate::routes::attachment_bytes::{self, file_name};
use crate::state::AppState;
use crate::store::{AttachmentState, AttachmentView};

/// One attachment as a timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentItem {
    /// `image`, `audio` or `video` (shown in the page), `download`, or `missing`.
    pub show: &'static str,
    pub name: String,
    /// Where the bytes are, once stored.
    pub href: Option<String>,
    /// Why there are no bytes, when there are none.
    pub note: Option<String>,
}

/// A size as people read it: `31.4 MB`, `25 MB`, `800 KB` (1 MB = 1024 KB, as the
/// extension's cap is set).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    let rounded = format!("{value:.1}");
    let rounded = rounded.strip_suffix(".0").unwrap_or(&rounded);
    format!("{rounded} {}", UNITS[unit])
}

fn skip_note(reason: &SkipReason) -> String {
    match reason {
        SkipReason::TooLarge { byte_size, cap } => format!(
            "not downloaded: {} is over the {} cap set in the extension",
            human_size(*byte_size),
            human_size(*cap)
        ),
        SkipReason::Unavailable { .. } => "LinkedIn no longer serves this file".to_owned(),
        SkipReason::Refused { detail } => format!("not kept: {detail}"),
    }
}

/// The web address of an attachment's bytes.
fn bytes_href(view: &AttachmentView) -> String {
    format!(
        "/attachments/{}/{}",
        utf8_percent_encode(&view.message_urn, NON_ALPHANUMERIC),
        view.index
    )
}

fn item(view: &AttachmentView) -> AttachmentItem {
    let fallback_name = || view.name.clone().unwrap_or_else(|| "attachment".to_owned());
    match &view.state {
        AttachmentState::Stored(file) => {
            let top = file.media_type.split('/').next().unwrap_or_default();
            let show = match top {
                "image" if shown_inline(&file.media_type) => "image",
                "audio" => "audio",
                "video" => "video",
                _ => "download",
            };
            AttachmentItem {
                show,
                name: file_name(file),
                href: Some(bytes_href(view)),
                note: Some(human_size(file.byte_size)),
            }
        }
        AttachmentState::Pending => AttachmentItem {
            show: "missing",
            name: fallback_name(),
            href: None,
            note: Some("not downloaded yet".to_owned()),
        },
        AttachmentState::Skipped { reason } => AttachmentItem {
            show: "missing",
            name: fallback_name(),
            href: None,
            note: Some(skip_note(reason)),
        },
    }
}

/// A conversation's attachments by message URN, for its timeline.
pub fn items_by_message(views: &[AttachmentView]) -> HashMap<String, Vec<AttachmentItem>> {
    let mut items: HashMap<String, Vec<AttachmentItem>> = HashMap::new();
    for view in views {
        items
            .entry(view.message_urn.clone())
            .or_default()
            .push(item(view));
    }
    items
}

/// `GET /attachments/{messageUrn}/{index}`: the bytes, to their owner only (404 otherwise).
pub async fn bytes(
    State(state): State<AppState>,
    PageSession(session): PageSession,
    Path((message, index)): Path<(String, u32)>,
) -> Result<Response, PageError> {
    Ok(attachment_bytes::serve_stored(&state, session.user, &message, index).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_the_extension_options() {
        assert_eq!(human_size(25 * 1024 * 1024), "25 MB");
        assert_eq!(human_size(32_925_696), "31.4 MB");
        assert_eq!(human_size(800 * 1024), "800 KB");
        assert_eq!(human_size(12), "12 bytes");
    }

    #[test]
    fn a_skip_says_why_in_words() {
        let too_large = SkipReason::TooLarge {
            byte_size: 32_925_696,
            cap: 25 * 1024 * 1024,
        };
        assert_eq!(
            skip_note(&too_large),
            "not downloaded: 31.4 MB is over the 25 MB cap set in the extension"
        );
        assert_eq!(
            skip_note(&SkipReason::Unavailable { status: 404 }),
            "LinkedIn no longer serves this file"
        );
    }
}
