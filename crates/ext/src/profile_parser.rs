//! Profile pages are parsed by a second wasm module (`crates/ext-profile`), which
//! `extension/profile_parser.js` instantiates on the first profile page: scraper stays out of
//! the module every worker start compiles.

use ping_core::model::Profile;
use wasm_bindgen::prelude::*;

use crate::chrome::describe;

#[wasm_bindgen(raw_module = "../profile_parser.js")]
extern "C" {
    /// Resolves to the page's `Profile` as JSON; rejects with why it is not a profile page.
    #[wasm_bindgen(js_name = parseProfilePage, catch)]
    async fn parse_in_profile_module(html: &str, url: &str) -> Result<JsValue, JsValue>;
}

/// The member a profile page at `url` shows; the error says why it could not be read.
pub(crate) async fn parse_profile_page(html: &str, url: &str) -> Result<Profile, String> {
    let json = parse_in_profile_module(html, url)
        .await
        .map_err(|error| describe(&error))?;
    let json = json
        .as_string()
        .ok_or("the profile parser answered no text")?;
    crate::json::decode(&json).map_err(|error| error.to_string())
}
