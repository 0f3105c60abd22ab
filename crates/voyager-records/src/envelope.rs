//! The `application/graphql` envelope of messaging answers:
//! `{"data": {"<variant>": {"elements": […], "metadata": {…}}}}` (voyager-api.md §5.1), read
//! as every collection under `data` by its field name. Which one answers the call is
//! `ping_core::voyager::parse`'s choice.

use std::borrow::Cow;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{IgnoredAny, MapAccess, SeqAccess};
use serde::{Deserialize, Deserializer};

use crate::is_meta_key;
use crate::lenient::{Lenient, List, Object, Record, read};
use crate::messaging::{ConversationRecord, MessageRecord, Metadata};

/// The collections under an answer's `data`, by field name, in the answer's order.
pub type Collections<'a, T> = Vec<(Cow<'a, str>, Collection<'a, T>)>;

/// The collections of a conversation-list answer; none when the root or `data` is no object.
pub fn conversation_answer(
    body: &str,
) -> serde_json::Result<Collections<'_, ConversationRecord<'_>>> {
    collections(body)
}

/// The collections of a messages answer; none when the root or `data` is no object.
pub fn message_answer(body: &str) -> serde_json::Result<Collections<'_, MessageRecord<'_>>> {
    collections(body)
}

fn collections<'a, T: Deserialize<'a> + Default>(
    body: &'a str,
) -> serde_json::Result<Collections<'a, T>> {
    let root: Object<Root<'a, T>> = serde_json::from_str(body)?;
    Ok(root.0.map(|root| root.data.0).unwrap_or_default())
}

/// The collection of a messaging answer, its elements read as `T`.
pub struct Collection<'a, T> {
    /// The `elements`, each read as `T` when it is an object.
    pub elements: Vec<Record<T>>,
    /// The `metadata` object, when there is one.
    pub metadata: Option<Metadata<'a>>,
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
