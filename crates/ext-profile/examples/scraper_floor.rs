//! The limit `./build.sh bench` measures the profile-page module against: a wasm module that
//! only parses a page with scraper and reads one element, none of Ping's code. Whatever this
//! weighs, any profile-page module built on scraper weighs at least as much.

use wasm_bindgen::prelude::*;

/// The text of the page's first `h1`.
#[wasm_bindgen]
pub fn first_heading(html: &str) -> Option<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("h1").ok()?;
    let heading = document.select(&selector).next()?;
    Some(heading.text().collect())
}
