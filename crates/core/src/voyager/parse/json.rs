//! Readers the messaging answers need beyond LinkedIn's shared field conventions
//! (`crate::entity::json`): trimmed labels.

use ping_voyager_records::lenient::Text;
use serde_json::Value;

use crate::entity::raw_text;

/// Like [`raw_text`], trimmed, `None` when blank: for names, titles and labels.
pub(super) fn label(value: Option<&Value>) -> Option<String> {
    trimmed(raw_text(value))
}

/// [`label`] of a typed field.
pub(super) fn text_label(text: &Text<'_>) -> Option<String> {
    trimmed(text.as_str())
}

fn trimmed(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}
