//! The profile-page parser as a wasm module of its own.
//!
//! `scraper` (html5ever, selectors, cssparser and the HTML entity tables) is most of what a
//! profile page costs in code, and the worker's sync path never needs it. So it lives here,
//! and `extension/profile_parser.js` instantiates this module on the first profile page only;
//! the worker's module (`ping-ext`) calls it through that file.

use wasm_bindgen::prelude::*;

/// Reads a profile page's HTML at `url`; answers the member's `Profile` as JSON, or throws
/// why the page is not one.
#[wasm_bindgen]
pub fn parse_profile_page(html: &str, url: &str) -> Result<String, JsError> {
    let capture = ping_core::profile_page::parse_profile_page(html, url)
        .map_err(|error| JsError::new(&error.to_string()))?;
    serde_json::to_string(&capture.profile).map_err(|error| JsError::new(&error.to_string()))
}
