//! The `application/graphql` envelope of messaging answers:
//! `{"data": {"<variant>": {"elements": […], "metadata": {…}}}}` (voyager-api.md §5.1).
//!
//! The collection is found as the one object under `data` with an `elements` array (or a bare
//! list, as `messengerConversationsByIds` answers), not by a hard-coded key. Its key names the
//! variant: an answer from a variant known to belong to another kind of call is refused, since
//! its paging would not mean what the caller asked for. Unknown variant names are accepted.
//! GraphQL `errors` only matter when there is no collection (a partial answer is still read).

use ping_voyager_records::Collection;
use ping_voyager_records::envelope::Collections;
use serde_json::Value;

use super::ParseError;
use crate::voyager::QueryKind;

/// The variants named in voyager-api.md §4.1, with the kind of call each answers (`None`: a
/// variant this client never asks for).
const VARIANTS: [(&str, Option<QueryKind>); 9] = [
    (
        "messengerConversationsBySyncToken",
        Some(QueryKind::ConversationsBySyncToken),
    ),
    (
        "messengerConversationsByCategoryQuery",
        Some(QueryKind::ConversationsByCategory),
    ),
    (
        "messengerConversationsByCategory",
        Some(QueryKind::ConversationsByCategory),
    ),
    ("messengerConversationsByIds", None),
    ("messengerConversationsByRecipients", None),
    (
        "messengerMessagesBySyncToken",
        Some(QueryKind::MessagesLatest),
    ),
    (
        "messengerMessagesByAnchorTimestamp",
        Some(QueryKind::MessagesByAnchor),
    ),
    (
        "messengerMessagesByConversation",
        Some(QueryKind::MessagesByCursor),
    ),
    ("messengerMessagesBySyncTokensInBatch", None),
];

/// Finds the collection answering a call of `kind` in `body` among those `read` finds (a root
/// that is no object is JSON without a collection, like one without `data`).
pub(super) fn collection<'a, T>(
    body: &'a str,
    kind: QueryKind,
    read: fn(&'a str) -> serde_json::Result<Collections<'a, T>>,
) -> Result<Collection<'a, T>, ParseError> {
    let mut candidates = read(body).map_err(|e| ParseError::NotJson {
        detail: e.to_string(),
    })?;
    // Of two collections answering `kind`, the first by name (as JSON keys compare).
    let chosen = candidates
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| known_kind(name) == Some(Some(kind)))
        .min_by(|(_, (a, _)), (_, (b, _))| a.cmp(b))
        .map(|(index, _)| index);
    let index = match (chosen, candidates.len()) {
        (Some(index), _) => index,
        (None, 1) => 0,
        (None, 0) => return Err(no_collection(body)),
        (None, _) => {
            let mut names: Vec<&str> = candidates.iter().map(|(name, _)| name.as_ref()).collect();
            names.sort_unstable();
            return Err(ParseError::NoCollection {
                detail: format!("several collections under data: {}", names.join(", ")),
            });
        }
    };
    let (name, collection) = candidates.swap_remove(index);
    if belongs_elsewhere(&name, kind) {
        return Err(ParseError::WrongVariant {
            found: name.into_owned(),
            expected: kind,
        });
    }
    Ok(collection)
}

/// `Some(kind)` for a known variant name (`Some(None)` for one no call asks for).
fn known_kind(name: &str) -> Option<Option<QueryKind>> {
    VARIANTS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, kind)| *kind)
}

/// Whether a variant name is known to answer something other than `kind`, or carries the other
/// query's name.
fn belongs_elsewhere(name: &str, kind: QueryKind) -> bool {
    match known_kind(name) {
        Some(known) => known != Some(kind),
        None => {
            let other = if kind.query_name() == "messengerMessages" {
                "messengerConversations"
            } else {
                "messengerMessages"
            };
            name.starts_with(other)
        }
    }
}

/// Explains an answer without a collection: its GraphQL errors when it has some. Only this
/// failure reads the whole answer as a `Value` (a second time).
fn no_collection(body: &str) -> ParseError {
    let root: Value = serde_json::from_str(body).unwrap_or_default();
    let errors = root
        .get("errors")
        .or_else(|| root.get("data").and_then(|data| data.get("errors")))
        .and_then(Value::as_array);
    let detail = match errors {
        Some(errors) => {
            let first = errors
                .iter()
                .find_map(|e| e.get("message").and_then(Value::as_str))
                .unwrap_or("no message");
            let first: String = first.chars().take(200).collect();
            format!("{} GraphQL error(s), first: {first}", errors.len())
        }
        None if root.pointer("/data/*elements").is_some() || root.get("included").is_some() => {
            "a normalized answer where application/graphql was asked for".to_owned()
        }
        None => "no object with elements under data".to_owned(),
    };
    ParseError::NoCollection { detail }
}
