//! Small readers over `serde_json::Value` shared by the parsers: LinkedIn's text, time and
//! reference conventions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

/// Keys that describe an object rather than hold its data.
pub(super) fn is_meta_key(key: &str) -> bool {
    key.starts_with('_') || key.starts_with('$')
}

/// A non-empty string field.
pub(super) fn string(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The text of an AttributedText `{text, attributes}` or a plain string, verbatim.
pub(super) fn raw_text(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(text) => Some(text),
        Value::Object(object) => object.get("text").and_then(Value::as_str),
        _ => None,
    }
}

/// Like [`raw_text`], trimmed, `None` when blank: for names, titles and labels.
pub(super) fn label(value: Option<&Value>) -> Option<String> {
    raw_text(value)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// An epoch-milliseconds field as an instant.
pub(super) fn millis(value: &Value, key: &str) -> Option<DateTime<Utc>> {
    let ms = match value.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?,
        _ => return None,
    };
    DateTime::from_timestamp_millis(ms)
}

/// A boolean field.
pub(super) fn flag(value: &Value, key: &str) -> Option<bool> {
    value.get(key).and_then(Value::as_bool)
}

/// A non-negative integer field that fits in `u32`.
pub(super) fn count(value: &Value, key: &str) -> Option<u32> {
    value
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

/// A non-null object or array field.
pub(super) fn present<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

/// The entities of a normalized answer's `included`, by `entityUrn`, to follow `*key`
/// references. Empty for plain answers, where everything is inline.
#[derive(Default)]
pub(super) struct Included<'a> {
    by_urn: HashMap<&'a str, &'a Value>,
}

impl<'a> Included<'a> {
    /// Indexes `root.included`.
    pub(super) fn of(root: &'a Value) -> Self {
        let by_urn = root
            .get("included")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entity| Some((entity.get("entityUrn")?.as_str()?, entity)))
            .collect();
        Self { by_urn }
    }

    /// The entity with this URN.
    pub(super) fn get(&self, urn: &str) -> Option<&'a Value> {
        self.by_urn.get(urn).copied()
    }

    /// Every included entity, in no particular order.
    pub(super) fn entities(&self) -> impl Iterator<Item = &'a Value> + '_ {
        self.by_urn.values().copied()
    }

    /// `value[key]` when inline, else the entity that `value["*key"]` names.
    pub(super) fn field(&self, value: &'a Value, key: &str) -> Option<&'a Value> {
        present(value, key).or_else(|| {
            let urn = value.get(format!("*{key}").as_str())?.as_str()?;
            self.get(urn)
        })
    }

    /// The elements of `value[key]`: inline `elements`, or the entities named by `*elements`.
    pub(super) fn elements(&self, value: &'a Value, key: &str) -> Vec<&'a Value> {
        let Some(holder) = present(value, key) else {
            return Vec::new();
        };
        if let Some(inline) = holder.get("elements").and_then(Value::as_array) {
            return inline.iter().collect();
        }
        holder
            .get("*elements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|urn| self.get(urn.as_str()?))
            .collect()
    }
}
