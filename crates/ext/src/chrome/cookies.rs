//! `chrome.cookies`: read one cookie's value (needs the `cookies` permission and host access).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{ChromeError, from_js, settle, to_js};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "cookies"], js_name = get, catch)]
    fn cookies_get(details: &JsValue) -> Result<js_sys::Promise, JsValue>;
}

#[derive(Serialize)]
struct CookieQuery<'a> {
    url: &'a str,
    name: &'a str,
}

#[derive(Deserialize)]
struct Cookie {
    value: String,
}

/// The value of the cookie `name` that the browser would send to `url`, if there is one.
///
/// The value is handed straight to the caller and never logged or stored here.
pub async fn cookie_value(url: &str, name: &str) -> Result<Option<String>, ChromeError> {
    const API: &str = "chrome.cookies.get";
    let query = to_js(API, &CookieQuery { url, name })?;
    let answer = settle(API, cookies_get(&query)).await?;
    if answer.is_null() || answer.is_undefined() {
        return Ok(None);
    }
    Ok(Some(from_js::<Cookie>(API, answer)?.value))
}
