//! `messengerConversations` variants: by sync token, by category query (first page by
//! `lastUpdatedBefore`, then `nextCursor`) and the alternative by-category form.

use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ping_core::ids::ProfileUrn;
use serde_json::{Value, json};

use super::envelope::{Answer, Refusal, collection};
use super::json;
use super::restli::Value as Vars;
use crate::config::LastPageShape;
use crate::data::{Account, Conversation};
use crate::state::Shared;

/// Conversations per page of the sync-token variant.
const RECENT: usize = 20;

/// Routes by the variable keys present.
pub fn answer(shared: &Shared, vars: &Vars) -> Answer {
    let keys = vars.keys();
    match keys.as_slice() {
        ["mailboxUrn"] => by_sync_token(shared, vars, None),
        ["mailboxUrn", "syncToken"] => by_sync_token(shared, vars, vars.text("syncToken")),
        ["count", "lastUpdatedBefore", "mailboxUrn", "query"] => {
            let before = vars
                .int("lastUpdatedBefore")
                .ok_or_else(|| bad("lastUpdatedBefore"))?;
            by_category(shared, vars, Position::Before(before), true)
        }
        ["count", "mailboxUrn", "nextCursor", "query"] => {
            let cursor = vars
                .text("nextCursor")
                .and_then(decode_cursor)
                .ok_or_else(|| bad("nextCursor"))?;
            by_category(shared, vars, cursor, true)
        }
        ["category", "count", "mailboxUrn"] => by_category(shared, vars, Position::Top, false),
        ["category", "count", "lastUpdatedBefore", "mailboxUrn"] => {
            let before = vars
                .int("lastUpdatedBefore")
                .ok_or_else(|| bad("lastUpdatedBefore"))?;
            by_category(shared, vars, Position::Before(before), false)
        }
        _ => Err(Refusal::Validation(format!(
            "Validation error: no messengerConversations variant takes variables {keys:?}"
        ))),
    }
}

fn bad(what: &str) -> Refusal {
    Refusal::Status(StatusCode::BAD_REQUEST, format!("bad {what}"))
}

/// Checks that `mailboxUrn` names the owner.
fn check_mailbox(shared: &Shared, vars: &Vars) -> Result<(), Refusal> {
    let mailbox = vars
        .text("mailboxUrn")
        .and_then(|m| ProfileUrn::parse(m).ok());
    match mailbox {
        Some(urn) if urn == shared.account.read().owner().urn => Ok(()),
        Some(_) => Err(Refusal::Status(
            StatusCode::FORBIDDEN,
            "not your mailbox".to_owned(),
        )),
        None => Err(bad("mailboxUrn")),
    }
}

/// Where a page starts.
#[derive(Debug, Clone, Copy)]
enum Position {
    Top,
    /// Strictly older than this `lastActivityAt`.
    Before(i64),
    /// After this conversation in list order (`lastActivityAt`, then index).
    After(i64, usize),
}

impl Position {
    fn admits(self, conv: &Conversation) -> bool {
        let at = conv.last_activity_at();
        match self {
            Self::Top => true,
            Self::Before(before) => at < before,
            Self::After(last, index) => at < last || (at == last && conv.index > index),
        }
    }
}

fn encode_cursor(conv: &Conversation) -> String {
    STANDARD.encode(format!(
        "fakeconv&{}&{}",
        conv.last_activity_at(),
        conv.index
    ))
}

fn decode_cursor(raw: &str) -> Option<Position> {
    let text = String::from_utf8(STANDARD.decode(raw).ok()?).ok()?;
    let mut parts = text.split('&');
    (parts.next()? == "fakeconv").then_some(())?;
    let at = parts.next()?.parse().ok()?;
    let index = parts.next()?.parse().ok()?;
    Some(Position::After(at, index))
}

fn sync_token(seq: u64) -> String {
    STANDARD.encode(format!("fakesync&{seq}"))
}

fn decode_sync_token(raw: &str) -> Option<u64> {
    let text = String::from_utf8(STANDARD.decode(raw).ok()?).ok()?;
    text.strip_prefix("fakesync&")?.parse().ok()
}

fn by_sync_token(shared: &Shared, vars: &Vars, token: Option<&str>) -> Answer {
    check_mailbox(shared, vars)?;
    let since = match token {
        Some(raw) => Some(decode_sync_token(raw).ok_or_else(|| bad("syncToken"))?),
        None => None,
    };
    let ctx = shared.media_ctx();
    let account = shared.account.read();
    let elements: Vec<Value> = match since {
        None => account
            .ordered()
            .take(RECENT)
            .map(|c| json::conversation(&account, c, &ctx, false))
            .collect(),
        Some(seq) => account
            .ordered()
            .filter(|c| c.changed_seq > seq)
            .map(|c| json::conversation(&account, c, &ctx, false))
            .collect(),
    };
    // The shape mautrix-linkedin reads: `deletedUrns[].conversation.entityUrn` (§6).
    let deleted: Vec<Value> = account
        .deleted
        .iter()
        .filter(|(seq, _)| since.is_some_and(|since| *seq > since))
        .map(|(_, urn)| json!({"conversation": {"entityUrn": urn.to_string()}}))
        .collect();
    let metadata = json!({"_type": "com.linkedin.messenger.SyncMetadata", "_recipeType": json::recipe("SyncMetadata"),
        "newSyncToken": sync_token(account.change_seq), "deletedUrns": deleted, "shouldClearCache": since.is_none()});
    Ok((
        "messengerConversationsBySyncToken",
        collection(elements, Some(metadata)),
    ))
}

fn category_of(vars: &Vars) -> Option<&str> {
    if let Some(category) = vars.text("category") {
        return Some(category);
    }
    let super::restli::Value::List(unions) = vars.get("query")?.get("predicateUnions")? else {
        return None;
    };
    unions
        .first()?
        .get("conversationCategoryPredicate")?
        .text("category")
}

fn page<'a>(
    account: &'a Account,
    category: Option<&str>,
    start: Position,
    count: usize,
) -> (Vec<&'a Conversation>, bool) {
    let mut candidates = account
        .ordered()
        .filter(|c| category.is_none_or(|cat| c.categories().contains(&cat)))
        .filter(|c| start.admits(c));
    let items: Vec<&Conversation> = candidates.by_ref().take(count).collect();
    let more = candidates.next().is_some();
    (items, more)
}

fn by_category(shared: &Shared, vars: &Vars, start: Position, query_form: bool) -> Answer {
    check_mailbox(shared, vars)?;
    let count = vars.int("count").ok_or_else(|| bad("count"))?;
    let filter = shared.tuning.read().filter_categories;
    let category = if filter { category_of(vars) } else { None };
    let ctx = shared.media_ctx();
    let account = shared.account.read();
    // LinkedIn answers nothing for a count of about 30 or more (U2).
    let size = usize::try_from(count).ok().filter(|&n| n < 30).unwrap_or(0);
    let (items, more) = page(&account, category, start, size);
    let elements: Vec<Value> = items
        .iter()
        .map(|c| json::conversation(&account, c, &ctx, query_form))
        .collect();
    if !query_form {
        return Ok((
            "messengerConversationsByCategory",
            collection(elements, None),
        ));
    }
    let next = match (items.last(), more, shared.config.last_page) {
        (Some(last), true, _) | (Some(last), false, LastPageShape::EmptyPage) => {
            Some(encode_cursor(last))
        }
        _ => None,
    };
    let metadata = json!({"_type": "com.linkedin.messenger.ConversationCursorMetadata",
                          "_recipeType": json::recipe("ConversationCursorMetadata"), "nextCursor": next});
    Ok((
        "messengerConversationsByCategoryQuery",
        collection(elements, Some(metadata)),
    ))
}
