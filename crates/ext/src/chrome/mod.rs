//! Typed bindings to the `chrome.*` extension APIs the service worker uses.
//!
//! This is the only module that sees `JsValue`. Every binding is a `catch` extern returning a
//! Promise (MV3's promise-based APIs); the wrappers turn answers into Rust types with serde and
//! failures into [`ChromeError`]. Chrome usually rejects with an `Error`, but nothing here
//! assumes it: a rejection of any value is described in words.

pub mod cookies;
pub mod crypto;
pub mod runtime;
pub mod storage;
pub mod tabs;
pub mod timer;

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a call into the browser did not give the expected answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChromeError {
    /// The API threw or its promise rejected (with any value, `Error` or not).
    #[error("{api} failed: {message}")]
    Rejected { api: &'static str, message: String },
    /// The API answered with a value of an unexpected shape.
    #[error("{api} answered something unexpected: {message}")]
    Unexpected { api: &'static str, message: String },
    /// A Rust value could not be turned into the object the API takes.
    #[error("could not pass a value to {api}: {message}")]
    Encode { api: &'static str, message: String },
}

impl ChromeError {
    pub(crate) fn rejected(api: &'static str, value: &JsValue) -> Self {
        Self::Rejected {
            api,
            message: describe(value),
        }
    }
}

/// Words for any thrown value: an `Error`'s message, a string, or its JSON.
pub(crate) fn describe(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    if let Some(text) = value.as_string() {
        return text;
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|json| json.as_string())
        .unwrap_or_else(|| "an unreadable value".to_owned())
}

/// Converts for chrome.* APIs through JSON text: plain objects, never `Map` (chrome.storage
/// stores a Map as `{}`), and no serde-wasm-bindgen in the module (about 67 KB of code).
pub(crate) fn to_js<T: Serialize + ?Sized>(
    api: &'static str,
    value: &T,
) -> Result<JsValue, ChromeError> {
    let encode = |message: String| ChromeError::Encode { api, message };
    let json = serde_json::to_string(value).map_err(|error| encode(error.to_string()))?;
    js_sys::JSON::parse(&json).map_err(|error| encode(describe(&error)))
}

pub(crate) fn from_js<T: DeserializeOwned>(
    api: &'static str,
    value: JsValue,
) -> Result<T, ChromeError> {
    let unexpected = |message: String| ChromeError::Unexpected { api, message };
    let json = js_sys::JSON::stringify(&value)
        .map_err(|error| unexpected(describe(&error)))?
        .as_string()
        .ok_or_else(|| unexpected("a value with no JSON form".to_owned()))?;
    crate::json::decode(&json).map_err(|error| unexpected(error.to_string()))
}

/// Awaits what a `catch` binding returned: a thrown call or a rejected promise both fail.
pub(crate) async fn settle(
    api: &'static str,
    called: Result<js_sys::Promise, JsValue>,
) -> Result<JsValue, ChromeError> {
    let promise = called.map_err(|thrown| ChromeError::rejected(api, &thrown))?;
    let answer: Result<JsValue, JsValue> = JsFuture::from(promise).await;
    answer.map_err(|rejection| ChromeError::rejected(api, &rejection))
}
