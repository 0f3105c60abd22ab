//! JSON text to typed values for everything but Voyager pages (which `ping_core` reads with
//! its borrowed, lenient records): the text is read into a `serde_json::Value` once and the
//! type is read from that tree. Reading each type straight from text would compile the whole
//! text parser into every type's deserializer; from a tree each one is a small walk.

use serde::de::DeserializeOwned;

pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    T::deserialize(&value)
}
