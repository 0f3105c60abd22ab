//! Text a store can hold: NUL characters taken out.
//!
//! PostgreSQL refuses a text holding U+0000 (and with it the whole statement), and no text from
//! LinkedIn means anything by one, so pushes drop them before anything else reads the records.

use serde_json::Value;

/// Takes the NUL characters out of `text`.
pub(crate) fn strip_nul(text: &mut String) {
    if text.contains('\0') {
        text.retain(|c| c != '\0');
    }
}

/// Takes the NUL characters out of every string in `value`, object keys included.
fn strip_nul_value(value: &mut Value) {
    match value {
        Value::String(text) => strip_nul(text),
        Value::Array(items) => items.iter_mut().for_each(strip_nul_value),
        Value::Object(map) => {
            if map.keys().any(|key| key.contains('\0')) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(mut key, value)| {
                        strip_nul(&mut key);
                        (key, value)
                    })
                    .collect();
            }
            map.values_mut().for_each(strip_nul_value);
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Raw records with the NUL characters taken out of every string.
pub(super) fn strip_nul_in(mut records: Vec<Value>) -> Vec<Value> {
    records.iter_mut().for_each(strip_nul_value);
    records
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nul_characters_leave_every_string_keys_included() {
        let records = strip_nul_in(vec![json!({
            "body": "a\u{0}b",
            "participants": [{"name": "\u{0}Zoe\u{0}"}],
            "k\u{0}ey": 1,
            "n": null,
        })]);
        assert_eq!(
            records,
            [json!({"body": "ab", "participants": [{"name": "Zoe"}], "key": 1, "n": null})]
        );
    }
}
