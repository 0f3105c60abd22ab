//! The `application/graphql` envelope of messaging answers:
//! `{"data": {"<variant>": {"elements": […], "metadata": {…}}}}` (voyager-api.md §5.1).
//!
//! The collection is found as the one object under `data` with an `elements` array (or a bare
//! list, as `messengerConversationsByIds` answers), not by a hard-coded key. Its key names the
//! variant: an answer from a variant known to belong to another kind of call is refused, since
//! its paging would not mean what the caller asked for. Unknown variant names are accepted.
//! GraphQL `errors` only matter when there is no collection (a partial answer is still read).

use std::borrow::Cow;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{IgnoredAny, MapAccess, SeqAccess};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::ParseError;
use super::json::is_meta_key;
use super::records::Metadata;
use crate::entity::lenient::{Lenient, List, Object, Record, read};
use crate::voyager::QueryKind;

/// The collection of a messaging answer, its elements read as `T`.
pub(super) struct Collection<'a, T> {
    pub(super) elements: Vec<Record<T>>,
    pub(super) metadata: Option<Metadata<'a>>,
}

/// The answer's root, only `data` read.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de> + Default"))]
struct Root<'a, T> {
    #[serde(borrow, default)]
    data: Data<'a, T>,
}

/// What `data` holds, by field name: the collections; other values and `$`/`_` metadata keys
/// are skipped unread. Empty when `data` is no object. A list, not a map: it holds one or two
/// entries, and a map type's code would be compiled into the worker's wasm for them.
struct Data<'a, T>(Vec<(Cow<'a, str>, Collection<'a, T>)>);

impl<T> Default for Data<'_, T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de> + Default> Lenient<'de> for Data<'a, T> {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<Cow<'a, str>>()? {
            if is_meta_key(&key) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: MaybeCollection<'a, T> = map.next_value()?;
            // A later field of the same name replaces an earlier one, collection or not.
            fields.retain(|(name, _): &(Cow<'a, str>, _)| *name != key);
            if let MaybeCollection(Some(collection)) = value {
                fields.push((key, collection));
            }
        }
        Ok(Data(fields))
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de> + Default> Deserialize<'de> for Data<'a, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer)
    }
}

/// A bare list of elements, or an object with an `elements` list; `None` for anything else.
struct MaybeCollection<'a, T>(Option<Collection<'a, T>>);

impl<T> Default for MaybeCollection<'_, T> {
    fn default() -> Self {
        Self(None)
    }
}

/// `{elements, metadata}`; `metadata` counts only as an object.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de> + Default"))]
struct CollectionObject<'a, T> {
    #[serde(default)]
    elements: List<Record<T>>,
    #[serde(borrow, default)]
    metadata: Object<Metadata<'a>>,
}

impl<'de: 'a, 'a, T: Deserialize<'de> + Default> Lenient<'de> for MaybeCollection<'a, T> {
    fn from_seq<A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        let elements = Vec::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(MaybeCollection(Some(Collection {
            elements,
            metadata: None,
        })))
    }
    fn from_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let object = CollectionObject::deserialize(MapAccessDeserializer::new(map))?;
        Ok(MaybeCollection(object.elements.0.map(|elements| {
            Collection {
                elements,
                metadata: object.metadata.0,
            }
        })))
    }
}

impl<'de: 'a, 'a, T: Deserialize<'de> + Default> Deserialize<'de> for MaybeCollection<'a, T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read(deserializer)
    }
}

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

/// Finds the collection answering a call of `kind` in `body`, its elements read as `T`.
pub(super) fn collection<'a, T: Deserialize<'a> + Default>(
    body: &'a str,
    kind: QueryKind,
) -> Result<Collection<'a, T>, ParseError> {
    // A root that is no object is JSON without a collection, like one without `data`.
    let root: Object<Root<'a, T>> =
        serde_json::from_str(body).map_err(|e| ParseError::NotJson {
            detail: e.to_string(),
        })?;
    let mut candidates = root.0.map(|root| root.data.0).unwrap_or_default();
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
