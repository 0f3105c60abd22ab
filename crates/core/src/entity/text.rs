//! Text as LinkedIn gives it: a plain string or an AttributedText `{text, attributes}`, and the
//! cleaning that names and headlines need wherever they come from.

use serde_json::Value;

/// The text of an AttributedText or a plain string, verbatim.
pub(crate) fn raw_text(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(text) => Some(text),
        Value::Object(object) => object.get("text").and_then(Value::as_str),
        _ => None,
    }
}

/// Like [`raw_text`], [`clean`]ed: the API's names carry the same direction marks and stray
/// whitespace as the page's, so both are read alike.
pub(super) fn cleaned_text(value: Option<&Value>) -> Option<String> {
    clean(raw_text(value)?)
}

/// Collapses runs of whitespace to one space and trims, also trimming the invisible
/// direction marks and zero-width characters that cling to names; `None` when nothing is left.
pub(crate) fn clean(text: &str) -> Option<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = collapsed.trim_matches(|c: char| c.is_whitespace() || is_invisible_mark(c));
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Bidirectional controls and zero-width characters.
fn is_invisible_mark(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn cleaning_collapses_whitespace_and_trims_direction_marks() {
        assert_eq!(
            clean("\n  \u{200F}ليلى   الحداد\u{200F} \u{a0}").as_deref(),
            Some("ليلى الحداد")
        );
        assert_eq!(clean(" \u{200E} "), None);
    }

    #[test]
    fn attributed_text_reads_like_a_plain_string() {
        let attributed = json!({"text": " Zoe\u{200F}", "attributes": []});
        assert_eq!(raw_text(Some(&attributed)), Some(" Zoe\u{200F}"));
        assert_eq!(cleaned_text(Some(&attributed)).as_deref(), Some("Zoe"));
        assert_eq!(cleaned_text(Some(&json!("Zoe"))).as_deref(), Some("Zoe"));
        assert_eq!(cleaned_text(Some(&json!(7))), None);
    }
}
