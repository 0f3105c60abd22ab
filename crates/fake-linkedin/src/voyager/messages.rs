//! `messengerMessages` variants: by sync token (newest first), by anchor timestamp and by
//! conversation with `prevCursor` (both in the configured [`AnchorOrder`]).

use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ping_core::ids::ConversationUrn;
use serde_json::{Value, json};

use super::envelope::{Answer, Refusal, collection};
use super::json;
use super::restli::Value as Vars;
use crate::config::AnchorOrder;
use crate::data::Conversation;
use crate::state::Shared;

/// Messages in a sync-token answer.
const LATEST: usize = 20;

/// Routes by the variable keys present.
pub fn answer(shared: &Shared, vars: &Vars) -> Answer {
    let keys = vars.keys();
    let variant = match keys.as_slice() {
        ["conversationUrn"] => Variant::Latest(None),
        ["conversationUrn", "syncToken"] => {
            let token = vars
                .text("syncToken")
                .and_then(decode_sync_token)
                .ok_or_else(|| bad("syncToken"))?;
            Variant::Latest(Some(token))
        }
        [
            "conversationUrn",
            "countAfter",
            "countBefore",
            "deliveredAt",
        ] => Variant::Anchor {
            at: vars.int("deliveredAt").ok_or_else(|| bad("deliveredAt"))?,
            before: count(vars, "countBefore")?,
            after: count(vars, "countAfter")?,
        },
        ["conversationUrn", "count", "prevCursor"] => Variant::Cursor {
            end: vars
                .text("prevCursor")
                .and_then(decode_cursor)
                .ok_or_else(|| bad("prevCursor"))?,
            count: count(vars, "count")?,
        },
        _ => {
            return Err(Refusal::Validation(format!(
                "Validation error: no messengerMessages variant takes variables {keys:?}"
            )));
        }
    };
    let urn = vars
        .text("conversationUrn")
        .and_then(|raw| ConversationUrn::parse(raw).ok())
        .ok_or_else(|| bad("conversationUrn"))?;
    let ctx = shared.media_ctx();
    let account = shared.account.read();
    let Some(conv) = account.conversation(&urn) else {
        // An unknown or deleted conversation has no messages (not an error status, which a
        // client would take for a rotated query id).
        return Ok(empty(&variant));
    };
    let render = |ordinals: &[usize]| -> Vec<Value> {
        ordinals
            .iter()
            .map(|&i| json::message(&account, conv, i, &ctx))
            .collect()
    };
    let total = conv.messages.len();
    match variant {
        Variant::Latest(since) => {
            let newer = |i: &usize| since.is_none_or(|s| conv.messages[*i].at > s);
            let ordinals: Vec<usize> = (0..total).rev().filter(newer).take(LATEST).collect();
            let newest = conv.messages.last().map_or(0, |m| m.at);
            let metadata = json!({"_type": "com.linkedin.messenger.SyncMetadata", "_recipeType": json::recipe("SyncMetadata"),
                "newSyncToken": sync_token(newest), "deletedUrns": [], "shouldClearCache": since.is_none()});
            Ok((
                "messengerMessagesBySyncToken",
                collection(render(&ordinals), Some(metadata)),
            ))
        }
        Variant::Anchor { at, before, after } => {
            let older_end = conv.messages.partition_point(|m| m.at < at);
            let newer_start = conv.messages.partition_point(|m| m.at <= at);
            let start = older_end.saturating_sub(before);
            let mut ordinals: Vec<usize> = (start..older_end).collect();
            ordinals.extend(newer_start..(newer_start + after).min(total));
            let page = ordered(ordinals, shared.config.anchor_order);
            let metadata = cursor_metadata(conv, start);
            Ok((
                "messengerMessagesByAnchorTimestamp",
                collection(render(&page), Some(metadata)),
            ))
        }
        Variant::Cursor { end, count } => {
            let end = end.min(total);
            let start = end.saturating_sub(count);
            let page = ordered((start..end).collect(), shared.config.anchor_order);
            let metadata = cursor_metadata(conv, start);
            Ok((
                "messengerMessagesByConversation",
                collection(render(&page), Some(metadata)),
            ))
        }
    }
}

fn empty(variant: &Variant) -> (&'static str, Value) {
    match variant {
        Variant::Latest(since) => {
            let metadata = json!({"_type": "com.linkedin.messenger.SyncMetadata",
                "newSyncToken": sync_token(since.unwrap_or(0)), "deletedUrns": [], "shouldClearCache": since.is_none()});
            (
                "messengerMessagesBySyncToken",
                collection(Vec::new(), Some(metadata)),
            )
        }
        Variant::Anchor { .. } | Variant::Cursor { .. } => {
            let metadata = json!({"_type": "com.linkedin.messenger.MessageCursorMetadata",
                                  "prevCursor": null, "nextCursor": null});
            let field = if matches!(variant, Variant::Anchor { .. }) {
                "messengerMessagesByAnchorTimestamp"
            } else {
                "messengerMessagesByConversation"
            };
            (field, collection(Vec::new(), Some(metadata)))
        }
    }
}

enum Variant {
    /// Newest first; with a token only messages delivered after it.
    Latest(Option<i64>),
    Anchor {
        at: i64,
        before: usize,
        after: usize,
    },
    /// The `count` messages before ordinal `end`.
    Cursor { end: usize, count: usize },
}

fn bad(what: &str) -> Refusal {
    Refusal::Status(StatusCode::BAD_REQUEST, format!("bad {what}"))
}

fn count(vars: &Vars, key: &str) -> Result<usize, Refusal> {
    let n = vars.int(key).ok_or_else(|| bad(key))?;
    Ok(usize::try_from(n).unwrap_or(0).min(100))
}

fn ordered(mut ordinals: Vec<usize>, order: AnchorOrder) -> Vec<usize> {
    ordinals.sort_unstable();
    if order == AnchorOrder::NewestFirst {
        ordinals.reverse();
    }
    ordinals
}

/// `prevCursor` points before ordinal `start` while older messages exist; `nextCursor` is null.
fn cursor_metadata(conv: &Conversation, start: usize) -> Value {
    let prev = (start > 0).then(|| STANDARD.encode(format!("fakemsg&{}&{start}", conv.thread_id)));
    json!({"_type": "com.linkedin.messenger.MessageCursorMetadata", "_recipeType": json::recipe("MessageCursorMetadata"),
           "prevCursor": prev, "nextCursor": null})
}

fn decode_cursor(raw: &str) -> Option<usize> {
    let text = String::from_utf8(STANDARD.decode(raw).ok()?).ok()?;
    let rest = text.strip_prefix("fakemsg&")?;
    rest.rsplit('&').next()?.parse().ok()
}

fn sync_token(newest: i64) -> String {
    STANDARD.encode(format!("fakemsync&{newest}"))
}

fn decode_sync_token(raw: &str) -> Option<i64> {
    let text = String::from_utf8(STANDARD.decode(raw).ok()?).ok()?;
    text.strip_prefix("fakemsync&")?.parse().ok()
}
