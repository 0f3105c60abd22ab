//! Small readers over `serde_json::Value` shared by the parsers: LinkedIn's text and time
//! conventions. References (`*key`) are followed by [`Included`](crate::profile_page::Included),
//! which the profile page's embedded JSON needs too.

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
