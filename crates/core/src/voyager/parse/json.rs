//! Readers the messaging answers need beyond LinkedIn's shared field conventions
//! (`crate::entity::json`): which keys are metadata, and trimmed labels.

use serde_json::Value;

use crate::entity::raw_text;

/// Keys that describe an object rather than hold its data.
pub(super) fn is_meta_key(key: &str) -> bool {
    key.starts_with('_') || key.starts_with('$')
}

/// Like [`raw_text`], trimmed, `None` when blank: for names, titles and labels.
pub(super) fn label(value: Option<&Value>) -> Option<String> {
    raw_text(value)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}
