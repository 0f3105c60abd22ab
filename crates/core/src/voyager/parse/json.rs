//! Readers the messaging answers need beyond LinkedIn's shared field conventions
//! (`crate::entity::json`): which keys are metadata, and trimmed labels.

use serde_json::Value;

use crate::entity::lenient::Text;
use crate::entity::raw_text;

/// Keys that describe an object rather than hold its data.
pub(super) fn is_meta_key(key: &str) -> bool {
    key.starts_with('_') || key.starts_with('$')
}

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
