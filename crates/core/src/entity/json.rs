//! Field readers over `serde_json::Value` for LinkedIn's conventions: `null` and `""` mean
//! absent, instants are epoch milliseconds.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A non-null field.
pub(crate) fn present<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.get(key).filter(|v| !v.is_null())
}

/// A non-empty string field.
pub(crate) fn string(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// An epoch-milliseconds field as an instant.
pub(crate) fn millis(value: &Value, key: &str) -> Option<DateTime<Utc>> {
    let ms = match value.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?,
        _ => return None,
    };
    DateTime::from_timestamp_millis(ms)
}

/// A boolean field.
pub(crate) fn flag(value: &Value, key: &str) -> Option<bool> {
    value.get(key).and_then(Value::as_bool)
}

/// A non-negative integer field that fits in `u32`.
pub(crate) fn count(value: &Value, key: &str) -> Option<u32> {
    value
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}
