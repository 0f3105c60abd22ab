//! Entry points for `./build.sh bench` only (cargo feature `bench`; the shipped extension has
//! none of this): Voyager parsing timed inside the browser's wasm engine.

use ping_core::voyager::{QueryKind, parse_conversations, parse_messages};
use wasm_bindgen::prelude::*;

/// Parses a conversation-list page `times` times; returns how many conversations it held.
#[wasm_bindgen]
pub fn bench_parse_conversations(body: &str, times: u32) -> Result<u32, JsError> {
    let mut found = 0;
    for _ in 0..times {
        let page = parse_conversations(body, QueryKind::ConversationsByCategory)
            .map_err(|error| JsError::new(&error.to_string()))?;
        found = page.conversations.len();
    }
    Ok(found as u32)
}

/// Parses a messages page `times` times; returns how many messages it held.
#[wasm_bindgen]
pub fn bench_parse_messages(body: &str, times: u32) -> Result<u32, JsError> {
    let mut found = 0;
    for _ in 0..times {
        let page = parse_messages(body, QueryKind::MessagesLatest, None)
            .map_err(|error| JsError::new(&error.to_string()))?;
        found = page.messages.len();
    }
    Ok(found as u32)
}
