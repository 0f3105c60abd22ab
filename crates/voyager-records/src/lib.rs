//! LinkedIn's Voyager JSON as the answers hold it, read straight from the text: lenient typed
//! fields (`lenient`), the messaging records (`messaging`), pictures (`picture`) and the
//! `application/graphql` envelope around them (`envelope`). What the records mean is
//! `ping_core::voyager::parse`'s business; this crate only reads them.
//!
//! It is a crate of its own for one reason: the extension's wasm is compiled for size
//! (`opt-level = "z"`), and reading pages is the one loop a sync spends its time in. The
//! workspace compiles this crate, and the serde code generated for its records, at
//! `opt-level = 3` (issue 12's measurements are in `crates/ext/README.md`). So the entry points
//! are not generic: each record type's reading is compiled here, not in the crate calling it.

#![warn(missing_docs)]

pub mod envelope;
pub mod lenient;
// Their fields are the JSON keys of the same name (camelCase there).
#[allow(missing_docs)]
pub mod messaging;
#[allow(missing_docs)]
pub mod picture;

pub use envelope::{Collection, conversation_answer, message_answer};

/// Keys that describe an object rather than hold its data.
pub fn is_meta_key(key: &str) -> bool {
    key.starts_with('_') || key.starts_with('$')
}
