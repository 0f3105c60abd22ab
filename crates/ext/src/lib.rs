//! The wasm glue of the extension (being written).
