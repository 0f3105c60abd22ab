//! One page of a conversation's messages: what is new on it, and whether to ask for more.
//!
//! Every request should bring new data, so the end of a conversation's history is read from
//! the signals the answers carry instead of being confirmed by an empty page: a page shorter
//! than the page size is the last, and once LinkedIn has been seen to send `prevCursor` on
//! message pages, a page without one is the last. Older pages are asked for by that cursor
//! (no repeats); the newest page carries none, so the first step back is by timestamp.

use chrono::{DateTime, Duration, Utc};

use crate::ids::MessageUrn;
use crate::model::{Message, MessagePage};
use crate::sorted::SortedSet;
use crate::sync::state::InProgress;
use crate::voyager::{MessagesQuery, PAGE_SIZE};

/// What a page means for its conversation.
pub(super) struct PageVerdict {
    /// Messages not pushed before, newest first.
    pub fresh: Vec<Message>,
    /// The next page to ask for, or `None` when this one ends what is wanted.
    pub next: Option<MessagesQuery>,
}

/// Reads `page`, asked for as `current.next`, of a conversation synced up to `floor`;
/// `skip` holds messages already pushed another way. Updates `current` to the next page.
pub(super) fn read_page(
    current: &mut InProgress,
    page: MessagePage,
    floor: Option<DateTime<Utc>>,
    skip: &SortedSet<MessageUrn>,
    cursors_seen: bool,
) -> PageVerdict {
    let asked = current.next.clone();
    let full = page.messages.len() >= PAGE_SIZE as usize;
    // The anchor variant's order differs between reports: sort newest first ourselves.
    let mut messages = page.messages;
    messages.sort_by_key(|message| std::cmp::Reverse(message.delivered_at));
    let oldest = messages.last().map(|message| message.delivered_at);
    let at_oldest: Vec<_> = messages
        .iter()
        .filter(|m| Some(m.delivered_at) == oldest)
        .map(|m| m.urn.clone())
        .collect();
    let mut fresh = Vec::new();
    let mut reached_floor = false;
    for message in messages {
        if floor.is_some_and(|floor| message.delivered_at <= floor) {
            reached_floor = true;
        } else if !current.taken_at_anchor.contains(&message.urn)
            && !skip.contains(&message.urn)
            && !fresh.iter().any(|taken: &Message| taken.urn == message.urn)
        {
            fresh.push(message);
        }
    }
    let more = !reached_floor
        && !fresh.is_empty()
        && match (&page.prev_cursor, &asked) {
            (Some(_), _) => true,
            // A cursor-carrying variant without a cursor: the start of the conversation.
            (None, MessagesQuery::Before(_) | MessagesQuery::Cursor(_)) if cursors_seen => false,
            (None, _) => full,
        };
    let next = match (more, page.prev_cursor, oldest) {
        (false, _, _) | (true, None, None) => None,
        (true, Some(cursor), _) => {
            current.taken_at_anchor.clear();
            Some(MessagesQuery::Cursor(cursor))
        }
        // One millisecond past the oldest, so that messages sharing its timestamp beyond this
        // page are not skipped; those on this page are remembered and not pushed twice.
        (true, None, Some(oldest)) => {
            current.taken_at_anchor = at_oldest;
            Some(MessagesQuery::Before(oldest + Duration::milliseconds(1)))
        }
    };
    if let Some(next) = &next {
        current.next = next.clone();
    }
    PageVerdict { fresh, next }
}
