//! Field readers over `serde_json::Value` for LinkedIn's conventions: `null` and `""` mean
//! absent. (Typed records read the same conventions through `ping_voyager_records::lenient`.)

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
