//! `chrome.runtime`: facts about the extension itself.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::{ChromeError, from_js};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getManifest, catch)]
    fn runtime_get_manifest() -> Result<JsValue, JsValue>;
}

#[derive(Deserialize)]
struct Manifest {
    version: String,
}

/// The `version` field of manifest.json.
pub fn extension_version() -> Result<String, ChromeError> {
    const API: &str = "chrome.runtime.getManifest";
    let manifest = runtime_get_manifest().map_err(|thrown| ChromeError::rejected(API, &thrown))?;
    Ok(from_js::<Manifest>(API, manifest)?.version)
}

/// The browser's user agent string (`navigator.userAgent` of the worker's global scope).
pub fn user_agent() -> Option<String> {
    let navigator =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    js_sys::Reflect::get(&navigator, &JsValue::from_str("userAgent"))
        .ok()?
        .as_string()
}
