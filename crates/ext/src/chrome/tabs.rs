//! `chrome.tabs`: find open LinkedIn tabs and message their content script.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{ChromeError, from_js, settle, to_js};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = query, catch)]
    fn tabs_query(query: &JsValue) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = sendMessage, catch)]
    fn tabs_send_message(tab_id: i32, message: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

#[derive(Serialize)]
struct TabQuery<'a> {
    url: &'a str,
    status: &'a str,
}

#[derive(Deserialize)]
struct Tab {
    id: Option<i32>,
}

/// Ids of the fully loaded tabs whose URL matches `pattern` (a match pattern the extension
/// has host access to, so no `tabs` permission is needed).
pub async fn loaded_tabs(pattern: &str) -> Result<Vec<i32>, ChromeError> {
    const API: &str = "chrome.tabs.query";
    let query = to_js(
        API,
        &TabQuery {
            url: pattern,
            status: "complete",
        },
    )?;
    let tabs: Vec<Tab> = from_js(API, settle(API, tabs_query(&query)).await?)?;
    Ok(tabs.into_iter().filter_map(|tab| tab.id).collect())
}

/// Sends `message` to the content script of `tab` and reads its reply.
pub async fn send_message<M: Serialize, R: DeserializeOwned>(
    tab: i32,
    message: &M,
) -> Result<R, ChromeError> {
    const API: &str = "chrome.tabs.sendMessage";
    let message = to_js(API, message)?;
    from_js(API, settle(API, tabs_send_message(tab, &message)).await?)
}
