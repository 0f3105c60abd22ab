//! Learning LinkedIn's rotating query ids from what a page reports: its requests and inline
//! scripts at once, and the bundles it loaded from LinkedIn's static host, each fetched once
//! (content-hashed addresses never change content). `ping_core::voyager::QueryIdRegistry`
//! decides what counts; this module only fetches and stores.

use gloo_net::http::Request;
use ping_core::voyager::PageQueryIds;

use crate::error::WorkerError;
use crate::store;

/// A bundle declaring a larger size is not read (LinkedIn's are a few MB at most).
const MAX_BUNDLE_BYTES: usize = 16 << 20;

/// Learns the ids `page` shows and those of its bundles not scanned yet, and stores them.
pub async fn learn_from_page(page: &PageQueryIds) -> Result<(), WorkerError> {
    let mut registry = store::query_ids().await?;
    let bundles = registry.learn_page(page);
    store::save_query_ids(&registry).await?;
    for url in bundles {
        let Some(text) = fetch_bundle(&url).await else {
            continue;
        };
        // Read again: the page's later requests may have been reported meanwhile.
        let mut registry = store::query_ids().await?;
        registry.learn_bundle(&url, &text);
        store::save_query_ids(&registry).await?;
    }
    Ok(())
}

/// The bundle's text; empty when it answered an error or is too large (scanned all the same:
/// its address will not answer otherwise later); `None` when the network failed, so that a
/// later visit tries again.
async fn fetch_bundle(url: &str) -> Option<String> {
    let response = match Request::get(url).send().await {
        Ok(response) => response,
        Err(error) => {
            web_sys::console::warn_1(&format!("bundle {url}: {error}").into());
            return None;
        }
    };
    let too_large = response
        .headers()
        .get("content-length")
        .and_then(|length| length.parse::<usize>().ok())
        .is_some_and(|length| length > MAX_BUNDLE_BYTES);
    if !response.ok() || too_large {
        return Some(String::new());
    }
    Some(response.text().await.unwrap_or_default())
}
